#include "cli/demo.h"

#include <array>
#include <chrono>
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace pantau::cli {
namespace {

constexpr std::string_view kDemoOwner = "pantau demo (data simulasi)";

// Address pools the demo draws voters from: /16s of Indonesian carriers and ISPs, and one /24 standing
// in for an office network. Votes are classified by netintel exactly as real ones would be.
struct Pool {
  std::string_view base;  // "114.125." → 114.125.x.y
  int weight;
};
constexpr std::array kOrganicPools{
    Pool{"114.125.", 30}, Pool{"182.1.", 20},    // Telkomsel
    Pool{"114.4.", 10},   Pool{"112.215.", 10},  // Indosat, XL
    Pool{"36.72.", 15},   Pool{"180.252.", 10},  // Telkom Indonesia (IndiHome)
    Pool{"202.137.", 5},                         // fixed broadband
};
constexpr std::string_view kOfficeNet = "103.147.8.";

constexpr std::array<std::string_view, 5> kPhoneAgents{
    "Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; 22031116AI) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; RMX2185; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.0.0 Mobile Safari/537.36 WhatsApp/2.24",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
};

}  // namespace

Result<PollId> EnsureDemoPoll(polls::PollService& polls, const std::string& owner_key_file) {
  PANTAU_ASSIGN_OR_RETURN(auto existing, polls.List());
  for (const auto& poll : existing)
    if (poll.owner_name == kDemoOwner) return poll.id;

  const Timestamp now = polls.clock().Now();
  Poll draft;
  draft.title = "Pilkada Kota Tomohon 2024: siapa pilihan Anda? (DEMO, paslon fiktif)";
  draft.region = RegionCode{"71.73"};
  draft.kind = PollKind::kCandidate;
  draft.options = {{1, "Adrian Kaunang – Maria Rumengan (fiktif)", ""},
                   {2, "Benny Lontoh – Sarah Wowor (fiktif)", ""},
                   {3, "Charles Pangkey – Dewi Sondakh (fiktif)", ""}};
  draft.opens_at = now - std::chrono::hours(1);
  draft.closes_at = now + std::chrono::days(14);
  draft.visibility = Visibility::kLive;
  draft.tier = AssuranceTier::kOpen;
  draft.methodology =
      "Polling demo dengan pemilih simulasi. Satu suara per perangkat; tidak ada pemblokiran per alamat IP "
      "karena operator seluler berbagi satu IP untuk banyak pelanggan. Polling daring bukan survei ilmiah.";
  draft.owner_name = std::string(kDemoOwner);
  draft.owner_url = "https://github.com/";
  PANTAU_ASSIGN_OR_RETURN(auto created, polls.Create(std::move(draft)));
  std::ofstream(owner_key_file) << created.owner_key << '\n';
  fmt::print("demo poll {} created; owner key (shown once, also in {}): {}\n", created.poll.id.value(),
             owner_key_file, created.owner_key);
  return created.poll.id;
}

DemoTraffic::DemoTraffic(polls::VoteService& votes, PollId poll, double votes_per_second, uint64_t seed)
    : votes_(votes), poll_(std::move(poll)), rate_(votes_per_second), rng_(seed) {}

DemoTraffic::~DemoTraffic() { Stop(); }

void DemoTraffic::Start() { thread_ = std::thread([this] { Run(); }); }

void DemoTraffic::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

polls::VoteRequest DemoTraffic::NextVoter(bool burst) {
  polls::VoteRequest r;
  r.poll = poll_;
  auto octet = [&] { return std::uniform_int_distribution<int>(1, 254)(rng_); };
  if (burst) {
    r.choice = std::bernoulli_distribution(0.92)(rng_) ? 2 : 1;
    r.client_ip = fmt::format("{}{}", kOfficeNet, octet());
    r.share_token = "grupskpd";
    r.referrer = "https://l.wa.me/";
  } else {
    // Organic split roughly 44 / 36 / 20.
    const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    r.choice = u < 0.44 ? 1 : (u < 0.80 ? 2 : 3);
    int total = 0;
    for (const auto& p : kOrganicPools) total += p.weight;
    int pick = std::uniform_int_distribution<int>(0, total - 1)(rng_);
    std::string_view base = kOrganicPools[0].base;
    for (const auto& p : kOrganicPools) {
      if (pick < p.weight) {
        base = p.base;
        break;
      }
      pick -= p.weight;
    }
    r.client_ip = fmt::format("{}{}.{}", base, octet(), octet());
    if (std::bernoulli_distribution(0.5)(rng_)) r.referrer = "https://l.wa.me/";
  }
  r.user_agent = std::string(kPhoneAgents[std::uniform_int_distribution<size_t>(0, kPhoneAgents.size() - 1)(rng_)]);
  return r;  // no device id: the service mints a fresh one, as for a first-time visitor
}

void DemoTraffic::Run() {
  using namespace std::chrono;
  std::exponential_distribution<double> gap(rate_);
  int burst_left = 0;
  while (!stop_) {
    // Every so often an official posts the link in a staff group: ~60 votes within minutes.
    if (burst_left == 0 && std::bernoulli_distribution(0.002)(rng_)) burst_left = 60;
    const bool burst = burst_left > 0;
    if (burst) --burst_left;
    votes_.Submit(NextVoter(burst), [](Result<polls::VoteAccepted> r) {
      if (!r) spdlog::debug("demo vote refused: {}", r.error().ToLogString());
    });
    const double wait = burst ? 0.2 : gap(rng_);
    for (auto until = steady_clock::now() + duration<double>(wait); !stop_ && steady_clock::now() < until;)
      std::this_thread::sleep_for(milliseconds(50));
  }
}

}  // namespace pantau::cli

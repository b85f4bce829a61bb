#include "polls/vote_service.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <tuple>

#include <fmt/format.h>

#include "core/local_time.h"
#include "crypto/crypto.h"
#include "netintel/ip_address.h"
#include "netintel/ip_prefix.h"

namespace pantau::polls {
namespace {

constexpr size_t kDeviceIdLength = 32;

bool IsBase32Lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); }

Error PollNotOpen(const Poll& poll, Timestamp now) {
  if (now < poll.opens_at) {
    const std::string opens = FormatLocal(poll.opens_at, ZoneOf(poll.region));
    return Error::FailedPrecondition(fmt::format("polling belum dibuka; dibuka {}", opens), "poll-not-open")
        .InEnglish(fmt::format("the poll is not open yet; it opens {}", opens));
  }
  const std::string closed = FormatLocal(poll.closes_at, ZoneOf(poll.region));
  return Error::FailedPrecondition(fmt::format("polling sudah ditutup pada {}", closed), "poll-closed")
      .InEnglish(fmt::format("the poll closed {}", closed));
}

}  // namespace

bool IsWellFormedDeviceId(std::string_view id) {
  return id.size() == kDeviceIdLength && std::all_of(id.begin(), id.end(), IsBase32Lower);
}

std::string ReferrerHost(std::string_view referrer) {
  const size_t scheme = referrer.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = referrer.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.starts_with('[')) rest = rest.substr(0, rest.find(':'));
  std::string host;
  for (char c : rest.substr(0, 253)) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '-' || c == '[' || c == ']' || c == ':')
      host.push_back(static_cast<char>(std::tolower(u)));
  }
  return host;
}

std::string SanitizeShareToken(std::string_view token) {
  std::string out(token.substr(0, 64));
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  return out;
}

VoteService::VoteService(PollRegistry& registry, store::Store& store, ledger::GroupCommitter& committer,
                         const netintel::NetworkIntel& intel, const Clock& clock)
    : registry_(registry), store_(store), committer_(committer), intel_(intel), clock_(clock) {}

Result<NetworkLocus> VoteService::LocusOf(const PollState& state, std::string_view client_ip) const {
  auto ip = netintel::IpAddress::Parse(client_ip);
  if (!ip) return std::unexpected(Error::Internal(fmt::format("unparseable client address: {}", ip.error().message)));
  NetworkLocus locus;
  locus.prefix = netintel::PrefixOf(*ip);
  locus.ip_hash = crypto::KeyedHashHex(state.secrets().ip_hash_key, ip->bytes());
  const auto info = intel_.Lookup(*ip);
  locus.asn = info.asn;
  locus.network_class = info.network_class;
  return locus;
}

void VoteCompletion::Committed(Result<store::LedgerEntry> entry) {
  if (!entry) {
    if (!panel_token_hash_.empty()) state_->ReleasePanelToken(panel_token_hash_);
    else state_->ReleaseDevice(std::string_view(device_id_.data(), device_id_.size()));
  }
  VoteDone(std::move(entry));
}

void VoteService::Submit(VoteRequest request, VoteCallback done) {
  // The callback form: a completion on the heap that deletes itself once it has called `done`.
  struct CallbackCompletion final : VoteCompletion {
    explicit CallbackCompletion(VoteCallback d) : done(std::move(d)) {}
    void VoteDone(Result<store::LedgerEntry> entry) override {
      const std::unique_ptr<CallbackCompletion> self(this);
      if (!entry) return done(std::unexpected(std::move(entry).error()));
      std::string device_id = entry->vote.device_id;
      done(VoteAccepted{std::move(*entry), std::move(device_id)});
    }
    VoteCallback done;
  };
  const VoteRequestView view{.poll = request.poll.value(),
                             .choice = request.choice,
                             .client_ip = request.client_ip,
                             .user_agent = request.user_agent,
                             .device_id = request.device_id,
                             .share_token = request.share_token,
                             .referrer = request.referrer,
                             .panel_token = request.panel_token};
  Submit(view, *new CallbackCompletion(std::move(done)));
}

void VoteService::Submit(const VoteRequestView& request, VoteCompletion& done) {
  auto state_or = registry_.Get(PollId{std::string(request.poll)});
  if (!state_or) return done.VoteDone(std::unexpected(state_or.error()));
  PollState* state = *state_or;
  const Poll& poll = state->poll();
  const Timestamp now = clock_.Now();
  if (!poll.IsOpenAt(now)) return done.VoteDone(std::unexpected(PollNotOpen(poll, now)));
  if (poll.FindOption(request.choice) == nullptr)
    return done.VoteDone(std::unexpected(Error::InvalidArgument(
        fmt::format("pilihan {} tidak ada dalam polling ini", request.choice), "unknown-option")
        .InEnglish(fmt::format("this poll has no option {}", request.choice))));

  Vote vote;
  vote.poll = poll.id;
  vote.time = now;
  vote.choice = request.choice;
  vote.tier = poll.tier;
  vote.device_id = IsWellFormedDeviceId(request.device_id) ? std::string(request.device_id)
                                                          : crypto::RandomToken(kDeviceIdLength);
  auto locus = LocusOf(*state, request.client_ip);
  if (!locus) return done.VoteDone(std::unexpected(locus.error()));
  vote.locus = std::move(*locus);
  vote.user_agent = ParseUserAgent(request.user_agent);
  vote.share_token = SanitizeShareToken(request.share_token);
  vote.referrer_host = ReferrerHost(request.referrer);

  // The one-vote rule: per panel token for panel polls, per device cookie otherwise. The reservation
  // is released (by VoteCompletion::Committed) if the vote does not become durable.
  done.state_ = state;
  done.panel_token_hash_.clear();
  if (poll.tier == AssuranceTier::kPanel) {
    if (request.panel_token.empty())
      return done.VoteDone(std::unexpected(Error::InvalidArgument("polling panel memerlukan token", "panel-token-required")
                                               .InEnglish("a panel poll needs a panel token")));
    std::string token_hash = crypto::HashSecret(request.panel_token);
    auto token = store_.FindPanelToken(poll.id, token_hash);
    if (!token) return done.VoteDone(std::unexpected(token.error()));
    if (!token->has_value())
      return done.VoteDone(std::unexpected(Error::Unauthenticated("token panel tidak dikenal", "bad-panel-token")
                                               .InEnglish("this panel token is not known")));
    if ((*token)->used || !state->ReservePanelToken(token_hash))
      return done.VoteDone(std::unexpected(Error::FailedPrecondition("token panel ini sudah dipakai", "panel-token-used")
                                               .InEnglish("this panel token has been used already")));
    vote.panel_token_hash = token_hash;
    done.panel_token_hash_ = std::move(token_hash);
  } else {
    if (!state->ReserveDevice(vote.device_id))
      return done.VoteDone(std::unexpected(
          Error::FailedPrecondition("perangkat ini sudah memberikan suara di polling ini", "already-voted")
              .InEnglish("this device has already voted in this poll")));
    static_assert(kDeviceIdLength == std::tuple_size_v<decltype(done.device_id_)>);
    std::copy_n(vote.device_id.data(), kDeviceIdLength, done.device_id_.data());
  }
  committer_.Submit(std::move(vote), static_cast<ledger::CommitWaiter&>(done));
}

void VoteService::OnDurableBatch(const std::vector<store::LedgerEntry>& batch) {
  PollState* state = nullptr;
  for (const auto& entry : batch) {
    if (state == nullptr || state->poll().id != entry.vote.poll) {
      auto found = registry_.Get(entry.vote.poll);
      if (!found) continue;  // cannot happen: a vote is only submitted for a loaded poll
      state = *found;
    }
    state->tally().Add(entry.vote.choice, entry.vote.time);
  }
}

}  // namespace pantau::polls

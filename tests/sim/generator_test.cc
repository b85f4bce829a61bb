#include "sim/generator.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace pantau::sim {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const NetworkPools& RealPools() {
  static const NetworkPools pools = [] {
    auto p = NetworkPools::FromAsnCsv(ReadFile(PANTAU_SOURCE_DIR "/node_modules/@ip-location-db/asn/asn-ipv4.csv"), Asns{});
    if (!p) throw std::runtime_error(p.error().message);
    if (auto v6 = p->AddIpv6(ReadFile(PANTAU_SOURCE_DIR "/node_modules/@ip-location-db/asn/asn-ipv6.csv")); !v6)
      throw std::runtime_error(v6.error().message);
    return std::move(*p);
  }();
  return pools;
}

const UaPool& RealUas() {
  static const UaPool uas = [] {
    auto u = UaPool::FromUserAgentsJson(ReadFile(PANTAU_SOURCE_DIR "/node_modules/user-agents/dist/user-agents.json"));
    if (!u) throw std::runtime_error(u.error().message);
    return std::move(*u);
  }();
  return uas;
}

SimulatedPoll Make(std::string_view name, int votes, uint64_t seed) {
  auto s = NamedScenario(name, votes);
  EXPECT_TRUE(s.has_value());
  auto poll = Generate(*s, RealPools(), RealUas(), seed);
  EXPECT_TRUE(poll.has_value()) << poll.error().message;
  return std::move(*poll);
}

TEST(Generator, SameSeedSameBytesOtherSeedOtherBytes) {
  const std::string a = VotesCsv(Make("mixed", 2000, 7));
  EXPECT_EQ(a, VotesCsv(Make("mixed", 2000, 7)));
  EXPECT_NE(a, VotesCsv(Make("mixed", 2000, 8)));
  EXPECT_TRUE(a.starts_with("time,choice,ip,user_agent,device_id,referrer,share_token\n"));
}

TEST(Generator, CleanPollIsAllOrganicWithTheConfiguredSplit) {
  const SimulatedPoll p = Make("clean", 20000, 1);
  ASSERT_GE(p.votes.size(), 20000u);  // plus a few % repeat votes
  EXPECT_LE(p.votes.size(), 21000u);
  for (const SimVote& v : p.votes) ASSERT_EQ(v.label, Label::kOrganic);
  EXPECT_NEAR(p.true_shares[0], 0.45, 0.015);
  EXPECT_NEAR(p.true_shares[1], 0.43, 0.015);
  EXPECT_TRUE(std::is_sorted(p.votes.begin(), p.votes.end(),
                             [](const SimVote& a, const SimVote& b) { return a.time_ms < b.time_ms; }));
}

TEST(Generator, CarrierAddressesAreSharedLikeCgnat) {
  const SimulatedPoll p = Make("clean", 20000, 2);
  std::map<uint32_t, int> per_ip;
  for (const SimVote& v : p.votes) ++per_ip[v.ip];
  int shared_votes = 0;
  for (const auto& [ip, n] : per_ip)
    if (n >= 11) shared_votes += n;
  // Most mobile voters (62 %) sit behind an address shared with at least ten others.
  EXPECT_GT(shared_votes, static_cast<int>(p.votes.size() * 0.5));
  // Honest repeat voters exist (same device twice).
  std::map<uint64_t, int> per_device;
  for (const SimVote& v : p.votes) ++per_device[v.device];
  int repeats = 0;
  for (const auto& [d, n] : per_device) repeats += n > 1;
  EXPECT_GT(repeats, 50);
}

TEST(Generator, TomohonCohortsComeFromOfficesInOfficeHoursAndFlipTheRawWinner) {
  const SimulatedPoll p = Make("tomohon", 20000, 3);
  int state = 0, state_for_target = 0, office_hours = 0;
  for (const SimVote& v : p.votes) {
    if (v.label != Label::kState) continue;
    ++state;
    state_for_target += v.option == 1;
    const int local_hour = static_cast<int>(((v.time_ms + 8 * 3600000LL) / 3600000) % 24);  // WITA
    office_hours += local_hour >= 8 && local_hour < 17;
  }
  EXPECT_GT(state, 1000);
  EXPECT_GT(state_for_target, state * 0.9);
  EXPECT_GT(office_hours, state * 0.9);
  // The winner flips: raw counts favour option 1 although organic voters prefer option 0.
  std::vector<int> raw(3);
  for (const SimVote& v : p.votes) ++raw[v.option];
  EXPECT_GT(p.true_shares[0], p.true_shares[1]);
  EXPECT_GT(raw[1], raw[0]);
}

TEST(Generator, EveryGridScenarioGenerates) {
  for (const std::string& name : ScenarioNames()) {
    SCOPED_TRACE(name);
    const SimulatedPoll p = Make(name, 2000, 1);
    EXPECT_GT(p.votes.size(), 150u);
  }
}

TEST(Generator, PhoneAndHomeVotersLeanDifferently) {
  const SimulatedPoll p = Make("clean", 20000, 5);
  std::map<uint32_t, int> per_ip;
  for (const SimVote& v : p.votes) ++per_ip[v.ip];
  // Phones (behind busy CGNAT addresses) lean to option 0, homes to option 1.
  double phone = 0, phone_0 = 0, other = 0, other_0 = 0;
  for (const SimVote& v : p.votes) {
    const bool cgnat = per_ip[v.ip] >= 11;
    (cgnat ? phone : other) += 1;
    (cgnat ? phone_0 : other_0) += v.option == 0;
  }
  EXPECT_GT(phone_0 / phone - other_0 / other, 0.05);
}

TEST(Generator, OneCarrierBlastStaysInsideOneCarriersCgnatBlocks) {
  const SimulatedPoll p = Make("one-carrier", 20000, 6);
  std::set<uint32_t> blocks;
  int phones = 0;
  for (const SimVote& v : p.votes)
    if (v.label == Label::kPartisan && !v.v6 && v.ua != 0) blocks.insert(v.ip >> 8), ++phones;
  EXPECT_GT(phones, 500);
  // Phones land on one carrier's 12 CGNAT /24s; homes add a few fixed-line blocks.
  EXPECT_LE(blocks.size(), 12u + static_cast<size_t>(phones / 5));
  std::map<uint32_t, int> per_block;
  for (const SimVote& v : p.votes)
    if (v.label == Label::kPartisan) ++per_block[v.ip >> 8];
  int in_top_12 = 0;
  std::vector<int> sizes;
  for (const auto& [b, n] : per_block) sizes.push_back(n);
  std::sort(sizes.rbegin(), sizes.rend());
  for (size_t i = 0; i < sizes.size() && i < 12; ++i) in_top_12 += sizes[i];
  EXPECT_GT(in_top_12, phones * 0.85);
}

TEST(Generator, LowAndSlowTricklesOverTwoDays) {
  const SimulatedPoll p = Make("low-and-slow", 20000, 7);
  std::vector<int64_t> times;
  for (const SimVote& v : p.votes)
    if (v.label == Label::kPartisan) times.push_back(v.time_ms);
  ASSERT_GT(times.size(), 500u);
  EXPECT_GT(times.back() - times.front(), 36 * 3600000LL);
  // No hour holds more than 6 % of the campaign's votes.
  size_t j = 0, most = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    while (j < times.size() && times[j] < times[i] + 3600000) ++j;
    most = std::max(most, j - i);
  }
  EXPECT_LT(most, times.size() * 6 / 100);
}

TEST(Generator, Ipv6PhonesHaveTheirOwnAddressesInsideFewPrefixes) {
  const SimulatedPoll p = Make("ipv6", 20000, 8);
  std::set<std::pair<uint64_t, uint64_t>> addresses;
  std::set<uint64_t> prefixes;
  int v6 = 0;
  for (const SimVote& v : p.votes)
    if (v.v6) ++v6, addresses.insert({v.ip6_high, v.ip6_low}), prefixes.insert(v.ip6_high >> 16);
  EXPECT_GT(v6, 4000);
  EXPECT_GT(addresses.size(), static_cast<size_t>(v6 * 0.95));  // privacy addresses: nearly all distinct
  EXPECT_LE(prefixes.size(), 18u);                               // 6 /48s per carrier
  const auto first = std::find_if(p.votes.begin(), p.votes.end(), [](const SimVote& v) { return v.v6; });
  const std::string text = Ipv6ToString(first->ip6_high, first->ip6_low);
  EXPECT_EQ(std::count(text.begin(), text.end(), ':'), 7) << text;  // no "::" in a random address
  EXPECT_NE(VotesCsv(p).find("," + text + ","), std::string::npos);
}

TEST(Generator, BotsComeFromHostingAndTruthFileListsEveryRow) {
  const SimulatedPoll p = Make("bots", 2000, 4);
  int bots = 0;
  for (const SimVote& v : p.votes) bots += v.label == Label::kBot;
  EXPECT_EQ(bots, 40 + 20);
  const std::string truth = TruthCsv(p);
  EXPECT_TRUE(truth.starts_with("row,label\n1,"));
  EXPECT_EQ(static_cast<size_t>(std::count(truth.begin(), truth.end(), '\n')), p.votes.size() + 1);
  EXPECT_NE(truth.find(",bot\n"), std::string::npos);
  const std::string shares = SharesJson(p);
  EXPECT_TRUE(shares.starts_with("{\"options\":[\"Paslon 1\",\"Paslon 2\",\"Paslon 3\"],\"true_organic_shares\":[")) << shares;
}

TEST(Generator, RejectsInconsistentScenarios) {
  Scenario s;
  s.organic.shares = {0.5, 0.5};
  EXPECT_FALSE(Generate(s, RealPools(), RealUas(), 1).has_value());
  EXPECT_FALSE(NamedScenario("nope").has_value());
}

TEST(NetworkPools, MissingAsnIsNotFound) {
  Asns asns;
  asns.hosting = {4294967000u};
  auto p = NetworkPools::FromAsnCsv("1.0.0.0,1.0.0.255,13335,Cloudflare\n", asns);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, ErrorCode::kNotFound);
}

TEST(UaPool, ReadsWeightedEntries) {
  auto u = UaPool::FromUserAgentsJson(
      R"js([{"userAgent": "Mozilla/5.0 (iPhone)", "weight": 0.5, "deviceCategory": "mobile"},
          {"userAgent": "Mozilla/5.0 (Windows NT 10.0) \"x\"", "weight": 0.2, "deviceCategory": "desktop"}])js");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  Rng r(1);
  EXPECT_EQ(u->Sample(UaPool::kPhone, r), "Mozilla/5.0 (iPhone)");
  EXPECT_EQ(u->Sample(UaPool::kDesktop, r), "Mozilla/5.0 (Windows NT 10.0) \"x\"");
  EXPECT_GT(RealUas().size(UaPool::kPhone), 1000u);
}

}  // namespace
}  // namespace pantau::sim

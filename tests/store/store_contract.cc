#include "store/store_contract.h"

#include <algorithm>

namespace pantau::testing_support {

Poll MakePoll(std::string id, int64_t created_ms) {
  Poll p;
  p.id = PollId{std::move(id)};
  p.title = "Pilkada Kota Tomohon 2024 — survei";
  p.region = RegionCode{"71.73"};
  p.kind = PollKind::kCandidate;
  p.options = {{1, "Caroll Senduk – Sendy Rumajar", "https://example.org/1.jpg"},
               {2, "Paslon Dua", ""},
               {3, "Paslon Tiga", ""}};
  p.opens_at = FromUnixMillis(created_ms + 1000);
  p.closes_at = FromUnixMillis(created_ms + 86'400'000);
  p.visibility = Visibility::kAfterVote;
  p.tier = AssuranceTier::kPanel;
  p.methodology = "Panel of 500 residents; not a random sample.";
  p.owner_name = "Redaksi Contoh";
  p.owner_url = "https://example.org";
  p.created_at = FromUnixMillis(created_ms);
  return p;
}

store::PollSecrets MakeSecrets(uint8_t fill) {
  return {std::string(64, 'a'), std::vector<uint8_t>(32, fill)};
}

Vote MakeVote(const PollId& poll, int n) {
  static constexpr NetworkClass kClasses[] = {NetworkClass::kUnknown, NetworkClass::kGovernment, NetworkClass::kMobile,
                                              NetworkClass::kFixed, NetworkClass::kHosting};
  static constexpr DeviceClass kDevices[] = {DeviceClass::kUnknown, DeviceClass::kPhone, DeviceClass::kTablet,
                                             DeviceClass::kDesktop, DeviceClass::kBot};
  Vote v;
  v.poll = poll;
  v.time = FromUnixMillis(1'700'000'100'000 + n * 37);
  v.choice = 1 + n % 3;
  v.tier = n % 2 ? AssuranceTier::kOpen : AssuranceTier::kVerified;
  v.device_id = "dev-" + std::to_string(n % 7);
  v.locus.prefix = "203.0." + std::to_string(n % 250) + ".0/24";
  v.locus.ip_hash = "ip" + std::to_string(n * 7919);
  v.locus.asn = 7713u + static_cast<uint32_t>(n);
  v.locus.network_class = kClasses[n % 5];
  v.user_agent = {"Chrome Mobile " + std::to_string(n % 3), n % 2 ? "Android" : "iOS", kDevices[n % 5]};
  v.share_token = "s" + std::to_string(n % 11);
  v.referrer_host = n % 4 ? "l.wa.me" : "";
  return v;
}

store::Hash FakeHash(const PollId& poll, uint64_t seq, uint8_t salt) {
  store::Hash h{};
  for (size_t i = 0; i < 8; ++i) h[i] = static_cast<uint8_t>(seq >> (8 * i));
  const std::string& id = poll.value();
  for (size_t i = 0; i < id.size() && i < 22; ++i) h[8 + i] = static_cast<uint8_t>(id[i]);
  h[31] = salt;
  return h;
}

store::LedgerEntry ContinueWith(store::ChainTail& tail, Vote vote) {
  store::LedgerEntry e;
  vote.seq = tail.seq + 1;
  e.prev_hash = tail.hash;
  e.entry_hash = FakeHash(vote.poll, vote.seq);
  e.vote = std::move(vote);
  tail = {e.vote.seq, e.entry_hash};
  return e;
}

std::vector<store::LedgerEntry> Continue(store::ChainTail& tail, const PollId& poll, int count, int first_n) {
  std::vector<store::LedgerEntry> out;
  for (int i = 0; i < count; ++i) out.push_back(ContinueWith(tail, MakeVote(poll, first_n + i)));
  return out;
}

std::vector<store::LedgerEntry> ScanAll(store::Store& store, const PollId& poll) {
  std::vector<store::LedgerEntry> out;
  auto s = store.ScanEntries(poll, 1, [&](const store::LedgerEntry& e) {
    out.push_back(e);
    return true;
  });
  EXPECT_TRUE(s.has_value()) << s.error().ToLogString();
  return out;
}

uint64_t TotalVotes(store::Store& store, const PollId& poll) {
  auto counts = store.CountVotes(poll);
  EXPECT_TRUE(counts.has_value()) << counts.error().ToLogString();
  uint64_t total = 0;
  if (counts)
    for (const auto& [choice, n] : *counts) total += n;
  return total;
}

void ExpectSamePoll(const Poll& got, const Poll& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.title, want.title);
  EXPECT_EQ(got.region, want.region);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.options, want.options);
  EXPECT_EQ(got.opens_at, want.opens_at);
  EXPECT_EQ(got.closes_at, want.closes_at);
  EXPECT_EQ(got.visibility, want.visibility);
  EXPECT_EQ(got.tier, want.tier);
  EXPECT_EQ(got.methodology, want.methodology);
  EXPECT_EQ(got.owner_name, want.owner_name);
  EXPECT_EQ(got.owner_url, want.owner_url);
  EXPECT_EQ(got.created_at, want.created_at);
}

}  // namespace pantau::testing_support

#include "ledger/chain.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace pantau::ledger {
namespace {

std::vector<LedgerEntry> MakeChain(int n, const PollId& poll = PollId{"p1"}) {
  std::vector<LedgerEntry> chain;
  store::ChainTail tail;
  for (int i = 1; i <= n; ++i) {
    Vote v;
    v.poll = poll;
    v.time = FromUnixMillis(1'732'090'000'000 + i * 1000);
    v.choice = 1 + i % 2;
    v.device_id = "dev" + std::to_string(i);
    v.locus = {"198.51.100.0/24", "ab" + std::to_string(i), 64500, NetworkClass::kFixed};
    v.user_agent = {"Firefox", "Linux", DeviceClass::kDesktop};
    chain.push_back(Link(tail, v));
    tail = {chain.back().vote.seq, chain.back().entry_hash};
  }
  return chain;
}

// Feeds entries until the verifier refuses one; returns it.
ChainVerifier Verify(const std::vector<LedgerEntry>& entries) {
  ChainVerifier v;
  for (const auto& e : entries)
    if (!v.Add(e)) break;
  return v;
}

void ExpectBreak(const ChainVerifier& v, uint64_t seq, std::string_view reason_part) {
  ASSERT_TRUE(v.broken().has_value()) << "expected a break at seq " << seq;
  EXPECT_EQ(v.broken()->seq, seq) << v.broken()->reason;
  EXPECT_NE(v.broken()->reason.find(reason_part), std::string::npos) << v.broken()->reason;
}

TEST(ChainVerifier, AcceptsAnIntactChain) {
  const auto chain = MakeChain(20);
  const ChainVerifier v = Verify(chain);
  EXPECT_FALSE(v.broken().has_value());
  EXPECT_EQ(v.verified(), 20u);
  EXPECT_EQ(v.tail().seq, 20u);
  EXPECT_EQ(v.tail().hash, chain.back().entry_hash);
}

TEST(ChainVerifier, AModifiedFieldBreaksTheChainAtThatEntry) {
  const std::vector<std::pair<const char*, std::function<void(Vote&)>>> edits = {
      {"choice", [](Vote& v) { v.choice = 9; }},
      {"time", [](Vote& v) { v.time += Millis{1}; }},
      {"device_id", [](Vote& v) { v.device_id = "forged"; }},
      {"network_class", [](Vote& v) { v.locus.network_class = NetworkClass::kGovernment; }},
      {"ua_device", [](Vote& v) { v.user_agent.device = DeviceClass::kBot; }},
      {"panel_token_hash", [](Vote& v) { v.panel_token_hash = "x"; }},
  };
  for (const auto& [name, edit] : edits) {
    auto chain = MakeChain(10);
    edit(chain[6].vote);
    const ChainVerifier v = Verify(chain);
    SCOPED_TRACE(name);
    ExpectBreak(v, 7, "entry hash does not match");
    EXPECT_EQ(v.verified(), 6u);
  }
}

TEST(ChainVerifier, ARehashedForgeryBreaksTheNextLink) {
  auto chain = MakeChain(10);
  chain[4].vote.choice = 9;
  chain[4].entry_hash = EntryHash(chain[4].prev_hash, chain[4].vote);  // a forger recomputes the hash
  ExpectBreak(Verify(chain), 6, "prev_hash");
}

TEST(ChainVerifier, ADeletedEntryIsASeqGap) {
  auto chain = MakeChain(10);
  chain.erase(chain.begin() + 3);  // seq 4
  const ChainVerifier v = Verify(chain);
  ExpectBreak(v, 5, "seq gap: expected seq 4");
  EXPECT_EQ(v.verified(), 3u);
}

TEST(ChainVerifier, ADeletedEntryWithRenumberedSeqsFailsOnPrevHash) {
  auto chain = MakeChain(10);
  chain.erase(chain.begin() + 3);
  for (size_t i = 3; i < chain.size(); ++i) --chain[i].vote.seq;  // hide the gap
  ExpectBreak(Verify(chain), 4, "prev_hash");
}

TEST(ChainVerifier, SwappedEntriesAreCaught) {
  auto chain = MakeChain(10);
  std::swap(chain[2], chain[3]);
  ExpectBreak(Verify(chain), 4, "seq gap: expected seq 3");
  // Swapping the votes but keeping seq order is caught by the hashes.
  chain = MakeChain(10);
  std::swap(chain[2].vote, chain[3].vote);
  std::swap(chain[2].vote.seq, chain[3].vote.seq);
  ExpectBreak(Verify(chain), 3, "entry hash does not match");
}

TEST(ChainVerifier, AWrongPrevHashIsCaughtEvenWithAConsistentEntryHash) {
  auto chain = MakeChain(10);
  chain[5].prev_hash[0] ^= 0x80;
  chain[5].entry_hash = EntryHash(chain[5].prev_hash, chain[5].vote);
  ExpectBreak(Verify(chain), 6, "prev_hash does not match");
  auto first = MakeChain(3);
  first[0].prev_hash[31] = 1;  // seq 1 must link to all zeros
  ExpectBreak(Verify(first), 1, "prev_hash");
}

TEST(ChainVerifier, AnEntryOfAnotherPollIsABreak) {
  auto chain = MakeChain(5);
  const auto other = MakeChain(5, PollId{"p2"});
  chain[3] = other[3];
  ExpectBreak(Verify(chain), 4, "poll p2");
}

TEST(ChainVerifier, StaysBrokenAfterTheFirstBreak) {
  auto chain = MakeChain(6);
  chain[1].vote.choice = 7;
  ChainVerifier v;
  EXPECT_TRUE(v.Add(chain[0]));
  EXPECT_FALSE(v.Add(chain[1]));
  EXPECT_FALSE(v.Add(chain[2]));  // valid on its own, but the chain is already broken
  ExpectBreak(v, 2, "entry hash");
  EXPECT_EQ(v.verified(), 1u);
}

TEST(ChainVerifier, CanStartFromATrustedTail) {
  const auto chain = MakeChain(10);
  ChainVerifier v(store::ChainTail{6, chain[5].entry_hash});
  for (size_t i = 6; i < chain.size(); ++i) ASSERT_TRUE(v.Add(chain[i]));
  EXPECT_EQ(v.verified(), 4u);
  ChainVerifier wrong(store::ChainTail{6, chain[4].entry_hash});
  EXPECT_FALSE(wrong.Add(chain[6]));
}

}  // namespace
}  // namespace pantau::ledger

// The Store contract (store.h), part 2: votes — AppendVotes atomicity and linkage checks, chain tails,
// receipts, counts, device ids, scans, and reads running beside appends.
#include "store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "store/store_contract.h"

namespace pantau::testing_support {
namespace {

template <typename F>
class StoreVotesContractTest : public StoreContract<F> {
 protected:
  void SetUp() override {
    StoreContract<F>::SetUp();
    if (this->IsSkipped() || this->HasFatalFailure()) return;
    ASSERT_TRUE(this->store().CreatePoll(MakePoll("p1", 1000), MakeSecrets()).has_value());
    ASSERT_TRUE(this->store().CreatePoll(MakePoll("p2", 2000), MakeSecrets()).has_value());
  }
  // Asserts that a failed AppendVotes left p1 exactly as `before`.
  void ExpectUnchanged(const std::vector<store::LedgerEntry>& before) {
    EXPECT_EQ(ScanAll(this->store(), p1_), before);
  }
  const PollId p1_{"p1"}, p2_{"p2"};
};
TYPED_TEST_SUITE(StoreVotesContractTest, StoreFactories, FactoryNames);

TYPED_TEST(StoreVotesContractTest, AppendedEntriesScanBackFieldByField) {
  store::ChainTail tail;
  auto batch = Continue(tail, this->p1_, 30);
  ASSERT_TRUE(this->store().AppendVotes(batch).has_value());
  const auto scanned = ScanAll(this->store(), this->p1_);
  ASSERT_EQ(scanned.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(scanned[i], batch[i]) << "seq " << batch[i].vote.seq;
}

TYPED_TEST(StoreVotesContractTest, EmptyBatchSucceeds) {
  EXPECT_TRUE(this->store().AppendVotes({}).has_value());
  EXPECT_TRUE(this->store().LoadChainTails()->empty());
}

TYPED_TEST(StoreVotesContractTest, OneBatchMayMixPolls) {
  store::ChainTail t1, t2;
  std::vector<store::LedgerEntry> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(ContinueWith(t1, MakeVote(this->p1_, i)));
    batch.push_back(ContinueWith(t2, MakeVote(this->p2_, 100 + i)));
  }
  ASSERT_TRUE(this->store().AppendVotes(batch).has_value());
  auto tails = this->store().LoadChainTails();
  ASSERT_TRUE(tails.has_value());
  ASSERT_EQ(tails->size(), 2u);
  EXPECT_EQ(tails->at("p1").seq, 5u);
  EXPECT_EQ(tails->at("p1").hash, t1.hash);
  EXPECT_EQ(tails->at("p2").seq, 5u);
  EXPECT_EQ(tails->at("p2").hash, t2.hash);
}

TYPED_TEST(StoreVotesContractTest, BatchWithASpentPanelTokenWritesNothing) {
  ASSERT_TRUE(this->store().AddPanelTokens(this->p1_, {"used", "fresh"}).has_value());
  store::ChainTail tail;
  Vote first = MakeVote(this->p1_, 1);
  first.panel_token_hash = "used";
  ASSERT_TRUE(this->store().AppendVotes({ContinueWith(tail, first)}).has_value());
  const auto before = ScanAll(this->store(), this->p1_);

  store::ChainTail attempt = tail;
  Vote fresh = MakeVote(this->p1_, 2), again = MakeVote(this->p1_, 4);
  fresh.panel_token_hash = "fresh";
  again.panel_token_hash = "used";
  std::vector<store::LedgerEntry> batch{ContinueWith(attempt, fresh), ContinueWith(attempt, MakeVote(this->p1_, 3)),
                                        ContinueWith(attempt, again)};
  auto s = this->store().AppendVotes(batch);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  this->ExpectUnchanged(before);
  EXPECT_FALSE((*this->store().FindPanelToken(this->p1_, "fresh"))->used);  // its spend was rolled back
  EXPECT_EQ(this->store().LoadChainTails()->at("p1").seq, 1u);

  // The same token twice inside one batch is refused as well.
  attempt = tail;
  Vote twice = MakeVote(this->p1_, 5);
  twice.panel_token_hash = "fresh";
  s = this->store().AppendVotes({ContinueWith(attempt, twice), ContinueWith(attempt, twice)});
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  this->ExpectUnchanged(before);
  // The store is still usable, and the rejected tokens are still spendable.
  ASSERT_TRUE(this->store().AppendVotes({ContinueWith(tail, twice)}).has_value());
  EXPECT_TRUE((*this->store().FindPanelToken(this->p1_, "fresh"))->used);
}

TYPED_TEST(StoreVotesContractTest, BatchWithAnUnknownPanelTokenWritesNothing) {
  store::ChainTail tail;
  auto batch = Continue(tail, this->p1_, 3);
  batch[2].vote.panel_token_hash = "never-issued";
  EXPECT_EQ(this->store().AppendVotes(batch).error().code, ErrorCode::kFailedPrecondition);
  this->ExpectUnchanged({});
}

TYPED_TEST(StoreVotesContractTest, BatchThatDoesNotContinueTheChainWritesNothing) {
  store::ChainTail tail;
  ASSERT_TRUE(this->store().AppendVotes(Continue(tail, this->p1_, 3)).has_value());
  const auto before = ScanAll(this->store(), this->p1_);
  auto expect_refused = [&](std::vector<store::LedgerEntry> batch, const char* what) {
    auto s = this->store().AppendVotes(batch);
    ASSERT_FALSE(s.has_value()) << what;
    EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition) << what << ": " << s.error().ToLogString();
    this->ExpectUnchanged(before);
  };
  store::ChainTail t = tail;
  auto gap = Continue(t, this->p1_, 3, 10);
  gap.erase(gap.begin() + 1);
  expect_refused(gap, "seq gap inside the batch");
  t = {tail.seq + 1, tail.hash};
  expect_refused(Continue(t, this->p1_, 2, 10), "seq gap after the stored tail");
  t = {tail.seq, FakeHash(this->p1_, 99, 5)};
  expect_refused(Continue(t, this->p1_, 2, 10), "prev_hash differs from the stored tail");
  t = {};
  expect_refused(Continue(t, this->p1_, 1, 10), "restarting at seq 1");
  t = tail;
  auto swapped = Continue(t, this->p1_, 3, 10);
  std::swap(swapped[1], swapped[2]);
  expect_refused(swapped, "swapped order");
  t = tail;
  auto wrong_prev = Continue(t, this->p1_, 3, 10);
  wrong_prev[2].prev_hash[0] ^= 1;
  expect_refused(wrong_prev, "prev_hash differs inside the batch");
}

TYPED_TEST(StoreVotesContractTest, BatchWithAnUnknownPollIsNotFoundAndWritesNothing) {
  store::ChainTail tail, ghost;
  auto batch = Continue(tail, this->p1_, 2);
  batch.push_back(ContinueWith(ghost, MakeVote(PollId{"ghost"}, 1)));
  EXPECT_EQ(this->store().AppendVotes(batch).error().code, ErrorCode::kNotFound);
  this->ExpectUnchanged({});
}

TYPED_TEST(StoreVotesContractTest, FindEntryByHashIsScopedToThePoll) {
  store::ChainTail t1, t2;
  auto b1 = Continue(t1, this->p1_, 4);
  auto b2 = Continue(t2, this->p2_, 4);
  ASSERT_TRUE(this->store().AppendVotes(b1).has_value());
  ASSERT_TRUE(this->store().AppendVotes(b2).has_value());
  auto found = this->store().FindEntry(this->p1_, b1[2].entry_hash);
  ASSERT_TRUE(found.has_value()) << found.error().ToLogString();
  EXPECT_EQ(*found, b1[2]);
  EXPECT_EQ(this->store().FindEntry(this->p1_, b2[2].entry_hash).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().FindEntry(this->p1_, FakeHash(this->p1_, 4, 1)).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreVotesContractTest, CountVotesPerChoice) {
  EXPECT_TRUE(this->store().CountVotes(this->p1_)->empty());
  store::ChainTail tail;
  auto batch = Continue(tail, this->p1_, 10);  // choices 1 + n % 3 for n = 1..10
  ASSERT_TRUE(this->store().AppendVotes(batch).has_value());
  std::map<int, uint64_t> want;
  for (const auto& e : batch) ++want[e.vote.choice];
  EXPECT_EQ(*this->store().CountVotes(this->p1_), want);
  EXPECT_TRUE(this->store().CountVotes(this->p2_)->empty());
}

TYPED_TEST(StoreVotesContractTest, LoadDeviceIdsIsTheDistinctNonEmptySet) {
  store::ChainTail tail;
  auto batch = Continue(tail, this->p1_, 20);  // "dev-0".."dev-6"
  batch[0].vote.device_id.clear();
  ASSERT_TRUE(this->store().AppendVotes(batch).has_value());
  auto ids = this->store().LoadDeviceIds(this->p1_);
  ASSERT_TRUE(ids.has_value());
  std::set<std::string> want;
  for (const auto& e : batch)
    if (!e.vote.device_id.empty()) want.insert(e.vote.device_id);
  EXPECT_EQ(ids->size(), want.size());  // no duplicates
  EXPECT_EQ(std::set<std::string>(ids->begin(), ids->end()), want);
  EXPECT_TRUE(this->store().LoadDeviceIds(this->p2_)->empty());
}

TYPED_TEST(StoreVotesContractTest, ScanStartsAtFromAndStopsWhenTold) {
  store::ChainTail tail;
  ASSERT_TRUE(this->store().AppendVotes(Continue(tail, this->p1_, 10)).has_value());
  auto seqs_from = [&](uint64_t from, size_t stop_after) {
    std::vector<uint64_t> seqs;
    auto s = this->store().ScanEntries(this->p1_, from, [&](const store::LedgerEntry& e) {
      seqs.push_back(e.vote.seq);
      return seqs.size() < stop_after;
    });
    EXPECT_TRUE(s.has_value());
    return seqs;
  };
  EXPECT_EQ(seqs_from(4, 100), (std::vector<uint64_t>{4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(seqs_from(0, 100).size(), 10u);
  EXPECT_EQ(seqs_from(1, 3), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(seqs_from(10, 100), (std::vector<uint64_t>{10}));
  EXPECT_TRUE(seqs_from(11, 100).empty());
  EXPECT_TRUE(seqs_from(UINT64_MAX, 100).empty());
}

TYPED_TEST(StoreVotesContractTest, ScanVisitorMayUseTheStoreAndSeesASnapshot) {
  store::ChainTail tail;
  ASSERT_TRUE(this->store().AppendVotes(Continue(tail, this->p1_, 5)).has_value());
  size_t visited = 0;
  auto s = this->store().ScanEntries(this->p1_, 1, [&](const store::LedgerEntry& e) {
    ++visited;
    EXPECT_EQ(this->store().FindEntry(this->p1_, e.entry_hash)->vote.seq, e.vote.seq);
    if (e.vote.seq == 2) {  // a write in the middle of the scan neither blocks nor shows up in it
      EXPECT_TRUE(this->store().AppendVotes(Continue(tail, this->p1_, 3, 50)).has_value());
      EXPECT_EQ(TotalVotes(this->store(), this->p1_), 8u);
    }
    return true;
  });
  ASSERT_TRUE(s.has_value()) << s.error().ToLogString();
  EXPECT_EQ(visited, 5u);
  EXPECT_EQ(ScanAll(this->store(), this->p1_).size(), 8u);
}

TYPED_TEST(StoreVotesContractTest, ReadsBesideAppendsSeeWholeBatchesInOrder) {
  constexpr int kBatches = 150, kBatchSize = 8;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, reads{0};
  auto reader = [&] {
    uint64_t last_total = 0;
    while (!done.load()) {
      const uint64_t total = TotalVotes(this->store(), this->p1_);
      if (total % kBatchSize != 0 || total < last_total) ++bad;  // a torn or vanished batch
      last_total = total;
      uint64_t expect = 1;
      store::Hash prev{};
      auto s = this->store().ScanEntries(this->p1_, 1, [&](const store::LedgerEntry& e) {
        if (e.vote.seq != expect++ || e.prev_hash != prev) ++bad;
        prev = e.entry_hash;
        return true;
      });
      if (!s || (expect - 1) % kBatchSize != 0) ++bad;
      ++reads;
    }
  };
  std::thread r1(reader), r2(reader);
  store::ChainTail tail;
  for (int b = 0; b < kBatches; ++b) {
    auto s = this->store().AppendVotes(Continue(tail, this->p1_, kBatchSize, b * kBatchSize));
    EXPECT_TRUE(s.has_value()) << s.error().ToLogString();
    if (!s) break;  // not ASSERT: the readers must be joined
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(TotalVotes(this->store(), this->p1_), uint64_t{kBatches * kBatchSize});
}

}  // namespace
}  // namespace pantau::testing_support

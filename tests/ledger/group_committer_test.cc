#include "ledger/group_committer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "ledger/committer_fixture.h"
#include "ledger/controlled_store.h"

namespace pantau::testing_support {
namespace {

using ledger::GroupCommitter;

TEST_F(CommitterTest, ConcurrentSubmissionsGetGaplessChainsThatMatchTheStore) {
  constexpr int kThreads = 8, kPerThread = 2000, kTotal = kThreads * kPerThread;
  const PollId polls[] = {p1_, p2_, p3_};
  std::map<std::string, uint64_t> listener_last_seq;  // touched only on the writer thread
  size_t listener_votes = 0, listener_batches = 0;
  bool listener_order_ok = true;
  GroupCommitter committer(store(), {}, [&](const std::vector<store::LedgerEntry>& batch) {
    ++listener_batches;
    listener_votes += batch.size();
    for (const auto& e : batch) listener_order_ok &= e.vote.seq == ++listener_last_seq[e.vote.poll.value()];
  });
  ASSERT_TRUE(committer.Start().has_value());
  Results results(kTotal);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        committer.Submit(MakeVote(polls[n % 3], n), results.At(n));
      }
    });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(results.WaitFor(kTotal));
  committer.Stop();

  std::map<std::string, std::set<uint64_t>> seqs;
  for (int n = 0; n < kTotal; ++n) {
    ASSERT_TRUE(results[n].has_value()) << n << ": " << results[n].error().ToLogString();
    const store::LedgerEntry& e = *results[n];
    EXPECT_EQ(e.vote.poll, polls[n % 3]);
    EXPECT_EQ(e.vote.device_id, MakeVote(polls[n % 3], n).device_id);
    EXPECT_TRUE(seqs[e.vote.poll.value()].insert(e.vote.seq).second) << "seq handed out twice";
  }
  for (const PollId& poll : polls) {
    const auto& s = seqs[poll.value()];
    EXPECT_EQ(*s.begin(), 1u);
    EXPECT_EQ(*s.rbegin(), s.size()) << "a gap in " << poll.value();
    EXPECT_EQ(TotalVotes(store(), poll), s.size());
    EXPECT_EQ(VerifyStoredChain(poll), s.size());
    EXPECT_EQ(committer.Tail(poll).seq, s.size());
    EXPECT_EQ(committer.Tail(poll).hash, store().LoadChainTails()->at(poll.value()).hash);
  }
  for (int n = 0; n < kTotal; n += 97) {  // receipts resolve to exactly what the callback reported
    auto found = store().FindEntry(results[n]->vote.poll, results[n]->entry_hash);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(*found, *results[n]);
  }
  const auto stats = committer.stats();
  EXPECT_EQ(stats.votes, uint64_t{kTotal});
  EXPECT_EQ(stats.failed_batches, 0u);
  EXPECT_LT(stats.batches, stats.votes) << "no batching happened";
  EXPECT_GT(stats.largest_batch, 1u);
  EXPECT_EQ(listener_votes, size_t{kTotal});
  EXPECT_EQ(listener_batches, stats.batches);
  EXPECT_TRUE(listener_order_ok);
  RecordProperty("batches", static_cast<int>(stats.batches));
}

TEST_F(CommitterTest, AFailedBatchAcknowledgesNothingAndTheNextBatchContinuesTheChain) {
  ControlledStore controlled(store());
  size_t listened = 0;
  GroupCommitter committer(controlled, {}, [&](const auto& batch) { listened += batch.size(); });
  ASSERT_TRUE(committer.Start().has_value());
  Results results(16);
  controlled.Hold();
  committer.Submit(MakeVote(p1_, 0), results.At(0));  // batch 1: [0], held inside AppendVotes
  controlled.WaitUntilBlocked();
  for (int n = 1; n <= 10; ++n) committer.Submit(MakeVote(n % 2 ? p1_ : p2_, n), results.At(n));  // batch 2
  controlled.FailNextAppends(1, Error::Unavailable("disk full", "injected"));
  controlled.Release();
  ASSERT_TRUE(results.WaitFor(1));
  ASSERT_TRUE(results[0].has_value());
  EXPECT_EQ(results[0]->vote.seq, 1u);

  ASSERT_TRUE(results.WaitFor(11));
  for (int n = 1; n <= 10; ++n) {
    ASSERT_FALSE(results[n].has_value()) << n;
    EXPECT_EQ(results[n].error().code, ErrorCode::kUnavailable);
  }
  EXPECT_EQ(TotalVotes(store(), p1_), 1u);
  EXPECT_EQ(TotalVotes(store(), p2_), 0u);
  EXPECT_EQ(committer.Tail(p1_).seq, 1u);  // rolled back to the durable tail
  EXPECT_EQ(committer.Tail(p2_).seq, 0u);
  EXPECT_EQ(listened, 1u);

  for (int n = 11; n < 16; ++n) committer.Submit(MakeVote(n % 2 ? p1_ : p2_, n), results.At(n));
  ASSERT_TRUE(results.WaitFor(16));
  committer.Stop();
  for (int n = 11; n < 16; ++n) ASSERT_TRUE(results[n].has_value()) << results[n].error().ToLogString();
  EXPECT_EQ(results[11]->vote.seq, 2u);  // p1 continues after seq 1, as if the failed batch never was
  EXPECT_EQ(results[11]->prev_hash, results[0]->entry_hash);
  EXPECT_EQ(results[12]->vote.seq, 1u);  // p2 starts from empty
  EXPECT_EQ(VerifyStoredChain(p1_), 4u);
  EXPECT_EQ(VerifyStoredChain(p2_), 2u);
  EXPECT_EQ(committer.stats().failed_batches, 1u);
  EXPECT_EQ(committer.stats().votes, 6u);
}

TEST_F(CommitterTest, AChainMovedBehindItsBackFailsOneBatchThenContinuesFromTheStore) {
  GroupCommitter committer(store(), {});
  ASSERT_TRUE(committer.Start().has_value());
  Results results(4);
  committer.Submit(MakeVote(p1_, 0), results.At(0));
  ASSERT_TRUE(results.WaitFor(1));
  // Another writer appends to p1 directly: the committer's tail is now stale.
  store::ChainTail outside = committer.Tail(p1_);
  ASSERT_TRUE(store().AppendVotes({ledger::Link(outside, MakeVote(p1_, 1))}).has_value());
  committer.Submit(MakeVote(p1_, 2), results.At(1));
  ASSERT_TRUE(results.WaitFor(2));
  EXPECT_EQ(results[1].error().code, ErrorCode::kUnavailable);  // refused by the store's linkage check
  EXPECT_EQ(committer.Tail(p1_).seq, 2u);                        // reloaded from the store
  committer.Submit(MakeVote(p1_, 3), results.At(2));
  committer.Submit(MakeVote(p2_, 4), results.At(3));
  ASSERT_TRUE(results.WaitFor(4));
  committer.Stop();
  ASSERT_TRUE(results[2].has_value()) << results[2].error().ToLogString();
  EXPECT_EQ(results[2]->vote.seq, 3u);
  EXPECT_TRUE(results[3].has_value());
  EXPECT_EQ(VerifyStoredChain(p1_), 3u);
}

TEST_F(CommitterTest, ARestartContinuesEachChainFromItsTail) {
  Results first(30);
  {
    GroupCommitter committer(store(), {});
    ASSERT_TRUE(committer.Start().has_value());
    for (int n = 0; n < 30; ++n) committer.Submit(MakeVote(n % 3 == 0 ? p1_ : p2_, n), first.At(n));
    committer.Stop();  // drains
  }
  ASSERT_TRUE(first.WaitFor(30, std::chrono::seconds(1)));
  const store::ChainTail p1_before{10, first[27]->entry_hash};
  Reopen();
  GroupCommitter committer(store(), {});
  ASSERT_TRUE(committer.Start().has_value());
  EXPECT_EQ(committer.Tail(p1_).seq, 10u);
  EXPECT_EQ(committer.Tail(p1_).hash, p1_before.hash);
  EXPECT_EQ(committer.Tail(p2_).seq, 20u);
  EXPECT_EQ(committer.Tail(p3_).seq, 0u);
  Results second(3);
  committer.Submit(MakeVote(p1_, 100), second.At(0));
  committer.Submit(MakeVote(p2_, 101), second.At(1));
  committer.Submit(MakeVote(p3_, 102), second.At(2));
  ASSERT_TRUE(second.WaitFor(3));
  committer.Stop();
  EXPECT_EQ(second[0]->vote.seq, 11u);
  EXPECT_EQ(second[0]->prev_hash, p1_before.hash);
  EXPECT_EQ(second[1]->vote.seq, 21u);
  EXPECT_EQ(second[2]->vote.seq, 1u);
  EXPECT_EQ(VerifyStoredChain(p1_), 11u);
  EXPECT_EQ(VerifyStoredChain(p2_), 21u);
  EXPECT_EQ(VerifyStoredChain(p3_), 1u);
}

TEST_F(CommitterTest, SubmitIsRefusedWhenNotRunning) {
  GroupCommitter committer(store(), {});
  Results results(2);
  committer.Submit(MakeVote(p1_, 0), results.At(0));  // before Start: completed on this thread
  ASSERT_TRUE(results.has(0));
  EXPECT_EQ(results[0].error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(committer.Start().has_value());
  EXPECT_EQ(committer.Start().error().code, ErrorCode::kFailedPrecondition);
  committer.Stop();
  committer.Stop();  // idempotent
  committer.Submit(MakeVote(p1_, 1), results.At(1));
  ASSERT_TRUE(results.has(1));
  EXPECT_EQ(results[1].error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(TotalVotes(store(), p1_), 0u);
}

TEST_F(CommitterTest, AFullQueueIsResourceExhaustedAtOnce) {
  ControlledStore controlled(store());
  GroupCommitter committer(controlled, {.max_batch = 8192, .max_queue = 3});
  ASSERT_TRUE(committer.Start().has_value());
  Results results(5);
  controlled.Hold();
  committer.Submit(MakeVote(p1_, 0), results.At(0));
  controlled.WaitUntilBlocked();  // the writer holds [0]; the queue is empty again
  for (int n = 1; n <= 3; ++n) committer.Submit(MakeVote(p1_, n), results.At(n));
  committer.Submit(MakeVote(p1_, 4), results.At(4));
  ASSERT_TRUE(results.has(4));
  EXPECT_EQ(results[4].error().code, ErrorCode::kResourceExhausted);
  controlled.Release();
  ASSERT_TRUE(results.WaitFor(5));
  committer.Stop();
  for (int n = 0; n <= 3; ++n) EXPECT_TRUE(results[n].has_value()) << n;
  EXPECT_EQ(VerifyStoredChain(p1_), 4u);
}

TEST_F(CommitterTest, StopDrainsEverythingQueued) {
  ControlledStore controlled(store());
  GroupCommitter committer(controlled, {.max_batch = 7, .max_queue = 1000});
  ASSERT_TRUE(committer.Start().has_value());
  Results results(50);
  controlled.Hold();
  committer.Submit(MakeVote(p1_, 0), results.At(0));
  controlled.WaitUntilBlocked();
  for (int n = 1; n < 50; ++n) committer.Submit(MakeVote(p1_, n), results.At(n));
  std::thread stopper([&] { committer.Stop(); });
  controlled.Release();
  stopper.join();
  for (int n = 0; n < 50; ++n) {
    ASSERT_TRUE(results.has(n)) << n;
    EXPECT_TRUE(results[n].has_value()) << n;
  }
  EXPECT_EQ(VerifyStoredChain(p1_), 50u);
  EXPECT_LE(committer.stats().largest_batch, 7u);  // max_batch holds
  EXPECT_GE(committer.stats().batches, 8u);
}

}  // namespace
}  // namespace pantau::testing_support

namespace pantau::testing_support {
namespace {

// Regression: the writer kept the last batch's callbacks alive until the next batch, so an awaiting
// HTTP handler's io_context never ran out of work and `pantau serve` could not stop.
TEST_F(CommitterTest, CallbacksAreReleasedOnceTheyHaveRun) {
  ledger::GroupCommitter committer(store(), {});
  ASSERT_TRUE(committer.Start().has_value());
  auto sentinel = std::make_shared<int>(0);
  std::weak_ptr<int> watch = sentinel;
  std::promise<void> called;
  committer.Submit(MakeVote(p1_, 1), [held = std::move(sentinel), &called](Result<store::LedgerEntry> r) {
    EXPECT_TRUE(r.has_value());
    called.set_value();
  });
  ASSERT_EQ(called.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!watch.expired() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(watch.expired()) << "the committer still holds a completed callback";
  committer.Stop();
}

}  // namespace
}  // namespace pantau::testing_support

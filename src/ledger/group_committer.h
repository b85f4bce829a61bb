// GroupCommitter: the single writer of votes. Submissions from any thread queue up; one writer thread
// takes everything pending as a batch, links each vote into its poll's hash chain, makes the batch
// durable with one Store::AppendVotes (one fsync), and only then completes each submission. Throughput
// therefore scales with batch size instead of collapsing to the disk's sync rate.
//
//   GroupCommitter committer(store, {}, [&](const auto& batch) { tallies.Apply(batch); });
//   if (auto s = committer.Start(); !s) ...            // loads every poll's chain tail
//   committer.Submit(vote, [](Result<LedgerEntry> r) { ... });   // r: the durable entry, or an error
//   committer.Stop();                                  // drains what is queued, then joins
// A hot caller may pass a CommitWaiter embedded in its own state instead of a Callback: the same
// contract, without a std::function (and its heap allocation) per vote. (A Callback is carried by a
// CommitWaiter of its own, so the writer has one way to complete a submission.)
//
// Callbacks and the batch listener run on the writer thread and must be quick (post elsewhere); they
// must not call Stop(). An exception escaping one is logged and swallowed so the writer keeps going.
// If AppendVotes fails, every submission of that batch completes with Unavailable, the chain tails stay
// where they were (re-read from the store), and nothing of the batch is acknowledged; the next batch
// continues from the durable tails.
// Panel tokens: a vote whose panel token another vote of the same batch already spends, or that the
// store reports unknown or spent, completes with FailedPrecondition ("panel-token-used") and is left
// out, so one replayed token cannot sink the other votes of its batch.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/vote.h"
#include "store/store.h"

namespace pantau::ledger {

// The completion of one submission, owned by the submitter (it must stay alive until Committed is
// called). Committed is called exactly once, with the same rules as a GroupCommitter::Callback.
class CommitWaiter {
 public:
  virtual void Committed(Result<store::LedgerEntry> entry) = 0;

 protected:
  ~CommitWaiter() = default;
};

class GroupCommitter {
 public:
  struct Options {
    size_t max_batch = 8192;    // votes per durable transaction at most
    size_t max_queue = 200000;  // pending submissions beyond this are refused (ResourceExhausted)
  };
  struct Stats {
    uint64_t batches = 0;
    uint64_t votes = 0;
    uint64_t failed_batches = 0;
    size_t largest_batch = 0;
  };
  using Callback = std::function<void(Result<store::LedgerEntry>)>;
  using BatchListener = std::function<void(const std::vector<store::LedgerEntry>&)>;

  GroupCommitter(store::Store& store, Options options, BatchListener on_durable_batch = {});
  ~GroupCommitter();  // Stop()s if still running
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Loads chain tails and starts the writer thread. Errors from the store are returned;
  // FailedPrecondition when already running. A stopped committer may be started again.
  Status Start();
  // Thread-safe. vote.seq is ignored: the writer assigns it when linking. `done` is always called
  // exactly once: on the writer thread after the batch is durable (or failed), or immediately on the
  // caller's thread with ResourceExhausted when max_queue submissions are pending or Unavailable when
  // not running (or stopping).
  void Submit(Vote vote, Callback done);
  // The same with an embedded completion: `waiter` must outlive its Committed call.
  void Submit(Vote vote, CommitWaiter& waiter);
  // Completes everything queued, then stops the writer thread. Idempotent; a concurrent caller
  // returns once the first has finished draining.
  void Stop();

  Stats stats() const;
  // The current tail of a poll's chain (seq 0 when it has no votes). Thread-safe.
  store::ChainTail Tail(const PollId& poll) const;

 private:
  struct Pending {
    Vote vote;
    CommitWaiter* waiter = nullptr;  // completed exactly once (Complete)
  };
  static void Complete(Pending& p, Result<store::LedgerEntry> entry);
  void Enqueue(Pending p);
  void Run();
  void CommitBatch(std::vector<Pending>& batch);
  // Links `votes` (in order) to the current tails; `tails` receives each poll's advanced tail.
  std::vector<store::LedgerEntry> LinkAll(std::vector<Vote> votes,
                                          std::map<std::string, store::ChainTail>& tails) const;
  Status Append(const std::vector<store::LedgerEntry>& entries);
  // After a failed batch: takes the tails the store holds (normally the ones kept), so a chain that
  // moved behind this committer's back (another writer, a commit whose outcome was unknown) heals.
  void ReloadTails();
  // Moves out of `batch` (into `refused`) the votes whose panel token is spent: by an earlier vote of
  // the batch, or (when `ask_store`) according to Store::FindPanelToken.
  void RefuseSpentPanelTokens(std::vector<Pending>& batch, bool ask_store, std::vector<Pending>& refused);

  store::Store& store_;
  Options options_;
  BatchListener on_durable_batch_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;  // swapped with the writer's batch vector, so both keep capacity
  bool running_ = false;
  bool stopping_ = false;
  std::map<std::string, store::ChainTail> tails_;  // guarded by mu_
  Stats stats_;                                    // guarded by mu_
  std::thread writer_;
};

}  // namespace pantau::ledger

// JournaledStore: a Store whose votes are durable as soon as they are in the vote log (SegmentLog),
// with the database following behind. AppendVotes checks a batch as every Store must (poll exists,
// chain linkage, panel tokens), appends it to the log — one write, one fdatasync — and returns; a
// follower thread then writes the logged batches into the database in transactions that need not sync.
// Polls and panel tokens go straight to the database. Reads of votes see what is logged but not yet
// followed: FindEntry and LoadChainTails answer from memory, the scans and counts wait for the follower.
//
// At open the two are reconciled: entries the log has beyond the database (a crash took them from the
// unsynced database) are written to it, and entries the database has beyond the log (a database from
// before the log existed) are copied into the log. Thread-safe; the Store contract holds (store.h).
//
//   PANTAU_ASSIGN_OR_RETURN(auto db, store::SqliteStore::Open(path, {.sync_vote_commits = false}));
//   PANTAU_ASSIGN_OR_RETURN(auto store, ledger::JournaledStore::Open(std::move(db), path + "-ledger"));
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/segment_log.h"
#include "store/store.h"

namespace pantau::ledger {

// Where pantau keeps the vote log of a database file: beside it, as "<database>-ledger".
inline std::string VoteLogDirOf(const std::string& database_path) { return database_path + "-ledger"; }

class JournaledStore final : public store::Store {
 public:
  struct Options {
    SegmentLog::Options log;
    size_t max_follow_batch = 8192;                  // entries per database transaction of the follower
    std::chrono::milliseconds follow_delay{100};     // gathers a transaction this long unless a reader waits
    size_t max_lag = 262'144;  // logged entries the database may trail by; beyond it appends wait for it
    std::chrono::milliseconds read_wait{10'000};     // a scan waits this long for the follower, then Unavailable
  };
  struct Stats {
    uint64_t logged = 0;    // entries appended to the log since open
    uint64_t followed = 0;  // of those, entries written to the database
  };

  // Opens the log in `log_dir` over `database` and reconciles them (see above). DataLoss when they
  // disagree about an entry or the log's chain is broken; the database's and log's own errors otherwise.
  static Result<std::unique_ptr<JournaledStore>> Open(std::unique_ptr<store::Store> database,
                                                      const std::string& log_dir, Options options);
  static Result<std::unique_ptr<JournaledStore>> Open(std::unique_ptr<store::Store> database,
                                                      const std::string& log_dir);  // default Options
  ~JournaledStore() override;  // the follower writes everything logged before it stops

  Status CreatePoll(const Poll& poll, const store::PollSecrets& secrets) override;
  Result<Poll> GetPoll(const PollId& id) override;
  Result<store::PollSecrets> GetPollSecrets(const PollId& id) override;
  Result<std::vector<Poll>> ListPolls() override;
  Status UpdatePoll(const Poll& poll) override;

  Status AppendVotes(const std::vector<store::LedgerEntry>& batch) override;
  Result<std::map<std::string, store::ChainTail>> LoadChainTails() override;
  Result<store::LedgerEntry> FindEntry(const PollId& poll, const store::Hash& entry_hash) override;
  Result<std::map<int, uint64_t>> CountVotes(const PollId& poll) override;
  Result<std::vector<std::string>> LoadDeviceIds(const PollId& poll) override;
  Status ScanEntries(const PollId& poll, uint64_t from,
                     const std::function<bool(const store::LedgerEntry&)>& visit) override;

  Status AddPanelTokens(const PollId& poll, const std::vector<std::string>& token_hashes) override;
  Result<std::optional<store::PanelToken>> FindPanelToken(const PollId& poll, const std::string& token_hash) override;

  Stats stats() const;
  const SegmentLog& log() const { return *log_; }
  // Blocks until the database holds every entry logged before the call (Unavailable after read_wait).
  Status WaitFollowed();

 private:
  using Batch = std::shared_ptr<const std::vector<store::LedgerEntry>>;
  JournaledStore(std::unique_ptr<store::Store> database, std::unique_ptr<SegmentLog> log, Options options);

  Status Reconcile();
  // Checks a batch against the tails and tokens as of now; returns the tails it advances to.
  Result<std::map<std::string, store::ChainTail>> CheckBatch(const std::vector<store::LedgerEntry>& batch);
  void Follow();
  Status WaitForLagBelowLimit();
  static std::string EntryKey(const PollId& poll, const store::Hash& hash);

  std::unique_ptr<store::Store> db_;
  std::unique_ptr<SegmentLog> log_;
  const Options options_;

  std::mutex append_mu_;                 // one AppendVotes at a time; guards known_polls_
  std::set<std::string, std::less<>> known_polls_;

  mutable std::mutex mu_;
  std::condition_variable work_;         // the follower waits for logged batches
  std::condition_variable followed_cv_;  // readers wait for the follower
  std::map<std::string, store::ChainTail> tails_;             // every poll's logged tail
  std::set<std::pair<std::string, std::string>> spent_tokens_;  // (poll, token hash) logged this run
  std::deque<Batch> pending_;                                 // logged, not yet in the database
  std::unordered_map<std::string, const store::LedgerEntry*> pending_by_hash_;
  Stats stats_;
  std::optional<Error> follow_error_;    // the database refused a logged batch: it has diverged
  int readers_waiting_ = 0;             // WaitFollowed callers: the follower writes at once
  bool stopping_ = false;
  std::thread follower_;
};

}  // namespace pantau::ledger

// JournaledStore: a Store whose votes live only in the vote log (SegmentLog); the database beside it
// keeps polls, poll secrets and panel tokens. AppendVotes checks a batch as every Store must (poll
// exists, chain linkage, panel tokens unknown or spent — in the database or by a vote in the log),
// appends it to the log — one write, one fdatasync — updates the in-memory index (vote_index.h) and
// returns. Vote reads answer from that index and the log: LoadChainTails and CountVotes from memory;
// FindEntry, ScanEntries and LoadDeviceIds read frames (pread of durable bytes, beside appends).
// FindPanelToken reports a token used when the database says so or a logged vote spent it.
//
// At open one scan of the log checks every chain and builds the index; a torn append at the end (one
// that never returned) was erased by SegmentLog. Then the database's own vote table is settled:
//   - votes of a database from before the log (or of a copy into the log that a crash interrupted):
//     what a poll's database chain holds beyond the log is copied into the log, continuing its chain;
//   - votes a previous version followed into the database: they must be a prefix of the log's chain
//     (the database's tail entry is compared with the log's entry at that seq), and are then ignored;
//   - DataLoss when they disagree, or when the log holds votes of a poll the database does not have.
// The database records the id of its vote log (setting "vote_log_id", SegmentLog::id) the first time
// they open together; from then on a missing log, or another one, is DataLoss rather than a fresh
// empty log (a database restored without its `-ledger` directory would otherwise lose every vote).
// After that the database's vote table is never read or written again (AppendVotes goes to the log
// only, and the database's panel-token `used` flags stay as they were). Thread-safe; the Store
// contract holds (store.h).
//
//   PANTAU_ASSIGN_OR_RETURN(auto db, store::SqliteStore::Open(path));
//   PANTAU_ASSIGN_OR_RETURN(auto store, ledger::JournaledStore::Open(std::move(db), VoteLogDirOf(path)));
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/segment_log.h"
#include "ledger/vote_index.h"
#include "store/store.h"

namespace pantau::ledger {

// Where pantau keeps the vote log of a database file: beside it, as "<database>-ledger".
inline std::string VoteLogDirOf(const std::string& database_path) { return database_path + "-ledger"; }
// The database setting (Store::GetSetting) naming the vote log that holds its votes.
inline constexpr char kVoteLogIdSetting[] = "vote_log_id";

// The id of the vote log `database` records as holding its votes, checked against the log in
// `log_dir` (read-only); nullopt when it records none yet. DataLoss when that log is missing or is
// another one.
Result<std::optional<std::string>> RecordedVoteLog(store::Store& database, const std::string& log_dir);

class JournaledStore final : public store::Store {
 public:
  struct Options {
    SegmentLog::Options log;
  };
  struct Stats {
    uint64_t entries = 0;      // votes in the log
    size_t index_bytes = 0;    // memory of the in-memory index (vote_index.h)
  };

  // Opens the log in `log_dir` beside `database` and settles the database's votes (see above).
  // DataLoss when they disagree or the log is damaged; the database's and log's own errors otherwise.
  static Result<std::unique_ptr<JournaledStore>> Open(std::unique_ptr<store::Store> database,
                                                      const std::string& log_dir, Options options);
  static Result<std::unique_ptr<JournaledStore>> Open(std::unique_ptr<store::Store> database,
                                                      const std::string& log_dir);  // default Options
  ~JournaledStore() override;

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
  Result<std::string> GetSetting(const std::string& key) override;
  Status PutSetting(const std::string& key, const std::string& value) override;  // not "vote_log_id"

  Stats stats() const;
  const SegmentLog& log() const { return *log_; }

 private:
  JournaledStore(std::unique_ptr<store::Store> database, std::unique_ptr<SegmentLog> log);

  Status Load();               // the scan and settlement at open
  Status SettleDatabaseVotes();
  // Checks a batch against the logged tails and tokens; the caller holds append_mu_.
  Status CheckBatch(const std::vector<store::LedgerEntry>& batch);
  // Appends checked entries to the log and indexes them; the caller holds append_mu_ (or is Open).
  Status AppendToLog(const std::vector<store::LedgerEntry>& batch);
  Status RequirePoll(const PollId& poll);  // NotFound unless the database has the poll (cached)
  // The entry at `at`, which the index says is the poll's entry `seq` (DataLoss if it is not).
  static Result<store::LedgerEntry> ReadIndexed(SegmentLog::Reader& reader, LogLocation at, const PollId& poll,
                                                uint64_t seq);

  std::unique_ptr<store::Store> db_;
  std::unique_ptr<SegmentLog> log_;

  std::mutex append_mu_;  // one AppendVotes at a time (the log has one appender)
  mutable std::mutex mu_;  // guards the two below; held only to read or update memory, never for I/O
  VoteIndex index_;
  std::set<std::string, std::less<>> known_polls_;  // polls the database is known to have
};

}  // namespace pantau::ledger

// SqliteStore: the Store on one SQLite file in WAL mode with synchronous=FULL, so every successful
// write is fsync-covered before it returns. Writes go through one writer connection (guarded by a
// mutex); reads borrow a connection from a pool of read-only connections and never wait for the
// writer (WAL readers see the last committed state). Thread-safe.
//   PANTAU_ASSIGN_OR_RETURN(auto store, store::SqliteStore::Open("/var/lib/pantau/pantau.db"));
//   store->CreatePoll(poll, secrets);
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace pantau::store {

namespace internal {
class Connection;
class ReaderPool;
}  // namespace internal

class SqliteStore final : public Store {
 public:
  // Opens or creates the database file at `path` and brings its schema up to date (migrations keyed by
  // PRAGMA user_version). Errors: Unavailable when the file cannot be opened or created, DataLoss when
  // it is not an SQLite database, FailedPrecondition when its schema is newer than this program or its
  // file system cannot do WAL.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  // Opens an existing database for reading only (`pantau verify` on evidence, or beside a running
  // server): the file is opened read-only and never migrated, so its bytes stay as they are. Every
  // write answers FailedPrecondition ("read-only"). NotFound when the file does not exist;
  // FailedPrecondition when its schema is not the current one.
  static Result<std::unique_ptr<SqliteStore>> OpenReadOnly(const std::string& path);
  ~SqliteStore() override;

  Status CreatePoll(const Poll& poll, const PollSecrets& secrets) override;
  Result<Poll> GetPoll(const PollId& id) override;
  Result<PollSecrets> GetPollSecrets(const PollId& id) override;
  Result<std::vector<Poll>> ListPolls() override;
  Status UpdatePoll(const Poll& poll) override;

  Status AppendVotes(const std::vector<LedgerEntry>& batch) override;
  Result<std::map<std::string, ChainTail>> LoadChainTails() override;
  Result<LedgerEntry> FindEntry(const PollId& poll, const Hash& entry_hash) override;
  Result<std::map<int, uint64_t>> CountVotes(const PollId& poll) override;
  Result<std::vector<std::string>> LoadDeviceIds(const PollId& poll) override;
  Status ScanEntries(const PollId& poll, uint64_t from,
                     const std::function<bool(const LedgerEntry&)>& visit) override;

  Status AddPanelTokens(const PollId& poll, const std::vector<std::string>& token_hashes) override;
  Result<std::optional<PanelToken>> FindPanelToken(const PollId& poll, const std::string& token_hash) override;

  Result<std::string> GetSetting(const std::string& key) override;
  Status PutSetting(const std::string& key, const std::string& value) override;

 private:
  SqliteStore(std::unique_ptr<internal::Connection> writer, std::unique_ptr<internal::ReaderPool> readers);
  Status RequireWritable() const;  // FailedPrecondition for a store opened read-only

  std::mutex write_mu_;  // serialises every write transaction on writer_
  std::unique_ptr<internal::Connection> writer_;  // null when opened read-only
  // Read connections, each lent to one thread at a time.
  std::unique_ptr<internal::ReaderPool> readers_;
};

}  // namespace pantau::store

// SqliteStore: opening, the reader pool, polls and panel tokens. Votes are in sqlite_store_votes.cc.
#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <utility>

#include "store/sqlite/internal/connection.h"
#include "store/sqlite/internal/migrations.h"
#include "store/sqlite/internal/reader_pool.h"
#include "store/sqlite/internal/rows.h"
#include "store/sqlite/internal/store_queries.h"
#include "store/sync_directory.h"

namespace pantau::store {

using internal::Connection;
using internal::Transaction;

namespace {

// Idle read connections kept open; more are opened on demand (e.g. a scan visitor that reads) and
// closed on return when this many are already idle.
constexpr size_t kMaxIdleReaders = 8;

Status InsertOptions(Connection& conn, const Poll& poll) {
  PANTAU_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(
      "INSERT INTO poll_options (poll_id, position, number, name, photo_url) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (size_t i = 0; i < poll.options.size(); ++i) {
    const PollOption& o = poll.options[i];
    stmt->BindText(1, poll.id.value());
    stmt->BindInt(2, static_cast<int64_t>(i));
    stmt->BindInt(3, o.number);
    stmt->BindText(4, o.name);
    stmt->BindText(5, o.photo_url);
    PANTAU_RETURN_IF_ERROR(stmt->Run());
    stmt->Reset();
  }
  return Ok();
}

Result<std::vector<PollOption>> ReadOptions(Connection& conn, const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(
      "SELECT number, name, photo_url FROM poll_options WHERE poll_id = ?1 ORDER BY position"));
  stmt->BindText(1, id.value());
  std::vector<PollOption> options;
  for (;;) {
    PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    options.push_back({static_cast<int>(stmt->ColumnInt(0)), stmt->ColumnText(1), stmt->ColumnText(2)});
  }
  return options;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:"))
    return std::unexpected(Error::InvalidArgument("the database path must name a file"));
  PANTAU_ASSIGN_OR_RETURN(auto writer, Connection::Open(path, Connection::Role::kWriter));
  // WAL is persistent in the file; it lets readers run beside the writer and makes each commit one
  // sequential WAL append + fsync.
  PANTAU_ASSIGN_OR_RETURN(std::string mode, writer->QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal")
    return std::unexpected(Error::FailedPrecondition(
        "the database's file system does not support WAL mode", "wal-unsupported"));
  // Truncate the WAL back to 64 MiB after checkpoints so it does not keep its high-water size.
  PANTAU_RETURN_IF_ERROR(writer->Exec("PRAGMA journal_size_limit=67108864"));
  PANTAU_RETURN_IF_ERROR(internal::RunMigrations(*writer));
  // SQLite syncs the directory when it creates the WAL, not when it creates the main file: do that once
  // here, so a database created just before a power cut still has its directory entry afterwards.
  PANTAU_RETURN_IF_ERROR(SyncDirectory(std::filesystem::path(path).parent_path().string()));
  auto readers = std::make_unique<internal::ReaderPool>(path, kMaxIdleReaders);
  {
    // Open the first reader now, so a problem with read connections shows at start-up.
    PANTAU_ASSIGN_OR_RETURN(auto reader, readers->Acquire());
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(writer), std::move(readers)));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::OpenReadOnly(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return std::unexpected(Error::NotFound(fmt::format("there is no database file at {}", path)));
  auto readers = std::make_unique<internal::ReaderPool>(path, kMaxIdleReaders, Connection::Role::kReadOnly);
  {
    PANTAU_ASSIGN_OR_RETURN(auto reader, readers->Acquire());
    PANTAU_RETURN_IF_ERROR(internal::RequireCurrentSchema(*reader));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(nullptr, std::move(readers)));
}

Status SqliteStore::RequireWritable() const {
  if (writer_) return Ok();
  return std::unexpected(Error::FailedPrecondition("the database is open read-only", "read-only"));
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<internal::ReaderPool> readers)
    : writer_(std::move(writer)), readers_(std::move(readers)) {}

SqliteStore::~SqliteStore() = default;

Status SqliteStore::CreatePoll(const Poll& poll, const PollSecrets& secrets) {
  PANTAU_RETURN_IF_ERROR(RequireWritable());
  std::lock_guard lock(write_mu_);
  PANTAU_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*writer_, Transaction::Kind::kWrite));
  PANTAU_ASSIGN_OR_RETURN(bool exists, internal::PollExists(*writer_, poll.id));
  if (exists) return std::unexpected(Error::AlreadyExists("a poll with this id already exists"));
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, writer_->Prepare(fmt::format(
        "INSERT INTO polls ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", internal::kPollColumns)));
    internal::BindPoll(*stmt, poll);
    PANTAU_RETURN_IF_ERROR(stmt->Run());
  }
  PANTAU_RETURN_IF_ERROR(InsertOptions(*writer_, poll));
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, writer_->Prepare(
        "INSERT INTO poll_secrets (poll_id, owner_key_hash, ip_hash_key) VALUES (?1, ?2, ?3)"));
    stmt->BindText(1, poll.id.value());
    stmt->BindText(2, secrets.owner_key_hash);
    stmt->BindBlob(3, secrets.ip_hash_key);
    PANTAU_RETURN_IF_ERROR(stmt->Run());
  }
  return tx.Commit();
}

Result<Poll> SqliteStore::GetPoll(const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto snapshot, Transaction::Begin(*reader, Transaction::Kind::kRead));
  Poll poll;
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(
        fmt::format("SELECT {} FROM polls WHERE id = ?1", internal::kPollColumns)));
    stmt->BindText(1, id.value());
    PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return std::unexpected(internal::PollNotFound());
    PANTAU_ASSIGN_OR_RETURN(poll, internal::ReadPoll(*stmt));
  }
  PANTAU_ASSIGN_OR_RETURN(poll.options, ReadOptions(*reader, id));
  return poll;
}

Result<PollSecrets> SqliteStore::GetPollSecrets(const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(
      "SELECT owner_key_hash, ip_hash_key FROM poll_secrets WHERE poll_id = ?1"));
  stmt->BindText(1, id.value());
  PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::unexpected(internal::PollNotFound());
  return PollSecrets{stmt->ColumnText(0), stmt->ColumnBlob(1)};
}

Result<std::vector<Poll>> SqliteStore::ListPolls() {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto snapshot, Transaction::Begin(*reader, Transaction::Kind::kRead));
  std::vector<Poll> polls;
  std::map<std::string, size_t> index;
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(fmt::format(
        "SELECT {} FROM polls ORDER BY created_at_ms DESC, id", internal::kPollColumns)));
    for (;;) {
      PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      PANTAU_ASSIGN_OR_RETURN(Poll poll, internal::ReadPoll(*stmt));
      index[poll.id.value()] = polls.size();
      polls.push_back(std::move(poll));
    }
  }
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(
      "SELECT poll_id, number, name, photo_url FROM poll_options ORDER BY poll_id, position"));
  for (;;) {
    PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    auto it = index.find(stmt->ColumnText(0));
    if (it == index.end()) continue;  // cannot happen: options reference polls
    polls[it->second].options.push_back(
        {static_cast<int>(stmt->ColumnInt(1)), stmt->ColumnText(2), stmt->ColumnText(3)});
  }
  return polls;
}

Status SqliteStore::UpdatePoll(const Poll& poll) {
  PANTAU_RETURN_IF_ERROR(RequireWritable());
  std::lock_guard lock(write_mu_);
  PANTAU_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*writer_, Transaction::Kind::kWrite));
  PANTAU_RETURN_IF_ERROR(internal::RequirePoll(*writer_, poll.id));
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, writer_->Prepare(
        "UPDATE polls SET title = ?2, opens_at_ms = ?3, closes_at_ms = ?4, visibility = ?5, methodology = ?6, "
        "owner_name = ?7, owner_url = ?8 WHERE id = ?1"));
    stmt->BindText(1, poll.id.value());
    stmt->BindText(2, poll.title);
    stmt->BindInt(3, ToUnixMillis(poll.opens_at));
    stmt->BindInt(4, ToUnixMillis(poll.closes_at));
    stmt->BindText(5, kVisibilityNames.Name(poll.visibility));
    stmt->BindText(6, poll.methodology);
    stmt->BindText(7, poll.owner_name);
    stmt->BindText(8, poll.owner_url);
    PANTAU_RETURN_IF_ERROR(stmt->Run());
  }
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, writer_->Prepare("DELETE FROM poll_options WHERE poll_id = ?1"));
    stmt->BindText(1, poll.id.value());
    PANTAU_RETURN_IF_ERROR(stmt->Run());
  }
  PANTAU_RETURN_IF_ERROR(InsertOptions(*writer_, poll));
  return tx.Commit();
}

Status SqliteStore::AddPanelTokens(const PollId& poll, const std::vector<std::string>& token_hashes) {
  PANTAU_RETURN_IF_ERROR(RequireWritable());
  for (const auto& h : token_hashes)
    if (h.empty()) return std::unexpected(Error::InvalidArgument("a panel token hash is empty"));
  std::lock_guard lock(write_mu_);
  PANTAU_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*writer_, Transaction::Kind::kWrite));
  PANTAU_RETURN_IF_ERROR(internal::RequirePoll(*writer_, poll));
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, writer_->Prepare(
        "INSERT INTO panel_tokens (poll_id, token_hash) VALUES (?1, ?2) ON CONFLICT (poll_id, token_hash) DO NOTHING"));
    for (const auto& h : token_hashes) {
      stmt->BindText(1, poll.value());
      stmt->BindText(2, h);
      PANTAU_RETURN_IF_ERROR(stmt->Run());
      stmt->Reset();
    }
  }
  return tx.Commit();
}

Result<std::optional<PanelToken>> SqliteStore::FindPanelToken(const PollId& poll, const std::string& token_hash) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto snapshot, Transaction::Begin(*reader, Transaction::Kind::kRead));
  PANTAU_RETURN_IF_ERROR(internal::RequirePoll(*reader, poll));
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(
      "SELECT used FROM panel_tokens WHERE poll_id = ?1 AND token_hash = ?2"));
  stmt->BindText(1, poll.value());
  stmt->BindText(2, token_hash);
  PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<PanelToken>();
  return std::optional<PanelToken>(PanelToken{token_hash, stmt->ColumnInt(0) != 0});
}

Result<std::string> SqliteStore::GetSetting(const std::string& key) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare("SELECT value FROM settings WHERE key = ?1"));
  stmt->BindText(1, key);
  PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::unexpected(Error::NotFound(fmt::format("no setting {}", key)));
  return stmt->ColumnText(0);
}

Status SqliteStore::PutSetting(const std::string& key, const std::string& value) {
  PANTAU_RETURN_IF_ERROR(RequireWritable());
  if (key.empty()) return std::unexpected(Error::InvalidArgument("a setting needs a key"));
  std::lock_guard lock(write_mu_);
  PANTAU_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*writer_, Transaction::Kind::kWrite));
  {
    PANTAU_ASSIGN_OR_RETURN(auto stmt, writer_->Prepare(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    stmt->BindText(1, key);
    stmt->BindText(2, value);
    PANTAU_RETURN_IF_ERROR(stmt->Run());
  }
  return tx.Commit();
}

}  // namespace pantau::store

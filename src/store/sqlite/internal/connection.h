// Connection and Statement: a thin RAII layer over one sqlite3 handle, with a per-connection cache of
// prepared statements and SQLite result codes turned into pantau Errors. Not thread-safe: SqliteStore
// hands each Connection to one thread at a time (a writer mutex, a reader pool).
//   PANTAU_ASSIGN_OR_RETURN(auto stmt, conn.Prepare("SELECT title FROM polls WHERE id = ?1"));
//   stmt->BindText(1, id);
//   PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());   // the statement is reset when `stmt` dies
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pantau::store::internal {

// The SQLite error `rc` on `db` as a pantau Error: BUSY/LOCKED/FULL/IOERR/CANTOPEN/READONLY ->
// Unavailable, CORRUPT/NOTADB -> DataLoss, anything else -> Internal. `what` names the operation.
Error SqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based. Values are copied. A failed bind is reported by the next Step().
  void BindText(int index, std::string_view value);
  // Binds without copying: `value` must stay alive and unchanged until the statement is stepped and
  // reset (for rows written straight from caller-owned data, like AppendVotes' entries).
  void BindTextRef(int index, std::string_view value);
  void BindInt(int index, int64_t value);
  void BindBlob(int index, std::span<const uint8_t> value);
  void BindBlobRef(int index, std::span<const uint8_t> value);  // as BindTextRef

  // true: a row is available; false: done. Constraint violations come back as Internal errors whose
  // constraint_violation() is true until the next Reset().
  Result<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();
  bool constraint_violation() const { return constraint_violation_; }
  int extended_code() const { return extended_code_; }

  // Columns are 0-based.
  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::vector<uint8_t> ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

  void Reset();

 private:
  void BindBlobWith(int index, std::span<const uint8_t> value, void (*lifetime)(void*));

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  int bind_error_ = 0;
  bool constraint_violation_ = false;
  int extended_code_ = 0;
};

// A cached statement borrowed for one use; resets it (and clears its bindings) when destroyed.
class StatementLease {
 public:
  explicit StatementLease(Statement* s) : s_(s) {}
  StatementLease(StatementLease&& other) noexcept : s_(std::exchange(other.s_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (s_ != nullptr) s_->Reset();
  }
  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
};

class Connection {
 public:
  // kReadOnly opens the file with SQLITE_OPEN_READONLY (SqliteStore::OpenReadOnly): nothing, not even
  // a migration or a checkpoint, may change it.
  enum class Role { kWriter, kReader, kReadOnly };

  // Opens (creating the file when `role` is kWriter) and applies the per-connection pragmas:
  // synchronous=FULL, foreign_keys=ON, busy_timeout, and query_only for the reading roles. WAL mode is a property
  // of the file, set by SqliteStore::Open through the writer.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, Role role);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more SQL statements without results (pragmas, BEGIN, migrations).
  Status Exec(std::string_view sql);
  // Runs a statement that yields one text or integer value, e.g. "PRAGMA journal_mode=WAL".
  Result<std::string> QueryText(std::string_view sql);
  Result<int64_t> QueryInt(std::string_view sql);
  // A cached prepared statement (compiled once per connection).
  Result<StatementLease> Prepare(const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;
  bool in_transaction() const;
  sqlite3* db() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// BEGIN (IMMEDIATE for writes) ... Commit(); rolls back on destruction unless committed.
class Transaction {
 public:
  enum class Kind { kRead, kWrite };
  static Result<Transaction> Begin(Connection& conn, Kind kind);
  Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  // Durable on return for write transactions (WAL + synchronous=FULL). On failure the transaction is
  // rolled back and nothing of it is stored.
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace pantau::store::internal

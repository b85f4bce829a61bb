#include "store/sqlite/internal/connection.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace pantau::store::internal {
namespace {

// How long a connection waits for another connection's lock before giving up with Unavailable. Only
// another process (or a checkpoint) can hold it: inside one SqliteStore writes are serialised.
constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const std::string detail =
      fmt::format("sqlite {}: {} (code {})", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::Unavailable("the database is busy; try again", detail);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Error::Unavailable("storage is unavailable; try again later", detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Error::DataLoss("the database file is damaged", detail);
    default:
      return Error::Internal(detail);
  }
}

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql) : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::BindText(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindTextRef(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindInt(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindBlob(int index, std::span<const uint8_t> value) { BindBlobWith(index, value, SQLITE_TRANSIENT); }

void Statement::BindBlobRef(int index, std::span<const uint8_t> value) { BindBlobWith(index, value, SQLITE_STATIC); }

void Statement::BindBlobWith(int index, std::span<const uint8_t> value, void (*lifetime)(void*)) {
  // A zero-length blob must still be a BLOB, not NULL: pass a non-null pointer.
  static const uint8_t kEmpty = 0;
  const void* data = value.empty() ? &kEmpty : value.data();
  const int rc = sqlite3_bind_blob64(stmt_, index, data, value.size(), lifetime);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Result<bool> Statement::Step() {
  if (bind_error_ != 0) return std::unexpected(SqliteError(db_, bind_error_, fmt::format("bind for `{}`", sql_)));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  extended_code_ = sqlite3_extended_errcode(db_);
  constraint_violation_ = (rc & 0xff) == SQLITE_CONSTRAINT;
  return std::unexpected(SqliteError(db_, rc, fmt::format("step `{}`", sql_)));
}

Status Statement::Run() {
  PANTAU_ASSIGN_OR_RETURN(bool row, Step());
  if (row) return std::unexpected(Error::Internal(fmt::format("sqlite: `{}` unexpectedly returned a row", sql_)));
  return Ok();
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(n)) : std::string();
}

std::vector<uint8_t> Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  return data ? std::vector<uint8_t>(data, data + n) : std::vector<uint8_t>();
}

bool Statement::ColumnIsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
  constraint_violation_ = false;
  extended_code_ = 0;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Role role) {
  // NOMUTEX: SqliteStore guarantees one thread per connection at a time.
  int flags = (role == Role::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
  if (role == Role::kWriter) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = SqliteError(db, rc, fmt::format("open {}", path));
    sqlite3_close_v2(db);
    return std::unexpected(std::move(e));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // synchronous=FULL: in WAL mode every COMMIT fsyncs the WAL before returning, so a successful
  // write survives power loss, not only a process crash (NORMAL would lose the last commits).
  PANTAU_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;"));
  if (role != Role::kWriter) PANTAU_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=ON;"));
  return conn;
}

Connection::~Connection() {
  cache_.clear();  // statements must be finalised before the handle closes
  sqlite3_close_v2(db_);
}

Status Connection::Exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, fmt::format("exec `{}`", sql.substr(0, 80))));
  return Ok();
}

Result<std::string> Connection::QueryText(std::string_view sql) {
  PANTAU_ASSIGN_OR_RETURN(auto stmt, Prepare(std::string(sql)));
  PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::unexpected(Error::Internal(fmt::format("sqlite: `{}` returned no row", sql)));
  return stmt->ColumnText(0);
}

Result<int64_t> Connection::QueryInt(std::string_view sql) {
  PANTAU_ASSIGN_OR_RETURN(auto stmt, Prepare(std::string(sql)));
  PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::unexpected(Error::Internal(fmt::format("sqlite: `{}` returned no row", sql)));
  return stmt->ColumnInt(0);
}

Result<StatementLease> Connection::Prepare(const std::string& sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return StatementLease(it->second.get());
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, fmt::format("prepare `{}`", sql)));
  auto [it, inserted] = cache_.emplace(sql, std::make_unique<Statement>(db_, stmt, sql));
  return StatementLease(it->second.get());
}

int64_t Connection::changes() const { return sqlite3_changes64(db_); }

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

Result<Transaction> Transaction::Begin(Connection& conn, Kind kind) {
  // IMMEDIATE takes the write lock up front, so a write transaction never fails half-way with BUSY
  // when upgrading from a read lock.
  PANTAU_RETURN_IF_ERROR(conn.Exec(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(&conn);
}

Transaction::~Transaction() {
  // SQLite may already have rolled back by itself (after an I/O error or a failed COMMIT).
  if (conn_ != nullptr && conn_->in_transaction()) (void)conn_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  if (auto s = conn->Exec("COMMIT"); !s) {
    if (conn->in_transaction()) (void)conn->Exec("ROLLBACK");
    return s;
  }
  return Ok();
}

}  // namespace pantau::store::internal

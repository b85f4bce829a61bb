// SqliteStore beyond the shared contract: opening, the file it leaves, migrations, and what it does
// with a damaged file. The test reaches into the file with the sqlite3 C API only to damage it.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "store/sqlite/internal/migrations.h"
#include "store/store_contract.h"
#include "store/temp_dir.h"

namespace pantau::testing_support {
namespace {

using store::SqliteStore;

// Runs `sql` on the file through a separate connection (as another process would).
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStore, OpenCreatesAWalDatabaseAtTheCurrentSchemaVersion) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.has_value()) << store.error().ToLogString();
    ASSERT_TRUE((*store)->CreatePoll(MakePoll("p1"), MakeSecrets()).has_value());
    EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(store::internal::SqliteMigrations().size()));
  // Reopening runs no migration twice and keeps the data.
  auto again = SqliteStore::Open(path);
  ASSERT_TRUE(again.has_value()) << again.error().ToLogString();
  EXPECT_TRUE((*again)->GetPoll(PollId{"p1"}).has_value());
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(store::internal::SqliteMigrations().size()));
}

TEST(SqliteStore, OpenRefusesPathsThatAreNotAFile) {
  EXPECT_EQ(SqliteStore::Open("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(SqliteStore::Open(":memory:").error().code, ErrorCode::kInvalidArgument);
}

TEST(SqliteStore, OpenInAMissingDirectoryIsUnavailable) {
  TempDir dir;
  auto store = SqliteStore::Open(dir.File("no/such/dir/x.db"));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
}

TEST(SqliteStore, OpenOnAFileThatIsNotADatabaseIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("garbage.db");
  std::ofstream(path) << std::string(8192, 'x');
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kDataLoss) << store.error().ToLogString();
}

TEST(SqliteStore, OpenRefusesASchemaNewerThanThisProgram) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  ASSERT_TRUE(SqliteStore::Open(path).has_value());
  RawExec(path, "PRAGMA user_version = 99");
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.error().type, "schema-too-new");
}

TEST(SqliteStore, ADamagedRowIsReportedAsDataLossNotGuessed) {
  TempDir dir;
  const std::string path = dir.File("damaged.db");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.has_value());
  const PollId id{"p1"};
  ASSERT_TRUE((*store)->CreatePoll(MakePoll("p1"), MakeSecrets()).has_value());
  store::ChainTail tail;
  ASSERT_TRUE((*store)->AppendVotes(Continue(tail, id, 3)).has_value());
  RawExec(path, "UPDATE votes SET network_class = 'satellite' WHERE seq = 2");
  auto s = (*store)->ScanEntries(id, 1, [](const store::LedgerEntry&) { return true; });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kDataLoss);
  RawExec(path, "UPDATE polls SET visibility = 'sometimes'");
  EXPECT_EQ((*store)->GetPoll(id).error().code, ErrorCode::kDataLoss);
}

TEST(SqliteStore, TwoStoresOnOneFileSeeEachOthersCommits) {
  // Not how pantau runs, but a CLI `verify` may open the file while the server writes it.
  TempDir dir;
  const std::string path = dir.File("shared.db");
  auto a = SqliteStore::Open(path);
  auto b = SqliteStore::Open(path);
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_TRUE((*a)->CreatePoll(MakePoll("p1"), MakeSecrets()).has_value());
  store::ChainTail tail;
  ASSERT_TRUE((*a)->AppendVotes(Continue(tail, PollId{"p1"}, 4)).has_value());
  EXPECT_EQ(TotalVotes(**b, PollId{"p1"}), 4u);
  EXPECT_EQ((*b)->LoadChainTails()->at("p1").hash, tail.hash);
}

// The bytes of a file, or "" when it does not exist.
std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SqliteStore, OpenReadOnlyReadsEverythingAndChangesNoByte) {
  TempDir dir;
  const std::string path = dir.File("evidence.db");
  store::ChainTail tail;
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.has_value()) << store.error().ToLogString();
    ASSERT_TRUE((*store)->CreatePoll(MakePoll("p1"), MakeSecrets()).has_value());
    ASSERT_TRUE((*store)->AppendVotes(Continue(tail, PollId{"p1"}, 3)).has_value());
    ASSERT_TRUE((*store)->PutSetting("k", "v").has_value());
  }
  const std::string db_before = Bytes(path), wal_before = Bytes(path + "-wal");
  auto ro = SqliteStore::OpenReadOnly(path);
  ASSERT_TRUE(ro.has_value()) << ro.error().ToLogString();
  EXPECT_EQ((*ro)->GetPoll(PollId{"p1"})->title, MakePoll("p1").title);
  EXPECT_EQ(TotalVotes(**ro, PollId{"p1"}), 3u);
  EXPECT_EQ((*ro)->LoadChainTails()->at("p1"), tail);
  EXPECT_EQ(*(*ro)->GetSetting("k"), "v");

  // Every write is refused, and nothing reached the file.
  store::ChainTail more = tail;
  const auto refused = {(*ro)->AppendVotes(Continue(more, PollId{"p1"}, 1)),
                        (*ro)->CreatePoll(MakePoll("p2"), MakeSecrets()),
                        (*ro)->UpdatePoll(*(*ro)->GetPoll(PollId{"p1"})),
                        (*ro)->AddPanelTokens(PollId{"p1"}, {"abc"}), (*ro)->PutSetting("k", "w")};
  for (const Status& s : refused) {
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(s.error().type, "read-only");
  }
  ro->reset();
  EXPECT_EQ(Bytes(path), db_before);
  EXPECT_EQ(Bytes(path + "-wal"), wal_before);
}

TEST(SqliteStore, OpenReadOnlyCreatesNothingAndRefusesOtherSchemas) {
  TempDir dir;
  const std::string missing = dir.File("missing.db");
  auto none = SqliteStore::OpenReadOnly(missing);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(missing));

  const std::string path = dir.File("old.db");
  ASSERT_TRUE(SqliteStore::Open(path).has_value());
  RawExec(path, "PRAGMA user_version = 1");  // as if written before the later migrations
  auto old = SqliteStore::OpenReadOnly(path);
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), "1");  // not migrated
  RawExec(path, "PRAGMA user_version = 99");
  auto future = SqliteStore::OpenReadOnly(path);
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().type, "schema-too-new");
}

}  // namespace
}  // namespace pantau::testing_support

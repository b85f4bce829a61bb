// JournaledStore beyond the Store contract (which store_contract_test runs against it too): at open it
// writes to the database what only the log has, copies into the log what only the database has, and
// refuses to start when the two disagree.
#include "ledger/journaled_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite/sqlite_store.h"
#include "store/store_contract.h"
#include "store/temp_dir.h"

namespace pantau::ledger {
namespace {

using testing_support::Continue;
using testing_support::MakePoll;
using testing_support::MakeSecrets;
using testing_support::ScanAll;
using testing_support::TempDir;

std::unique_ptr<store::SqliteStore> OpenDb(const std::string& path) {
  auto db = store::SqliteStore::Open(path, {.sync_vote_commits = false});
  EXPECT_TRUE(db.has_value()) << db.error().ToLogString();
  return db ? std::move(*db) : nullptr;
}

std::vector<store::LedgerEntry> ScanLog(const SegmentLog& log) {
  std::vector<store::LedgerEntry> out;
  EXPECT_TRUE(log.Scan([&](const store::LedgerEntry& e) {
    out.push_back(e);
    return true;
  }).has_value());
  return out;
}

class JournaledStoreTest : public ::testing::Test {
 protected:
  std::string Db(const TempDir& dir) const { return dir.File("pantau.db"); }
  std::string Log(const TempDir& dir) const { return dir.File("pantau.db-ledger"); }
  const Poll poll_ = MakePoll("polljournal1");
};

TEST_F(JournaledStoreTest, WritesToTheDatabaseTheVotesOnlyTheLogHas) {
  TempDir first, second;
  store::ChainTail tail;
  std::vector<store::LedgerEntry> logged;
  {
    auto db = OpenDb(Db(first));
    ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
    auto store = JournaledStore::Open(std::move(db), Log(first));
    ASSERT_TRUE(store.has_value()) << store.error().ToLogString();
    for (int i = 0; i < 3; ++i) {
      auto batch = Continue(tail, poll_.id, 5, 10 * i);
      ASSERT_TRUE((*store)->AppendVotes(batch).has_value());
      logged.insert(logged.end(), batch.begin(), batch.end());
    }
  }
  // A database that lost every vote (as an unsynced one may in a crash), with the same log.
  auto db = OpenDb(Db(second));
  ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
  std::filesystem::copy(Log(first), Log(second));
  auto store = JournaledStore::Open(std::move(db), Log(second));
  ASSERT_TRUE(store.has_value()) << store.error().ToLogString();
  EXPECT_EQ(ScanAll(**store, poll_.id), logged);
  auto tails = (*store)->LoadChainTails();
  ASSERT_TRUE(tails.has_value());
  EXPECT_EQ(tails->at(poll_.id.value()), tail);
}

TEST_F(JournaledStoreTest, CopiesIntoANewLogTheVotesOfAnOlderDatabase) {
  TempDir dir;
  store::ChainTail tail;
  auto old_votes = Continue(tail, poll_.id, 7);
  {
    auto db = OpenDb(Db(dir));
    ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
    ASSERT_TRUE(db->AppendVotes(old_votes).has_value());
  }
  auto store = JournaledStore::Open(OpenDb(Db(dir)), Log(dir));
  ASSERT_TRUE(store.has_value()) << store.error().ToLogString();
  EXPECT_EQ(ScanLog((*store)->log()), old_votes);
  auto more = Continue(tail, poll_.id, 2, 40);
  ASSERT_TRUE((*store)->AppendVotes(more).has_value());
  old_votes.insert(old_votes.end(), more.begin(), more.end());
  EXPECT_EQ(ScanLog((*store)->log()), old_votes);
  EXPECT_EQ(ScanAll(**store, poll_.id), old_votes);
}

TEST_F(JournaledStoreTest, RefusesToOpenWhenTheDatabaseAndTheLogDisagree) {
  TempDir logged_dir, other_dir;
  store::ChainTail tail;
  {
    auto db = OpenDb(Db(logged_dir));
    ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
    auto store = JournaledStore::Open(std::move(db), Log(logged_dir));
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->AppendVotes(Continue(tail, poll_.id, 4, 1)).has_value());
  }
  // Another database whose chain for the same poll holds different votes.
  store::ChainTail other_tail;
  auto db = OpenDb(Db(other_dir));
  ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
  auto other = Continue(other_tail, poll_.id, 4, 100);
  for (auto& e : other) e.entry_hash[31] ^= 0x5a;  // different hashes at the same seqs
  for (size_t i = 1; i < other.size(); ++i) other[i].prev_hash = other[i - 1].entry_hash;
  ASSERT_TRUE(db->AppendVotes(other).has_value());
  std::filesystem::copy(Log(logged_dir), Log(other_dir));
  auto store = JournaledStore::Open(std::move(db), Log(other_dir));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kDataLoss);
}

TEST_F(JournaledStoreTest, APanelTokenSpentInTheLogIsSpentBeforeTheDatabaseFollows) {
  TempDir dir;
  auto db = OpenDb(Db(dir));
  Poll panel = MakePoll("polljournal2");
  panel.tier = AssuranceTier::kPanel;
  ASSERT_TRUE(db->CreatePoll(panel, MakeSecrets()).has_value());
  ASSERT_TRUE(db->AddPanelTokens(panel.id, {"tok1"}).has_value());
  auto store = JournaledStore::Open(std::move(db), Log(dir));
  ASSERT_TRUE(store.has_value());
  store::ChainTail tail;
  Vote vote = testing_support::MakeVote(panel.id, 1);
  vote.panel_token_hash = "tok1";
  ASSERT_TRUE((*store)->AppendVotes({testing_support::ContinueWith(tail, vote)}).has_value());
  auto found = (*store)->FindPanelToken(panel.id, "tok1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_TRUE((*found)->used);
  auto again = (*store)->AppendVotes({testing_support::ContinueWith(tail, vote)});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().type, "panel-token-used");
}

TEST_F(JournaledStoreTest, AppendsWaitWhileTheDatabaseTrailsByMoreThanMaxLag) {
  TempDir dir;
  auto db = OpenDb(Db(dir));
  ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
  JournaledStore::Options options;
  options.max_lag = 4;
  options.follow_delay = std::chrono::milliseconds(60'000);  // only the lag limit makes it write
  auto store = JournaledStore::Open(std::move(db), Log(dir), options);
  ASSERT_TRUE(store.has_value());
  store::ChainTail tail;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*store)->AppendVotes(Continue(tail, poll_.id, 3, 10 * i)).has_value());
    const auto stats = (*store)->stats();
    EXPECT_LT(stats.logged - stats.followed, 4u + 3u) << "after append " << i;
  }
  EXPECT_EQ(testing_support::TotalVotes(**store, poll_.id), 30u);
}

}  // namespace
}  // namespace pantau::ledger

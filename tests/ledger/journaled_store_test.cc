// JournaledStore beyond the Store contract (which store_contract_test runs against it too): votes are
// read back from the log after a restart (across segments, through hash-prefix collisions, beside
// appends, after a torn tail); at open the database's own votes are copied into the log (a pre-log
// database) or checked to be a prefix of it (a database a previous version followed votes into), and
// the store refuses to open when the two disagree.
#include "ledger/journaled_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "ledger/log_record.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_contract.h"
#include "store/temp_dir.h"

namespace pantau::ledger {
namespace {

using testing_support::Continue;
using testing_support::ContinueWith;
using testing_support::MakePoll;
using testing_support::MakeSecrets;
using testing_support::MakeVote;
using testing_support::ScanAll;
using testing_support::TempDir;
using testing_support::TotalVotes;

std::unique_ptr<store::SqliteStore> OpenDb(const std::string& path) {
  auto db = store::SqliteStore::Open(path);
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

// Everything the vote reads answer for `poll`, compared with the entries appended to it.
void ExpectReadsMatch(store::Store& store, const PollId& poll, const std::vector<store::LedgerEntry>& appended) {
  EXPECT_EQ(ScanAll(store, poll), appended);
  std::map<int, uint64_t> counts;
  std::set<std::string> devices;
  for (const auto& e : appended) {
    ++counts[e.vote.choice];
    if (!e.vote.device_id.empty()) devices.insert(e.vote.device_id);
    auto found = store.FindEntry(poll, e.entry_hash);
    ASSERT_TRUE(found.has_value()) << "seq " << e.vote.seq << ": " << found.error().ToLogString();
    EXPECT_EQ(*found, e);
  }
  EXPECT_EQ(*store.CountVotes(poll), counts);
  auto ids = store.LoadDeviceIds(poll);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->size(), devices.size());
  EXPECT_EQ(std::set<std::string>(ids->begin(), ids->end()), devices);
  if (!appended.empty()) {
    std::vector<uint64_t> seqs;
    const uint64_t from = appended.size() / 2 + 1;
    ASSERT_TRUE(store.ScanEntries(poll, from, [&](const store::LedgerEntry& e) {
      seqs.push_back(e.vote.seq);
      return true;
    }).has_value());
    ASSERT_FALSE(seqs.empty());
    EXPECT_EQ(seqs.front(), from);
    EXPECT_EQ(seqs.back(), appended.back().vote.seq);
  }
}

class JournaledStoreTest : public ::testing::Test {
 protected:
  std::string Db(const TempDir& dir) const { return dir.File("pantau.db"); }
  std::string Log(const TempDir& dir) const { return dir.File("pantau.db-ledger"); }
  std::unique_ptr<JournaledStore> Open(const TempDir& dir, uint64_t segment_bytes = 4096) {
    JournaledStore::Options options;
    options.log.segment_bytes = segment_bytes;
    auto store = JournaledStore::Open(OpenDb(Db(dir)), Log(dir), options);
    EXPECT_TRUE(store.has_value()) << store.error().ToLogString();
    return store ? std::move(*store) : nullptr;
  }
  const Poll poll_ = MakePoll("polljournal1");
  const Poll other_ = MakePoll("polljournal2");
};

TEST_F(JournaledStoreTest, VoteReadsAfterARestartEqualWhatWasAppendedAcrossSegments) {
  TempDir dir;
  store::ChainTail t1, t2;
  std::vector<store::LedgerEntry> first, second;
  {
    auto store = Open(dir);
    ASSERT_TRUE(store->CreatePoll(poll_, MakeSecrets()).has_value());
    ASSERT_TRUE(store->CreatePoll(other_, MakeSecrets()).has_value());
    for (int b = 0; b < 40; ++b) {
      std::vector<store::LedgerEntry> batch;
      for (int i = 0; i < 1 + b % 6; ++i) {
        batch.push_back(ContinueWith(t1, MakeVote(poll_.id, 10 * b + i)));
        if (i % 2 == 0) batch.push_back(ContinueWith(t2, MakeVote(other_.id, 1000 + 10 * b + i)));
      }
      ASSERT_TRUE(store->AppendVotes(batch).has_value());
      for (const auto& e : batch) (e.vote.poll == poll_.id ? first : second).push_back(e);
    }
    ASSERT_GT(store->log().stats().segments, 5u);  // 4 KiB segments: the polls' frames span many
    ExpectReadsMatch(*store, poll_.id, first);
    ExpectReadsMatch(*store, other_.id, second);
  }
  auto store = Open(dir);
  ExpectReadsMatch(*store, poll_.id, first);
  ExpectReadsMatch(*store, other_.id, second);
  EXPECT_EQ(store->LoadChainTails()->at(poll_.id.value()), t1);
  EXPECT_EQ(store->LoadChainTails()->at(other_.id.value()), t2);
  EXPECT_EQ(store->stats().entries, first.size() + second.size());
  // Votes are never written to the database.
  EXPECT_TRUE(OpenDb(dir.File("pantau.db"))->LoadChainTails()->empty());
}

// An entry continuing `tail` with the given hash (the store checks linkage, not hash contents).
store::LedgerEntry Linked(store::ChainTail& tail, Vote vote, const store::Hash& hash) {
  vote.seq = tail.seq + 1;
  store::LedgerEntry e{std::move(vote), tail.hash, hash};
  tail = {e.vote.seq, hash};
  return e;
}

TEST_F(JournaledStoreTest, EntriesWhoseHashesShareTheirFirstEightBytesAreToldApart) {
  TempDir dir;
  auto colliding = [](uint8_t poll, uint8_t n) {
    store::Hash hash{};
    std::fill(hash.begin(), hash.begin() + 8, 0xab);  // the part the index keeps
    hash[20] = poll;
    hash[31] = n;
    return hash;
  };
  std::vector<store::LedgerEntry> mine, theirs;
  auto check = [&](store::Store& store) {
    for (const auto& e : mine) EXPECT_EQ(*store.FindEntry(poll_.id, e.entry_hash), e);
    for (const auto& e : theirs) {
      EXPECT_EQ(*store.FindEntry(other_.id, e.entry_hash), e);
      EXPECT_EQ(store.FindEntry(poll_.id, e.entry_hash).error().code, ErrorCode::kNotFound);
    }
    EXPECT_EQ(store.FindEntry(poll_.id, colliding(1, 99)).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(ScanAll(store, poll_.id), mine);
  };
  {
    auto store = Open(dir);
    ASSERT_TRUE(store->CreatePoll(poll_, MakeSecrets()).has_value());
    ASSERT_TRUE(store->CreatePoll(other_, MakeSecrets()).has_value());
    store::ChainTail tail, other_tail;
    for (uint8_t i = 0; i < 6; ++i) {
      mine.push_back(Linked(tail, MakeVote(poll_.id, i), colliding(1, i)));
      if (i % 2) theirs.push_back(Linked(other_tail, MakeVote(other_.id, i), colliding(2, i)));
      ASSERT_TRUE(store->AppendVotes(i % 2 ? std::vector{mine.back(), theirs.back()} : std::vector{mine.back()})
                      .has_value());
    }
    check(*store);
  }
  check(*Open(dir));
}

TEST_F(JournaledStoreTest, ReadsWhileAnotherThreadAppends) {
  TempDir dir;
  auto store = Open(dir, 64 << 10);
  ASSERT_TRUE(store->CreatePoll(poll_, MakeSecrets()).has_value());
  constexpr int kBatches = 300, kBatchSize = 5;
  std::vector<store::LedgerEntry> all;
  store::ChainTail tail;
  for (int b = 0; b < kBatches; ++b) {
    auto batch = Continue(tail, poll_.id, kBatchSize, b * kBatchSize);
    all.insert(all.end(), batch.begin(), batch.end());
  }
  std::atomic<size_t> acknowledged{0};
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, reads{0};
  auto reader = [&] {
    while (!done.load()) {
      const size_t known = acknowledged.load();
      if (known == 0) continue;
      // Every acknowledged entry can be found, and a scan sees whole batches in order.
      const auto& e = all[known - 1 - (reads.load() * 7) % known];
      auto found = store->FindEntry(poll_.id, e.entry_hash);
      if (!found || *found != e) ++bad;
      uint64_t expect = 1;
      auto s = store->ScanEntries(poll_.id, 1, [&](const store::LedgerEntry& got) {
        if (got != all[expect - 1]) ++bad;
        ++expect;
        return true;
      });
      if (!s || expect - 1 < known || (expect - 1) % kBatchSize != 0) ++bad;
      ++reads;
    }
  };
  std::thread r1(reader), r2(reader);
  for (int b = 0; b < kBatches; ++b) {
    std::vector<store::LedgerEntry> batch(all.begin() + b * kBatchSize, all.begin() + (b + 1) * kBatchSize);
    auto s = store->AppendVotes(batch);
    EXPECT_TRUE(s.has_value()) << s.error().ToLogString();
    if (!s) break;  // not ASSERT: the readers must be joined
    acknowledged = all.size() * (b + 1) / kBatches;
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_GT(store->log().stats().segments, 1u);
}

TEST_F(JournaledStoreTest, ReopensAfterATornTailWithExactlyTheAcknowledgedVotes) {
  TempDir dir;
  store::ChainTail tail;
  std::vector<store::LedgerEntry> acknowledged;
  size_t end = 0;  // where the data ends in the (only) segment
  {
    auto store = Open(dir, 64 << 10);
    ASSERT_TRUE(store->CreatePoll(poll_, MakeSecrets()).has_value());
    for (int b = 0; b < 4; ++b) {
      auto batch = Continue(tail, poll_.id, 3, 10 * b);
      ASSERT_TRUE(store->AppendVotes(batch).has_value());
      acknowledged.insert(acknowledged.end(), batch.begin(), batch.end());
    }
    ASSERT_TRUE(store->log().Scan([&](const store::LedgerEntry& e, LogLocation at) {
      std::string frame;
      AppendFrame(frame, e);
      end = at.offset + frame.size();
      return true;
    }).has_value());
  }
  // A crash in the middle of the next append: half of its frame reached the disk.
  const std::string segment = Log(dir) + "/0000000001.seg";
  std::string bytes;
  {
    std::ifstream in(segment, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  store::ChainTail lost = tail;
  std::string frame;
  AppendFrame(frame, Continue(lost, poll_.id, 1, 90).front());
  bytes.replace(end, frame.size() / 2, frame.substr(0, frame.size() / 2));
  std::ofstream(segment, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  {
    auto store = Open(dir, 64 << 10);
    ExpectReadsMatch(*store, poll_.id, acknowledged);
    auto more = Continue(tail, poll_.id, 2, 50);
    ASSERT_TRUE(store->AppendVotes(more).has_value());
    acknowledged.insert(acknowledged.end(), more.begin(), more.end());
    ExpectReadsMatch(*store, poll_.id, acknowledged);
  }
  ExpectReadsMatch(*Open(dir, 64 << 10), poll_.id, acknowledged);
}

TEST_F(JournaledStoreTest, APanelTokenSpentInTheLogStaysSpentAfterARestart) {
  TempDir dir;
  Poll panel = MakePoll("polljournal3");
  panel.tier = AssuranceTier::kPanel;
  store::ChainTail tail;
  Vote vote = MakeVote(panel.id, 1);
  vote.panel_token_hash = "tok1";
  {
    auto store = Open(dir);
    ASSERT_TRUE(store->CreatePoll(panel, MakeSecrets()).has_value());
    ASSERT_TRUE(store->AddPanelTokens(panel.id, {"tok1", "tok2"}).has_value());
    ASSERT_TRUE(store->AppendVotes({ContinueWith(tail, vote)}).has_value());
    EXPECT_TRUE((*store->FindPanelToken(panel.id, "tok1"))->used);
  }
  EXPECT_FALSE((*OpenDb(Db(dir))->FindPanelToken(panel.id, "tok1"))->used);  // the log, not the database, says so
  auto store = Open(dir);
  EXPECT_TRUE((*store->FindPanelToken(panel.id, "tok1"))->used);
  EXPECT_FALSE((*store->FindPanelToken(panel.id, "tok2"))->used);
  store::ChainTail attempt = tail;
  auto again = store->AppendVotes({ContinueWith(attempt, vote)});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().type, "panel-token-used");
  vote.panel_token_hash = "tok2";
  EXPECT_TRUE(store->AppendVotes({ContinueWith(tail, vote)}).has_value());
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
  {
    auto store = Open(dir);
    EXPECT_EQ(ScanLog(store->log()), old_votes);
    auto more = Continue(tail, poll_.id, 2, 40);
    ASSERT_TRUE(store->AppendVotes(more).has_value());
    old_votes.insert(old_votes.end(), more.begin(), more.end());
    EXPECT_EQ(ScanLog(store->log()), old_votes);
    ExpectReadsMatch(*store, poll_.id, old_votes);
  }
  // Reopened: the database's 7 votes are a prefix of the log now, not copied again.
  auto store = Open(dir);
  EXPECT_EQ(ScanLog(store->log()), old_votes);
  EXPECT_EQ(OpenDb(Db(dir))->LoadChainTails()->at(poll_.id.value()).seq, 7u);
}

TEST_F(JournaledStoreTest, FinishesACopyIntoTheLogThatACrashInterrupted) {
  TempDir dir;
  store::ChainTail tail;
  auto old_votes = Continue(tail, poll_.id, 10);
  {
    auto db = OpenDb(Db(dir));
    ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
    ASSERT_TRUE(db->AppendVotes(old_votes).has_value());
    auto log = SegmentLog::Open(Log(dir));
    ASSERT_TRUE(log.has_value());
    ASSERT_TRUE((*log)->Append(std::span(old_votes).first(4)).has_value());
  }
  auto store = Open(dir);
  EXPECT_EQ(ScanLog(store->log()), old_votes);
  ExpectReadsMatch(*store, poll_.id, old_votes);
}

TEST_F(JournaledStoreTest, IgnoresTheVotesAPreviousVersionFollowedIntoTheDatabase) {
  TempDir dir;
  store::ChainTail tail;
  auto logged = Continue(tail, poll_.id, 9);
  {
    auto db = OpenDb(Db(dir));
    ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
    ASSERT_TRUE(db->AppendVotes(std::vector(logged.begin(), logged.begin() + 5)).has_value());  // trailing
    auto log = SegmentLog::Open(Log(dir));
    ASSERT_TRUE(log.has_value());
    ASSERT_TRUE((*log)->Append(logged).has_value());
  }
  auto store = Open(dir);
  ExpectReadsMatch(*store, poll_.id, logged);
  auto more = Continue(tail, poll_.id, 3, 70);
  ASSERT_TRUE(store->AppendVotes(more).has_value());
  logged.insert(logged.end(), more.begin(), more.end());
  ExpectReadsMatch(*store, poll_.id, logged);
  EXPECT_EQ(OpenDb(Db(dir))->LoadChainTails()->at(poll_.id.value()).seq, 5u);  // never written again
}

TEST_F(JournaledStoreTest, RefusesToOpenWhenTheDatabaseAndTheLogDisagree) {
  for (const int db_votes : {4, 6}) {  // the database behind the log, and ahead of it
    SCOPED_TRACE(db_votes);
    TempDir dir;
    store::ChainTail tail, other_tail;
    auto db = OpenDb(Db(dir));
    ASSERT_TRUE(db->CreatePoll(poll_, MakeSecrets()).has_value());
    auto other = Continue(other_tail, poll_.id, db_votes, 100);
    for (auto& e : other) e.entry_hash[31] ^= 0x5a;  // different hashes at the same seqs
    for (size_t i = 1; i < other.size(); ++i) other[i].prev_hash = other[i - 1].entry_hash;
    ASSERT_TRUE(db->AppendVotes(other).has_value());
    auto log = SegmentLog::Open(Log(dir));
    ASSERT_TRUE(log.has_value());
    ASSERT_TRUE((*log)->Append(Continue(tail, poll_.id, 5, 1)).has_value());
    log->reset();
    auto store = JournaledStore::Open(std::move(db), Log(dir));
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kDataLoss) << store.error().ToLogString();
  }
}

TEST_F(JournaledStoreTest, RefusesToOpenWhenTheLogHoldsVotesOfAPollTheDatabaseLacks) {
  TempDir dir;
  store::ChainTail tail;
  {
    auto log = SegmentLog::Open(Log(dir));
    ASSERT_TRUE(log.has_value());
    ASSERT_TRUE((*log)->Append(Continue(tail, poll_.id, 3)).has_value());
  }
  auto store = JournaledStore::Open(OpenDb(Db(dir)), Log(dir));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kDataLoss);
}

TEST_F(JournaledStoreTest, TheIndexTakesAFewTensOfBytesAVote) {
  TempDir dir;
  auto store = Open(dir, 8 << 20);
  ASSERT_TRUE(store->CreatePoll(poll_, MakeSecrets()).has_value());
  const size_t empty = store->stats().index_bytes;
  store::ChainTail tail;
  constexpr int kVotes = 60'000;
  for (int n = 0; n < kVotes; n += 2000) ASSERT_TRUE(store->AppendVotes(Continue(tail, poll_.id, 2000, n)).has_value());
  const double per_vote = static_cast<double>(store->stats().index_bytes - empty) / kVotes;
  RecordProperty("index_bytes_per_vote", std::to_string(per_vote));
  EXPECT_LT(per_vote, 64.0);
  EXPECT_EQ(TotalVotes(*store, poll_.id), uint64_t{kVotes});
}

}  // namespace
}  // namespace pantau::ledger

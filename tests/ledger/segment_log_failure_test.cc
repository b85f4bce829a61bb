// The vote log under failed writes, a second appender and a missing directory.
//
// A failed write is injected by interposing pwrite (this executable's definition wins over libc's for
// the whole program; it passes through unless the calling thread armed it).
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

#include "ledger/journaled_store.h"
#include "ledger/log_record.h"
#include "ledger/segment_log.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_contract.h"
#include "store/temp_dir.h"

namespace {
// When armed on this thread: let `budget` more bytes through, then fail once with ENOSPC and disarm.
thread_local bool g_armed = false;
thread_local size_t g_budget = 0;

ssize_t InjectedPwrite(int fd, const void* buf, size_t n, off_t off) {
  if (g_armed) {
    if (g_budget == 0) {
      g_armed = false;
      errno = ENOSPC;
      return -1;
    }
    n = std::min(n, g_budget);
    g_budget -= n;
  }
  return static_cast<ssize_t>(::syscall(SYS_pwrite64, fd, buf, n, off));
}
}  // namespace

extern "C" ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) { return InjectedPwrite(fd, buf, n, off); }
extern "C" ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) { return InjectedPwrite(fd, buf, n, off); }

namespace pantau::ledger {
namespace {

using testing_support::Continue;
using testing_support::MakePoll;
using testing_support::MakeSecrets;
using testing_support::TempDir;

const PollId kPoll{"pollfailure01"};

size_t FrameBytes(const store::LedgerEntry& e) {
  std::string frame;
  AppendFrame(frame, e);
  return frame.size();
}

std::vector<store::LedgerEntry> Concat(std::vector<store::LedgerEntry> a, const std::vector<store::LedgerEntry>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A write that fails part-way (ENOSPC/EIO) leaves the failed batch's bytes past the end of the active
// segment (dirty_). If the next batch does not fit, Roll() moves on to a new segment and forgets dirty_:
// the remains stay in the now sealed segment, where the next open's Scan finds an intact unacknowledged
// frame followed by a torn one: DataLoss, and the server cannot start again.
TEST(SegmentLogFailure, AFailedWriteFollowedByARollLeavesNoStaleFramesInTheSealedSegment) {
  TempDir dir;
  store::ChainTail tail;
  const auto durable = Continue(tail, kPoll, 3, 1);
  store::ChainTail failed_tail = tail;
  const auto failed = Continue(failed_tail, kPoll, 3, 100);
  store::ChainTail next_tail = tail;  // the committer goes on from the durable tail
  const auto next = Continue(next_tail, kPoll, 40, 200);  // larger than what is left of a 4 KiB segment
  {
    auto log = SegmentLog::Open(dir.path(), {.segment_bytes = 4096});
    ASSERT_TRUE(log.has_value());
    ASSERT_TRUE((*log)->Append(durable).has_value());
    g_armed = true;
    g_budget = FrameBytes(failed[0]) + 10;  // first frame whole, second torn
    ASSERT_FALSE((*log)->Append(failed).has_value());
    g_armed = false;
    ASSERT_TRUE((*log)->Append(next).has_value());  // acknowledged, in segment 2
    ASSERT_EQ((*log)->stats().segments, 2u);
  }
  auto log = SegmentLog::Open(dir.path(), {.segment_bytes = 4096});
  ASSERT_TRUE(log.has_value()) << log.error().ToLogString();
  std::vector<store::LedgerEntry> got;
  auto scanned = (*log)->Scan([&](const store::LedgerEntry& e) {
    got.push_back(e);
    return true;
  });
  ASSERT_TRUE(scanned.has_value()) << scanned.error().ToLogString();
  EXPECT_EQ(got, Concat(durable, next));
}

// A long-lived Reader keeps a window read past the durable end. If that window holds the intact first
// frame of a failed append, and a later append lands at the same offset, Read() of the new location is
// served from the window: the failed (never acknowledged) entry instead of the durable one.
TEST(SegmentLogFailure, AReaderNeverReturnsTheFrameOfAFailedAppend) {
  TempDir dir;
  store::ChainTail tail;
  const auto durable = Continue(tail, kPoll, 2, 1);
  store::ChainTail failed_tail = tail;
  const auto failed = Continue(failed_tail, kPoll, 2, 100);
  store::ChainTail next_tail = tail;
  const auto next = Continue(next_tail, kPoll, 2, 200);
  auto log = SegmentLog::Open(dir.path(), {.segment_bytes = 64 << 10});
  ASSERT_TRUE(log.has_value());
  std::vector<LogLocation> placed;
  ASSERT_TRUE((*log)->Append(durable, placed).has_value());
  g_armed = true;
  g_budget = FrameBytes(failed[0]) + 10;
  ASSERT_FALSE((*log)->Append(failed).has_value());
  g_armed = false;
  SegmentLog::Reader reader(**log, 64 << 10);
  ASSERT_EQ(*reader.Read(placed[0]), durable[0]);  // the window now also holds the failed bytes
  std::vector<LogLocation> placed_next;
  ASSERT_TRUE((*log)->Append(next, placed_next).has_value());
  auto read = reader.Read(placed_next[0]);
  ASSERT_TRUE(read.has_value()) << read.error().ToLogString();
  EXPECT_EQ(*read, next[0]);
}

// Nothing stops a second process (a second `pantau serve` on the same --db, or an overlapping restart)
// from opening the same log: both append at the same offsets and overwrite each other's acknowledged
// votes. SQLite serialised two writers; the log needs its own lock (flock on a file in the directory).
TEST(SegmentLogFailure, ASecondAppenderCannotOverwriteAcknowledgedFrames) {
  TempDir dir;
  store::ChainTail ta;
  auto first = SegmentLog::Open(dir.path());
  ASSERT_TRUE(first.has_value());
  const auto a1 = Continue(ta, kPoll, 2, 1);
  ASSERT_TRUE((*first)->Append(a1).has_value());
  auto second = SegmentLog::Open(dir.path());
  ASSERT_FALSE(second.has_value()) << "a second appender was let in";
  EXPECT_EQ(second.error().type, "vote-log-in-use");
  if (!second.has_value()) return;  // what follows shows what a second appender would do
  const PollId other{"pollfailure02"};
  store::ChainTail tb;
  const auto a2 = Continue(ta, kPoll, 2, 10);
  const auto b1 = Continue(tb, other, 2, 20);
  ASSERT_TRUE((*first)->Append(a2).has_value());   // acknowledged
  ASSERT_TRUE((*second)->Append(b1).has_value());  // acknowledged, written over a2
  first->reset();
  second->reset();
  auto reopened = SegmentLog::Open(dir.path());
  ASSERT_TRUE(reopened.has_value());
  std::vector<store::LedgerEntry> got;
  (void)(*reopened)->Scan([&](const store::LedgerEntry& e) {
    got.push_back(e);
    return true;
  });
  for (const auto& e : Concat(Concat(a1, a2), b1))
    EXPECT_NE(std::find(got.begin(), got.end(), e), got.end())
        << "acknowledged entry poll " << e.vote.poll.value() << " seq " << e.vote.seq << " is gone";
}

// Votes live only in <db>-ledger. When that directory is missing (the database file moved or restored
// without it), Open silently creates an empty log: every poll is there with zero votes, new votes
// restart each chain at seq 1, and `pantau verify` reports OK. The database should record that it has a
// vote log (an id, or the fact) so that a missing log is DataLoss instead of a fresh start.
TEST(SegmentLogFailure, AMissingVoteLogIsNotSilentlyRecreatedEmpty) {
  TempDir dir;
  const std::string db = dir.File("pantau.db");
  const Poll poll = MakePoll("pollfailure03");
  {
    auto store = JournaledStore::Open(*store::SqliteStore::Open(db), VoteLogDirOf(db));
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->CreatePoll(poll, MakeSecrets()).has_value());
    store::ChainTail tail;
    ASSERT_TRUE((*store)->AppendVotes(Continue(tail, poll.id, 5)).has_value());
  }
  std::filesystem::remove_all(VoteLogDirOf(db));
  auto store = JournaledStore::Open(*store::SqliteStore::Open(db), VoteLogDirOf(db));
  if (!store.has_value()) {
    EXPECT_EQ(store.error().code, ErrorCode::kDataLoss) << store.error().ToLogString();
    EXPECT_FALSE(std::filesystem::exists(VoteLogDirOf(db))) << "the refused open created an empty log";
    return;
  }
  ADD_FAILURE() << "opened without its vote log; poll now has "
                << (*store)->LoadChainTails()->size() << " chains (5 acknowledged votes vanished)";
}

// On a full disk the next segment cannot be prepared: the half-written file is removed (it would hold
// the space the next attempt needs), later batches fail fast for a moment instead of each writing a
// whole segment again, and once space is back the log grows and nothing was lost.
TEST(SegmentLogFailure, AFailedSegmentPreparationFreesItsSpaceAndBacksOff) {
  TempDir dir;
  store::ChainTail tail;
  const auto first = Continue(tail, kPoll, 2, 1);
  store::ChainTail big_tail = tail;
  const auto big = Continue(big_tail, kPoll, 40, 50);  // more than a 4 KiB segment: a roll, prepared now
  auto log = SegmentLog::Open(dir.path(), {.segment_bytes = 4096});
  ASSERT_TRUE(log.has_value());
  ASSERT_TRUE((*log)->Append(first).has_value());
  g_armed = true;
  g_budget = 6000;  // part of the new segment's zeros, then ENOSPC
  auto failed = (*log)->Append(big);
  g_armed = false;
  ASSERT_FALSE(failed.has_value());
  for (const auto& item : std::filesystem::directory_iterator(dir.path()))
    EXPECT_FALSE(item.path().string().ends_with(".prep")) << item.path() << " was left behind";
  auto at_once = (*log)->Append(big);  // would succeed now, but the log waits a moment first
  ASSERT_FALSE(at_once.has_value());
  EXPECT_EQ(at_once.error().code, ErrorCode::kUnavailable);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE((*log)->Append(big).has_value());
  log->reset();
  auto reopened = SegmentLog::Open(dir.path(), {.segment_bytes = 4096});
  ASSERT_TRUE(reopened.has_value());
  std::vector<store::LedgerEntry> got;
  ASSERT_TRUE((*reopened)->Scan([&](const store::LedgerEntry& e) {
    got.push_back(e);
    return true;
  }).has_value());
  EXPECT_EQ(got, Concat(first, big));
}

TEST(SegmentLogFailure, AnotherDatabasesVoteLogIsRefused) {
  TempDir dir;
  const std::string db = dir.File("pantau.db");
  const std::string other_db = dir.File("other.db");
  ASSERT_TRUE(JournaledStore::Open(*store::SqliteStore::Open(db), VoteLogDirOf(db)).has_value());
  ASSERT_TRUE(JournaledStore::Open(*store::SqliteStore::Open(other_db), VoteLogDirOf(other_db)).has_value());
  auto crossed = JournaledStore::Open(*store::SqliteStore::Open(db), VoteLogDirOf(other_db));
  ASSERT_FALSE(crossed.has_value());
  EXPECT_EQ(crossed.error().code, ErrorCode::kDataLoss);
  EXPECT_TRUE(JournaledStore::Open(*store::SqliteStore::Open(db), VoteLogDirOf(db)).has_value());
}

}  // namespace
}  // namespace pantau::ledger

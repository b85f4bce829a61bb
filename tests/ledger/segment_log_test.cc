// SegmentLog: appends are read back in order across segments and reopenings, and recovery after a
// crash keeps exactly the complete frames (crash simulated by cutting or damaging the segment files).
#include "ledger/segment_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "ledger/chain.h"
#include "ledger/log_record.h"
#include "store/store_contract.h"
#include "store/temp_dir.h"

namespace pantau::ledger {
namespace {

using testing_support::Continue;
using testing_support::TempDir;

const PollId kPoll{"pollsegment1"};

std::vector<store::LedgerEntry> ScanLog(const SegmentLog& log) {
  std::vector<store::LedgerEntry> out;
  auto scanned = log.Scan([&](const store::LedgerEntry& e) {
    out.push_back(e);
    return true;
  });
  EXPECT_TRUE(scanned.has_value()) << scanned.error().ToLogString();
  return out;
}

std::unique_ptr<SegmentLog> OpenLog(const std::string& dir, uint64_t segment_bytes = 64 << 10) {
  auto log = SegmentLog::Open(dir, {.segment_bytes = segment_bytes});
  EXPECT_TRUE(log.has_value()) << log.error().ToLogString();
  return log ? std::move(*log) : nullptr;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string Segment(const std::string& dir, int index) {
  char name[32];
  std::snprintf(name, sizeof name, "/%010d.seg", index);
  return dir + name;
}

TEST(LogRecord, FrameRoundTripsEveryField) {
  store::ChainTail tail;
  for (const auto& entry : Continue(tail, kPoll, 12)) {
    std::string frame;
    AppendFrame(frame, entry);
    const FrameRead read = ReadFrame(frame);
    ASSERT_EQ(read.kind, FrameRead::Kind::kEntry) << read.problem;
    EXPECT_EQ(read.size, frame.size());
    EXPECT_EQ(read.entry, entry);
  }
}

TEST(LogRecord, DamageIsTornAndZerosAreTheEnd) {
  store::ChainTail tail;
  std::string frame;
  AppendFrame(frame, Continue(tail, kPoll, 1)[0]);
  for (size_t cut : {size_t{9}, frame.size() / 2, frame.size() - 1})
    EXPECT_EQ(ReadFrame(std::string_view(frame).substr(0, cut)).kind, FrameRead::Kind::kTorn) << cut;
  std::string flipped = frame;
  flipped[frame.size() / 2] ^= 0x20;
  EXPECT_EQ(ReadFrame(flipped).kind, FrameRead::Kind::kTorn);
  EXPECT_EQ(ReadFrame(std::string(64, '\0')).kind, FrameRead::Kind::kEnd);
  EXPECT_EQ(ReadFrame(std::string_view(frame).substr(0, 5)).kind, FrameRead::Kind::kEnd);
}

TEST(LogRecord, DecodeCanonicalRejectsTruncationAndTrailingBytes) {
  const Vote vote = testing_support::MakeVote(kPoll, 5);
  const std::string bytes = CanonicalEncoding(vote);
  ASSERT_TRUE(DecodeCanonical(bytes).has_value());
  EXPECT_EQ(*DecodeCanonical(bytes), vote);
  EXPECT_EQ(DecodeCanonical(bytes.substr(0, bytes.size() - 1)).error().code, ErrorCode::kDataLoss);
  EXPECT_EQ(DecodeCanonical(bytes + "x").error().code, ErrorCode::kDataLoss);
}

TEST(SegmentLog, AppendsReadBackInOrderAfterReopen) {
  TempDir dir;
  store::ChainTail tail;
  std::vector<store::LedgerEntry> all;
  {
    auto log = OpenLog(dir.path());
    for (int batch = 0; batch < 5; ++batch) {
      auto entries = Continue(tail, kPoll, 3 + batch, 10 * batch);
      ASSERT_TRUE(log->Append(entries).has_value());
      all.insert(all.end(), entries.begin(), entries.end());
    }
    EXPECT_EQ(ScanLog(*log), all);
    EXPECT_EQ(log->stats().appends, 5u);
  }
  auto reopened = OpenLog(dir.path());
  EXPECT_EQ(ScanLog(*reopened), all);
  auto more = Continue(tail, kPoll, 2, 99);
  ASSERT_TRUE(reopened->Append(more).has_value());
  all.insert(all.end(), more.begin(), more.end());
  reopened.reset();
  EXPECT_EQ(ScanLog(*OpenLog(dir.path())), all);
}

TEST(SegmentLog, OneOpenLogPerDirectoryAndItsIdStays) {
  TempDir dir;
  std::string id;
  {
    auto log = OpenLog(dir.path());
    id = log->id();
    EXPECT_EQ(id.size(), 32u);
    auto second = SegmentLog::Open(dir.path());
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().type, "vote-log-in-use");
    EXPECT_EQ(*SegmentLog::ReadId(dir.path()), id);  // reading the ID needs no lock
  }
  EXPECT_EQ(OpenLog(dir.path())->id(), id);  // the lock went with the first log; the ID stays
  TempDir other;
  EXPECT_NE(OpenLog(other.path())->id(), id);
  EXPECT_EQ(SegmentLog::ReadId(other.File("missing")).error().code, ErrorCode::kNotFound);
}

TEST(SegmentLog, RollsIntoNewSegmentsIncludingOversizedBatches) {
  TempDir dir;
  store::ChainTail tail;
  std::vector<store::LedgerEntry> all;
  {
    auto log = OpenLog(dir.path(), 4096);
    for (int batch = 0; batch < 40; ++batch) {
      auto entries = Continue(tail, kPoll, batch == 20 ? 200 : 4, 1000 * batch);  // batch 20 > one segment
      ASSERT_TRUE(log->Append(entries).has_value());
      all.insert(all.end(), entries.begin(), entries.end());
    }
    EXPECT_GT(log->stats().segments, 5u);
    EXPECT_EQ(ScanLog(*log), all);
  }
  EXPECT_EQ(ScanLog(*OpenLog(dir.path(), 4096)), all);
  EXPECT_FALSE(std::filesystem::exists(Segment(dir.path(), 1) + ".prep"));
}

// The next segment is prepared at a pace set by how fast the active one fills: a roll that finds it
// unfinished hurries it, and closing the log cancels it without leaving half a segment. (Each segment
// here waits 1 s before its first append, so its half fills in ~1 s and the next one is paced to take
// ~0.5 s, while the appends that follow take milliseconds.)
TEST(SegmentLog, APacedPreparationIsHurriedByARollAndCancelledByClosing) {
  TempDir dir;
  constexpr uint64_t kSegment = 1 << 20;
  const SegmentLog::Options slow{.segment_bytes = kSegment, .prepare_min_bytes_per_second = 64 << 10};
  store::ChainTail tail;
  std::vector<store::LedgerEntry> all;
  {
    auto log = SegmentLog::Open(dir.path(), slow);
    ASSERT_TRUE(log.has_value()) << log.error().ToLogString();
    // Past half of segment 1 (the preparation of segment 2 starts), on into segment 2 (the roll
    // hurries it) and past its half (the preparation of segment 3 starts, to be cancelled below).
    uint64_t bytes = 0, segment_2_from = 0;
    std::this_thread::sleep_for(std::chrono::seconds(1));
    while ((*log)->stats().segments < 2 || bytes - segment_2_from < kSegment * 3 / 4) {
      auto entries = Continue(tail, kPoll, 16, static_cast<int>(all.size()));
      for (const auto& e : entries) {
        std::string frame;
        AppendFrame(frame, e);
        bytes += frame.size();
      }
      const uint32_t before = (*log)->stats().segments;
      ASSERT_TRUE((*log)->Append(entries).has_value());
      if (before == 1 && (*log)->stats().segments == 2) {
        segment_2_from = bytes;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      all.insert(all.end(), entries.begin(), entries.end());
    }
    EXPECT_EQ(ScanLog(**log), all);
  }
  EXPECT_FALSE(std::filesystem::exists(Segment(dir.path(), 3) + ".prep"));
  EXPECT_FALSE(std::filesystem::exists(Segment(dir.path(), 3)));
  auto reopened = SegmentLog::Open(dir.path(), slow);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToLogString();
  EXPECT_EQ(ScanLog(**reopened), all);
  EXPECT_EQ((*reopened)->stats().segments, 2u);
}

TEST(SegmentLog, ReadersReadTheLocationsAppendAndScanReport) {
  TempDir dir;
  store::ChainTail tail;
  std::vector<store::LedgerEntry> all;
  std::vector<LogLocation> where;
  {
    auto log = OpenLog(dir.path(), 4096);
    for (int batch = 0; batch < 30; ++batch) {
      auto entries = Continue(tail, kPoll, batch == 10 ? 60 : 3, 1000 * batch);  // batch 10 > one segment
      std::vector<LogLocation> placed;
      ASSERT_TRUE(log->Append(entries, placed).has_value());
      ASSERT_EQ(placed.size(), entries.size());
      all.insert(all.end(), entries.begin(), entries.end());
      where.insert(where.end(), placed.begin(), placed.end());
    }
    ASSERT_GT(log->stats().segments, 3u);
    SegmentLog::Reader point(*log), window(*log, 64 << 10);
    for (size_t i = 0; i < all.size(); ++i) {
      auto read = point.Read(where[i]);
      ASSERT_TRUE(read.has_value()) << i << ": " << read.error().ToLogString();
      EXPECT_EQ(*read, all[i]);
      EXPECT_EQ(*window.Read(where[i]), all[i]);
    }
    EXPECT_EQ(*point.Read(where[7]), all[7]);  // backwards, and into another segment
    LogLocation between = where[3];
    between.offset += 1;
    EXPECT_EQ(point.Read(between).error().code, ErrorCode::kDataLoss);
  }
  auto reopened = OpenLog(dir.path(), 4096);
  std::vector<LogLocation> scanned;
  ASSERT_TRUE(reopened->Scan([&](const store::LedgerEntry&, LogLocation at) {
    scanned.push_back(at);
    return true;
  }).has_value());
  EXPECT_EQ(scanned, where);
  SegmentLog::Reader reader(*reopened);
  EXPECT_EQ(*reader.Read(where.back()), all.back());
}

// A Reader's window may have been read before later frames were appended: reading them must go back to
// the file rather than take the zeros it holds for them.
TEST(SegmentLog, AReaderSeesFramesAppendedAfterItsWindowWasRead) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  SegmentLog::Reader reader(*log, 64 << 10);
  store::ChainTail tail;
  for (int batch = 0; batch < 20; ++batch) {
    auto entries = Continue(tail, kPoll, 2, 10 * batch);
    std::vector<LogLocation> placed;
    ASSERT_TRUE(log->Append(entries, placed).has_value());
    for (size_t i = 0; i < entries.size(); ++i) {
      auto read = reader.Read(placed[i]);
      ASSERT_TRUE(read.has_value()) << read.error().ToLogString();
      EXPECT_EQ(*read, entries[i]);
    }
  }
}

// A crash during an append can leave any part of its bytes on disk; recovery must keep exactly the
// frames that were complete before it, and the next append must read back cleanly.
TEST(SegmentLog, RecoveryAfterACrashAtEveryPointOfAnAppend) {
  TempDir dir;
  store::ChainTail tail;
  const auto durable = Continue(tail, kPoll, 4, 1);
  const auto unfinished = Continue(tail, kPoll, 3, 50);
  std::string before, after;
  {
    auto log = OpenLog(dir.path());
    ASSERT_TRUE(log->Append(durable).has_value());
    before = ReadBytes(Segment(dir.path(), 1));
    ASSERT_TRUE(log->Append(unfinished).has_value());
    after = ReadBytes(Segment(dir.path(), 1));
  }
  // The bytes the second append changed: [first, last).
  size_t first = 0;
  while (before[first] == after[first]) ++first;
  const size_t last = after.find_last_not_of('\0') + 1;
  ASSERT_LT(first, last);
  store::ChainTail next_tail = tail;
  const auto next = Continue(next_tail, kPoll, 1, 90);
  for (size_t cut = first; cut < last; cut += 13) {
    std::string crashed = before;
    crashed.replace(first, cut - first, after.substr(first, cut - first));  // only a prefix reached the disk
    WriteBytes(Segment(dir.path(), 1), crashed);
    auto log = OpenLog(dir.path());
    ASSERT_NE(log, nullptr);
    const auto got = ScanLog(*log);
    ASSERT_GE(got.size(), durable.size()) << "cut " << cut;
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], i < durable.size() ? durable[i] : unfinished[i - durable.size()]) << "cut " << cut;
    // Appending after recovery leaves no trace of the unfinished bytes.
    ASSERT_TRUE(log->Append(next).has_value());
    log.reset();  // one open log per directory
    const auto again = ScanLog(*OpenLog(dir.path()));
    ASSERT_EQ(again.size(), got.size() + 1) << "cut " << cut;
    EXPECT_EQ(again.back(), next[0]);
  }
}

TEST(SegmentLog, AFrameAfterATornOneIsNotResurrected) {
  TempDir dir;
  store::ChainTail tail;
  const auto durable = Continue(tail, kPoll, 2, 1);
  const auto lost = Continue(tail, kPoll, 2, 7);
  {
    auto log = OpenLog(dir.path());
    ASSERT_TRUE(log->Append(durable).has_value());
    ASSERT_TRUE(log->Append(lost).has_value());
  }
  // The first frame of the second append is damaged, the second one intact (pages written out of order).
  std::string bytes = ReadBytes(Segment(dir.path(), 1));
  std::string frames;
  AppendFrame(frames, durable[0]);
  AppendFrame(frames, durable[1]);
  bytes[16 + frames.size() + 20] ^= 0x01;
  WriteBytes(Segment(dir.path(), 1), bytes);
  EXPECT_EQ(ScanLog(*OpenLog(dir.path())), durable);
}

TEST(SegmentLog, DamageInASealedSegmentOrAMissingSegmentIsDataLoss) {
  TempDir dir;
  store::ChainTail tail;
  {
    auto log = OpenLog(dir.path(), 4096);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(log->Append(Continue(tail, kPoll, 4, 10 * i)).has_value());
    ASSERT_GT(log->stats().segments, 3u);
  }
  std::string bytes = ReadBytes(Segment(dir.path(), 2));
  bytes[100] ^= 0x10;
  WriteBytes(Segment(dir.path(), 2), bytes);
  {
    auto damaged = OpenLog(dir.path(), 4096);  // opening reads only the newest segment's frames
    ASSERT_NE(damaged, nullptr);
    auto scanned = damaged->Scan([](const store::LedgerEntry&) { return true; });
    ASSERT_FALSE(scanned.has_value());
    EXPECT_EQ(scanned.error().code, ErrorCode::kDataLoss);
    EXPECT_NE(scanned.error().detail.find("0000000002.seg"), std::string::npos) << scanned.error().detail;
    auto read_only = SegmentLog::ScanFiles(dir.path(), [](const store::LedgerEntry&) { return true; });
    ASSERT_FALSE(read_only.has_value());
    EXPECT_EQ(read_only.error().code, ErrorCode::kDataLoss);
  }

  std::filesystem::remove(Segment(dir.path(), 2));
  auto missing = SegmentLog::Open(dir.path(), {.segment_bytes = 4096});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kDataLoss);
}

TEST(SegmentLog, AFileThatIsNotASegmentIsDataLoss) {
  TempDir dir;
  { OpenLog(dir.path()); }
  WriteBytes(Segment(dir.path(), 1), "not a vote log at all");
  auto log = SegmentLog::Open(dir.path());
  ASSERT_FALSE(log.has_value());
  EXPECT_EQ(log.error().code, ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace pantau::ledger

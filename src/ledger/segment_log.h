// SegmentLog: the durable, append-only record of every ledger entry, in the order the group committer
// made them durable. Entries are framed (log_record.h) into segment files that are zero-filled before
// they are used, so an append is one pwrite and one fdatasync that changes no file-system metadata.
// After a crash the log ends at the first frame that is incomplete or fails its checksum: only an
// append that never returned can have left one, so nothing acknowledged is lost; the remains of that
// append are erased at open.
//
//   PANTAU_ASSIGN_OR_RETURN(auto log, ledger::SegmentLog::Open(db_path + "-ledger"));
//   PANTAU_RETURN_IF_ERROR(log->Append(entries));   // durable when it returns OK
//   log->Scan([](const store::LedgerEntry& e) { ...; return true; });
//   SegmentLog::Reader reader(*log);  auto entry = reader.Read(location);   // a location Append reported
//
// Files: <dir>/0000000001.seg, 0000000002.seg, ...: a 16-byte header "pantau-vote-log1", then frames,
// then zeros. The next segment is prepared in the background while the current one fills. <dir>/ID
// names the log (random, written once) so that the database can tell its own log from a missing or
// foreign one; <dir>/LOCK is held (flock) by the one process that has the log open.
// One appender at a time (Append is not reentrant; a second Open of the same directory, from this or
// another process, fails while the first is open); Scan and Readers may run beside it: Scan sees a
// prefix of the log, a Reader reads frames Append or Scan has reported durable.
// A failed write is erased (zeros written over it and synced) before anything else is appended, so an
// unacknowledged frame cannot come back. A failed fdatasync is not retried (Linux may already have
// dropped the dirty pages): the log refuses every later append until the process restarts and recovery
// reads what really reached the disk — which may include that batch's frames, as it may for any append
// whose outcome a crash left unknown: the caller did not acknowledge them, but they may be kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace pantau::ledger {

// Where a frame starts: the segment's number (1-based) and the byte offset of the frame in it.
struct LogLocation {
  uint32_t segment = 0;
  uint64_t offset = 0;
  bool operator==(const LogLocation&) const = default;
};

class PreparationPace;  // segment_log.cc

class SegmentLog {
 public:
  struct Options {
    uint64_t segment_bytes = 64ull << 20;  // a single batch larger than this gets a segment of its size
    // The next segment is zero-filled in the background, paced to be ready in half the time the active
    // one will still take to fill at its rate so far, but never slower than this (a roll that finds it
    // unfinished lifts the pace).
    double prepare_min_bytes_per_second = 16 << 20;
  };
  struct Stats {
    uint64_t appends = 0;   // successful Append calls since Open
    uint32_t segments = 0;  // segment files in use
  };

  // Opens (creating if needed) the log in directory `dir` and recovers its end. DataLoss when a segment
  // is missing or is not a vote-log segment; FailedPrecondition ("vote-log-in-use") when another
  // SegmentLog holds the directory; Unavailable when the files cannot be read or written.
  static Result<std::unique_ptr<SegmentLog>> Open(const std::string& dir, Options options);
  static Result<std::unique_ptr<SegmentLog>> Open(const std::string& dir);  // default Options
  ~SegmentLog();
  SegmentLog(const SegmentLog&) = delete;
  SegmentLog& operator=(const SegmentLog&) = delete;

  // Appends `entries` (any mix of polls) with one write and one fdatasync; OK means durable.
  // Unavailable on an I/O error (nothing of the batch counts as written).
  Status Append(std::span<const store::LedgerEntry> entries);
  // The same, and on success sets `locations` to where each entry's frame starts (one per entry).
  Status Append(std::span<const store::LedgerEntry> entries, std::vector<LogLocation>& locations);

  // Visits every durable entry in append order; stops early when `visit` returns false. Reads the files,
  // not memory. DataLoss when a frame before the end is damaged.
  Status Scan(const std::function<bool(const store::LedgerEntry&)>& visit) const;
  // The same, with each entry's location (for an index a Reader then reads through).
  Status Scan(const std::function<bool(const store::LedgerEntry&, LogLocation)>& visit) const;

  // Reads single entries at locations Append or Scan reported (so durable: their bytes never change
  // again), with pread on segment files the log opens once and keeps open; safe beside Append. A Reader
  // keeps the last window of bytes it read, so neighbouring frames (a poll's votes are mostly
  // neighbours) cost one pread between them. A Reader belongs to one thread; the log must outlive it.
  class Reader {
   public:
    // window_bytes: how much to read at a time (at least one frame); small for lookups, large for scans.
    explicit Reader(const SegmentLog& log, size_t window_bytes = 1024);
    // DataLoss when there is no intact frame at `at`; Unavailable when the file cannot be read.
    Result<store::LedgerEntry> Read(LogLocation at);

   private:
    Status Fill(LogLocation at, size_t bytes);
    const SegmentLog& log_;
    const size_t window_bytes_;
    std::string window_;
    LogLocation window_at_;  // where window_ was read from (segment 0: nothing read yet)
  };

  // Reads a log directory without opening it for appends and without repairing anything (safe beside
  // a running server): visits every complete entry in order. An unfinished append at the very end is
  // not an error; the result then describes it (empty otherwise). DataLoss for damage anywhere else.
  static Result<std::string> ScanFiles(const std::string& dir,
                                       const std::function<bool(const store::LedgerEntry&)>& visit);

  // The log's identity (<dir>/ID; 32 hex digits), created with the log.
  const std::string& id() const { return id_; }
  // The identity recorded in a log directory, read-only; NotFound when the directory or its ID is missing.
  static Result<std::string> ReadId(const std::string& dir);

  Stats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  using LocatedVisitor = std::function<bool(const store::LedgerEntry&, LogLocation)>;
  static Result<std::string> ScanSegments(const std::string& dir, uint32_t last, uint64_t last_end,
                                          const LocatedVisitor& visit);
  Result<int> ReadFd(uint32_t segment) const;  // the segment's read-only descriptor, opened on first use
  struct Segment {
    uint32_t index = 0;
    int fd = -1;
    uint64_t capacity = 0;  // file size
    uint64_t end = 0;       // offset just past the last durable frame
  };
  SegmentLog(std::string dir, Options options);

  Status Lock();
  Status LoadOrCreateId();
  Status Recover();
  Status Roll(uint64_t needed);
  // Writes zeros over what a failed append left past the end (dirty_) and syncs them; OK when nothing
  // is left. A failed sync marks the log broken.
  Status EraseDirty();
  // Logs a warning when the disk made votes wait 100 ms or more for `what`.
  void WarnIfSlow(std::chrono::steady_clock::time_point started, std::string_view what) const;
  void PrepareNextInBackground();
  std::string PathOf(uint32_t index) const;
  void Publish();

  const std::string dir_;
  const Options options_;
  int lock_fd_ = -1;                // <dir>/LOCK, flock-ed for the log's lifetime
  std::string id_;

  Segment active_;
  uint64_t dirty_ = 0;              // bytes past active_.end a failed append may have written
  bool broken_ = false;             // an fdatasync failed: refuse appends until restart
  std::string buffer_;              // frames of the batch being appended (reused)
  std::chrono::steady_clock::time_point active_since_;  // when active_ became the active segment
  std::future<Status> next_;        // the next segment being zero-filled in the background
  std::shared_ptr<PreparationPace> next_pace_;  // and its pace
  uint64_t next_capacity_ = 0;
  std::chrono::steady_clock::time_point retry_roll_at_{};  // no new preparation before this

  mutable std::mutex mu_;           // guards the published view below (read by Scan and stats)
  uint32_t published_index_ = 0;
  uint64_t published_end_ = 0;
  Stats stats_;

  mutable std::mutex read_mu_;      // guards read_fds_
  mutable std::vector<int> read_fds_;  // [segment - 1]: descriptor for Readers, -1 until first used
};

}  // namespace pantau::ledger

#include "ledger/segment_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <set>

#include "ledger/log_record.h"
#include "store/sync_directory.h"

namespace pantau::ledger {

// Paces the background preparation of the next segment: spread over the time the active segment will
// still take to fill instead of written as fast as the disk goes, it leaves the disk's queue free for
// the appends most of the time (unpaced, the p50 of a concurrent append's fdatasync went from ~0.12 ms to
// ~0.27 ms; paced to ~37 MB/s in 64 KiB chunks it stayed at ~0.1 ms). Hurry() lifts the pace when the
// log needs the segment now; Cancel() makes the preparation give up (the log is closing).
class PreparationPace {
 public:
  explicit PreparationPace(double bytes_per_second) : bytes_per_second_(bytes_per_second) {}

  void Hurry() { Set(State::kHurry); }
  void Cancel() { Set(State::kCancel); }
  // Waits until `written` bytes are due at the pace (from the first call), unless hurried; false when
  // cancelled.
  bool WaitFor(uint64_t written) {
    const auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    if (!started_) started_ = now;
    const auto due = *started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(static_cast<double>(written) / bytes_per_second_));
    cv_.wait_until(lock, due, [&] { return state_ != State::kPaced; });
    return state_ != State::kCancel;
  }

 private:
  enum class State { kPaced, kHurry, kCancel };
  void Set(State state) {
    {
      std::lock_guard lock(mu_);
      state_ = state;
    }
    cv_.notify_all();
  }

  const double bytes_per_second_;
  std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kPaced;
  std::optional<std::chrono::steady_clock::time_point> started_;
};

namespace {

namespace fs = std::filesystem;
using store::SyncDirectory;

constexpr std::string_view kSegmentMagic = "pantau-vote-log1";
constexpr uint64_t kHeaderBytes = kSegmentMagic.size();
// Preparing a segment writes it out in chunks this large: an fdatasync of the log that lands behind one
// on the device waits for at most this much (256 KiB chunks took the p99 of a concurrent 16 KiB
// append + fdatasync from ~0.2 ms to ~0.6 ms on the development VM; 64 KiB ones to ~0.23 ms).
constexpr uint64_t kZeroChunk = 64 << 10;
constexpr std::string_view kSegmentSuffix = ".seg";
constexpr std::string_view kPreparingSuffix = ".seg.prep";
constexpr std::string_view kIdFile = "ID";
constexpr std::string_view kLockFile = "LOCK";
constexpr auto kSlowDisk = std::chrono::milliseconds(100);  // an append or roll this slow is logged
constexpr auto kRollRetry = std::chrono::seconds(1);        // after a failed segment preparation

static_assert(kHeaderBytes == 16);

Error IoError(std::string_view what, const std::string& path) {
  return Error::Unavailable("the vote log cannot be written or read",
                            fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Error Damaged(std::string detail) { return Error::DataLoss("the vote log is damaged", std::move(detail)); }

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view bytes, uint64_t offset, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::unexpected(IoError("cannot write", path));
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Ok();
}

std::string SegmentPath(const std::string& dir, uint32_t index) {
  return fmt::format("{}/{:010}{}", dir, index, kSegmentSuffix);
}

// Reads up to `size` bytes at `offset` into `out`; fewer only where the file ends. Returns how many.
Result<size_t> PreadUpTo(int fd, char* out, size_t size, uint64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(IoError("cannot read", path));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

// Reads the first `max_bytes` of a file, or all of it (a whole segment: tens of MiB, read only at open
// and by Scan).
Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes = UINT64_MAX) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) return std::unexpected(IoError("cannot open", path));
  std::string bytes(static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(st.st_size), max_bytes)), '\0');
  PANTAU_ASSIGN_OR_RETURN(const size_t read, PreadUpTo(fd.get(), bytes.data(), bytes.size(), 0, path));
  if (read != bytes.size()) return std::unexpected(IoError("cannot read", path));
  return bytes;
}

// A segment's bytes (or at least its first kHeaderBytes) must start with the segment header.
Status CheckHeader(std::string_view bytes, const std::string& path) {
  if (bytes.size() < kHeaderBytes || bytes.substr(0, kHeaderBytes) != kSegmentMagic)
    return std::unexpected(Damaged(fmt::format("{} is not a vote-log segment", path)));
  return Ok();
}

// Writes a zero-filled segment of `capacity` bytes with its header to `path` and makes it durable.
// Each chunk is written out before the next is queued (sync_file_range, data only): the device never
// holds more than one chunk of the preparation, so the log's own fdatasync, which may run meanwhile on
// the same disk, waits behind at most kZeroChunk bytes instead of the whole segment (one fsync of
// 64 MiB at the end stalled concurrent appends by ~30 ms). With a `pace`, chunks are written no faster
// than it allows.
Status WriteEmptySegmentOnce(const std::string& path, uint64_t capacity, PreparationPace* pace) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
  if (fd.get() < 0) return std::unexpected(IoError("cannot create", path));
  std::string chunk(kZeroChunk, '\0');
  chunk.replace(0, kSegmentMagic.size(), kSegmentMagic);
  for (uint64_t at = 0; at < capacity; at += kZeroChunk) {
    const uint64_t n = std::min(kZeroChunk, capacity - at);
    if (pace && !pace->WaitFor(at))
      return std::unexpected(Error::Unavailable("the vote log closed while preparing a segment"));
    PANTAU_RETURN_IF_ERROR(WriteAll(fd.get(), std::string_view(chunk).substr(0, n), at, path));
    if (at == 0) std::fill_n(chunk.begin(), kSegmentMagic.size(), '\0');
    if (::sync_file_range(fd.get(), static_cast<off_t>(at), static_cast<off_t>(n),
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) != 0)
      return std::unexpected(IoError("cannot write out", path));
  }
  if (::fsync(fd.get()) != 0) return std::unexpected(IoError("cannot sync", path));
  return Ok();
}

// The same, removing what it wrote when it fails: on a full disk a half-written segment would hold on
// to the very space the next attempt (or the database) needs.
Status WriteEmptySegment(const std::string& path, uint64_t capacity, PreparationPace* pace = nullptr) {
  Status written = WriteEmptySegmentOnce(path, capacity, pace);
  if (!written) ::unlink(path.c_str());
  return written;
}

// Segment numbers found in `dir`, in order; stale preparations are removed when `tidy`.
Result<std::vector<uint32_t>> ListSegments(const std::string& dir, bool tidy) {
  std::set<uint32_t> found;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    const std::string name = item.path().filename().string();
    if (name.ends_with(kPreparingSuffix)) {
      if (tidy) fs::remove(item.path(), ec);
      continue;
    }
    if (!name.ends_with(kSegmentSuffix)) continue;
    const std::string_view digits = std::string_view(name).substr(0, name.size() - kSegmentSuffix.size());
    if (digits.size() != 10 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    found.insert(static_cast<uint32_t>(std::stoul(std::string(digits))));
  }
  if (ec) return std::unexpected(Error::Unavailable("the vote log cannot be read", fmt::format("{}: {}", dir, ec.message())));
  std::vector<uint32_t> segments(found.begin(), found.end());
  for (size_t i = 0; i < segments.size(); ++i)
    if (segments[i] != i + 1) return std::unexpected(Damaged(fmt::format("{}: segment {} is missing", dir, i + 1)));
  return segments;
}

// The frames of one segment's bytes from the header on: calls `visit` for each intact one and returns
// the offset where the data ends, and (when torn) why it ended early.
struct FramesEnd {
  uint64_t end = kHeaderBytes;
  std::string torn;  // empty when the data ended at an end marker
};
FramesEnd WalkFrames(std::string_view segment, uint64_t limit,
                     const std::function<bool(const store::LedgerEntry&, uint64_t offset)>& visit) {
  FramesEnd result;
  while (result.end < limit) {
    FrameRead frame = ReadFrame(segment.substr(result.end, limit - result.end));
    if (frame.kind == FrameRead::Kind::kEnd) break;
    if (frame.kind == FrameRead::Kind::kTorn) {
      result.torn = std::move(frame.problem);
      break;
    }
    const uint64_t at = result.end;
    result.end += frame.size;
    if (visit && !visit(frame.entry, at)) break;
  }
  return result;
}

}  // namespace

SegmentLog::SegmentLog(std::string dir, Options options) : dir_(std::move(dir)), options_(options) {}

SegmentLog::~SegmentLog() {
  if (next_pace_) next_pace_->Cancel();
  if (next_.valid()) next_.wait();
  if (active_.fd >= 0) ::close(active_.fd);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
  for (int fd : read_fds_)
    if (fd >= 0) ::close(fd);
}

Result<std::unique_ptr<SegmentLog>> SegmentLog::Open(const std::string& dir) { return Open(dir, Options{}); }

Result<std::unique_ptr<SegmentLog>> SegmentLog::Open(const std::string& dir, Options options) {
  options.segment_bytes = std::max<uint64_t>(options.segment_bytes, 4096);
  std::error_code ec;
  if (fs::create_directories(dir, ec)) {
    const std::string parent = fs::absolute(dir).parent_path().string();
    PANTAU_RETURN_IF_ERROR(SyncDirectory(parent));
  }
  if (ec) return std::unexpected(Error::Unavailable("the vote log cannot be created", fmt::format("{}: {}", dir, ec.message())));
  std::unique_ptr<SegmentLog> log(new SegmentLog(dir, options));
  PANTAU_RETURN_IF_ERROR(log->Lock());
  PANTAU_RETURN_IF_ERROR(log->Recover());
  PANTAU_RETURN_IF_ERROR(log->LoadOrCreateId());
  return log;
}

Status SegmentLog::Lock() {
  const std::string path = fmt::format("{}/{}", dir_, kLockFile);
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (lock_fd_ < 0) return std::unexpected(IoError("cannot open", path));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      Error in_use = Error::FailedPrecondition("the vote log is in use by another pantau process", "vote-log-in-use");
      in_use.detail = fmt::format("{} is locked; stop the other `pantau serve` on this database first", dir_);
      return std::unexpected(std::move(in_use));
    }
    return std::unexpected(IoError("cannot lock", path));
  }
  return Ok();
}

Result<std::string> SegmentLog::ReadId(const std::string& dir) {
  const std::string path = fmt::format("{}/{}", dir, kIdFile);
  if (!fs::exists(path)) return std::unexpected(Error::NotFound(fmt::format("{} has no ID", dir)));
  PANTAU_ASSIGN_OR_RETURN(std::string id, ReadFile(path, 64));
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  if (id.size() != 32 || !std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return std::unexpected(Damaged(fmt::format("{} is not a vote-log ID", path)));
  return id;
}

Status SegmentLog::LoadOrCreateId() {
  auto id = ReadId(dir_);
  if (id) {
    id_ = std::move(*id);
    return Ok();
  }
  if (id.error().code != ErrorCode::kNotFound) return std::unexpected(id.error());
  // A new log (or one from before IDs): name it. Written to a temporary name and renamed, so a crash
  // leaves either no ID or a whole one.
  std::random_device random;
  std::string fresh;
  for (int i = 0; i < 4; ++i) fresh += fmt::format("{:08x}", static_cast<uint32_t>(random()));
  const std::string path = fmt::format("{}/{}", dir_, kIdFile);
  const std::string temporary = path + ".tmp";
  {
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (fd.get() < 0) return std::unexpected(IoError("cannot create", temporary));
    PANTAU_RETURN_IF_ERROR(WriteAll(fd.get(), fresh + "\n", 0, temporary));
    if (::fsync(fd.get()) != 0) return std::unexpected(IoError("cannot sync", temporary));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) return std::unexpected(IoError("cannot rename", temporary));
  PANTAU_RETURN_IF_ERROR(SyncDirectory(dir_));
  id_ = std::move(fresh);
  return Ok();
}

std::string SegmentLog::PathOf(uint32_t index) const { return SegmentPath(dir_, index); }

Status SegmentLog::Recover() {
  PANTAU_ASSIGN_OR_RETURN(std::vector<uint32_t> segments, ListSegments(dir_, /*tidy=*/true));
  if (segments.empty()) {
    const std::string preparing = PathOf(1) + ".prep";
    PANTAU_RETURN_IF_ERROR(WriteEmptySegment(preparing, options_.segment_bytes));
    if (::rename(preparing.c_str(), PathOf(1).c_str()) != 0) return std::unexpected(IoError("cannot rename", preparing));
    PANTAU_RETURN_IF_ERROR(SyncDirectory(dir_));
    segments.push_back(1);
  }
  // Sealed segments: only their headers here (Scan checks their frames, and the journaled store scans
  // the whole log at open anyway).
  for (uint32_t index : segments) {
    const std::string path = PathOf(index);
    if (index != segments.back()) {
      PANTAU_ASSIGN_OR_RETURN(std::string header, ReadFile(path, kHeaderBytes));
      PANTAU_RETURN_IF_ERROR(CheckHeader(header, path));
      continue;
    }
    PANTAU_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
    PANTAU_RETURN_IF_ERROR(CheckHeader(bytes, path));
    const FramesEnd frames = WalkFrames(bytes, bytes.size(), {});
    // The active segment: anything past the last intact frame is the remains of an append that never
    // returned. Erase it, so the next append starts on zeros.
    const auto last_nonzero = bytes.find_last_not_of('\0');
    const uint64_t leftover_end = last_nonzero == std::string::npos ? 0 : last_nonzero + 1;
    Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (fd.get() < 0) return std::unexpected(IoError("cannot open", path));
    if (leftover_end > frames.end) {
      spdlog::warn("vote log: erasing {} bytes of an unfinished append at the end of {} ({})",
                   leftover_end - frames.end, path, frames.torn.empty() ? "after the end marker" : frames.torn);
      PANTAU_RETURN_IF_ERROR(WriteAll(fd.get(), std::string(leftover_end - frames.end, '\0'), frames.end, path));
      if (::fdatasync(fd.get()) != 0) return std::unexpected(IoError("cannot sync", path));
    }
    active_ = Segment{index, fd.release(), bytes.size(), frames.end};
    active_since_ = std::chrono::steady_clock::now();
  }
  Publish();
  return Ok();
}

Status SegmentLog::Append(std::span<const store::LedgerEntry> entries) {
  std::vector<LogLocation> ignored;
  return Append(entries, ignored);
}

Status SegmentLog::Append(std::span<const store::LedgerEntry> entries, std::vector<LogLocation>& locations) {
  locations.clear();
  if (entries.empty()) return Ok();
  if (broken_)
    return std::unexpected(Error::Unavailable("the vote log cannot be written", "an earlier sync failed; restart pantau"));
  buffer_.clear();
  locations.reserve(entries.size());
  for (const auto& entry : entries) {
    locations.push_back(LogLocation{0, buffer_.size()});  // relative to the batch until it is placed
    AppendFrame(buffer_, entry);
  }
  const uint64_t frames = buffer_.size();
  // What a failed append left past the end is erased before anything else is written: no stale frame
  // may follow this batch, or stay behind in a segment sealed by the roll below.
  PANTAU_RETURN_IF_ERROR(EraseDirty());
  if (active_.end + frames > active_.capacity) {
    if (auto rolled = Roll(frames); !rolled) {
      locations.clear();
      return rolled;
    }
  }
  const std::string path = PathOf(active_.index);
  if (auto written = WriteAll(active_.fd, buffer_, active_.end, path); !written) {
    dirty_ = buffer_.size();  // nothing was dirty before: EraseDirty above
    locations.clear();
    // Erase the remains now, so a crash cannot bring back frames the caller was told failed. When this
    // fails too, the next Append tries again before writing anything else.
    if (auto erased = EraseDirty(); !erased)
      spdlog::error("vote log: cannot erase a failed append in {}: {}", path, erased.error().ToLogString());
    return written;
  }
  const auto syncing = std::chrono::steady_clock::now();
  if (::fdatasync(active_.fd) != 0) {
    broken_ = true;
    spdlog::critical("vote log: fdatasync failed on {}: {}; refusing further votes until restart", path,
                     std::strerror(errno));
    locations.clear();
    return std::unexpected(IoError("cannot sync", path));
  }
  WarnIfSlow(syncing, "an fdatasync");
  for (LogLocation& at : locations) at = LogLocation{active_.index, active_.end + at.offset};
  active_.end += frames;
  Publish();
  {
    std::lock_guard lock(mu_);
    ++stats_.appends;
  }
  if (!next_.valid() && active_.end > active_.capacity / 2) PrepareNextInBackground();
  return Ok();
}

void SegmentLog::PrepareNextInBackground() {
  next_capacity_ = options_.segment_bytes;
  // At the rate the active segment has filled since it became active, it is full after `left` more
  // seconds: the preparation is paced to be done in half that.
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - active_since_).count();
  const auto filled = static_cast<double>(std::max<uint64_t>(active_.end - kHeaderBytes, 1));
  const double left = elapsed * static_cast<double>(active_.capacity - active_.end) / filled;
  const double pace = std::max(options_.prepare_min_bytes_per_second, static_cast<double>(next_capacity_) / std::max(left / 2, 1e-3));
  next_pace_ = std::make_shared<PreparationPace>(pace);
  next_ = std::async(std::launch::async, [path = PathOf(active_.index + 1) + ".prep", capacity = next_capacity_,
                                          pace = next_pace_] { return WriteEmptySegment(path, capacity, pace.get()); });
}

Status SegmentLog::EraseDirty() {
  if (dirty_ == 0) return Ok();
  const std::string path = PathOf(active_.index);
  const uint64_t bytes = std::min(dirty_, active_.capacity - active_.end);
  PANTAU_RETURN_IF_ERROR(WriteAll(active_.fd, std::string(bytes, '\0'), active_.end, path));
  if (::fdatasync(active_.fd) != 0) {
    broken_ = true;
    spdlog::critical("vote log: fdatasync failed on {}: {}; refusing further votes until restart", path,
                     std::strerror(errno));
    return std::unexpected(IoError("cannot sync", path));
  }
  dirty_ = 0;
  return Ok();
}

Status SegmentLog::Roll(uint64_t needed) {
  const uint32_t index = active_.index + 1;
  const std::string path = PathOf(index);
  const std::string preparing = path + ".prep";
  constexpr uint64_t kPage = 4096;
  const uint64_t capacity = std::max(options_.segment_bytes, (kHeaderBytes + needed + kPage - 1) / kPage * kPage);
  const auto started = std::chrono::steady_clock::now();
  if (started < retry_roll_at_)  // the last preparation failed moments ago (a full disk): fail fast
    return std::unexpected(Error::Unavailable("the vote log cannot grow right now",
                                              fmt::format("preparing {} failed moments ago", preparing)));
  Status prepared = Ok();
  if (next_.valid()) {
    next_pace_->Hurry();  // the log needs it now
    prepared = next_.get();
    if (prepared && next_capacity_ < capacity) prepared = WriteEmptySegment(preparing, capacity);
  } else {
    prepared = WriteEmptySegment(preparing, capacity);
  }
  if (!prepared) {
    // Writing a whole segment again on every vote batch would stall every voter on a full disk.
    retry_roll_at_ = std::chrono::steady_clock::now() + kRollRetry;
    spdlog::error("vote log: cannot prepare {}: {}; votes are refused until it can", preparing,
                  prepared.error().ToLogString());
    return prepared;
  }
  if (::rename(preparing.c_str(), path.c_str()) != 0) return std::unexpected(IoError("cannot rename", preparing));
  if (auto synced = SyncDirectory(dir_); !synced) {
    broken_ = true;  // whether the new name is durable is unknown
    return synced;
  }
  Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) {
    broken_ = true;
    return std::unexpected(IoError("cannot open", path));
  }
  ::close(active_.fd);
  active_ = Segment{index, fd.release(), capacity, kHeaderBytes};
  active_since_ = std::chrono::steady_clock::now();
  Publish();
  WarnIfSlow(started, fmt::format("moving on to segment {}", index));
  return Ok();
}

void SegmentLog::WarnIfSlow(std::chrono::steady_clock::time_point started, std::string_view what) const {
  // Votes wait for this: a disk that stalls shows in the log, not only in the voters' latency.
  const auto took = std::chrono::steady_clock::now() - started;
  if (took >= kSlowDisk)
    spdlog::warn("vote log: {} in {} took {} ms; every vote waited for it", what, dir_,
                 std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
}

void SegmentLog::Publish() {
  std::lock_guard lock(mu_);
  published_index_ = active_.index;
  published_end_ = active_.end;
  stats_.segments = active_.index;
}

SegmentLog::Stats SegmentLog::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

Status SegmentLog::Scan(const std::function<bool(const store::LedgerEntry&)>& visit) const {
  return Scan([&](const store::LedgerEntry& entry, LogLocation) { return visit(entry); });
}

Status SegmentLog::Scan(const LocatedVisitor& visit) const {
  uint32_t last = 0;
  uint64_t last_end = 0;
  {
    std::lock_guard lock(mu_);
    last = published_index_;
    last_end = published_end_;
  }
  // Everything up to the published end is durable, so a damaged frame there is damage, not a crash.
  PANTAU_ASSIGN_OR_RETURN(std::string torn_end, ScanSegments(dir_, last, last_end, visit));
  if (!torn_end.empty()) return std::unexpected(Damaged(std::move(torn_end)));
  return Ok();
}

Result<std::string> SegmentLog::ScanFiles(const std::string& dir,
                                          const std::function<bool(const store::LedgerEntry&)>& visit) {
  PANTAU_ASSIGN_OR_RETURN(std::vector<uint32_t> segments, ListSegments(dir, /*tidy=*/false));
  if (segments.empty()) return std::unexpected(Damaged(fmt::format("{} holds no vote-log segment", dir)));
  return ScanSegments(dir, segments.back(), UINT64_MAX,
                      [&](const store::LedgerEntry& entry, LogLocation) { return visit(entry); });
}

Result<std::string> SegmentLog::ScanSegments(const std::string& dir, uint32_t last, uint64_t last_end,
                                             const LocatedVisitor& visit) {
  bool stopped = false;
  uint32_t index = 1;
  auto visit_until_stopped = [&](const store::LedgerEntry& entry, uint64_t offset) {
    stopped = !visit(entry, LogLocation{index, offset});
    return !stopped;
  };
  for (; index <= last && !stopped; ++index) {
    const std::string path = SegmentPath(dir, index);
    PANTAU_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
    PANTAU_RETURN_IF_ERROR(CheckHeader(bytes, path));
    const uint64_t limit = index == last ? std::min<uint64_t>(last_end, bytes.size()) : bytes.size();
    const FramesEnd frames = WalkFrames(bytes, limit, visit_until_stopped);
    if (frames.torn.empty() || stopped) continue;
    const std::string where = fmt::format("{}: damaged frame at byte {}: {}", path, frames.end, frames.torn);
    if (index != last) return std::unexpected(Damaged(where));
    return where;  // the end of the newest segment: an append that had not finished
  }
  return std::string();
}

Result<int> SegmentLog::ReadFd(uint32_t segment) const {
  std::lock_guard lock(read_mu_);
  if (segment == 0) return std::unexpected(Error::InvalidArgument("no vote-log segment 0"));
  if (read_fds_.size() < segment) read_fds_.resize(segment, -1);
  int& fd = read_fds_[segment - 1];
  if (fd < 0) {
    const std::string path = PathOf(segment);
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(IoError("cannot open", path));
  }
  return fd;
}

SegmentLog::Reader::Reader(const SegmentLog& log, size_t window_bytes)
    : log_(log), window_bytes_(std::max<size_t>(window_bytes, 256)) {}

Status SegmentLog::Reader::Fill(LogLocation at, size_t bytes) {
  window_at_ = LogLocation{};
  {
    // Never keep bytes past the durable end: they may be a failed append's, and a later append at the
    // same place must be read from the file, not from this window.
    std::lock_guard lock(log_.mu_);
    if (at.segment == log_.published_index_)
      bytes = std::min<uint64_t>(bytes, log_.published_end_ > at.offset ? log_.published_end_ - at.offset : 0);
  }
  PANTAU_ASSIGN_OR_RETURN(const int fd, log_.ReadFd(at.segment));
  window_.resize(bytes);
  // Short at the end of the file: the frame's own length check decides.
  PANTAU_ASSIGN_OR_RETURN(const size_t done, PreadUpTo(fd, window_.data(), bytes, at.offset, log_.PathOf(at.segment)));
  window_.resize(done);
  window_at_ = at;
  return Ok();
}

Result<store::LedgerEntry> SegmentLog::Reader::Read(LogLocation at) {
  // The frame's bytes from the window when it holds them; otherwise (or when what the window holds there
  // is not a whole frame: it may have been read before that frame was appended) from the file.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool in_window = attempt == 0 && window_at_.segment == at.segment && at.offset >= window_at_.offset &&
                           at.offset - window_at_.offset < window_.size();
    if (!in_window) PANTAU_RETURN_IF_ERROR(Fill(at, window_bytes_));
    std::string_view bytes = std::string_view(window_).substr(at.offset - window_at_.offset);
    const size_t size = FrameSize(bytes);
    if (size > bytes.size() && size <= kMaxFrameBytes) {
      if (in_window) continue;
      PANTAU_RETURN_IF_ERROR(Fill(at, size));  // a frame longer than the window
      bytes = window_;
    }
    FrameRead frame = ReadFrame(bytes);
    if (frame.kind == FrameRead::Kind::kEntry) return std::move(frame.entry);
    if (in_window) continue;
    return std::unexpected(Damaged(fmt::format("{}: no intact frame at byte {}{}", log_.PathOf(at.segment), at.offset,
                                               frame.problem.empty() ? "" : ": " + frame.problem)));
  }
  return std::unexpected(Damaged(fmt::format("{}: no intact frame at byte {}", log_.PathOf(at.segment), at.offset)));
}

}  // namespace pantau::ledger

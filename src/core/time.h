// Time: UTC instants with millisecond precision, the Clock every module receives instead of reading
// the system clock itself (so deadline and replay tests can drive time), and RFC 3339 text.
//   Timestamp t = clock.Now();
//   std::string s = FormatRfc3339(t);          // "2024-11-20T08:15:03.120Z"
//   Result<Timestamp> u = ParseTimestamp("1732090503.12");  // RFC 3339 or Unix seconds
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace pantau {

using Millis = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<Millis>;

inline int64_t ToUnixMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixMillis(int64_t ms) { return Timestamp{Millis{ms}}; }

// A source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The real wall clock (UTC).
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  static const SystemClock& Instance();
};

// A clock that moves only when told to; for tests and replays. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_ms_(ToUnixMillis(start)) {}
  Timestamp Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Set(Timestamp t) { now_ms_.store(ToUnixMillis(t)); }
  void Advance(Millis d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_ms_;
};

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (always UTC, always milliseconds).
std::string FormatRfc3339(Timestamp t);

// RFC 3339 with optional fraction and 'Z' or ±HH:MM offset; a space instead of 'T' is accepted.
Result<Timestamp> ParseRfc3339(std::string_view text);

// RFC 3339 text, or Unix seconds (fraction allowed), as DESIGN.md §5 allows in vote logs.
Result<Timestamp> ParseTimestamp(std::string_view text);

}  // namespace pantau

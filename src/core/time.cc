#include "core/time.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace pantau {

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

std::string FormatRfc3339(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

namespace {

bool ReadDigits(std::string_view s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += count;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

Error BadTime(std::string_view text) {
  return Error::InvalidArgument(
      fmt::format("bad time '{}': expected RFC 3339 (2024-11-20T08:15:03Z) or Unix seconds",
                  text.substr(0, 64)),
      "bad-time");
}

}  // namespace

Result<Timestamp> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!ReadDigits(s, pos, 4, y) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, mo) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, d))
    return std::unexpected(BadTime(s));
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
    return std::unexpected(BadTime(s));
  ++pos;
  if (!ReadDigits(s, pos, 2, h) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, mi) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, se))
    return std::unexpected(BadTime(s));
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::unexpected(BadTime(s));
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om) || oh > 23 ||
        om > 59)
      return std::unexpected(BadTime(s));
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::unexpected(BadTime(s));
  }
  if (pos != s.size()) return std::unexpected(BadTime(s));
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::unexpected(BadTime(s));
  const auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{std::min(se, 59)} + Millis{millis} -
                 minutes{offset_minutes};
  return time_point_cast<Millis>(t);
}

Result<Timestamp> ParseTimestamp(std::string_view text) {
  if (text.empty()) return std::unexpected(BadTime(text));
  // Unix seconds: digits with an optional fraction (no sign, no exponent).
  if (text.find('-') == std::string_view::npos && text.find(':') == std::string_view::npos) {
    int64_t whole = 0;
    size_t dot = text.find('.');
    std::string_view int_part = text.substr(0, dot);
    auto [p, ec] = std::from_chars(int_part.data(), int_part.data() + int_part.size(), whole);
    if (ec != std::errc{} || p != int_part.data() + int_part.size() || int_part.empty())
      return std::unexpected(BadTime(text));
    int64_t millis = 0;
    if (dot != std::string_view::npos) {
      int64_t scale = 100;
      if (dot + 1 == text.size()) return std::unexpected(BadTime(text));
      for (size_t i = dot + 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return std::unexpected(BadTime(text));
        millis += (c - '0') * scale;
        scale /= 10;
      }
    }
    if (whole > 32503680000LL) return std::unexpected(BadTime(text));  // beyond year 3000
    return FromUnixMillis(whole * 1000 + millis);
  }
  return ParseRfc3339(text);
}

}  // namespace pantau

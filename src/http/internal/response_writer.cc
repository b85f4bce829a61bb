#include "http/internal/response_writer.h"

#include <chrono>
#include <ctime>

#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

namespace pantau::http::internal {
namespace {

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted at most once a second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local char text[32];
  thread_local std::size_t length = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    auto r = fmt::format_to_n(text, sizeof(text), "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
                              kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900,
                              tm.tm_hour, tm.tm_min, tm.tm_sec);
    length = r.size;
    cached_second = now;
  }
  return {text, length};
}

void AppendStatusLine(HttpStatus status, std::string& out) {
  out += "HTTP/1.1 ";
  fmt::format_int code(static_cast<unsigned>(status));
  out.append(code.data(), code.size());
  out += ' ';
  const auto reason = boost::beast::http::obsolete_reason(status);
  out.append(reason.data(), reason.size());
  out += "\r\n";
}

}  // namespace

ResponseWriter::ResponseWriter(std::string_view csp, std::string_view referrer_policy) {
  security_ = "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n";
  if (!referrer_policy.empty()) security_ += fmt::format("Referrer-Policy: {}\r\n", referrer_policy);
  if (!csp.empty()) security_ += fmt::format("Content-Security-Policy: {}\r\n", csp);
  sse_head_ =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Connection: close\r\nX-Accel-Buffering: no\r\n";
  sse_head_ += security_;
  sse_head_ += "\r\n";
}

bool ResponseWriter::StatusHasBody(HttpStatus status) {
  const unsigned code = static_cast<unsigned>(status);
  return code >= 200 && code != 204 && code != 304;
}

void ResponseWriter::AppendHead(const Response& r, bool keep_alive, std::string& out) const {
  AppendStatusLine(r.status(), out);
  out += "Date: ";
  out += HttpDate();
  out += "\r\n";
  if (!r.content_type().empty()) {
    out += "Content-Type: ";
    out += r.content_type();
    out += "\r\n";
  }
  if (StatusHasBody(r.status())) {
    out += "Content-Length: ";
    fmt::format_int length(r.body().size());
    out.append(length.data(), length.size());
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  out += security_;
  for (const auto& [name, value] : r.headers()) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace pantau::http::internal

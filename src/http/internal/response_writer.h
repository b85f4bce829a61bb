// ResponseWriter: turns a Response into HTTP/1.1 wire bytes — status line, Date, Content-Type,
// Content-Length, Connection, the server-wide security headers (precomputed once) and the
// response's own headers. Writes into a caller-owned string so a connection reuses one buffer.
// Thread-safe (const after construction).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/response.h"

namespace pantau::http::internal {

class ResponseWriter {
 public:
  ResponseWriter(std::string_view content_security_policy, std::string_view referrer_policy);

  // Appends the head (ending with the blank line). `with_body` false for HEAD: Content-Length is
  // still the body's length. 1xx/204/304 get no Content-Length.
  void AppendHead(const Response& r, bool keep_alive, std::string& out) const;

  // The head of an SSE response (close-delimited, never cached).
  const std::string& sse_head() const { return sse_head_; }

  // Whether a response with this status carries a body at all.
  static bool StatusHasBody(HttpStatus status);

 private:
  std::string security_;  // "X-Content-Type-Options: nosniff\r\n..." once for all responses
  std::string sse_head_;
};

}  // namespace pantau::http::internal

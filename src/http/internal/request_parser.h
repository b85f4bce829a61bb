// The HTTP/1.1 request reader of the server (RFC 9112), written for the server's own needs instead
// of Beast's general parser: the head is parsed in one pass once its blank line is in the buffer,
// every field is a view into that buffer (no copies, no allocation after a connection's first
// request), and a chunked body is decoded incrementally. Strict where leniency invites request
// smuggling: Content-Length and Transfer-Encoding together, a repeated Content-Length, a transfer
// coding other than chunked, whitespace before a field's colon, obsolete line folding and control
// characters are all "bad request".
//   RequestHead head;
//   std::size_t end = FindHeadEnd(buffer, 0);  // npos until the blank line has arrived
//   if (end != npos && ParseRequestHead(buffer.substr(0, end), head) == HeadStatus::kOk) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.h"

namespace pantau::http::internal {

struct HeaderField {
  std::string_view name;   // as sent (compare case-insensitively)
  std::string_view value;  // without surrounding whitespace
};

struct RequestHead {
  Verb method = Verb::unknown;
  std::string_view method_text;
  std::string_view target;
  unsigned version = 11;            // 10 or 11
  std::vector<HeaderField> fields;  // in arrival order; reused across requests
  std::optional<uint64_t> content_length;
  bool chunked = false;          // Transfer-Encoding: chunked
  bool keep_alive = true;        // from the version and the Connection header
  bool expect_continue = false;  // Expect: 100-continue

  // The first field with this name (case-insensitive).
  std::optional<std::string_view> Find(std::string_view name) const;
};

enum class HeadStatus { kOk, kBadRequest };

// Where the head that starts at `buffer[0]` ends: the offset just past its blank line, or npos when
// the blank line has not arrived yet. `scanned` is how much of the buffer an earlier call already
// searched (so a head arriving in pieces is scanned once). Empty lines before the request line are
// skipped, as RFC 9112 §2.2 asks.
std::size_t FindHeadEnd(std::string_view buffer, std::size_t scanned);

// Parses a complete head (request line, fields, blank line) into `out` (cleared first).
HeadStatus ParseRequestHead(std::string_view head, RequestHead& out);

bool IEquals(std::string_view a, std::string_view b);

// Decodes a chunked body (RFC 9112 §7.1) as it arrives: chunk extensions are ignored, trailer
// fields are read and dropped. `Feed` consumes what it can of `in`, appends the data to `body`, and
// says whether the body is complete, needs more input, is malformed, or exceeds `limit` bytes of
// data.
class ChunkedDecoder {
 public:
  enum class Status { kNeedMore, kDone, kBadRequest, kTooLarge };

  explicit ChunkedDecoder(std::size_t limit) : limit_(limit) {}
  Status Feed(std::string_view in, std::size_t& consumed, std::string& body);

 private:
  enum class State { kSize, kSizeExt, kSizeLf, kData, kDataCr, kDataLf, kTrailer, kTrailerLf, kDone };
  static constexpr std::size_t kMaxLine = 4096;  // size line with extensions, or one trailer line

  // Counts one more character of an extension or trailer line: false for a control character or
  // a line longer than kMaxLine.
  bool TakeLineChar(char c);

  std::size_t limit_;
  State state_ = State::kSize;
  uint64_t chunk_left_ = 0;
  std::size_t size_digits_ = 0;
  std::size_t line_ = 0;  // bytes of the current size or trailer line
  std::size_t trailer_bytes_ = 0;
};

}  // namespace pantau::http::internal

#include "http/internal/request_parser.h"

#include <algorithm>
#include <array>

namespace pantau::http::internal {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// RFC 9110 §5.6.2 tchar.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool IsToken(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return kTokenChars[static_cast<unsigned char>(c)]; });
}

// Control characters other than the tab, which no field value, chunk extension or trailer may hold.
bool IsControl(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

// A field value may hold visible characters, obs-text, spaces and tabs.
bool IsFieldValue(std::string_view s) { return std::none_of(s.begin(), s.end(), IsControl); }

// Request targets are visible ASCII (RFC 9112 §3.2 with RFC 3986 characters; no spaces).
bool IsTarget(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(token) for each element of a comma-separated list, skipping empty elements.
template <class F>
void ForEachListItem(std::string_view list, F&& f) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = TrimOws(list.substr(0, comma));
    if (!item.empty()) f(item);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
}

std::optional<uint64_t> ParseContentLength(std::string_view v) {
  if (v.empty() || v.size() > 18) return std::nullopt;  // 18 digits cannot overflow
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

std::size_t SkipEmptyLines(std::string_view buffer) {
  std::size_t pos = 0;
  while (buffer.substr(pos, 2) == kCrlf) pos += 2;
  return pos;
}

// Fills the framing and connection flags from the fields; false when they contradict each other.
bool InterpretFields(RequestHead& out) {
  bool transfer_encoding = false;
  for (const HeaderField& f : out.fields) {
    if (IEquals(f.name, "content-length")) {
      const auto n = ParseContentLength(f.value);
      if (!n || out.content_length) return false;  // repeated, even with one value: refused
      out.content_length = n;
    } else if (IEquals(f.name, "transfer-encoding")) {
      bool ok = true;
      ForEachListItem(f.value, [&](std::string_view coding) {
        // Only chunked is understood, and only once: anything else leaves the length unknowable.
        if (!IEquals(coding, "chunked") || out.chunked) ok = false;
        out.chunked = true;
      });
      if (!ok) return false;
      transfer_encoding = true;
    } else if (IEquals(f.name, "connection")) {
      bool ok = true;
      ForEachListItem(f.value, [&](std::string_view option) {
        ok = ok && IsToken(option);  // a list of tokens (RFC 9110 §7.6.1), else the head is malformed
        if (IEquals(option, "close")) out.keep_alive = false;
        if (IEquals(option, "keep-alive") && out.version == 10) out.keep_alive = true;
      });
      if (!ok) return false;
    } else if (IEquals(f.name, "expect")) {
      out.expect_continue = IEquals(f.value, "100-continue");
    }
  }
  if (transfer_encoding && (!out.chunked || out.content_length || out.version == 10)) return false;
  return true;
}

}  // namespace

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

std::optional<std::string_view> RequestHead::Find(std::string_view name) const {
  for (const HeaderField& f : fields)
    if (IEquals(f.name, name)) return f.value;
  return std::nullopt;
}

std::size_t FindHeadEnd(std::string_view buffer, std::size_t scanned) {
  const std::size_t start = SkipEmptyLines(buffer);
  if (start >= buffer.size()) return std::string_view::npos;
  const std::size_t from = std::max(start, scanned >= 3 ? scanned - 3 : 0);
  const std::size_t at = buffer.find("\r\n\r\n", from);
  return at == std::string_view::npos ? at : at + 4;
}

HeadStatus ParseRequestHead(std::string_view head, RequestHead& out) {
  out.fields.clear();
  out.content_length.reset();
  out.chunked = false;
  out.expect_continue = false;

  std::size_t pos = SkipEmptyLines(head);
  std::size_t eol = head.find(kCrlf, pos);
  if (eol == std::string_view::npos) return HeadStatus::kBadRequest;
  // request-line = method SP request-target SP HTTP-version
  const std::string_view line = head.substr(pos, eol - pos);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return HeadStatus::kBadRequest;
  out.method_text = line.substr(0, sp1);
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(out.method_text) || !IsTarget(out.target)) return HeadStatus::kBadRequest;
  if (version == "HTTP/1.1") {
    out.version = 11;
  } else if (version == "HTTP/1.0") {
    out.version = 10;
  } else {
    return HeadStatus::kBadRequest;
  }
  out.method = boost::beast::http::string_to_verb(out.method_text);
  out.keep_alive = out.version == 11;

  for (pos = eol + 2;; pos = eol + 2) {
    eol = head.find(kCrlf, pos);
    if (eol == std::string_view::npos) return HeadStatus::kBadRequest;
    if (eol == pos) break;  // the blank line
    const std::string_view field = head.substr(pos, eol - pos);
    // A line starting with whitespace is obsolete folding; whitespace before the colon is forbidden
    // (RFC 9112 §5.1): both are rejected, never guessed at.
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) return HeadStatus::kBadRequest;
    const std::string_view name = field.substr(0, colon);
    const std::string_view value = TrimOws(field.substr(colon + 1));
    if (!IsToken(name) || !IsFieldValue(value)) return HeadStatus::kBadRequest;
    out.fields.push_back({name, value});
  }
  if (eol + 2 != head.size()) return HeadStatus::kBadRequest;  // bytes after the blank line
  return InterpretFields(out) ? HeadStatus::kOk : HeadStatus::kBadRequest;
}

bool ChunkedDecoder::TakeLineChar(char c) { return !IsControl(c) && ++line_ <= kMaxLine; }

ChunkedDecoder::Status ChunkedDecoder::Feed(std::string_view in, std::size_t& consumed, std::string& body) {
  consumed = 0;
  auto bad = [] { return Status::kBadRequest; };
  while (consumed < in.size()) {
    const char c = in[consumed];
    switch (state_) {
      case State::kSize: {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        if (digit >= 0) {
          if (++size_digits_ > 15) return bad();  // beyond any body limit, and no overflow
          chunk_left_ = chunk_left_ * 16 + static_cast<uint64_t>(digit);
        } else if (size_digits_ == 0) {
          return bad();
        } else if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::kSizeExt;  // chunk extensions (and the whitespace before
                                     // them) are ignored
        } else {
          return bad();
        }
        ++consumed;
        break;
      }
      case State::kSizeExt:
        if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (!TakeLineChar(c)) {
          return bad();
        }
        ++consumed;
        break;
      case State::kSizeLf:
        if (c != '\n') return bad();
        ++consumed;
        line_ = 0;
        size_digits_ = 0;
        if (chunk_left_ == 0) {
          state_ = State::kTrailer;
        } else if (body.size() + chunk_left_ > limit_) {
          return Status::kTooLarge;
        } else {
          state_ = State::kData;
        }
        break;
      case State::kData: {
        const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(chunk_left_, in.size() - consumed));
        body.append(in.data() + consumed, n);
        consumed += n;
        chunk_left_ -= n;
        if (chunk_left_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (c != '\r') return bad();
        ++consumed;
        state_ = State::kDataLf;
        break;
      case State::kDataLf:
        if (c != '\n') return bad();
        ++consumed;
        state_ = State::kSize;
        break;
      case State::kTrailer:
        if (c == '\r') {
          state_ = State::kTrailerLf;
        } else if (!TakeLineChar(c) || ++trailer_bytes_ > 2 * kMaxLine) {
          return bad();
        }
        ++consumed;
        break;
      case State::kTrailerLf:
        if (c != '\n') return bad();
        ++consumed;
        if (line_ == 0) {
          state_ = State::kDone;
          return Status::kDone;
        }
        line_ = 0;
        state_ = State::kTrailer;
        break;
      case State::kDone:
        return Status::kDone;
    }
  }
  return state_ == State::kDone ? Status::kDone : Status::kNeedMore;
}

}  // namespace pantau::http::internal

#include "core/csv.h"

#include <cstring>

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pantau {
namespace {

bool IsFieldEnd(char c) { return c == ',' || c == '\r' || c == '\n' || c == '"'; }

// Offset of the first ',', CR, LF or '"' at or after `pos`, or text.size(). Sixteen bytes at a
// time where SSE2 is available (std::string_view::find_first_of calls memchr once per byte).
size_t FindFieldEnd(std::string_view text, size_t pos) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'),
                quote = _mm_set1_epi8('"');
  for (; pos + 16 <= text.size(); pos += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
    const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, comma), _mm_cmpeq_epi8(chunk, cr)),
                                      _mm_or_si128(_mm_cmpeq_epi8(chunk, lf), _mm_cmpeq_epi8(chunk, quote)));
    if (const int mask = _mm_movemask_epi8(hits)) return pos + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (pos < text.size() && !IsFieldEnd(text[pos])) ++pos;
  return pos;
}

std::unexpected<Error> LineError(size_t line, std::string_view what) {
  return std::unexpected(Error::InvalidArgument(fmt::format("line {}: {}", line, what), "bad-csv"));
}

// Newlines in `s` (usually none: one memchr).
size_t CountNewlines(std::string_view s) {
  size_t n = 0;
  for (const char* p = s.data(); const void* hit = std::memchr(p, '\n', static_cast<size_t>(s.data() + s.size() - p));) {
    ++n;
    p = static_cast<const char*>(hit) + 1;
  }
  return n;
}

// Offset of the first '"' at or after `pos` (or text.size()); adds the newlines before it to
// `lines`. One pass, sixteen bytes at a time where SSE2 is available.
size_t FindQuoteCountingNewlines(std::string_view text, size_t pos, size_t& lines) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n');
  for (; pos + 16 <= text.size(); pos += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
    const auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, quote)));
    const auto newlines = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, lf)));
    if (quotes != 0) {
      const unsigned before = (quotes & -quotes) - 1;  // bits below the first quote
      if ((newlines & before) != 0) lines += static_cast<size_t>(__builtin_popcount(newlines & before));
      return pos + static_cast<size_t>(__builtin_ctz(quotes));
    }
    if (newlines != 0) lines += static_cast<size_t>(__builtin_popcount(newlines));  // rare: no popcnt call
  }
#endif
  for (; pos < text.size() && text[pos] != '"'; ++pos) lines += text[pos] == '\n';
  return pos;
}

}  // namespace

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendCsvRecord(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out.push_back(',');
    first = false;
    AppendCsvField(out, f);
  }
  out.push_back('\n');
}

CsvReader::CsvReader(std::string_view text, Limits limits) : text_(text), limits_(limits) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool CsvReader::PlainRecord(std::vector<std::string_view>& fields) {
#if defined(__SSE2__)
  // All state in locals: the stores into `fields` would otherwise make the compiler reload members.
  const char* const text = text_.data();
  const size_t size = text_.size(), max_bytes = limits_.max_field_bytes, max_fields = limits_.max_fields;
  const __m128i comma = _mm_set1_epi8(','), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
  size_t pos = pos_;  // < size
  while (true) {
    if (fields.size() >= max_fields) return false;
    if (text[pos] == '"') {
      size_t close = 0;
      for (size_t from = pos + 1;; from += 16) {
        if (from + 16 > size) return false;  // near the end: the general loop reads the rest
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + from));
        const auto quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, quote)));
        const auto breaks =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf))));
        if (quotes != 0) {
          const int k = __builtin_ctz(quotes);
          if ((breaks & ((1u << k) - 1)) != 0) return false;  // a line break inside the quotes
          close = from + static_cast<size_t>(k);
          break;
        }
        if (breaks != 0) return false;
      }
      // The closing quote must be followed by a separator (a second quote is a doubled one).
      if (close + 1 >= size) return false;
      const char after = text[close + 1];
      if ((after != ',' && after != '\n' && after != '\r') || close - pos - 1 > max_bytes) return false;
      fields.emplace_back(text + pos + 1, close - pos - 1);
      pos = close + 1;
    } else {
      size_t stop = 0;
      for (size_t from = pos;; from += 16) {
        if (from + 16 > size) return false;
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + from));
        const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, comma), _mm_cmpeq_epi8(chunk, cr)),
                                          _mm_or_si128(_mm_cmpeq_epi8(chunk, lf), _mm_cmpeq_epi8(chunk, quote)));
        if (const int mask = _mm_movemask_epi8(hits)) {
          stop = from + static_cast<size_t>(__builtin_ctz(mask));
          break;
        }
      }
      if (text[stop] == '"' || stop - pos > max_bytes) return false;
      fields.emplace_back(text + pos, stop - pos);
      pos = stop;
    }
    const char c = text[pos];  // ',', CR or LF
    ++pos;
    if (c == ',') {
      if (pos >= size) return false;
      continue;
    }
    if (c == '\r' && pos < size && text[pos] == '\n') ++pos;
    ++line_;
    pos_ = pos;
    return true;
  }
#else
  (void)fields;
  return false;
#endif
}

Result<std::string_view> CsvReader::QuotedField(size_t& used_scratch) {
  auto error = [&](std::string_view what) { return LineError(line_, what); };
  ++pos_;  // the opening quote
  size_t lines = 0;
  const size_t close = FindQuoteCountingNewlines(text_, pos_, lines);
  if (close == text_.size()) return error("unterminated quoted field");
  if (close + 1 >= text_.size() || text_[close + 1] != '"') {
    // No doubled quote: the field is the text between the quotes, no copy needed.
    line_ += lines;
    if (close - pos_ > limits_.max_field_bytes) return error("field too long");
    const std::string_view field = text_.substr(pos_, close - pos_);
    pos_ = close + 1;
    return field;
  }
  if (used_scratch == scratch_.size()) scratch_.emplace_back();
  std::string& buf = scratch_[used_scratch++];
  buf.clear();
  while (true) {
    const size_t q = text_.find('"', pos_);
    if (q == std::string_view::npos) return error("unterminated quoted field");
    line_ += CountNewlines(text_.substr(pos_, q - pos_));
    buf.append(text_.substr(pos_, q - pos_));
    if (buf.size() > limits_.max_field_bytes) return error("field too long");
    pos_ = q + 1;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      buf.push_back('"');
      ++pos_;
      continue;
    }
    return std::string_view(buf);
  }
}

Result<bool> CsvReader::Next(std::vector<std::string_view>& fields) {
  fields.clear();
  size_t used_scratch = 0;
  // Skip blank lines.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  if (limits_.fast_path && PlainRecord(fields)) return true;
  fields.clear();
  auto error = [&](std::string_view what) { return LineError(line_, what); };
  while (true) {
    if (fields.size() >= limits_.max_fields) return error(fmt::format("more than {} columns", limits_.max_fields));
    if (pos_ < text_.size() && text_[pos_] == '"') {
      auto field = QuotedField(used_scratch);
      if (!field) return std::unexpected(std::move(field.error()));
      fields.push_back(*field);
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
        return error("unexpected character after a closing quote");
    } else {
      const size_t stop = FindFieldEnd(text_, pos_);
      if (stop < text_.size() && text_[stop] == '"') return error("quote inside an unquoted field");
      if (stop - pos_ > limits_.max_field_bytes) return error("field too long");
      fields.push_back(text_.substr(pos_, stop - pos_));
      pos_ = stop;
    }
    if (pos_ >= text_.size()) return true;
    const char c = text_[pos_];
    if (c == ',') {
      ++pos_;
      continue;
    }
    // End of record: \n, \r\n or a lone \r.
    if (c == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
    return true;
  }
}

}  // namespace pantau

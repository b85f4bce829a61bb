#include "core/csv.h"

#include <fmt/format.h>

namespace pantau {

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
  auto error = [&](std::string_view what) {
    return std::unexpected(Error::InvalidArgument(fmt::format("line {}: {}", line_, what), "bad-csv"));
  };
  while (true) {
    if (fields.size() >= limits_.max_fields) return error(fmt::format("more than {} columns", limits_.max_fields));
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      if (used_scratch == scratch_.size()) scratch_.emplace_back();
      std::string& buf = scratch_[used_scratch++];
      buf.clear();
      while (true) {
        const size_t q = text_.find('"', pos_);
        if (q == std::string_view::npos) return error("unterminated quoted field");
        for (size_t i = pos_; i < q; ++i)
          if (text_[i] == '\n') ++line_;
        buf.append(text_.substr(pos_, q - pos_));
        if (buf.size() > limits_.max_field_bytes) return error("field too long");
        pos_ = q + 1;
        if (pos_ < text_.size() && text_[pos_] == '"') {
          buf.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      fields.emplace_back(buf);
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
        return error("unexpected character after a closing quote");
    } else {
      const size_t end = text_.find_first_of(",\r\n\"", pos_);
      const size_t stop = end == std::string_view::npos ? text_.size() : end;
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

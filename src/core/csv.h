// CSV (RFC 4180) reading and writing for vote logs (DESIGN.md §5). The reader works over text already
// in memory (a mapped file or a string), yields one record at a time without allocating per field, and
// reports malformed input with its 1-based line number.
//   CsvReader reader(text);
//   std::vector<std::string_view> fields;
//   while (auto more = reader.Next(fields)) { if (!*more) break; ... }   // error: more.error()
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace pantau {

// Appends `field` to `out`, quoted when it contains a comma, quote, CR or LF.
void AppendCsvField(std::string& out, std::string_view field);
// Appends fields joined by commas plus "\n".
void AppendCsvRecord(std::string& out, std::initializer_list<std::string_view> fields);

class CsvReader {
 public:
  struct Limits {
    size_t max_field_bytes = 1 << 20;   // a field longer than this is an error, not an allocation
    size_t max_fields = 256;
    // Plain records (no doubled quote, no line break inside quotes, not at the very end of the text)
    // are read by a tight loop first; anything else goes through the general loop, which also reports
    // errors. The results are the same either way; false sends every record the general way (tests
    // compare the two).
    bool fast_path = true;
  };
  explicit CsvReader(std::string_view text) : CsvReader(text, Limits{}) {}
  CsvReader(std::string_view text, Limits limits);

  // Reads the next record into `fields` (views into the text or into the reader's scratch space;
  // valid until the next call). Returns true when a record was read, false at the end of input, or
  // InvalidArgument naming the line for an unterminated quote, a stray quote or an oversized field.
  // A UTF-8 byte-order mark at the start is skipped. Blank lines are skipped.
  Result<bool> Next(std::vector<std::string_view>& fields);

  // 1-based line on which the last record returned started.
  size_t line() const { return record_line_; }
  // Bytes of the text consumed so far (everything before the next record).
  size_t position() const { return pos_; }

 private:
  // The quoted field starting at pos_ (unescaped; a view into the text when it has no doubled
  // quote, else into scratch_), leaving pos_ after its closing quote.
  Result<std::string_view> QuotedField(size_t& used_scratch);

  // Reads the record at pos_ into `fields` and moves past it when it is plain (see Limits::fast_path);
  // otherwise returns false having changed nothing but `fields`.
  bool PlainRecord(std::vector<std::string_view>& fields);

  std::string_view text_;
  Limits limits_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
  std::vector<std::string> scratch_;  // unescaped quoted fields
};

}  // namespace pantau

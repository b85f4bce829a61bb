#include "netintel/asn_csv.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace pantau::netintel {
namespace {

Error LineError(size_t line, std::string_view what) {
  return Error::InvalidArgument(fmt::format("ASN CSV line {}: {}", line, what), "invalid-asn-csv");
}

// Reads one record starting at `pos` into `fields`; advances `pos` past its line break and `line` by
// the line breaks consumed.
Status ReadRecord(std::string_view csv, size_t& pos, size_t& line, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  const size_t start_line = line;
  bool quoted = false;
  bool field_started = false;  // something other than an opening quote was seen in this field
  while (pos < csv.size()) {
    const char c = csv[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < csv.size() && csv[pos] == '"') {
          fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      field_started = false;
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c == '\r' && pos < csv.size() && csv[pos] == '\n') {
      // CRLF: the '\n' ends the record on the next iteration.
    } else if (c == '"' && !field_started && fields.back().empty()) {
      quoted = true;
      field_started = true;
    } else {
      fields.back() += c;
      field_started = true;
    }
  }
  if (quoted) return std::unexpected(LineError(start_line, "unterminated quoted field"));
  return Ok();
}

}  // namespace

Status ParseAsnCsv(std::string_view csv, const std::function<Status(const AsnCsvRow&)>& sink) {
  std::vector<std::string> fields;
  size_t pos = 0;
  size_t line = 1;
  AsnCsvRow row;
  while (pos < csv.size()) {
    row.line = line;
    PANTAU_RETURN_IF_ERROR(ReadRecord(csv, pos, line, fields));
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() != 4)
      return std::unexpected(LineError(row.line, fmt::format("expected 4 fields, found {}", fields.size())));
    auto first = IpAddress::Parse(fields[0]);
    if (!first) return std::unexpected(LineError(row.line, first.error().message));
    auto last = IpAddress::Parse(fields[1]);
    if (!last) return std::unexpected(LineError(row.line, last.error().message));
    const std::string& asn = fields[2];
    const auto [ptr, ec] = std::from_chars(asn.data(), asn.data() + asn.size(), row.asn);
    if (ec != std::errc() || ptr != asn.data() + asn.size() || asn.empty())
      return std::unexpected(LineError(row.line, fmt::format("'{}' is not an AS number", asn.substr(0, 20))));
    row.first = *first;
    row.last = *last;
    row.org = std::move(fields[3]);
    PANTAU_RETURN_IF_ERROR(sink(row));
  }
  return Ok();
}

}  // namespace pantau::netintel

// ParseAsnCsv: reads the @ip-location-db/asn CSV files (asn-ipv4.csv, asn-ipv6.csv): RFC 4180 records
// `range_start,range_end,as_number,as_organisation` with inclusive ranges and no header row.
//
// The caller reads the file; this only parses text. Quoted fields may hold commas, doubled quotes and
// line breaks. Pure; thread-safe.
//   PANTAU_RETURN_IF_ERROR(ParseAsnCsv(text, [&](const AsnCsvRow& row) {
//     return builder.AddRange(row.first, row.last, row.asn, row.org); }));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "netintel/ip_address.h"

namespace pantau::netintel {

struct AsnCsvRow {
  IpAddress first;
  IpAddress last;
  uint32_t asn = 0;
  std::string org;
  size_t line = 0;  // 1-based line on which the record starts
};

// Calls `sink` for every record in order and stops at the first error: InvalidArgument naming the line
// for a malformed record (wrong field count, bad address, bad AS number, unterminated quote), or
// whatever `sink` returns.
Status ParseAsnCsv(std::string_view csv, const std::function<Status(const AsnCsvRow&)>& sink);

}  // namespace pantau::netintel

// ReadVoteLog: parses a DESIGN.md §5 vote-log CSV (already in memory: a mapped file or a string) into
// a columnar VoteLog, looking each network locus up in NetworkIntel once.
//
// Columns are matched by name and unknown ones ignored. Required: `time` (RFC 3339 or Unix seconds),
// `choice`, and `ip` or `ip_prefix` (with optional `ip_hash`). Optional: `user_agent` or `ua_family`,
// `device_id`, `referrer` (a URL or a bare host), `share_token`.
//   PANTAU_ASSIGN_OR_RETURN(VoteLog log, ReadVoteLog(text, intel, {.lenient = false}));
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "core/error.h"
#include "integrity/vote_log.h"
#include "netintel/network_intel.h"

namespace pantau::integrity {

struct ReadOptions {
  // Strict (false): the first bad row is an error. Lenient: bad rows are skipped and counted in
  // VoteLog::skipped_rows (the first few reasons kept in skipped_examples).
  bool lenient = false;
  // A field longer than this is an error (a 50 MB line is rejected, not allocated).
  size_t max_field_bytes = 64 * 1024;
  size_t max_options = 1000;
  // Called now and then with the bytes read so far and the total (for a progress bar; a caller
  // reading a mapped file may also release the pages before `done`). May be empty.
  std::function<void(size_t done, size_t total)> on_progress;
};

// Errors (InvalidArgument, message safe to show):
//   "empty file: no header row"; "header: missing required column 'time'" (also 'choice', and 'ip or
//   ip_prefix'); "header: duplicate column 'x'";
//   strict mode only: "row N, column 'x': <what is wrong>" where N is the 1-based data row (the
//   header is not counted) — bad time, bad IP, bad prefix, empty choice, a quoting error, an oversized
//   field, or "row N: has F fields, the header has H".
// Never fails in lenient mode once the header is good. Thread-safe for distinct outputs; `intel` is
// only read.
Result<VoteLog> ReadVoteLog(std::string_view text, const netintel::NetworkIntel& intel,
                            const ReadOptions& options = {});

// The host of a referrer: "https://L.Facebook.com:443/x?y" -> "l.facebook.com"; a bare host is
// lower-cased as it is.
std::string ReferrerHost(std::string_view referrer);

}  // namespace pantau::integrity

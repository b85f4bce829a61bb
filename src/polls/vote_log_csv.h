// The exported vote log: DESIGN.md §5's CSV with `ip_prefix`/`ip_hash` instead of `ip`, plus every
// field the ledger hashes and the entry's hashes, so anyone holding an export can re-verify the chain
// (`pantau verify export.csv`) without our database.
//   std::string out = VoteLogHeader();
//   AppendVoteLogRow(out, entry, poll);           // one line per vote, in seq order
//   auto entry = ParseVoteLogRow(columns, fields); // the inverse, for verification
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"
#include "core/error.h"
#include "core/poll.h"
#include "store/store.h"

namespace pantau::polls {

// "poll,seq,time,choice,choice_label,...,entry_hash\n"
std::string VoteLogHeader();
void AppendVoteLogRow(std::string& out, const store::LedgerEntry& entry, const Poll& poll);

// Column positions found in a header row; InvalidArgument naming a missing column.
struct VoteLogColumns {
  size_t poll, seq, time, choice, tier, device_id, ip_prefix, ip_hash, asn, network_class, ua_family,
      share_token, referrer, panel_token_hash, prev_hash, entry_hash;
  static Result<VoteLogColumns> FromHeader(const std::vector<std::string_view>& header);
};

// InvalidArgument naming the column whose value is malformed.
Result<store::LedgerEntry> ParseVoteLogRow(const VoteLogColumns& columns, const std::vector<std::string_view>& fields);

}  // namespace pantau::polls

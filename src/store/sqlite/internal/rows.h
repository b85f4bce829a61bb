// Rows: how Poll and LedgerEntry map to SQLite columns (the migrations' schema). Enums are written as
// their EnumTable names; reading a name, hash or number that does not decode is DataLoss, because only
// a damaged or hand-edited file can hold one.
#pragma once

#include <string>
#include <string_view>

#include "core/enum_table.h"
#include "core/error.h"
#include "core/poll.h"
#include "store/sqlite/internal/connection.h"
#include "store/store.h"

namespace pantau::store::internal {

// The 18 votes columns in the order BindEntry binds (?1..?18) and ReadEntry reads them.
inline constexpr std::string_view kVoteColumns =
    "poll_id, seq, time_ms, choice, tier, device_id, prefix, ip_hash, asn, network_class, ua_browser, "
    "ua_os, ua_device, share_token, referrer_host, panel_token_hash, prev_hash, entry_hash";
inline constexpr int kVoteColumnCount = 18;

// Binds by reference (no copies): `entry` must outlive the statement's step and reset.
void BindEntry(Statement& stmt, const LedgerEntry& entry);
Result<LedgerEntry> ReadEntry(const Statement& stmt);

// The 12 polls columns, ?1..?12 / columns 0..11.
inline constexpr std::string_view kPollColumns =
    "id, title, region, kind, opens_at_ms, closes_at_ms, visibility, tier, methodology, owner_name, "
    "owner_url, created_at_ms";

void BindPoll(Statement& stmt, const Poll& poll);
// Everything but the options (a separate table).
Result<Poll> ReadPoll(const Statement& stmt);

// Parses a stored enum name; DataLoss naming the column otherwise.
template <typename E, size_t N>
Result<E> ParseStored(const EnumTable<E, N>& table, const std::string& name, std::string_view column) {
  if (auto v = table.Parse(name)) return *v;
  return std::unexpected(Error::DataLoss("stored data is damaged",
                                         std::string(column) + " holds an unknown value '" + name + "'"));
}

}  // namespace pantau::store::internal

#include "store/sqlite/internal/rows.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/network_class.h"
#include "core/user_agent.h"

namespace pantau::store::internal {
namespace {

Result<Hash> ReadHash(const Statement& stmt, int column, std::string_view name) {
  const std::vector<uint8_t> bytes = stmt.ColumnBlob(column);
  Hash h{};
  if (bytes.size() != h.size())
    return std::unexpected(
        Error::DataLoss("stored data is damaged", fmt::format("{} has {} bytes", name, bytes.size())));
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

}  // namespace

void BindEntry(Statement& stmt, const LedgerEntry& entry) {
  const Vote& v = entry.vote;
  stmt.BindTextRef(1, v.poll.value());
  stmt.BindInt(2, static_cast<int64_t>(v.seq));  // AppendVotes has checked seq = tail + 1
  stmt.BindInt(3, ToUnixMillis(v.time));
  stmt.BindInt(4, v.choice);
  stmt.BindTextRef(5, kAssuranceTierNames.Name(v.tier));
  stmt.BindTextRef(6, v.device_id);
  stmt.BindTextRef(7, v.locus.prefix);
  stmt.BindTextRef(8, v.locus.ip_hash);
  stmt.BindInt(9, v.locus.asn);
  stmt.BindTextRef(10, kNetworkClassNames.Name(v.locus.network_class));
  stmt.BindTextRef(11, v.user_agent.browser);
  stmt.BindTextRef(12, v.user_agent.os);
  stmt.BindTextRef(13, kDeviceClassNames.Name(v.user_agent.device));
  stmt.BindTextRef(14, v.share_token);
  stmt.BindTextRef(15, v.referrer_host);
  stmt.BindTextRef(16, v.panel_token_hash);
  stmt.BindBlobRef(17, entry.prev_hash);
  stmt.BindBlobRef(18, entry.entry_hash);
}

Result<LedgerEntry> ReadEntry(const Statement& stmt) {
  LedgerEntry e;
  Vote& v = e.vote;
  v.poll = PollId{stmt.ColumnText(0)};
  const int64_t seq = stmt.ColumnInt(1);
  const int64_t choice = stmt.ColumnInt(3);
  const int64_t asn = stmt.ColumnInt(8);
  if (seq < 1 || choice < INT32_MIN || choice > INT32_MAX || asn < 0 || asn > UINT32_MAX)
    return std::unexpected(Error::DataLoss("stored data is damaged",
                                           fmt::format("vote {}/{} has an out-of-range number", v.poll.value(), seq)));
  v.seq = static_cast<uint64_t>(seq);
  v.time = FromUnixMillis(stmt.ColumnInt(2));
  v.choice = static_cast<int>(choice);
  PANTAU_ASSIGN_OR_RETURN(v.tier, ParseStored(kAssuranceTierNames, stmt.ColumnText(4), "votes.tier"));
  v.device_id = stmt.ColumnText(5);
  v.locus.prefix = stmt.ColumnText(6);
  v.locus.ip_hash = stmt.ColumnText(7);
  v.locus.asn = static_cast<uint32_t>(asn);
  PANTAU_ASSIGN_OR_RETURN(v.locus.network_class,
                          ParseStored(kNetworkClassNames, stmt.ColumnText(9), "votes.network_class"));
  v.user_agent.browser = stmt.ColumnText(10);
  v.user_agent.os = stmt.ColumnText(11);
  PANTAU_ASSIGN_OR_RETURN(v.user_agent.device, ParseStored(kDeviceClassNames, stmt.ColumnText(12), "votes.ua_device"));
  v.share_token = stmt.ColumnText(13);
  v.referrer_host = stmt.ColumnText(14);
  v.panel_token_hash = stmt.ColumnText(15);
  PANTAU_ASSIGN_OR_RETURN(e.prev_hash, ReadHash(stmt, 16, "votes.prev_hash"));
  PANTAU_ASSIGN_OR_RETURN(e.entry_hash, ReadHash(stmt, 17, "votes.entry_hash"));
  return e;
}

void BindPoll(Statement& stmt, const Poll& poll) {
  stmt.BindText(1, poll.id.value());
  stmt.BindText(2, poll.title);
  stmt.BindText(3, poll.region.value());
  stmt.BindText(4, kPollKindNames.Name(poll.kind));
  stmt.BindInt(5, ToUnixMillis(poll.opens_at));
  stmt.BindInt(6, ToUnixMillis(poll.closes_at));
  stmt.BindText(7, kVisibilityNames.Name(poll.visibility));
  stmt.BindText(8, kAssuranceTierNames.Name(poll.tier));
  stmt.BindText(9, poll.methodology);
  stmt.BindText(10, poll.owner_name);
  stmt.BindText(11, poll.owner_url);
  stmt.BindInt(12, ToUnixMillis(poll.created_at));
}

Result<Poll> ReadPoll(const Statement& stmt) {
  Poll p;
  p.id = PollId{stmt.ColumnText(0)};
  p.title = stmt.ColumnText(1);
  p.region = RegionCode{stmt.ColumnText(2)};
  PANTAU_ASSIGN_OR_RETURN(p.kind, ParseStored(kPollKindNames, stmt.ColumnText(3), "polls.kind"));
  p.opens_at = FromUnixMillis(stmt.ColumnInt(4));
  p.closes_at = FromUnixMillis(stmt.ColumnInt(5));
  PANTAU_ASSIGN_OR_RETURN(p.visibility, ParseStored(kVisibilityNames, stmt.ColumnText(6), "polls.visibility"));
  PANTAU_ASSIGN_OR_RETURN(p.tier, ParseStored(kAssuranceTierNames, stmt.ColumnText(7), "polls.tier"));
  p.methodology = stmt.ColumnText(8);
  p.owner_name = stmt.ColumnText(9);
  p.owner_url = stmt.ColumnText(10);
  p.created_at = FromUnixMillis(stmt.ColumnInt(11));
  return p;
}

}  // namespace pantau::store::internal

#include "polls/vote_log_csv.h"

#include <array>
#include <charconv>

#include <fmt/format.h>

#include "ledger/chain.h"

namespace pantau::polls {
namespace {

constexpr std::array<std::string_view, 17> kColumns{
    "poll",     "seq",        "time",        "choice",   "choice_label",  "tier",
    "device_id", "ip_prefix", "ip_hash",     "asn",      "network_class", "ua_family",
    "share_token", "referrer", "panel_token_hash", "prev_hash", "entry_hash"};

Error BadValue(std::string_view column, std::string_view value) {
  return Error::InvalidArgument(fmt::format("column '{}': malformed value '{}'", column, value.substr(0, 80)),
                                "bad-vote-log");
}

template <typename T>
Result<T> ParseNumber(std::string_view column, std::string_view text) {
  T value{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || p != text.data() + text.size()) return std::unexpected(BadValue(column, text));
  return value;
}

}  // namespace

std::string VoteLogHeader() {
  std::string out;
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (i) out.push_back(',');
    out.append(kColumns[i]);
  }
  out.push_back('\n');
  return out;
}

void AppendVoteLogRow(std::string& out, const store::LedgerEntry& entry, const Poll& poll) {
  const Vote& v = entry.vote;
  const PollOption* option = poll.FindOption(v.choice);
  AppendCsvRecord(out, {v.poll.value(), std::to_string(v.seq), FormatRfc3339(v.time), std::to_string(v.choice),
                        option ? std::string_view(option->name) : std::string_view{},
                        kAssuranceTierNames.Name(v.tier), v.device_id, v.locus.prefix, v.locus.ip_hash,
                        std::to_string(v.locus.asn), kNetworkClassNames.Name(v.locus.network_class),
                        v.user_agent.ToString(), v.share_token, v.referrer_host, v.panel_token_hash,
                        ledger::ToHex(entry.prev_hash), ledger::ToHex(entry.entry_hash)});
}

Result<VoteLogColumns> VoteLogColumns::FromHeader(const std::vector<std::string_view>& header) {
  auto find = [&](std::string_view name) -> Result<size_t> {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    return std::unexpected(Error::InvalidArgument(fmt::format("missing column '{}'", name), "bad-vote-log"));
  };
  VoteLogColumns c{};
  std::array<size_t*, 16> slots{&c.poll, &c.seq, &c.time, &c.choice, &c.tier, &c.device_id, &c.ip_prefix,
                                &c.ip_hash, &c.asn, &c.network_class, &c.ua_family, &c.share_token,
                                &c.referrer, &c.panel_token_hash, &c.prev_hash, &c.entry_hash};
  std::array<std::string_view, 16> names{"poll", "seq", "time", "choice", "tier", "device_id", "ip_prefix",
                                         "ip_hash", "asn", "network_class", "ua_family", "share_token",
                                         "referrer", "panel_token_hash", "prev_hash", "entry_hash"};
  for (size_t i = 0; i < slots.size(); ++i) {
    PANTAU_ASSIGN_OR_RETURN(*slots[i], find(names[i]));
  }
  return c;
}

Result<store::LedgerEntry> ParseVoteLogRow(const VoteLogColumns& c, const std::vector<std::string_view>& f) {
  const size_t needed = std::max({c.poll, c.seq, c.time, c.choice, c.tier, c.device_id, c.ip_prefix, c.ip_hash,
                                  c.asn, c.network_class, c.ua_family, c.share_token, c.referrer,
                                  c.panel_token_hash, c.prev_hash, c.entry_hash});
  if (f.size() <= needed)
    return std::unexpected(Error::InvalidArgument(
        fmt::format("expected at least {} columns, found {}", needed + 1, f.size()), "bad-vote-log"));
  store::LedgerEntry e;
  Vote& v = e.vote;
  v.poll = PollId{std::string(f[c.poll])};
  PANTAU_ASSIGN_OR_RETURN(v.seq, ParseNumber<uint64_t>("seq", f[c.seq]));
  auto time = ParseRfc3339(f[c.time]);
  if (!time) return std::unexpected(BadValue("time", f[c.time]));
  v.time = *time;
  PANTAU_ASSIGN_OR_RETURN(v.choice, ParseNumber<int>("choice", f[c.choice]));
  auto tier = kAssuranceTierNames.Parse(f[c.tier]);
  if (!tier) return std::unexpected(BadValue("tier", f[c.tier]));
  v.tier = *tier;
  v.device_id = std::string(f[c.device_id]);
  v.locus.prefix = std::string(f[c.ip_prefix]);
  v.locus.ip_hash = std::string(f[c.ip_hash]);
  PANTAU_ASSIGN_OR_RETURN(v.locus.asn, ParseNumber<uint32_t>("asn", f[c.asn]));
  auto cls = kNetworkClassNames.Parse(f[c.network_class]);
  if (!cls) return std::unexpected(BadValue("network_class", f[c.network_class]));
  v.locus.network_class = *cls;
  v.user_agent = UserAgentFamily::FromString(f[c.ua_family]);
  v.share_token = std::string(f[c.share_token]);
  v.referrer_host = std::string(f[c.referrer]);
  v.panel_token_hash = std::string(f[c.panel_token_hash]);
  auto prev = ledger::HashFromHex(f[c.prev_hash]);
  if (!prev) return std::unexpected(BadValue("prev_hash", f[c.prev_hash]));
  e.prev_hash = *prev;
  auto hash = ledger::HashFromHex(f[c.entry_hash]);
  if (!hash) return std::unexpected(BadValue("entry_hash", f[c.entry_hash]));
  e.entry_hash = *hash;
  return e;
}

}  // namespace pantau::polls

#include "integrity/live_vote_log.h"

#include <algorithm>
#include <numeric>

namespace pantau::integrity {

LogIndex BuildLogIndex(const VoteLog& log) {
  LogIndex index;
  index.time_order.resize(log.size());
  std::iota(index.time_order.begin(), index.time_order.end(), 0u);
  std::stable_sort(index.time_order.begin(), index.time_order.end(),
                   [&](uint32_t a, uint32_t b) { return log.time_ms[a] < log.time_ms[b]; });
  index.sorted_time.reserve(log.size());
  for (uint32_t v : index.time_order) index.sorted_time.push_back(log.time_ms[v]);
  return index;
}

void LiveVoteLog::AppendColumns(const Vote& vote) {
  log_.time_ms.push_back(ToUnixMillis(vote.time));
  const std::string label = std::to_string(vote.choice);
  size_t option = 0;
  while (option < log_.option_labels.size() && log_.option_labels[option] != label) ++option;
  if (option == log_.option_labels.size()) log_.option_labels.push_back(label);
  log_.option.push_back(static_cast<uint16_t>(option));
  auto [locus, inserted] = locus_ids_.try_emplace(vote.locus.prefix, static_cast<uint32_t>(log_.loci.size()));
  if (inserted) log_.loci.push_back(LocusInfo{vote.locus.prefix, vote.locus.asn, {}, vote.locus.network_class});
  log_.locus.push_back(locus->second);
  log_.address.push_back(log_.addresses.Intern(vote.locus.ip_hash));
  const bool has_ua = vote.user_agent != UserAgentFamily{};  // a vote without a User-Agent: absent, id 0
  log_.ua_family.push_back(has_ua ? log_.ua_families.Intern(vote.user_agent.ToString()) : 0);
  log_.device.push_back(log_.devices.Intern(vote.device_id));
  log_.token.push_back(log_.tokens.Intern(vote.share_token));
  log_.referrer.push_back(log_.referrers.Intern(vote.referrer_host));
  log_.source_row.push_back(static_cast<uint32_t>(log_.time_ms.size()));
  ++log_.data_rows;
}

void LiveVoteLog::Append(std::span<const Vote> votes) {
  if (votes.empty()) return;
  const auto first = static_cast<uint32_t>(log_.size());
  for (const Vote& vote : votes) AppendColumns(vote);
  const auto end = static_cast<uint32_t>(log_.size());
  std::vector<uint32_t>& order = index_.time_order;
  std::vector<int64_t>& sorted = index_.sorted_time;
  const std::vector<int64_t>& time = log_.time_ms;
  const auto by_time = [&](uint32_t a, uint32_t b) { return time[a] < time[b]; };
  // The batch in time order (it usually is already), ties in vote order.
  const size_t old_size = order.size();
  order.resize(end);
  std::iota(order.begin() + static_cast<ptrdiff_t>(old_size), order.end(), first);
  const auto batch = order.begin() + static_cast<ptrdiff_t>(old_size);
  if (!std::is_sorted(batch, order.end(), by_time)) std::stable_sort(batch, order.end(), by_time);
  // The old votes later than the batch's earliest move behind it where they are later: merge the batch
  // with that tail only. The old votes come first among equal times (they have the smaller numbers).
  const int64_t earliest = time[*batch];
  const auto tail = static_cast<size_t>(std::upper_bound(sorted.begin(), sorted.end(), earliest) - sorted.begin());
  if (tail < old_size) {
    merge_.clear();
    std::merge(order.begin() + static_cast<ptrdiff_t>(tail), batch, batch, order.end(), std::back_inserter(merge_),
               by_time);
    std::copy(merge_.begin(), merge_.end(), order.begin() + static_cast<ptrdiff_t>(tail));
  }
  sorted.resize(end);
  for (size_t r = std::min(tail, old_size); r < end; ++r) sorted[r] = time[order[r]];
}

}  // namespace pantau::integrity

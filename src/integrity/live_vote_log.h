// LiveVoteLog: a VoteLog that grows by appended votes (the ledger's Vote, not CSV rows), together with
// the LogIndex that Analyze would otherwise rebuild from the whole log on every run — the votes in
// time order and the sorted times — kept up to date per appended batch. Votes arrive nearly in time
// order, so an append usually extends the order at its end; a batch that reaches back in time is
// sorted and merged into the tail it overlaps, never the whole order.
// Invariant (tested): index() equals BuildLogIndex(log()) after any sequence of appends.
//   LiveVoteLog live;
//   live.Append(batch);
//   Analyze(live.log(), config, &live.index());  // the report Analyze(live.log(), config) gives
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/vote.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

struct LogIndex {
  std::vector<uint32_t> time_order;  // the votes by ascending time, ties in vote order (a stable sort)
  std::vector<int64_t> sorted_time;  // time_ms[time_order[r]]

  bool operator==(const LogIndex&) const = default;
};

// From scratch: what the incremental index must equal.
LogIndex BuildLogIndex(const VoteLog& log);

class LiveVoteLog {
 public:
  // Appends durable votes in ledger order. The stored locus stands in for the address (the keyed
  // hash), the option number for the label; the network's organisation name is not in a vote, so
  // evidence cards name operators by ASN.
  void Append(std::span<const Vote> votes);

  const VoteLog& log() const { return log_; }
  const LogIndex& index() const { return index_; }
  size_t size() const { return log_.size(); }

 private:
  void AppendColumns(const Vote& vote);

  VoteLog log_;
  LogIndex index_;
  std::unordered_map<std::string, uint32_t> locus_ids_;
  std::vector<uint32_t> merge_;  // scratch of an out-of-order batch's merge
};

}  // namespace pantau::integrity

// Evaluation against ground truth: the naive deduplication baselines the engine must beat (keep the
// first vote per IP, per cookie, per (IP, UA)) and the vote-level and poll-level metrics of issue 4 —
// precision, recall, organic false-positive rate (overall and on votes from addresses shared by at
// least ten others), adjusted-share error and winner recovery.
//   Flagging naive = DedupBaseline(log, Method::kPerIp);
//   Metrics m = Evaluate(log, naive, coordinated, true_shares);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/enum_table.h"
#include "integrity/analysis.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

enum class Method : uint8_t { kEngine, kPerIp, kPerCookie, kPerIpUa };
inline constexpr EnumTable<Method, 4> kMethodNames{{{
    {Method::kEngine, "engine"},
    {Method::kPerIp, "per-ip"},
    {Method::kPerCookie, "per-cookie"},
    {Method::kPerIpUa, "per-ip-ua"},
}}};

struct Flagging {
  std::vector<uint8_t> flagged;         // per kept vote
  std::vector<double> adjusted_shares;  // per option
  std::vector<Interval> intervals;      // per option; empty when the method gives none
};

// Keeps the first vote (in time) per key and flags the rest; adjusted shares are those of the kept
// votes. Votes without the key (no address, no cookie) are kept. `method` must not be kEngine.
Flagging DedupBaseline(const VoteLog& log, Method method);
Flagging EngineFlagging(const VoteLog& log, const AnalysisResult& result);

struct Metrics {
  uint64_t flagged = 0, true_positives = 0, positives = 0, organic = 0, organic_shared = 0;
  uint64_t false_positives = 0, false_positives_shared = 0;
  double precision = 1;  // 1 when nothing is flagged
  double recall = 1;     // 1 when there is nothing to find
  double fpr = 0;
  double fpr_shared = 0;           // organic votes whose address carries >= 11 votes
  double max_share_error_pt = 0;   // max over options of |adjusted - true|, percentage points
  bool winner_recovered = false;
  int options_covered = 0;  // options whose true share lies in the interval (0 without intervals)
};

// `coordinated[i]`: kept vote i is not organic (state, partisan or bot).
Metrics Evaluate(const VoteLog& log, const Flagging& flagging, const std::vector<uint8_t>& coordinated,
                 const std::vector<double>& true_shares);

}  // namespace pantau::integrity

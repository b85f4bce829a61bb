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

// kScanOnly: the engine without the signals of cohort_signals.h (the plain locus x window x option
// scan of issue 4's calibration), for ablation.
enum class Method : uint8_t { kEngine, kScanOnly, kPerIp, kPerCookie, kPerIpUa };
inline constexpr EnumTable<Method, 5> kMethodNames{{{
    {Method::kEngine, "engine"},
    {Method::kScanOnly, "scan-only"},
    {Method::kPerIp, "per-ip"},
    {Method::kPerCookie, "per-cookie"},
    {Method::kPerIpUa, "per-ip-ua"},
}}};

struct Flagging {
  std::vector<uint8_t> flagged;         // per kept vote
  std::vector<double> adjusted_shares;  // per option
  std::vector<Interval> intervals;      // per option; empty when the method gives none
  bool too_close = false;               // the method declared the race too close to call
  bool has_margin = false;              // the method gave an interval for the leader's margin ...
  Interval margin;                      // ... over the runner-up (leader's share minus runner-up's)
};

// Keeps the first vote (in time) per key and flags the rest; adjusted shares are those of the kept
// votes. Votes without the key (no address, no cookie) are kept. `method` must be a dedup method.
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
  // The adjusted winner is the true organic winner; or the race was declared too close to call, the
  // true winner is the runner-up named, and the true margin between the two lies inside the margin's
  // interval (the truth was as close as the report said). Without a margin interval, inside the
  // half-widths of the two shares' intervals added together.
  bool winner_recovered = false;
  bool called_too_close = false;
  int options_covered = 0;    // options whose true share lies in the interval (0 without intervals)
  int options_with_interval = 0;
  double interval_width_pt = 0;  // the options' interval widths added up, percentage points
};

// `coordinated[i]`: kept vote i is not organic (state, partisan or bot).
Metrics Evaluate(const VoteLog& log, const Flagging& flagging, const std::vector<uint8_t>& coordinated,
                 const std::vector<double>& true_shares);

// A simulated poll's truth in the log's terms: per kept vote whether it is coordinated, and the true
// organic share of each option in the log's option order (the log numbers options as they appear).
struct GroundTruth {
  std::vector<uint8_t> coordinated;
  std::vector<double> shares;
  bool clean = true;  // no coordinated vote at all
};
// `coordinated_by_row[r - 1]` for data row r; `options` and `true_shares` in the simulator's order.
GroundTruth AlignTruth(const VoteLog& log, const std::vector<uint8_t>& coordinated_by_row,
                       const std::vector<std::string>& options, const std::vector<double>& true_shares);

// Metrics pooled over polls: vote counts add up (so rates are pooled, not averaged); share errors
// are kept per poll for the median and the maximum.
struct Tally {
  uint64_t flagged = 0, true_positives = 0, positives = 0, organic = 0, false_positives = 0;
  uint64_t organic_shared = 0, false_positives_shared = 0;
  std::vector<double> share_errors_pt;
  int polls = 0, winners = 0, covered = 0, intervals = 0;
  double interval_width_pt = 0;  // summed over the intervals
  int too_close_calls = 0;   // polls declared too close to call (counted in winners only when right)
  uint64_t clean_flags = 0;  // flags on polls without a coordinated vote

  void Add(const Metrics& m, bool clean);
  double Precision() const;
  double Recall() const;
  double F1() const;
  double Fpr() const;
  double FprShared() const;
  double MedianShareError() const;
  double MaxShareError() const;
  double Coverage() const;  // -1 without intervals
  double MeanIntervalWidth() const;  // percentage points; -1 without intervals
};

}  // namespace pantau::integrity

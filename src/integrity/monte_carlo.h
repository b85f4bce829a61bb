// Monte Carlo significance for scan cohorts: the space-time permutation null of Kulldorff et al. 2005
// (PLoS Med 2(3):e59, §Methods "Inference") — vote times are shuffled across votes, which keeps every
// locus's total activity, every option's total and the poll's time curve, and destroys only the
// association between where/what and when. Each replicate runs the scan once and keeps its largest
// score; a cohort's p-value is (1 + replicates scoring at least as high) / (1 + replicates). Comparing
// with the maximum over all loci, windows and options controls the family-wise error over the whole
// scan (Kulldorff 1997 §3), which is the multiple-testing control.
//   std::vector<double> p = PermutationPValues(log, detector, cohorts, MonteCarloConfig{});
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "integrity/cohort.h"
#include "integrity/scan_detector.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

struct MonteCarloConfig {
  int replicates = 99;  // the smallest p-value is 1 / (replicates + 1)
  uint64_t seed = 1;    // replicate r uses seed + r: results do not depend on `threads`
  int threads = 2;
  double alpha = 0.05;  // cohorts with a larger p-value are dropped by Analyze
  // Called after each replicate, from the thread that ran it (progress reporting); may be empty.
  std::function<void()> on_replicate;
};

// One p-value per cohort (same order). Uses up to `threads` threads; the log is only read.
// `sorted_times`, when given, is log.time_ms in ascending order (LogIndex::sorted_time); otherwise a log
// not already in time order is copied and sorted here. The p-values are the same either way.
std::vector<double> PermutationPValues(const VoteLog& log, const ScanDetector& detector,
                                       const std::vector<Cohort>& cohorts, const MonteCarloConfig& config,
                                       std::span<const int64_t> sorted_times = {});

}  // namespace pantau::integrity

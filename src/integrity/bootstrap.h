// Bootstrap intervals for the adjusted shares. Each replicate redraws the poll's option counts
// (multinomial on the observed shares) and, for every hit of every cohort, its window count for the
// option (binomial on the observed share) and its baseline share (binomial on the votes it was
// estimated from), recomputes each excess (O - n pi) / (1 - pi) and the adjusted shares; the interval
// is the percentile interval (Efron & Tibshirani 1993, "An Introduction to the Bootstrap", §13.3).
// It is conditional on the cohorts found: it measures counting noise, not the chance that the scan
// missed or invented a cohort (that is what the Monte Carlo p-values are for).
//   std::vector<Interval> ci = BootstrapIntervals(log, cohorts, BootstrapConfig{});
#pragma once

#include <cstdint>
#include <vector>

#include "integrity/cohort.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

struct BootstrapConfig {
  int replicates = 1000;  // 0 skips the intervals
  uint64_t seed = 1;
  double level = 0.95;
};

struct Interval {
  double low = 0, high = 0;
};

// One interval per option (the log's option order). Deterministic for a seed.
std::vector<Interval> BootstrapIntervals(const VoteLog& log, const std::vector<Cohort>& cohorts,
                                         const BootstrapConfig& config);

}  // namespace pantau::integrity

// Bootstrap intervals for the adjusted shares. Each replicate redraws the poll's option counts
// (multinomial on the observed shares) and every cohort's excess the way it was estimated: for a
// scan or link hit, its count for the option (binomial on the observed share) and its baseline share
// (binomial on the votes it was estimated from), giving (O - n pi) / (1 - pi); for the response after
// a trigger, the followed votes and the same votes outside the horizon (Poisson), giving O - B rate;
// for a link campaign's members off its link (OffLinkExcess), all four of its counts (Poisson). The
// adjusted shares are recomputed and the interval is the percentile interval (Efron & Tibshirani 1993,
// "An Introduction to the Bootstrap", §13.3). The same replicates give the leader's margin over the
// runner-up, (leader - runner-up) per replicate, so its interval is joint, not two marginal ones.
// It is conditional on the cohorts found: it measures counting noise, not the chance that the scan
// missed or invented a cohort (that is what the Monte Carlo p-values are for).
//   std::vector<Interval> ci = BootstrapIntervals(log, cohorts, BootstrapConfig{});
//   Bootstrap b = BootstrapShares(log, cohorts, BootstrapConfig{}, leader, runner_up);
#pragma once

#include <cstddef>
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

struct Bootstrap {
  std::vector<Interval> shares;  // per option, the log's option order
  Interval margin;               // the leader's share minus the runner-up's
  bool has_margin = false;       // leader and runner-up given and valid
};

// The intervals of every option's adjusted share and of `leader`'s margin over `runner_up` (option
// indices; SIZE_MAX for no margin). Deterministic for a seed.
Bootstrap BootstrapShares(const VoteLog& log, const std::vector<Cohort>& cohorts, const BootstrapConfig& config,
                          size_t leader = SIZE_MAX, size_t runner_up = SIZE_MAX);

// One interval per option (the log's option order). Deterministic for a seed.
std::vector<Interval> BootstrapIntervals(const VoteLog& log, const std::vector<Cohort>& cohorts,
                                         const BootstrapConfig& config);

}  // namespace pantau::integrity

// Analyze: the whole integrity pipeline on one vote log — detect cohorts, explain them, and estimate
// what the poll would say without them. The adjusted result subtracts each cohort's excess over its
// baseline expectation (not all its votes: the honest voters in the same networks stay counted).
// Each cohort gets a Monte Carlo p-value (monte_carlo.h); cohorts above alpha are dropped. Adjusted
// shares get bootstrap intervals (bootstrap.h) and ε-contamination bounds with the smallest ε that
// would flip the adjusted winner (contamination.h).
//   AnalysisResult r = Analyze(log, AnalysisConfig{});
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "integrity/bootstrap.h"
#include "integrity/cohort.h"
#include "integrity/cohort_signals.h"
#include "integrity/contamination.h"
#include "integrity/evidence.h"
#include "integrity/monte_carlo.h"
#include "integrity/scan_detector.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

// Reports `done` of `total` units of a named stage ("scan", "Monte Carlo", "bootstrap"); called
// from worker threads too, so it must be thread-safe.
using ProgressFn = std::function<void(std::string_view stage, size_t done, size_t total)>;

struct AnalysisConfig {
  ScanConfig scan;
  MonteCarloConfig monte_carlo;  // replicates = 0 skips significance testing (p_value stays -1)
  EvidenceConfig evidence;
  BootstrapConfig bootstrap;     // replicates = 0 skips the intervals (ci_low/ci_high stay -1)
  LinkConfig links;              // one-sided share links among the votes the scan left
  TrimConfig trim;               // which of a scan cohort's votes are flagged (its excess, by link and timing)
  TriggerConfig trigger;         // a scan cohort's response on its operators after its trigger
  double contamination_epsilon = 0.05;  // the stated ε of the contamination bounds
  ProgressFn progress;           // may be empty
};

struct OptionResult {
  std::string choice;
  uint64_t raw_votes = 0;
  double raw_share = 0;
  double excess = 0;  // removed from this option by the adjustment
  double adjusted_share = 0;
  double ci_low = -1, ci_high = -1;  // bootstrap interval of adjusted_share; -1 when not computed
};

struct AnalysisResult {
  std::vector<OptionResult> options;
  std::vector<Cohort> cohorts;
  std::vector<EvidenceCard> cards;  // one per cohort, same order
  std::string raw_winner, adjusted_winner;
  // The adjusted winner's share minus the runner-up's, and its bootstrap interval (the difference
  // bootstrapped directly, replicate by replicate; only with bootstrap intervals and two options).
  double margin = 0;
  bool has_margin_interval = false;
  double margin_ci_low = 0, margin_ci_high = 0;
  // The margin's interval reaches zero: the poll cannot tell who leads (only with bootstrap
  // intervals; false without them).
  bool too_close_to_call = false;
  ContaminationReport contamination;  // of the adjusted shares
  double raw_flip_epsilon = 0;        // the same threshold for the raw shares
  uint64_t votes = 0, data_rows = 0, skipped_rows = 0;
};

struct LogIndex;  // live_vote_log.h

// `index`, when given, must be BuildLogIndex(log) (LiveVoteLog keeps it up to date as votes arrive);
// the stages use it instead of sorting the votes again. The report is the same with or without it.
AnalysisResult Analyze(const VoteLog& log, const AnalysisConfig& config = {}, const LogIndex* index = nullptr);

// Shares after removing each cohort's excess from its option (counts floored at zero).
std::vector<double> AdjustedShares(const VoteLog& log, const std::vector<Cohort>& cohorts);
// Per kept vote: 1 when some cohort holds it.
std::vector<uint8_t> FlaggedVotes(const VoteLog& log, const std::vector<Cohort>& cohorts);

}  // namespace pantau::integrity

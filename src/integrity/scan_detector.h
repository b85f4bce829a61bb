// ScanDetector: the calibration detector of issue 4 — a plain locus x window x option scan.
//
// For each locus level (address, /24-or-/48 prefix, ASN, share token, referrer host; finest first)
// and each locus, windows of several lengths slide over the locus's votes. A window is a hit for
// option k when its share of k is far above the locus's own mix outside the window (shrunk towards
// the poll's mix), measured by the Bernoulli log-likelihood ratio of Kulldorff's scan statistic
// (Kulldorff 1997, "A spatial scan statistic", §2.2, Bernoulli model) and bounded by effect-size gates.
// A second test catches loci that only ever vote in bursts (two instructed waves at one office hide
// each other from the first): the window's votes for the option against the space-time permutation
// expectation N(locus, option) * N(window, option) / N(option) (Kulldorff et al. 2005, "A space-time
// permutation scan statistic for disease outbreak detection", PLoS Med 2(3):e59, §Methods), with the
// window one-sided against the poll's mix.
// Hits are peeled greedily (the strongest first, its votes removed, the locus scanned again), levels
// finest first; a second pass re-estimates every baseline without the first pass's votes (so two
// waves at one office do not hide each other). Overlapping hits for the same option merge into a
// cohort. Deterministic. Monte Carlo replicates (monte_carlo.h) rescan permuted polls through
// PermutationScanner, which keeps the group structure that does not change between replicates.
//   ScanDetector detector(ScanConfig{});
//   std::vector<Cohort> cohorts = detector.Detect(log);
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "integrity/cohort.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

struct ScanConfig {
  std::vector<int64_t> window_minutes{10, 30, 60, 180};
  std::vector<LocusLevel> levels{LocusLevel::kAddress, LocusLevel::kPrefix, LocusLevel::kAsn, LocusLevel::kToken,
                                 LocusLevel::kReferrer};
  // Effect-size gates, all must hold for a hit.
  uint32_t min_option_votes = 10;  // O_k
  double min_share = 0.6;          // O_k / n
  double min_lift = 0.3;           // O_k / n - pi_k
  double min_excess = 8;           // (O_k - n pi_k) / (1 - pi_k)
  // Minimum log-likelihood ratio per level (indexed by LocusLevel): coarser loci hold more votes
  // and more windows, so they need more evidence.
  std::array<double, 5> min_llr{12, 14, 20, 16, 20};
  // The burst test: minimum space-time Poisson LLR per level, and a minimum ratio of observed to
  // expected votes. Higher than min_llr: its null ignores the locus's own preferences.
  std::array<double, 5> min_burst_llr{25, 30, 60, 40, 60};
  double min_burst_ratio = 5;
  // Pseudo-votes of the poll's mix added to a locus's outside-window counts (empirical-Bayes
  // shrinkage: a locus seen only inside the window gets the poll's mix as its baseline).
  double prior_votes = 30;
  int max_hits_per_locus = 20;
  bool second_pass = true;
  // Hits for one option whose spans come within this many minutes merge into one cohort.
  int64_t merge_gap_minutes = 15;
};

class ScanDetector {
 public:
  explicit ScanDetector(ScanConfig config) : config_(std::move(config)) {}

  // Cohorts ordered by start time, ids "C1".. assigned in that order. Votes belong to at most one
  // cohort. Thread-compatible; the log is only read. `time_order`, when given, lists the votes by
  // ascending time with ties in vote order (what a stable sort gives, LogIndex in live_vote_log.h);
  // otherwise each pass sorts them itself. The result is the same either way.
  std::vector<Cohort> Detect(const VoteLog& log, std::span<const uint32_t> time_order = {}) const;

  // The raw hits of one pass, for tests: `baseline` says which votes may inform baselines.
  std::vector<Cell> Scan(const VoteLog& log, const std::vector<uint8_t>& baseline,
                         std::vector<int32_t>& hit_of_vote, std::span<const uint32_t> time_order = {}) const;

  // One pass without peeling over `time` (a permutation of log.time_ms): the largest Score of any
  // cell. The statistic of a Monte Carlo replicate (monte_carlo.h); a one-off convenience over
  // PermutationScanner, which is what replicates should use.
  // `time_order` lists the votes in ascending `time` (ties in any order).
  double MaxScore(const VoteLog& log, const std::vector<int64_t>& time, const std::vector<uint32_t>& time_order) const;
  // A cell's LLR over its level's threshold (>= 1 for every hit), comparable across levels and tests.
  double Score(const Cell& cell) const;

  const ScanConfig& config() const { return config_; }

 private:
  ScanConfig config_;
};

// The scan of Monte Carlo replicates, with everything that permuting times leaves unchanged
// computed once per poll: each vote's locus at every level, the poll's option mix, and which loci
// can hold a hit at all (a locus keeps its option counts under the permutation, so one with fewer
// than min_option_votes for every option never can). A replicate then only deals the poll's times
// out to the votes, regroups them by locus in time order and slides the windows.
// Gives exactly ScanDetector::MaxScore. Thread-safe for concurrent MaxScore calls with distinct
// Scratch; holds references to the detector and the log, which must outlive it.
//   PermutationScanner scanner(detector, log);
//   PermutationScanner::Scratch scratch;
//   double s = scanner.MaxScore(order, sorted_times, scratch);
class PermutationScanner {
 public:
  PermutationScanner(const ScanDetector& detector, const VoteLog& log);
  ~PermutationScanner();
  PermutationScanner(const PermutationScanner&) = delete;
  PermutationScanner& operator=(const PermutationScanner&) = delete;

  // Per-thread working memory, reused across replicates: about 18 bytes per vote (each option's
  // times, one level's regrouped votes) plus the running counts of the largest locus.
  class Scratch {
   public:
    Scratch();
    ~Scratch();

   private:
    friend class PermutationScanner;
    struct Buffers;
    std::unique_ptr<Buffers> buffers_;
  };

  // The largest Score when vote order[r] is given time_of_rank[r]; `time_of_rank` ascending and
  // both of log.size(). A caller that only compares the maximum with some `thresholds` (ascending;
  // a p-value compares it with cohort scores) may pass them: the result then compares with every
  // threshold as the maximum does, which lets the scan skip every window that cannot change such a
  // comparison and stop once the maximum reaches the last threshold. Without thresholds it is exact.
  double MaxScore(std::span<const uint32_t> order, std::span<const int64_t> time_of_rank, Scratch& scratch,
                  std::span<const double> thresholds = {}) const;

 private:
  struct Level;

  const ScanDetector& detector_;
  const VoteLog& log_;
  std::vector<double> global_mix_;
  std::vector<Level> levels_;
};

// Bernoulli log-likelihood ratio of observing `o` of `n` against a baseline proportion `pi`
// (0 when o/n <= pi). Kulldorff 1997 §2.2.
double BernoulliLlr(double o, double n, double pi);

// Poisson log-likelihood ratio of `c` observed against `mu` expected out of `total` (0 when c <= mu),
// the space-time permutation statistic of Kulldorff et al. 2005 (§Methods, GLR for one cylinder).
double PoissonLlr(double c, double mu, double total);

}  // namespace pantau::integrity

// BurstWatch: the per-vote check that tells LiveAnalysis a live blast is under way, so that it re-runs
// the analysis at once instead of waiting for its throttle (docs/methodology.md §7). It keeps only
// counts, each updated in constant time per vote; it decides nothing about cohorts — the run does.
//   BurstWatch watch(BurstWatchConfig{});
//   if (watch.Add(vote)) StartARun();
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "core/vote.h"

namespace pantau::integrity {

// When a live blast is worth an early re-run: some (locus, option, time bin) — locus a /24-or-/48
// block or a share token — holds at least `min_votes` votes for the option, at least `min_ratio` times
// the space-time permutation expectation N(locus, option) · N(bin, option) / N(option) of the votes
// seen so far, with a Poisson LLR (scan_detector.h) of at least `min_llr`. The scan's burst test on
// the counts it can keep per vote; looser than the scan's gates, since it only asks for a run.
struct BurstWatchConfig {
  int64_t bin_minutes = 10;
  uint32_t min_votes = 10;
  double min_ratio = 5;
  double min_llr = 15;
  uint64_t min_poll_votes = 500;  // quiet before: at the start every bin holds most of the poll
};

// The counts behind the watch, updated per vote in O(1): totals per option and per (locus, option),
// and per (locus, option) in the newest two bins (older bins are dropped; a vote for an older bin
// only counts in the totals). Thread-compatible.
class BurstWatch {
 public:
  explicit BurstWatch(BurstWatchConfig config = {}) : config_(config) {}
  // Counts the vote; true when it makes some (locus, option, bin) a burst for the first time.
  bool Add(const Vote& vote);
  uint64_t alarms() const { return alarms_; }  // (locus, option, bin) cells that became bursts

 private:
  struct Bin {
    int64_t index = 0;
    std::vector<uint32_t> per_option;
    std::unordered_map<uint64_t, uint32_t> cells;  // (locus, option) -> votes; top bit: alarmed
  };
  bool Count(uint64_t locus, size_t option, Bin* bin);

  BurstWatchConfig config_;
  uint64_t votes_ = 0, alarms_ = 0;
  std::vector<uint64_t> per_option_;
  std::unordered_map<uint64_t, uint32_t> per_locus_option_;
  std::deque<Bin> bins_;  // the newest two, oldest first
};

}  // namespace pantau::integrity

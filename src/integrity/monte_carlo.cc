#include "integrity/monte_carlo.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <span>
#include <thread>

#include "core/random.h"

namespace pantau::integrity {

std::vector<double> PermutationPValues(const VoteLog& log, const ScanDetector& detector,
                                       const std::vector<Cohort>& cohorts, const MonteCarloConfig& config,
                                       std::span<const int64_t> sorted_times) {
  const int replicates = std::max(0, config.replicates);
  std::vector<double> max_scores(replicates, 0.0);
  if (!cohorts.empty() && replicates > 0) {
    const PermutationScanner scanner(detector, log);
    // A replicate deals the poll's sorted times out to the votes in a random order: vote order[i]
    // gets the i-th time. That is a uniform permutation of times over votes, already in time order.
    // Unless the caller keeps them (LogIndex), a log in time order (exports are) serves as its own
    // sorted times; others are copied and sorted.
    std::vector<int64_t> sorted_copy;
    if (sorted_times.size() != log.size()) {
      sorted_times = log.time_ms;
      if (!std::is_sorted(log.time_ms.begin(), log.time_ms.end())) {
        sorted_copy = log.time_ms;
        std::sort(sorted_copy.begin(), sorted_copy.end());
        sorted_times = sorted_copy;
      }
    }
    // Each replicate's maximum is only compared with the cohorts' scores, which lets the scanner
    // skip whatever cannot change such a comparison (PermutationScanner::MaxScore).
    std::vector<double> thresholds;
    for (const Cohort& c : cohorts) thresholds.push_back(c.score);
    std::sort(thresholds.begin(), thresholds.end());
    std::atomic<int> next{0};
    auto worker = [&] {
      PermutationScanner::Scratch scratch;
      std::vector<uint32_t> order(log.size());
      for (int r = next++; r < replicates; r = next++) {
        std::iota(order.begin(), order.end(), 0u);
        SplitMix64 rng(config.seed + static_cast<uint64_t>(r) * 0x632be59bd9b4e019ull);
        for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);  // Fisher-Yates
        max_scores[r] = scanner.MaxScore(order, sorted_times, scratch, thresholds);
        if (config.on_replicate) config.on_replicate();
      }
    };
    const int threads = std::clamp(config.threads, 1, replicates);
    {
      std::vector<std::jthread> pool;
      for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
      worker();
    }
  }
  std::vector<double> p;
  for (const Cohort& c : cohorts) {
    const auto beaten = std::count_if(max_scores.begin(), max_scores.end(), [&](double s) { return s >= c.score; });
    p.push_back(static_cast<double>(1 + beaten) / static_cast<double>(1 + replicates));
  }
  return p;
}

}  // namespace pantau::integrity

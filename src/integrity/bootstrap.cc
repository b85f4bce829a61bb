#include "integrity/bootstrap.h"

#include <algorithm>
#include <cmath>

#include "core/random.h"

namespace pantau::integrity {
namespace {

// Binomial(n, p): exact for small n, normal approximation (clamped) when n p (1 - p) is large.
double Binomial(SplitMix64& rng, double n, double p) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const double var = n * p * (1 - p);
  if (var > 25) return std::clamp(std::round(n * p + std::sqrt(var) * rng.Normal()), 0.0, n);
  double k = 0;
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) k += rng.Uniform() < p;
  return k;
}

}  // namespace

std::vector<Interval> BootstrapIntervals(const VoteLog& log, const std::vector<Cohort>& cohorts,
                                         const BootstrapConfig& config) {
  const size_t k_count = log.option_count();
  std::vector<Interval> out(k_count);
  if (config.replicates <= 0 || log.size() == 0) return out;
  std::vector<double> raw(k_count, 0.0);
  for (uint16_t o : log.option) raw[o] += 1;
  const double total = static_cast<double>(log.size());
  std::vector<std::vector<double>> shares(k_count);
  SplitMix64 rng(config.seed);
  std::vector<double> counts(k_count);
  for (int r = 0; r < config.replicates; ++r) {
    // Multinomial as a chain of conditional binomials.
    double left = total, left_p = 1.0;
    for (size_t k = 0; k < k_count; ++k) {
      counts[k] = k + 1 == k_count ? left : Binomial(rng, left, std::min(1.0, raw[k] / total / left_p));
      left -= counts[k];
      left_p -= raw[k] / total;
      if (left_p <= 0) left_p = 1e-12;
    }
    for (const Cohort& c : cohorts) {
      double excess = 0;
      for (const Cell& cell : c.cells) {
        const double n = cell.window_votes;
        const double o = Binomial(rng, n, cell.option_votes / n);
        const double pi = std::clamp(Binomial(rng, cell.baseline_votes, cell.baseline_share) / cell.baseline_votes, 0.0, 0.999);
        excess += std::max(0.0, (o - n * pi) / (1 - pi));
      }
      counts[c.option] = std::max(0.0, counts[c.option] - excess);
    }
    double sum = 0;
    for (double x : counts) sum += x;
    for (size_t k = 0; k < k_count; ++k) shares[k].push_back(sum > 0 ? counts[k] / sum : 0);
  }
  const double tail = (1 - config.level) / 2;
  for (size_t k = 0; k < k_count; ++k) {
    auto& s = shares[k];
    std::sort(s.begin(), s.end());
    const auto at = [&](double q) { return s[std::min(s.size() - 1, static_cast<size_t>(q * static_cast<double>(s.size())))]; };
    out[k] = {at(tail), at(1 - tail)};
  }
  return out;
}

}  // namespace pantau::integrity

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

// Poisson(mean): counting (Knuth) for small means, the normal approximation (clamped) for large ones.
double Poisson(SplitMix64& rng, double mean) {
  if (mean <= 0) return 0;
  if (mean > 25) return std::max(0.0, std::round(mean + std::sqrt(mean) * rng.Normal()));
  const double limit = std::exp(-mean);
  double k = 0, p = rng.Uniform();
  while (p > limit) p *= rng.Uniform(), k += 1;
  return k;
}

// One replicate of a cell's excess, redrawn the way its test estimated it.
double CellExcess(SplitMix64& rng, const Cell& cell) {
  if (cell.test == CellTest::kTrigger) {
    // X = O - B * rate: the followed votes O and the same votes outside the horizon B are counts;
    // the poll's rhythm (rate = E / B) rests on thousands of votes and is kept. The own link's
    // cell adds no excess.
    if (cell.excess <= 0) return 0;
    const double rate = cell.baseline_votes > 0 ? cell.expected / cell.baseline_votes : 0.0;
    return std::max(0.0, Poisson(rng, cell.window_votes) - Poisson(rng, cell.baseline_votes) * rate);
  }
  const double n = cell.window_votes;
  const double o = Binomial(rng, n, cell.option_votes / n);
  const double pi = std::clamp(Binomial(rng, cell.baseline_votes, cell.baseline_share) / cell.baseline_votes, 0.0, 0.999);
  return std::max(0.0, (o - n * pi) / (1 - pi));
}

// One replicate of a link campaign's excess off its link (OffLinkExcess): all four counts redrawn.
double OffLinkReplicate(SplitMix64& rng, const OffLinkExcess& x) {
  if (!x.estimated) return 0;
  const double out = Poisson(rng, x.rhythm_out);
  return Poisson(rng, x.observed) - Poisson(rng, x.outside) * Poisson(rng, x.rhythm_in) / std::max(1.0, out);
}

}  // namespace

Bootstrap BootstrapShares(const VoteLog& log, const std::vector<Cohort>& cohorts, const BootstrapConfig& config,
                          size_t leader, size_t runner_up) {
  const size_t k_count = log.option_count();
  Bootstrap out;
  out.shares.resize(k_count);
  if (config.replicates <= 0 || log.size() == 0) return out;
  std::vector<double> raw(k_count, 0.0);
  for (uint16_t o : log.option) raw[o] += 1;
  const double total = static_cast<double>(log.size());
  std::vector<std::vector<double>> shares(k_count);
  std::vector<double> margins;
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
      double excess = OffLinkReplicate(rng, c.off_link);
      for (const Cell& cell : c.cells) excess += CellExcess(rng, cell);
      counts[c.option] = std::max(0.0, counts[c.option] - excess);
    }
    double sum = 0;
    for (double x : counts) sum += x;
    for (size_t k = 0; k < k_count; ++k) shares[k].push_back(sum > 0 ? counts[k] / sum : 0);
    if (leader < k_count && runner_up < k_count) margins.push_back(shares[leader].back() - shares[runner_up].back());
  }
  const double tail = (1 - config.level) / 2;
  const auto percentile = [&](std::vector<double>& s) -> Interval {
    std::sort(s.begin(), s.end());
    const auto at = [&](double q) { return s[std::min(s.size() - 1, static_cast<size_t>(q * static_cast<double>(s.size())))]; };
    return {at(tail), at(1 - tail)};
  };
  for (size_t k = 0; k < k_count; ++k) out.shares[k] = percentile(shares[k]);
  if (!margins.empty()) out.margin = percentile(margins), out.has_margin = true;
  return out;
}

std::vector<Interval> BootstrapIntervals(const VoteLog& log, const std::vector<Cohort>& cohorts,
                                         const BootstrapConfig& config) {
  return BootstrapShares(log, cohorts, config).shares;
}

}  // namespace pantau::integrity

#include "integrity/bootstrap.h"

#include <algorithm>
#include <cmath>

namespace pantau::integrity {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Normal() {
    const double u1 = 1.0 - Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Binomial(n, p): exact for small n, normal approximation (clamped) when n p (1 - p) is large.
  double Binomial(double n, double p) {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const double var = n * p * (1 - p);
    if (var > 25) return std::clamp(std::round(n * p + std::sqrt(var) * Normal()), 0.0, n);
    double k = 0;
    for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) k += Uniform() < p;
    return k;
  }

 private:
  uint64_t state_;
};

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
  Rng rng(config.seed);
  std::vector<double> counts(k_count);
  for (int r = 0; r < config.replicates; ++r) {
    // Multinomial as a chain of conditional binomials.
    double left = total, left_p = 1.0;
    for (size_t k = 0; k < k_count; ++k) {
      counts[k] = k + 1 == k_count ? left : rng.Binomial(left, std::min(1.0, raw[k] / total / left_p));
      left -= counts[k];
      left_p -= raw[k] / total;
      if (left_p <= 0) left_p = 1e-12;
    }
    for (const Cohort& c : cohorts) {
      double excess = 0;
      for (const Cell& cell : c.cells) {
        const double n = cell.window_votes;
        const double o = rng.Binomial(n, cell.option_votes / n);
        const double pi = std::clamp(rng.Binomial(cell.baseline_votes, cell.baseline_share) / cell.baseline_votes, 0.0, 0.999);
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

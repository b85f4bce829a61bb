// Rng: the simulator's seeded random source (SplitMix64, Steele et al. 2014). Implemented here rather
// than with <random> distributions so that a seed gives the same vote log on every standard library.
//   Rng rng(42);  double u = rng.Uniform();  size_t i = rng.Below(10);
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

namespace pantau::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed ^ 0x9e3779b97f4a7c15ull) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // [0, n); n > 0.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }
  bool Chance(double p) { return Uniform() < p; }
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  // Standard normal (Box-Muller).
  double Normal() {
    const double u1 = 1.0 - Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Index drawn with probability proportional to weights[i] (weights not all zero).
  size_t Pick(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }
  // An independent stream for a sub-generator, so adding draws in one part keeps the others stable.
  Rng Fork(uint64_t stream) { return Rng(Next() ^ (stream * 0xd1b54a32d192ed03ull)); }

 private:
  uint64_t state_;
};

}  // namespace pantau::sim

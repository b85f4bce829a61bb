// SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"): the seeded
// generator for simulations, permutations and bootstraps. Written out rather than taken from <random>
// distributions so that one seed gives the same stream on every standard library and platform.
// Not for secrets (crypto::RandomBytes is). Not thread-safe: one generator per thread.
//   SplitMix64 rng(seed);  double u = rng.Uniform();  uint64_t i = rng.Below(10);
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace pantau {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t state) : state_(state) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // [0, n); n > 0.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }
  bool Chance(double p) { return Uniform() < p; }
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  // Standard normal (Box–Muller).
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

 private:
  uint64_t state_;
};

}  // namespace pantau

// Rng: the simulator's seeded random source — core's SplitMix64 with the simulator's seeding and
// Fork, so that a seed gives the same vote log on every standard library.
//   Rng rng(42);  double u = rng.Uniform();  size_t i = rng.Below(10);
#pragma once

#include <cstdint>

#include "core/random.h"

namespace pantau::sim {

class Rng : public SplitMix64 {
 public:
  explicit Rng(uint64_t seed) : SplitMix64(seed ^ 0x9e3779b97f4a7c15ull) {}
  // An independent stream for a sub-generator, so adding draws in one part keeps the others stable.
  Rng Fork(uint64_t stream) { return Rng(Next() ^ (stream * 0xd1b54a32d192ed03ull)); }
};

}  // namespace pantau::sim

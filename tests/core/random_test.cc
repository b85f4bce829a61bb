#include "core/random.h"

#include <array>
#include <set>

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(SplitMix64, MatchesTheReferenceStream) {
  // Reference values of splitmix64.c (Vigna) from state 0.
  SplitMix64 rng(0);
  EXPECT_EQ(rng.Next(), 0xe220a8397b1dcdafull);
  EXPECT_EQ(rng.Next(), 0x6e789e6aa1b965f4ull);
  EXPECT_EQ(rng.Next(), 0x06c45d188009454full);
}

TEST(SplitMix64, DrawsStayInRange) {
  SplitMix64 rng(42);
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const uint64_t b = rng.Below(7);
    ASSERT_LT(b, 7u);
    seen.insert(b);
  }
  EXPECT_EQ(seen.size(), 7u);
  const std::array<double, 3> weights{0.0, 1.0, 0.0};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rng.Pick(weights), 1u);
}

}  // namespace
}  // namespace pantau

#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace pantau::http {
namespace {

const Timestamp kStart = FromUnixMillis(1'732'000'000'000);

TEST(RateLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
  ManualClock clock(kStart);
  RateLimiter limiter({.burst = 5, .per_second = 1, .max_keys = 100}, clock);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Check("10.0.0.0/24").allowed) << i;
  auto d = limiter.Check("10.0.0.0/24");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, std::chrono::seconds(1));
  EXPECT_TRUE(limiter.Check("10.0.1.0/24").allowed);  // other keys are independent
}

TEST(RateLimiter, RefillsAtTheConfiguredRate) {
  ManualClock clock(kStart);
  RateLimiter limiter({.burst = 10, .per_second = 2, .max_keys = 100}, clock);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.Check("k").allowed);
  EXPECT_FALSE(limiter.Check("k").allowed);
  clock.Advance(Millis(500));  // one token
  EXPECT_TRUE(limiter.Check("k").allowed);
  EXPECT_FALSE(limiter.Check("k").allowed);
  clock.Advance(Millis(60'000));  // refills to the burst, not beyond
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Check("k").allowed) << i;
  EXPECT_FALSE(limiter.Check("k").allowed);
}

TEST(RateLimiter, RetryAfterCoversTheCost) {
  ManualClock clock(kStart);
  RateLimiter limiter({.burst = 10, .per_second = 0.5, .max_keys = 100}, clock);
  EXPECT_TRUE(limiter.Check("k", 10).allowed);
  auto d = limiter.Check("k", 3);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, std::chrono::seconds(6));
}

TEST(RateLimiter, ZeroDisables) {
  ManualClock clock(kStart);
  RateLimiter off({.burst = 0, .per_second = 20, .max_keys = 10}, clock);
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.Check("k").allowed);
  EXPECT_EQ(off.size(), 0u);
  RateLimiter off2({.burst = 10, .per_second = 0, .max_keys = 10}, clock);
  EXPECT_TRUE(off2.Check("k", 100).allowed);
}

TEST(RateLimiter, MemoryIsBoundedByEvictingTheLeastRecentlyUsed) {
  ManualClock clock(kStart);
  RateLimiter limiter({.burst = 2, .per_second = 0.001, .max_keys = 3}, clock);
  ASSERT_TRUE(limiter.Check("a", 2).allowed);
  ASSERT_TRUE(limiter.Check("b", 2).allowed);
  ASSERT_TRUE(limiter.Check("c", 2).allowed);
  EXPECT_FALSE(limiter.Check("a").allowed);  // touches "a": now b is the oldest
  ASSERT_TRUE(limiter.Check("d").allowed);   // evicts "b"
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_FALSE(limiter.Check("a").allowed);  // "a" kept its (empty) bucket
  EXPECT_TRUE(limiter.Check("b").allowed);   // "b" starts afresh
}

TEST(RateLimiter, IdleFullBucketsAreDropped) {
  ManualClock clock(kStart);
  RateLimiter limiter({.burst = 600, .per_second = 20, .max_keys = 100000}, clock);
  for (int i = 0; i < 1000; ++i) limiter.Check("10.0." + std::to_string(i) + ".0/24");
  EXPECT_EQ(limiter.size(), 1000u);
  clock.Advance(Millis(60'000));  // everything refilled: they are indistinguishable from new
  for (int i = 0; i < 600; ++i) limiter.Check("active");
  EXPECT_LT(limiter.size(), 10u);
}

TEST(RateLimiter, ClockSteppingBackGrantsNothing) {
  ManualClock clock(kStart);
  RateLimiter limiter({.burst = 1, .per_second = 1, .max_keys = 10}, clock);
  EXPECT_TRUE(limiter.Check("k").allowed);
  clock.Advance(Millis(-10'000));
  EXPECT_FALSE(limiter.Check("k").allowed);
}

}  // namespace
}  // namespace pantau::http

#include "core/time.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(1732090503120)), "2024-11-20T08:15:03.120Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
}

TEST(Rfc3339, ParsesZuluAndOffsets) {
  EXPECT_EQ(ToUnixMillis(*ParseRfc3339("2024-11-20T08:15:03.120Z")), 1732090503120);
  EXPECT_EQ(ToUnixMillis(*ParseRfc3339("2024-11-20T16:15:03.12+08:00")), 1732090503120);
  EXPECT_EQ(ToUnixMillis(*ParseRfc3339("2024-11-20 08:15:03Z")), 1732090503000);
}

TEST(Rfc3339, RoundTripsFormattedText) {
  const auto t = FromUnixMillis(1700000000999);
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339(t)), t);
}

TEST(Rfc3339, RejectsMalformedText) {
  for (const char* bad : {"", "2024-11-20", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
                          "2024-11-20T25:00:00Z", "2024-11-20T08:15:03", "2024-11-20T08:15:03.Z",
                          "2024-11-20T08:15:03Zjunk", "2024-11-20T08:15:03+0800"}) {
    auto r = ParseRfc3339(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ParseTimestamp, AcceptsUnixSecondsWithFraction) {
  EXPECT_EQ(ToUnixMillis(*ParseTimestamp("1732090503")), 1732090503000);
  EXPECT_EQ(ToUnixMillis(*ParseTimestamp("1732090503.12")), 1732090503120);
  EXPECT_EQ(ToUnixMillis(*ParseTimestamp("2024-11-20T08:15:03.120Z")), 1732090503120);
  EXPECT_FALSE(ParseTimestamp("12a").has_value());
  EXPECT_FALSE(ParseTimestamp("1.").has_value());
  EXPECT_FALSE(ParseTimestamp("99999999999999").has_value());
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(FromUnixMillis(1000));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1000);
  clock.Advance(Millis{500});
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1500);
}

}  // namespace
}  // namespace pantau

#include "core/local_time.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(ZoneOf, FollowsTheProvince) {
  EXPECT_EQ(ZoneOf(RegionCode{"71.73"}).name, "WITA");  // Kota Tomohon, Sulawesi Utara
  EXPECT_EQ(ZoneOf(RegionCode{"15.72"}).name, "WIB");   // Kota Sungai Penuh, Jambi
  EXPECT_EQ(ZoneOf(RegionCode{"51"}).name, "WITA");     // Bali
  EXPECT_EQ(ZoneOf(RegionCode{"64.72"}).name, "WITA");  // Samarinda
  EXPECT_EQ(ZoneOf(RegionCode{"61.71"}).name, "WIB");   // Pontianak
  EXPECT_EQ(ZoneOf(RegionCode{"81.71"}).name, "WIT");   // Ambon
  EXPECT_EQ(ZoneOf(RegionCode{"94"}).name, "WIT");      // Papua
  EXPECT_EQ(ZoneOf(RegionCode{"31.71"}).utc_offset_minutes, 420);
}

TEST(FormatLocal, WritesTheVotersClock) {
  // 2024-11-27T15:59:00Z is 23.59 in WITA and 22.59 in WIB.
  const Timestamp t = *ParseRfc3339("2024-11-27T15:59:00Z");
  EXPECT_EQ(FormatLocal(t, ZoneOf(RegionCode{"71.73"})), "27 Nov 2024 23.59 WITA");
  EXPECT_EQ(FormatLocal(t, ZoneOf(RegionCode{"15.72"})), "27 Nov 2024 22.59 WIB");
  // Crossing midnight and the year.
  EXPECT_EQ(FormatLocal(*ParseRfc3339("2024-12-31T17:30:00Z"), ZoneOf(RegionCode{"91"})), "1 Jan 2025 02.30 WIT");
}

}  // namespace
}  // namespace pantau

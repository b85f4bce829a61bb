#include "core/region.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(RegionDirectory, BuiltinHasEveryProvinceAndRegency) {
  const auto& dir = RegionDirectory::Builtin();
  EXPECT_EQ(dir.ProvinceCount(), 38u);
  EXPECT_EQ(dir.RegencyAndCityCount(), 514u);
}

TEST(RegionDirectory, FindsTheSeedRegions) {
  const auto& dir = RegionDirectory::Builtin();
  const Region* tomohon = dir.Find(RegionCode{"71.73"});
  ASSERT_NE(tomohon, nullptr);
  EXPECT_EQ(tomohon->name, "Kota Tomohon");
  EXPECT_EQ(tomohon->level, RegionLevel::kCity);
  EXPECT_EQ(tomohon->province.value(), "71");
  const Region* sungai_penuh = dir.Find(RegionCode{"15.72"});
  ASSERT_NE(sungai_penuh, nullptr);
  EXPECT_EQ(sungai_penuh->name, "Kota Sungai Penuh");
  const Region* minahasa = dir.Find(RegionCode{"71.02"});
  ASSERT_NE(minahasa, nullptr);
  EXPECT_EQ(minahasa->level, RegionLevel::kRegency);
  EXPECT_EQ(dir.Find(RegionCode{"71.99"}), nullptr);
  EXPECT_EQ(dir.Find(RegionCode{"7173"}), nullptr);
}

TEST(RegionDirectory, RejectsBadCsvNamingTheLine) {
  auto r = RegionDirectory::FromCsv("code,name\n71,Sulawesi Utara\n71.7,Kota X\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos);
  auto orphan = RegionDirectory::FromCsv("code,name\n71.73,Kota Tomohon\n");
  ASSERT_FALSE(orphan.has_value());
  auto dup = RegionDirectory::FromCsv("code,name\n71,A\n71,B\n");
  ASSERT_FALSE(dup.has_value());
}

}  // namespace
}  // namespace pantau

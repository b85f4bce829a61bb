#include "netintel/org_name.h"

#include <gtest/gtest.h>

namespace pantau::netintel {
namespace {

TEST(OrgName, NormalisesCasePunctuationAndSpacing) {
  AliasTable none;
  EXPECT_EQ(OrgName::Normalise("Dinas Komunikasi, Informatika dan  Persandian", none).text(),
            "DINAS KOMUNIKASI INFORMATIKA DAN PERSANDIAN");
  EXPECT_EQ(OrgName::Normalise("PT.Insan Sarana Telematika", none).text(), "PT INSAN SARANA TELEMATIKA");
  EXPECT_EQ(OrgName::Normalise("Dinas Komunikasi & Informatika Kota Cimahi", none).text(),
            "DINAS KOMUNIKASI INFORMATIKA KOTA CIMAHI");
  EXPECT_EQ(OrgName::Normalise("  ", none).text(), "");
  // Non-ASCII bytes stay inside words rather than splitting them.
  EXPECT_EQ(OrgName::Normalise("Telefónica", none).words().size(), 1u);
}

TEST(OrgName, AppliesAliasesLongestFirst) {
  AliasTable aliases;
  ASSERT_TRUE(aliases.Add("KAB", "KABUPATEN"));
  ASSERT_TRUE(aliases.Add("PEMKOT", "Pemerintah Kota"));
  ASSERT_TRUE(aliases.Add("D I YOGYAKARTA", "DAERAH ISTIMEWA YOGYAKARTA"));
  ASSERT_TRUE(aliases.Add("D", "DELTA"));
  EXPECT_FALSE(aliases.Add("kab", "X"));  // defined twice
  EXPECT_FALSE(aliases.Add("...", "X"));  // no words
  EXPECT_EQ(aliases.size(), 4u);
  EXPECT_EQ(OrgName::Normalise("Diskominfo Kab. Bogor", aliases).text(), "DISKOMINFO KABUPATEN BOGOR");
  EXPECT_EQ(OrgName::Normalise("pemkot tomohon", aliases).text(), "PEMERINTAH KOTA TOMOHON");
  EXPECT_EQ(OrgName::Normalise("Diskominfo D.I. Yogyakarta", aliases).text(),
            "DISKOMINFO DAERAH ISTIMEWA YOGYAKARTA");
  EXPECT_EQ(OrgName::Normalise("D I", aliases).text(), "DELTA I");
  // Aliases replace whole words only.
  EXPECT_EQ(OrgName::Normalise("KABAYAN", aliases).text(), "KABAYAN");
}

TEST(OrgName, PhraseMatchingRespectsWordBoundaries) {
  AliasTable none;
  const OrgName name = OrgName::Normalise("Dinas Komunikasi dan Informatika Kabupaten Kotawaringin Timur", none);
  EXPECT_TRUE(name.ContainsPhrase("DINAS"));
  EXPECT_TRUE(name.ContainsPhrase("KOTAWARINGIN TIMUR"));
  EXPECT_TRUE(name.ContainsPhrase("DINAS KOMUNIKASI DAN INFORMATIKA KABUPATEN KOTAWARINGIN TIMUR"));
  EXPECT_FALSE(name.ContainsPhrase("KOTA"));
  EXPECT_FALSE(name.ContainsPhrase("DINAS KOMUNIKASI INFORMATIKA"));
  EXPECT_FALSE(name.ContainsPhrase("TIM"));
  EXPECT_FALSE(name.ContainsPhrase(""));
  EXPECT_TRUE(name.StartsWithPhrase("DINAS KOMUNIKASI"));
  EXPECT_FALSE(name.StartsWithPhrase("DIN"));
  EXPECT_FALSE(name.StartsWithPhrase("KOMUNIKASI"));
  EXPECT_TRUE(OrgName::Normalise("PT", none).StartsWithPhrase("PT"));
  EXPECT_FALSE(OrgName::Normalise("PTCLOUD-VN", none).StartsWithPhrase("PT"));
}

}  // namespace
}  // namespace pantau::netintel

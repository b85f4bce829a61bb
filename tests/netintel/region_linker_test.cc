// The government-to-region mapping, as a test table: organisation names (most of them verbatim from
// @ip-location-db/asn, the rest the shapes the issue names) and the Kemendagri code each must link to.
#include "netintel/region_linker.h"

#include <gtest/gtest.h>

#include "netintel/org_name.h"

namespace pantau::netintel {
namespace {

struct LinkCase {
  const char* org;
  const char* code;  // nullptr: must stay unlinked
  LinkStatus status;
};

class RegionLinkerTest : public ::testing::Test {
 protected:
  RegionLinkerTest() : linker_(RegionDirectory::Builtin()) {
    aliases_.Add("KAB", "KABUPATEN");
    aliases_.Add("PROV", "PROVINSI");
    aliases_.Add("PEMKAB", "PEMERINTAH KABUPATEN");
    aliases_.Add("PEMKOT", "PEMERINTAH KOTA");
    aliases_.Add("PEMPROV", "PEMERINTAH PROVINSI");
    aliases_.Add("DKI", "DAERAH KHUSUS IBUKOTA");
    aliases_.Add("DIY", "DAERAH ISTIMEWA YOGYAKARTA");
  }
  RegionLink Link(std::string_view org) const { return linker_.Link(OrgName::Normalise(org, aliases_).words()); }

  AliasTable aliases_;
  RegionLinker linker_;
};

TEST_F(RegionLinkerTest, LinksGovernmentNamesToRegions) {
  const LinkCase cases[] = {
      // The issue's own examples.
      {"PEMERINTAH KOTA TOMOHON", "71.73", LinkStatus::kLinked},
      {"Pemkot Sungai Penuh", "15.72", LinkStatus::kLinked},
      {"PEMKAB MINAHASA", "71.02", LinkStatus::kLinked},
      {"DISKOMINFO KABUPATEN MINAHASA UTARA", "71.06", LinkStatus::kLinked},
      {"Pemprov Sulawesi Utara", "71", LinkStatus::kLinked},
      // Verbatim from the data.
      {"PEMERINTAH KABUPATEN MAGETAN", "35.20", LinkStatus::kLinked},
      {"Pemerintah Kota Bandung", "32.73", LinkStatus::kLinked},
      {"Pemerintah Kabupaten Lima Puluh Kota", "13.07", LinkStatus::kLinked},
      {"Pemerintah Kabupaten Banjar", "63.03", LinkStatus::kLinked},
      {"Pemerintah Kabupaten Bolaang Mongondow", "71.01", LinkStatus::kLinked},
      {"Dinas Komunikasi dan Informatika Kabupaten Kotawaringin Timur", "62.02", LinkStatus::kLinked},
      {"Dinas Komunikasi, Informatika Statistik dan Persandian Kota Palangka Raya", "62.71", LinkStatus::kLinked},
      {"Dinas Komunikasi dan Informatika Kota Pangkalpinang", "19.71", LinkStatus::kLinked},
      {"Dinas Komunikasi dan Informatika Tangerang Kota", "36.71", LinkStatus::kLinked},
      {"DISKOMINFO TANGERANG SELATAN", "36.74", LinkStatus::kLinked},
      {"Diskominfo Kabupaten Tangerang", "36.03", LinkStatus::kLinked},
      {"DISKOMINFO KLATEN", "33.10", LinkStatus::kLinked},
      {"Dinas Kominfo SLEMAN", "34.04", LinkStatus::kLinked},
      {"DINAS KOMUNIKASI DAN INFORMATIKA KUTAI KARTANEGARA", "64.02", LinkStatus::kLinked},
      {"Diskominfo DKI Jakarta", "31", LinkStatus::kLinked},
      {"Diskominfo DIY", "34", LinkStatus::kLinked},
      {"Badan Teknologi Informasi Dan Telematika Sekretariat Daerah Kota Yogyakarta", "34.71", LinkStatus::kLinked},
      {"DINAS KOMINFO PEMDA PAPUA BARAT", "92", LinkStatus::kLinked},
      {"Dinas Komunikasi Informatika Statistik dan Persandian Provinsi Papua Barat Daya", "96", LinkStatus::kLinked},
      {"Pemerintah Provinsi Kepulauan Bangka Belitung", "19", LinkStatus::kLinked},
      {"KEPOLISIAN DAERAH JAWA TIMUR", "35", LinkStatus::kLinked},
      {"DINAS KOMUNIKASI DAN INFORMATIKA KAB. BEKASI", "32.16", LinkStatus::kLinked},
      {"Diskominfo Kota Bekasi", "32.75", LinkStatus::kLinked},
      {"Pemerintah Daerah Kabupaten Sumenep Dinas Komunikasi dan Informatika", "35.29", LinkStatus::kLinked},
      {"DINAS KOMUNIKASI DAN INFORMATIKA PEMERINTAH KOTA TANJUNGBALAI", "12.74", LinkStatus::kLinked},
      {"Pemerintah Kota Administrasi Jakarta Selatan", "31.74", LinkStatus::kLinked},
      {"Pemerintah Kota Jakarta Pusat", "31.71", LinkStatus::kLinked},
      // A province next to one of its own regencies yields the regency.
      {"Dinas Kominfo Provinsi Jawa Timur Kabupaten Malang", "35.07", LinkStatus::kLinked},
      // Two regions of one province: only the province is certain.
      {"DINAS KOMINFO PASURUAN", "35", LinkStatus::kProvinceOnly},
      {"RSUD Tidar Magelang", "33", LinkStatus::kProvinceOnly},
      // No region name, or a cut-off one.
      {"Kementerian Dalam Negeri Republik Indonesia", nullptr, LinkStatus::kNoName},
      {"Badan Pengawas Pemilu", nullptr, LinkStatus::kNoName},
      {"Dinas Komunikasi, Informatika, Statistik dan Persandian Kabupaten Kotawaringin", nullptr,
       LinkStatus::kNoName},
      {"Pemerintah Kota Atlantis", nullptr, LinkStatus::kNoName},
      // Regions of different provinces: no guess.
      {"Pemerintah Kota Bogor dan Kota Medan", nullptr, LinkStatus::kAmbiguous},
  };
  for (const LinkCase& c : cases) {
    SCOPED_TRACE(c.org);
    const RegionLink link = Link(c.org);
    EXPECT_EQ(kLinkStatusNames.Name(link.status), kLinkStatusNames.Name(c.status));
    if (c.code) {
      ASSERT_TRUE(link.code.has_value());
      EXPECT_EQ(link.code->value(), c.code);
    } else {
      EXPECT_FALSE(link.code.has_value()) << link.code->value();
    }
  }
}

TEST_F(RegionLinkerTest, AmbiguousLinksListTheirCandidates) {
  const RegionLink pasuruan = Link("DINAS KOMINFO PASURUAN");
  ASSERT_EQ(pasuruan.candidates.size(), 2u);
  EXPECT_EQ(pasuruan.candidates[0].value(), "35.14");  // Kabupaten Pasuruan
  EXPECT_EQ(pasuruan.candidates[1].value(), "35.75");  // Kota Pasuruan
  EXPECT_TRUE(Link("PEMERINTAH KOTA TOMOHON").candidates.empty());
}

TEST_F(RegionLinkerTest, LevelWordsDecideBetweenRegencyAndCity) {
  EXPECT_EQ(Link("Pemerintah Kabupaten Pasuruan").code->value(), "35.14");
  EXPECT_EQ(Link("Pemerintah Kota Pasuruan").code->value(), "35.75");
  EXPECT_EQ(Link("Pemkab Bogor").code->value(), "32.01");
  EXPECT_EQ(Link("Pemkot Bogor").code->value(), "32.71");
  // "Kotawaringin" is not the word "Kota".
  EXPECT_EQ(Link("Pemkab Kotawaringin Barat").code->value(), "62.01");
}

TEST_F(RegionLinkerTest, WorksOnASmallDirectory) {
  auto dir = RegionDirectory::FromCsv("code,name\n71,Sulawesi Utara\n71.73,Kota Tomohon\n71.02,Kabupaten Minahasa\n");
  ASSERT_TRUE(dir.has_value());
  RegionLinker linker(*dir);
  EXPECT_EQ(linker.Link(OrgName::Normalise("Pemkot Tomohon", aliases_).words()).code->value(), "71.73");
  EXPECT_FALSE(linker.Link(OrgName::Normalise("Pemerintah Kota Bandung", aliases_).words()).code.has_value());
}

}  // namespace
}  // namespace pantau::netintel

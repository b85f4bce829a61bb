// Pins data/netintel/rules.tsv: real (ASN, organisation) pairs from @ip-location-db/asn, written as
// they appear in the data, and the class and region each must get. A rule change that moves one of
// these is either a fix (update the table here, in the same review) or a regression.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "netintel/classification_rules.h"

namespace pantau::netintel {
namespace {

struct Expected {
  uint32_t asn;
  const char* org;
  NetworkClass network_class;
  const char* region;  // nullptr: no region
};

const ClassificationRules& RealRules() {
  static const ClassificationRules rules = [] {
    std::ifstream in(PANTAU_SOURCE_DIR "/data/netintel/rules.tsv");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = ClassificationRules::Parse(text.str());
    if (!parsed) throw std::runtime_error(parsed.error().message);
    return std::move(*parsed);
  }();
  return rules;
}

void ExpectAll(std::initializer_list<Expected> cases) {
  for (const Expected& e : cases) {
    SCOPED_TRACE(testing::Message() << "AS" << e.asn << " " << e.org);
    const Classification c = RealRules().Classify(e.asn, e.org);
    EXPECT_EQ(kNetworkClassNames.Name(c.network_class), kNetworkClassNames.Name(e.network_class))
        << "rule line " << (c.rule ? c.rule->line : 0);
    if (e.region) {
      ASSERT_TRUE(c.region.has_value()) << kLinkStatusNames.Name(c.link.status);
      EXPECT_EQ(c.region->value(), e.region);
    } else {
      EXPECT_FALSE(c.region.has_value()) << c.region->value();
    }
  }
}

TEST(RealRules, ParsesAndHasEveryKindOfRule) {
  const auto rules = RealRules().rules();
  EXPECT_GT(rules.size(), 150u);
  size_t per_class[5] = {};
  for (const ClassificationRule& r : rules) ++per_class[static_cast<size_t>(r.network_class)];
  for (size_t count : per_class) EXPECT_GT(count, 0u);
  EXPECT_GT(RealRules().aliases().size(), 10u);
}

TEST(RealRules, MobileCarriers) {
  ExpectAll({
      {23693, "PT. Telekomunikasi Selular", NetworkClass::kMobile, nullptr},
      {4761, "PT. INDOSAT Tbk", NetworkClass::kMobile, nullptr},
      {45727, "PT Indosat Ooredoo Hutchison", NetworkClass::kMobile, nullptr},
      {24203, "PT XL Axiata", NetworkClass::kMobile, nullptr},
      {17885, "PT XL Axiata Tbk", NetworkClass::kMobile, nullptr},
      {18004, "PT WIRELESS INDONESIA ( WIN )", NetworkClass::kMobile, nullptr},
      {133798, "PT. Smartfren Telecom, Tbk", NetworkClass::kMobile, nullptr},
  });
}

TEST(RealRules, FixedBroadband) {
  ExpectAll({
      {7713, "Telekomunikasi Indonesia (PT)", NetworkClass::kFixed, nullptr},
      {17451, "BIZNET NETWORKS", NetworkClass::kFixed, nullptr},
      {23700, "Linknet-Fastnet ASN", NetworkClass::kFixed, nullptr},
      {63859, "PT. Eka Mas Republik", NetworkClass::kFixed, nullptr},
      {4787, "PT Cyberindo Aditama", NetworkClass::kFixed, nullptr},
      {17670, "PT. MNC Kabel Mediacom", NetworkClass::kFixed, nullptr},
      {9341, "PT INDONESIA COMNETS PLUS", NetworkClass::kFixed, nullptr},
      {131111, "PT Mora Telematika Indonesia", NetworkClass::kFixed, nullptr},
      // By the PT/CV access-provider heuristic, no ASN rule.
      {55699, "PT. Cemerlang Multimedia", NetworkClass::kFixed, nullptr},
      {24535, "PT.Insan Sarana Telematika", NetworkClass::kFixed, nullptr},
      {152059, "CV Brawijaya Giga Network", NetworkClass::kFixed, nullptr},
  });
}

TEST(RealRules, HostingCloudAndVpn) {
  ExpectAll({
      {16509, "Amazon.com, Inc.", NetworkClass::kHosting, nullptr},
      {15169, "Google LLC", NetworkClass::kHosting, nullptr},
      {14061, "DigitalOcean, LLC", NetworkClass::kHosting, nullptr},
      {13335, "Cloudflare, Inc.", NetworkClass::kHosting, nullptr},
      {24940, "Hetzner Online GmbH", NetworkClass::kHosting, nullptr},
      {9009, "M247 Europe SRL", NetworkClass::kHosting, nullptr},
      {136052, "PT Cloud Hosting Indonesia", NetworkClass::kHosting, nullptr},
      {133800, "PT Biznet Gio Nusantara", NetworkClass::kHosting, nullptr},
      // By organisation name, no ASN rule.
      {141995, "Contabo Asia Private Limited", NetworkClass::kHosting, nullptr},
      {395954, "Leaseweb USA, Inc.", NetworkClass::kHosting, nullptr},
      {53356, "Free Range Cloud Hosting Inc.", NetworkClass::kHosting, nullptr},
      {153985, "PT LAYANAN SERVER INDONESIA", NetworkClass::kHosting, nullptr},
      {141109, "PT Omni Cloud Indonesia", NetworkClass::kHosting, nullptr},
  });
}

TEST(RealRules, RegionalGovernmentsLinkToTheirRegion) {
  ExpectAll({
      // The shapes the issue names, for the regions it names.
      {64512, "PEMERINTAH KOTA TOMOHON", NetworkClass::kGovernment, "71.73"},
      {64513, "PEMKOT SUNGAI PENUH", NetworkClass::kGovernment, "15.72"},
      {64514, "DISKOMINFO KABUPATEN MINAHASA", NetworkClass::kGovernment, "71.02"},
      {64515, "Dinas Komunikasi dan Informatika Provinsi Sulawesi Utara", NetworkClass::kGovernment, "71"},
      // Verbatim from the data.
      {136101, "Pemerintah Kota Bandung", NetworkClass::kGovernment, "32.73"},
      {134641, "PEMERINTAH KABUPATEN MAGETAN", NetworkClass::kGovernment, "35.20"},
      {136842, "PEMERINTAH PROVINSI PAPUA", NetworkClass::kGovernment, "91"},
      {24524, "Pemerintah Daerah Provinsi Kalimantan Timur", NetworkClass::kGovernment, "64"},
      {138858, "PEMERINTAH DAERAH KABUPATEN JAYAPURA", NetworkClass::kGovernment, "91.03"},
      {59151, "Diskominfo DIY", NetworkClass::kGovernment, "34"},
      {134659, "Diskominfo DKI Jakarta", NetworkClass::kGovernment, "31"},
      {137342, "DISKOMINFO TANGERANG SELATAN", NetworkClass::kGovernment, "36.74"},
      {137308, "DISKOMINFO KLATEN", NetworkClass::kGovernment, "33.10"},
      {131726, "Dishubkominfo Kota Tegal", NetworkClass::kGovernment, "33.76"},
      {135463, "PDE Setda Kabupaten Sukoharjo", NetworkClass::kGovernment, "33.11"},
      {134634, "Sekretariat Daerah Kota Salatiga", NetworkClass::kGovernment, "33.73"},
      {140439, "Badan Pendapatan Daerah Provinsi Jawa Barat", NetworkClass::kGovernment, "32"},
      {138825, "LPSE Kota Makassar", NetworkClass::kGovernment, "73.71"},
      {142334, "Disdukcapil Kota Bandung", NetworkClass::kGovernment, "32.73"},
      {45316, "Kantor Komunikasi Dan Informatika Kota Bogor", NetworkClass::kGovernment, "32.71"},
      {136516, "KEPOLISIAN DAERAH JAWA TIMUR", NetworkClass::kGovernment, "35"},
      // Aliases for abbreviations and the registry's typos.
      {138836, "Dinas Komunikasi dan Informatisa Kabupaten OKU", NetworkClass::kGovernment, "16.01"},
      {149889, "Dinas Komunikasi dan Informatika Kab Soralangun", NetworkClass::kGovernment, "15.03"},
      {149722, "Dinas Komunikasi dan Informatika Kabupaten Kepulauan Metawai", NetworkClass::kGovernment, "13.09"},
      {142314, "Dinas Komunikasi Informatika Persandian dan Statistik Kabuapten Bueleleng", NetworkClass::kGovernment,
       "51.08"},
      {151578, "Dinas Komunikasi Informatika Statistik dan Persandian Kabupaten Kepulauan Meran",
       NetworkClass::kGovernment, "14.10"},
      {138050, "Dinas Komunikasi Provins Jawa Barat", NetworkClass::kGovernment, "32"},
      {45313, "Dinas Perhubungan,komunikasi, informasi dan Telematika -NAD", NetworkClass::kGovernment, "11"},
      // Pinned by ASN where the name misleads.
      {151543, "Rumah Sakit Umum Daerah Tarakan Jakarta", NetworkClass::kGovernment, "31"},
      // Ambiguous names link only to the province both candidates share.
      {138082, "DINAS KOMINFO PASURUAN", NetworkClass::kGovernment, "35"},
  });
}

TEST(RealRules, NationalGovernmentHasNoRegion) {
  ExpectAll({
      {131765, "Kementerian Dalam Negeri Republik Indonesia", NetworkClass::kGovernment, nullptr},
      {131722, "Kementrian Pekerjaan Umum", NetworkClass::kGovernment, nullptr},
      {132661, "Badan Pengawas Pemilu", NetworkClass::kGovernment, nullptr},
      {132643, "Komisi Pemilihan Umum", NetworkClass::kGovernment, nullptr},
      {136098, "Badan Kepegawaian Negara", NetworkClass::kGovernment, nullptr},
      {131785, "Mahkamah Agung RI", NetworkClass::kGovernment, nullptr},
      {141068, "KORLANTAS POLRI", NetworkClass::kGovernment, nullptr},
      {38157, "Tentara Nasional Indonesia Angkatan Udara (TNI-AU)", NetworkClass::kGovernment, nullptr},
      {136073, "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah", NetworkClass::kGovernment, nullptr},
      {58378, "Balai Telekomunikasi dan Informatika Perdesaan", NetworkClass::kGovernment, nullptr},
      {45712, "Departemen Luar Negeri Republik Indonesia", NetworkClass::kGovernment, nullptr},
      {45732, "Pusat Sistem Informasi dan Teknologi Keuangan ( Pusintek )", NetworkClass::kGovernment, nullptr},
      {140006, "RSUP DR KARIADI", NetworkClass::kGovernment, nullptr},
      {141135, "Institut Pemerintahan Dalam Negeri", NetworkClass::kGovernment, nullptr},
  });
}

TEST(RealRules, LookalikesStayUnknown) {
  ExpectAll({
      {154122, "PT Penjaminan Kredit Daerah Provinsi Jawa Tengah", NetworkClass::kUnknown, nullptr},
      {46024, "PT. Bank Negara Indonesia (Persero), Tbk.", NetworkClass::kUnknown, nullptr},
      {136063, "PDAM SURYA SEMBADA KOTA SURABAYA", NetworkClass::kUnknown, nullptr},
      {152374, "Perumda Tirtawening Kota Bandung", NetworkClass::kUnknown, nullptr},
      {137301, "POLTEKKES KEMENKES YOGYAKARTA", NetworkClass::kUnknown, nullptr},
      {152350, "Universitas Pertahanan Republik Indonesia", NetworkClass::kUnknown, nullptr},
      {141638, "Yayasan Lembaga Pengembangan Perbankan Indonesia", NetworkClass::kUnknown, nullptr},
      {135042, "KementerianPendidikanMalaysia-AS-AP - Ministry of Education Malaysia", NetworkClass::kUnknown,
       nullptr},
      {138391, "Dewan Bandaraya Kuala Lumpur", NetworkClass::kUnknown, nullptr},
      {14263, "South Dakota State Government", NetworkClass::kUnknown, nullptr},
      {7922, "Comcast Cable Communications, LLC", NetworkClass::kUnknown, nullptr},
  });
}

}  // namespace
}  // namespace pantau::netintel

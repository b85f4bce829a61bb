// The real table the build compiled from @ip-location-db/asn and data/netintel/rules.tsv
// (DefaultTablePath()): known addresses must resolve to the right AS, class and region. The addresses
// are taken from the data's own ranges (asn-ipv4.csv / asn-ipv6.csv).
#include <gtest/gtest.h>

#include <chrono>

#include "netintel/network_intel.h"

namespace pantau::netintel {
namespace {

struct Known {
  const char* ip;
  uint32_t asn;
  NetworkClass network_class;
  const char* region;  // nullptr: none
  const char* org;     // nullptr: not checked
};

const NetworkIntel& RealTable() {
  static const NetworkIntel intel = [] {
    auto opened = NetworkIntel::Open(DefaultTablePath());
    if (!opened) throw std::runtime_error(opened.error().ToLogString());
    return std::move(*opened);
  }();
  return intel;
}

IpAddress Ip(std::string_view text) { return IpAddress::Parse(text).value(); }

TEST(AsnTableData, OpensQuicklyAndNamesItsSource) {
  const auto start = std::chrono::steady_clock::now();
  auto intel = NetworkIntel::Open(DefaultTablePath());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(intel.has_value()) << intel.error().ToLogString();
  EXPECT_TRUE(intel->data_version().starts_with("@ip-location-db/asn ")) << intel->data_version();
  // The budget is 100 ms; the benchmark measures it precisely (bench/netintel).
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 100);
}

TEST(AsnTableData, KnownAddressesResolve) {
  const Known cases[] = {
      // Mobile carriers.
      {"39.200.17.4", 23693, NetworkClass::kMobile, nullptr, "PT. Telekomunikasi Selular"},
      {"2400:82e0:1234::1", 23693, NetworkClass::kMobile, nullptr, nullptr},
      {"120.170.1.1", 4761, NetworkClass::kMobile, nullptr, "PT. INDOSAT Tbk"},
      {"2400:8b00:5::1", 45727, NetworkClass::kMobile, nullptr, "PT Indosat Ooredoo Hutchison"},
      {"140.213.150.9", 24203, NetworkClass::kMobile, nullptr, "PT XL Axiata"},
      {"115.178.200.1", 18004, NetworkClass::kMobile, nullptr, nullptr},
      // Fixed broadband.
      {"36.80.10.20", 7713, NetworkClass::kFixed, nullptr, "Telekomunikasi Indonesia (PT)"},
      {"182.253.150.1", 17451, NetworkClass::kFixed, nullptr, "BIZNET NETWORKS"},
      {"139.193.0.1", 23700, NetworkClass::kFixed, nullptr, nullptr},
      {"158.140.170.1", 63859, NetworkClass::kFixed, nullptr, "PT. Eka Mas Republik"},
      {"202.158.64.1", 4787, NetworkClass::kFixed, nullptr, nullptr},
      {"202.46.70.1", 9341, NetworkClass::kFixed, nullptr, nullptr},
      {"2404:8000::1", 17451, NetworkClass::kFixed, nullptr, nullptr},
      // Hosting, cloud, CDN.
      {"3.120.0.1", 16509, NetworkClass::kHosting, nullptr, "Amazon.com, Inc."},
      {"35.210.0.1", 15169, NetworkClass::kHosting, nullptr, "Google LLC"},
      {"2404:6800:4003::1", 15169, NetworkClass::kHosting, nullptr, nullptr},
      {"45.55.100.100", 14061, NetworkClass::kHosting, nullptr, "DigitalOcean, LLC"},
      {"104.16.1.1", 13335, NetworkClass::kHosting, nullptr, nullptr},
      {"103.55.37.1", 136052, NetworkClass::kHosting, nullptr, "PT Cloud Hosting Indonesia"},
      {"46.250.230.1", 141995, NetworkClass::kHosting, nullptr, "Contabo Asia Private Limited"},
      // Government, linked to a region where the name says which.
      {"103.108.200.10", 136101, NetworkClass::kGovernment, "32.73", "Pemerintah Kota Bandung"},
      {"103.205.82.1", 134641, NetworkClass::kGovernment, "35.20", "PEMERINTAH KABUPATEN MAGETAN"},
      {"103.78.106.200", 135485, NetworkClass::kGovernment, "35.71", "PEMERINTAH KOTA KEDIRI"},
      {"103.100.246.1", 136842, NetworkClass::kGovernment, "91", "PEMERINTAH PROVINSI PAPUA"},
      {"2405:bc0:10::1", 136842, NetworkClass::kGovernment, "91", nullptr},
      {"103.131.104.5", 59151, NetworkClass::kGovernment, "34", "Diskominfo DIY"},
      {"2400:e320::5", 59151, NetworkClass::kGovernment, "34", nullptr},
      {"103.209.7.7", 134659, NetworkClass::kGovernment, "31", nullptr},
      {"101.255.30.1", 137342, NetworkClass::kGovernment, "36.74", "DISKOMINFO TANGERANG SELATAN"},
      {"103.108.187.1", 137308, NetworkClass::kGovernment, "33.10", "DISKOMINFO KLATEN"},
      {"103.143.153.1", 139402, NetworkClass::kGovernment, "13.01", nullptr},
      {"103.120.218.1", 138082, NetworkClass::kGovernment, "35", "DINAS KOMINFO PASURUAN"},
      {"103.249.227.1", 132661, NetworkClass::kGovernment, nullptr, "Badan Pengawas Pemilu"},
      {"103.77.185.1", 131765, NetworkClass::kGovernment, nullptr, nullptr},
  };
  for (const Known& k : cases) {
    SCOPED_TRACE(k.ip);
    const LookupResult r = RealTable().Lookup(Ip(k.ip));
    EXPECT_EQ(r.asn, k.asn);
    EXPECT_EQ(kNetworkClassNames.Name(r.network_class), kNetworkClassNames.Name(k.network_class)) << r.org;
    if (k.org) {
      EXPECT_EQ(r.org, k.org);
    }
    if (k.region) {
      ASSERT_TRUE(r.region.has_value()) << r.org;
      EXPECT_EQ(r.region->value(), k.region);
    } else {
      EXPECT_FALSE(r.region.has_value());
    }
  }
}

TEST(AsnTableData, OverlapInTheSourceResolvesToTheNarrowerRange) {
  // 214.95.0.0-215.0.255.255 (AS749) overlaps 215.0.0.0-215.1.3.255 (AS721) upstream.
  EXPECT_EQ(RealTable().Lookup(Ip("214.96.0.1")).asn, 749u);
  EXPECT_EQ(RealTable().Lookup(Ip("215.0.0.1")).asn, 721u);
}

TEST(AsnTableData, UnroutedAndSpecialAddressesAreUnknown) {
  for (const char* ip : {"10.0.0.1", "100.64.1.1", "192.168.1.1", "127.0.0.1", "fe80::1", "fd00::1", "::1"}) {
    SCOPED_TRACE(ip);
    const LookupResult r = RealTable().Lookup(Ip(ip));
    EXPECT_EQ(r.asn, 0u);
    EXPECT_EQ(r.network_class, NetworkClass::kUnknown);
  }
}

TEST(AsnTableData, EveryClassHasExamplesAndGovernmentIsMappedToRegions) {
  const TableStats s = RealTable().Stats();
  for (NetworkClass c : {NetworkClass::kGovernment, NetworkClass::kMobile, NetworkClass::kFixed,
                         NetworkClass::kHosting, NetworkClass::kUnknown}) {
    SCOPED_TRACE(kNetworkClassNames.Name(c));
    EXPECT_GT(s.of(c).orgs, 0u);
    EXPECT_GT(s.of(c).v4_ranges, 0u);
    EXPECT_GT(s.of(c).v6_ranges, 0u);
  }
  EXPECT_GT(s.of(NetworkClass::kMobile).v4_addresses, 8'000'000u);  // Telkomsel alone has ~5.8M
  EXPECT_GT(s.government_orgs, 250u);
  EXPECT_GT(s.government_orgs_with_region, 180u);
  EXPECT_GT(s.regions_covered, 150u);
  EXPECT_GT(s.rule_count, 150u);
}

}  // namespace
}  // namespace pantau::netintel

#include "netintel/network_intel.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "netintel/internal/checksum.h"
#include "test_tables.h"

namespace pantau::netintel {
namespace {

using testing::BuildTable;
using testing::BuildTableBytes;

IpAddress Ip(std::string_view text) { return IpAddress::Parse(text).value(); }

const std::vector<testing::TestRange>& SmallData() {
  static const std::vector<testing::TestRange> data{
      {"39.192.0.0", "39.255.255.255", 23693, "PT. Telekomunikasi Selular"},
      {"36.66.23.0", "36.95.255.255", 7713, "Telekomunikasi Indonesia (PT)"},
      {"103.100.1.0", "103.100.1.255", 64512, "PEMERINTAH KOTA TOMOHON"},
      {"103.100.2.0", "103.100.2.255", 64513, "Kementerian Dalam Negeri"},
      {"3.96.0.0", "3.207.255.255", 16509, "Example Cloud Inc."},
      {"10.0.0.0", "10.255.255.255", 64514, "Private space someone announced"},
      {"100.64.0.0", "100.127.255.255", 64515, "CGNAT space someone announced"},
      {"2400:82e0::", "2400:82e0:ffff:ffff:ffff:ffff:ffff:ffff", 23693, "PT. Telekomunikasi Selular"},
      {"2405:bc0::", "2405:bc0:7fff:ffff:ffff:ffff:ffff:ffff", 64512, "PEMERINTAH KOTA TOMOHON"},
      {"fd00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 64516, "ULA someone announced"},
  };
  return data;
}

class TempFile {
 public:
  explicit TempFile(std::string_view bytes) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("pantau-netintel-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".bin"))
                .string();
    std::ofstream(path_, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(NetworkIntel, LooksUpAsnOrgClassAndRegion) {
  const NetworkIntel intel = BuildTable(SmallData());
  const LookupResult mobile = intel.Lookup(Ip("39.200.1.2"));
  EXPECT_EQ(mobile.asn, 23693u);
  EXPECT_EQ(mobile.org, "PT. Telekomunikasi Selular");
  EXPECT_EQ(mobile.network_class, NetworkClass::kMobile);
  EXPECT_FALSE(mobile.region.has_value());
  EXPECT_EQ(intel.Lookup(Ip("36.80.0.1")).network_class, NetworkClass::kFixed);
  EXPECT_EQ(intel.Lookup(Ip("3.100.0.1")).network_class, NetworkClass::kHosting);
  const LookupResult gov = intel.Lookup(Ip("103.100.1.77"));
  EXPECT_EQ(gov.network_class, NetworkClass::kGovernment);
  ASSERT_TRUE(gov.region.has_value());
  EXPECT_EQ(gov.region->value(), "71.73");
  const LookupResult ministry = intel.Lookup(Ip("103.100.2.1"));
  EXPECT_EQ(ministry.network_class, NetworkClass::kGovernment);
  EXPECT_FALSE(ministry.region.has_value());
  const LookupResult gov6 = intel.Lookup(Ip("2405:bc0:1::1"));
  EXPECT_EQ(gov6.asn, 64512u);
  EXPECT_EQ(gov6.region->value(), "71.73");
  EXPECT_EQ(intel.Lookup(Ip("2400:82e0:ffff::1")).network_class, NetworkClass::kMobile);
  EXPECT_EQ(intel.data_version(), "test 1");
}

TEST(NetworkIntel, EdgesOfRangesAndGapsAreExact) {
  const NetworkIntel intel = BuildTable(SmallData());
  EXPECT_EQ(intel.Lookup(Ip("39.192.0.0")).asn, 23693u);
  EXPECT_EQ(intel.Lookup(Ip("39.255.255.255")).asn, 23693u);
  EXPECT_EQ(intel.Lookup(Ip("39.191.255.255")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("40.0.0.0")).asn, 0u);
  const LookupResult gap = intel.Lookup(Ip("103.100.0.255"));
  EXPECT_EQ(gap.asn, 0u);
  EXPECT_TRUE(gap.org.empty());
  EXPECT_EQ(gap.network_class, NetworkClass::kUnknown);
  EXPECT_EQ(intel.Lookup(Ip("2400:82df:ffff:ffff:ffff:ffff:ffff:ffff")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("2400:82e1::")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("1.1.1.1")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("::ffff:39.192.0.1")).asn, 23693u);  // mapped: the IPv4 table
}

TEST(NetworkIntel, SpecialPurposeAddressesAreUnknownWhateverTheTableSays) {
  const NetworkIntel intel = BuildTable(SmallData());
  for (const char* special : {"10.1.2.3", "100.64.0.1", "100.100.100.100", "fd00::1", "::1", "127.0.0.1"}) {
    SCOPED_TRACE(special);
    const LookupResult r = intel.Lookup(Ip(special));
    EXPECT_EQ(r.asn, 0u);
    EXPECT_EQ(r.network_class, NetworkClass::kUnknown);
  }
}

TEST(NetworkIntel, EmptyKnowsNothing) {
  const NetworkIntel intel = NetworkIntel::Empty();
  EXPECT_TRUE(intel.empty());
  EXPECT_EQ(intel.Lookup(Ip("39.200.1.2")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("2400:82e0::1")).network_class, NetworkClass::kUnknown);
  EXPECT_EQ(intel.data_version(), "");
  EXPECT_EQ(intel.Stats().v4_ranges, 0u);
}

TEST(NetworkIntel, OpensAMappedFile) {
  const TempFile file(BuildTableBytes(SmallData(), "@ip-location-db/asn 9.9.9"));
  auto intel = NetworkIntel::Open(file.path());
  ASSERT_TRUE(intel.has_value()) << intel.error().message;
  EXPECT_FALSE(intel->empty());
  EXPECT_EQ(intel->data_version(), "@ip-location-db/asn 9.9.9");
  EXPECT_EQ(intel->Lookup(Ip("103.100.1.1")).region->value(), "71.73");
  // Moving keeps the mapping alive; the moved-from object is empty.
  NetworkIntel moved = std::move(*intel);
  EXPECT_TRUE(intel->empty());
  EXPECT_EQ(intel->Lookup(Ip("39.200.1.2")).asn, 0u);
  EXPECT_EQ(moved.Lookup(Ip("39.200.1.2")).asn, 23693u);
  moved = NetworkIntel::Empty();
  EXPECT_TRUE(moved.empty());
}

TEST(NetworkIntel, OpenReportsMissingAndUnreadableFiles) {
  auto missing = NetworkIntel::Open("/nonexistent/pantau/asn.bin");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("/nonexistent/pantau/asn.bin"), std::string::npos);
  auto directory = NetworkIntel::Open(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().code, ErrorCode::kDataLoss);
  const TempFile empty("");
  EXPECT_EQ(NetworkIntel::Open(empty.path()).error().code, ErrorCode::kDataLoss);
}

TEST(NetworkIntel, RejectsCorruptTablesAsDataLoss) {
  const std::string good = BuildTableBytes(SmallData());
  ASSERT_TRUE(NetworkIntel::FromBytes(good).has_value());
  auto expect_data_loss = [](std::string bytes, std::string_view what) {
    SCOPED_TRACE(what);
    auto r = NetworkIntel::FromBytes(bytes);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kDataLoss);
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
    const TempFile file(bytes);
    auto opened = NetworkIntel::Open(file.path());
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code, ErrorCode::kDataLoss);
  };
  expect_data_loss(good.substr(0, good.size() - 1), "does not match its header");
  expect_data_loss(good + "x", "does not match its header");
  expect_data_loss(good.substr(0, 100), "shorter than its header");
  std::string magic = good;
  magic[0] = 'X';
  expect_data_loss(magic, "bad magic");
  std::string version = good;
  version[8] = 2;
  expect_data_loss(version, "format version 2");
  for (size_t offset : {size_t{200}, good.size() / 2, good.size() - 1}) {
    std::string flipped = good;
    flipped[offset] = static_cast<char>(flipped[offset] ^ 0x40);
    expect_data_loss(flipped, "checksum mismatch");
  }
}

// A file whose checksum is right but whose contents would send a lookup out of bounds.
TEST(NetworkIntel, RejectsWellSummedButInconsistentTables) {
  const std::string good = BuildTableBytes(SmallData());
  FileHeader header;
  std::memcpy(&header, good.data(), sizeof header);
  const TableLayout layout = ComputeLayout(header);
  auto resum = [](std::string bytes) {
    FileHeader h;
    std::memcpy(&h, bytes.data(), sizeof h);
    h.checksum = internal::Checksum64(
        std::as_bytes(std::span(bytes.data() + sizeof(FileHeader), bytes.size() - sizeof(FileHeader))));
    std::memcpy(bytes.data(), &h, sizeof h);
    return bytes;
  };
  auto poke32 = [&](uint64_t offset, uint32_t value) {
    std::string bytes = good;
    std::memcpy(bytes.data() + offset, &value, 4);
    return resum(bytes);
  };
  auto expect_rejected = [](const std::string& bytes, std::string_view what) {
    SCOPED_TRACE(what);
    auto r = NetworkIntel::FromBytes(bytes);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kDataLoss);
    EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
  };
  expect_rejected(poke32(layout.v4_entries + 4, header.entry_count), "refers to no entry");
  expect_rejected(poke32(layout.v6_entries, 0xffffffffu), "refers to no entry");
  expect_rejected(poke32(layout.v4_starts + 8, 1), "out of order");
  expect_rejected(poke32(layout.v4_starts, 5), "do not start at address zero");
  expect_rejected(poke32(layout.v4_index + 4 * 100, 0xffffffu), "index is inconsistent");
  expect_rejected(poke32(layout.v6_index + 4 * kIndexSlots - 4, 0), "index is inconsistent");
  expect_rejected(poke32(layout.entries + sizeof(EntryRecord) + 4, 0xfffffff0u), "entry 1 is invalid");
  std::string bad_class = good;
  bad_class[layout.entries + sizeof(EntryRecord) + 10] = 9;
  expect_rejected(resum(bad_class), "entry 1 is invalid");
}

TEST(NetworkIntel, StatsCountPrefixesPerClass) {
  const TableStats s = BuildTable(SmallData()).Stats();
  EXPECT_EQ(s.data_version, "test 1");
  EXPECT_EQ(s.rule_count, 5u);
  // 39.192.0.0 - 39.255.255.255 is one /10.
  EXPECT_EQ(s.of(NetworkClass::kMobile).v4_ranges, 1u);
  EXPECT_EQ(s.of(NetworkClass::kMobile).v4_prefixes, 1u);
  EXPECT_EQ(s.of(NetworkClass::kMobile).v4_addresses, uint64_t{1} << 22);
  EXPECT_EQ(s.of(NetworkClass::kMobile).v6_ranges, 1u);
  EXPECT_EQ(s.of(NetworkClass::kMobile).orgs, 1u);
  // 36.66.23.0 - 36.95.255.255: 36.66.23.0/24, 36.66.24.0/21, .32/19, .64/18, .128/17, 36.67/16,
  // 36.68/14, 36.72/13, 36.80/12.
  EXPECT_EQ(s.of(NetworkClass::kFixed).v4_prefixes, 9u);
  // 3.96.0.0 - 3.207.255.255: 3.96/11, 3.128/10, 3.192/12.
  EXPECT_EQ(s.of(NetworkClass::kHosting).v4_prefixes, 3u);
  EXPECT_EQ(s.government_orgs, 2u);
  EXPECT_EQ(s.government_orgs_with_region, 1u);
  EXPECT_EQ(s.regions_covered, 1u);
  EXPECT_EQ(s.of(NetworkClass::kUnknown).orgs, 3u);  // the three special-space announcements
}

TEST(NetworkIntel, LookupsAreSafeFromManyThreads) {
  const NetworkIntel intel = BuildTable(SmallData());
  const IpAddress probes[] = {Ip("39.200.1.2"), Ip("103.100.1.77"), Ip("2405:bc0:1::1"), Ip("8.8.8.8")};
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50'000; ++i) {
        const IpAddress& ip = probes[i % 4];
        const LookupResult r = intel.Lookup(ip);
        const uint32_t expected[] = {23693, 64512, 64512, 0};
        if (r.asn != expected[i % 4]) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(DefaultTablePath, PointsIntoTheBuildTree) {
  EXPECT_EQ(DefaultTablePath(), std::string(PANTAU_BINARY_DIR) + "/data/asn.bin");
}

}  // namespace
}  // namespace pantau::netintel

// Mutation testing of the table validator: a valid table with random bytes changed and its checksum
// recomputed (so that the structural checks, not the checksum, must catch the damage) is either
// rejected as DataLoss or answers every lookup and Stats() without misbehaving. Run under the asan
// preset to catch out-of-bounds reads that would otherwise go unnoticed.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "netintel/internal/checksum.h"
#include "netintel/network_intel.h"
#include "test_tables.h"

namespace pantau::netintel {
namespace {

std::string Resum(std::string bytes) {
  if (bytes.size() < sizeof(FileHeader)) return bytes;
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  h.checksum = internal::Checksum64(
      std::as_bytes(std::span(bytes.data() + sizeof(FileHeader), bytes.size() - sizeof(FileHeader))));
  std::memcpy(bytes.data(), &h, sizeof h);
  return bytes;
}

TEST(TableValidatorFuzz, MutatedTablesAreRejectedOrSafe) {
  std::vector<testing::TestRange> ranges{
      {"39.192.0.0", "39.255.255.255", 23693, "PT. Telekomunikasi Selular"},
      {"103.100.1.0", "103.100.1.255", 64512, "PEMERINTAH KOTA TOMOHON"},
      {"103.100.2.0", "103.100.2.127", 64513, "Pemkot Bandung"},
      {"3.96.0.0", "3.207.255.255", 16509, "Example Cloud"},
      {"2400:82e0::", "2400:82e0:ffff:ffff:ffff:ffff:ffff:ffff", 23693, "PT. Telekomunikasi Selular"},
      {"2405:bc0::", "2405:bc0:7fff:ffff:ffff:ffff:ffff:ffff", 64512, "PEMERINTAH KOTA TOMOHON"},
  };
  const std::string good = testing::BuildTableBytes(ranges);
  FileHeader header;
  std::memcpy(&header, good.data(), sizeof header);
  const TableLayout layout = ComputeLayout(header);
  std::mt19937_64 rng(2024);
  int accepted = 0;
  for (int i = 0; i < 6'000; ++i) {
    std::string bytes = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      // Aim half of the edits at the small sections (header, entries, regions) where damage is subtle.
      size_t at;
      if (rng() % 2) at = rng() % bytes.size();
      else if (rng() % 3 == 0) at = rng() % sizeof(FileHeader);
      else at = layout.entries + rng() % (bytes.size() - layout.entries);
      bytes[at] = static_cast<char>(rng());
    }
    if (rng() % 20 == 0) bytes.resize(rng() % bytes.size());
    auto intel = NetworkIntel::FromBytes(rng() % 10 ? Resum(bytes) : bytes);
    if (!intel) {
      ASSERT_EQ(intel.error().code, ErrorCode::kDataLoss) << intel.error().message;
      continue;
    }
    ++accepted;
    for (int q = 0; q < 64; ++q) {
      const LookupResult r = intel->Lookup(IpAddress::FromV4(static_cast<uint32_t>(rng())));
      ASSERT_LE(static_cast<int>(r.network_class), static_cast<int>(NetworkClass::kHosting));
      std::array<uint8_t, 16> v6{0x24, static_cast<uint8_t>(rng() % 8)};
      for (size_t k = 2; k < 16; ++k) v6[k] = static_cast<uint8_t>(rng());
      (void)intel->Lookup(IpAddress::FromV6(v6));
    }
    const TableStats s = intel->Stats();
    ASSERT_LE(s.government_orgs_with_region, s.government_orgs);
  }
  // Edits that land in names or padding leave a valid table behind: both outcomes are exercised.
  EXPECT_GT(accepted, 30);
  EXPECT_LT(accepted, 6'000);
}

}  // namespace
}  // namespace pantau::netintel

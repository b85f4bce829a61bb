#include "netintel/table_builder.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include <fmt/format.h>

#include "test_tables.h"

namespace pantau::netintel {
namespace {

using testing::BuildTable;
using testing::TestRules;

IpAddress Ip(std::string_view text) { return IpAddress::Parse(text).value(); }

TEST(TableBuilder, ResolvesOverlapsWithTheNarrowestRange) {
  // The shape of the real overlap in the data: 214.95.0.0-215.0.255.255 (AS749) and
  // 215.0.0.0-215.1.3.255 (AS721).
  const NetworkIntel intel = BuildTable({
      {"214.95.0.0", "215.0.255.255", 749, "DoD"},
      {"215.0.0.0", "215.1.3.255", 721, "DoD NIC"},
      {"1.0.0.0", "1.0.255.255", 10, "Wide"},
      {"1.0.1.0", "1.0.1.255", 11, "Nested"},
      {"2.0.0.0", "2.0.0.255", 20, "First of two equal"},
      {"2.0.0.0", "2.0.0.255", 21, "Second of two equal"},
  });
  EXPECT_EQ(intel.Lookup(Ip("214.95.0.0")).asn, 749u);
  EXPECT_EQ(intel.Lookup(Ip("214.255.255.255")).asn, 749u);
  EXPECT_EQ(intel.Lookup(Ip("215.0.0.0")).asn, 721u);
  EXPECT_EQ(intel.Lookup(Ip("215.1.3.255")).asn, 721u);
  EXPECT_EQ(intel.Lookup(Ip("215.1.4.0")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("1.0.0.255")).asn, 10u);
  EXPECT_EQ(intel.Lookup(Ip("1.0.1.0")).asn, 11u);
  EXPECT_EQ(intel.Lookup(Ip("1.0.1.255")).asn, 11u);
  EXPECT_EQ(intel.Lookup(Ip("1.0.2.0")).asn, 10u);
  EXPECT_EQ(intel.Lookup(Ip("2.0.0.7")).asn, 20u);
}

TEST(TableBuilder, MergesNeighboursAndDropsShadowedEntries) {
  TableBuilder builder(TestRules());
  ASSERT_TRUE(builder.AddRange(Ip("5.0.0.0"), Ip("5.0.0.255"), 5, "Five").has_value());
  ASSERT_TRUE(builder.AddRange(Ip("5.0.1.0"), Ip("5.0.1.255"), 5, "Five").has_value());
  ASSERT_TRUE(builder.AddRange(Ip("5.0.0.10"), Ip("5.0.0.10"), 6, "Hidden").has_value());
  ASSERT_TRUE(builder.AddRange(Ip("5.0.0.10"), Ip("5.0.0.10"), 7, "Shadowed by an equal range added first").has_value());
  auto bytes = builder.Build("v");
  ASSERT_TRUE(bytes.has_value());
  // Entry 0 (no data), Five, Hidden; the shadowed entry owns nothing and is dropped.
  ASSERT_EQ(builder.entries().size(), 3u);
  EXPECT_EQ(builder.entries()[1].org, "Five");
  EXPECT_EQ(builder.entries()[1].v4_addresses, 511u);
  EXPECT_EQ(builder.entries()[2].v4_addresses, 1u);
  const NetworkIntel intel = NetworkIntel::FromBytes(*bytes).value();
  // 0.0.0.0 gap, Five, Hidden, Five, gap.
  EXPECT_EQ(intel.Stats().v4_ranges, 5u);
  EXPECT_EQ(intel.Lookup(Ip("5.0.1.255")).org, "Five");
}

TEST(TableBuilder, HandlesTheWholeAddressSpace) {
  const NetworkIntel intel = BuildTable({
      {"0.0.0.0", "255.255.255.255", 1, "Everything v4"},
      {"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 2, "Everything v6"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 3, "Top"},
  });
  EXPECT_EQ(intel.Lookup(Ip("1.1.1.1")).asn, 1u);
  EXPECT_EQ(intel.Lookup(Ip("223.255.255.255")).asn, 1u);
  EXPECT_EQ(intel.Lookup(Ip("2001:4860::1")).asn, 2u);
  EXPECT_EQ(intel.Lookup(Ip("fe00::1")).asn, 2u);  // neither link-local nor unique-local
  EXPECT_EQ(intel.Lookup(Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).asn, 0u);  // multicast: special
  const TableStats stats = intel.Stats();
  EXPECT_EQ(stats.of(NetworkClass::kUnknown).v4_addresses, uint64_t{1} << 32);
  EXPECT_EQ(stats.of(NetworkClass::kUnknown).v4_prefixes, 1u);
}

TEST(TableBuilder, RejectsBadRanges) {
  TableBuilder builder(TestRules());
  EXPECT_FALSE(builder.AddRange(Ip("1.0.0.0"), Ip("::1"), 1, "x").has_value());
  EXPECT_FALSE(builder.AddRange(Ip("1.0.0.9"), Ip("1.0.0.1"), 1, "x").has_value());
  EXPECT_FALSE(builder.AddRange(Ip("1.0.0.0"), Ip("1.0.0.1"), 0, "x").has_value());
  EXPECT_FALSE(builder.AddRange(Ip("1.0.0.0"), Ip("1.0.0.1"), 1, std::string(70000, 'x')).has_value());
  EXPECT_FALSE(builder.Build(std::string(48, 'v')).has_value());
  EXPECT_FALSE(builder.Build("again").has_value());
}

// Many ranges inside one /64 (the upstream data splits a few /64s, e.g. 2001:500:30ff::/64): their
// starts share the high half, across several pivot blocks of the IPv6 search.
TEST(TableBuilder, SubSlash64RangesResolve) {
  std::vector<testing::TestRange> ranges;
  for (uint32_t i = 0; i < 50; ++i) {
    const std::string first = fmt::format("2001:500:30ff::{:x}", i * 0x100);
    const std::string last = fmt::format("2001:500:30ff::{:x}", i * 0x100 + 0xff);
    ranges.push_back({first, last, 1000 + i, "Piece"});
  }
  for (uint32_t i = 0; i < 40; ++i)  // neighbours in the same /16 bucket
    ranges.push_back({fmt::format("2001:500:{:x}::", 0x3100 + i), fmt::format("2001:500:{:x}::ffff", 0x3100 + i), 2000 + i,
                      "Neighbour"});
  const NetworkIntel intel = BuildTable(ranges);
  for (uint32_t i = 0; i < 50; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(intel.Lookup(Ip(fmt::format("2001:500:30ff::{:x}", i * 0x100))).asn, 1000 + i);
    EXPECT_EQ(intel.Lookup(Ip(fmt::format("2001:500:30ff::{:x}", i * 0x100 + 0x80))).asn, 1000 + i);
    EXPECT_EQ(intel.Lookup(Ip(fmt::format("2001:500:30ff::{:x}", i * 0x100 + 0xff))).asn, 1000 + i);
  }
  EXPECT_EQ(intel.Lookup(Ip("2001:500:30ff::3200")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("2001:500:30fe:ffff:ffff:ffff:ffff:ffff")).asn, 0u);
  EXPECT_EQ(intel.Lookup(Ip("2001:500:3105::1")).asn, 2005u);
  EXPECT_EQ(intel.Lookup(Ip("2001:500:3105::1:0")).asn, 0u);
}

// Random ranges, many overlapping, against a brute-force "narrowest containing range" reference.
TEST(TableBuilder, RandomTablesMatchABruteForceReference) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 20; ++round) {
    struct R {
      uint32_t first, last, asn;
    };
    std::vector<R> ranges;
    std::vector<testing::TestRange> text;
    // Cluster ranges in a few /16s so that index buckets hold many ranges, plus some wide ones.
    std::uniform_int_distribution<uint32_t> base_pick(0, 3);
    const uint32_t bases[] = {0x01000000u, 0x0102ff00u, 0x67000000u, 0xdf00ff00u};
    for (int i = 0; i < 300; ++i) {
      const uint32_t base = bases[base_pick(rng)];
      const uint32_t first = base + static_cast<uint32_t>(rng() % 70000);
      const uint32_t width = (i % 10 == 0) ? static_cast<uint32_t>(rng() % 200000) : static_cast<uint32_t>(rng() % 300);
      const uint32_t last = first + width < first ? 0xffffffffu : first + width;
      const uint32_t asn = 1 + static_cast<uint32_t>(rng() % 40);
      ranges.push_back({first, last, asn});
      text.push_back({IpAddress::FromV4(first).ToString(), IpAddress::FromV4(last).ToString(), asn,
                      "Org " + std::to_string(asn)});
    }
    const NetworkIntel intel = BuildTable(text);
    auto reference = [&](uint32_t ip) -> uint32_t {
      const R* best = nullptr;
      for (const R& r : ranges)
        if (r.first <= ip && ip <= r.last && (best == nullptr || r.last - r.first < best->last - best->first)) best = &r;
      return best ? best->asn : 0;
    };
    for (int q = 0; q < 3000; ++q) {
      const R& r = ranges[rng() % ranges.size()];
      // Probe the edges of ranges and random points around them.
      const uint32_t probes[] = {r.first, r.last, r.first - 1, r.last + 1, r.first + static_cast<uint32_t>(rng() % 500)};
      for (uint32_t ip : probes) {
        const IpAddress a = IpAddress::FromV4(ip);
        const uint32_t expected = IsSpecialPurpose(a) ? 0 : reference(ip);
        ASSERT_EQ(intel.Lookup(a).asn, expected) << a.ToString() << " round " << round;
      }
    }
  }
}

TEST(TableBuilder, RandomIpv6TablesMatchABruteForceReference) {
  std::mt19937_64 rng(48);
  for (int round = 0; round < 10; ++round) {
    std::vector<std::tuple<uint64_t, uint64_t, uint32_t>> ranges;  // high-half first/last (/64 units)
    std::vector<testing::TestRange> text;
    for (int i = 0; i < 200; ++i) {
      const uint64_t base = (rng() % 2 ? 0x2400000000000000ull : 0x2a0a6c8000000000ull) + (rng() % 100000) * 0x10000;
      const uint64_t last = base + rng() % (i % 7 == 0 ? 1000000 : 70000);
      const uint32_t asn = 1 + static_cast<uint32_t>(rng() % 30);
      ranges.emplace_back(base, last, asn);
      auto addr = [](uint64_t high, uint64_t low) {
        std::array<uint8_t, 16> b{};
        for (int k = 0; k < 8; ++k) b[k] = static_cast<uint8_t>(high >> (56 - 8 * k));
        for (int k = 0; k < 8; ++k) b[8 + k] = static_cast<uint8_t>(low >> (56 - 8 * k));
        return IpAddress::FromV6(b).ToString();
      };
      text.push_back({addr(base, 0), addr(last, ~0ull), asn, "Org"});
    }
    const NetworkIntel intel = BuildTable(text);
    for (int q = 0; q < 3000; ++q) {
      const auto& [first, last, asn] = ranges[rng() % ranges.size()];
      for (uint64_t high : {first, last, last + 1, first - 1, first + rng() % 1000}) {
        uint32_t expected = 0;
        uint64_t best_width = ~0ull;
        for (const auto& [f, l, a] : ranges)
          if (f <= high && high <= l && l - f < best_width) {
            best_width = l - f;
            expected = a;
          }
        std::array<uint8_t, 16> b{};
        for (int k = 0; k < 8; ++k) b[k] = static_cast<uint8_t>(high >> (56 - 8 * k));
        b[15] = static_cast<uint8_t>(rng());
        ASSERT_EQ(intel.Lookup(IpAddress::FromV6(b)).asn, expected) << IpAddress::FromV6(b).ToString();
      }
    }
  }
}

}  // namespace
}  // namespace pantau::netintel

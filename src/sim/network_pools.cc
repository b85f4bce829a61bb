#include "sim/network_pools.h"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "core/csv.h"
#include "netintel/ip_address.h"

namespace pantau::sim {

std::vector<uint32_t> Asns::All() const {
  std::vector<uint32_t> all;
  for (const auto* list : {&mobile, &fixed, &government, &hosting, &extra}) all.insert(all.end(), list->begin(), list->end());
  return all;
}

std::string Ipv4ToString(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

namespace {

// Calls add(asn, first, last) for every readable "first,last,asn,..." row of an ASN table whose ASN
// `wanted(asn)` accepts; unreadable rows are skipped, a CSV syntax error is returned.
template <typename Wanted, typename Add>
Status ForEachRange(std::string_view asn_csv, Wanted wanted, Add add) {
  CsvReader reader(asn_csv);
  std::vector<std::string_view> f;
  while (true) {
    auto more = reader.Next(f);
    if (!more) return std::unexpected(more.error());
    if (!*more) return Ok();
    if (f.size() < 3) continue;
    uint32_t asn = 0;
    if (std::from_chars(f[2].data(), f[2].data() + f[2].size(), asn).ec != std::errc{} || !wanted(asn)) continue;
    auto first = netintel::IpAddress::Parse(f[0]);
    auto last = netintel::IpAddress::Parse(f[1]);
    if (first && last) add(asn, *first, *last);
  }
}

}  // namespace

Result<NetworkPools> NetworkPools::FromAsnCsv(std::string_view asn_csv, const Asns& asns) {
  NetworkPools pools;
  pools.asns_ = asns;
  const std::vector<uint32_t> wanted = asns.All();
  PANTAU_RETURN_IF_ERROR(ForEachRange(
      asn_csv, [&](uint32_t asn) { return std::find(wanted.begin(), wanted.end(), asn) != wanted.end(); },
      [&](uint32_t asn, const netintel::IpAddress& first, const netintel::IpAddress& last) {
        if (!first.is_v4() || !last.is_v4()) return;
        pools.ranges_[asn].push_back({first.v4_bits(), last.v4_bits()});
        pools.sizes_[asn] += uint64_t{last.v4_bits()} - first.v4_bits() + 1;
      }));
  for (uint32_t asn : wanted)
    if (!pools.ranges_.contains(asn))
      return std::unexpected(Error::NotFound(fmt::format("AS{} has no IPv4 range in the ASN table", asn)));
  return pools;
}

Status NetworkPools::AddIpv6(std::string_view asn_csv) {
  return ForEachRange(
      asn_csv, [&](uint32_t asn) { return ranges_.contains(asn); },
      [&](uint32_t asn, const netintel::IpAddress& first, const netintel::IpAddress& last) {
        if (first.is_v4() || last.is_v4()) return;
        // Whole /48s only: a prefix the range covers from its first to its last address.
        const uint64_t lo = (first.v6_high() >> 16) + ((first.v6_high() & 0xffff) != 0 || first.v6_low() != 0);
        const uint64_t hi_end = last.v6_high() >> 16;
        const bool last_whole = (last.v6_high() & 0xffff) == 0xffff && last.v6_low() == ~uint64_t{0};
        if (!last_whole && hi_end == 0) return;
        const uint64_t hi = last_whole ? hi_end : hi_end - 1;
        if (hi >= lo) ranges6_[asn].push_back({lo, hi});
      });
}

Ipv6Prefix48 NetworkPools::RandomPrefix48(uint32_t asn, Rng& rng) const {
  const auto& ranges = ranges6_.at(asn);
  const Prefix48Range& r = ranges[rng.Below(ranges.size())];
  const uint64_t span = r.last - r.first;
  return r.first + (span == 0 ? 0 : rng.Below(std::min<uint64_t>(span, uint64_t{1} << 40) + 1));
}

std::string Ipv6ToString(uint64_t high, uint64_t low) {
  std::array<uint8_t, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<uint8_t>(high >> (56 - 8 * i));
    bytes[8 + i] = static_cast<uint8_t>(low >> (56 - 8 * i));
  }
  return netintel::IpAddress::FromV6(bytes).ToString();
}

NetworkPools NetworkPools::Synthetic(const Asns& asns) {
  NetworkPools pools;
  pools.asns_ = asns;
  uint32_t next = 10u << 24;
  for (uint32_t asn : asns.All()) {
    pools.ranges_[asn].push_back({next, next + 0xffff});
    pools.sizes_[asn] = 0x10000;
    next += 0x10000;
  }
  return pools;
}

uint32_t NetworkPools::RandomAddress(uint32_t asn, Rng& rng) const {
  const auto& ranges = ranges_.at(asn);
  uint64_t k = rng.Below(sizes_.at(asn));
  for (const Ipv4Range& r : ranges) {
    const uint64_t n = uint64_t{r.last} - r.first + 1;
    if (k < n) {
      uint32_t a = r.first + static_cast<uint32_t>(k);
      // Avoid network and broadcast-looking hosts so addresses look like real clients.
      if ((a & 255) == 0) a |= 1;
      if ((a & 255) == 255) a &= ~1u;
      return a;
    }
    k -= n;
  }
  return ranges.front().first | 1;
}

}  // namespace pantau::sim

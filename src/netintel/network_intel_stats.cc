// NetworkIntel::Stats: a walk over the whole table for `pantau netintel stats`.
#include <set>

#include "netintel/internal/uint128.h"
#include "netintel/network_intel.h"

namespace pantau::netintel {
namespace {

using U128 = internal::Uint128;

// How many CIDR prefixes the inclusive range [first, last] of a `bits`-bit space decomposes into.
uint64_t CidrCount(U128 first, U128 last, int bits) {
  uint64_t count = 0;
  const U128 space_max = bits == 128 ? ~U128{0} : (U128{1} << bits) - 1;
  while (true) {
    // The largest aligned block starting at `first` that stays within `last`.
    int size_log = 0;
    while (size_log < bits) {
      if (size_log + 1 == 128) {  // the whole IPv6 space; 1 << 128 does not fit
        if (first == 0 && last == space_max) size_log = 128;
        break;
      }
      const U128 block = U128{1} << (size_log + 1);
      if ((first & (block - 1)) != 0 || first + (block - 1) > last) break;
      ++size_log;
    }
    ++count;
    const U128 block_last = size_log == 128 ? space_max : first + ((U128{1} << size_log) - 1);
    if (block_last >= last) return count;
    first = block_last + 1;
  }
}

}  // namespace

TableStats NetworkIntel::Stats() const {
  TableStats s;
  if (header_ == nullptr) return s;
  const FileHeader& h = *header_;
  s.data_version = std::string(data_version());
  s.rules_digest = h.rules_digest;
  s.rule_count = h.rule_count;
  s.file_size = h.file_size;
  s.v4_ranges = h.v4_range_count;
  s.v6_ranges = h.v6_range_count;
  std::set<uint16_t> regions;
  for (uint32_t i = 1; i < h.entry_count; ++i) {
    const EntryRecord& e = entries_[i];
    ++s.by_class[e.network_class].orgs;
    if (e.region != kNoRegion) regions.insert(e.region);
    if (e.network_class == static_cast<uint8_t>(NetworkClass::kGovernment)) {
      ++s.government_orgs;
      if (e.region != kNoRegion) ++s.government_orgs_with_region;
    }
  }
  s.regions_covered = regions.size();
  for (uint32_t i = 0; i < h.v4_range_count; ++i) {
    const EntryRecord& e = entries_[v4_entries_[i]];
    if (e.asn == 0) continue;
    const U128 first = v4_starts_[i];
    const U128 last = i + 1 < h.v4_range_count ? U128{v4_starts_[i + 1]} - 1 : U128{0xffffffffu};
    ClassStats& c = s.by_class[e.network_class];
    ++c.v4_ranges;
    c.v4_prefixes += CidrCount(first, last, 32);
    c.v4_addresses += static_cast<uint64_t>(last - first + 1);
  }
  for (uint32_t i = 0; i < h.v6_range_count; ++i) {
    const EntryRecord& e = entries_[v6_entries_[i]];
    if (e.asn == 0) continue;
    auto key = [this](uint32_t at) { return (U128{v6_high_[at]} << 64) | v6_low_[at]; };
    const U128 first = key(i);
    const U128 last = i + 1 < h.v6_range_count ? key(i + 1) - 1 : ~U128{0};
    ClassStats& c = s.by_class[e.network_class];
    ++c.v6_ranges;
    c.v6_prefixes += CidrCount(first, last, 128);
  }
  return s;
}

}  // namespace pantau::netintel

// The binary ASN table (asn.bin): written by TableBuilder at build time, memory-mapped by NetworkIntel.
//
// Little-endian, version 1. A 128-byte FileHeader, then ten sections in this fixed order, each
// starting at a 16-byte aligned offset derived from the header's counts (no stored offsets to corrupt):
//   v4_starts   uint32[v4_range_count]   ascending; v4_starts[0] == 0. Range i covers addresses
//                                        [v4_starts[i], v4_starts[i+1]) — gaps in the data are ranges
//                                        of entry 0, so a lookup is "the last start <= address".
//   v4_entries  uint32[v4_range_count]   entry index of each range
//   v4_index    uint32[2^16 + 1]         v4_index[b] = first i with v4_starts[i] >= b << 16; the last
//                                        slot is v4_range_count. Narrows a search to one /16.
//   v6_high     uint64[v6_range_count]   the IPv6 starts' high 64 bits } (high, low) ascending as a pair;
//   v6_low      uint64[v6_range_count]   and low 64 bits              } the first start is ::. Split so
//                                        that a lookup searches 8-byte keys (most boundaries are /64
//                                        aligned; equal highs occur only where a /64 is split).
//   v6_entries  uint32[v6_range_count]
//   v6_index    uint32[2^16 + 1]         the same over the top 16 bits of v6_high
//   entries     EntryRecord[entry_count] one per distinct (ASN, organisation); entry 0 = no data
//   regions     RegionRecord[region_count]  region codes ("71.73") the entries refer to
//   org_pool    char[org_pool_size]      interned organisation names, concatenated, not terminated
// checksum is Checksum64 of every byte after the header. Adjacent ranges with the same entry are
// merged; overlapping source ranges were resolved with the narrowest range winning. For
// @ip-location-db/asn 2.3.2026061719 the file is 11.3 MB: 467k IPv4 and 178k IPv6 ranges (gaps
// included), 91k entries, 2.3 MB of names.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace pantau::netintel {

static_assert(std::endian::native == std::endian::little, "the ASN table format is little-endian");

inline constexpr char kTableMagic[8] = {'P', 'N', 'T', 'A', 'U', 'A', 'S', 'N'};
inline constexpr uint32_t kTableVersion = 1;
inline constexpr uint32_t kIndexBits = 16;
inline constexpr uint32_t kIndexSlots = (1u << kIndexBits) + 1;
inline constexpr uint16_t kNoRegion = 0xffff;
inline constexpr size_t kDataVersionSize = 48;

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_size;  // sizeof(FileHeader)
  uint64_t file_size;
  uint64_t checksum;      // Checksum64 of bytes [header_size, file_size)
  uint64_t rules_digest;  // ClassificationRules::digest() of the rules that classified the entries
  uint32_t rule_count;
  uint32_t index_bits;  // kIndexBits
  uint32_t v4_range_count;
  uint32_t v6_range_count;
  uint32_t entry_count;
  uint32_t region_count;
  uint32_t org_pool_size;
  uint32_t reserved;
  char data_version[kDataVersionSize];  // NUL-padded, e.g. "@ip-location-db/asn 2.3.2026061719"
  uint8_t padding[8];
};
static_assert(sizeof(FileHeader) == 128);

struct EntryRecord {
  uint32_t asn;
  uint32_t org_offset;  // into org_pool
  uint16_t org_length;
  uint8_t network_class;  // NetworkClass
  uint8_t reserved;
  uint16_t region;  // index into regions, or kNoRegion
  uint16_t reserved2;
};
static_assert(sizeof(EntryRecord) == 16);

struct RegionRecord {
  char code[8];  // NUL-padded "71" or "71.73"
};
static_assert(sizeof(RegionRecord) == 8);

// Section offsets implied by a header's counts.
struct TableLayout {
  uint64_t v4_starts, v4_entries, v4_index;
  uint64_t v6_high, v6_low, v6_entries, v6_index;
  uint64_t entries, regions, org_pool;
  uint64_t end;  // the file size the counts imply
};

constexpr uint64_t AlignTo16(uint64_t n) { return (n + 15) & ~uint64_t{15}; }

constexpr TableLayout ComputeLayout(const FileHeader& h) {
  TableLayout l{};
  uint64_t at = sizeof(FileHeader);
  auto place = [&at](uint64_t bytes) {
    const uint64_t offset = AlignTo16(at);
    at = offset + bytes;
    return offset;
  };
  l.v4_starts = place(uint64_t{h.v4_range_count} * 4);
  l.v4_entries = place(uint64_t{h.v4_range_count} * 4);
  l.v4_index = place(uint64_t{kIndexSlots} * 4);
  l.v6_high = place(uint64_t{h.v6_range_count} * 8);
  l.v6_low = place(uint64_t{h.v6_range_count} * 8);
  l.v6_entries = place(uint64_t{h.v6_range_count} * 4);
  l.v6_index = place(uint64_t{kIndexSlots} * 4);
  l.entries = place(uint64_t{h.entry_count} * sizeof(EntryRecord));
  l.regions = place(uint64_t{h.region_count} * sizeof(RegionRecord));
  l.org_pool = place(h.org_pool_size);
  l.end = at;
  return l;
}

}  // namespace pantau::netintel

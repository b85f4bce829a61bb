// NetworkIntel: what kind of network an IP address belongs to — its AS number, organisation, network
// class (government / mobile / fixed / hosting / unknown) and, for regional-government networks, the
// Kemendagri region — read from the binary ASN table (table_format.h) built from @ip-location-db/asn.
//
// Open() memory-maps and fully validates the table once (a few milliseconds); Lookup() is then a
// bounded search in read-only memory: noexcept, allocation-free, and safe from any number of threads.
// Special-purpose addresses (private, loopback, CGNAT 100.64/10, link-local, ...) are always unknown.
//   PANTAU_ASSIGN_OR_RETURN(NetworkIntel intel, NetworkIntel::Open(DefaultTablePath()));
//   LookupResult r = intel.Lookup(ip);   // r.asn 23693, r.network_class kMobile
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ids.h"
#include "core/network_class.h"
#include "netintel/ip_address.h"
#include "netintel/table_format.h"

namespace pantau::netintel {

struct LookupResult {
  uint32_t asn = 0;      // 0 when the address is not in the table
  std::string_view org;  // points into the table; valid while the NetworkIntel lives
  NetworkClass network_class = NetworkClass::kUnknown;
  std::optional<RegionCode> region;  // government networks linked to a region ("71.73")
};

// Counts for `pantau netintel stats`, one per network class.
struct ClassStats {
  uint64_t orgs = 0;         // distinct (ASN, organisation) entries
  uint64_t v4_ranges = 0;    // contiguous ranges after merging
  uint64_t v4_prefixes = 0;  // the CIDR prefixes those ranges decompose into
  uint64_t v4_addresses = 0;
  uint64_t v6_ranges = 0;
  uint64_t v6_prefixes = 0;
};

struct TableStats {
  std::string data_version;
  uint64_t rules_digest = 0;
  uint32_t rule_count = 0;
  uint64_t file_size = 0;
  uint64_t v4_ranges = 0;  // including the gaps between data ranges
  uint64_t v6_ranges = 0;
  std::array<ClassStats, 5> by_class{};  // indexed by NetworkClass
  uint64_t government_orgs = 0;
  uint64_t government_orgs_with_region = 0;  // of which linked to a region (regency, city or province)
  uint64_t regions_covered = 0;              // distinct region codes referred to

  const ClassStats& of(NetworkClass c) const { return by_class[static_cast<size_t>(c)]; }
};

class NetworkIntel {
 public:
  // Maps the table at `path` read-only. NotFound / PermissionDenied / Unavailable when the file cannot
  // be opened or mapped (the message names the path); DataLoss when it is not a valid table: wrong
  // magic, unsupported version, sizes that disagree with the file, a checksum mismatch, or sections
  // that break an invariant lookups rely on (unsorted starts, indexes out of range).
  static Result<NetworkIntel> Open(const std::string& path);
  // The same validation over bytes held in memory (copied); for tests and embedded tables.
  static Result<NetworkIntel> FromBytes(std::string_view bytes);
  // A table with no data: every lookup is unknown. For running without a table.
  static NetworkIntel Empty();

  NetworkIntel(NetworkIntel&& other) noexcept;
  NetworkIntel& operator=(NetworkIntel&& other) noexcept;
  NetworkIntel(const NetworkIntel&) = delete;
  NetworkIntel& operator=(const NetworkIntel&) = delete;
  ~NetworkIntel();

  LookupResult Lookup(const IpAddress& address) const noexcept;

  bool empty() const { return header_ == nullptr; }
  // "@ip-location-db/asn 2.3.2026061719"; empty for Empty().
  std::string_view data_version() const;
  // Walks the whole table (a few milliseconds); for the CLI, not for request paths.
  TableStats Stats() const;

 private:
  NetworkIntel() = default;
  static Result<NetworkIntel> Adopt(NetworkIntel intel, std::string_view source);
  void Release() noexcept;

  // Ownership: either an mmap'ed region or a heap copy (or neither, for Empty()).
  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::unique_ptr<uint64_t[]> heap_;

  const FileHeader* header_ = nullptr;
  const uint32_t* v4_starts_ = nullptr;
  const uint32_t* v4_entries_ = nullptr;
  const uint32_t* v4_index_ = nullptr;
  const uint64_t* v6_high_ = nullptr;
  const uint64_t* v6_low_ = nullptr;
  const uint32_t* v6_entries_ = nullptr;
  const uint32_t* v6_index_ = nullptr;
  const EntryRecord* entries_ = nullptr;
  const RegionRecord* regions_ = nullptr;
  const char* org_pool_ = nullptr;
};

// The table the build wrote (${PROJECT_BINARY_DIR}/data/asn.bin), used when neither --asn-table nor
// PANTAU_ASN_TABLE names one.
std::string DefaultTablePath();

}  // namespace pantau::netintel

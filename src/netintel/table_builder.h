// TableBuilder: compiles ASN ranges and the classification rules into the binary table described in
// table_format.h. Used by the build-time generator (tools/netintel/gen_asn_table.cc) and by tests that
// need a small table; the server never builds tables.
//
// Ranges may arrive in any order and may overlap (the upstream data has a few overlaps): where they
// do, the narrowest range wins, and of two equal ranges the one added first. Each distinct
// (ASN, organisation) is classified once. Not thread-safe; no I/O.
//   TableBuilder builder(rules);
//   PANTAU_RETURN_IF_ERROR(builder.AddRange(first, last, 23693, "PT. Telekomunikasi Selular"));
//   PANTAU_ASSIGN_OR_RETURN(std::string bytes, builder.Build("@ip-location-db/asn 2.3.2026061719"));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "netintel/classification_rules.h"
#include "netintel/internal/uint128.h"
#include "netintel/ip_address.h"
#include "netintel/table_format.h"

namespace pantau::netintel {

// What became of one (ASN, organisation) in a built table: for review reports and tests.
struct EntryReport {
  uint32_t asn = 0;
  std::string org;
  Classification classification;
  uint64_t v4_addresses = 0;  // addresses this entry won after overlap resolution
  uint64_t v6_ranges = 0;
};

class TableBuilder {
 public:
  // `rules` must outlive the builder and its reports.
  explicit TableBuilder(const ClassificationRules& rules);

  // Adds the inclusive range [first, last]. InvalidArgument when the families differ, first > last,
  // the organisation name is longer than 65535 bytes, or the ASN is 0 (0 means "no data").
  Status AddRange(const IpAddress& first, const IpAddress& last, uint32_t asn, std::string_view org);

  // The table file. `data_version` (at most 47 bytes) names the source data. ResourceExhausted when a
  // count overflows the format's 32-bit fields. May be called once.
  Result<std::string> Build(std::string_view data_version);

  // After Build: one report per entry that owns at least one range, in entry order.
  const std::vector<EntryReport>& entries() const { return reports_; }

 private:
  using Key = internal::Uint128;
  struct Source {
    Key first;
    Key last;
    uint32_t entry;
  };
  struct Segment {
    Key start;
    uint32_t entry;  // 0 = gap
  };

  // The file's entry, region and organisation sections.
  struct Entries {
    std::vector<EntryRecord> records;
    std::vector<RegionRecord> regions;
    std::string pool;
  };
  struct Ranges {
    std::vector<uint32_t> v4_starts, v4_entries, v6_entries;
    std::vector<uint64_t> v6_high, v6_low;
  };

  // Non-overlapping segments covering [0, max], the first starting at 0.
  static std::vector<Segment> Resolve(std::vector<Source> sources, Key max);
  // Classifies the used entries (indexes into entries_, entry 0 first) and fills reports_.
  Result<Entries> ClassifyEntries(const std::vector<uint32_t>& used);
  std::string Serialize(const Ranges& ranges, const Entries& entries, std::string_view data_version) const;

  const ClassificationRules* rules_;
  std::vector<Source> v4_;
  std::vector<Source> v6_;
  std::vector<std::pair<uint32_t, uint32_t>> entries_{{0, 0}};  // (asn, org id); entry 0 = no data
  std::unordered_map<uint64_t, uint32_t> entry_ids_;             // asn << 32 | org id -> entry
  std::vector<std::string> orgs_{""};
  std::unordered_map<std::string, uint32_t> org_ids_{{"", 0}};
  std::vector<EntryReport> reports_;
  bool built_ = false;
};

}  // namespace pantau::netintel

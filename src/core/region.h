// Region: a Kemendagri province or regency/city, and the directory of all of them (38 provinces,
// 514 regencies/cities) generated from the npm package idn-area-data (ODbL; see data/README.md).
//   const RegionDirectory& regions = RegionDirectory::Builtin();
//   if (const Region* r = regions.Find(RegionCode{"71.73"})) ...   // Kota Tomohon
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/enum_table.h"
#include "core/error.h"
#include "core/ids.h"

namespace pantau {

enum class RegionLevel { kProvince, kRegency, kCity };
inline constexpr EnumTable<RegionLevel, 3> kRegionLevelNames{{{
    {RegionLevel::kProvince, "province"},
    {RegionLevel::kRegency, "regency"},
    {RegionLevel::kCity, "city"},
}}};

struct Region {
  RegionCode code;         // "71" or "71.73"
  std::string name;        // "Kota Tomohon"
  RegionLevel level = RegionLevel::kProvince;
  RegionCode province;     // "71"; equals code for provinces
};

// An immutable, indexed set of regions. Thread-safe for reads.
class RegionDirectory {
 public:
  // Parses "code,name" CSV lines (header "code,name"); the level follows from the code and name.
  // InvalidArgument names the first bad line.
  static Result<RegionDirectory> FromCsv(std::string_view csv);
  // The directory compiled into the binary from data/regions.csv.
  static const RegionDirectory& Builtin();

  const Region* Find(const RegionCode& code) const;
  std::span<const Region> All() const { return regions_; }
  size_t ProvinceCount() const;
  size_t RegencyAndCityCount() const { return regions_.size() - ProvinceCount(); }

 private:
  std::vector<Region> regions_;
  std::unordered_map<std::string, size_t> by_code_;
};

}  // namespace pantau

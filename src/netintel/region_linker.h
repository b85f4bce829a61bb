// RegionLinker: ties a government organisation name to a Kemendagri region code, so that a vote from
// "PEMERINTAH KOTA TOMOHON" can be tied to 71.73 and one from "Diskominfo Kab. Bogor" to 32.01.
//
// It reads normalised words (OrgName, aliases applied). First it looks for a level word followed by a
// region name — KABUPATEN <regency>, KOTA <city>, PROVINSI <province> — or a city name followed by KOTA
// ("TANGERANG KOTA"); only if there is none does it accept a bare name that names exactly one region
// ("DISKOMINFO KLATEN"). Names compare without spaces ("PALANGKA RAYA" = "Palangkaraya"). A name that
// fits several regions is never guessed: "DINAS KOMINFO PASURUAN" (the regency or the city?) links only
// to their province, 35; names fitting regions of different provinces stay unlinked. A province next
// to one of its own regencies yields the regency. Immutable after construction; thread-safe for reads.
//   RegionLinker linker(RegionDirectory::Builtin());
//   linker.Link(OrgName::Normalise("Pemerintah Kota Tomohon", aliases).words()).code;  // 71.73
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/enum_table.h"
#include "core/ids.h"
#include "core/region.h"

namespace pantau::netintel {

enum class LinkStatus : uint8_t {
  kLinked,     // code is set
  kNoName,     // no region name in the organisation name (national bodies, typos the aliases miss)
  kProvinceOnly,  // several regencies/cities of one province fit; code is that province
  kAmbiguous,     // several regions in different provinces fit; candidates lists them
};

inline constexpr EnumTable<LinkStatus, 4> kLinkStatusNames{{{
    {LinkStatus::kLinked, "linked"},
    {LinkStatus::kNoName, "no-region-name"},
    {LinkStatus::kProvinceOnly, "province-only"},
    {LinkStatus::kAmbiguous, "ambiguous"},
}}};

struct RegionLink {
  LinkStatus status = LinkStatus::kNoName;
  std::optional<RegionCode> code;       // set when linked or province-only
  std::vector<RegionCode> candidates;  // every region that fitted, when more than one did
};

class RegionLinker {
 public:
  // `regions` must outlive the linker.
  explicit RegionLinker(const RegionDirectory& regions);

  RegionLink Link(std::span<const std::string> words) const;

 private:
  enum Level { kProvince, kRegency, kCity, kAny, kLevels };
  struct Match {
    size_t begin = 0;
    size_t end = 0;  // one past the last word
    const std::vector<size_t>* regions = nullptr;
  };

  // The longest run of words starting at `begin` that names a region of `level`.
  std::optional<Match> Forward(std::span<const std::string> words, size_t begin, Level level) const;
  // The longest run of words ending just before `end` that names a region of `level`.
  std::optional<Match> Backward(std::span<const std::string> words, size_t end, Level level) const;
  RegionLink Resolve(const std::vector<Match>& matches) const;

  const RegionDirectory* regions_;
  std::unordered_map<std::string, std::vector<size_t>> by_name_[kLevels];  // squashed name -> regions
  size_t longest_name_words_ = 1;
};

}  // namespace pantau::netintel

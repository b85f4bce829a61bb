#include "netintel/region_linker.h"

#include <algorithm>
#include <set>

#include "netintel/org_name.h"

namespace pantau::netintel {
namespace {

constexpr size_t kMaxNameWords = 8;

std::string Squash(std::span<const std::string> words) {
  std::string out;
  for (const std::string& w : words) out += w;
  return out;
}

}  // namespace

RegionLinker::RegionLinker(const RegionDirectory& regions) : regions_(&regions) {
  const auto all = regions.All();
  for (size_t i = 0; i < all.size(); ++i) {
    const Region& region = all[i];
    std::vector<std::string> words = SplitOrgWords(region.name);
    Level level = kProvince;
    if (region.level == RegionLevel::kRegency) level = kRegency;
    if (region.level == RegionLevel::kCity) level = kCity;
    // "Kabupaten Bogor" -> "BOGOR"; "Kota Administrasi Jakarta Pusat" -> "JAKARTA PUSAT" as well as
    // "ADMINISTRASI JAKARTA PUSAT".
    if (level != kProvince && !words.empty() && (words.front() == "KABUPATEN" || words.front() == "KOTA"))
      words.erase(words.begin());
    std::vector<std::vector<std::string>> forms{words};
    if (!words.empty() && words.front() == "ADMINISTRASI") forms.emplace_back(words.begin() + 1, words.end());
    for (const auto& form : forms) {
      if (form.empty()) continue;
      longest_name_words_ = std::max(longest_name_words_, std::min(form.size(), kMaxNameWords));
      const std::string key = Squash(form);
      for (Level l : {level, kAny}) {
        auto& list = by_name_[l][key];
        if (std::find(list.begin(), list.end(), i) == list.end()) list.push_back(i);
      }
    }
  }
}

std::optional<RegionLinker::Match> RegionLinker::Forward(std::span<const std::string> words, size_t begin,
                                                         Level level) const {
  std::optional<Match> best;
  std::string key;
  for (size_t end = begin; end < words.size() && end - begin < longest_name_words_; ++end) {
    key += words[end];
    if (auto it = by_name_[level].find(key); it != by_name_[level].end()) best = Match{begin, end + 1, &it->second};
  }
  return best;
}

std::optional<RegionLinker::Match> RegionLinker::Backward(std::span<const std::string> words, size_t end,
                                                          Level level) const {
  std::optional<Match> best;
  for (size_t count = 1; count <= longest_name_words_ && count <= end; ++count) {
    const std::string key = Squash(words.subspan(end - count, count));
    if (auto it = by_name_[level].find(key); it != by_name_[level].end()) best = Match{end - count, end, &it->second};
  }
  return best;
}

RegionLink RegionLinker::Link(std::span<const std::string> words) const {
  std::vector<Match> matches;
  size_t covered = 0;  // words before this index are part of an earlier match
  for (size_t p = 0; p < words.size(); ++p) {
    if (p < covered) continue;
    Level level;
    if (words[p] == "KABUPATEN") level = kRegency;
    else if (words[p] == "KOTA") level = kCity;
    else if (words[p] == "PROVINSI") level = kProvince;
    else continue;
    if (auto m = Forward(words, p + 1, level)) {
      matches.push_back(*m);
      covered = m->end;
    } else if (level == kCity) {
      // "DINAS KOMUNIKASI DAN INFORMATIKA TANGERANG KOTA"
      if (auto b = Backward(words, p, kCity); b && b->begin >= covered) {
        matches.push_back(*b);
        covered = p + 1;
      }
    }
  }
  if (matches.empty()) {
    for (size_t p = 0; p < words.size();) {
      if (auto m = Forward(words, p, kAny)) {
        matches.push_back(*m);
        p = m->end;
      } else {
        ++p;
      }
    }
  }
  return Resolve(matches);
}

RegionLink RegionLinker::Resolve(const std::vector<Match>& matches) const {
  RegionLink link;
  if (matches.empty()) return link;
  const auto all = regions_->All();
  std::set<size_t> candidates;
  for (const Match& m : matches) candidates.insert(m.regions->begin(), m.regions->end());
  // A province next to one of its own regencies or cities adds nothing: keep the more specific one.
  std::set<size_t> specific;
  for (size_t c : candidates) {
    const Region& r = all[c];
    const bool redundant_province =
        r.level == RegionLevel::kProvince && std::any_of(candidates.begin(), candidates.end(), [&](size_t o) {
          return all[o].level != RegionLevel::kProvince && all[o].province == r.code;
        });
    if (!redundant_province) specific.insert(c);
  }
  if (specific.size() == 1) {
    link.status = LinkStatus::kLinked;
    link.code = all[*specific.begin()].code;
    return link;
  }
  for (size_t c : specific) link.candidates.push_back(all[c].code);
  const RegionCode& province = all[*specific.begin()].province;
  const bool one_province = std::all_of(specific.begin(), specific.end(),
                                        [&](size_t c) { return all[c].province == province; });
  if (one_province) {
    link.status = LinkStatus::kProvinceOnly;
    link.code = province;
  } else {
    link.status = LinkStatus::kAmbiguous;
  }
  return link;
}

}  // namespace pantau::netintel

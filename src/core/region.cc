#include "core/region.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace pantau {

extern const std::string_view kBuiltinRegionsCsv;  // generated from data/regions.csv (regions_data.cc)

namespace {

bool ValidCode(std::string_view code) {
  // "NN" or "NN.NN"
  auto digits = [](std::string_view s) {
    return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (code.size() == 2) return digits(code);
  return code.size() == 5 && code[2] == '.' && digits(code.substr(0, 2)) && digits(code.substr(3));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

}  // namespace

Result<RegionDirectory> RegionDirectory::FromCsv(std::string_view csv) {
  RegionDirectory dir;
  size_t line_no = 0;
  while (!csv.empty()) {
    const size_t nl = csv.find('\n');
    std::string_view line = Trim(csv.substr(0, nl));
    csv = nl == std::string_view::npos ? std::string_view{} : csv.substr(nl + 1);
    ++line_no;
    if (line.empty() || (line_no == 1 && line == "code,name")) continue;
    const size_t comma = line.find(',');
    if (comma == std::string_view::npos)
      return std::unexpected(Error::InvalidArgument(fmt::format("regions line {}: expected code,name", line_no)));
    std::string_view code = line.substr(0, comma);
    std::string_view name = line.substr(comma + 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (!ValidCode(code) || name.empty())
      return std::unexpected(Error::InvalidArgument(fmt::format("regions line {}: bad code '{}'", line_no, code)));
    Region region;
    region.code = RegionCode{std::string(code)};
    region.name = std::string(name);
    region.province = RegionCode{std::string(code.substr(0, 2))};
    if (code.size() == 2) region.level = RegionLevel::kProvince;
    else if (name.starts_with("Kota ") || name.starts_with("KOTA ")) region.level = RegionLevel::kCity;
    else region.level = RegionLevel::kRegency;
    if (region.level != RegionLevel::kProvince && !dir.by_code_.contains(region.province.value()))
      return std::unexpected(Error::InvalidArgument(
          fmt::format("regions line {}: province {} must come before {}", line_no, region.province.value(), code)));
    if (!dir.by_code_.emplace(region.code.value(), dir.regions_.size()).second)
      return std::unexpected(Error::InvalidArgument(fmt::format("regions line {}: duplicate code {}", line_no, code)));
    dir.regions_.push_back(std::move(region));
  }
  return dir;
}

const RegionDirectory& RegionDirectory::Builtin() {
  static const RegionDirectory dir = [] {
    auto parsed = FromCsv(kBuiltinRegionsCsv);
    if (!parsed) throw std::runtime_error("built-in region data is invalid: " + parsed.error().message);
    return std::move(*parsed);
  }();
  return dir;
}

const Region* RegionDirectory::Find(const RegionCode& code) const {
  auto it = by_code_.find(code.value());
  return it == by_code_.end() ? nullptr : &regions_[it->second];
}

size_t RegionDirectory::ProvinceCount() const {
  return static_cast<size_t>(std::count_if(regions_.begin(), regions_.end(),
                                           [](const Region& r) { return r.level == RegionLevel::kProvince; }));
}

}  // namespace pantau

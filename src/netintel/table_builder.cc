#include "netintel/table_builder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <queue>

#include <fmt/format.h>

#include "netintel/internal/checksum.h"
#include "netintel/table_format.h"

namespace pantau::netintel {
namespace {

using Key = internal::Uint128;

constexpr uint64_t kMax32 = std::numeric_limits<uint32_t>::max();

Key KeyOf(const IpAddress& a) {
  if (a.is_v4()) return a.v4_bits();
  return (Key{a.v6_high()} << 64) | a.v6_low();
}

template <typename T>
void Put(std::string& out, uint64_t offset, const std::vector<T>& values) {
  if (!values.empty()) std::memcpy(out.data() + offset, values.data(), values.size() * sizeof(T));
}

// index[b] = first i with starts[i] >= b << shift, for b in [0, 2^16]; index[2^16] = starts.size().
template <typename K>
std::vector<uint32_t> BuildIndex(const std::vector<K>& starts, int shift, auto top_bits) {
  std::vector<uint32_t> index(kIndexSlots);
  size_t i = 0;
  for (uint64_t b = 0; b < (uint64_t{1} << kIndexBits); ++b) {
    while (i < starts.size() && top_bits(starts[i], shift) < b) ++i;
    index[b] = static_cast<uint32_t>(i);
  }
  index[kIndexSlots - 1] = static_cast<uint32_t>(starts.size());
  return index;
}

}  // namespace

TableBuilder::TableBuilder(const ClassificationRules& rules) : rules_(&rules) {}

Status TableBuilder::AddRange(const IpAddress& first, const IpAddress& last, uint32_t asn, std::string_view org) {
  if (first.is_v4() != last.is_v4())
    return std::unexpected(Error::InvalidArgument(
        fmt::format("range {} - {} mixes IPv4 and IPv6", first.ToString(), last.ToString())));
  if (last < first)
    return std::unexpected(
        Error::InvalidArgument(fmt::format("range {} - {} ends before it starts", first.ToString(), last.ToString())));
  if (asn == 0) return std::unexpected(Error::InvalidArgument("AS number 0 is reserved for 'no data'"));
  if (org.size() > std::numeric_limits<uint16_t>::max())
    return std::unexpected(Error::InvalidArgument("organisation name longer than 65535 bytes"));
  auto [org_it, new_org] = org_ids_.try_emplace(std::string(org), static_cast<uint32_t>(orgs_.size()));
  if (new_org) orgs_.emplace_back(org);
  const uint64_t entry_key = uint64_t{asn} << 32 | org_it->second;
  auto [entry_it, new_entry] = entry_ids_.try_emplace(entry_key, static_cast<uint32_t>(entries_.size()));
  if (new_entry) entries_.emplace_back(asn, org_it->second);
  (first.is_v4() ? v4_ : v6_).push_back(Source{KeyOf(first), KeyOf(last), entry_it->second});
  return Ok();
}

std::vector<TableBuilder::Segment> TableBuilder::Resolve(std::vector<Source> sources, Key max) {
  // A sweep over every range boundary; at each one the narrowest range still open owns the segment.
  struct Open {
    Key size;
    size_t order;
    Key last;
    uint32_t entry;
    bool operator>(const Open& o) const { return size != o.size ? size > o.size : order > o.order; }
  };
  std::vector<size_t> order(sources.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sources[a].first < sources[b].first; });
  std::vector<Key> bounds;
  bounds.reserve(sources.size() * 2);
  for (const Source& s : sources) {
    bounds.push_back(s.first);
    if (s.last != max) bounds.push_back(s.last + 1);  // a range reaching the top of the space has no end bound
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());

  std::vector<Segment> segments{{0, 0}};
  std::priority_queue<Open, std::vector<Open>, std::greater<>> open;
  size_t next = 0;
  for (const Key b : bounds) {
    while (next < order.size() && sources[order[next]].first <= b) {
      const Source& s = sources[order[next]];
      open.push(Open{s.last - s.first, order[next], s.last, s.entry});
      ++next;
    }
    while (!open.empty() && open.top().last < b) open.pop();
    const uint32_t entry = open.empty() ? 0 : open.top().entry;
    if (segments.back().start == b) segments.back().entry = entry;
    else if (segments.back().entry != entry) segments.push_back({b, entry});
    if (segments.size() >= 2 && segments[segments.size() - 2].entry == segments.back().entry) segments.pop_back();
  }
  return segments;
}

Result<std::string> TableBuilder::Build(std::string_view data_version) {
  if (built_) return std::unexpected(Error::FailedPrecondition("TableBuilder::Build called twice"));
  built_ = true;
  if (data_version.size() >= kDataVersionSize)
    return std::unexpected(Error::InvalidArgument("data version longer than 47 bytes"));
  const std::vector<Segment> v4 = Resolve(std::move(v4_), std::numeric_limits<uint32_t>::max());
  const std::vector<Segment> v6 = Resolve(std::move(v6_), std::numeric_limits<Key>::max());
  if (v4.size() > kMax32 || v6.size() > kMax32 || entries_.size() > kMax32)
    return std::unexpected(Error::ResourceExhausted("ASN table too large for format version 1"));

  // Keep only the entries that own a segment, numbered in order of first use.
  std::vector<uint32_t> remap(entries_.size(), std::numeric_limits<uint32_t>::max());
  std::vector<uint32_t> used{0};
  remap[0] = 0;
  for (const auto* family : {&v4, &v6})
    for (const Segment& s : *family)
      if (remap[s.entry] == std::numeric_limits<uint32_t>::max()) {
        remap[s.entry] = static_cast<uint32_t>(used.size());
        used.push_back(s.entry);
      }
  reports_.assign(used.size(), EntryReport{});
  for (size_t i = 0; i < v4.size(); ++i) {
    const Key end = i + 1 < v4.size() ? v4[i + 1].start : Key{1} << 32;
    reports_[remap[v4[i].entry]].v4_addresses += static_cast<uint64_t>(end - v4[i].start);
  }
  for (const Segment& s : v6) ++reports_[remap[s.entry]].v6_ranges;

  PANTAU_ASSIGN_OR_RETURN(Entries entries, ClassifyEntries(used));
  Ranges ranges;
  for (const Segment& s : v4) {
    ranges.v4_starts.push_back(static_cast<uint32_t>(s.start));
    ranges.v4_entries.push_back(remap[s.entry]);
  }
  for (const Segment& s : v6) {
    ranges.v6_high.push_back(static_cast<uint64_t>(s.start >> 64));
    ranges.v6_low.push_back(static_cast<uint64_t>(s.start));
    ranges.v6_entries.push_back(remap[s.entry]);
  }
  return Serialize(ranges, entries, data_version);
}

Result<TableBuilder::Entries> TableBuilder::ClassifyEntries(const std::vector<uint32_t>& used) {
  Entries out;
  out.records.assign(used.size(), EntryRecord{});
  out.records[0].region = kNoRegion;
  std::unordered_map<std::string, uint16_t> region_ids;
  std::unordered_map<uint32_t, uint32_t> pool_offsets;  // org id -> offset
  for (size_t i = 1; i < used.size(); ++i) {
    const auto [asn, org_id] = entries_[used[i]];
    const std::string& org = orgs_[org_id];
    EntryReport& report = reports_[i];
    report.asn = asn;
    report.org = org;
    report.classification = rules_->Classify(asn, org);
    auto [pool_it, new_org] = pool_offsets.try_emplace(org_id, static_cast<uint32_t>(out.pool.size()));
    if (new_org) out.pool += org;
    if (out.pool.size() > kMax32) return std::unexpected(Error::ResourceExhausted("organisation names exceed 4 GiB"));
    EntryRecord& r = out.records[i];
    r.asn = asn;
    r.org_offset = pool_it->second;
    r.org_length = static_cast<uint16_t>(org.size());
    r.network_class = static_cast<uint8_t>(report.classification.network_class);
    r.region = kNoRegion;
    if (const auto& code = report.classification.region) {
      auto [region_it, new_region] = region_ids.try_emplace(code->value(), static_cast<uint16_t>(out.regions.size()));
      if (new_region) {
        if (out.regions.size() >= kNoRegion) return std::unexpected(Error::ResourceExhausted("too many regions"));
        RegionRecord rec{};
        std::memcpy(rec.code, code->value().data(), std::min(code->value().size(), sizeof rec.code - 1));
        out.regions.push_back(rec);
      }
      r.region = region_it->second;
    }
  }
  return out;
}

std::string TableBuilder::Serialize(const Ranges& ranges, const Entries& entries, std::string_view data_version) const {
  const auto v4_index =
      BuildIndex(ranges.v4_starts, 32 - kIndexBits, [](uint32_t k, int shift) { return uint64_t{k} >> shift; });
  const auto v6_index =
      BuildIndex(ranges.v6_high, 64 - kIndexBits, [](uint64_t k, int shift) { return k >> shift; });
  FileHeader h{};
  std::memcpy(h.magic, kTableMagic, sizeof h.magic);
  h.version = kTableVersion;
  h.header_size = sizeof(FileHeader);
  h.rules_digest = rules_->digest();
  h.rule_count = static_cast<uint32_t>(rules_->rules().size());
  h.index_bits = kIndexBits;
  h.v4_range_count = static_cast<uint32_t>(ranges.v4_starts.size());
  h.v6_range_count = static_cast<uint32_t>(ranges.v6_high.size());
  h.entry_count = static_cast<uint32_t>(entries.records.size());
  h.region_count = static_cast<uint32_t>(entries.regions.size());
  h.org_pool_size = static_cast<uint32_t>(entries.pool.size());
  std::memcpy(h.data_version, data_version.data(), data_version.size());
  const TableLayout layout = ComputeLayout(h);
  h.file_size = layout.end;

  std::string out(layout.end, '\0');
  Put(out, layout.v4_starts, ranges.v4_starts);
  Put(out, layout.v4_entries, ranges.v4_entries);
  Put(out, layout.v4_index, v4_index);
  Put(out, layout.v6_high, ranges.v6_high);
  Put(out, layout.v6_low, ranges.v6_low);
  Put(out, layout.v6_entries, ranges.v6_entries);
  Put(out, layout.v6_index, v6_index);
  Put(out, layout.entries, entries.records);
  Put(out, layout.regions, entries.regions);
  if (!entries.pool.empty()) std::memcpy(out.data() + layout.org_pool, entries.pool.data(), entries.pool.size());
  h.checksum = internal::Checksum64(
      std::as_bytes(std::span(out.data() + sizeof(FileHeader), out.size() - sizeof(FileHeader))));
  std::memcpy(out.data(), &h, sizeof h);
  return out;
}

}  // namespace pantau::netintel

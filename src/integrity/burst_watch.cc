#include "integrity/burst_watch.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "integrity/scan_detector.h"

namespace pantau::integrity {

namespace {

constexpr uint32_t kAlarmed = 0x8000'0000u;

uint64_t LocusKey(uint64_t level, std::string_view name) { return std::hash<std::string_view>{}(name) * 4 + level; }
uint64_t CellKey(uint64_t locus, size_t option) { return locus * 0x9e3779b97f4a7c15ull + option; }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

bool BurstWatch::Add(const Vote& vote) {
  if (vote.choice < 0 || vote.choice > 4096) return false;
  const auto option = static_cast<size_t>(vote.choice);
  if (per_option_.size() <= option) per_option_.resize(option + 1, 0);
  ++votes_;
  ++per_option_[option];
  const int64_t bin_ms = std::max<int64_t>(1, config_.bin_minutes) * 60'000;
  const int64_t index = FloorDiv(ToUnixMillis(vote.time), bin_ms);
  if (bins_.empty() || index > bins_.back().index) {
    bins_.push_back(Bin{.index = index});
    while (bins_.size() > 2 || (bins_.size() == 2 && bins_.front().index < index - 1)) bins_.pop_front();
  }
  Bin* bin = nullptr;
  for (Bin& b : bins_)
    if (b.index == index) bin = &b;
  if (bin != nullptr) {
    if (bin->per_option.size() <= option) bin->per_option.resize(option + 1, 0);
    ++bin->per_option[option];
  }
  bool alarm = Count(LocusKey(0, vote.locus.prefix), option, bin);
  if (!vote.share_token.empty()) alarm = Count(LocusKey(1, vote.share_token), option, bin) || alarm;
  return alarm;
}

bool BurstWatch::Count(uint64_t locus, size_t option, Bin* bin) {
  const uint64_t key = CellKey(locus, option);
  const uint32_t locus_k = ++per_locus_option_[key];
  if (bin == nullptr) return false;
  uint32_t& cell = bin->cells[key];
  ++cell;
  if ((cell & kAlarmed) != 0 || cell < config_.min_votes || votes_ < config_.min_poll_votes) return false;
  const double c = cell, total_k = static_cast<double>(per_option_[option]);
  const double mu = locus_k * static_cast<double>(bin->per_option[option]) / total_k;
  if (c < config_.min_ratio * mu || PoissonLlr(c, mu, total_k) < config_.min_llr) return false;
  cell |= kAlarmed;
  ++alarms_;
  return true;
}

}  // namespace pantau::integrity

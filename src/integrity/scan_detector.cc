#include "integrity/scan_detector.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace pantau::integrity {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr uint32_t kSkip = UINT32_MAX;

// Dense group keys of one level (kSkip: the vote has no such locus).
std::vector<uint32_t> GroupKeys(const VoteLog& log, LocusLevel level, uint32_t& groups) {
  const size_t n = log.size();
  std::vector<uint32_t> key(n, kSkip);
  switch (level) {
    case LocusLevel::kAddress:
      for (size_t i = 0; i < n; ++i)
        if (log.address[i] != 0) key[i] = log.address[i];
      groups = static_cast<uint32_t>(log.addresses.size());
      break;
    case LocusLevel::kPrefix:
      for (size_t i = 0; i < n; ++i) key[i] = log.locus[i];
      groups = static_cast<uint32_t>(log.loci.size());
      break;
    case LocusLevel::kAsn: {
      std::unordered_map<uint32_t, uint32_t> dense;
      std::vector<uint32_t> of_locus(log.loci.size(), kSkip);
      for (size_t l = 0; l < log.loci.size(); ++l)
        if (log.loci[l].asn != 0)
          of_locus[l] = dense.emplace(log.loci[l].asn, static_cast<uint32_t>(dense.size())).first->second;
      for (size_t i = 0; i < n; ++i) key[i] = of_locus[log.locus[i]];
      groups = static_cast<uint32_t>(dense.size());
      break;
    }
    case LocusLevel::kToken:
      for (size_t i = 0; i < n; ++i)
        if (log.token[i] != 0) key[i] = log.token[i];
      groups = static_cast<uint32_t>(log.tokens.size());
      break;
    case LocusLevel::kReferrer:
      for (size_t i = 0; i < n; ++i)
        if (log.referrer[i] != 0) key[i] = log.referrer[i];
      groups = static_cast<uint32_t>(log.referrers.size());
      break;
  }
  return key;
}

std::string GroupLabel(const VoteLog& log, LocusLevel level, uint32_t group, uint32_t any_vote) {
  switch (level) {
    case LocusLevel::kAddress: return std::string(log.addresses.Name(group));
    case LocusLevel::kPrefix: return log.loci[group].prefix;
    case LocusLevel::kAsn: {
      const LocusInfo& info = log.loci[log.locus[any_vote]];
      return "AS" + std::to_string(info.asn) + (info.org.empty() ? "" : " " + info.org);
    }
    case LocusLevel::kToken: return std::string(log.tokens.Name(group));
    case LocusLevel::kReferrer: return std::string(log.referrers.Name(group));
  }
  return {};
}

struct GroupScan {
  const VoteLog& log;
  const std::vector<int64_t>& time;  // the log's times, or a permutation of them
  const ScanConfig& config;
  const std::vector<uint8_t>& baseline;
  const std::vector<double>& global_mix;
  const std::vector<std::vector<int64_t>>& option_times;  // baseline votes' times, per option, sorted
  LocusLevel level;

  double MinLlr(CellTest test) const {
    const size_t l = static_cast<size_t>(level);
    return test == CellTest::kShift ? config.min_llr[l] : config.min_burst_llr[l];
  }

  // The window against the locus's own mix outside it (shrunk towards the poll's mix).
  bool Shift(double o, double n, double out_k, double out_n, size_t k, Cell& cell) const {
    const double pi = (out_k + config.prior_votes * global_mix[k]) / (out_n + config.prior_votes);
    if (o / n - pi < config.min_lift || pi >= 1.0) return false;
    const double excess = (o - n * pi) / (1.0 - pi);
    if (excess < config.min_excess) return false;
    const double llr = BernoulliLlr(o, n, pi);
    if (llr < MinLlr(CellTest::kShift)) return false;
    cell = Cell{.level = level, .baseline_share = pi, .baseline_votes = out_n + config.prior_votes, .excess = excess,
                .llr = llr, .test = CellTest::kShift};
    return true;
  }

  // The locus's votes for k crowding into the window beyond the space-time permutation expectation.
  bool Burst(double o, double n, double locus_k, int64_t start, int64_t width, size_t k, Cell& cell) const {
    const double pi = global_mix[k];
    if (o / n - pi < config.min_lift || pi >= 1.0) return false;
    const double excess = (o - n * pi) / (1.0 - pi);
    if (excess < config.min_excess) return false;
    const auto& times = option_times[k];
    const double window_k = static_cast<double>(std::lower_bound(times.begin(), times.end(), start + width) -
                                                std::lower_bound(times.begin(), times.end(), start));
    const double total_k = static_cast<double>(times.size());
    if (total_k <= 0) return false;
    const double mu = locus_k * window_k / total_k;
    if (o < config.min_burst_ratio * mu) return false;
    const double llr = PoissonLlr(o, mu, total_k);
    if (llr < MinLlr(CellTest::kBurst)) return false;
    cell = Cell{.level = level, .baseline_share = pi, .baseline_votes = static_cast<double>(log.size()),
                .excess = excess, .llr = llr, .test = CellTest::kBurst, .expected = mu};
    return true;
  }

  // The strongest cell over all windows and options among `members` (time-ordered, all active).
  bool Best(const std::vector<uint32_t>& members, uint32_t group, Cell& best) const {
    const size_t k_count = log.option_count();
    const size_t m = members.size();
    // The group's votes side by side, so the sliding windows stream through memory.
    std::vector<int64_t> times(m);
    std::vector<uint16_t> options(m);
    std::vector<uint8_t> base(m);
    std::vector<double> total_base(k_count, 0.0);
    double total_base_n = 0;
    for (size_t x = 0; x < m; ++x) {
      const uint32_t v = members[x];
      times[x] = time[v];
      options[x] = log.option[v];
      base[x] = baseline[v];
      if (base[x]) total_base[options[x]] += 1, total_base_n += 1;
    }
    std::vector<uint32_t> in(k_count), in_base(k_count);
    bool found = false;
    const double min_votes = config.min_option_votes;
    for (int64_t minutes : config.window_minutes) {
      const int64_t width = minutes * kMinuteMs;
      std::fill(in.begin(), in.end(), 0);
      std::fill(in_base.begin(), in_base.end(), 0);
      uint32_t in_base_n = 0;
      size_t j = 0;
      for (size_t i = 0; i < m; ++i) {
        const int64_t start = times[i];
        while (j < m && times[j] < start + width) {
          ++in[options[j]];
          if (base[j]) ++in_base[options[j]], ++in_base_n;
          ++j;
        }
        const double n = static_cast<double>(j - i);
        if (n >= min_votes) {
          for (size_t k = 0; k < k_count; ++k) {
            const double o = in[k];
            if (o < min_votes || o < config.min_share * n) continue;
            Cell cell;
            if (Shift(o, n, total_base[k] - in_base[k], total_base_n - in_base_n, k, cell) ||
                Burst(o, n, total_base[k], start, width, k, cell)) {
              if (found && cell.llr / MinLlr(cell.test) <= best.llr / MinLlr(best.test)) continue;
              found = true;
              cell.group = group;
              cell.option = static_cast<uint16_t>(k);
              cell.start_ms = start;
              cell.end_ms = times[j - 1] + 1;
              cell.window_votes = static_cast<uint32_t>(n);
              cell.option_votes = static_cast<uint32_t>(o);
              best = std::move(cell);
            }
          }
        }
        --in[options[i]];
        if (base[i]) --in_base[options[i]], --in_base_n;
      }
    }
    return found;
  }
};

}  // namespace

double PoissonLlr(double c, double mu, double total) {
  if (c <= mu || mu <= 0) return 0.0;
  double llr = c * std::log(c / mu);
  if (total > c && total > mu) llr += (total - c) * std::log((total - c) / (total - mu));
  return llr;
}

double BernoulliLlr(double o, double n, double pi) {
  if (n <= 0 || o / n <= pi) return 0.0;
  const double p = o / n;
  double llr = o * std::log(p / pi);
  if (o < n) llr += (n - o) * std::log((1.0 - p) / (1.0 - pi));
  return llr;
}

std::vector<Cell> ScanDetector::Scan(const VoteLog& log, const std::vector<uint8_t>& baseline,
                                     std::vector<int32_t>& hit_of_vote) const {
  return ScanTimes(log, log.time_ms, nullptr, baseline, hit_of_vote, nullptr);
}

double ScanDetector::MaxScore(const VoteLog& log, const std::vector<int64_t>& time,
                              const std::vector<uint32_t>& time_order) const {
  std::vector<uint8_t> baseline(log.size(), 1);
  std::vector<int32_t> hit_of_vote;
  double max_score = 0;
  ScanTimes(log, time, &time_order, baseline, hit_of_vote, &max_score);
  return max_score;
}

double ScanDetector::Score(const Cell& cell) const {
  const size_t l = static_cast<size_t>(cell.level);
  return cell.llr / (cell.test == CellTest::kShift ? config_.min_llr[l] : config_.min_burst_llr[l]);
}

std::vector<Cell> ScanDetector::ScanTimes(const VoteLog& log, const std::vector<int64_t>& time,
                                          const std::vector<uint32_t>* time_order,
                                          const std::vector<uint8_t>& baseline, std::vector<int32_t>& hit_of_vote,
                                          double* max_score) const {
  const size_t n = log.size();
  hit_of_vote.assign(n, -1);
  std::vector<Cell> cells;
  if (n == 0 || log.option_count() == 0) return cells;
  std::vector<uint32_t> order;
  if (time_order != nullptr) {
    order = *time_order;
  } else {
    order.resize(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return time[a] < time[b]; });
  }

  std::vector<double> global_mix(log.option_count(), 0.0);
  double global_n = 0;
  for (size_t i = 0; i < n; ++i)
    if (baseline[i]) global_mix[log.option[i]] += 1, global_n += 1;
  for (double& g : global_mix) g = global_n > 0 ? g / global_n : 1.0 / static_cast<double>(global_mix.size());
  std::vector<std::vector<int64_t>> option_times(log.option_count());
  for (uint32_t v : order)
    if (baseline[v]) option_times[log.option[v]].push_back(time[v]);

  for (LocusLevel level : config_.levels) {
    uint32_t groups = 0;
    const std::vector<uint32_t> key = GroupKeys(log, level, groups);
    // Counting sort of the still-unflagged votes by group, keeping time order inside each group.
    std::vector<uint32_t> start(groups + 1, 0);
    for (uint32_t v : order)
      if (key[v] != kSkip && hit_of_vote[v] < 0) ++start[key[v] + 1];
    for (uint32_t g = 0; g < groups; ++g) start[g + 1] += start[g];
    std::vector<uint32_t> sorted(start.back());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (uint32_t v : order)
      if (key[v] != kSkip && hit_of_vote[v] < 0) sorted[fill[key[v]]++] = v;

    const GroupScan scan{log, time, config_, baseline, global_mix, option_times, level};
    std::vector<uint32_t> members;
    std::vector<uint32_t> option_counts(log.option_count());
    for (uint32_t g = 0; g < groups; ++g) {
      if (start[g + 1] - start[g] < config_.min_option_votes) continue;
      // No window can hold more votes for an option than the locus has: skip loci below the gate.
      std::fill(option_counts.begin(), option_counts.end(), 0);
      for (uint32_t x = start[g]; x < start[g + 1]; ++x) ++option_counts[log.option[sorted[x]]];
      if (*std::max_element(option_counts.begin(), option_counts.end()) < config_.min_option_votes) continue;
      members.assign(sorted.begin() + start[g], sorted.begin() + start[g + 1]);
      if (max_score != nullptr) {
        // Monte Carlo replicate: only the strongest cell matters (Kulldorff 1997 §3: the maximum of
        // the statistic over all windows is compared across replicates).
        Cell cell;
        if (scan.Best(members, g, cell)) *max_score = std::max(*max_score, Score(cell));
        continue;
      }
      for (int hit = 0; hit < config_.max_hits_per_locus; ++hit) {
        Cell cell;
        if (!scan.Best(members, g, cell)) break;
        const auto index = static_cast<int32_t>(cells.size());
        cell.label = GroupLabel(log, level, g, members.front());
        cells.push_back(cell);
        // Peel: the hit's votes leave this locus (and every coarser level) before the next search.
        std::erase_if(members, [&](uint32_t v) {
          const bool taken = log.option[v] == cell.option && time[v] >= cell.start_ms && time[v] < cell.end_ms;
          if (taken) hit_of_vote[v] = index;
          return taken;
        });
      }
    }
  }
  return cells;
}

std::vector<Cohort> ScanDetector::Detect(const VoteLog& log) const {
  std::vector<uint8_t> baseline(log.size(), 1);
  std::vector<int32_t> hit_of_vote;
  std::vector<Cell> cells = Scan(log, baseline, hit_of_vote);
  if (config_.second_pass && !cells.empty()) {
    for (size_t i = 0; i < log.size(); ++i) baseline[i] = hit_of_vote[i] < 0;
    cells = Scan(log, baseline, hit_of_vote);
  }
  // Merge hits for one option whose spans overlap or nearly touch (one wave seen at several loci).
  std::vector<uint32_t> by_start(cells.size());
  std::iota(by_start.begin(), by_start.end(), 0u);
  std::sort(by_start.begin(), by_start.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(cells[a].option, cells[a].start_ms) < std::tie(cells[b].option, cells[b].start_ms);
  });
  std::vector<int32_t> cohort_of_cell(cells.size(), -1);
  std::vector<Cohort> cohorts;
  const int64_t gap = config_.merge_gap_minutes * kMinuteMs;
  for (uint32_t c : by_start) {
    const Cell& cell = cells[c];
    if (cohorts.empty() || cohorts.back().option != cell.option || cell.start_ms > cohorts.back().end_ms + gap) {
      Cohort fresh;
      fresh.option = cell.option;
      fresh.start_ms = cell.start_ms;
      fresh.end_ms = cell.end_ms;
      cohorts.push_back(std::move(fresh));
    }
    Cohort& cohort = cohorts.back();
    cohort.cells.push_back(cell);
    cohort.excess += cell.excess;
    cohort.end_ms = std::max(cohort.end_ms, cell.end_ms);
    cohort.max_llr = std::max(cohort.max_llr, cell.llr);
    cohort.score = std::max(cohort.score, Score(cell));
    cohort_of_cell[c] = static_cast<int32_t>(cohorts.size() - 1);
  }
  for (size_t i = 0; i < log.size(); ++i)
    if (hit_of_vote[i] >= 0) cohorts[cohort_of_cell[hit_of_vote[i]]].votes.push_back(static_cast<uint32_t>(i));
  std::stable_sort(cohorts.begin(), cohorts.end(), [](const Cohort& a, const Cohort& b) { return a.start_ms < b.start_ms; });
  for (size_t c = 0; c < cohorts.size(); ++c) {
    cohorts[c].id = "C" + std::to_string(c + 1);
    // The span is that of the votes taken, not of the scan windows.
    if (!cohorts[c].votes.empty()) {
      int64_t lo = INT64_MAX, hi = INT64_MIN;
      for (uint32_t v : cohorts[c].votes) lo = std::min(lo, log.time_ms[v]), hi = std::max(hi, log.time_ms[v]);
      cohorts[c].start_ms = lo;
      cohorts[c].end_ms = hi;
    }
  }
  return cohorts;
}

}  // namespace pantau::integrity

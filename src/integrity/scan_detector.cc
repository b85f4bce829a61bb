#include "integrity/scan_detector.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <unordered_map>

namespace pantau::integrity {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr uint32_t kSkip = UINT32_MAX;

// How one level groups votes: a per-vote id column of the log and, per id, its dense group (kSkip:
// the vote has no locus at this level, e.g. no share token). No per-vote array is built.
struct LevelKeys {
  const std::vector<uint32_t>* ids = nullptr;
  std::vector<uint32_t> group_of_id;
  uint32_t groups = 0;

  uint32_t Group(uint32_t vote) const { return group_of_id[(*ids)[vote]]; }
};

// Groups are the ids themselves; id 0 ("absent") is skipped when `skip_absent`.
LevelKeys IdentityKeys(const std::vector<uint32_t>& column, size_t ids, bool skip_absent) {
  LevelKeys keys;
  keys.ids = &column;
  keys.group_of_id.resize(ids);
  std::iota(keys.group_of_id.begin(), keys.group_of_id.end(), 0u);
  if (skip_absent && ids > 0) keys.group_of_id[0] = kSkip;
  keys.groups = static_cast<uint32_t>(ids);
  return keys;
}

LevelKeys KeysOf(const VoteLog& log, LocusLevel level) {
  switch (level) {
    case LocusLevel::kAddress: return IdentityKeys(log.address, log.addresses.size(), true);
    case LocusLevel::kPrefix: return IdentityKeys(log.locus, log.loci.size(), false);
    case LocusLevel::kAsn: {
      // An ASN groups the loci it announces; loci without a known ASN are skipped.
      LevelKeys keys;
      keys.ids = &log.locus;
      keys.group_of_id.assign(log.loci.size(), kSkip);
      std::unordered_map<uint32_t, uint32_t> dense;
      for (size_t l = 0; l < log.loci.size(); ++l)
        if (log.loci[l].asn != 0)
          keys.group_of_id[l] = dense.emplace(log.loci[l].asn, static_cast<uint32_t>(dense.size())).first->second;
      keys.groups = static_cast<uint32_t>(dense.size());
      return keys;
    }
    case LocusLevel::kToken: return IdentityKeys(log.token, log.tokens.size(), true);
    case LocusLevel::kReferrer: return IdentityKeys(log.referrer, log.referrers.size(), true);
  }
  return {};
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

// The poll's option mix over the votes that inform baselines (uniform when there are none).
std::vector<double> OptionMix(const VoteLog& log, const std::vector<uint8_t>* baseline) {
  std::vector<double> mix(log.option_count(), 0.0);
  double total = 0;
  for (size_t i = 0; i < log.size(); ++i)
    if (baseline == nullptr || (*baseline)[i]) mix[log.option[i]] += 1, total += 1;
  for (double& m : mix) m = total > 0 ? m / total : 1.0 / static_cast<double>(mix.size());
  return mix;
}

// Index of the first element >= value in the ascending `v`, searching forward from `from`, which
// must not be past the answer. Exponential then binary search: O(log distance), so a cursor that
// follows a sliding window costs O(1) per step where the poll is dense.
size_t GallopLowerBound(const std::vector<int64_t>& v, size_t from, int64_t value) {
  size_t lo = from, hi = from, step = 1;
  while (hi < v.size() && v[hi] < value) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = std::min(hi, v.size());
  return static_cast<size_t>(std::lower_bound(v.begin() + static_cast<ptrdiff_t>(lo),
                                              v.begin() + static_cast<ptrdiff_t>(hi), value) - v.begin());
}

// The votes of one locus in time order, side by side so the windows stream through memory.
struct GroupVotes {
  std::span<const int64_t> time;
  std::span<const uint16_t> option;
  std::span<const uint8_t> base;  // per vote: informs baselines; empty when every vote does
};

// The best window of a group: a Cell without its group and label, plus its Score.
struct WindowHit {
  CellTest test = CellTest::kShift;
  uint16_t option = 0;
  int64_t start_ms = 0, end_ms = 0;
  uint32_t window_votes = 0, option_votes = 0;
  double baseline_share = 0, baseline_votes = 0, excess = 0, llr = 0, expected = 0;
  double score = 0;

  Cell ToCell(LocusLevel level, uint32_t group) const {
    return Cell{.level = level, .group = group, .option = option, .start_ms = start_ms, .end_ms = end_ms,
                .window_votes = window_votes, .option_votes = option_votes, .baseline_share = baseline_share,
                .baseline_votes = baseline_votes, .excess = excess, .llr = llr, .test = test, .expected = expected};
  }
};

// Per-option counters of one window sweep, reused across groups.
struct WindowScratch {
  std::vector<uint32_t> in, in_base;  // votes in the window, and those of them informing baselines
  std::vector<double> total_base;     // the group's baseline votes
  std::vector<size_t> from, to;       // cursors into option_times: the window's bounds

  void Reset(size_t options) {
    in.assign(options, 0);
    in_base.assign(options, 0);
    from.assign(options, 0);
    to.assign(options, 0);
  }
};

// The shift and burst tests over every window of one group (ScanDetector's header describes them).
// Windows are tried in configuration order, starts in time order and options in index order, and the
// first of equally strong windows wins, so the result does not depend on how groups are stored.
class WindowScan {
 public:
  WindowScan(const ScanConfig& config, const std::vector<double>& global_mix,
             const std::vector<std::vector<int64_t>>& option_times, LocusLevel level, double poll_votes)
      : config_(config), global_mix_(global_mix), option_times_(option_times), poll_votes_(poll_votes), min_shift_(config.min_llr[static_cast<size_t>(level)]),
        min_burst_(config.min_burst_llr[static_cast<size_t>(level)]) {}

  std::optional<WindowHit> Best(const GroupVotes& g, WindowScratch& s) const {
    return g.base.empty() ? Sweep<true>(g, s) : Sweep<false>(g, s);
  }

 private:
  template <bool kAllBase>
  std::optional<WindowHit> Sweep(const GroupVotes& g, WindowScratch& s) const {
    const size_t k_count = global_mix_.size();
    const size_t m = g.time.size();
    const int64_t* time = g.time.data();
    const uint16_t* option = g.option.data();
    s.total_base.assign(k_count, 0.0);
    double total_base_n = 0;
    for (size_t x = 0; x < m; ++x)
      if (kAllBase || g.base[x]) s.total_base[option[x]] += 1, total_base_n += 1;
    std::optional<WindowHit> best;
    const double min_votes = config_.min_option_votes;
    for (int64_t minutes : config_.window_minutes) {
      const int64_t width = minutes * kMinuteMs;
      s.Reset(k_count);
      uint32_t in_base_n = 0;
      size_t j = 0;
      for (size_t i = 0; i < m; ++i) {
        const int64_t start = time[i];
        while (j < m && time[j] < start + width) {
          ++s.in[option[j]];
          if (kAllBase || g.base[j]) ++s.in_base[option[j]], ++in_base_n;
          ++j;
        }
        const double n = static_cast<double>(j - i);
        if (n >= min_votes) {
          const double gate = std::max(min_votes, config_.min_share * n);
          for (size_t k = 0; k < k_count; ++k) {
            const double o = s.in[k];
            if (o < gate) continue;
            WindowHit hit;
            if (!Shift(o, n, s.total_base[k] - s.in_base[k], total_base_n - in_base_n, k, hit) &&
                !Burst(o, n, s.total_base[k], start, width, k, s, hit))
              continue;
            if (best && hit.score <= best->score) continue;
            hit.option = static_cast<uint16_t>(k);
            hit.start_ms = start;
            hit.end_ms = time[j - 1] + 1;
            hit.window_votes = static_cast<uint32_t>(n);
            hit.option_votes = static_cast<uint32_t>(o);
            best = hit;
          }
        }
        --s.in[option[i]];
        if (kAllBase || g.base[i]) --s.in_base[option[i]], --in_base_n;
      }
    }
    return best;
  }

  // The window against the locus's own mix outside it (shrunk towards the poll's mix).
  bool Shift(double o, double n, double out_k, double out_n, size_t k, WindowHit& hit) const {
    const double pi = (out_k + config_.prior_votes * global_mix_[k]) / (out_n + config_.prior_votes);
    if (o / n - pi < config_.min_lift || pi >= 1.0) return false;
    const double excess = (o - n * pi) / (1.0 - pi);
    if (excess < config_.min_excess) return false;
    const double llr = BernoulliLlr(o, n, pi);
    if (llr < min_shift_) return false;
    hit.test = CellTest::kShift;
    hit.baseline_share = pi;
    hit.baseline_votes = out_n + config_.prior_votes;
    hit.excess = excess;
    hit.llr = llr;
    hit.expected = 0;
    hit.score = llr / min_shift_;
    return true;
  }

  // The locus's votes for k crowding into the window beyond the space-time permutation expectation.
  // The window's count of k over the whole poll comes from two cursors that only move forward as
  // the window slides (s.from / s.to).
  bool Burst(double o, double n, double locus_k, int64_t start, int64_t width, size_t k, WindowScratch& s,
             WindowHit& hit) const {
    const double pi = global_mix_[k];
    if (o / n - pi < config_.min_lift || pi >= 1.0) return false;
    const double excess = (o - n * pi) / (1.0 - pi);
    if (excess < config_.min_excess) return false;
    const auto& times = option_times_[k];
    const double total_k = static_cast<double>(times.size());
    if (total_k <= 0) return false;
    s.from[k] = GallopLowerBound(times, s.from[k], start);
    s.to[k] = GallopLowerBound(times, std::max(s.to[k], s.from[k]), start + width);
    const double window_k = static_cast<double>(s.to[k] - s.from[k]);
    const double mu = locus_k * window_k / total_k;
    if (o < config_.min_burst_ratio * mu) return false;
    const double llr = PoissonLlr(o, mu, total_k);
    if (llr < min_burst_) return false;
    hit.test = CellTest::kBurst;
    hit.baseline_share = pi;
    hit.baseline_votes = poll_votes_;
    hit.excess = excess;
    hit.llr = llr;
    hit.expected = mu;
    hit.score = llr / min_burst_;
    return true;
  }

  const ScanConfig& config_;
  const std::vector<double>& global_mix_;
  const std::vector<std::vector<int64_t>>& option_times_;
  double poll_votes_;
  double min_shift_, min_burst_;
};

// Largest option count of the votes `members` (through `option_of`), with `counts` as scratch.
template <class OptionOf>
uint32_t MaxOptionCount(std::span<const uint32_t> members, OptionOf option_of, std::vector<uint32_t>& counts) {
  std::fill(counts.begin(), counts.end(), 0);
  uint32_t best = 0;
  for (uint32_t v : members) best = std::max(best, ++counts[option_of(v)]);
  return best;
}

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

double ScanDetector::Score(const Cell& cell) const {
  const size_t l = static_cast<size_t>(cell.level);
  return cell.llr / (cell.test == CellTest::kShift ? config_.min_llr[l] : config_.min_burst_llr[l]);
}

std::vector<Cell> ScanDetector::Scan(const VoteLog& log, const std::vector<uint8_t>& baseline,
                                     std::vector<int32_t>& hit_of_vote) const {
  const size_t n = log.size();
  hit_of_vote.assign(n, -1);
  std::vector<Cell> cells;
  if (n == 0 || log.option_count() == 0) return cells;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return log.time_ms[a] < log.time_ms[b]; });
  const std::vector<double> global_mix = OptionMix(log, &baseline);
  std::vector<std::vector<int64_t>> option_times(log.option_count());
  for (uint32_t v : order)
    if (baseline[v]) option_times[log.option[v]].push_back(log.time_ms[v]);

  WindowScratch scratch;
  std::vector<uint32_t> option_counts(log.option_count());
  std::vector<uint32_t> members;
  std::vector<int64_t> member_time;
  std::vector<uint16_t> member_option;
  std::vector<uint8_t> member_base;
  for (LocusLevel level : config_.levels) {
    const LevelKeys keys = KeysOf(log, level);
    // Counting sort of the still-unflagged votes by group, keeping time order inside each group.
    std::vector<uint32_t> start(keys.groups + 1, 0);
    for (uint32_t v : order)
      if (const uint32_t g = keys.Group(v); g != kSkip && hit_of_vote[v] < 0) ++start[g + 1];
    for (uint32_t g = 0; g < keys.groups; ++g) start[g + 1] += start[g];
    std::vector<uint32_t> sorted(start.back());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (uint32_t v : order)
      if (const uint32_t g = keys.Group(v); g != kSkip && hit_of_vote[v] < 0) sorted[fill[g]++] = v;

    const WindowScan scan(config_, global_mix, option_times, level, static_cast<double>(n));
    for (uint32_t g = 0; g < keys.groups; ++g) {
      if (start[g + 1] - start[g] < config_.min_option_votes) continue;
      members.assign(sorted.begin() + start[g], sorted.begin() + start[g + 1]);
      // No window can hold more votes for an option than the locus has: skip loci below the gate.
      if (MaxOptionCount(members, [&](uint32_t v) { return log.option[v]; }, option_counts) <
          config_.min_option_votes)
        continue;
      for (int hit = 0; hit < config_.max_hits_per_locus; ++hit) {
        member_time.clear(), member_option.clear(), member_base.clear();
        for (uint32_t v : members) {
          member_time.push_back(log.time_ms[v]);
          member_option.push_back(log.option[v]);
          member_base.push_back(baseline[v]);
        }
        const std::optional<WindowHit> best = scan.Best({member_time, member_option, member_base}, scratch);
        if (!best) break;
        const auto index = static_cast<int32_t>(cells.size());
        Cell& cell = cells.emplace_back(best->ToCell(level, g));
        cell.label = GroupLabel(log, level, g, members.front());
        // Peel: the hit's votes leave this locus (and every coarser level) before the next search.
        std::erase_if(members, [&](uint32_t v) {
          const bool taken =
              log.option[v] == cell.option && log.time_ms[v] >= cell.start_ms && log.time_ms[v] < cell.end_ms;
          if (taken) hit_of_vote[v] = index;
          return taken;
        });
      }
    }
  }
  return cells;
}

double ScanDetector::MaxScore(const VoteLog& log, const std::vector<int64_t>& time,
                              const std::vector<uint32_t>& time_order) const {
  std::vector<int64_t> time_of_rank(time_order.size());
  for (size_t r = 0; r < time_order.size(); ++r) time_of_rank[r] = time[time_order[r]];
  const PermutationScanner scanner(*this, log);
  PermutationScanner::Scratch scratch;
  return scanner.MaxScore(time_order, time_of_rank, scratch);
}

// ---- PermutationScanner ----

// One level's fixed structure: the votes of every locus that can hold a hit go to a bucket of
// known size (a locus's size does not change under the permutation), in time order per replicate.
struct PermutationScanner::Level {
  LocusLevel level = LocusLevel::kAddress;
  const std::vector<uint32_t>* ids = nullptr;
  std::vector<uint32_t> bucket_of_id;  // kSkip: the id's locus cannot hold a hit (or has none)
  std::vector<uint32_t> bucket_start;  // bucket b is [bucket_start[b], bucket_start[b + 1])
};

struct PermutationScanner::Scratch::Buffers {
  std::vector<uint16_t> option_of_rank;
  std::vector<std::vector<int64_t>> option_times;
  std::vector<int64_t> bucket_time;
  std::vector<uint16_t> bucket_option;
  std::vector<uint32_t> fill;
  WindowScratch window;
};

PermutationScanner::Scratch::Scratch() : buffers_(std::make_unique<Buffers>()) {}
PermutationScanner::Scratch::~Scratch() = default;
PermutationScanner::~PermutationScanner() = default;

PermutationScanner::PermutationScanner(const ScanDetector& detector, const VoteLog& log)
    : detector_(detector), log_(log), global_mix_(OptionMix(log, nullptr)) {
  const ScanConfig& config = detector.config();
  std::vector<uint32_t> option_counts(log.option_count());
  for (LocusLevel level : config.levels) {
    const LevelKeys keys = KeysOf(log, level);
    // The votes of each group (any order: only the option counts matter here).
    std::vector<uint32_t> start(keys.groups + 1, 0);
    for (uint32_t v = 0; v < log.size(); ++v)
      if (const uint32_t g = keys.Group(v); g != kSkip) ++start[g + 1];
    for (uint32_t g = 0; g < keys.groups; ++g) start[g + 1] += start[g];
    std::vector<uint32_t> votes(start.back());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (uint32_t v = 0; v < log.size(); ++v)
      if (const uint32_t g = keys.Group(v); g != kSkip) votes[fill[g]++] = v;

    Level& out = levels_.emplace_back();
    out.level = level;
    out.ids = keys.ids;
    std::vector<uint32_t> bucket_of_group(keys.groups, kSkip);
    out.bucket_start.push_back(0);
    for (uint32_t g = 0; g < keys.groups; ++g) {
      const std::span<const uint32_t> members(votes.data() + start[g], start[g + 1] - start[g]);
      if (members.size() < config.min_option_votes ||
          MaxOptionCount(members, [&](uint32_t v) { return log.option[v]; }, option_counts) <
              config.min_option_votes)
        continue;
      bucket_of_group[g] = static_cast<uint32_t>(out.bucket_start.size() - 1);
      out.bucket_start.push_back(out.bucket_start.back() + static_cast<uint32_t>(members.size()));
    }
    out.bucket_of_id.resize(keys.group_of_id.size());
    for (size_t id = 0; id < keys.group_of_id.size(); ++id)
      out.bucket_of_id[id] = keys.group_of_id[id] == kSkip ? kSkip : bucket_of_group[keys.group_of_id[id]];
  }
}

double PermutationScanner::MaxScore(std::span<const uint32_t> order, std::span<const int64_t> time_of_rank,
                                    Scratch& scratch) const {
  const size_t n = log_.size();
  const size_t k_count = log_.option_count();
  if (n == 0 || k_count == 0) return 0.0;
  Scratch::Buffers& b = *scratch.buffers_;
  // The options in the replicate's time order, and each option's times.
  b.option_of_rank.resize(n);
  b.option_times.resize(k_count);
  for (auto& t : b.option_times) t.clear();
  for (size_t r = 0; r < n; ++r) {
    const uint16_t k = log_.option[order[r]];
    b.option_of_rank[r] = k;
    b.option_times[k].push_back(time_of_rank[r]);
  }
  double max_score = 0;
  for (const Level& level : levels_) {
    const size_t buckets = level.bucket_start.size() - 1;
    if (buckets == 0) continue;
    // Deal the votes, in time order, into their loci's buckets.
    b.bucket_time.resize(level.bucket_start.back());
    b.bucket_option.resize(level.bucket_start.back());
    b.fill.assign(level.bucket_start.begin(), level.bucket_start.end() - 1);
    const uint32_t* ids = level.ids->data();
    for (size_t r = 0; r < n; ++r) {
      const uint32_t bucket = level.bucket_of_id[ids[order[r]]];
      if (bucket == kSkip) continue;
      const uint32_t at = b.fill[bucket]++;
      b.bucket_time[at] = time_of_rank[r];
      b.bucket_option[at] = b.option_of_rank[r];
    }
    // Only the strongest cell matters (Kulldorff 1997 §3: the maximum of the statistic over all
    // windows is compared across replicates).
    const WindowScan scan(detector_.config(), global_mix_, b.option_times, level.level, static_cast<double>(n));
    for (size_t bucket = 0; bucket < buckets; ++bucket) {
      const uint32_t from = level.bucket_start[bucket], size = level.bucket_start[bucket + 1] - from;
      const GroupVotes group{{b.bucket_time.data() + from, size}, {b.bucket_option.data() + from, size}, {}};
      if (const std::optional<WindowHit> hit = scan.Best(group, b.window)) max_score = std::max(max_score, hit->score);
    }
  }
  return max_score;
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

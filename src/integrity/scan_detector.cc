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
constexpr size_t kPrefetchAhead = 32;  // votes: how far ahead random reads are prefetched

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

// The votes by ascending time, ties in vote order.
std::vector<uint32_t> StableTimeOrder(const VoteLog& log) {
  std::vector<uint32_t> order(log.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return log.time_ms[a] < log.time_ms[b]; });
  return order;
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
size_t GallopLowerBound(std::span<const int64_t> v, size_t from, int64_t value) {
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

// The baseline votes' times of each option, ascending, plus running counts per time bucket (a
// minute, or more for polls longer than about a year), so that the burst test can bound a
// window's count for an option from below without searching.
class OptionTimeline {
 public:
  // Starts over for `options` options whose times lie in [first, last].
  void Reset(size_t options, int64_t first, int64_t last) {
    origin_ = first;
    constexpr int64_t kMaxBuckets = int64_t{1} << 19;
    bucket_ms_ = std::max(kMinuteMs, (last - first) / kMaxBuckets + 1);
    buckets_ = static_cast<size_t>((last - first) / bucket_ms_ + 1);
    times_.resize(options);
    for (auto& t : times_) t.clear();
    below_.resize(options);
  }
  // Appends one vote; calls come in ascending time.
  void Add(size_t option, int64_t t) { times_[option].push_back(t); }
  // Builds the bucket counts after the last Add.
  void Finish() {
    for (size_t k = 0; k < times_.size(); ++k) {
      std::vector<uint32_t>& below = below_[k];
      below.assign(buckets_ + 1, 0);
      for (int64_t t : times_[k]) ++below[Bucket(t) + 1];
      for (size_t b = 0; b < buckets_; ++b) below[b + 1] += below[b];
    }
  }

  const std::vector<int64_t>& times(size_t option) const { return times_[option]; }
  // At most the number of the option's votes in [start, end): those in buckets wholly inside it.
  double AtLeast(size_t option, int64_t start, int64_t end) const {
    const int64_t first = std::clamp<int64_t>((start - origin_ + bucket_ms_ - 1) / bucket_ms_, 0,
                                              static_cast<int64_t>(buckets_));
    const int64_t last = std::clamp<int64_t>((end - origin_) / bucket_ms_, 0, static_cast<int64_t>(buckets_));
    if (last <= first) return 0.0;
    return below_[option][static_cast<size_t>(last)] - below_[option][static_cast<size_t>(first)];
  }

 private:
  size_t Bucket(int64_t t) const { return static_cast<size_t>((t - origin_) / bucket_ms_); }

  int64_t origin_ = 0, bucket_ms_ = kMinuteMs;
  size_t buckets_ = 1;
  std::vector<std::vector<int64_t>> times_;
  std::vector<std::vector<uint32_t>> below_;  // per option, per bucket b: votes in buckets before b
};

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

// Working memory of one group's scan, reused across groups.
struct WindowScratch {
  std::vector<uint16_t> relevant;  // options with at least min_option_votes votes in the group, ascending
  std::vector<uint32_t> slot;      // per option: its index in `relevant`, or kSkip
  // Running counts, (m + 1) rows of relevant.size(): row x counts the group's first x votes.
  std::vector<uint32_t> cum, cum_base;  // all votes / baseline votes, per relevant option
  std::vector<uint32_t> base_n;         // m + 1: baseline votes among the first x
  std::vector<size_t> from, to;         // per relevant option: cursors into option_times
};

// The shift and burst tests over every window of one group (ScanDetector's header describes them).
// Window counts are differences of running counts, so windows can be skipped freely: starts are
// taken in blocks, and a block none of whose windows can pass the share gate is skipped whole.
// Windows are visited in the order (width, start, option) and the first of equally strong ones
// wins, so the result does not depend on how the groups were stored.
class WindowScan {
 public:
  WindowScan(const ScanConfig& config, const std::vector<double>& global_mix, const OptionTimeline& timeline,
             LocusLevel level, double poll_votes)
      : config_(config), global_mix_(global_mix), timeline_(timeline), poll_votes_(poll_votes),
        min_shift_(config.min_llr[static_cast<size_t>(level)]),
        min_burst_(config.min_burst_llr[static_cast<size_t>(level)]) {}

  // The strongest window of the group. With a `floor` above 1, windows scoring below it may be
  // skipped: the result is exact when the best scores at least `floor`, and below `floor` otherwise.
  std::optional<WindowHit> Best(const GroupVotes& g, WindowScratch& s, double floor = 1.0) const {
    return g.base.empty() ? Sweep<true>(g, s, floor) : Sweep<false>(g, s, floor);
  }

 private:
  static constexpr size_t kMinBlock = 16, kMaxBlock = 4096;  // starts per pruning block

  // Fills s.relevant, s.cum and (unless kAllBase) s.cum_base and s.base_n; returns relevant.size().
  template <bool kAllBase>
  size_t CountRunning(const GroupVotes& g, WindowScratch& s) const {
    const size_t k_count = global_mix_.size();
    const size_t m = g.time.size();
    s.slot.assign(k_count, 0);
    for (uint16_t k : g.option) ++s.slot[k];
    s.relevant.clear();
    for (size_t k = 0; k < k_count; ++k) {
      const bool can_pass = s.slot[k] >= config_.min_option_votes;
      s.slot[k] = can_pass ? static_cast<uint32_t>(s.relevant.size()) : kSkip;
      if (can_pass) s.relevant.push_back(static_cast<uint16_t>(k));
    }
    const size_t r = s.relevant.size();
    s.cum.assign((m + 1) * r, 0);
    if (!kAllBase) s.cum_base.assign((m + 1) * r, 0), s.base_n.assign(m + 1, 0);
    uint32_t* cum = s.cum.data();
    uint32_t* cum_base = s.cum_base.data();
    for (size_t x = 0; x < m; ++x) {
      const uint32_t q = s.slot[g.option[x]];
      for (size_t c = 0; c < r; ++c) cum[(x + 1) * r + c] = cum[x * r + c] + (c == q);
      if (!kAllBase) {
        const bool base = g.base[x];
        for (size_t c = 0; c < r; ++c) cum_base[(x + 1) * r + c] = cum_base[x * r + c] + (base && c == q);
        s.base_n[x + 1] = s.base_n[x] + base;
      }
    }
    return r;
  }

  // Whether some window starting in [i0, i1) might pass the gates with a Score of at least `floor`.
  // Each of them lies inside the block's first start to its last window's end (`end_last`) and
  // holds the last start to the first window's end (`end_first`), which bounds its counts: at most
  // `most` votes for an option, at least `fewest` votes in all, hence a share of at most
  // most / fewest, an outside share of at least `pi_least`, and at least `poll_least` of the poll's
  // votes for the option. The Bernoulli LLR grows with the count and shrinks as the window or the
  // baseline share grows, and the Poisson LLR grows with the count and shrinks as the expectation
  // grows, so these bounds bound the LLRs too. (kSlack keeps rounding from pruning a window that
  // an exact comparison would pass.)
  template <bool kAllBase>
  bool BlockCanHit(const WindowScratch& s, size_t r, size_t i0, size_t i1, size_t end_first, size_t end_last,
                   const int64_t* time, int64_t width, double floor) const {
    constexpr double kSlack = 1e-9;
    const size_t m = s.cum.size() / r - 1;
    const uint32_t* cum = s.cum.data();
    const uint32_t* cum_base = kAllBase ? cum : s.cum_base.data();
    const auto base_n = [&](size_t x) { return kAllBase ? static_cast<double>(x) : static_cast<double>(s.base_n[x]); };
    const bool overlap = end_first > i1 - 1;  // the block's windows share some votes
    const double fewest = overlap ? static_cast<double>(end_first - (i1 - 1)) : 0.0;
    const double fewest_base = overlap ? base_n(end_first) - base_n(i1 - 1) : 0.0;
    const double gate = std::max(static_cast<double>(config_.min_option_votes), config_.min_share * fewest);
    const double prior = config_.prior_votes;
    const double outside_n_most = base_n(m) - fewest_base + prior;
    const double llr_floor = floor * (1 - kSlack);
    for (size_t q = 0; q < r; ++q) {
      const double most = cum[end_last * r + q] - cum[i0 * r + q];
      if (most < gate) continue;
      const size_t k = s.relevant[q];
      const double share_most = fewest > 0 ? std::min(1.0, most / fewest) : 1.0;
      const double most_base = cum_base[end_last * r + q] - cum_base[i0 * r + q];
      const double locus_k = cum_base[m * r + q];
      const double pi_least = (locus_k - most_base + prior * global_mix_[k]) / outside_n_most;
      if (share_most - pi_least >= config_.min_lift - kSlack &&
          BernoulliLlr(most, std::max(most, fewest), pi_least) >= llr_floor * min_shift_)
        return true;
      if (share_most - global_mix_[k] < config_.min_lift - kSlack) continue;
      const double total_k = static_cast<double>(timeline_.times(k).size());
      if (total_k <= 0) continue;
      // Every window holds [time[i1 - 1], time[i0] + width) of the poll.
      const double mu_least = locus_k * timeline_.AtLeast(k, time[i1 - 1], time[i0] + width) / total_k;
      if (mu_least <= 0) return true;  // no useful bound on the burst LLR
      if (most >= config_.min_burst_ratio * mu_least * (1 - kSlack) &&
          PoissonLlr(most, mu_least, total_k) >= llr_floor * min_burst_)
        return true;
    }
    return false;
  }

  template <bool kAllBase>
  std::optional<WindowHit> Sweep(const GroupVotes& g, WindowScratch& s, double floor) const {
    const size_t m = g.time.size();
    const size_t r = CountRunning<kAllBase>(g, s);
    if (r == 0) return std::nullopt;
    const int64_t* time = g.time.data();
    const uint32_t* cum = s.cum.data();
    const uint32_t* cum_base = kAllBase ? cum : s.cum_base.data();
    const auto base_n = [&](size_t x) { return kAllBase ? static_cast<double>(x) : static_cast<double>(s.base_n[x]); };
    const double total_base_n = base_n(m);
    const double min_votes = config_.min_option_votes;
    const size_t min_count = std::max<size_t>(1, config_.min_option_votes);
    std::optional<WindowHit> best;
    for (int64_t minutes : config_.window_minutes) {
      const int64_t width = minutes * kMinuteMs;
      s.from.assign(r, 0);
      s.to.assign(r, 0);
      // Only starts whose window holds at least min_option_votes votes can pass the share gate; they
      // come in runs. Inside a run, blocks of starts grow while they can be skipped and shrink to
      // kMinBlock where they cannot.
      const auto dense = [&](size_t i) { return i + min_count - 1 < m && time[i + min_count - 1] < time[i] + width; };
      size_t block = kMinBlock;
      size_t end_first = 0;  // one past the last vote of the block's first window
      size_t run_end = 0;
      for (size_t i0 = 0; i0 < m;) {
        if (i0 >= run_end) {
          while (i0 < m && !dense(i0)) ++i0;
          if (i0 == m) break;
          for (run_end = i0 + 1; run_end < m && dense(run_end);) ++run_end;
        }
        const size_t i1 = std::min(i0 + block, run_end);
        end_first = GallopLowerBound(g.time, std::max(end_first, i0), time[i0] + width);
        const size_t end_last = GallopLowerBound(g.time, std::max(end_first, i1 - 1), time[i1 - 1] + width);
        const double block_floor = std::max({1.0, floor, best ? best->score : 0.0});
        if (!BlockCanHit<kAllBase>(s, r, i0, i1, end_first, end_last, time, width, block_floor)) {
          i0 = i1;
          block = std::min(block * 2, kMaxBlock);
          continue;
        }
        if (i1 - i0 > kMinBlock) {
          block = (i1 - i0) / 2;  // look closer
          continue;
        }
        size_t j = end_first;
        for (size_t i = i0; i < i1; ++i) {
          const int64_t start = time[i];
          while (j < m && time[j] < start + width) ++j;
          if (static_cast<double>(j - i) < min_votes) continue;
          const double n = static_cast<double>(j - i);
          const double gate = std::max(min_votes, config_.min_share * n);
          for (size_t q = 0; q < r; ++q) {
            const double o = cum[j * r + q] - cum[i * r + q];
            if (o < gate) continue;
            const size_t k = s.relevant[q];
            const double total_base_k = cum_base[m * r + q];
            const double in_base_k = cum_base[j * r + q] - cum_base[i * r + q];
            WindowHit hit;
            if (!Shift(o, n, total_base_k - in_base_k, total_base_n - (base_n(j) - base_n(i)), k, hit) &&
                !Burst(o, n, in_base_k, total_base_k, start, width, s.from[q], s.to[q], k, hit))
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
        i0 = i1;
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
  // The window's count of k over the whole poll comes from two cursors (from, to) that only move
  // forward as the window slides; before moving them, the count is bounded from below by the
  // timeline's whole buckets and by the locus's own baseline votes for k in the window, which
  // settles most windows (the ratio test fails) without a search.
  bool Burst(double o, double n, double in_base_k, double locus_k, int64_t start, int64_t width, size_t& from,
             size_t& to, size_t k, WindowHit& hit) const {
    const double pi = global_mix_[k];
    if (o / n - pi < config_.min_lift || pi >= 1.0) return false;
    const double excess = (o - n * pi) / (1.0 - pi);
    if (excess < config_.min_excess) return false;
    const auto& times = timeline_.times(k);
    const double total_k = static_cast<double>(times.size());
    if (total_k <= 0) return false;
    const double window_at_least = std::max(in_base_k, timeline_.AtLeast(k, start, start + width));
    if (o < config_.min_burst_ratio * (locus_k * window_at_least / total_k)) return false;
    from = GallopLowerBound(times, from, start);
    to = GallopLowerBound(times, std::max(to, from), start + width);
    const double window_k = static_cast<double>(to - from);
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
  const OptionTimeline& timeline_;
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
                                     std::vector<int32_t>& hit_of_vote, std::span<const uint32_t> time_order) const {
  const size_t n = log.size();
  hit_of_vote.assign(n, -1);
  std::vector<Cell> cells;
  if (n == 0 || log.option_count() == 0) return cells;
  std::vector<uint32_t> sorted_here;
  if (time_order.size() != n) time_order = sorted_here = StableTimeOrder(log);
  const std::span<const uint32_t> order = time_order;
  const std::vector<double> global_mix = OptionMix(log, &baseline);
  OptionTimeline timeline;
  timeline.Reset(log.option_count(), log.time_ms[order.front()], log.time_ms[order.back()]);
  for (uint32_t v : order)
    if (baseline[v]) timeline.Add(log.option[v], log.time_ms[v]);
  timeline.Finish();

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

    const WindowScan scan(config_, global_mix, timeline, level, static_cast<double>(n));
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
  OptionTimeline timeline;
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
                                    Scratch& scratch, std::span<const double> thresholds) const {
  const size_t n = log_.size();
  const size_t k_count = log_.option_count();
  if (n == 0 || k_count == 0) return 0.0;
  Scratch::Buffers& b = *scratch.buffers_;
  // The options in the replicate's time order, and each option's times.
  b.timeline.Reset(k_count, time_of_rank.front(), time_of_rank.back());
  const uint16_t* option = log_.option.data();
  for (size_t r = 0; r < n; ++r) {
    if (r + kPrefetchAhead < n) __builtin_prefetch(option + order[r + kPrefetchAhead]);
    b.timeline.Add(option[order[r]], time_of_rank[r]);
  }
  b.timeline.Finish();
  double max_score = 0;
  // Scores that cannot change a comparison with a threshold need not be found exactly: below the
  // smallest threshold above the running maximum, nothing matters.
  double floor = 0;
  const auto raise_floor = [&] {
    if (thresholds.empty()) return floor = max_score, true;
    const auto next = std::upper_bound(thresholds.begin(), thresholds.end(), max_score);
    if (next == thresholds.end()) return false;  // every comparison is decided
    return floor = *next, true;
  };
  if (!raise_floor()) return max_score;
  for (const Level& level : levels_) {
    const size_t buckets = level.bucket_start.size() - 1;
    if (buckets == 0) continue;
    // Deal the votes, in time order, into their loci's buckets.
    b.bucket_time.resize(level.bucket_start.back());
    b.bucket_option.resize(level.bucket_start.back());
    b.fill.assign(level.bucket_start.begin(), level.bucket_start.end() - 1);
    const uint32_t* ids = level.ids->data();
    for (size_t r = 0; r < n; ++r) {
      // The votes come in random order: fetch ahead to overlap the cache misses.
      if (r + kPrefetchAhead < n) {
        __builtin_prefetch(ids + order[r + kPrefetchAhead]);
        __builtin_prefetch(option + order[r + kPrefetchAhead]);
      }
      const uint32_t bucket = level.bucket_of_id[ids[order[r]]];
      if (bucket == kSkip) continue;
      const uint32_t at = b.fill[bucket]++;
      b.bucket_time[at] = time_of_rank[r];
      b.bucket_option[at] = option[order[r]];
    }
    // Only the strongest cell matters (Kulldorff 1997 §3: the maximum of the statistic over all
    // windows is compared across replicates).
    const WindowScan scan(detector_.config(), global_mix_, b.timeline, level.level, static_cast<double>(n));
    for (size_t bucket = 0; bucket < buckets; ++bucket) {
      const uint32_t from = level.bucket_start[bucket], size = level.bucket_start[bucket + 1] - from;
      const GroupVotes group{{b.bucket_time.data() + from, size}, {b.bucket_option.data() + from, size}, {}};
      const std::optional<WindowHit> hit = scan.Best(group, b.window, floor);
      if (!hit || hit->score <= max_score) continue;
      max_score = hit->score;
      if (!raise_floor()) return max_score;
    }
  }
  return max_score;
}

std::vector<Cohort> ScanDetector::Detect(const VoteLog& log, std::span<const uint32_t> time_order) const {
  std::vector<uint32_t> sorted_here;  // both passes share one sort
  if (time_order.size() != log.size()) time_order = sorted_here = StableTimeOrder(log);
  std::vector<uint8_t> baseline(log.size(), 1);
  std::vector<int32_t> hit_of_vote;
  std::vector<Cell> cells = Scan(log, baseline, hit_of_vote, time_order);
  if (config_.second_pass && !cells.empty()) {
    for (size_t i = 0; i < log.size(); ++i) baseline[i] = hit_of_vote[i] < 0;
    cells = Scan(log, baseline, hit_of_vote, time_order);
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

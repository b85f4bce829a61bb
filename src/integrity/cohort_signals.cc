#include "integrity/cohort_signals.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "integrity/scan_detector.h"

namespace pantau::integrity {
namespace {

// Option counts of the votes the scan left, per block, per operator and for the poll: the mixes a
// link's votes are expected to follow.
class BlockMixes {
 public:
  BlockMixes(const VoteLog& log, const std::vector<uint8_t>& taken, double prior_votes)
      : k_(log.option_count()), prior_(prior_votes), block_n_(log.loci.size(), 0.0), block_k_(log.loci.size() * k_, 0.0) {
    std::unordered_map<uint32_t, uint32_t> dense;
    operator_of_block_.resize(log.loci.size());
    for (size_t l = 0; l < log.loci.size(); ++l)
      operator_of_block_[l] = dense.emplace(log.loci[l].asn, static_cast<uint32_t>(dense.size())).first->second;
    std::vector<double> op_n(dense.size(), 0.0), op_k(dense.size() * k_, 0.0), poll_k(k_, 0.0);
    double poll_n = 0;
    for (size_t i = 0; i < log.size(); ++i) {
      if (taken[i]) continue;
      const uint32_t l = log.locus[i], o = operator_of_block_[l], k = log.option[i];
      block_n_[l] += 1, block_k_[l * k_ + k] += 1;
      op_n[o] += 1, op_k[o * k_ + k] += 1;
      poll_n += 1, poll_k[k] += 1;
    }
    // Operator mixes shrunk towards the poll's.
    operator_mix_.resize(dense.size() * k_);
    for (size_t o = 0; o < dense.size(); ++o)
      for (size_t k = 0; k < k_; ++k) {
        const double poll_share = poll_n > 0 ? poll_k[k] / poll_n : 1.0 / static_cast<double>(k_);
        operator_mix_[o * k_ + k] = (op_k[o * k_ + k] + prior_ * poll_share) / (op_n[o] + prior_);
      }
  }

  // Block l's share of option k without `own_n` of its votes, `own_k` of them for k (the link's own),
  // shrunk towards its operator's mix.
  double Share(uint32_t l, size_t k, double own_n, double own_k) const {
    const double prior = operator_mix_[operator_of_block_[l] * k_ + k];
    return (block_k_[l * k_ + k] - own_k + prior_ * prior) / (block_n_[l] - own_n + prior_);
  }
  // The votes block l's mix was estimated from, without the link's own.
  double Votes(uint32_t l, double own_n) const { return block_n_[l] - own_n + prior_; }

 private:
  size_t k_;
  double prior_;
  std::vector<double> block_n_, block_k_;
  std::vector<uint32_t> operator_of_block_;
  std::vector<double> operator_mix_;
};

// One link's untaken votes against the mixes of the blocks they came from.
struct LinkTest {
  std::vector<double> observed, expected;  // per option
  double n = 0, baseline_votes = 0;
};

LinkTest TestLink(const VoteLog& log, const std::vector<uint32_t>& votes, const BlockMixes& mixes) {
  const size_t k_count = log.option_count();
  std::unordered_map<uint32_t, std::vector<double>> per_block;  // block -> [n, count of each option]
  for (uint32_t v : votes) {
    auto& c = per_block.try_emplace(log.locus[v], k_count + 1, 0.0).first->second;
    c[0] += 1, c[1 + log.option[v]] += 1;
  }
  LinkTest t;
  t.observed.assign(k_count, 0.0);
  t.expected.assign(k_count, 0.0);
  t.n = static_cast<double>(votes.size());
  for (const auto& [block, c] : per_block) {
    for (size_t k = 0; k < k_count; ++k) {
      t.observed[k] += c[1 + k];
      t.expected[k] += c[0] * mixes.Share(block, k, c[0], c[1 + k]);
    }
    t.baseline_votes += mixes.Votes(block, c[0]);
  }
  return t;
}

// The link's strongest one-sided option as a cell, or false when no option passes every gate.
bool BestCell(const LinkTest& t, const LinkConfig& config, Cell& best) {
  bool found = false;
  for (size_t k = 0; k < t.observed.size(); ++k) {
    const double o = t.observed[k], pi = t.expected[k] / t.n;
    if (o / t.n < config.min_share || o / t.n - pi < config.min_lift || pi >= 1.0) continue;
    const double excess = (o - t.expected[k]) / (1.0 - pi);
    const double llr = BernoulliLlr(o, t.n, pi);
    if (excess < config.min_excess || llr < config.min_llr || (found && llr <= best.llr)) continue;
    found = true;
    best.option = static_cast<uint16_t>(k);
    best.window_votes = static_cast<uint32_t>(t.n);
    best.option_votes = static_cast<uint32_t>(o);
    best.baseline_share = pi;
    best.baseline_votes = t.baseline_votes;
    best.excess = excess;
    best.llr = llr;
    best.test = CellTest::kLink;
  }
  return found;
}

// Untaken votes grouped by a link key (share token or referrer host; 0 = none), in log order.
std::vector<std::vector<uint32_t>> GroupByLink(const std::vector<uint32_t>& key, size_t keys,
                                               const std::vector<uint8_t>& taken) {
  std::vector<std::vector<uint32_t>> groups(keys);
  for (size_t i = 0; i < key.size(); ++i)
    if (key[i] != 0 && !taken[i]) groups[key[i]].push_back(static_cast<uint32_t>(i));
  return groups;
}

// The cohort's span: its first and last vote.
void SetSpan(const VoteLog& log, Cohort& c) {
  c.start_ms = INT64_MAX, c.end_ms = INT64_MIN;
  for (uint32_t v : c.votes) c.start_ms = std::min(c.start_ms, log.time_ms[v]), c.end_ms = std::max(c.end_ms, log.time_ms[v]);
}

Cohort LinkCohort(const VoteLog& log, const std::vector<uint32_t>& votes, Cell cell, double p_value) {
  Cohort c;
  c.option = cell.option;
  for (uint32_t v : votes)
    if (log.option[v] == cell.option) c.votes.push_back(v);
  SetSpan(log, c);
  cell.start_ms = c.start_ms;
  cell.end_ms = c.end_ms + 1;
  c.excess = cell.excess;
  c.max_llr = cell.llr;
  c.p_value = p_value;
  c.cells.push_back(std::move(cell));
  return c;
}

}  // namespace

std::vector<Cohort> FindOneSidedLinks(const VoteLog& log, const std::vector<uint8_t>& taken, const LinkConfig& config) {
  std::vector<Cohort> found;
  if (!config.enabled || log.size() == 0 || log.option_count() < 2) return found;
  const BlockMixes mixes(log, taken, config.prior_votes);
  struct Candidate {
    LocusLevel level;
    uint32_t group;
    Cell cell;
  };
  std::vector<Candidate> candidates;
  std::vector<std::vector<uint32_t>> by_level[2];
  size_t tested = 0;
  const LocusLevel levels[2] = {LocusLevel::kToken, LocusLevel::kReferrer};
  for (int x = 0; x < 2; ++x) {
    by_level[x] = levels[x] == LocusLevel::kToken ? GroupByLink(log.token, log.tokens.size(), taken)
                                                  : GroupByLink(log.referrer, log.referrers.size(), taken);
    for (uint32_t g = 0; g < by_level[x].size(); ++g) {
      const std::vector<uint32_t>& votes = by_level[x][g];
      if (votes.size() < config.min_votes) continue;
      ++tested;
      Cell cell;
      if (!BestCell(TestLink(log, votes, mixes), config, cell)) continue;
      cell.level = levels[x];
      cell.group = g;
      cell.label = std::string(levels[x] == LocusLevel::kToken ? log.tokens.Name(g) : log.referrers.Name(g));
      candidates.push_back({levels[x], g, std::move(cell)});
    }
  }
  const double tests = static_cast<double>(tested * log.option_count());
  std::vector<uint8_t> claimed = taken;
  // Tokens before referrers: a campaign's link and the site it was posted on claim the same votes once.
  for (Candidate& c : candidates) {
    const double p = std::min(1.0, tests * std::exp(-c.cell.llr));
    if (p > config.alpha) continue;
    const std::vector<uint32_t>& all = by_level[c.level == LocusLevel::kToken ? 0 : 1][c.group];
    std::vector<uint32_t> votes;
    for (uint32_t v : all)
      if (!claimed[v]) votes.push_back(v);
    if (votes.size() != all.size()) {  // a token claimed some of this referrer's votes: test the rest
      Cell rest;
      if (votes.size() < config.min_votes || !BestCell(TestLink(log, votes, mixes), config, rest) ||
          rest.option != c.cell.option)
        continue;
      rest.level = c.cell.level, rest.group = c.cell.group, rest.label = c.cell.label;
      c.cell = std::move(rest);
    }
    Cohort cohort = LinkCohort(log, votes, c.cell, p);
    cohort.score = c.cell.llr / config.min_llr;
    if (cohort.votes.size() < config.min_votes) continue;
    for (uint32_t v : cohort.votes) claimed[v] = 1;
    found.push_back(std::move(cohort));
  }
  return found;
}

void AppendLinkCohorts(const VoteLog& log, const LinkConfig& config, std::vector<Cohort>& cohorts) {
  if (!config.enabled) return;
  std::vector<uint8_t> taken(log.size(), 0);
  for (const Cohort& c : cohorts)
    for (uint32_t v : c.votes) taken[v] = 1;
  std::vector<Cohort> links = FindOneSidedLinks(log, taken, config);
  if (links.empty()) return;
  for (Cohort& c : links) cohorts.push_back(std::move(c));
  std::stable_sort(cohorts.begin(), cohorts.end(), [](const Cohort& a, const Cohort& b) { return a.start_ms < b.start_ms; });
  for (size_t c = 0; c < cohorts.size(); ++c) cohorts[c].id = "C" + std::to_string(c + 1);
}

namespace {

// The referrer most of the cohort's votes came with (0: none, as from a chat app).
uint32_t TopReferrer(const VoteLog& log, const Cohort& c);

}  // namespace

void EstimateOffLinkExcess(const VoteLog& log, const LinkConfig& config, std::vector<Cohort>& cohorts) {
  if (!config.enabled || !config.off_link || log.size() == 0 || log.option_count() < 2) return;
  std::vector<uint8_t> taken(log.size(), 0), link_token(log.tokens.size(), 0);
  for (const Cohort& c : cohorts) {
    for (uint32_t v : c.votes) taken[v] = 1;
    for (const Cell& cell : c.cells)
      if (cell.test == CellTest::kLink && cell.level == LocusLevel::kToken) link_token[cell.group] = 1;
  }
  for (Cohort& c : cohorts) {
    if (c.votes.empty() || c.cells.size() != 1 || c.cells[0].test != CellTest::kLink ||
        c.cells[0].level != LocusLevel::kToken)
      continue;
    std::vector<int64_t> times;
    for (uint32_t v : c.votes) times.push_back(log.time_ms[v]);
    std::sort(times.begin(), times.end());
    const auto at = [&](double q) { return times[static_cast<size_t>(q * static_cast<double>(times.size() - 1))]; };
    OffLinkExcess x;
    x.start_ms = at(config.period_quantile);
    x.end_ms = at(1 - config.period_quantile) + 1;
    x.referrer = TopReferrer(log, c);
    for (size_t i = 0; i < log.size(); ++i) {
      if (taken[i] || link_token[log.token[i]]) continue;
      const bool in = log.time_ms[i] >= x.start_ms && log.time_ms[i] < x.end_ms;
      if (log.option[i] != c.option) (in ? x.rhythm_in : x.rhythm_out) += 1;
      else if (log.referrer[i] == x.referrer) (in ? x.observed : x.outside) += 1;
    }
    if (x.rhythm_out < config.min_rhythm_outside) continue;
    x.excess = x.observed - x.outside * x.rhythm_in / x.rhythm_out;
    x.estimated = true;
    c.excess += x.excess;
    c.off_link = x;
  }
}

namespace {

// The cohort's own share link: its most used token, when it carries enough of the cohort and the
// cohort holds most of the link's votes (a popular organic link is not the cohort's). 0 when none.
uint32_t OwnToken(const VoteLog& log, const Cohort& c, const std::vector<uint32_t>& token_votes,
                  const TrimConfig& config) {
  std::unordered_map<uint32_t, uint32_t> counts;
  for (uint32_t v : c.votes)
    if (log.token[v] != 0) ++counts[log.token[v]];
  uint32_t best = 0, best_n = 0;
  for (const auto& [t, n] : counts)
    if (n > best_n || (n == best_n && t < best)) best = t, best_n = n;
  if (best == 0 || best_n < config.min_token_share * static_cast<double>(c.votes.size()) ||
      best_n < config.min_token_ownership * token_votes[best])
    return 0;
  return best;
}

// The referrer most of the cohort's votes came with (0: none, as from a chat app).
uint32_t TopReferrer(const VoteLog& log, const Cohort& c) {
  std::unordered_map<uint32_t, uint32_t> counts;
  for (uint32_t v : c.votes) ++counts[log.referrer[v]];
  uint32_t best = 0, best_n = 0;
  for (const auto& [r, n] : counts)
    if (n > best_n || (n == best_n && r < best)) best = r, best_n = n;
  return best;
}

// Per vote of `votes`: how many of `votes` fall within `minutes` of it.
std::vector<uint32_t> TimeDensity(const VoteLog& log, const std::vector<uint32_t>& votes, int64_t minutes) {
  std::vector<int64_t> sorted;
  for (uint32_t v : votes) sorted.push_back(log.time_ms[v]);
  std::sort(sorted.begin(), sorted.end());
  const int64_t w = minutes * 60'000;
  std::vector<uint32_t> density;
  for (uint32_t v : votes)
    density.push_back(static_cast<uint32_t>(std::upper_bound(sorted.begin(), sorted.end(), log.time_ms[v] + w) -
                                            std::lower_bound(sorted.begin(), sorted.end(), log.time_ms[v] - w)));
  return density;
}

// The poll's time curve without the cohorts' votes: which share of the unflagged traffic falls in a
// window.
class TimeCurve {
 public:
  TimeCurve(const VoteLog& log, const std::vector<Cohort>& cohorts) {
    std::vector<uint8_t> taken(log.size(), 0);
    for (const Cohort& c : cohorts)
      for (uint32_t v : c.votes) taken[v] = 1;
    for (size_t i = 0; i < log.size(); ++i)
      if (!taken[i]) times_.push_back(log.time_ms[i]);
    std::sort(times_.begin(), times_.end());
  }
  double Share(int64_t start_ms, int64_t end_ms) const {
    if (times_.empty()) return 0;
    const auto in = std::lower_bound(times_.begin(), times_.end(), end_ms) - std::lower_bound(times_.begin(), times_.end(), start_ms);
    return static_cast<double>(in) / static_cast<double>(times_.size());
  }

 private:
  std::vector<int64_t> times_;
};

// The honest votes for the cell's option expected inside its window.
double HonestVotes(const Cell& cell, const TimeCurve& curve, double prior_votes) {
  if (cell.test == CellTest::kBurst) return cell.expected;
  const double f = std::min(curve.Share(cell.start_ms, cell.end_ms), 0.99);
  return std::max(0.0, cell.baseline_votes - prior_votes) * f / (1.0 - f) * cell.baseline_share;
}

bool IsLinkCohort(const Cohort& c) {
  return std::all_of(c.cells.begin(), c.cells.end(), [](const Cell& cell) { return cell.test == CellTest::kLink; });
}

}  // namespace

void TrimToExcess(const VoteLog& log, const TrimConfig& config, std::vector<Cohort>& cohorts) {
  if (!config.enabled) return;
  std::vector<uint32_t> token_votes(log.tokens.size(), 0);
  for (uint32_t t : log.token) ++token_votes[t];
  const TimeCurve curve(log, cohorts);
  for (Cohort& c : cohorts) {
    if (c.votes.empty() || IsLinkCohort(c)) continue;
    const double n = static_cast<double>(c.votes.size());
    double honest = 0;
    for (const Cell& cell : c.cells) honest += HonestVotes(cell, curve, config.baseline_prior_votes);
    honest *= config.honest_share;
    const auto keep = static_cast<size_t>(std::ceil(std::max(std::min(c.excess, n), n - honest)));
    if (keep >= c.votes.size()) continue;
    const uint32_t own = OwnToken(log, c, token_votes, config);
    const std::vector<uint32_t> density = TimeDensity(log, c.votes, config.density_minutes);
    const uint32_t referrer = TopReferrer(log, c);
    const std::vector<uint8_t> repeat = RepeatDevices(log, c.votes, config.repeat_minutes);
    // Most instructed-looking first: on the cohort's own link, then a device that voted again within
    // minutes, then arriving the way most of the cohort did (the same referrer, or none for a link
    // forwarded in a chat), then densest in time.
    std::vector<size_t> order(c.votes.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto score = [&](size_t i) {
      const uint32_t v = c.votes[i];
      return std::tuple{own != 0 && log.token[v] == own, repeat[i] != 0, log.referrer[v] == referrer, density[i]};
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score(a) > score(b); });
    std::vector<uint32_t> kept;
    for (size_t i = 0; i < keep; ++i) kept.push_back(c.votes[order[i]]);
    std::sort(kept.begin(), kept.end());
    c.votes = std::move(kept);
    SetSpan(log, c);
  }
}

std::vector<uint8_t> RepeatDevices(const VoteLog& log, const std::vector<uint32_t>& votes, int64_t minutes) {
  std::vector<uint8_t> repeat(votes.size(), 0);
  if (minutes <= 0) return repeat;
  std::unordered_map<uint64_t, std::vector<size_t>> by_key;  // address << 32 | family -> positions
  for (size_t i = 0; i < votes.size(); ++i)
    if (const LocusInfo& l = log.loci[log.locus[votes[i]]];
        log.address[votes[i]] != 0 && (l.network_class != NetworkClass::kMobile || l.prefix.find(':') != std::string::npos))
      by_key[uint64_t{log.address[votes[i]]} << 32 | log.ua_family[votes[i]]].push_back(i);
  const int64_t w = minutes * 60'000;
  for (const auto& [key, at] : by_key)
    for (size_t a = 0; a < at.size(); ++a)
      for (size_t b = a + 1; b < at.size(); ++b) {
        const uint32_t x = votes[at[a]], y = votes[at[b]];
        if (log.device[x] != log.device[y] && std::abs(log.time_ms[x] - log.time_ms[y]) <= w)
          repeat[at[a]] = repeat[at[b]] = 1;
      }
  return repeat;
}

}  // namespace pantau::integrity

namespace pantau::integrity {

double TruncatedExponentialMean(double observed, double truncation, double cap) {
  if (!(truncation > 0) || !(observed > 0)) return 0;
  // The mean of an exponential with mean tau truncated at W is tau - W / (e^(W/tau) - 1), rising
  // from 0 (tau -> 0) to W/2 (tau -> infinity).
  const auto mean = [&](double tau) {
    const double r = truncation / tau;
    return r > 700 ? tau : tau - truncation / std::expm1(r);
  };
  if (mean(cap) <= observed) return cap;
  double lo = 1e-9 * truncation, hi = cap;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mean(mid) < observed ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

namespace {

constexpr double kMinuteMs = 60'000;

// A cohort's response to its trigger: when its members answered.
struct Response {
  int64_t t0 = 0, t1 = 0;  // the trigger and the end of the horizon
  double tau = 0;          // mean delay, minutes
  double horizon = 0;      // minutes
  uint32_t channel = 0;    // the referrer most of the burst came with (0: none)
  std::vector<uint8_t> devices;  // per device kind (DeviceKinds): at least min_device_share of the burst
  bool Contains(int64_t t) const { return t >= t0 && t < t1; }
};

// Per interned UA family: its kind of device, the part after the last '/' of "Chrome Mobile/Android/phone"
// (0 when absent or unknown), as a small dense id.
std::vector<uint8_t> DeviceKinds(const VoteLog& log, size_t& kinds) {
  std::vector<uint8_t> kind(log.ua_families.size(), 0);
  std::unordered_map<std::string_view, uint8_t> ids;
  for (uint32_t f = 1; f < log.ua_families.size(); ++f) {
    const std::string_view name = log.ua_families.Name(f);
    const size_t slash = name.rfind('/');
    if (slash == std::string_view::npos) continue;
    kind[f] = ids.emplace(name.substr(slash + 1), static_cast<uint8_t>(std::min<size_t>(ids.size() + 1, 255)))
                  .first->second;
  }
  kinds = ids.size() + 1;
  return kind;
}

// The cohort's burst (its votes inside its scan windows), or false when too small to follow.
bool FitResponse(const VoteLog& log, const Cohort& c, const TriggerConfig& config,
                 const std::vector<uint8_t>& device_kind, size_t kinds, Response& r, std::vector<uint32_t>& burst) {
  burst.clear();
  // The union of the scan windows, as disjoint [start, end) spans in time order.
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const Cell& cell : c.cells)
    if (cell.test == CellTest::kShift || cell.test == CellTest::kBurst) spans.emplace_back(cell.start_ms, cell.end_ms);
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<int64_t, int64_t>> merged;
  for (const auto& span : spans)
    if (!merged.empty() && span.first <= merged.back().second) merged.back().second = std::max(merged.back().second, span.second);
    else merged.push_back(span);
  for (uint32_t v : c.votes) {
    const int64_t t = log.time_ms[v];
    const auto after = std::upper_bound(merged.begin(), merged.end(), t,
                                        [](int64_t x, const std::pair<int64_t, int64_t>& span) { return x < span.first; });
    if (after != merged.begin() && t < std::prev(after)->second) burst.push_back(v);
  }
  if (burst.size() < config.min_burst_votes) return false;
  std::vector<int64_t> times;
  std::unordered_map<uint32_t, uint32_t> referrers;
  for (uint32_t v : burst) times.push_back(log.time_ms[v]), ++referrers[log.referrer[v]];
  std::sort(times.begin(), times.end());
  r.t0 = times[static_cast<size_t>(config.trigger_quantile * static_cast<double>(times.size() - 1))];
  double delay_sum = 0;
  for (int64_t t : times) delay_sum += static_cast<double>(std::max<int64_t>(0, t - r.t0));
  const double max_horizon = static_cast<double>(config.max_horizon_minutes);
  r.tau = TruncatedExponentialMean(delay_sum / static_cast<double>(times.size()) / kMinuteMs,
                                   static_cast<double>(times.back() - r.t0) / kMinuteMs, max_horizon);
  if (!(r.tau > 0)) return false;
  r.horizon = std::min(config.horizon_taus * r.tau, max_horizon);
  r.t1 = r.t0 + static_cast<int64_t>(r.horizon * kMinuteMs);
  uint32_t best = 0;
  r.channel = 0;
  for (const auto& [ref, n] : referrers)
    if (n > best || (n == best && ref < r.channel)) r.channel = ref, best = n;
  std::vector<double> per_kind(kinds, 0.0);
  for (uint32_t v : burst) per_kind[device_kind[log.ua_family[v]]] += 1;
  r.devices.assign(kinds, 0);
  for (size_t k = 0; k < kinds; ++k)
    r.devices[k] = k == 0 || per_kind[k] >= config.min_device_share * static_cast<double>(burst.size());
  return true;
}

// One family of votes followed after the trigger (an address, an operator, the cohort's own link):
// its untaken candidates inside the horizon and its such votes outside it.
struct Family {
  LocusLevel level = LocusLevel::kAsn;
  uint32_t group = 0;  // address id, ASN, token id
  uint32_t reached = 0;
  std::vector<uint32_t> candidates;
  double outside = 0;
  size_t parent = SIZE_MAX;  // the coarser family its votes go to when it is not extended
  NetworkClass network_class = NetworkClass::kUnknown;  // a pooled family of operators (group 0)
  std::vector<uint32_t> asns;                           // ... and which
};

// Where the burst came from: the addresses and operators (ASNs) with at least `min_votes` of its
// votes. A vote through the cohort's own link is taken as a member's only when it also came from
// one of them, with the burst's referrer and a kind of device the burst used — a link forwarded
// beyond the cohort reaches honest voters on other networks, at other times, with their own choice.
class BurstNetworks {
 public:
  BurstNetworks(const VoteLog& log, const std::vector<uint32_t>& burst, uint32_t min_votes) {
    std::unordered_map<uint32_t, uint32_t> per_address, per_operator;
    for (uint32_t v : burst) {
      if (log.address[v] != 0) ++per_address[log.address[v]];
      if (const uint32_t asn = log.loci[log.locus[v]].asn; asn != 0) ++per_operator[asn];
    }
    for (const auto& [a, n] : per_address)
      if (n >= min_votes) addresses_.insert(a);
    for (const auto& [o, n] : per_operator)
      if (n >= min_votes) operators_.insert(o);
  }
  bool LooksLikeMember(const VoteLog& log, uint32_t v, const Response& r, const std::vector<uint8_t>& device_kind) const {
    if (log.referrer[v] != r.channel || !r.devices[device_kind[log.ua_family[v]]]) return false;
    return addresses_.contains(log.address[v]) || operators_.contains(log.loci[log.locus[v]].asn);
  }

 private:
  std::unordered_set<uint32_t> addresses_, operators_;
};

}  // namespace

void ExtendAlongOwnLinks(const VoteLog& log, const LinkConfig& links, const TrimConfig& trim,
                         const TriggerConfig& trigger, std::vector<Cohort>& cohorts) {
  if (!links.enabled || !links.extend || log.size() == 0) return;
  size_t kinds = 0;
  const std::vector<uint8_t> device_kind = DeviceKinds(log, kinds);
  Response r;
  std::vector<uint32_t> burst;
  std::vector<uint8_t> taken(log.size(), 0);
  for (const Cohort& c : cohorts)
    for (uint32_t v : c.votes) taken[v] = 1;
  std::vector<uint32_t> token_votes(log.tokens.size(), 0);
  for (uint32_t t : log.token) ++token_votes[t];
  const BlockMixes mixes(log, taken, links.prior_votes);
  for (Cohort& c : cohorts) {
    if (c.votes.empty() || IsLinkCohort(c)) continue;
    const uint32_t own = OwnToken(log, c, token_votes, trim);
    // A forwarded link also reaches honest voters: only its votes that look like the burst's
    // members — in its response period, from its networks, the same way and kind of device — are
    // the cohort's; never a vote on the token alone.
    if (own == 0 || !FitResponse(log, c, trigger, device_kind, kinds, r, burst)) continue;
    const BurstNetworks networks(log, burst, trigger.min_family_votes);
    std::vector<uint32_t> rest;
    for (size_t i = 0; i < log.size(); ++i)
      if (log.token[i] == own && !taken[i] && r.Contains(log.time_ms[i]) &&
          networks.LooksLikeMember(log, static_cast<uint32_t>(i), r, device_kind))
        rest.push_back(static_cast<uint32_t>(i));
    if (rest.empty()) continue;
    const LinkTest t = TestLink(log, rest, mixes);
    const double o = t.observed[c.option], pi = t.expected[c.option] / t.n;
    if (o / t.n < links.extend_min_share || pi >= 1.0) continue;
    Cell cell;
    cell.level = LocusLevel::kToken;
    cell.group = own;
    cell.option = c.option;
    cell.window_votes = static_cast<uint32_t>(t.n);
    cell.option_votes = static_cast<uint32_t>(o);
    cell.baseline_share = pi;
    cell.baseline_votes = t.baseline_votes;
    cell.excess = std::max(0.0, (o - t.expected[c.option]) / (1.0 - pi));
    cell.llr = BernoulliLlr(o, t.n, pi);
    cell.test = CellTest::kLink;
    cell.label = std::string(log.tokens.Name(own));
    cell.start_ms = INT64_MAX, cell.end_ms = INT64_MIN;
    for (uint32_t v : rest) {
      if (log.option[v] != c.option) continue;
      c.votes.push_back(v);
      taken[v] = 1;
      cell.start_ms = std::min(cell.start_ms, log.time_ms[v]), cell.end_ms = std::max(cell.end_ms, log.time_ms[v] + 1);
    }
    std::sort(c.votes.begin(), c.votes.end());
    c.excess += cell.excess;
    c.cells.push_back(std::move(cell));
    SetSpan(log, c);
  }
}

void ExtendAlongTrigger(const VoteLog& log, const TriggerConfig& config, const TrimConfig& trim,
                        std::vector<Cohort>& cohorts) {
  if (!config.enabled || log.size() == 0 || log.option_count() < 2) return;
  std::vector<uint8_t> taken(log.size(), 0);
  for (const Cohort& c : cohorts)
    for (uint32_t v : c.votes) taken[v] = 1;
  std::vector<uint32_t> token_votes(log.tokens.size(), 0);
  for (uint32_t t : log.token) ++token_votes[t];
  std::unordered_map<uint32_t, std::string> operator_names;
  std::unordered_map<uint32_t, NetworkClass> class_of_operator;
  for (const LocusInfo& l : log.loci) {
    if (l.asn != 0 && !l.org.empty()) operator_names.emplace(l.asn, l.org);
    if (l.asn != 0) class_of_operator.emplace(l.asn, l.network_class);
  }
  size_t kinds = 0;
  const std::vector<uint8_t> device_kind = DeviceKinds(log, kinds);
  // Per address and per locus: the family (index into `families`) its votes go to; kNoFamily when none.
  constexpr uint32_t kNoFamily = UINT32_MAX;
  std::vector<uint32_t> family_of_address(log.addresses.size(), kNoFamily), family_of_locus(log.loci.size(), kNoFamily);
  Response r;
  std::vector<uint32_t> burst;
  for (Cohort& c : cohorts) {
    if (c.votes.empty() || IsLinkCohort(c) || !FitResponse(log, c, config, device_kind, kinds, r, burst)) continue;
    // The families the burst reached, finest first: addresses, then operators; and the cohort's
    // own link, whose every vote in the horizon is a member's, whatever it chose.
    std::unordered_map<uint32_t, uint32_t> per_address, per_operator;
    for (uint32_t v : burst) {
      if (log.address[v] != 0) ++per_address[log.address[v]];
      if (const uint32_t asn = log.loci[log.locus[v]].asn; asn != 0) ++per_operator[asn];
    }
    std::vector<Family> families;
    std::unordered_map<uint32_t, size_t> address_family, operator_family;
    const auto add_families = [&](const std::unordered_map<uint32_t, uint32_t>& reached, LocusLevel level,
                                  std::unordered_map<uint32_t, size_t>& index) {
      std::vector<std::pair<uint32_t, uint32_t>> sorted(reached.begin(), reached.end());
      std::sort(sorted.begin(), sorted.end());
      for (const auto& [g, n] : sorted)
        if (n >= config.min_family_votes) {
          index.emplace(g, families.size());
          families.push_back({level, g, n, {}, 0});
        }
    };
    const uint32_t own = OwnToken(log, c, token_votes, trim);
    if (own != 0 && config.own_link) families.push_back({LocusLevel::kToken, own, 0, {}, 0});
    const BurstNetworks networks(log, burst, config.min_family_votes);
    add_families(per_address, LocusLevel::kAddress, address_family);
    const size_t first_operator = families.size();
    add_families(per_operator, LocusLevel::kAsn, operator_family);
    // Operators that do not stand out on their own are tested together with the others of their
    // network class the cohort reached (all the carriers its phones were on).
    std::map<NetworkClass, std::vector<size_t>> by_class;
    for (size_t f = first_operator; f < families.size(); ++f) by_class[class_of_operator[families[f].group]].push_back(f);
    for (const auto& [cls, members] : by_class) {
      if (members.size() < 2) continue;
      Family pooled{LocusLevel::kAsn, 0, 0, {}, 0};
      pooled.network_class = cls;
      for (size_t f : members) families[f].parent = families.size(), pooled.reached += families[f].reached;
      families.push_back(std::move(pooled));
    }
    if (families.empty()) continue;
    for (const auto& [address, f] : address_family) family_of_address[address] = static_cast<uint32_t>(f);
    for (size_t l = 0; l < log.loci.size(); ++l)
      if (auto o = operator_family.find(log.loci[l].asn); o != operator_family.end())
        family_of_locus[l] = static_cast<uint32_t>(o->second);
    // One pass over the untaken votes. A vote for the cohort's option that arrived the way the
    // burst did belongs to the finest family it is in; the own link takes any option.
    double poll_in = 0, poll_out = 0;          // the poll's untaken votes for the other options
    double poll_all_in = 0, poll_all_out = 0;  // ... and for every option
    for (size_t i = 0; i < log.size(); ++i) {
      if (taken[i]) continue;
      const int64_t t = log.time_ms[i];
      const bool in = t >= r.t0 && t < r.t1;
      (in ? poll_all_in : poll_all_out) += 1;
      if (own != 0 && config.own_link && log.token[i] == own) {
        // Members who chose otherwise, not honest voters the link was forwarded to (BurstNetworks).
        if (!networks.LooksLikeMember(log, static_cast<uint32_t>(i), r, device_kind)) continue;
        Family& f = families[0];
        if (in) f.candidates.push_back(static_cast<uint32_t>(i));
        else f.outside += 1;
        continue;
      }
      if (log.option[i] != c.option) {
        (in ? poll_in : poll_out) += 1;
        continue;
      }
      if (log.referrer[i] != r.channel || !r.devices[device_kind[log.ua_family[i]]]) continue;
      const uint32_t op = family_of_locus[log.locus[i]];
      uint32_t f = op;
      if (const uint32_t a = family_of_address[log.address[i]]; a != kNoFamily) {
        f = a;
        if (families[f].parent == SIZE_MAX && op != kNoFamily) families[f].parent = op;
      }
      if (f == kNoFamily) continue;
      if (in) families[f].candidates.push_back(static_cast<uint32_t>(i));
      else families[f].outside += 1;
    }
    for (const auto& [address, f] : address_family) family_of_address[address] = kNoFamily;
    std::fill(family_of_locus.begin(), family_of_locus.end(), kNoFamily);
    if (poll_out <= 0 || poll_all_out <= 0) continue;
    const double g_norm = r.tau * -std::expm1(-r.horizon / r.tau);  // the delay density's normaliser
    bool extended = false;
    for (Family& f : families) {
      std::vector<uint32_t>& cand = f.candidates;
      if (cand.empty()) continue;
      const bool link = f.level == LocusLevel::kToken;
      const double in_poll = link ? poll_all_in : poll_in, out_poll = link ? poll_all_out : poll_out;
      const auto o = static_cast<double>(cand.size());
      const double expected = f.outside * in_poll / out_poll;
      const double excess = o - expected;
      const double llr = PoissonLlr(o, (o + f.outside) * in_poll / (in_poll + out_poll), o + f.outside);
      if (excess < config.min_excess || llr < config.min_llr) {
        // An address that does not stand out on its own is part of its operator's count, an
        // operator part of its network class's.
        if (f.parent != SIZE_MAX) {
          Family& parent = families[f.parent];
          parent.candidates.insert(parent.candidates.end(), cand.begin(), cand.end());
          parent.outside += f.outside;
          if (f.level == LocusLevel::kAsn) parent.asns.push_back(f.group);
        }
        continue;
      }
      std::sort(cand.begin(), cand.end(), [&](uint32_t a, uint32_t b) {
        return std::tie(log.time_ms[a], a) < std::tie(log.time_ms[b], b);
      });
      Cell cell;
      cell.level = f.level;
      cell.group = f.group;
      cell.option = c.option;
      cell.start_ms = r.t0;
      cell.end_ms = r.t1;
      cell.window_votes = static_cast<uint32_t>(cand.size());
      cell.baseline_votes = f.outside;
      cell.baseline_share = std::min(1.0, expected / o);
      cell.expected = expected;
      // The link's candidates for the cohort's option were all taken already (ExtendAlongOwnLinks):
      // what it adds are members who chose otherwise, and no excess.
      cell.excess = link ? 0.0 : excess;
      cell.llr = llr;
      cell.test = CellTest::kTrigger;
      cell.delay_minutes = r.tau;
      switch (f.level) {
        case LocusLevel::kToken: cell.label = std::string(log.tokens.Name(f.group)); break;
        case LocusLevel::kAddress: cell.label = std::string(log.addresses.Name(f.group)); break;
        default:
          if (f.group != 0) {
            const auto name = operator_names.find(f.group);
            cell.label = "AS" + std::to_string(f.group) + (name != operator_names.end() ? " " + name->second : "");
          } else {
            cell.label = std::string(kNetworkClassNames.Name(f.network_class)) + " networks";
            for (size_t a = 0; a < f.asns.size(); ++a) cell.label += (a ? ", AS" : " AS") + std::to_string(f.asns[a]);
          }
      }
      const size_t limit = config.max_flagged_per_excess > 0
                               ? static_cast<size_t>(config.max_flagged_per_excess * excess)
                               : cand.size();
      for (uint32_t v : cand) {
        if (cell.option_votes >= limit) break;
        const double minutes = static_cast<double>(log.time_ms[v] - r.t0) / kMinuteMs;
        const double instructed = excess * std::exp(-minutes / r.tau) / g_norm;
        if (instructed < config.min_posterior * (instructed + expected / r.horizon)) break;
        c.votes.push_back(v);
        taken[v] = 1;
        ++cell.option_votes;
      }
      c.excess += cell.excess;
      c.cells.push_back(std::move(cell));
      extended = true;
    }
    if (!extended) continue;
    std::sort(c.votes.begin(), c.votes.end());
    SetSpan(log, c);
  }
}

}  // namespace pantau::integrity

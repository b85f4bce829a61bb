#include "integrity/evaluation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace pantau::integrity {
namespace {

std::vector<double> SharesOfUnflagged(const VoteLog& log, const std::vector<uint8_t>& flagged) {
  std::vector<double> counts(log.option_count(), 0.0);
  double total = 0;
  for (size_t i = 0; i < log.size(); ++i)
    if (!flagged[i]) counts[log.option[i]] += 1, total += 1;
  for (double& c : counts) c = total > 0 ? c / total : 0.0;
  return counts;
}

}  // namespace

Flagging DedupBaseline(const VoteLog& log, Method method) {
  std::vector<uint32_t> order(log.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return log.time_ms[a] < log.time_ms[b]; });
  Flagging f;
  f.flagged.assign(log.size(), 0);
  std::unordered_set<uint64_t> seen;
  for (uint32_t v : order) {
    uint64_t key = 0;
    switch (method) {
      case Method::kPerIp: key = log.address[v]; break;
      case Method::kPerCookie: key = log.device[v]; break;
      case Method::kPerIpUa: key = log.address[v] == 0 ? 0 : (uint64_t{log.address[v]} << 32) | log.ua_family[v]; break;
      case Method::kEngine:
      case Method::kScanOnly: break;
    }
    if (key == 0) continue;
    if (!seen.insert(key).second) f.flagged[v] = 1;
  }
  f.adjusted_shares = SharesOfUnflagged(log, f.flagged);
  return f;
}

Flagging EngineFlagging(const VoteLog& log, const AnalysisResult& result) {
  Flagging f;
  f.flagged = FlaggedVotes(log, result.cohorts);
  for (const OptionResult& o : result.options) {
    f.adjusted_shares.push_back(o.adjusted_share);
    if (o.ci_low >= 0) f.intervals.push_back({o.ci_low, o.ci_high});
  }
  if (f.intervals.size() != f.adjusted_shares.size()) f.intervals.clear();
  f.too_close = result.too_close_to_call && !f.intervals.empty();
  f.has_margin = result.has_margin_interval;
  f.margin = {result.margin_ci_low, result.margin_ci_high};
  return f;
}

Metrics Evaluate(const VoteLog& log, const Flagging& flagging, const std::vector<uint8_t>& coordinated,
                 const std::vector<double>& true_shares) {
  std::vector<uint32_t> per_address(log.addresses.size(), 0);
  for (uint32_t a : log.address) ++per_address[a];
  Metrics m;
  for (size_t i = 0; i < log.size(); ++i) {
    const bool flagged = flagging.flagged[i];
    const bool shared = log.address[i] != 0 && per_address[log.address[i]] >= 11;
    m.flagged += flagged;
    if (coordinated[i]) {
      ++m.positives;
      m.true_positives += flagged;
    } else {
      ++m.organic;
      m.organic_shared += shared;
      m.false_positives += flagged;
      m.false_positives_shared += flagged && shared;
    }
  }
  if (m.flagged) m.precision = static_cast<double>(m.true_positives) / static_cast<double>(m.flagged);
  if (m.positives) m.recall = static_cast<double>(m.true_positives) / static_cast<double>(m.positives);
  if (m.organic) m.fpr = static_cast<double>(m.false_positives) / static_cast<double>(m.organic);
  if (m.organic_shared) m.fpr_shared = static_cast<double>(m.false_positives_shared) / static_cast<double>(m.organic_shared);
  for (size_t k = 0; k < true_shares.size() && k < flagging.adjusted_shares.size(); ++k)
    m.max_share_error_pt = std::max(m.max_share_error_pt, 100 * std::abs(flagging.adjusted_shares[k] - true_shares[k]));
  for (size_t k = 0; k < flagging.intervals.size() && k < true_shares.size(); ++k) {
    m.options_covered += flagging.intervals[k].low <= true_shares[k] && true_shares[k] <= flagging.intervals[k].high;
    ++m.options_with_interval;
    m.interval_width_pt += 100 * (flagging.intervals[k].high - flagging.intervals[k].low);
  }
  if (!true_shares.empty() && flagging.adjusted_shares.size() == true_shares.size()) {
    const auto& adjusted = flagging.adjusted_shares;
    const size_t truth = std::max_element(true_shares.begin(), true_shares.end()) - true_shares.begin();
    const size_t leader = std::max_element(adjusted.begin(), adjusted.end()) - adjusted.begin();
    m.winner_recovered = truth == leader;
    if (flagging.too_close && flagging.intervals.size() == adjusted.size() && adjusted.size() >= 2) {
      size_t second = leader == 0 ? 1 : 0;
      for (size_t k = 0; k < adjusted.size(); ++k)
        if (k != leader && adjusted[k] > adjusted[second]) second = k;
      const auto half = [&](size_t k) { return (flagging.intervals[k].high - flagging.intervals[k].low) / 2; };
      m.called_too_close = true;
      // The leader named is still the call; a close call rescues a wrong leader only when the truth was
      // within the uncertainty the report stated.
      const double true_margin = true_shares[leader] - true_shares[second];  // negative when the truth is `second`
      const bool that_close = flagging.has_margin ? flagging.margin.low <= true_margin && true_margin <= flagging.margin.high
                                                  : -true_margin <= half(leader) + half(second);
      m.winner_recovered = truth == leader || (truth == second && that_close);
    }
  }
  return m;
}

GroundTruth AlignTruth(const VoteLog& log, const std::vector<uint8_t>& coordinated_by_row,
                       const std::vector<std::string>& options, const std::vector<double>& true_shares) {
  GroundTruth t;
  t.coordinated.resize(log.size());
  for (size_t i = 0; i < log.size(); ++i) {
    t.coordinated[i] = coordinated_by_row[log.source_row[i] - 1];
    t.clean = t.clean && !t.coordinated[i];
  }
  t.shares.assign(log.option_count(), 0.0);
  for (size_t k = 0; k < log.option_count(); ++k)
    for (size_t j = 0; j < options.size() && j < true_shares.size(); ++j)
      if (options[j] == log.option_labels[k]) t.shares[k] = true_shares[j];
  return t;
}

namespace {

double Ratio(uint64_t num, uint64_t den, double if_empty) {
  return den ? static_cast<double>(num) / static_cast<double>(den) : if_empty;
}

}  // namespace

void Tally::Add(const Metrics& m, bool clean) {
  flagged += m.flagged;
  true_positives += m.true_positives;
  positives += m.positives;
  organic += m.organic;
  false_positives += m.false_positives;
  organic_shared += m.organic_shared;
  false_positives_shared += m.false_positives_shared;
  share_errors_pt.push_back(m.max_share_error_pt);
  ++polls;
  winners += m.winner_recovered;
  too_close_calls += m.called_too_close;
  covered += m.options_covered;
  intervals += m.options_with_interval;
  interval_width_pt += m.interval_width_pt;
  if (clean) clean_flags += m.flagged;
}

double Tally::Precision() const { return Ratio(true_positives, flagged, 1.0); }
double Tally::Recall() const { return Ratio(true_positives, positives, 1.0); }
double Tally::F1() const {
  const double p = Precision(), r = Recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}
double Tally::Fpr() const { return Ratio(false_positives, organic, 0.0); }
double Tally::FprShared() const { return Ratio(false_positives_shared, organic_shared, 0.0); }
double Tally::MedianShareError() const {
  if (share_errors_pt.empty()) return 0;
  std::vector<double> v = share_errors_pt;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double Tally::MaxShareError() const {
  return share_errors_pt.empty() ? 0.0 : *std::max_element(share_errors_pt.begin(), share_errors_pt.end());
}
double Tally::Coverage() const { return intervals ? static_cast<double>(covered) / intervals : -1.0; }
double Tally::MeanIntervalWidth() const { return intervals ? interval_width_pt / intervals : -1.0; }

}  // namespace pantau::integrity

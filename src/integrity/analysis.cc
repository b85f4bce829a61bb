#include "integrity/analysis.h"

#include <algorithm>
#include <atomic>

#include "integrity/live_vote_log.h"

namespace pantau::integrity {
namespace {

std::string Winner(const VoteLog& log, const std::vector<double>& shares) {
  if (shares.empty()) return {};
  return log.option_labels[std::max_element(shares.begin(), shares.end()) - shares.begin()];
}

}  // namespace

std::vector<double> AdjustedShares(const VoteLog& log, const std::vector<Cohort>& cohorts) {
  std::vector<double> counts(log.option_count(), 0.0);
  for (uint16_t o : log.option) counts[o] += 1;
  for (const Cohort& c : cohorts) counts[c.option] = std::max(0.0, counts[c.option] - c.excess);
  double total = 0;
  for (double c : counts) total += c;
  for (double& c : counts) c = total > 0 ? c / total : 0.0;
  return counts;
}

std::vector<uint8_t> FlaggedVotes(const VoteLog& log, const std::vector<Cohort>& cohorts) {
  std::vector<uint8_t> flagged(log.size(), 0);
  for (const Cohort& c : cohorts)
    for (uint32_t v : c.votes) flagged[v] = 1;
  return flagged;
}

AnalysisResult Analyze(const VoteLog& log, const AnalysisConfig& config, const LogIndex* index) {
  AnalysisResult r;
  r.votes = log.size();
  r.data_rows = log.data_rows;
  r.skipped_rows = log.skipped_rows;
  const auto progress = [&](std::string_view stage, size_t done, size_t total) {
    if (config.progress) config.progress(stage, done, total);
  };
  const ScanDetector detector(config.scan);
  progress("scan", 0, 1);
  // One stable sort by time serves both scan passes and the Monte Carlo replicates.
  const LogIndex own = index != nullptr ? LogIndex{} : BuildLogIndex(log);
  if (index == nullptr) index = &own;
  r.cohorts = detector.Detect(log, index->time_order);
  progress("scan", 1, 1);
  if (config.monte_carlo.replicates > 0 && !r.cohorts.empty()) {
    MonteCarloConfig monte_carlo = config.monte_carlo;
    const auto replicates = static_cast<size_t>(monte_carlo.replicates);
    std::atomic<size_t> done{0};
    progress("Monte Carlo", 0, replicates);
    monte_carlo.on_replicate = [&, outer = config.monte_carlo.on_replicate] {
      progress("Monte Carlo", ++done, replicates);
      if (outer) outer();
    };
    const std::vector<double> p = PermutationPValues(log, detector, r.cohorts, monte_carlo, index->sorted_time);
    for (size_t c = 0; c < r.cohorts.size(); ++c) r.cohorts[c].p_value = p[c];
    std::erase_if(r.cohorts, [&](const Cohort& c) { return c.p_value > config.monte_carlo.alpha; });
    for (size_t c = 0; c < r.cohorts.size(); ++c) r.cohorts[c].id = "C" + std::to_string(c + 1);
  }
  TrimConfig trim = config.trim;
  trim.baseline_prior_votes = config.scan.prior_votes;
  TrimToExcess(log, trim, r.cohorts);
  ExtendAlongOwnLinks(log, config.links, trim, config.trigger, r.cohorts);
  ExtendAlongTrigger(log, config.trigger, trim, r.cohorts);
  AppendLinkCohorts(log, config.links, r.cohorts);
  EstimateOffLinkExcess(log, config.links, r.cohorts);
  r.cards = BuildEvidence(log, r.cohorts, config.evidence);
  const std::vector<double> adjusted = AdjustedShares(log, r.cohorts);
  std::vector<double> raw(log.option_count(), 0.0);
  for (uint16_t o : log.option) raw[o] += 1;
  for (size_t k = 0; k < log.option_count(); ++k) {
    OptionResult o;
    o.choice = log.option_labels[k];
    o.raw_votes = static_cast<uint64_t>(raw[k]);
    o.raw_share = r.votes ? raw[k] / static_cast<double>(r.votes) : 0.0;
    o.adjusted_share = adjusted[k];
    r.options.push_back(o);
  }
  for (const Cohort& c : r.cohorts) r.options[c.option].excess += c.excess;
  std::vector<double> raw_shares;
  for (const auto& o : r.options) raw_shares.push_back(o.raw_share);
  r.raw_winner = Winner(log, raw_shares);
  r.adjusted_winner = Winner(log, adjusted);
  double counted = 0;
  for (const OptionResult& o : r.options) counted += std::max(0.0, static_cast<double>(o.raw_votes) - o.excess);
  r.contamination = Contamination(adjusted, config.contamination_epsilon, counted);
  r.raw_flip_epsilon = FlipEpsilon(raw_shares);
  const size_t w = r.contamination.winner, u = r.contamination.runner_up;
  if (w < r.options.size() && u < r.options.size() && w != u) r.margin = adjusted[w] - adjusted[u];
  if (config.bootstrap.replicates > 0) {
    progress("bootstrap", 0, 1);
    const Bootstrap b = BootstrapShares(log, r.cohorts, config.bootstrap, w, w != u ? u : SIZE_MAX);
    progress("bootstrap", 1, 1);
    for (size_t k = 0; k < r.options.size(); ++k)
      r.options[k].ci_low = b.shares[k].low, r.options[k].ci_high = b.shares[k].high;
    if (b.has_margin) {
      r.has_margin_interval = true;
      r.margin_ci_low = b.margin.low, r.margin_ci_high = b.margin.high;
      // The poll cannot tell who leads when the joint interval of the margin reaches zero.
      r.too_close_to_call = b.margin.low <= 0;
    }
  }
  return r;
}

}  // namespace pantau::integrity

#include "cli/eval_command.h"

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>

#include "cli/analyze_command.h"
#include "cli/simulate_command.h"
#include "integrity/analysis.h"
#include "integrity/evaluation.h"
#include "integrity/vote_log_reader.h"
#include "sim/generator.h"
#include "sim/scenario.h"

namespace pantau::cli {
namespace {

using integrity::Method;
constexpr std::array kMethods{Method::kEngine, Method::kPerIp, Method::kPerCookie, Method::kPerIpUa};

struct EvalOptions {
  std::vector<std::string> scenarios = sim::ScenarioNames();
  int seeds = 3;
  int votes = 20000;
  int replicates = 99;
  std::string asn_csv, user_agents, asn_table;
};

struct Pooled {
  uint64_t flagged = 0, tp = 0, positives = 0, organic = 0, fp = 0, organic_shared = 0, fp_shared = 0;
  std::vector<double> share_errors;
  int winners = 0, polls = 0;
  int covered = 0, intervals = 0;  // options whose true share is inside the bootstrap interval
  uint64_t clean_flags = 0;  // flags on polls without any coordinated vote
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

int RunEval(const EvalOptions& o) {
  auto pools = LoadNetworkPools(o.asn_csv);
  if (!pools) {
    fmt::print(stderr, "eval: {}\n", pools.error().message);
    return 2;
  }
  const sim::UaPool uas = LoadUaPool(o.user_agents);
  auto intel = OpenAsnTable(o.asn_table);
  if (!intel) {
    fmt::print(stderr, "eval: {}\n", intel.error().message);
    return 2;
  }
  std::array<Pooled, kMethods.size()> pooled;
  fmt::print("{:<9} {:>4} {:<10} {:>7} {:>6} {:>6} {:>7} {:>7} {:>7} {:>6}\n", "scenario", "seed", "method", "flagged",
             "P", "R", "FPR%", "FPRsh%", "errpt", "winner");
  for (const std::string& name : o.scenarios) {
    auto scenario = sim::NamedScenario(name, o.votes);
    if (!scenario) {
      fmt::print(stderr, "eval: {}\n", scenario.error().message);
      return 2;
    }
    for (int seed = 1; seed <= o.seeds; ++seed) {
      auto poll = sim::Generate(*scenario, *pools, uas, static_cast<uint64_t>(seed));
      if (!poll) {
        fmt::print(stderr, "eval: {}\n", poll.error().message);
        return 2;
      }
      const std::string csv = sim::VotesCsv(*poll);
      auto log = integrity::ReadVoteLog(csv, *intel);
      if (!log) {
        fmt::print(stderr, "eval: simulated CSV did not read back: {}\n", log.error().message);
        return 2;
      }
      std::vector<uint8_t> coordinated(log->size());
      for (size_t i = 0; i < log->size(); ++i)
        coordinated[i] = poll->votes[log->source_row[i] - 1].label != sim::Label::kOrganic;
      const bool clean = std::none_of(coordinated.begin(), coordinated.end(), [](uint8_t c) { return c != 0; });
      // The truth is in the simulator's option order; the log interns options in order of appearance.
      std::vector<double> truth(log->option_count(), 0.0);
      for (size_t k = 0; k < log->option_count(); ++k)
        for (size_t j = 0; j < poll->options.size(); ++j)
          if (poll->options[j] == log->option_labels[k]) truth[k] = poll->true_shares[j];
      integrity::AnalysisConfig config;
      config.monte_carlo.replicates = o.replicates;
      const integrity::AnalysisResult result = integrity::Analyze(*log, config);
      for (size_t m = 0; m < kMethods.size(); ++m) {
        const integrity::Flagging f = kMethods[m] == Method::kEngine ? integrity::EngineFlagging(*log, result)
                                                                     : integrity::DedupBaseline(*log, kMethods[m]);
        const integrity::Metrics x = integrity::Evaluate(*log, f, coordinated, truth);
        fmt::print("{:<9} {:>4} {:<10} {:>7} {:>6.3f} {:>6.3f} {:>7.2f} {:>7.2f} {:>7.2f} {:>6}\n", name, seed,
                   integrity::kMethodNames.Name(kMethods[m]), x.flagged, x.precision, x.recall, 100 * x.fpr,
                   100 * x.fpr_shared, x.max_share_error_pt, x.winner_recovered ? "ok" : "WRONG");
        Pooled& p = pooled[m];
        p.flagged += x.flagged, p.tp += x.true_positives, p.positives += x.positives, p.organic += x.organic;
        p.fp += x.false_positives, p.organic_shared += x.organic_shared, p.fp_shared += x.false_positives_shared;
        p.share_errors.push_back(x.max_share_error_pt);
        p.winners += x.winner_recovered, ++p.polls;
        p.covered += x.options_covered;
        p.intervals += static_cast<int>(f.intervals.size());
        if (clean) p.clean_flags += x.flagged;
      }
    }
  }
  fmt::print("\npooled over {} polls ({} organic votes each)\n", pooled[0].polls, o.votes);
  fmt::print("{:<10} {:>6} {:>6} {:>7} {:>7} {:>9} {:>9} {:>8} {:>11} {:>9}\n", "method", "P", "R", "FPR%", "FPRsh%",
             "med.err", "max.err", "winners", "clean.flags", "coverage");
  for (size_t m = 0; m < kMethods.size(); ++m) {
    const Pooled& p = pooled[m];
    fmt::print("{:<10} {:>6.3f} {:>6.3f} {:>7.2f} {:>7.2f} {:>9.2f} {:>9.2f} {:>5}/{:<2} {:>11} {:>9}\n",
               integrity::kMethodNames.Name(kMethods[m]), p.flagged ? double(p.tp) / p.flagged : 1.0,
               p.positives ? double(p.tp) / p.positives : 1.0, p.organic ? 100.0 * p.fp / p.organic : 0.0,
               p.organic_shared ? 100.0 * p.fp_shared / p.organic_shared : 0.0, Median(p.share_errors),
               p.share_errors.empty() ? 0.0 : *std::max_element(p.share_errors.begin(), p.share_errors.end()), p.winners,
               p.polls, p.clean_flags,
               p.intervals ? fmt::format("{:.0f}%", 100.0 * p.covered / p.intervals) : std::string("-"));
  }
  return 0;
}

}  // namespace

void AddEvalCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Measure the integrity engine against naive baselines on simulated polls");
  auto o = std::make_shared<EvalOptions>();
  cmd->add_option("--scenarios", o->scenarios, "Scenario names")->delimiter(',')->capture_default_str();
  cmd->add_option("--seeds", o->seeds, "Seeds per scenario (1..N)")->capture_default_str();
  cmd->add_option("--votes", o->votes, "Organic votes per poll")->capture_default_str();
  cmd->add_option("--replicates", o->replicates, "Monte Carlo replicates per poll (0: skip)")->capture_default_str();
  cmd->add_option("--asn-csv", o->asn_csv, "asn-ipv4.csv of @ip-location-db/asn (default: node_modules)");
  cmd->add_option("--user-agents", o->user_agents, "user-agents.json of npm user-agents (default: node_modules)");
  cmd->add_option("--asn-table", o->asn_table, "ASN table (default: the build's)")->envname("PANTAU_ASN_TABLE");
  cmd->callback([o] {
    if (const int rc = RunEval(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

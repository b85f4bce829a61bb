#include "cli/eval_command.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "cli/analyze_command.h"
#include "cli/simulate_command.h"
#include "core/local_time.h"
#include "integrity/analysis.h"
#include "integrity/evaluation.h"
#include "integrity/vote_log_reader.h"
#include "sim/generator.h"
#include "sim/scenario.h"

namespace pantau::cli {
namespace {

using integrity::Method;
using integrity::Tally;
constexpr std::array kMethods{Method::kEngine, Method::kScanOnly, Method::kPerIp, Method::kPerCookie, Method::kPerIpUa};
using Tallies = std::array<Tally, kMethods.size()>;

struct EvalOptions {
  std::vector<std::string> scenarios = sim::ScenarioNames();
  int seeds = 3;
  uint64_t first_seed = 1;
  int votes = 20000;
  int replicates = 99;
  int bootstrap = 1000;
  double honest_share = integrity::TrimConfig{}.honest_share;
  integrity::TriggerConfig trigger;
  bool per_poll = false;
  bool misses = false;
  bool scan_only = true;  // also run the plain scan (the ablation column)
  std::string markdown, asn_csv, user_agents, asn_table;
};

struct Inputs {
  sim::NetworkPools pools;
  sim::UaPool uas;
  netintel::NetworkIntel intel;
};

// --misses: the engine's recall over the mobilised votes, broken down by what the simulator knows
// about each (which cohort, how the member voted, the delay after the trigger, the shared link, whether
// the member voted as told, a repeat). Keyed "scenario|dimension|value" -> {votes, flagged}.
using MissTable = std::map<std::string, std::pair<uint64_t, uint64_t>>;
MissTable g_misses;

std::string DelayBucket(int64_t minutes) {
  if (minutes < 0) return "before";
  for (int64_t edge : {10, 30, 60, 120, 180, 360})
    if (minutes < edge) return fmt::format("<{:>3}m", edge);
  return ">=360m";
}

void CountMisses(const std::string& scenario, const sim::Scenario& s, const sim::SimulatedPoll& poll,
                 const integrity::VoteLog& log, const std::vector<uint8_t>& flagged,
                 const std::vector<uint8_t>& scanned) {
  std::vector<int64_t> index_of_row(poll.votes.size() + 1, -1);
  for (size_t i = 0; i < log.size(); ++i) index_of_row[log.source_row[i]] = static_cast<int64_t>(i);
  for (size_t r = 0; r < poll.votes.size(); ++r) {
    const sim::SimVote& v = poll.votes[r];
    if (index_of_row[r + 1] < 0 || (v.label == sim::Label::kOrganic && !v.leaked)) continue;
    const bool hit = flagged[static_cast<size_t>(index_of_row[r + 1])];
    const auto add = [&](std::string_view dim, const std::string& value) {
      auto& [n, f] = g_misses[fmt::format("{}|{}|{}", scenario, dim, value)];
      ++n, f += hit;
      auto& [tn, tf] = g_misses[fmt::format("~all|{}|{}", dim, value)];
      ++tn, tf += hit;
    };
    if (v.label == sim::Label::kOrganic) {  // an honest voter on a cohort's forwarded link: 'recall' is its FPR
      add("leaked", v.option == s.cohorts[static_cast<size_t>(v.cohort)].option ? "organic, same candidate"
                                                                               : "organic, other candidate");
      continue;
    }
    if (v.label == sim::Label::kBot) {
      add("kind", "bot");
      continue;
    }
    const sim::CohortSpec& c = s.cohorts[static_cast<size_t>(v.cohort)];
    const int64_t trigger = s.start_ms + static_cast<int64_t>(c.trigger_hour * 3'600'000);
    const char* via[] = {"none", "office", "phone", "home"};
    std::string how = via[static_cast<int>(v.via)];
    if (v.via == sim::SimVote::Via::kPhone) how += v.v6 ? "-v6" : "-v4";
    const bool loyal = v.option == c.option;
    add("kind", loyal ? "loyal" : "disloyal");
    if (!loyal) {
      add("disloyal", v.cohort_link ? "shared link" : "other link");
      continue;
    }
    add("cohort", fmt::format("{} {}", v.cohort, c.spread_hours > 0 ? "slow" : ""));
    add("via", how);
    add("delay", c.spread_hours > 0 ? "spread" : DelayBucket((v.time_ms - trigger) / 60'000));
    add("link", v.cohort_link ? "shared" : "other");
    add("repeat", v.repeat ? "repeat" : "first");
    add("via+link", how + (v.cohort_link ? "+link" : "-link"));
    if (!scanned.empty()) {
      const bool in_scan = scanned[static_cast<size_t>(index_of_row[r + 1])];
      add("scan+link", std::string(in_scan ? "in-scan" : "no-scan") + (v.cohort_link ? "+link" : "-link"));
      add("scan+delay", std::string(in_scan ? "in-scan " : "no-scan ") +
                            (c.spread_hours > 0 ? "spread" : DelayBucket((v.time_ms - trigger) / 60'000)));
    }
  }
}

void PrintMisses() {
  fmt::print("\nmobilised votes by provenance: votes, flagged, recall, missed (loyal votes only below 'kind')\n");
  std::string last;
  for (const auto& [key, nf] : g_misses) {
    const std::string scenario = key.substr(0, key.find('|'));
    if (scenario != last) fmt::print("{}\n", scenario), last = scenario;
    fmt::print("  {:<28} {:>7} {:>7} {:>6.3f} {:>6}\n", key.substr(key.find('|') + 1), nf.first, nf.second,
               nf.first ? static_cast<double>(nf.second) / static_cast<double>(nf.first) : 0.0, nf.first - nf.second);
  }
}

std::string Name(Method m) { return std::string(integrity::kMethodNames.Name(m)); }

std::string Percent(double x) { return fmt::format("{:.2f}", 100 * x); }

// One simulated poll, written to CSV and read back exactly as `analyze` would, analysed by the engine
// and by each baseline; the metrics are added to `tallies`.
Status EvaluatePoll(const EvalOptions& o, const Inputs& in, const sim::Scenario& scenario, uint64_t seed,
                    Tallies& tallies, Tallies& pooled) {
  PANTAU_ASSIGN_OR_RETURN(sim::SimulatedPoll poll, sim::Generate(scenario, in.pools, in.uas, seed));
  auto log = integrity::ReadVoteLog(sim::VotesCsv(poll), in.intel);
  if (!log) return std::unexpected(Error::FailedPrecondition("simulated CSV did not read back: " + log.error().message));
  std::vector<uint8_t> by_row(poll.votes.size());
  for (size_t r = 0; r < poll.votes.size(); ++r) by_row[r] = poll.votes[r].label != sim::Label::kOrganic;
  const integrity::GroundTruth truth = integrity::AlignTruth(*log, by_row, poll.options, poll.true_shares);
  integrity::AnalysisConfig config;
  config.monte_carlo.replicates = o.replicates;
  config.bootstrap.replicates = o.bootstrap;
  config.trim.honest_share = o.honest_share;
  config.trigger = o.trigger;
  // The analyst knows the poll's region, as `analyze --region` does.
  config.evidence.utc_offset_minutes = ZoneOf(RegionCode{scenario.region}).utc_offset_minutes;
  const integrity::AnalysisResult result = integrity::Analyze(*log, config);
  config.links.enabled = config.trim.enabled = config.trigger.enabled = false;
  const integrity::AnalysisResult scan_only = o.scan_only ? integrity::Analyze(*log, config) : integrity::AnalysisResult{};
  if (o.misses)
    CountMisses(scenario.name, scenario, poll, *log, integrity::FlaggedVotes(*log, result.cohorts),
                o.scan_only ? integrity::FlaggedVotes(*log, scan_only.cohorts) : std::vector<uint8_t>{});
  for (size_t m = 0; m < kMethods.size(); ++m) {
    if (kMethods[m] == Method::kScanOnly && !o.scan_only) continue;
    const integrity::Flagging f = kMethods[m] == Method::kEngine     ? integrity::EngineFlagging(*log, result)
                                  : kMethods[m] == Method::kScanOnly ? integrity::EngineFlagging(*log, scan_only)
                                                                     : integrity::DedupBaseline(*log, kMethods[m]);
    const integrity::Metrics x = integrity::Evaluate(*log, f, truth.coordinated, truth.shares);
    tallies[m].Add(x, truth.clean);
    pooled[m].Add(x, truth.clean);
    if (o.per_poll)
      fmt::print("{:<15} {:>4} {:<10} {:>7} {:>6.3f} {:>6.3f} {:>7} {:>7} {:>6.2f} {:>6}\n", scenario.name, seed,
                 Name(kMethods[m]), x.flagged, x.precision, x.recall, Percent(x.fpr), Percent(x.fpr_shared),
                 x.max_share_error_pt, x.winner_recovered ? "ok" : "WRONG");
  }
  return Ok();
}

// Coverage of the true organic shares by the 95 % intervals, and the intervals' mean width.
std::string Coverage(const Tally& t) {
  return t.Coverage() < 0 ? "-" : fmt::format("{:.0f}% ({:.2f} pt)", 100 * t.Coverage(), t.MeanIntervalWidth());
}

void PrintScenarioTable(const std::vector<std::pair<std::string, Tallies>>& rows) {
  fmt::print("\nper scenario (max.err: the worst option's error in the worst seed, points)\n");
  fmt::print("{:<15} {:<10} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>8} {:>16}\n", "scenario", "method", "flagged",
             "P", "R", "F1", "FPR%", "FPRsh%", "max.err", "winners", "coverage (width)");
  for (const auto& [name, tallies] : rows)
    for (size_t m = 0; m < kMethods.size(); ++m) {
      const Tally& t = tallies[m];
      fmt::print("{:<15} {:<10} {:>7} {:>6.3f} {:>6.3f} {:>6.3f} {:>7} {:>7} {:>7.2f} {:>5}/{:<2} {:>16}\n", name,
                 Name(kMethods[m]), t.flagged, t.Precision(), t.Recall(), t.F1(), Percent(t.Fpr()),
                 Percent(t.FprShared()), t.MaxShareError(), t.winners, t.polls, Coverage(t));
    }
}

void PrintPooledTable(const Tallies& pooled, int votes) {
  fmt::print("\npooled over {} polls ({} organic votes each, village a tenth)\n", pooled[0].polls, votes);
  fmt::print("{:<10} {:>6} {:>6} {:>6} {:>7} {:>7} {:>8} {:>8} {:>8} {:>11} {:>16}\n", "method", "P", "R", "F1", "FPR%",
             "FPRsh%", "med.err", "max.err", "winners", "clean.flags", "coverage (width)");
  for (size_t m = 0; m < kMethods.size(); ++m) {
    const Tally& t = pooled[m];
    fmt::print("{:<10} {:>6.3f} {:>6.3f} {:>6.3f} {:>7} {:>7} {:>8.2f} {:>8.2f} {:>5}/{:<2} {:>11} {:>16}\n",
               Name(kMethods[m]), t.Precision(), t.Recall(), t.F1(), Percent(t.Fpr()), Percent(t.FprShared()),
               t.MedianShareError(), t.MaxShareError(), t.winners, t.polls, t.clean_flags, Coverage(t));
  }
  for (size_t m = 0; m < kMethods.size(); ++m)
    if (pooled[m].too_close_calls > 0)
      fmt::print("{}: {} of {} polls called too close to call (a wrong leader then counts as right only when the "
                 "true margin lies within the two leaders' intervals)\n",
                 Name(kMethods[m]), pooled[m].too_close_calls, pooled[m].polls);
}

// The two tables docs/methodology.md carries: pooled by method, and per scenario the engine in full
// with the plain scan's and each baseline's F1, worst share error and winners beside it.
std::string MarkdownTables(const std::vector<std::pair<std::string, Tallies>>& rows, const Tallies& pooled) {
  std::string md =
      "| method | precision | recall | F1 | organic FPR | FPR on shared addresses | median / max share error (pt) | "
      "winner right | flags on clean polls | interval coverage (mean width) |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (size_t m = 0; m < kMethods.size(); ++m) {
    const Tally& t = pooled[m];
    md += fmt::format("| {} | {:.3f} | {:.3f} | {:.3f} | {}% | {}% | {:.2f} / {:.2f} | {}/{} | {} | {} |\n",
                      Name(kMethods[m]), t.Precision(), t.Recall(), t.F1(), Percent(t.Fpr()), Percent(t.FprShared()),
                      t.MedianShareError(), t.MaxShareError(), t.winners, t.polls, t.clean_flags, Coverage(t));
  }
  md += "\n| scenario | engine P / R / F1 | FPR / FPR shared | max err (pt) | winner | coverage (width) |";
  for (size_t m = 1; m < kMethods.size(); ++m) md += fmt::format(" {} F1 / err / winner |", Name(kMethods[m]));
  md += "\n|---|---|---|---|---|---|";
  for (size_t m = 1; m < kMethods.size(); ++m) md += "---|";
  md += "\n";
  for (const auto& [name, t] : rows) {
    const Tally& e = t[0];
    md += fmt::format("| {} | {:.3f} / {:.3f} / {:.3f} | {}% / {}% | {:.2f} | {}/{} | {} |", name, e.Precision(),
                      e.Recall(), e.F1(), Percent(e.Fpr()), Percent(e.FprShared()), e.MaxShareError(), e.winners,
                      e.polls, Coverage(e));
    for (size_t m = 1; m < kMethods.size(); ++m)
      md += fmt::format(" {:.3f} / {:.2f} / {}/{} |", t[m].F1(), t[m].MaxShareError(), t[m].winners, t[m].polls);
    md += "\n";
  }
  return md;
}

int RunEval(const EvalOptions& o) {
  auto pools = LoadNetworkPools(o.asn_csv);
  if (!pools) {
    fmt::print(stderr, "eval: {}\n", pools.error().message);
    return 2;
  }
  auto intel = OpenAsnTable(o.asn_table);
  if (!intel) {
    fmt::print(stderr, "eval: {}\n", intel.error().message);
    return 2;
  }
  const Inputs in{std::move(*pools), LoadUaPool(o.user_agents), std::move(*intel)};
  std::vector<std::pair<std::string, Tallies>> rows;
  Tallies pooled;
  if (o.per_poll)
    fmt::print("{:<15} {:>4} {:<10} {:>7} {:>6} {:>6} {:>7} {:>7} {:>6} {:>6}\n", "scenario", "seed", "method",
               "flagged", "P", "R", "FPR%", "FPRsh%", "errpt", "winner");
  for (const std::string& name : o.scenarios) {
    auto scenario = sim::NamedScenario(name, o.votes);
    if (!scenario) {
      fmt::print(stderr, "eval: {}\n", scenario.error().message);
      return 2;
    }
    Tallies tallies;
    for (int i = 0; i < o.seeds; ++i) {
      const uint64_t seed = o.first_seed + static_cast<uint64_t>(i);
      if (auto s = EvaluatePoll(o, in, *scenario, seed, tallies, pooled); !s) {
        fmt::print(stderr, "eval: {} seed {}: {}\n", name, seed, s.error().message);
        return 2;
      }
    }
    rows.emplace_back(name, tallies);
  }
  PrintScenarioTable(rows);
  PrintPooledTable(pooled, o.votes);
  if (o.misses) PrintMisses();
  if (!o.markdown.empty())
    if (auto w = WriteWholeFile(o.markdown, MarkdownTables(rows, pooled)); !w) {
      fmt::print(stderr, "eval: {}\n", w.error().message);
      return 2;
    }
  return 0;
}

}  // namespace

void AddEvalCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Measure the integrity engine against naive baselines on simulated polls");
  auto o = std::make_shared<EvalOptions>();
  cmd->add_option("--scenarios", o->scenarios, "Scenario names (default: the whole grid)")->delimiter(',');
  cmd->add_option("--seeds", o->seeds, "Seeds per scenario")->check(CLI::Range(1, 1000))->capture_default_str();
  cmd->add_option("--first-seed", o->first_seed, "The first seed (then first+1, ...)")->capture_default_str();
  cmd->add_option("--votes", o->votes, "Organic votes per poll")->capture_default_str();
  cmd->add_option("--replicates", o->replicates, "Monte Carlo replicates per poll (0: skip)")->capture_default_str();
  cmd->add_option("--bootstrap", o->bootstrap, "Bootstrap replicates per poll (0: no intervals)")->capture_default_str();
  cmd->add_flag("--per-poll", o->per_poll, "Also print one line per poll and method");
  cmd->add_flag("!--no-scan-only", o->scan_only, "Skip the plain-scan ablation (faster)");
  cmd->add_flag("--misses", o->misses, "Also print the engine's recall by the simulator's provenance of each vote");
  cmd->add_option("--honest-share", o->honest_share,
                  "Of a cohort's estimated honest votes, the share left unflagged (the precision/recall trade)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_flag("!--no-trigger", o->trigger.enabled, "Leave out the response after a cohort's trigger (ablation)");
  cmd->add_option("--trigger-posterior", o->trigger.min_posterior,
                  "Flag a vote after a trigger while the instructed outnumber the usual at least this share")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--trigger-llr", o->trigger.min_llr, "Minimum LLR of an operator's response after a trigger")
      ->capture_default_str();
  cmd->add_option("--trigger-cap", o->trigger.max_flagged_per_excess,
                  "At most this many votes flagged after a trigger per vote of excess (0: no cap)")
      ->capture_default_str();
  cmd->add_flag("!--no-trigger-link", o->trigger.own_link, "Do not follow a cohort's own link after its trigger")
      ->capture_default_str();
  cmd->add_option("--trigger-taus", o->trigger.horizon_taus, "Follow a trigger's response this many mean delays")
      ->capture_default_str();
  cmd->add_option("--markdown", o->markdown, "Write the pooled and per-scenario tables as Markdown here");
  cmd->add_option("--asn-csv", o->asn_csv, "asn-ipv4.csv of @ip-location-db/asn (default: node_modules)");
  cmd->add_option("--user-agents", o->user_agents, "user-agents.json of npm user-agents (default: node_modules)");
  cmd->add_option("--asn-table", o->asn_table, "ASN table (default: the build's)")->envname("PANTAU_ASN_TABLE");
  cmd->callback([o] {
    if (const int rc = RunEval(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

// Throughput of the integrity engine on a simulated "mixed" poll (issue 4 targets: parse + features
// >= 3M votes/s/core; full report on 1M votes <= 10 s on 2 cores).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <numeric>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/random.h"
#include "integrity/analysis.h"
#include "integrity/burst_watch.h"
#include "integrity/live_analysis.h"
#include "integrity/live_vote_log.h"
#include "integrity/vote_log_reader.h"
#include "sim/generator.h"

namespace {

using namespace pantau;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The CSV text of a simulated poll with `organic` organic votes (cached per size).
const std::string& PollCsv(int organic) {
  static std::map<int, std::string> cache;
  auto& csv = cache[organic];
  if (csv.empty()) {
    auto pools = sim::NetworkPools::FromAsnCsv(
        ReadFile(PANTAU_SOURCE_DIR "/node_modules/@ip-location-db/asn/asn-ipv4.csv"), sim::Asns{});
    auto uas = sim::UaPool::FromUserAgentsJson(ReadFile(PANTAU_SOURCE_DIR "/node_modules/user-agents/dist/user-agents.json"));
    if (!pools || !uas) throw std::runtime_error("node_modules data missing (scripts/deps.sh)");
    auto poll = sim::Generate(*sim::NamedScenario("mixed", organic), *pools, *uas, 1);
    csv = sim::VotesCsv(*poll);
  }
  return csv;
}

// CPU time of the whole process (every thread) in ms: the machine is shared, and a niced benchmark's
// wall time measures the other load as much as the code.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

const netintel::NetworkIntel& Intel() {
  static const netintel::NetworkIntel intel = [] {
    auto i = netintel::NetworkIntel::Open(netintel::DefaultTablePath());
    return i ? std::move(*i) : netintel::NetworkIntel::Empty();
  }();
  return intel;
}

void BM_ReadVoteLog(benchmark::State& state) {
  const std::string& csv = PollCsv(static_cast<int>(state.range(0)));
  size_t votes = 0;
  for (auto _ : state) {
    auto log = integrity::ReadVoteLog(csv, Intel());
    votes = log->size();
    benchmark::DoNotOptimize(log);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * votes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * csv.size()));
}
BENCHMARK(BM_ReadVoteLog)->Arg(20000)->Arg(200000)->Arg(752000)->Unit(benchmark::kMillisecond);

// Scan, evidence and adjusted result without Monte Carlo.
void BM_AnalyzeNoMonteCarlo(benchmark::State& state) {
  const auto log = integrity::ReadVoteLog(PollCsv(static_cast<int>(state.range(0))), Intel());
  integrity::AnalysisConfig config;
  config.monte_carlo.replicates = 0;
  for (auto _ : state) benchmark::DoNotOptimize(integrity::Analyze(*log, config));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * log->size()));
}
BENCHMARK(BM_AnalyzeNoMonteCarlo)->Arg(20000)->Arg(200000)->Unit(benchmark::kMillisecond);

// One Monte Carlo replicate: shuffle, regroup and rescan a permuted poll (one thread).
void BM_PermutationReplicate(benchmark::State& state) {
  const auto log = integrity::ReadVoteLog(PollCsv(static_cast<int>(state.range(0))), Intel());
  const integrity::ScanDetector detector(integrity::ScanConfig{});
  const integrity::PermutationScanner scanner(detector, *log);
  integrity::PermutationScanner::Scratch scratch;
  std::vector<int64_t> sorted_times = log->time_ms;
  std::sort(sorted_times.begin(), sorted_times.end());
  std::vector<uint32_t> order(log->size());
  SplitMix64 rng(1);
  for (auto _ : state) {
    std::iota(order.begin(), order.end(), 0u);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
    benchmark::DoNotOptimize(scanner.MaxScore(order, sorted_times, scratch));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * log->size()));
}
BENCHMARK(BM_PermutationReplicate)->Arg(20000)->Arg(200000)->Unit(benchmark::kMillisecond);

// The full report: 99 permutation replicates on 2 threads.
void BM_AnalyzeFull(benchmark::State& state) {
  const auto log = integrity::ReadVoteLog(PollCsv(static_cast<int>(state.range(0))), Intel());
  for (auto _ : state) benchmark::DoNotOptimize(integrity::Analyze(*log));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * log->size()));
}
BENCHMARK(BM_AnalyzeFull)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();


// Where a full report's time goes, stage by stage, on the votes already in columns (no parsing): one
// iteration runs each stage of Analyze in turn and reports its CPU time (all threads) in ms as a counter. "copy"
// is the copy of the whole log that LiveAnalysis made before every run; "sort" one stable sort of the
// votes by time (each scan pass and the Monte Carlo setup sorted once); "scanner" the Monte Carlo
// scanner's per-poll group structure; "mc" the 99 replicates on 2 threads (including "scanner").
void BM_AnalyzeStages(benchmark::State& state) {
  const auto log = integrity::ReadVoteLog(PollCsv(static_cast<int>(state.range(0))), Intel());
  const integrity::AnalysisConfig config;
  std::map<std::string, double> ms;
  for (auto _ : state) {
    double at = CpuMs();
    const auto lap = [&](const char* stage) {
      const double now = CpuMs();
      ms[stage] += now - at;
      at = now;
    };
    const integrity::VoteLog copy = *log;
    benchmark::DoNotOptimize(copy.time_ms.data());
    lap("copy");
    std::vector<uint32_t> order(log->size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return log->time_ms[a] < log->time_ms[b]; });
    benchmark::DoNotOptimize(order.data());
    lap("sort");
    benchmark::DoNotOptimize(integrity::AdjustedShares(*log, {}));
    lap("counts");
    const integrity::ScanDetector detector(config.scan);
    std::vector<integrity::Cohort> cohorts = detector.Detect(*log, order);  // both passes; before, each sorted
    lap("scan");
    {
      const integrity::PermutationScanner scanner(detector, *log);
      benchmark::DoNotOptimize(&scanner);
    }
    lap("scanner");
    std::vector<int64_t> sorted_time;
    for (uint32_t v : order) sorted_time.push_back(log->time_ms[v]);
    const std::vector<double> p = integrity::PermutationPValues(*log, detector, cohorts, config.monte_carlo, sorted_time);
    for (size_t c = 0; c < cohorts.size(); ++c) cohorts[c].p_value = p[c];
    std::erase_if(cohorts, [&](const integrity::Cohort& c) { return c.p_value > config.monte_carlo.alpha; });
    lap("mc");
    integrity::TrimConfig trim = config.trim;
    trim.baseline_prior_votes = config.scan.prior_votes;
    integrity::TrimToExcess(*log, trim, cohorts);
    lap("trim");
    integrity::ExtendAlongOwnLinks(*log, config.links, trim, config.trigger, cohorts);
    integrity::ExtendAlongTrigger(*log, config.trigger, trim, cohorts);
    lap("extend");
    integrity::AppendLinkCohorts(*log, config.links, cohorts);
    lap("links");
    benchmark::DoNotOptimize(integrity::BuildEvidence(*log, cohorts, config.evidence));
    lap("evidence");
    benchmark::DoNotOptimize(integrity::AdjustedShares(*log, cohorts));
    lap("adjusted");
    benchmark::DoNotOptimize(integrity::BootstrapIntervals(*log, cohorts, config.bootstrap));
    lap("bootstrap");
  }
  for (const auto& [stage, total] : ms) state.counters[stage] = total / static_cast<double>(state.iterations());
  state.counters["votes"] = static_cast<double>(log->size());
}
BENCHMARK(BM_AnalyzeStages)->Arg(75000)->Arg(752000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

// The votes of a log as the ledger holds them (what LiveAnalysis::Add receives).
std::vector<Vote> VotesOf(const integrity::VoteLog& l) {
  std::vector<Vote> votes;
  votes.reserve(l.size());
  for (size_t i = 0; i < l.size(); ++i) {
    Vote v;
    v.seq = i + 1;
    v.time = FromUnixMillis(l.time_ms[i]);
    v.choice = l.option[i] + 1;
    const integrity::LocusInfo& locus = l.loci[l.locus[i]];
    v.locus = {locus.prefix, std::string(l.addresses.Name(l.address[i])), locus.asn, locus.network_class};
    if (l.ua_family[i] != 0) v.user_agent = UserAgentFamily::FromString(l.ua_families.Name(l.ua_family[i]));
    v.device_id = l.device[i] == 0 ? "" : "device" + std::to_string(l.device[i]);
    v.share_token = l.tokens.Name(l.token[i]);
    v.referrer_host = l.referrers.Name(l.referrer[i]);
    votes.push_back(std::move(v));
  }
  return votes;
}

// Per-vote CPU cost of LiveAnalysis::Add (queue + burst watch, under the lock; the thresholds keep the
// worker idle) and of LiveVoteLog::Append (columns + time order, on the worker), in batches of 100 votes.
void BM_LiveAdd(benchmark::State& state) {
  const auto log = integrity::ReadVoteLog(PollCsv(static_cast<int>(state.range(0))), Intel());
  const std::vector<Vote> votes = VotesOf(*log);
  const std::span<const Vote> all(votes);
  double add_s = 0, append_s = 0;
  uint64_t alarms = 0;
  for (auto _ : state) {
    integrity::LiveAnalysis live({}, {.min_new_votes = UINT64_MAX, .watch_bursts = true});
    const double t0 = CpuMs();
    for (size_t at = 0; at < all.size(); at += 100) live.Add(all.subspan(at, std::min<size_t>(100, all.size() - at)));
    const double t1 = CpuMs();
    alarms = live.burst_alarms();
    integrity::LiveVoteLog grown;
    for (size_t at = 0; at < all.size(); at += 100) grown.Append(all.subspan(at, std::min<size_t>(100, all.size() - at)));
    const double t2 = CpuMs();
    add_s += (t1 - t0) / 1e3;
    append_s += (t2 - t1) / 1e3;
  }
  const double n = static_cast<double>(state.iterations()) * static_cast<double>(votes.size());
  state.counters["add_ns_per_vote"] = add_s / n * 1e9;
  state.counters["append_ns_per_vote"] = append_s / n * 1e9;
  state.counters["burst_alarms"] = static_cast<double>(alarms);  // (locus, option, bin) cells that fired
  state.counters["votes"] = static_cast<double>(votes.size());
}
BENCHMARK(BM_LiveAdd)->Arg(75000)->Arg(752000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// One live re-run after 2 % new votes, now and before (CPU ms, all threads): "rerun" appends the new
// votes to the maintained log and index and analyses in place; "before" is what LiveAnalysis did — copy
// the whole log and run Analyze from scratch (it now sorts once where Detect sorted twice). Same report
// (tests). And "provisional", the report a burst publishes first: the same run without Monte Carlo
// and bootstrap. Three alternating rounds, the least of each kept (the machine is shared).
void BM_LiveRerun(benchmark::State& state) {
  const auto log = integrity::ReadVoteLog(PollCsv(static_cast<int>(state.range(0))), Intel());
  const std::vector<Vote> votes = VotesOf(*log);
  const size_t head = votes.size() * 98 / 100;
  const integrity::AnalysisConfig config;
  integrity::AnalysisConfig quick = config;
  quick.monte_carlo.replicates = 0;
  quick.bootstrap.replicates = 0;
  double append_ms = 1e300, rerun_ms = 1e300, before_ms = 1e300, provisional_ms = 1e300;
  for (auto _ : state) {
    for (int round = 0; round < 3; ++round) {
      integrity::LiveVoteLog live;
      live.Append(std::span<const Vote>(votes).first(head));
      const double t0 = CpuMs();
      live.Append(std::span<const Vote>(votes).subspan(head));
      const double t1 = CpuMs();
      benchmark::DoNotOptimize(integrity::Analyze(live.log(), config, &live.index()));
      const double t2 = CpuMs();
      {
        const integrity::VoteLog copy = live.log();
        benchmark::DoNotOptimize(integrity::Analyze(copy, config));
      }
      const double t3 = CpuMs();
      benchmark::DoNotOptimize(integrity::Analyze(live.log(), quick, &live.index()));
      const double t4 = CpuMs();
      append_ms = std::min(append_ms, t1 - t0);
      rerun_ms = std::min(rerun_ms, t2 - t0);
      before_ms = std::min(before_ms, t3 - t2);
      provisional_ms = std::min(provisional_ms, t4 - t3);
    }
  }
  state.counters["append_ms"] = append_ms;
  state.counters["rerun_ms"] = rerun_ms;
  state.counters["before_ms"] = before_ms;
  state.counters["rerun_over_before"] = rerun_ms / before_ms;
  state.counters["provisional_ms"] = provisional_ms;
  state.counters["provisional_over_rerun"] = provisional_ms / rerun_ms;
  state.counters["votes"] = static_cast<double>(votes.size());
}
BENCHMARK(BM_LiveRerun)->Arg(75000)->Arg(752000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// How often the burst watch would start an early run on a simulated poll fed in time order, and how
// many of those moments fall inside a cohort the full analysis reports (a run started then finds
// something); the rest are the watch's false alarms, each costing one early run.
void BM_BurstWatchAudit(benchmark::State& state) {
  const auto log = integrity::ReadVoteLog(PollCsv(static_cast<int>(state.range(0))), Intel());
  const std::vector<Vote> votes = VotesOf(*log);
  const integrity::LogIndex index = integrity::BuildLogIndex(*log);
  std::vector<int64_t> alarm_bins;
  for (auto _ : state) {
    integrity::BurstWatch watch;
    alarm_bins.clear();
    for (uint32_t v : index.time_order)
      if (watch.Add(votes[v]) && (alarm_bins.empty() || alarm_bins.back() != log->time_ms[v] / 600'000))
        alarm_bins.push_back(log->time_ms[v] / 600'000);
  }
  const integrity::AnalysisResult r = integrity::Analyze(*log, {}, &index);
  size_t in_cohort = 0;
  for (int64_t bin : alarm_bins)
    for (const integrity::Cohort& c : r.cohorts)
      if (bin * 600'000 + 600'000 > c.start_ms && bin * 600'000 <= c.end_ms) {
        ++in_cohort;
        break;
      }
  state.counters["alarm_bins"] = static_cast<double>(alarm_bins.size());
  state.counters["alarm_bins_in_cohorts"] = static_cast<double>(in_cohort);
  state.counters["cohorts"] = static_cast<double>(r.cohorts.size());
}
BENCHMARK(BM_BurstWatchAudit)->Arg(75000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();

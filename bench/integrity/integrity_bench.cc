// Throughput of the integrity engine on a simulated "mixed" poll (issue 4 targets: parse + features
// >= 3M votes/s/core; full report on 1M votes <= 10 s on 2 cores).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/random.h"
#include "integrity/analysis.h"
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

}  // namespace

BENCHMARK_MAIN();

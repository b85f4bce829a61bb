// netintel benchmarks on the real table the build compiled (DefaultTablePath(), or PANTAU_ASN_TABLE):
//   Lookup*      lookups per second over a working set of N addresses. Small N keeps the touched part
//                of the table in cache (the "cache-resident" target: >= 20M lookups/s/core);
//                N = 1M random addresses shows the cost when every lookup misses cache.
//   Open         start-up: map the file, verify checksum and invariants (target <= 100 ms).
//   Parse*       text to IpAddress, and the request path (parse + locus prefix + lookup).
//   build-*/bench/netintel/netintel_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "netintel/asn_csv.h"
#include "netintel/internal/uint128.h"
#include "netintel/ip_prefix.h"
#include "netintel/network_intel.h"

namespace pantau::netintel {
namespace {

std::string TablePath() {
  const char* env = getenv("PANTAU_ASN_TABLE");
  return env && *env ? env : DefaultTablePath();
}

const NetworkIntel& Table() {
  static const NetworkIntel intel = [] {
    auto opened = NetworkIntel::Open(TablePath());
    if (!opened) throw std::runtime_error(opened.error().ToLogString());
    return std::move(*opened);
  }();
  return intel;
}

using internal::Uint128;

Uint128 ToUint128(const IpAddress& a) { return (Uint128{a.v6_high()} << 64) | a.v6_low(); }

IpAddress FromUint128(Uint128 v) {
  std::array<uint8_t, 16> b{};
  for (int i = 15; i >= 0; --i, v >>= 8) b[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
  return IpAddress::FromV6(b);
}

// The IPv6 ranges of the source CSV: announced IPv6 space is too sparse to find by random draws.
const std::vector<std::pair<Uint128, Uint128>>& V6Ranges() {
  static const std::vector<std::pair<Uint128, Uint128>> ranges = [] {
    std::ifstream in(PANTAU_ASN_CSV_DIR "/asn-ipv6.csv");
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::pair<Uint128, Uint128>> out;
    auto status = ParseAsnCsv(text.str(), [&](const AsnCsvRow& row) {
      out.emplace_back(ToUint128(row.first), ToUint128(row.last));
      return Ok();
    });
    if (!status || out.empty()) throw std::runtime_error("cannot read " PANTAU_ASN_CSV_DIR "/asn-ipv6.csv");
    return out;
  }();
  return ranges;
}

// `n` public addresses that the table knows (asn != 0): IPv4 drawn uniformly from the address space,
// IPv6 uniformly from a uniformly chosen source range.
std::vector<IpAddress> KnownAddresses(size_t n, bool v6, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<IpAddress> out;
  out.reserve(n);
  while (out.size() < n) {
    IpAddress a;
    if (v6) {
      const auto& [first, last] = V6Ranges()[rng() % V6Ranges().size()];
      const Uint128 span = last - first;
      const Uint128 draw = (Uint128{rng()} << 64) | rng();
      a = FromUint128(first + (span == ~Uint128{0} ? draw : draw % (span + 1)));
    } else {
      a = IpAddress::FromV4(static_cast<uint32_t>(rng()));
    }
    if (Table().Lookup(a).asn != 0) out.push_back(a);
  }
  return out;
}

void RunLookups(benchmark::State& state, const std::vector<IpAddress>& addresses) {
  const NetworkIntel& intel = Table();
  const size_t mask = addresses.size() - 1;  // sizes are powers of two
  size_t i = 0;
  uint64_t checksum = 0;
  for (auto _ : state) {
    const LookupResult r = intel.Lookup(addresses[i++ & mask]);
    checksum += r.asn + static_cast<uint64_t>(r.network_class);
    benchmark::DoNotOptimize(r);
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(state.iterations());
  state.counters["lookups/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_LookupV4(benchmark::State& state) {
  const auto addresses = KnownAddresses(static_cast<size_t>(state.range(0)), false, 1);
  RunLookups(state, addresses);
}
BENCHMARK(BM_LookupV4)->Arg(64)->Arg(1024)->Arg(16384)->Arg(1 << 20);

void BM_LookupV6(benchmark::State& state) {
  const auto addresses = KnownAddresses(static_cast<size_t>(state.range(0)), true, 2);
  RunLookups(state, addresses);
}
BENCHMARK(BM_LookupV6)->Arg(64)->Arg(1024)->Arg(16384)->Arg(1 << 20);

// Government addresses carry a region code: the optional<RegionCode> string is built per lookup.
void BM_LookupGovernmentWithRegion(benchmark::State& state) {
  std::vector<IpAddress> addresses;
  for (const char* text : {"103.108.200.10", "103.205.82.1", "103.78.106.200", "103.100.246.1", "103.131.104.5",
                           "103.209.7.7", "101.255.30.1", "103.108.187.1"})
    addresses.push_back(IpAddress::Parse(text).value());
  RunLookups(state, addresses);
}
BENCHMARK(BM_LookupGovernmentWithRegion);

// Start-up: what the server pays once. The file is in the page cache after the first iteration.
void BM_Open(benchmark::State& state) {
  const std::string path = TablePath();
  for (auto _ : state) {
    auto intel = NetworkIntel::Open(path);
    if (!intel) {
      state.SkipWithError(intel.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(intel->data_version().data());
  }
  state.SetLabel(path);
}
BENCHMARK(BM_Open)->Unit(benchmark::kMillisecond);

std::vector<std::string> AsText(const std::vector<IpAddress>& addresses) {
  std::vector<std::string> out;
  for (const IpAddress& a : addresses) out.push_back(a.ToString());
  return out;
}

void BM_ParseV4(benchmark::State& state) {
  const auto texts = AsText(KnownAddresses(1024, false, 3));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(IpAddress::Parse(texts[i++ & 1023]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseV4);

void BM_ParseV6(benchmark::State& state) {
  const auto texts = AsText(KnownAddresses(1024, true, 4));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(IpAddress::Parse(texts[i++ & 1023]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseV6);

// What the vote path does per request: parse the peer address, take its locus, look it up.
void BM_RequestPath(benchmark::State& state) {
  const auto texts = AsText(KnownAddresses(1024, false, 5));
  const NetworkIntel& intel = Table();
  size_t i = 0;
  for (auto _ : state) {
    const IpAddress ip = IpAddress::Parse(texts[i++ & 1023]).value();
    benchmark::DoNotOptimize(PrefixOf(ip));
    benchmark::DoNotOptimize(intel.Lookup(ip));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestPath);

}  // namespace
}  // namespace pantau::netintel

BENCHMARK_MAIN();

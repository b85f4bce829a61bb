#include "integrity/scan_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>

#include <fmt/format.h>

#include "core/csv.h"
#include "core/random.h"
#include "integrity/analysis.h"
#include "integrity/vote_log_reader.h"
#include "loose_scan_config.h"

namespace pantau::integrity {
namespace {

constexpr int64_t kStart = 1731945600;  // 2024-11-18T16:00:00Z, seconds
constexpr int64_t kDay = 86400;

// Builds a vote log as CSV text so tests read like the files users give `analyze`.
class LogBuilder {
 public:
  LogBuilder() { text_ = "time,choice,ip,device_id\n"; }
  void Add(int64_t t_seconds, std::string_view choice, std::string_view ip) {
    AppendCsvRecord(text_, {std::to_string(t_seconds), choice, ip, fmt::format("d{}", ++device_)});
  }
  // `n` votes spread evenly over `days`, split between A and B by `share_a`, over `addresses` IPs.
  void Organic(int n, double share_a, int addresses, std::string_view prefix = "10.1") {
    for (int i = 0; i < n; ++i) {
      const bool a = std::fmod(i * 0.6180339887, 1.0) < share_a;  // low-discrepancy split
      Add(kStart + static_cast<int64_t>(i) * 3 * kDay / n, a ? "A" : "B",
          fmt::format("{}.{}.{}", prefix, (i % addresses) / 200, 1 + (i % addresses) % 200));
    }
  }
  VoteLog Read() const {
    auto log = ReadVoteLog(text_, netintel::NetworkIntel::Empty());
    EXPECT_TRUE(log.has_value()) << log.error().message;
    return std::move(*log);
  }

 private:
  std::string text_;
  int device_ = 0;
};

TEST(BernoulliLlr, MatchesKulldorffFormula) {
  EXPECT_NEAR(BernoulliLlr(10, 10, 0.5), 10 * std::log(2.0), 1e-9);
  EXPECT_NEAR(BernoulliLlr(8, 10, 0.5), 8 * std::log(1.6) + 2 * std::log(0.4), 1e-9);
  EXPECT_EQ(BernoulliLlr(4, 10, 0.5), 0.0);  // below the baseline: no evidence of excess
  EXPECT_EQ(BernoulliLlr(0, 0, 0.5), 0.0);
}

TEST(ScanDetector, FindsAnOfficeNatBurstAndSubtractsOnlyItsExcess) {
  LogBuilder b;
  b.Organic(3000, 0.5, 300);
  // An office NAT: 60 staff vote B within 30 minutes on day 2, 10:00 local.
  for (int i = 0; i < 60; ++i) b.Add(kStart + kDay + 2 * 3600 + i * 30, "B", "203.0.113.10");
  const VoteLog log = b.Read();
  const std::vector<Cohort> cohorts = ScanDetector(ScanConfig{}).Detect(log);
  ASSERT_EQ(cohorts.size(), 1u);
  const Cohort& c = cohorts[0];
  EXPECT_EQ(c.id, "C1");
  EXPECT_EQ(log.option_labels[c.option], "B");
  EXPECT_EQ(c.votes.size(), 60u);
  EXPECT_NEAR(c.excess, 60, 3);
  EXPECT_EQ(c.start_ms, (kStart + kDay + 2 * 3600) * 1000);
  ASSERT_FALSE(c.cells.empty());
  EXPECT_EQ(c.cells[0].level, LocusLevel::kAddress);
  const std::vector<double> adjusted = AdjustedShares(log, cohorts);
  EXPECT_NEAR(adjusted[0], 0.5, 0.01);
}

TEST(ScanDetector, BusySharedAddressWithTheUsualSplitIsNotFlagged) {
  LogBuilder b;
  b.Organic(3000, 0.55, 300);
  // CGNAT: 600 subscribers behind one address, all day, the poll's split.
  LogBuilder cgnat;
  for (int i = 0; i < 600; ++i)
    b.Add(kStart + static_cast<int64_t>(i) * 3 * kDay / 600, std::fmod(i * 0.618, 1.0) < 0.55 ? "A" : "B", "198.51.100.7");
  EXPECT_TRUE(ScanDetector(ScanConfig{}).Detect(b.Read()).empty());
}

TEST(ScanDetector, ViralSurgeWithTheUsualSplitIsNotFlagged) {
  LogBuilder b;
  b.Organic(3000, 0.5, 300);
  for (int i = 0; i < 1500; ++i)
    b.Add(kStart + kDay + i * 2, std::fmod(i * 0.618, 1.0) < 0.5 ? "A" : "B", fmt::format("10.9.{}.{}", i / 200, 1 + i % 200));
  EXPECT_TRUE(ScanDetector(ScanConfig{}).Detect(b.Read()).empty());
}

TEST(ScanDetector, AnAddressThatAlwaysLeansOneWayIsNotFlagged) {
  LogBuilder b;
  b.Organic(3000, 0.5, 300);
  // A household-heavy NAT whose voters favour A all day long: its own mix is the baseline.
  for (int i = 0; i < 400; ++i)
    b.Add(kStart + static_cast<int64_t>(i) * 3 * kDay / 400, std::fmod(i * 0.618, 1.0) < 0.9 ? "A" : "B", "192.0.2.50");
  EXPECT_TRUE(ScanDetector(ScanConfig{}).Detect(b.Read()).empty());
}

TEST(ScanDetector, SecondPassFindsTwoWavesAtOneOffice) {
  LogBuilder b;
  b.Organic(3000, 0.5, 300);
  for (int i = 0; i < 40; ++i) b.Add(kStart + kDay + 2 * 3600 + i * 20, "B", "203.0.113.10");
  for (int i = 0; i < 40; ++i) b.Add(kStart + 2 * kDay + 3 * 3600 + i * 20, "B", "203.0.113.10");
  const VoteLog log = b.Read();
  const std::vector<Cohort> cohorts = ScanDetector(ScanConfig{}).Detect(log);
  ASSERT_EQ(cohorts.size(), 2u);
  EXPECT_EQ(cohorts[0].votes.size(), 40u);
  EXPECT_EQ(cohorts[1].votes.size(), 40u);
  EXPECT_LT(cohorts[0].end_ms, cohorts[1].start_ms);
}

TEST(ScanDetector, GatesAreConfigurable) {
  LogBuilder b;
  b.Organic(3000, 0.5, 300);
  for (int i = 0; i < 60; ++i) b.Add(kStart + kDay + 2 * 3600 + i * 30, "B", "203.0.113.10");
  ScanConfig strict;
  strict.min_excess = 100;
  EXPECT_TRUE(ScanDetector(strict).Detect(b.Read()).empty());
}

// The replicate scan (PermutationScanner) must score a permuted poll exactly as the detector's own
// scan does: per level, with one hit per locus and no second pass, the best cell of every locus is
// what both see, so the maxima agree.
TEST(PermutationScanner, MatchesTheDetectorsScanOnAPermutedPoll) {
  LogBuilder b;
  b.Organic(3000, 0.5, 300);
  for (int i = 0; i < 60; ++i) b.Add(kStart + kDay + 2 * 3600 + i * 30, "B", "203.0.113.10");
  VoteLog log = b.Read();
  // Deal the times out at random.
  std::vector<int64_t> sorted_times = log.time_ms;
  std::sort(sorted_times.begin(), sorted_times.end());
  std::vector<uint32_t> order(log.size());
  std::iota(order.begin(), order.end(), 0u);
  SplitMix64 rng(7);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  for (size_t r = 0; r < order.size(); ++r) log.time_ms[order[r]] = sorted_times[r];

  ScanConfig loose = LooseScanConfig();  // hits on both levels and with both tests
  loose.min_burst_ratio = 1.5;
  loose.max_hits_per_locus = 1;
  loose.second_pass = false;
  double expected = 0;
  std::array<int, 2> tests_seen{};
  for (LocusLevel level : {LocusLevel::kAddress, LocusLevel::kPrefix}) {
    ScanConfig one_level = loose;
    one_level.levels = {level};
    const ScanDetector detector(one_level);
    std::vector<int32_t> hit_of_vote;
    const std::vector<Cell> cells = detector.Scan(log, std::vector<uint8_t>(log.size(), 1), hit_of_vote);
    ASSERT_FALSE(cells.empty());
    double level_max = 0;
    for (const Cell& c : cells) level_max = std::max(level_max, detector.Score(c)), ++tests_seen[static_cast<int>(c.test)];
    const PermutationScanner scanner(detector, log);
    PermutationScanner::Scratch scratch;
    EXPECT_DOUBLE_EQ(scanner.MaxScore(order, sorted_times, scratch), level_max);
    expected = std::max(expected, level_max);
  }
  EXPECT_GT(tests_seen[0], 0);
  EXPECT_GT(tests_seen[1], 0);
  loose.levels = {LocusLevel::kAddress, LocusLevel::kPrefix};
  EXPECT_DOUBLE_EQ(ScanDetector(loose).MaxScore(log, log.time_ms, order), expected);
}

}  // namespace
}  // namespace pantau::integrity

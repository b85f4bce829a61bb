#include "integrity/monte_carlo.h"

#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "core/csv.h"
#include "integrity/analysis.h"
#include "integrity/vote_log_reader.h"
#include "loose_scan_config.h"

namespace pantau::integrity {
namespace {

constexpr int64_t kStart = 1731945600;

VoteLog Poll(int burst) {
  std::string text = "time,choice,ip\n";
  for (int i = 0; i < 3000; ++i)
    AppendCsvRecord(text, {std::to_string(kStart + i * 86), std::fmod(i * 0.618, 1.0) < 0.5 ? "A" : "B",
                           fmt::format("10.1.{}.{}", (i % 300) / 200, 1 + (i % 300) % 200)});
  for (int i = 0; i < burst; ++i) AppendCsvRecord(text, {std::to_string(kStart + 90000 + i * 20), "B", "203.0.113.10"});
  return *ReadVoteLog(text, netintel::NetworkIntel::Empty());
}

TEST(MonteCarlo, StrongCohortGetsTheSmallestPossiblePValue) {
  const VoteLog log = Poll(60);
  const ScanDetector detector(ScanConfig{});
  const std::vector<Cohort> cohorts = detector.Detect(log);
  ASSERT_EQ(cohorts.size(), 1u);
  EXPECT_GE(cohorts[0].score, 1.0);
  const std::vector<double> p = PermutationPValues(log, detector, cohorts, {.replicates = 39, .seed = 5, .threads = 2});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(p[0], 1.0 / 40);
}

TEST(MonteCarlo, ResultDoesNotDependOnThreadCount) {
  const VoteLog log = Poll(60);
  const ScanDetector detector(LooseScanConfig());
  std::vector<Cohort> cohorts = detector.Detect(log);
  ASSERT_FALSE(cohorts.empty());
  const auto one = PermutationPValues(log, detector, cohorts, {.replicates = 19, .seed = 9, .threads = 1});
  const auto two = PermutationPValues(log, detector, cohorts, {.replicates = 19, .seed = 9, .threads = 2});
  EXPECT_EQ(one, two);
  // With such loose gates chance alone produces hits: a cohort barely over the gates is not significant.
  Cohort marginal;
  marginal.score = 1.0;
  const auto p = PermutationPValues(log, detector, {marginal}, {.replicates = 19, .seed = 9, .threads = 2});
  EXPECT_GT(p[0], 0.5);
}

TEST(MonteCarlo, AnalyzeDropsCohortsAboveAlphaAndRenumbers) {
  const VoteLog log = Poll(60);
  AnalysisConfig config;
  config.monte_carlo.replicates = 19;
  AnalysisResult r = Analyze(log, config);
  ASSERT_EQ(r.cohorts.size(), 1u);
  EXPECT_EQ(r.cohorts[0].id, "C1");
  EXPECT_DOUBLE_EQ(r.cohorts[0].p_value, 0.05);
  config.monte_carlo.alpha = 0.01;  // unreachable with 19 replicates: everything is dropped
  r = Analyze(log, config);
  EXPECT_TRUE(r.cohorts.empty());
  EXPECT_EQ(r.raw_winner, r.adjusted_winner);
}

}  // namespace
}  // namespace pantau::integrity

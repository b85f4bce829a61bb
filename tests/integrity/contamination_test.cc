// Contamination bounds and the flip threshold, against values worked out by hand from
// (s − ε)/(1 − ε) ≤ p ≤ s/(1 − ε) and ε* = s_winner − s_runner_up.
#include "integrity/contamination.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/csv.h"
#include "integrity/analysis.h"
#include "integrity/report_writer.h"
#include "integrity/vote_log_reader.h"

namespace pantau::integrity {
namespace {

TEST(Contamination, BoundsOfOneShare) {
  // s = 0.5, ε = 0.1: low (0.5 − 0.1)/0.9 = 0.4444…, high 0.5/0.9 = 0.5555…
  const ShareBounds b = ContaminationBounds(0.5, 0.1);
  EXPECT_NEAR(b.low, 4.0 / 9.0, 1e-12);
  EXPECT_NEAR(b.high, 5.0 / 9.0, 1e-12);
  // ε = 0: the share itself.
  EXPECT_DOUBLE_EQ(ContaminationBounds(0.37, 0).low, 0.37);
  EXPECT_DOUBLE_EQ(ContaminationBounds(0.37, 0).high, 0.37);
  // A small share can vanish entirely; a large one can reach 1.
  EXPECT_DOUBLE_EQ(ContaminationBounds(0.04, 0.05).low, 0.0);
  EXPECT_DOUBLE_EQ(ContaminationBounds(0.96, 0.05).high, 1.0);
}

TEST(Contamination, FlipEpsilonIsTheLeadOverTheRunnerUp) {
  EXPECT_NEAR(FlipEpsilon({0.45, 0.43, 0.12}), 0.02, 1e-12);
  EXPECT_NEAR(FlipEpsilon({0.12, 0.43, 0.45}), 0.02, 1e-12);
  EXPECT_NEAR(FlipEpsilon({0.30, 0.60, 0.10}), 0.30, 1e-12);
  EXPECT_DOUBLE_EQ(FlipEpsilon({0.5, 0.5}), 0.0);
  EXPECT_DOUBLE_EQ(FlipEpsilon({1.0}), 0.0);
}

TEST(Contamination, AtTheFlipEpsilonTheRunnerUpDrawsLevel) {
  // 0.45 vs 0.43 at ε = 0.02: worst case for the winner (all contamination was its votes) gives
  // (0.45 − 0.02)/0.98 = 0.43/0.98, the runner-up's best case (none was its votes) 0.43/0.98.
  const std::vector<double> shares{0.45, 0.43, 0.12};
  const double e = FlipEpsilon(shares);
  EXPECT_NEAR(ContaminationBounds(shares[0], e).low, ContaminationBounds(shares[1], e).high, 1e-12);
  EXPECT_GT(ContaminationBounds(shares[0], e - 1e-6).low, ContaminationBounds(shares[1], e - 1e-6).high);
}

TEST(Contamination, ReportNamesWinnerRunnerUpAndVotes) {
  const ContaminationReport r = Contamination({0.30, 0.42, 0.28}, 0.05, 10000);
  EXPECT_EQ(r.winner, 1u);
  EXPECT_EQ(r.runner_up, 0u);
  EXPECT_NEAR(r.flip_epsilon, 0.12, 1e-12);
  EXPECT_NEAR(r.flip_votes, 1200, 1e-9);
  EXPECT_TRUE(r.winner_holds);
  ASSERT_EQ(r.bounds.size(), 3u);
  EXPECT_NEAR(r.bounds[2].low, 0.23 / 0.95, 1e-12);
  EXPECT_NEAR(r.bounds[2].high, 0.28 / 0.95, 1e-12);
  EXPECT_FALSE(Contamination({0.52, 0.48}, 0.05, 100).winner_holds);
  EXPECT_EQ(Contamination({0.5, 0.5}, 0.05, 100).winner, 0u);  // ties go to the first option, like the winner
}

TEST(Contamination, AnalyzeReportsBoundsOfTheAdjustedResult) {
  // 600 A, 400 B, organic and spread over the day: nothing to flag, so the adjusted shares are raw.
  std::string text = "time,choice,ip\n";
  for (int i = 0; i < 1000; ++i)
    AppendCsvRecord(text, {std::to_string(1731999600 + i * 60), i % 5 < 3 ? "A" : "B", fmt::format("10.2.{}.{}", i / 200, 1 + i % 200)});
  const VoteLog log = *ReadVoteLog(text, netintel::NetworkIntel::Empty());
  AnalysisConfig config;
  config.monte_carlo.replicates = 0;
  config.bootstrap.replicates = 0;
  config.contamination_epsilon = 0.1;
  const AnalysisResult r = Analyze(log, config);
  ASSERT_TRUE(r.cohorts.empty());
  EXPECT_NEAR(r.contamination.flip_epsilon, 0.2, 1e-12);
  EXPECT_NEAR(r.contamination.flip_votes, 200, 1e-9);
  EXPECT_NEAR(r.raw_flip_epsilon, 0.2, 1e-12);
  EXPECT_NEAR(r.contamination.bounds[0].low, 0.5 / 0.9, 1e-12);
  const std::string json = ReportJson(r);
  for (const char* key : {"\"flip_contamination\":0.2,", "\"flip_votes\":200,", "\"runner_up\":\"B\"",
                          "\"contamination_low\":0.555556,", "\"contamination_high\":0.666667}",
                          "\"contamination\":{\"epsilon\":0.1,\"winner_holds\":true}"})
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
}

}  // namespace
}  // namespace pantau::integrity

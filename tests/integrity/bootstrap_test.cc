#include "integrity/bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "core/csv.h"
#include "integrity/analysis.h"
#include "integrity/vote_log_reader.h"

namespace pantau::integrity {
namespace {

VoteLog Poll(int votes, int burst) {
  std::string text = "time,choice,ip\n";
  for (int i = 0; i < votes; ++i)
    AppendCsvRecord(text, {std::to_string(1731945600 + i * 86), std::fmod(i * 0.618, 1.0) < 0.5 ? "A" : "B",
                           fmt::format("10.1.{}.{}", (i % 300) / 200, 1 + (i % 300) % 200)});
  for (int i = 0; i < burst; ++i) AppendCsvRecord(text, {std::to_string(1731945600 + 90000 + i * 20), "B", "203.0.113.10"});
  return *ReadVoteLog(text, netintel::NetworkIntel::Empty());
}

TEST(Bootstrap, IntervalHoldsTheEstimateAndShrinksWithMoreVotes) {
  AnalysisConfig config;
  config.monte_carlo.replicates = 0;
  const VoteLog small = Poll(1000, 40), large = Poll(10000, 40);
  const AnalysisResult a = Analyze(small, config), b = Analyze(large, config);
  ASSERT_EQ(a.cohorts.size(), 1u);
  ASSERT_EQ(b.cohorts.size(), 1u);
  for (const AnalysisResult* r : {&a, &b})
    for (const OptionResult& o : r->options) {
      EXPECT_LE(o.ci_low, o.adjusted_share);
      EXPECT_GE(o.ci_high, o.adjusted_share);
      EXPECT_GT(o.ci_high - o.ci_low, 0.0);
    }
  EXPECT_LT(b.options[0].ci_high - b.options[0].ci_low, (a.options[0].ci_high - a.options[0].ci_low) * 0.6);
  // About 1.96 * sqrt(p (1 - p) / n) each way for the large poll (counting noise dominates).
  EXPECT_NEAR(b.options[0].ci_high - b.options[0].ci_low, 2 * 1.96 * std::sqrt(0.25 / 10000), 0.006);
}

TEST(Bootstrap, SameSeedSameInterval) {
  const VoteLog log = Poll(2000, 40);
  const std::vector<Cohort> cohorts = ScanDetector(ScanConfig{}).Detect(log);
  const auto x = BootstrapIntervals(log, cohorts, {.replicates = 200, .seed = 3});
  const auto y = BootstrapIntervals(log, cohorts, {.replicates = 200, .seed = 3});
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x[0].low, y[0].low);
  EXPECT_EQ(x[1].high, y[1].high);
  EXPECT_TRUE(BootstrapIntervals(log, cohorts, {.replicates = 0})[0].high == 0);
}

}  // namespace
}  // namespace pantau::integrity

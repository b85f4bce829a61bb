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

// A cohort found only by following the answer after a trigger: 800 votes for B in the horizon where
// 400 were expected (1 200 such votes outside it), 300 of them flagged. Its excess is O - E = 400.
TEST(Bootstrap, ATriggerCellIsRedrawnAsItsCountsNotAsAShareOfTheFlaggedVotes) {
  const VoteLog log = Poll(10000, 0);
  Cohort c;
  c.option = 1;
  Cell cell;
  cell.test = CellTest::kTrigger;
  cell.option = 1;
  cell.window_votes = 800;
  cell.option_votes = 300;  // flagged
  cell.baseline_votes = 1200;
  cell.expected = 400;
  cell.baseline_share = 0.5;
  cell.excess = 400;
  c.cells.push_back(cell);
  c.excess = 400;
  const std::vector<double> adjusted = AdjustedShares(log, {c});
  const auto ci = BootstrapIntervals(log, {c}, {.replicates = 1000, .seed = 5});
  // Centred on the estimate: sd of the excess sqrt(800 + 1200 / 9) ~ 31 votes, ~0.3 points.
  EXPECT_NEAR((ci[1].low + ci[1].high) / 2, adjusted[1], 0.002);
  EXPECT_LE(ci[1].low, adjusted[1]);
  EXPECT_GE(ci[1].high, adjusted[1]);
  // The own link's cell (members who chose otherwise) adds no excess, in no replicate.
  c.cells[0].level = LocusLevel::kToken;
  c.cells[0].excess = 0;
  c.excess = 0;
  const auto link = BootstrapIntervals(log, {c}, {.replicates = 1000, .seed = 5});
  const auto none = BootstrapIntervals(log, {}, {.replicates = 1000, .seed = 5});
  EXPECT_NEAR(link[1].low, none[1].low, 0.003);
  EXPECT_NEAR(link[1].high, none[1].high, 0.003);
}

TEST(Bootstrap, TheMarginIsBootstrappedJointly) {
  // A and B alternate by the golden ratio: about 50/50 in 10 000 votes; the burst at the office adds
  // 40 for B, all of them excess, so the adjusted race is a dead heat and the margin's interval holds 0.
  const VoteLog log = Poll(10000, 40);
  AnalysisConfig config;
  config.monte_carlo.replicates = 0;
  const AnalysisResult r = Analyze(log, config);
  ASSERT_TRUE(r.has_margin_interval);
  EXPECT_LE(r.margin_ci_low, r.margin);
  EXPECT_GE(r.margin_ci_high, r.margin);
  EXPECT_LE(r.margin_ci_low, 0.0);
  EXPECT_TRUE(r.too_close_to_call);
  // The difference of two shares of a two-way race moves twice as much as one share: the margin's
  // interval is about twice as wide as either share's (2 * 1.96 * sqrt(1 / n) in all).
  const double width = r.margin_ci_high - r.margin_ci_low;
  EXPECT_NEAR(width, 2 * (r.options[0].ci_high - r.options[0].ci_low), 0.01);
  EXPECT_NEAR(width, 2 * 1.96 * std::sqrt(1.0 / 10000), 0.01);

  // A clear lead: 2 000 more votes for B; the interval stays above zero.
  std::string text = "time,choice,ip\n";
  for (int i = 0; i < 6000; ++i)
    AppendCsvRecord(text, {std::to_string(1731945600 + i * 40), i % 3 ? "B" : "A", fmt::format("10.2.{}.{}", i % 50, 1 + i % 200)});
  const VoteLog clear = *ReadVoteLog(text, netintel::NetworkIntel::Empty());
  const AnalysisResult c = Analyze(clear, config);
  ASSERT_TRUE(c.has_margin_interval);
  EXPECT_NEAR(c.margin, 1.0 / 3, 1e-9);
  EXPECT_GT(c.margin_ci_low, 0.3);
  EXPECT_FALSE(c.too_close_to_call);
  // Without the bootstrap there is no interval and no call.
  config.bootstrap.replicates = 0;
  const AnalysisResult plain = Analyze(log, config);
  EXPECT_FALSE(plain.has_margin_interval);
  EXPECT_FALSE(plain.too_close_to_call);
}

}  // namespace
}  // namespace pantau::integrity

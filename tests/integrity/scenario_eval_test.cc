// The evaluation suite of issue 4 on a fixed small seed set: simulated polls of the grid (sim/scenario.h)
// written to CSV, read back and analysed; the engine against ground truth and against the naive
// deduplication baselines. Thresholds are below the pooled targets because a dozen small polls are
// noisy; `pantau eval` measures the pooled numbers (docs/methodology.md §6).
#include <gtest/gtest.h>

#include <array>

#include "integrity/analysis.h"
#include "integrity/evaluation.h"
#include "integrity/vote_log_reader.h"
#include "integrity/sim_fixture.h"
#include "sim/generator.h"

namespace pantau::integrity {
namespace {

struct Outcome {
  VoteLog log;
  AnalysisResult result;
  GroundTruth truth;
  Metrics Of(const Flagging& f) const { return Evaluate(log, f, truth.coordinated, truth.shares); }
};

Outcome Simulate(std::string_view scenario, int votes, uint64_t seed, bool signals = true) {
  const Fixture& fx = Shared();
  auto s = sim::NamedScenario(scenario, votes);
  EXPECT_TRUE(s.has_value());
  auto poll = sim::Generate(*s, fx.pools, fx.uas, seed);
  EXPECT_TRUE(poll.has_value()) << poll.error().message;
  auto log = ReadVoteLog(sim::VotesCsv(*poll), fx.intel);
  EXPECT_TRUE(log.has_value()) << log.error().message;
  Outcome out{std::move(*log), {}, {}};
  AnalysisConfig config;
  config.evidence.utc_offset_minutes = s->utc_offset_minutes;
  config.links.enabled = config.trim.enabled = config.trigger.enabled = signals;
  out.result = Analyze(out.log, config);
  std::vector<uint8_t> by_row;
  for (const sim::SimVote& v : poll->votes) by_row.push_back(v.label != sim::Label::kOrganic);
  out.truth = AlignTruth(out.log, by_row, poll->options, poll->true_shares);
  return out;
}

// The fixed seed set of the suite: every scenario of the grid with coordinated votes, one seed each,
// at half the default size (the village at its own ~1 000 votes).
constexpr uint64_t kSeed = 101;
constexpr int kVotes = 10000;
std::vector<std::string> MobilisedScenarios() {
  std::vector<std::string> names;
  for (const std::string& name : sim::ScenarioNames())
    if (name != "clean" && name != "viral") names.push_back(name);
  return names;
}

TEST(ScenarioEval, CleanAndViralPollsGetZeroFlags) {
  for (const char* name : {"clean", "viral"}) {
    for (uint64_t seed : {11, 12}) {
      SCOPED_TRACE(testing::Message() << name << " seed " << seed);
      const Outcome o = Simulate(name, kVotes, seed);
      EXPECT_TRUE(o.result.cohorts.empty());
      EXPECT_EQ(o.result.raw_winner, o.result.adjusted_winner);
    }
  }
}

// The suite of issue 4: over the fixed seed set the engine beats every naive baseline on F1 and on
// share error (pooled), and recovers the organic winner in every poll.
TEST(ScenarioEval, EngineBeatsEveryBaselineAndRecoversEveryOrganicWinner) {
  std::array<Tally, 5> tallies;
  const std::array methods{Method::kEngine, Method::kScanOnly, Method::kPerIp, Method::kPerCookie, Method::kPerIpUa};
  for (const std::string& name : MobilisedScenarios()) {
    SCOPED_TRACE(name);
    const Outcome o = Simulate(name, kVotes, kSeed);
    const Outcome scan = Simulate(name, kVotes, kSeed, /*signals=*/false);
    for (size_t m = 0; m < methods.size(); ++m) {
      const Flagging f = m == 0   ? EngineFlagging(o.log, o.result)
                         : m == 1 ? EngineFlagging(scan.log, scan.result)
                                  : DedupBaseline(o.log, methods[m]);
      const Metrics x = o.Of(f);
      tallies[m].Add(x, o.truth.clean);
      if (m == 0) {
        EXPECT_TRUE(x.winner_recovered) << "adjusted " << o.result.adjusted_winner;
      }
    }
  }
  const Tally& engine = tallies[0];
  EXPECT_GE(engine.Precision(), 0.93);
  EXPECT_GE(engine.Recall(), 0.78);
  EXPECT_LE(engine.Fpr(), 0.005);
  EXPECT_LE(engine.FprShared(), 0.0075);
  EXPECT_LE(engine.MaxShareError(), 1.5);
  // The link and trimming signals earn their place over the plain scan.
  EXPECT_GT(engine.F1(), tallies[1].F1());
  EXPECT_GT(engine.Precision(), tallies[1].Precision());
  EXPECT_LT(engine.MaxShareError(), tallies[1].MaxShareError());
  for (size_t m = 2; m < methods.size(); ++m) {
    SCOPED_TRACE(kMethodNames.Name(methods[m]));
    EXPECT_GT(engine.F1(), tallies[m].F1());
    EXPECT_LT(engine.MedianShareError(), tallies[m].MedianShareError());
    EXPECT_LT(engine.MaxShareError(), tallies[m].MaxShareError());
    EXPECT_LT(engine.Fpr(), tallies[m].Fpr());
  }
}

TEST(ScenarioEval, GovernmentOfficeWavesAreLabelledAsPossibleStateMobilisation) {
  const Outcome o = Simulate("mixed", kVotes, 31);
  bool state_label = false;
  for (const EvidenceCard& card : o.result.cards) state_label |= card.state_apparatus && card.choice == "Paslon 2";
  EXPECT_TRUE(state_label);
  // In Tomohon the Pemkot offices sit on Telkom business lines: found, but not labelled by network.
  const Outcome t = Simulate("tomohon", kVotes, 31);
  ASSERT_FALSE(t.result.cards.empty());
  for (const EvidenceCard& card : t.result.cards) EXPECT_FALSE(card.state_apparatus);
}

TEST(ScenarioEval, BotsFromHostingAreFlaggedCompletely) {
  const Outcome o = Simulate("bots", kVotes, 41);
  const Metrics m = o.Of(EngineFlagging(o.log, o.result));
  EXPECT_GE(m.recall, 0.95);
  EXPECT_GE(m.precision, 0.95);
  bool hosting = false;
  for (const EvidenceCard& card : o.result.cards) hosting |= card.network_class == NetworkClass::kHosting;
  EXPECT_TRUE(hosting);
}

TEST(Baselines, PerIpDedupFlagsHonestCgnatVoters) {
  const Outcome o = Simulate("clean", 5000, 51);
  const Metrics m = o.Of(DedupBaseline(o.log, Method::kPerIp));
  EXPECT_GT(m.fpr_shared, 0.5);  // the failure the engine exists to avoid
  EXPECT_EQ(m.true_positives, 0u);
}

}  // namespace
}  // namespace pantau::integrity

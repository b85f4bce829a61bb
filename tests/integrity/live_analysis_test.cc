// LiveAnalysis: votes added one batch at a time give the report a batch analysis of the same log gives,
// and re-runs follow the thresholds.
#include "integrity/live_analysis.h"

#include <gtest/gtest.h>

#include <thread>

#include "integrity/sim_fixture.h"
#include "integrity/vote_log_reader.h"
#include "sim/generator.h"

namespace pantau::integrity {
namespace {

using std::chrono::milliseconds;

// A simulated Tomohon poll read as `analyze` reads an export, and the same votes as the ledger holds them.
struct LivePoll {
  VoteLog log;
  std::vector<Vote> votes;
};

LivePoll SimulatedPoll(int votes, uint64_t seed) {
  const Fixture& fx = Shared();
  auto scenario = sim::NamedScenario("tomohon", votes);
  EXPECT_TRUE(scenario.has_value());
  auto poll = sim::Generate(*scenario, fx.pools, fx.uas, seed);
  EXPECT_TRUE(poll.has_value());
  auto log = ReadVoteLog(sim::VotesCsv(*poll), fx.intel);
  EXPECT_TRUE(log.has_value());
  LivePoll out{std::move(*log), {}};
  const VoteLog& l = out.log;
  for (size_t i = 0; i < l.size(); ++i) {
    Vote v;
    v.seq = i + 1;
    v.time = FromUnixMillis(l.time_ms[i]);
    v.choice = l.option[i] + 1;
    const LocusInfo& locus = l.loci[l.locus[i]];
    v.locus = {locus.prefix, std::string(l.addresses.Name(l.address[i])), locus.asn, locus.network_class};
    if (l.ua_family[i] != 0) v.user_agent = UserAgentFamily::FromString(l.ua_families.Name(l.ua_family[i]));
    // The reader keeps device ids as numbers only: any string per id will do (0 = no device).
    v.device_id = l.device[i] == 0 ? "" : "device" + std::to_string(l.device[i]);
    v.share_token = l.tokens.Name(l.token[i]);
    v.referrer_host = l.referrers.Name(l.referrer[i]);
    out.votes.push_back(std::move(v));
  }
  return out;
}

AnalysisConfig FastConfig() {
  AnalysisConfig config;
  config.monte_carlo.replicates = 19;
  config.bootstrap.replicates = 50;
  config.evidence.utc_offset_minutes = 8 * 60;  // WITA
  return config;
}

TEST(LiveAnalysis, VotesAddedInBatchesGiveTheBatchReport) {
  const LivePoll poll = SimulatedPoll(6000, 21);
  const AnalysisResult batch = Analyze(poll.log, FastConfig());
  ASSERT_FALSE(batch.cohorts.empty()) << "the scenario should have cohorts to find";

  LiveAnalysis live(FastConfig(), {.min_new_votes = 1, .min_growth = 0, .min_interval = milliseconds(0)});
  const std::span<const Vote> all(poll.votes);
  for (size_t at = 0; at < all.size(); at += 700) live.Add(all.subspan(at, std::min<size_t>(700, all.size() - at)));
  auto report = live.WaitFor(all.size(), milliseconds(120'000));
  ASSERT_NE(report, nullptr);
  ASSERT_EQ(report->votes, all.size());
  const AnalysisResult& r = report->result;
  ASSERT_EQ(r.options.size(), batch.options.size());
  for (size_t k = 0; k < r.options.size(); ++k) {
    EXPECT_EQ(r.options[k].raw_votes, batch.options[k].raw_votes) << k;
    EXPECT_DOUBLE_EQ(r.options[k].adjusted_share, batch.options[k].adjusted_share) << k;
  }
  ASSERT_EQ(r.cohorts.size(), batch.cohorts.size());
  for (size_t c = 0; c < r.cohorts.size(); ++c) EXPECT_EQ(r.cohorts[c].votes.size(), batch.cohorts[c].votes.size()) << c;
}

TEST(LiveAnalysis, RerunsOnlyWhenEnoughNewVotesArrived) {
  const LivePoll poll = SimulatedPoll(3000, 22);
  const std::span<const Vote> all(poll.votes);
  LiveAnalysis live(FastConfig(), {.min_new_votes = 1000, .min_growth = 0.5, .min_interval = milliseconds(0)});
  live.Add(all.subspan(0, 999));
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(live.Latest(), nullptr) << "999 new votes are below min_new_votes";
  live.Add(all.subspan(999, 1001));  // 2000 votes
  auto first = live.WaitFor(2000, milliseconds(120'000));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->votes, 2000u);
  live.Add(all.subspan(2000, 999));  // +999: below 50 % growth and below 1000
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(live.Latest()->votes, 2000u);
  live.Add(all.subspan(2999, 1));  // +1000 = 50 %
  auto second = live.WaitFor(3000, milliseconds(120'000));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->votes, 3000u);
  EXPECT_EQ(live.votes(), 3000u);
}

}  // namespace
}  // namespace pantau::integrity

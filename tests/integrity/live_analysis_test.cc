// LiveAnalysis: votes added one batch at a time — in time order or not, in batches of any shape — give
// the report a batch analysis of the same log gives; re-runs follow the thresholds, and the burst
// watch starts one early for a live blast, with a provisional report first.
#include "integrity/live_analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "integrity/live_poll_fixture.h"

namespace pantau::integrity {
namespace {

using std::chrono::milliseconds;

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
  ExpectSameReport(report->result, batch, /*same_labels=*/false);
}

// Several batch shapes, in time order and not: the live report equals Analyze on the same votes in the
// same (arrival) order, computed from scratch.
TEST(LiveAnalysis, AnyBatchShapeAndOrderGivesTheBatchReport) {
  const LivePoll poll = SimulatedPoll(6000, 23);
  struct Shape {
    std::vector<size_t> sizes;
    bool disorder;
    int64_t late_ms;
  };
  const std::vector<Shape> shapes{
      {{1, 1, 1, 2, 3, 5, 8, 13, 2000}, false, 0},   // tiny batches, then big ones
      {{6000}, true, 0},                             // one batch, shuffled
      {{250, 1700, 31}, true, 0},                    // uneven batches, each shuffled
      {{400}, true, 3 * 3'600'000},                  // shuffled, 10 % of votes up to 3 h late
      {{97}, true, 48 * 3'600'000},                  // shuffled, 10 % of votes up to 2 days late
  };
  for (size_t s = 0; s < shapes.size(); ++s) {
    SCOPED_TRACE(s);
    const Shape& shape = shapes[s];
    const std::vector<Vote> votes = shape.disorder ? Disorder(poll.votes, shape.sizes, shape.late_ms, 40 + s) : poll.votes;
    LiveVoteLog reference;
    reference.Append(votes);
    const AnalysisResult batch = Analyze(reference.log(), FastConfig());  // no index: sorts itself
    if (s == 0) {
      ASSERT_FALSE(batch.cohorts.empty());
    }
    LiveAnalysis live(FastConfig(), {.min_new_votes = 1, .min_growth = 0, .min_interval = milliseconds(0)});
    for (auto b : Batches(votes, shape.sizes)) live.Add(b);
    auto report = live.WaitFor(votes.size(), milliseconds(120'000));
    ASSERT_NE(report, nullptr);
    ASSERT_EQ(report->votes, votes.size());
    ExpectSameReport(report->result, batch);
  }
}

TEST(LiveAnalysis, RerunsOnlyWhenEnoughNewVotesArrived) {
  const LivePoll poll = SimulatedPoll(3000, 22);
  const std::span<const Vote> all(poll.votes);
  LiveAnalysis live(FastConfig(),
                    {.min_new_votes = 1000, .min_growth = 0.5, .min_interval = milliseconds(0), .watch_bursts = false});
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

// The throttle would wait for 2 % growth and a minute; a live blast starts a run within seconds, which
// first publishes a provisional report (no Monte Carlo, no bootstrap), then the full one.
TEST(LiveAnalysis, ABurstStartsARunEarly) {
  const std::vector<Vote> quiet = QuietVotes(20'000, 2);
  std::mutex mu;
  std::vector<std::shared_ptr<const LiveReport>> published;
  LiveAnalysis live(FastConfig(),
                    {.min_new_votes = 1'000'000, .min_growth = 0.5, .min_interval = milliseconds(600'000),
                     .burst_interval = milliseconds(0)},
                    [&](const std::shared_ptr<const LiveReport>& r) {
                      std::lock_guard lock(mu);
                      published.push_back(r);
                    });
  live.Add(std::span<const Vote>(quiet).first(19'000));
  auto first = live.WaitFor(19'000, milliseconds(60'000));  // the first run, on demand
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->burst);
  // More quiet votes: no run.
  live.Add(std::span<const Vote>(quiet).subspan(19'000));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(live.Latest()->votes, 19'000u);
  EXPECT_EQ(live.burst_alarms(), 0u);
  // A blast: a run starts without waiting for the throttle, and its reports find the blast.
  const std::vector<Vote> blast = Blast(40, ToUnixMillis(quiet.back().time) + 60'000, 4);
  live.Add(blast);
  for (int i = 0; i < 600; ++i) {
    {
      std::lock_guard lock(mu);
      if (published.size() >= 3) break;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(published.size(), 3u) << "no run within 30 s of the blast";
  EXPECT_EQ(published[0], first);
  const LiveReport& quick = *published[1];
  const LiveReport& full = *published[2];
  EXPECT_GE(live.burst_alarms(), 1u);
  for (const LiveReport* r : {&quick, &full}) {
    EXPECT_EQ(r->votes, 20'040u);
    EXPECT_TRUE(r->burst);
    ASSERT_FALSE(r->result.cohorts.empty());
    EXPECT_EQ(r->result.options[r->result.cohorts.front().option].choice, "1");
  }
  EXPECT_TRUE(quick.provisional);
  EXPECT_EQ(quick.result.cohorts.front().p_value, -1) << "no Monte Carlo in a provisional report";
  EXPECT_EQ(quick.result.options[0].ci_low, -1);
  EXPECT_FALSE(full.provisional);
  EXPECT_GT(full.result.cohorts.front().p_value, 0);
  EXPECT_EQ(live.Latest(), published[2]);
}

}  // namespace
}  // namespace pantau::integrity

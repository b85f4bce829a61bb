// LiveAnalysis: votes added one batch at a time — in time order or not, in batches of any shape — give
// the report a batch analysis of the same log gives; LiveVoteLog's maintained index equals one built
// from scratch; re-runs follow the thresholds, and the burst watch starts one early for a live blast.
#include "integrity/live_analysis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <random>
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

size_t OptionIndex(const AnalysisResult& r, const std::string& label) {
  for (size_t k = 0; k < r.options.size(); ++k)
    if (r.options[k].choice == label) return k;
  return r.options.size();
}

// The whole report, field by field: a live report must be exactly the batch one. A live log labels
// options by number ("1"), an export by name ("Paslon 3"): `same_labels` false compares positions.
void ExpectSameReport(const AnalysisResult& r, const AnalysisResult& batch, bool same_labels = true) {
  ASSERT_EQ(r.options.size(), batch.options.size());
  for (size_t k = 0; k < r.options.size(); ++k) {
    if (same_labels) {
      EXPECT_EQ(r.options[k].choice, batch.options[k].choice) << k;
    }
    EXPECT_EQ(r.options[k].raw_votes, batch.options[k].raw_votes) << k;
    EXPECT_EQ(r.options[k].excess, batch.options[k].excess) << k;
    EXPECT_EQ(r.options[k].adjusted_share, batch.options[k].adjusted_share) << k;
    EXPECT_EQ(r.options[k].ci_low, batch.options[k].ci_low) << k;
    EXPECT_EQ(r.options[k].ci_high, batch.options[k].ci_high) << k;
  }
  ASSERT_EQ(r.cohorts.size(), batch.cohorts.size());
  for (size_t c = 0; c < r.cohorts.size(); ++c) {
    EXPECT_EQ(r.cohorts[c].id, batch.cohorts[c].id) << c;
    EXPECT_EQ(r.cohorts[c].option, batch.cohorts[c].option) << c;
    EXPECT_EQ(r.cohorts[c].votes, batch.cohorts[c].votes) << c;
    EXPECT_EQ(r.cohorts[c].cells.size(), batch.cohorts[c].cells.size()) << c;
    EXPECT_EQ(r.cohorts[c].excess, batch.cohorts[c].excess) << c;
    EXPECT_EQ(r.cohorts[c].p_value, batch.cohorts[c].p_value) << c;
    EXPECT_EQ(r.cohorts[c].start_ms, batch.cohorts[c].start_ms) << c;
    EXPECT_EQ(r.cohorts[c].end_ms, batch.cohorts[c].end_ms) << c;
  }
  ASSERT_EQ(r.cards.size(), batch.cards.size());
  for (size_t c = 0; c < r.cards.size(); ++c) EXPECT_EQ(r.cards[c].votes, batch.cards[c].votes) << c;
  EXPECT_EQ(OptionIndex(r, r.raw_winner), OptionIndex(batch, batch.raw_winner));
  EXPECT_EQ(OptionIndex(r, r.adjusted_winner), OptionIndex(batch, batch.adjusted_winner));
  if (same_labels) {
    EXPECT_EQ(r.raw_winner, batch.raw_winner);
  }
  EXPECT_EQ(r.too_close_to_call, batch.too_close_to_call);
  EXPECT_EQ(r.contamination.flip_epsilon, batch.contamination.flip_epsilon);
  EXPECT_EQ(r.raw_flip_epsilon, batch.raw_flip_epsilon);
  EXPECT_EQ(r.votes, batch.votes);
}

// Batch sizes: `sizes` repeated until the votes run out.
std::vector<std::span<const Vote>> Batches(std::span<const Vote> all, const std::vector<size_t>& sizes) {
  std::vector<std::span<const Vote>> out;
  for (size_t at = 0, i = 0; at < all.size(); ++i) {
    const size_t n = std::min(sizes[i % sizes.size()], all.size() - at);
    out.push_back(all.subspan(at, n));
    at += n;
  }
  return out;
}

// Each batch's votes in a random order (times out of order within a batch), and some votes late by up
// to `late_ms` (a batch reaching back behind earlier batches).
std::vector<Vote> Disorder(std::vector<Vote> votes, const std::vector<size_t>& sizes, int64_t late_ms, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (auto batch : Batches(votes, sizes)) {
    auto* first = const_cast<Vote*>(batch.data());
    std::shuffle(first, first + batch.size(), rng);
  }
  if (late_ms > 0)
    for (Vote& v : votes)
      if (rng() % 10 == 0) v.time -= milliseconds(static_cast<int64_t>(rng() % static_cast<uint64_t>(late_ms)));
  return votes;
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

// The maintained index is the one a stable sort of the whole log gives, after every append, whatever the
// batches and however far back in time they reach; and the analysis with it is the analysis without.
TEST(LiveVoteLog, IndexEqualsARebuildAfterEveryAppend) {
  const LivePoll poll = SimulatedPoll(3000, 24);
  const std::vector<std::vector<size_t>> shapes{{1}, {7, 1, 300}, {3000}, {64, 5}};
  for (size_t s = 0; s < shapes.size(); ++s) {
    for (int64_t late_ms : {int64_t{0}, int64_t{600'000}, int64_t{48 * 3'600'000}}) {
      SCOPED_TRACE(testing::Message() << "shape " << s << ", late " << late_ms);
      const std::vector<Vote> votes = Disorder(poll.votes, shapes[s], late_ms, 7 + s);
      LiveVoteLog live;
      size_t checked = 0;
      for (auto b : Batches(votes, shapes[s])) {
        live.Append(b);
        // Every append for short runs, then every 50th (a rebuild is a full sort).
        if (checked++ < 100 || checked % 50 == 0) {
          ASSERT_EQ(live.index(), BuildLogIndex(live.log())) << live.size();
        }
      }
      ASSERT_EQ(live.index(), BuildLogIndex(live.log()));
      EXPECT_TRUE(std::is_sorted(live.index().sorted_time.begin(), live.index().sorted_time.end()));
    }
  }
  // Ties: equal times keep vote order, across batches too.
  std::vector<Vote> tied(poll.votes.begin(), poll.votes.begin() + 50);
  for (size_t i = 0; i < tied.size(); ++i) tied[i].time = FromUnixMillis(1'700'000'000'000 + static_cast<int64_t>(i % 3) * 1000);
  LiveVoteLog live;
  for (size_t at = 0; at < tied.size(); at += 4) live.Append(std::span<const Vote>(tied).subspan(at, std::min<size_t>(4, tied.size() - at)));
  EXPECT_EQ(live.index(), BuildLogIndex(live.log()));
}

TEST(LiveVoteLog, AnalysisWithTheIndexIsTheAnalysisWithout) {
  const LivePoll poll = SimulatedPoll(6000, 25);
  const std::vector<Vote> votes = Disorder(poll.votes, {500}, 3'600'000, 3);
  LiveVoteLog live;
  for (auto b : Batches(votes, {500})) live.Append(b);
  const AnalysisResult without = Analyze(live.log(), FastConfig());
  ASSERT_FALSE(without.cohorts.empty());
  ExpectSameReport(Analyze(live.log(), FastConfig(), &live.index()), without);
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

// A quiet poll by hand: `n` votes from 200 blocks over two days, three options, no links.
std::vector<Vote> QuietVotes(size_t n, uint64_t seed, int64_t start_ms = 1'700'000'000'000) {
  std::mt19937_64 rng(seed);
  std::vector<Vote> votes(n);
  for (size_t i = 0; i < n; ++i) {
    Vote& v = votes[i];
    v.seq = i + 1;
    v.time = FromUnixMillis(start_ms + static_cast<int64_t>(i) * 2 * 86'400'000 / static_cast<int64_t>(n));
    v.choice = static_cast<int>(1 + rng() % 3);
    const uint64_t block = rng() % 200;
    v.locus = {"10.0." + std::to_string(block) + ".0/24", "h" + std::to_string(i), static_cast<uint32_t>(7000 + block % 5),
               NetworkClass::kMobile};
    v.device_id = "d" + std::to_string(i);
  }
  return votes;
}

// `n` votes for option 1 from one block within `minutes` after `at_ms`, through one share link.
std::vector<Vote> Blast(size_t n, int64_t at_ms, int minutes) {
  std::vector<Vote> votes(n);
  for (size_t i = 0; i < n; ++i) {
    Vote& v = votes[i];
    v.time = FromUnixMillis(at_ms + static_cast<int64_t>(i) * minutes * 60'000 / static_cast<int64_t>(n));
    v.choice = 1;
    v.locus = {"10.9.9.0/24", "b" + std::to_string(i), 7001, NetworkClass::kGovernment};
    v.device_id = "bd" + std::to_string(i);
    v.share_token = "blast";
  }
  return votes;
}

TEST(BurstWatch, FiresOnABlastNotOnQuietOrViralTraffic) {
  const std::vector<Vote> quiet = QuietVotes(20'000, 1);
  BurstWatch watch;
  for (const Vote& v : quiet) EXPECT_FALSE(watch.Add(v)) << v.seq;
  // A viral moment: every block votes a dozen times for option 1 in one bin — the poll's own rhythm
  // rises with it, so no block stands out.
  const int64_t end_ms = ToUnixMillis(quiet.back().time);
  const int64_t t = (end_ms / 600'000 + 1) * 600'000 + 1000;  // a bin of its own
  for (int round = 0; round < 12; ++round)
    for (int block = 0; block < 200; ++block) {
      Vote v = quiet[static_cast<size_t>(block)];
      v.locus.prefix = "10.0." + std::to_string(block) + ".0/24";
      v.choice = 1;
      v.time = FromUnixMillis(t + round * 1000);
      EXPECT_FALSE(watch.Add(v)) << round << " " << block;
    }
  EXPECT_EQ(watch.alarms(), 0u);
  // A blast of 30 votes in 3 minutes from one block: it fires, once per locus (block and link) and bin.
  size_t fired_at = 0;
  const std::vector<Vote> blast = Blast(30, end_ms + 3'600'000, 3);
  for (size_t i = 0; i < blast.size(); ++i)
    if (watch.Add(blast[i]) && fired_at == 0) fired_at = i + 1;
  EXPECT_GE(fired_at, 10u) << "not before min_votes";
  EXPECT_LE(fired_at, 12u);
  EXPECT_EQ(watch.alarms(), 2u);
}

TEST(BurstWatch, QuietUntilThePollHasVotes) {
  BurstWatch watch({.min_poll_votes = 500});
  for (const Vote& v : Blast(100, 1'700'000'000'000, 3)) EXPECT_FALSE(watch.Add(v));
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

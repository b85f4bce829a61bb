// Shared by the live-mode suites (LiveAnalysis, LiveVoteLog, BurstWatch): a simulated poll as the
// ledger holds its votes, batch shapes and disorder, a field-by-field report comparison, and quiet
// polls and blasts made by hand.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/vote.h"
#include "integrity/analysis.h"
#include "integrity/sim_fixture.h"
#include "integrity/vote_log_reader.h"
#include "sim/generator.h"

namespace pantau::integrity {


// A simulated Tomohon poll read as `analyze` reads an export, and the same votes as the ledger holds them.
struct LivePoll {
  VoteLog log;
  std::vector<Vote> votes;
};

inline LivePoll SimulatedPoll(int votes, uint64_t seed) {
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

inline AnalysisConfig FastConfig() {
  AnalysisConfig config;
  config.monte_carlo.replicates = 19;
  config.bootstrap.replicates = 50;
  config.evidence.utc_offset_minutes = 8 * 60;  // WITA
  return config;
}

inline size_t OptionIndex(const AnalysisResult& r, const std::string& label) {
  for (size_t k = 0; k < r.options.size(); ++k)
    if (r.options[k].choice == label) return k;
  return r.options.size();
}

// The whole report, field by field: a live report must be exactly the batch one. A live log labels
// options by number ("1"), an export by name ("Paslon 3"): `same_labels` false compares positions.
inline void ExpectSameReport(const AnalysisResult& r, const AnalysisResult& batch, bool same_labels = true) {
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
inline std::vector<std::span<const Vote>> Batches(std::span<const Vote> all, const std::vector<size_t>& sizes) {
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
inline std::vector<Vote> Disorder(std::vector<Vote> votes, const std::vector<size_t>& sizes, int64_t late_ms, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (auto batch : Batches(votes, sizes)) {
    auto* first = const_cast<Vote*>(batch.data());
    std::shuffle(first, first + batch.size(), rng);
  }
  if (late_ms > 0)
    for (Vote& v : votes)
      if (rng() % 10 == 0) v.time -= std::chrono::milliseconds(static_cast<int64_t>(rng() % static_cast<uint64_t>(late_ms)));
  return votes;
}

// A quiet poll by hand: `n` votes from 200 blocks over two days, three options, no links.
inline std::vector<Vote> QuietVotes(size_t n, uint64_t seed, int64_t start_ms = 1'700'000'000'000) {
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
inline std::vector<Vote> Blast(size_t n, int64_t at_ms, int minutes) {
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

}  // namespace pantau::integrity

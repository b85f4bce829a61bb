// The signals the window scan ignores: one-sided share links (low-and-slow campaigns) and which of a
// scan cohort's votes are flagged.
#include "integrity/cohort_signals.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/csv.h"
#include "integrity/analysis.h"
#include "integrity/vote_log_reader.h"

namespace pantau::integrity {
namespace {

constexpr int64_t kStart = 1731974400;  // 2024-11-19T00:00:00Z

// 3 000 honest votes over three days from 30 blocks, A and B alternating; 30 % of them through one
// popular link with the same split. Blocks 10.1.* (1 000 of the votes) lean 80 % A all the time and
// share a link of their own.
std::string Background() {
  std::string text = "time,choice,ip,share_token\n";
  for (int i = 0; i < 3000; ++i) {
    const bool leaning = i % 3 == 0;
    const std::string choice = leaning ? (i % 5 == 0 ? "B" : "A") : (i % 2 ? "A" : "B");
    const std::string ip = fmt::format("10.{}.{}.{}", leaning ? 1 : 0, i % 30, 1 + i % 200);
    const std::string token = leaning ? "mahasiswa" : (i % 10 < 3 ? "viral" : "");
    AppendCsvRecord(text, {std::to_string(kStart + i * 86), choice, ip, token});
  }
  return text;
}

// A campaign's link: 120 votes over two days, one every 24 minutes, all but every 20th for B.
std::string WithCampaign(std::string text) {
  for (int i = 0; i < 120; ++i)
    AppendCsvRecord(text, {std::to_string(kStart + 3600 + i * 1440), i % 20 == 0 ? "A" : "B",
                           fmt::format("10.0.{}.{}", i % 30, 201 + i % 50), "kampanye"});
  return text;
}

VoteLog Read(const std::string& text) { return *ReadVoteLog(text, netintel::NetworkIntel::Empty()); }

TEST(OneSidedLinks, HonestLinksAreNotFlaggedEvenWhenTheirVotersLean) {
  const VoteLog log = Read(Background());
  EXPECT_TRUE(FindOneSidedLinks(log, std::vector<uint8_t>(log.size(), 0), LinkConfig{}).empty());
}

TEST(OneSidedLinks, ACampaignLinkOverTwoDaysIsOneCohortWithItsExcess) {
  const VoteLog log = Read(WithCampaign(Background()));
  const std::vector<Cohort> links = FindOneSidedLinks(log, std::vector<uint8_t>(log.size(), 0), LinkConfig{});
  ASSERT_EQ(links.size(), 1u);
  const Cohort& c = links[0];
  EXPECT_EQ(log.option_labels[c.option], "B");
  EXPECT_EQ(c.votes.size(), 114u);
  for (uint32_t v : c.votes) EXPECT_EQ(log.tokens.Name(log.token[v]), "kampanye");
  // The blocks give B about half their votes: excess (114 - 120 pi) / (1 - pi) with pi near 0.5.
  EXPECT_NEAR(c.excess, 108, 4);
  EXPECT_LT(c.p_value, 1e-6);
  ASSERT_EQ(c.cells.size(), 1u);
  EXPECT_EQ(c.cells[0].test, CellTest::kLink);
  EXPECT_EQ(c.cells[0].level, LocusLevel::kToken);
}

TEST(OneSidedLinks, VotesAlreadyTakenAreLeftOut) {
  const VoteLog log = Read(WithCampaign(Background()));
  std::vector<uint8_t> taken(log.size(), 0);
  for (size_t i = 0; i < log.size(); ++i) taken[i] = log.tokens.Name(log.token[i]) == "kampanye";
  EXPECT_TRUE(FindOneSidedLinks(log, taken, LinkConfig{}).empty());
  LinkConfig off;
  off.enabled = false;
  EXPECT_TRUE(FindOneSidedLinks(log, std::vector<uint8_t>(log.size(), 0), off).empty());
}

TEST(OneSidedLinks, AnalyzeReportsTheLinkAsACohort) {
  const VoteLog log = Read(WithCampaign(Background()));
  AnalysisConfig config;
  config.monte_carlo.replicates = 0;
  config.bootstrap.replicates = 0;
  const AnalysisResult r = Analyze(log, config);
  ASSERT_EQ(r.cohorts.size(), 1u);
  EXPECT_EQ(r.cohorts[0].id, "C1");
  const OptionResult& b = r.options[log.option_labels[0] == "B" ? 0 : 1];
  EXPECT_EQ(b.choice, "B");
  EXPECT_NEAR(b.excess, 108, 4);
  EXPECT_NE(r.cards[0].found_at[0].find("whole poll"), std::string::npos) << r.cards[0].found_at[0];
  ASSERT_GE(r.cards[0].lines.size(), 2u);
  EXPECT_TRUE(r.cards[0].lines[1].starts_with("Through this link 95% of votes went to B")) << r.cards[0].lines[1];
}

// A cohort of 40 votes from one burst hit: 20 on its own link in a tight burst, 20 others spread out
// (10 of them inside the burst); the poll's time curve expects `honest` of them.
std::vector<Cohort> BurstCohort(const VoteLog& log, double honest, double excess) {
  Cohort c;
  c.option = 0;
  for (uint32_t v = 0; v < log.size(); ++v) c.votes.push_back(v);
  c.excess = excess;
  Cell cell;
  cell.test = CellTest::kBurst;
  cell.expected = honest;
  c.cells.push_back(cell);
  return {c};
}

TEST(TrimToExcess, UnflagsTheExpectedHonestVotesOffTheLinkAndSparsestFirst) {
  std::string text = "time,choice,ip,share_token\n";
  for (int i = 0; i < 20; ++i) AppendCsvRecord(text, {std::to_string(kStart + i * 30), "B", "10.0.0.1", "own"});
  for (int i = 0; i < 10; ++i) AppendCsvRecord(text, {std::to_string(kStart + 15 + i * 60), "B", "10.0.0.1", ""});
  for (int i = 0; i < 10; ++i) AppendCsvRecord(text, {std::to_string(kStart + 3600 + i * 600), "B", "10.0.0.1", ""});
  const VoteLog log = Read(text);
  std::vector<Cohort> cohorts = BurstCohort(log, 15, 22);
  TrimToExcess(log, TrimConfig{}, cohorts);
  const std::vector<uint32_t>& kept = cohorts[0].votes;
  ASSERT_EQ(kept.size(), 25u);  // 40 - 15 expected honest (more than the excess, 22)
  for (uint32_t v = 0; v < 20; ++v) EXPECT_TRUE(std::binary_search(kept.begin(), kept.end(), v)) << v;
  for (uint32_t v = 30; v < 40; ++v) EXPECT_FALSE(std::binary_search(kept.begin(), kept.end(), v)) << v;
  EXPECT_EQ(cohorts[0].excess, 22);  // the adjusted result does not change
  EXPECT_EQ(cohorts[0].end_ms, (kStart + 19 * 30) * 1000);  // the span shrinks to the kept votes

  // Never fewer than the excess; an office with no honest traffic keeps every vote.
  cohorts = BurstCohort(log, 30, 22);
  TrimToExcess(log, TrimConfig{}, cohorts);
  EXPECT_EQ(cohorts[0].votes.size(), 22u);
  cohorts = BurstCohort(log, 0, 22);
  TrimToExcess(log, TrimConfig{}, cohorts);
  EXPECT_EQ(cohorts[0].votes.size(), 40u);
}

TEST(TrimToExcess, VotesArrivingAnotherWayThanTheCohortAreUnflaggedFirst) {
  // 30 votes in one tight burst, no link: 20 without a referrer (like the chat message), 10 from a
  // search engine — the latter are the 10 expected honest ones to unflag, dense as they are.
  std::string text = "time,choice,ip,referrer\n";
  for (int i = 0; i < 30; ++i)
    AppendCsvRecord(text, {std::to_string(kStart + i * 20), "B", "10.0.0.1", i % 3 == 2 ? "https://www.google.com/" : ""});
  const VoteLog log = Read(text);
  std::vector<Cohort> cohorts = BurstCohort(log, 10, 15);
  TrimToExcess(log, TrimConfig{}, cohorts);
  ASSERT_EQ(cohorts[0].votes.size(), 20u);
  for (uint32_t v : cohorts[0].votes) EXPECT_EQ(log.referrer[v], 0u) << v;
}

TEST(TrimToExcess, LinkCohortsAndCohortsWithinTheirExcessStayWhole) {
  const VoteLog log = Read(WithCampaign(Background()));
  std::vector<Cohort> links = FindOneSidedLinks(log, std::vector<uint8_t>(log.size(), 0), LinkConfig{});
  ASSERT_EQ(links.size(), 1u);
  links[0].excess = 10;
  TrimToExcess(log, TrimConfig{}, links);
  EXPECT_EQ(links[0].votes.size(), 114u);
}

}  // namespace
}  // namespace pantau::integrity

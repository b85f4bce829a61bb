// The signals the window scan ignores: one-sided share links (low-and-slow campaigns) and which of a
// scan cohort's votes are flagged.
#include "integrity/cohort_signals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/csv.h"
#include "integrity/analysis.h"
#include "integrity/evidence.h"
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

// The same campaign, 60 of whose members voted for B without its link (no token, like the link's
// votes no referrer) inside its two days, on blocks of their own.
std::string WithOffLinkMembers(std::string text) {
  for (int i = 0; i < 60; ++i)
    AppendCsvRecord(text, {std::to_string(kStart + 5000 + i * 2800), "B", fmt::format("10.2.{}.{}", i % 30, 1 + i), ""});
  return text;
}

TEST(OffLinkExcess, CountsTheCampaignsMembersOffItsLinkAgainstThePollsRhythm) {
  AnalysisConfig config;
  config.monte_carlo.replicates = 0;
  config.bootstrap.replicates = 400;
  const auto b_of = [](const VoteLog& log, const AnalysisResult& r) -> const OptionResult& {
    return r.options[log.option_labels[0] == "B" ? 0 : 1];
  };
  // Without members off the link the estimate is about zero: the background's B votes follow the
  // other option's rhythm in and outside the link's two days.
  const VoteLog plain = Read(WithCampaign(Background()));
  const AnalysisResult p = Analyze(plain, config);
  ASSERT_EQ(p.cohorts.size(), 1u);
  ASSERT_TRUE(p.cohorts[0].off_link.estimated);
  EXPECT_NEAR(p.cohorts[0].off_link.excess, 0, 15);
  EXPECT_LE(p.cohorts[0].off_link.start_ms, (kStart + 3600 + 4 * 1440) * 1000);  // the link's two days
  EXPECT_GT(p.cohorts[0].off_link.end_ms, (kStart + 3600 + 114 * 1440) * 1000);

  // With them it finds about 60 more, subtracts them, and flags none of them.
  const VoteLog log = Read(WithOffLinkMembers(WithCampaign(Background())));
  const AnalysisResult r = Analyze(log, config);
  ASSERT_EQ(r.cohorts.size(), 1u);
  const Cohort& c = r.cohorts[0];
  ASSERT_TRUE(c.off_link.estimated);
  EXPECT_NEAR(c.off_link.excess, 60, 15);
  EXPECT_NEAR(c.excess, c.cells[0].excess + c.off_link.excess, 1e-9);
  EXPECT_EQ(c.votes.size(), 114u);
  EXPECT_NEAR(b_of(log, r).excess, 108 + 60, 20);
  // Its counting noise widens B's interval, which still holds the estimate.
  config.links.off_link = false;
  const AnalysisResult without = Analyze(log, config);
  EXPECT_FALSE(without.cohorts[0].off_link.estimated);
  EXPECT_GT(b_of(log, without).adjusted_share, b_of(log, r).adjusted_share + 0.01);
  const OptionResult& b = b_of(log, r);
  EXPECT_LE(b.ci_low, b.adjusted_share);
  EXPECT_GE(b.ci_high, b.adjusted_share);
  EXPECT_GT(b.ci_high - b.ci_low, 1.2 * (b_of(log, without).ci_high - b_of(log, without).ci_low));
  // The evidence card says so.
  bool said = false;
  for (const std::string& line : r.cards[0].lines) said = said || line.find("without the link") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(OffLinkExcess, NotEstimatedWhenTheLinkSpansThePoll) {
  const VoteLog log = Read(WithCampaign(Background()));
  std::vector<Cohort> cohorts = FindOneSidedLinks(log, std::vector<uint8_t>(log.size(), 0), LinkConfig{});
  ASSERT_EQ(cohorts.size(), 1u);
  LinkConfig config;
  config.min_rhythm_outside = 1e9;  // no period leaves that much of the poll outside
  EstimateOffLinkExcess(log, config, cohorts);
  EXPECT_FALSE(cohorts[0].off_link.estimated);
  EXPECT_EQ(cohorts[0].excess, cohorts[0].cells[0].excess);
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

// A blast at noon of day 2: 300 members answer over the next hours with exponential delays (mean
// 30 min) from 30 phone addresses of one carrier that also carries 3 000 honest votes over three
// days, half of them for B, half of those without a referrer (like the blast). The scan found the
// first 45 minutes; the rest of the answer is the decaying tail.
struct Blast {
  VoteLog log;
  std::vector<Cohort> cohorts;
  std::vector<uint32_t> tail;                      // blast votes 45-65 min after the trigger
  uint32_t late_neighbour = 0, referred_neighbour = 0;  // honest votes for B at a blast address
  size_t background = 0;                           // rows before the blast
};

Blast MakeBlast() {
  constexpr int64_t kTrigger = kStart + 36 * 3600;
  std::string text = "time,choice,ip,referrer\n";
  const auto ip = [](int i) { return fmt::format("10.0.{}.{}", i % 3, 1 + i % 10); };
  for (int i = 0; i < 3000; ++i)
    AppendCsvRecord(text, {std::to_string(kStart + i * 86), i % 2 ? "B" : "A", ip(i / 2),
                           i % 4 < 2 ? "" : "https://www.google.com/"});
  // Two honest neighbours for B at a blast address: one after the answer has died down to the
  // usual rate, one in the tail that came from a search engine.
  AppendCsvRecord(text, {std::to_string(kTrigger + 100 * 60), "B", ip(7), ""});
  AppendCsvRecord(text, {std::to_string(kTrigger + 50 * 60), "B", ip(7), "https://www.google.com/"});
  std::vector<double> delay_minutes;
  for (int i = 0; i < 300; ++i) {
    delay_minutes.push_back(-30 * std::log(1 - (i + 0.5) / 300));
    AppendCsvRecord(text, {std::to_string(kTrigger + 30 + static_cast<int64_t>(delay_minutes.back() * 60)), "B",
                           ip(i), ""});
  }
  Blast b;
  b.log = Read(text);
  for (LocusInfo& l : b.log.loci) l.asn = 23693, l.org = "Telkomsel", l.network_class = NetworkClass::kMobile;
  b.background = 3000;
  b.late_neighbour = 3000;
  b.referred_neighbour = 3001;
  Cohort c;
  c.option = static_cast<uint16_t>(b.log.option_labels[0] == "B" ? 0 : 1);
  Cell cell;
  cell.level = LocusLevel::kAsn;
  cell.test = CellTest::kBurst;
  cell.option = c.option;
  cell.start_ms = kTrigger * 1000;
  cell.end_ms = (kTrigger + 45 * 60) * 1000;
  // The scan's cell takes every vote for B in its window, honest ones too.
  for (uint32_t v = 0; v < 3002; ++v)
    if (b.log.option[v] == c.option && b.log.time_ms[v] >= cell.start_ms && b.log.time_ms[v] < cell.end_ms)
      c.votes.push_back(v);
  for (uint32_t i = 0; i < 300; ++i) {
    const uint32_t v = 3002 + i;
    if (delay_minutes[i] < 45) c.votes.push_back(v);
    else if (delay_minutes[i] < 65) b.tail.push_back(v);
  }
  c.excess = static_cast<double>(c.votes.size());
  c.cells.push_back(cell);
  c.start_ms = cell.start_ms;
  c.end_ms = cell.end_ms;
  b.cohorts.push_back(std::move(c));
  return b;
}

TEST(ExtendAlongTrigger, FlagsTheDecayingTailButNotANeighbourAtTheUsualRate) {
  Blast b = MakeBlast();
  const double excess_before = b.cohorts[0].excess;
  ASSERT_GE(b.tail.size(), 25u);
  ExtendAlongTrigger(b.log, TriggerConfig{}, TrimConfig{}, b.cohorts);
  const Cohort& c = b.cohorts[0];
  const auto flagged = [&](uint32_t v) { return std::binary_search(c.votes.begin(), c.votes.end(), v); };
  for (uint32_t v : b.tail) EXPECT_TRUE(flagged(v)) << "tail vote " << v;
  EXPECT_FALSE(flagged(b.late_neighbour));
  EXPECT_FALSE(flagged(b.referred_neighbour));
  size_t honest = 0;
  for (uint32_t v = 0; v < b.background; ++v) honest += flagged(v);
  // About 10 honest votes for B without a referrer arrive an hour: a few of them in the first half
  // hour of the tail, where the answer still outnumbers them, are flagged with it.
  size_t in_window = 0;
  for (uint32_t v = 0; v < b.background; ++v)
    in_window += b.log.option[v] == c.option && b.log.time_ms[v] >= c.cells[0].start_ms && b.log.time_ms[v] < c.cells[0].end_ms;
  EXPECT_LE(honest - in_window, 6u);
  // The trigger cell explains it; the tail's excess (about 60 votes arrived after the burst window
  // within the horizon) joins the cohort's.
  const auto cell = std::find_if(c.cells.begin(), c.cells.end(), [](const Cell& x) { return x.test == CellTest::kTrigger; });
  ASSERT_NE(cell, c.cells.end());
  EXPECT_NEAR(cell->delay_minutes, 30, 6);
  EXPECT_NEAR(c.excess - excess_before, 62, 15);
  const std::vector<EvidenceCard> cards = BuildEvidence(b.log, b.cohorts);
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].trigger_votes, cell->option_votes);
  bool explained = false;
  for (const std::string& line : cards[0].lines) explained |= line.starts_with("The answer to the message decays");
  EXPECT_TRUE(explained);
}

TEST(ExtendAlongTrigger, NothingFollowsWithoutABurstOrWhenDisabled) {
  Blast b = MakeBlast();
  TriggerConfig off;
  off.enabled = false;
  std::vector<Cohort> cohorts = b.cohorts;
  ExtendAlongTrigger(b.log, off, TrimConfig{}, cohorts);
  EXPECT_EQ(cohorts[0].votes, b.cohorts[0].votes);
  // A cohort whose votes lie outside every scan window (a link cohort) has no trigger to follow.
  cohorts = b.cohorts;
  cohorts[0].cells[0].test = CellTest::kLink;
  ExtendAlongTrigger(b.log, TriggerConfig{}, TrimConfig{}, cohorts);
  EXPECT_EQ(cohorts[0].votes, b.cohorts[0].votes);
}

// A blast through one shared link that was forwarded beyond the cohort: 300 members on one
// carrier answer over the next hours (mean delay 30 min), nine in ten through the link, every
// tenth member for A although told B. The link also reached 60 honest voters on a home ISP over
// the following day, with the usual split, plus four of them within the first hour.
TEST(ExtendAlongTrigger, ALeakedLinkIsNotEnoughToFlagAnHonestVoter) {
  constexpr int64_t kTrigger = kStart + 36 * 3600;
  std::string text = "time,choice,ip,share_token\n";
  const auto phone = [](int i) { return fmt::format("10.0.{}.{}", i % 3, 1 + i % 10); };
  const auto home = [](int i) { return fmt::format("10.9.{}.{}", i % 7, 1 + i % 50); };
  for (int i = 0; i < 3000; ++i)
    AppendCsvRecord(text, {std::to_string(kStart + i * 86), i % 2 ? "B" : "A", i % 3 ? phone(i / 2) : home(i), ""});
  for (int i = 0; i < 300; ++i) {
    const double delay = -30 * std::log(1 - (i + 0.5) / 300);
    AppendCsvRecord(text, {std::to_string(kTrigger + 30 + static_cast<int64_t>(delay * 60)), i % 10 == 5 ? "A" : "B",
                           phone(i), i % 10 == 9 ? "" : "blast"});
  }
  for (int i = 0; i < 64; ++i) {
    const int64_t at = i < 4 ? kTrigger + (10 + 12 * i) * 60 : kTrigger + 2 * 3600 + (i - 4) * 1500;
    AppendCsvRecord(text, {std::to_string(at), i % 2 ? "A" : "B", home(1000 + i), "blast"});
  }
  VoteLog log = Read(text);
  for (size_t v = 0; v < log.size(); ++v) {
    LocusInfo& l = log.loci[log.locus[v]];
    const bool fixed = log.addresses.Name(log.address[v]).starts_with("10.9.");
    l.asn = fixed ? 7713 : 23693;
    l.org = fixed ? "Telkom" : "Telkomsel";
    l.network_class = fixed ? NetworkClass::kFixed : NetworkClass::kMobile;
  }
  const uint16_t b = static_cast<uint16_t>(log.option_labels[0] == "B" ? 0 : 1);
  Cohort c;
  c.option = b;
  Cell cell;
  cell.level = LocusLevel::kAsn;
  cell.test = CellTest::kBurst;
  cell.option = b;
  cell.start_ms = kTrigger * 1000;
  cell.end_ms = (kTrigger + 45 * 60) * 1000;
  for (uint32_t v = 0; v < log.size(); ++v)
    if (log.option[v] == b && log.time_ms[v] >= cell.start_ms && log.time_ms[v] < cell.end_ms &&
        log.loci[log.locus[v]].asn == 23693)
      c.votes.push_back(v);
  c.excess = static_cast<double>(c.votes.size());
  c.cells.push_back(cell);
  c.start_ms = cell.start_ms;
  c.end_ms = cell.end_ms;
  std::vector<Cohort> cohorts{c};
  ExtendAlongOwnLinks(log, LinkConfig{}, TrimConfig{}, TriggerConfig{}, cohorts);
  ExtendAlongTrigger(log, TriggerConfig{}, TrimConfig{}, cohorts);
  ASSERT_EQ(cohorts.size(), 1u);
  const auto flagged = [&](uint32_t v) { return std::binary_search(cohorts[0].votes.begin(), cohorts[0].votes.end(), v); };
  size_t leaked = 0, leaked_flagged = 0, chose_otherwise = 0, chose_otherwise_flagged = 0, tail = 0, tail_flagged = 0;
  for (uint32_t v = 3000; v < log.size(); ++v) {
    if (log.tokens.Name(log.token[v]) != "blast") continue;
    if (log.loci[log.locus[v]].asn == 7713) {
      ++leaked, leaked_flagged += flagged(v);
    } else if (log.option[v] != b) {
      ++chose_otherwise, chose_otherwise_flagged += flagged(v);
    } else if (log.time_ms[v] >= cell.end_ms) {
      ++tail, tail_flagged += flagged(v);
    }
  }
  EXPECT_EQ(leaked, 64u);
  EXPECT_EQ(leaked_flagged, 0u);  // neither the 32 for B over the day nor the 4 in the first hour
  EXPECT_EQ(chose_otherwise, 30u);
  EXPECT_GE(chose_otherwise_flagged, 25u);  // the members who chose otherwise, through the link
  EXPECT_GE(tail, 40u);
  EXPECT_GE(tail_flagged, tail * 8 / 10);   // and the members for B after the burst window
}

TEST(TruncatedExponentialMean, RecoversTheMeanFromTruncatedDelays) {
  // Delays of mean 30 seen only up to 45: their mean is 30 - 45 / (e^1.5 - 1).
  EXPECT_NEAR(TruncatedExponentialMean(30 - 45 / std::expm1(1.5), 45, 240), 30, 1e-6);
  EXPECT_EQ(TruncatedExponentialMean(30, 45, 240), 240);  // no more bunched than uniform
  EXPECT_EQ(TruncatedExponentialMean(0, 45, 240), 0);
}

}  // namespace
}  // namespace pantau::integrity

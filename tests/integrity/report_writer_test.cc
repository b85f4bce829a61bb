#include "integrity/report_writer.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/csv.h"
#include "integrity/vote_log_reader.h"

namespace pantau::integrity {
namespace {

constexpr int64_t kStart = 1731999600;  // 2024-11-19T07:00:00Z = 15:00 WITA, a Tuesday

AnalysisResult AnalyzeText(const std::string& text, VoteLog& log) {
  log = *ReadVoteLog(text, netintel::NetworkIntel::Empty(), {.lenient = true});
  AnalysisConfig config;
  config.monte_carlo.replicates = 0;
  config.bootstrap.replicates = 0;
  return Analyze(log, config);
}

std::string OfficeBurst() {
  std::string text = "time,choice,ip,share_token,device_id\n";
  for (int i = 0; i < 2000; ++i)
    AppendCsvRecord(text, {std::to_string(kStart - 86400 + i * 130), i % 2 ? "A" : "B",
                           fmt::format("10.1.{}.{}", (i % 300) / 200, 1 + (i % 300) % 200), "", fmt::format("d{}", i)});
  text += "garbage row\n";
  for (int i = 0; i < 50; ++i)
    AppendCsvRecord(text, {std::to_string(kStart + i * 30), "B", "203.0.113.10", "tok1", fmt::format("o{}", i % 45)});
  return text;
}

TEST(ReportWriter, FlagsCsvHasOneLinePerDataRowIncludingSkippedOnes) {
  VoteLog log;
  const AnalysisResult r = AnalyzeText(OfficeBurst(), log);
  ASSERT_EQ(r.cohorts.size(), 1u);
  const std::string flags = FlagsCsv(log, r);
  EXPECT_TRUE(flags.starts_with("row,flagged,cohort\n1,0,\n"));
  EXPECT_NE(flags.find("\n2001,0,\n2002,1,C1\n"), std::string::npos);  // 2001 is the garbage row
  EXPECT_TRUE(flags.ends_with("\n2051,1,C1\n"));
}

TEST(ReportWriter, ReportJsonCarriesTheDesignFields) {
  VoteLog log;
  const AnalysisResult r = AnalyzeText(OfficeBurst(), log);
  const std::string json = ReportJson(r);
  for (const char* key : {"\"options\":[{\"choice\":\"B\",\"raw_votes\":1050,", "\"adjusted_share\":0.5,",
                          "\"ci_low\":null", "\"cohorts\":[{\"id\":\"C1\",\"choice\":\"B\",\"votes\":50,",
                          "\"start\":\"2024-11-19T07:00:00.000Z\"", "\"loci\":[{\"prefix\":\"203.0.113.0/24\"",
                          "\"p_value\":null", "\"office_hours_share\":1,", "\"top_token_share\":1,",
                          "\"winner\":{\"raw\":\"B\",\"adjusted\":", "\"margin_ci_low\":null", "\"margin_ci_high\":null",
                          "\"off_link_excess\":0", "\"skipped_rows\":1"})
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json.substr(0, 600);
}

TEST(Evidence, CardCountsOfficeHoursTokensAndRepeatDevices) {
  VoteLog log;
  const AnalysisResult r = AnalyzeText(OfficeBurst(), log);
  ASSERT_EQ(r.cards.size(), 1u);
  const EvidenceCard& card = r.cards[0];
  EXPECT_EQ(card.votes, 50u);
  EXPECT_DOUBLE_EQ(card.office_hours_share, 1.0);  // 15:00-15:25 WITA on a Tuesday
  EXPECT_DOUBLE_EQ(card.top_token_share, 1.0);
  EXPECT_EQ(card.top_token, "tok1");
  EXPECT_DOUBLE_EQ(card.repeat_device_rate, 10.0 / 50);  // o0..o4 voted twice
  EXPECT_FALSE(card.state_apparatus);  // no ASN table: the network class is unknown
  EXPECT_EQ(card.loci.at(0).prefix, "203.0.113.0/24");
  ASSERT_FALSE(card.lines.empty());
  EXPECT_NE(card.lines[0].find("50 votes for B"), std::string::npos);
}

TEST(ReportWriter, JsonStringEscapes) {
  EXPECT_EQ(JsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace pantau::integrity

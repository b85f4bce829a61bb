// The rules engine on small inline rule sets: syntax, precedence and errors. The real rules file is
// pinned by rules_test.cc.
#include "netintel/classification_rules.h"

#include <gtest/gtest.h>

namespace pantau::netintel {
namespace {

ClassificationRules Parse(std::string_view tsv) {
  auto rules = ClassificationRules::Parse(tsv);
  EXPECT_TRUE(rules.has_value()) << rules.error().message;
  return std::move(rules).value();
}

std::string ParseError(std::string_view tsv) {
  auto rules = ClassificationRules::Parse(tsv);
  EXPECT_FALSE(rules.has_value());
  if (rules) return {};
  EXPECT_EQ(rules.error().code, ErrorCode::kInvalidArgument);
  return rules.error().message;
}

constexpr std::string_view kRules =
    "# comment\n"
    "\n"
    "alias\tword\tPEMKOT\tPEMERINTAH KOTA\tabbreviation\n"
    "mobile\tasn\t23693\t-\tTelkomsel\n"
    "government\tasn\t64512\t71.73\tpinned region\n"
    "hosting\torg-word\tcloud\t-\tgeneric\n"
    "unknown\torg-word\tUNIVERSITAS\t-\texclusion\n"
    "government\torg-word\tPEMERINTAH KOTA\tauto\tcity government\n"
    "government\torg-prefix\tKEMENTERIAN\t\t\t-\tministries (runs of tabs are one separator)\n"
    "fixed\torg-regex\t^PT .*\\bNET\\b\t-\tISP heuristic\r\n";

TEST(ClassificationRules, AsnRulesWinOverOrganisationRules) {
  const ClassificationRules rules = Parse(kRules);
  const Classification c = rules.Classify(23693, "Pemerintah Kota Cloud");
  EXPECT_EQ(c.network_class, NetworkClass::kMobile);
  ASSERT_NE(c.rule, nullptr);
  EXPECT_EQ(c.rule->line, 4);
  EXPECT_EQ(c.rule->note, "Telkomsel");
  EXPECT_FALSE(c.region.has_value());
}

TEST(ClassificationRules, FirstMatchingOrganisationRuleWins) {
  const ClassificationRules rules = Parse(kRules);
  EXPECT_EQ(rules.Classify(1, "Pemkot Cloud Tomohon").network_class, NetworkClass::kHosting);
  const Classification excluded = rules.Classify(1, "Universitas Pemerintah Kota");
  EXPECT_EQ(excluded.network_class, NetworkClass::kUnknown);
  ASSERT_NE(excluded.rule, nullptr);
  EXPECT_EQ(excluded.rule->line, 7);
  const Classification none = rules.Classify(1, "Nobody in particular");
  EXPECT_EQ(none.network_class, NetworkClass::kUnknown);
  EXPECT_EQ(none.rule, nullptr);
}

TEST(ClassificationRules, AutoRegionLinksByNameAndFixedRegionIsPinned) {
  const ClassificationRules rules = Parse(kRules);
  const Classification tomohon = rules.Classify(2, "PEMKOT TOMOHON");
  EXPECT_EQ(tomohon.network_class, NetworkClass::kGovernment);
  ASSERT_TRUE(tomohon.region.has_value());
  EXPECT_EQ(tomohon.region->value(), "71.73");
  EXPECT_EQ(tomohon.link.status, LinkStatus::kLinked);
  const Classification pinned = rules.Classify(64512, "Anything at all");
  EXPECT_EQ(pinned.network_class, NetworkClass::kGovernment);
  EXPECT_EQ(pinned.region->value(), "71.73");
  const Classification ministry = rules.Classify(3, "Kementerian Dalam Negeri");
  EXPECT_EQ(ministry.network_class, NetworkClass::kGovernment);
  EXPECT_FALSE(ministry.region.has_value());
}

TEST(ClassificationRules, MatchKinds) {
  const ClassificationRules rules = Parse(kRules);
  EXPECT_EQ(rules.Classify(4, "PT Jaringan Net Nusantara").network_class, NetworkClass::kFixed);
  EXPECT_EQ(rules.Classify(4, "PT Jaringan Netra").network_class, NetworkClass::kUnknown);   // regex \b
  EXPECT_EQ(rules.Classify(4, "Direktorat Kementerian").network_class, NetworkClass::kUnknown);  // prefix only
  EXPECT_EQ(rules.Classify(4, "Cloudy Networks").network_class, NetworkClass::kUnknown);  // whole words
  EXPECT_EQ(rules.rules().size(), 7u);
  EXPECT_EQ(rules.aliases().size(), 1u);
}

TEST(ClassificationRules, DigestFollowsTheText) {
  EXPECT_EQ(Parse(kRules).digest(), Parse(kRules).digest());
  EXPECT_NE(Parse(kRules).digest(), Parse(std::string(kRules) + "# more\n").digest());
}

TEST(ClassificationRules, RejectsBadLinesNamingThem) {
  EXPECT_NE(ParseError("mobile\tasn\t23693\t-\n\nmobil\tasn\t1\t-\tx\n").find("line 3"), std::string::npos);
}

TEST(ClassificationRules, RejectsEachKindOfMistake) {
  const std::pair<const char*, const char*> cases[] = {
      {"mobil\tasn\t1\t-\tx", "unknown class"},
      {"mobile\tasm\t1\t-\tx", "unknown match"},
      {"mobile\tasn\tAS1\t-\tx", "not an AS number"},
      {"mobile\tasn\t0\t-\tx", "not an AS number"},
      {"mobile\tasn\t99999999999\t-\tx", "not an AS number"},
      {"mobile\tasn\t1\t-\tx\nfixed\tasn\t1\t-\ty", "already has a rule"},
      {"fixed\torg-regex\t(unclosed\t-\tx", "regex does not compile"},
      {"government\torg-word\tPEMKOT\t99.99\tx", "not a Kemendagri code"},
      {"mobile\torg-word\tX\tauto\tx", "only government rules take a region"},
      {"mobile\torg-word\tX\t71.73\tx", "only government rules take a region"},
      {"mobile\torg-word\t...\t-\tx", "empty pattern"},
      {"mobile\torg-word\tX", "expected"},
      {"alias\tword\tKAB\tKABUPATEN\nalias\tword\tkab\tX", "defined twice"},
      {"alias\tphrase\tKAB\tKABUPATEN", "alias lines"},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    const std::string message = ParseError(text);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_NE(message.find("rules line"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace pantau::netintel

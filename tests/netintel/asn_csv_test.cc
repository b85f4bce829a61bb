#include "netintel/asn_csv.h"

#include <gtest/gtest.h>

#include <vector>

namespace pantau::netintel {
namespace {

Result<std::vector<AsnCsvRow>> ParseAll(std::string_view csv) {
  std::vector<AsnCsvRow> rows;
  Status s = ParseAsnCsv(csv, [&](const AsnCsvRow& row) {
    rows.push_back(row);
    return Ok();
  });
  if (!s) return std::unexpected(s.error());
  return rows;
}

TEST(ParseAsnCsv, ReadsPlainAndQuotedRecords) {
  auto rows = ParseAll(
      "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
      "103.90.64.0,103.90.64.255,136101,Pemerintah Kota Bandung\r\n"
      "\n"
      "2400:82e0::,2400:82e0:ffff:ffff:ffff:ffff:ffff:ffff,23693,PT. Telekomunikasi Selular\n"
      "5.0.0.0,5.0.0.255,206845,\"\"\"FSBI \"\"SCCS\"\" of the Ministry\"\n"
      "6.0.0.0,6.0.0.255,1,\"two\nlines\"\n"
      "7.0.0.0,7.0.0.255,2,");
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  ASSERT_EQ(rows->size(), 6u);
  EXPECT_EQ((*rows)[0].org, "Cloudflare, Inc.");
  EXPECT_EQ((*rows)[0].asn, 13335u);
  EXPECT_EQ((*rows)[0].first.ToString(), "1.0.0.0");
  EXPECT_EQ((*rows)[0].last.ToString(), "1.0.0.255");
  EXPECT_EQ((*rows)[1].org, "Pemerintah Kota Bandung");
  EXPECT_EQ((*rows)[1].line, 2u);
  EXPECT_FALSE((*rows)[2].first.is_v4());
  EXPECT_EQ((*rows)[2].line, 4u);
  EXPECT_EQ((*rows)[3].org, "\"FSBI \"SCCS\" of the Ministry");
  EXPECT_EQ((*rows)[4].org, "two\nlines");
  EXPECT_EQ((*rows)[5].org, "");
  EXPECT_EQ((*rows)[5].line, 8u);
}

TEST(ParseAsnCsv, RejectsMalformedRecordsNamingTheLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"1.0.0.0,1.0.0.255,13335\n", "expected 4 fields"},
      {"1.0.0.0,1.0.0.255,13335,a,b\n", "expected 4 fields"},
      {"1.0.0.0,1.0.0.256,13335,a\n", "invalid IP address"},
      {"1.0.0.0,1.0.0.255,AS13335,a\n", "not an AS number"},
      {"1.0.0.0,1.0.0.255,,a\n", "not an AS number"},
      {"1.0.0.0,1.0.0.255,99999999999,a\n", "not an AS number"},
      {"1.0.0.0,1.0.0.255,1,\"open\n", "unterminated"},
  };
  for (const auto& [csv, expected] : cases) {
    SCOPED_TRACE(csv);
    auto rows = ParseAll(std::string("2.0.0.0,2.0.0.255,1,ok\n") + csv);
    ASSERT_FALSE(rows.has_value());
    EXPECT_NE(rows.error().message.find(expected), std::string::npos) << rows.error().message;
    EXPECT_NE(rows.error().message.find("line 2"), std::string::npos) << rows.error().message;
  }
}

TEST(ParseAsnCsv, StopsAtTheSinksError) {
  int calls = 0;
  Status s = ParseAsnCsv("1.0.0.0,1.0.0.255,1,a\n2.0.0.0,2.0.0.255,2,b\n", [&](const AsnCsvRow&) -> Status {
    ++calls;
    return std::unexpected(Error::InvalidArgument("no thanks"));
  });
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message, "no thanks");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace pantau::netintel

#include "core/csv.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text) {
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> out;
  while (true) {
    auto more = reader.Next(fields);
    EXPECT_TRUE(more.has_value()) << more.error().message;
    if (!more || !*more) break;
    out.emplace_back(fields.begin(), fields.end());
  }
  return out;
}

TEST(CsvReader, ReadsQuotedFieldsAndLineEndings) {
  auto rows = ReadAll("\xEF\xBB\xBFtime,choice\r\n1,\"A, \"\"the\"\" one\"\n\n2,\"multi\nline\"\r3,\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"time", "choice"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "A, \"the\" one"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "multi\nline"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"3", ""}));
}

TEST(CsvReader, ReportsTheLineOfMalformedInput) {
  for (auto [text, line] : {std::pair{"a,b\n1,\"open\n", "line 2"}, std::pair{"a\nx\"y\n", "line 2"},
                            std::pair{"a\n\"q\"x\n", "line 2"}}) {
    CsvReader reader(text);
    std::vector<std::string_view> fields;
    Result<bool> r = true;
    while (r && *r) r = reader.Next(fields);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_NE(r.error().message.find(line), std::string::npos) << r.error().message;
  }
}

TEST(CsvReader, RejectsOversizedFieldsWithoutAllocatingThem) {
  std::string big(2000, 'x');
  CsvReader reader(big, CsvReader::Limits{.max_field_bytes = 1000, .max_fields = 8});
  std::vector<std::string_view> fields;
  auto r = reader.Next(fields);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("too long"), std::string::npos);
}

TEST(CsvWriter, RoundTripsThroughTheReader) {
  std::string out;
  AppendCsvRecord(out, {"plain", "with,comma", "with \"quote\"", "line\nbreak", ""});
  auto rows = ReadAll(out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"plain", "with,comma", "with \"quote\"", "line\nbreak", ""}));
}

}  // namespace
}  // namespace pantau

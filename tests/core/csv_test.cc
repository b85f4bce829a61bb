#include "core/csv.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

// Everything a reader reports for `text`: each record's fields, line and position, then the error.
std::vector<std::string> Trace(std::string_view text, CsvReader::Limits limits) {
  CsvReader reader(text, limits);
  std::vector<std::string_view> fields;
  std::vector<std::string> out;
  while (true) {
    auto more = reader.Next(fields);
    if (!more) {
      out.push_back("error: " + more.error().message + " fields " + std::to_string(fields.size()) + " line " +
                    std::to_string(reader.line()));
      break;
    }
    if (!*more) break;
    std::string record = "line " + std::to_string(reader.line()) + " at " + std::to_string(reader.position()) + ":";
    for (std::string_view f : fields) record += " [" + std::string(f) + "]";
    out.push_back(record);
  }
  return out;
}

// The plain-record fast path must read exactly what the general loop reads, errors included, for
// quoted fields with commas, line breaks and doubled quotes, CRLF, a lone CR, missing trailing
// newlines, long fields (across the 16-byte steps), oversized fields and too many fields.
TEST(CsvReader, FastPathAgreesWithTheGeneralLoop) {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"a", "bc", ",", ",", "\"", "\"\"", "\n", "\r\n", "\r", "x y",
                                           "\"q,w\"", "\"multi\nline\"", "\"dq \"\"x\"\"\"", std::string(17, 'l'),
                                           std::string(40, 'm'), "\"" + std::string(70, 'u') + ", v\"", "\xEF\xBB\xBF"};
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      // Mostly well-formed records of plain and quoted fields, with occasional junk.
      if (rng() % 8 == 0) text += pieces[rng() % pieces.size()];
      else text += (rng() % 3 == 0 ? "\"" + std::string(rng() % 40, 'k') + ",k\"" : std::string(rng() % 30, 'p'));
      text += rng() % 4 == 0 ? "\n" : ",";
    }
    if (rng() % 2) text += "tail";
    for (CsvReader::Limits limits : {CsvReader::Limits{}, CsvReader::Limits{.max_field_bytes = 20, .max_fields = 5}}) {
      CsvReader::Limits general = limits;
      general.fast_path = false;
      ASSERT_EQ(Trace(text, limits), Trace(text, general)) << text;
    }
  }
}

}  // namespace
}  // namespace pantau

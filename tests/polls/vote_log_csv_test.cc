#include "polls/vote_log_csv.h"

#include <gtest/gtest.h>

#include "core/csv.h"
#include "ledger/chain.h"
#include "polls_fixture.h"

namespace pantau::polls {
namespace {

using testing::PollStack;

// Exports a poll through the same functions the HTTP export uses, then re-verifies the text.
class VoteLogCsvTest : public testing::PollStackTest {
 protected:
  std::string Export(const PollId& id) {
    auto poll = stack_->polls->Get(id);
    std::string out = VoteLogHeader();
    EXPECT_TRUE(stack_->store->ScanEntries(id, 1, [&](const store::LedgerEntry& e) {
      AppendVoteLogRow(out, e, *poll);
      return true;
    }));
    return out;
  }

  // The chain verifier's verdict over an export's rows.
  ledger::ChainVerifier Verify(const std::string& text) {
    CsvReader reader(text);
    std::vector<std::string_view> fields;
    EXPECT_TRUE(*reader.Next(fields));
    auto columns = VoteLogColumns::FromHeader(fields);
    EXPECT_TRUE(columns.has_value());
    ledger::ChainVerifier verifier;
    while (*reader.Next(fields)) {
      auto entry = ParseVoteLogRow(*columns, fields);
      EXPECT_TRUE(entry.has_value()) << entry.error().message;
      if (entry) verifier.Add(*entry);
    }
    return verifier;
  }
};

TEST_F(VoteLogCsvTest, ExportRoundTripsAndVerifies) {
  auto created = stack_->polls->Create(stack_->Draft());
  ASSERT_TRUE(created.has_value());
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(stack_->Vote(created->poll.id, 1 + i % 3).has_value());
  const std::string text = Export(created->poll.id);
  EXPECT_TRUE(text.starts_with("poll,seq,time,choice,choice_label,"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 26);
  auto verifier = Verify(text);
  EXPECT_FALSE(verifier.broken().has_value());
  EXPECT_EQ(verifier.verified(), 25u);
}

TEST_F(VoteLogCsvTest, ATamperedChoiceBreaksTheChainAtThatRow) {
  auto created = stack_->polls->Create(stack_->Draft());
  ASSERT_TRUE(created.has_value());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(stack_->Vote(created->poll.id, 1).has_value());
  std::string text = Export(created->poll.id);
  // Row with seq 6: change its choice from 1 to 2.
  const std::string marker = "," + std::to_string(6) + ",";
  size_t line = text.find('\n');
  for (int i = 0; i < 5; ++i) line = text.find('\n', line + 1);
  const size_t choice_pos = text.find(",1,", text.find(marker, line));
  ASSERT_NE(choice_pos, std::string::npos);
  text[choice_pos + 1] = '2';
  auto verifier = Verify(text);
  ASSERT_TRUE(verifier.broken().has_value());
  EXPECT_EQ(verifier.broken()->seq, 6u);
  EXPECT_EQ(verifier.verified(), 5u);
}

TEST(VoteLogColumns, NamesTheMissingColumn) {
  std::vector<std::string_view> header{"poll", "seq", "time"};
  auto r = VoteLogColumns::FromHeader(header);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("'choice'"), std::string::npos);
}

}  // namespace
}  // namespace pantau::polls

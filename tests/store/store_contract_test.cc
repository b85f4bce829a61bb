// The Store contract (store.h), part 1: polls, secrets, panel tokens, durability across reopen.
// Votes are in store_votes_contract_test.cc. Runs on every factory in StoreFactories.
#include "store/store.h"

#include <gtest/gtest.h>

#include "store/store_contract.h"

namespace pantau::testing_support {
namespace {

template <typename F>
using StoreContractTest = StoreContract<F>;
TYPED_TEST_SUITE(StoreContractTest, StoreFactories, FactoryNames);

TYPED_TEST(StoreContractTest, CreatedPollReadsBackFieldByField) {
  const Poll poll = MakePoll("p1");
  ASSERT_TRUE(this->store().CreatePoll(poll, MakeSecrets()).has_value());
  auto got = this->store().GetPoll(poll.id);
  ASSERT_TRUE(got.has_value()) << got.error().ToLogString();
  ExpectSamePoll(*got, poll);
}

TYPED_TEST(StoreContractTest, CreatePollWithATakenIdIsAlreadyExistsAndKeepsTheOriginal) {
  const Poll poll = MakePoll("p1");
  ASSERT_TRUE(this->store().CreatePoll(poll, MakeSecrets(1)).has_value());
  Poll other = MakePoll("p1");
  other.title = "Impostor";
  other.options.pop_back();
  auto s = this->store().CreatePoll(other, MakeSecrets(2));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kAlreadyExists);
  ExpectSamePoll(*this->store().GetPoll(poll.id), poll);
  EXPECT_EQ(this->store().GetPollSecrets(poll.id)->ip_hash_key, MakeSecrets(1).ip_hash_key);
}

TYPED_TEST(StoreContractTest, UnknownPollIsNotFoundEverywhere) {
  const PollId missing{"nope"};
  EXPECT_EQ(this->store().GetPoll(missing).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().GetPollSecrets(missing).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().UpdatePoll(MakePoll("nope")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().CountVotes(missing).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().LoadDeviceIds(missing).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().ScanEntries(missing, 1, [](const auto&) { return true; }).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(this->store().AddPanelTokens(missing, {"t"}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().FindPanelToken(missing, "t").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().FindEntry(missing, store::Hash{}).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreContractTest, SecretsReadBack) {
  store::PollSecrets secrets{std::string(64, 'f'), {0, 1, 2, 250, 255}};
  ASSERT_TRUE(this->store().CreatePoll(MakePoll("p1"), secrets).has_value());
  auto got = this->store().GetPollSecrets(PollId{"p1"});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->owner_key_hash, secrets.owner_key_hash);
  EXPECT_EQ(got->ip_hash_key, secrets.ip_hash_key);
}

TYPED_TEST(StoreContractTest, ListPollsIsNewestFirstWithOptions) {
  auto listed = this->store().ListPolls();
  ASSERT_TRUE(listed.has_value());
  EXPECT_TRUE(listed->empty());
  ASSERT_TRUE(this->store().CreatePoll(MakePoll("old", 1000), MakeSecrets()).has_value());
  ASSERT_TRUE(this->store().CreatePoll(MakePoll("new", 3000), MakeSecrets()).has_value());
  Poll mid = MakePoll("mid", 2000);
  mid.options = {{7, "Setuju", ""}, {8, "Tidak setuju", ""}};
  ASSERT_TRUE(this->store().CreatePoll(mid, MakeSecrets()).has_value());
  listed = this->store().ListPolls();
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].id.value(), "new");
  EXPECT_EQ((*listed)[1].id.value(), "mid");
  EXPECT_EQ((*listed)[2].id.value(), "old");
  ExpectSamePoll((*listed)[1], mid);
  ExpectSamePoll((*listed)[2], MakePoll("old", 1000));
}

TYPED_TEST(StoreContractTest, UpdatePollReplacesOnlyTheMutableFields) {
  const Poll original = MakePoll("p1");
  ASSERT_TRUE(this->store().CreatePoll(original, MakeSecrets()).has_value());
  Poll changed = original;
  changed.title = "Judul baru";
  changed.options = {{2, "Paslon Dua (revisi)", ""}, {5, "Paslon Lima", "https://example.org/5.jpg"}};
  changed.opens_at = FromUnixMillis(5);
  changed.closes_at = FromUnixMillis(6);
  changed.visibility = Visibility::kLive;
  changed.methodology = "Revised.";
  changed.owner_name = "Redaksi Lain";
  changed.owner_url = "";
  // Immutable fields: a caller cannot change them through UpdatePoll.
  changed.region = RegionCode{"15.72"};
  changed.kind = PollKind::kIssue;
  changed.tier = AssuranceTier::kOpen;
  changed.created_at = FromUnixMillis(1);
  ASSERT_TRUE(this->store().UpdatePoll(changed).has_value());

  Poll want = changed;
  want.region = original.region;
  want.kind = original.kind;
  want.tier = original.tier;
  want.created_at = original.created_at;
  ExpectSamePoll(*this->store().GetPoll(original.id), want);
}

TYPED_TEST(StoreContractTest, PanelTokensAreAddedOnceAndFound) {
  const PollId id{"p1"};
  ASSERT_TRUE(this->store().CreatePoll(MakePoll("p1"), MakeSecrets()).has_value());
  ASSERT_TRUE(this->store().AddPanelTokens(id, {"h1", "h2", "h2"}).has_value());
  ASSERT_TRUE(this->store().AddPanelTokens(id, {}).has_value());
  auto found = this->store().FindPanelToken(id, "h1");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->token_hash, "h1");
  EXPECT_FALSE((*found)->used);
  auto missing = this->store().FindPanelToken(id, "h3");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(this->store().AddPanelTokens(id, {"ok", ""}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(this->store().FindPanelToken(id, "ok")->has_value());  // nothing of the failed call
}

TYPED_TEST(StoreContractTest, ASpentPanelTokenStaysSpentWhenAddedAgain) {
  const PollId id{"p1"};
  ASSERT_TRUE(this->store().CreatePoll(MakePoll("p1"), MakeSecrets()).has_value());
  ASSERT_TRUE(this->store().AddPanelTokens(id, {"h1"}).has_value());
  store::ChainTail tail;
  Vote v = MakeVote(id, 1);
  v.panel_token_hash = "h1";
  ASSERT_TRUE(this->store().AppendVotes({ContinueWith(tail, v)}).has_value());
  EXPECT_TRUE((*this->store().FindPanelToken(id, "h1"))->used);
  ASSERT_TRUE(this->store().AddPanelTokens(id, {"h1"}).has_value());
  EXPECT_TRUE((*this->store().FindPanelToken(id, "h1"))->used);
}

TYPED_TEST(StoreContractTest, PanelTokensBelongToTheirPoll) {
  ASSERT_TRUE(this->store().CreatePoll(MakePoll("p1"), MakeSecrets()).has_value());
  ASSERT_TRUE(this->store().CreatePoll(MakePoll("p2"), MakeSecrets()).has_value());
  ASSERT_TRUE(this->store().AddPanelTokens(PollId{"p1"}, {"h1"}).has_value());
  EXPECT_FALSE(this->store().FindPanelToken(PollId{"p2"}, "h1")->has_value());
  store::ChainTail tail;
  Vote v = MakeVote(PollId{"p2"}, 1);
  v.panel_token_hash = "h1";  // issued for p1, not p2
  EXPECT_EQ(this->store().AppendVotes({ContinueWith(tail, v)}).error().code, ErrorCode::kFailedPrecondition);
}

TYPED_TEST(StoreContractTest, EverythingSurvivesReopen) {
  const Poll poll = MakePoll("p1");
  const PollId id = poll.id;
  ASSERT_TRUE(this->store().CreatePoll(poll, MakeSecrets(9)).has_value());
  ASSERT_TRUE(this->store().AddPanelTokens(id, {"h1", "h2"}).has_value());
  store::ChainTail tail;
  auto batch = Continue(tail, id, 20);
  batch[3].vote.panel_token_hash = "h1";
  ASSERT_TRUE(this->store().AppendVotes(batch).has_value());
  const auto before = ScanAll(this->store(), id);
  ASSERT_EQ(before.size(), 20u);

  this->Reopen();
  ExpectSamePoll(*this->store().GetPoll(id), poll);
  EXPECT_EQ(this->store().GetPollSecrets(id)->ip_hash_key, MakeSecrets(9).ip_hash_key);
  EXPECT_EQ(ScanAll(this->store(), id), before);
  EXPECT_TRUE((*this->store().FindPanelToken(id, "h1"))->used);
  EXPECT_FALSE((*this->store().FindPanelToken(id, "h2"))->used);
  auto tails = this->store().LoadChainTails();
  ASSERT_TRUE(tails.has_value());
  EXPECT_EQ(tails->at("p1").seq, 20u);
  EXPECT_EQ(tails->at("p1").hash, tail.hash);

  // The chain continues after the reopen, and a second reopen sees both parts.
  ASSERT_TRUE(this->store().AppendVotes(Continue(tail, id, 5, 21)).has_value());
  this->Reopen();
  EXPECT_EQ(TotalVotes(this->store(), id), 25u);
  EXPECT_EQ(this->store().LoadChainTails()->at("p1").seq, 25u);
}

TYPED_TEST(StoreContractTest, SettingsAreReplacedAndSurviveAReopen) {
  EXPECT_EQ(this->store().GetSetting("colour").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(this->store().PutSetting("colour", "merah").has_value());
  ASSERT_TRUE(this->store().PutSetting("colour", "putih").has_value());
  ASSERT_TRUE(this->store().PutSetting("shape", "").has_value());
  EXPECT_EQ(this->store().PutSetting("", "x").error().code, ErrorCode::kInvalidArgument);
  this->Reopen();
  EXPECT_EQ(*this->store().GetSetting("colour"), "putih");
  EXPECT_EQ(*this->store().GetSetting("shape"), "");
}

}  // namespace
}  // namespace pantau::testing_support

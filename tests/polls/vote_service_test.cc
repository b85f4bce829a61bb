#include "polls/vote_service.h"

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "ledger/chain.h"
#include "polls_fixture.h"

namespace pantau::polls {
namespace {

using testing::PollStack;

using VoteServiceTest = testing::PollStackTest;

TEST_F(VoteServiceTest, AcknowledgedVoteIsInTheLedgerAndTheTally) {
  const PollId poll = NewPoll();
  auto accepted = stack_->Vote(poll, 2);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().ToLogString();
  EXPECT_EQ(accepted->entry.vote.seq, 1u);
  EXPECT_TRUE(IsWellFormedDeviceId(accepted->device_id));
  auto found = stack_->store->FindEntry(poll, accepted->entry.entry_hash);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->vote.choice, 2);
  auto view = stack_->results->For(poll, {});
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->tally.total, 1u);
  EXPECT_EQ(view->tally.counts.at(2), 1u);
  EXPECT_EQ(view->tally.counts.at(1), 0u);
}

TEST_F(VoteServiceTest, StoresTheLocusButNeverTheRawAddress) {
  const PollId poll = NewPoll();
  auto accepted = stack_->Vote(poll, 1, {}, "203.0.113.77");
  ASSERT_TRUE(accepted.has_value()) << accepted.error().ToLogString();
  auto stored = stack_->store->FindEntry(poll, accepted->entry.entry_hash);
  ASSERT_TRUE(stored.has_value());
  const Vote& v = stored->vote;
  EXPECT_EQ(v.locus.prefix, "203.0.113.0/24");
  EXPECT_EQ(v.locus.ip_hash.size(), 32u);
  EXPECT_EQ(v.referrer_host, "l.wa.me");
  EXPECT_EQ(v.share_token, "grup1");
  EXPECT_EQ(v.user_agent.device, DeviceClass::kPhone);
  for (const std::string* field : {&v.device_id, &v.locus.prefix, &v.locus.ip_hash, &v.share_token, &v.referrer_host})
    EXPECT_EQ(field->find("203.0.113.77"), std::string::npos);
  // Nor anywhere in the database file.
  stack_.reset();
  for (const auto& file : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(file.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("203.0.113.77"), std::string::npos) << file.path();
  }
}

TEST_F(VoteServiceTest, IpHashIsKeyedPerPoll) {
  const PollId a = NewPoll(), b = NewPoll();
  auto va = stack_->Vote(a, 1, {}, "198.51.100.9");
  auto vb = stack_->Vote(b, 1, {}, "198.51.100.9");
  auto va2 = stack_->Vote(a, 2, {}, "198.51.100.9");
  ASSERT_TRUE(va && vb && va2);
  EXPECT_NE(va->entry.vote.locus.ip_hash, vb->entry.vote.locus.ip_hash);
  EXPECT_EQ(va->entry.vote.locus.ip_hash, va2->entry.vote.locus.ip_hash);
}

TEST_F(VoteServiceTest, OneVotePerDeviceButManyPerAddress) {
  const PollId poll = NewPoll();
  auto first = stack_->Vote(poll, 1);
  ASSERT_TRUE(first.has_value());
  auto again = stack_->Vote(poll, 2, first->device_id);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().type, "already-voted");
  // Other devices behind the same carrier address are all counted (CGNAT).
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(stack_->Vote(poll, 3, {}, "114.125.10.20").has_value());
  EXPECT_EQ(stack_->results->For(poll, {})->tally.total, 21u);
}

TEST_F(VoteServiceTest, ConcurrentVotesFromOneDeviceCountOnce) {
  const PollId poll = NewPoll();
  const std::string device(32, 'a');
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (stack_->Vote(poll, 1, device)) ++accepted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(stack_->results->For(poll, {})->tally.total, 1u);
}

TEST_F(VoteServiceTest, RefusesOutsideTheVotingWindowAndUnknownOptions) {
  const PollId poll = NewPoll();
  auto unknown = stack_->Vote(poll, 7);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().type, "unknown-option");
  stack_->clock.Advance(std::chrono::hours(25));
  auto closed = stack_->Vote(poll, 1);
  ASSERT_FALSE(closed.has_value());
  EXPECT_EQ(closed.error().type, "poll-closed");
  Poll later = stack_->Draft();
  later.opens_at = stack_->clock.Now() + std::chrono::hours(1);
  later.closes_at = stack_->clock.Now() + std::chrono::hours(2);
  auto scheduled = stack_->polls->Create(later);
  ASSERT_TRUE(scheduled.has_value());
  auto early = stack_->Vote(scheduled->poll.id, 1);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().type, "poll-not-open");
  EXPECT_EQ(stack_->results->For(poll, {})->tally.total, 0u);
}

TEST_F(VoteServiceTest, MalformedDeviceCookieIsReplaced) {
  const PollId poll = NewPoll();
  auto v = stack_->Vote(poll, 1, "not-a-device-id");
  ASSERT_TRUE(v.has_value());
  EXPECT_NE(v->device_id, "not-a-device-id");
  EXPECT_TRUE(IsWellFormedDeviceId(v->device_id));
}

TEST_F(VoteServiceTest, PanelTokensAreSingleUse) {
  const PollId poll = NewPoll(Visibility::kLive, AssuranceTier::kPanel);
  auto key_less = stack_->polls->IssuePanelTokens(poll, "", 2);
  ASSERT_FALSE(key_less.has_value());
  EXPECT_EQ(key_less.error().code, ErrorCode::kUnauthenticated);
  // The owner key is only known to the creator; re-create to get one.
  auto created = stack_->polls->Create(stack_->Draft(Visibility::kLive, AssuranceTier::kPanel));
  ASSERT_TRUE(created.has_value());
  const PollId panel = created->poll.id;
  auto tokens = stack_->polls->IssuePanelTokens(panel, created->owner_key, 2);
  ASSERT_TRUE(tokens.has_value()) << tokens.error().ToLogString();
  ASSERT_EQ(tokens->size(), 2u);
  auto missing = stack_->Vote(panel, 1);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().type, "panel-token-required");
  auto bogus = stack_->Vote(panel, 1, {}, "114.125.1.1", "nosuchtoken");
  ASSERT_FALSE(bogus.has_value());
  EXPECT_EQ(bogus.error().type, "bad-panel-token");
  ASSERT_TRUE(stack_->Vote(panel, 1, {}, "114.125.1.1", (*tokens)[0]).has_value());
  auto reused = stack_->Vote(panel, 2, {}, "114.125.1.2", (*tokens)[0]);
  ASSERT_FALSE(reused.has_value());
  EXPECT_EQ(reused.error().type, "panel-token-used");
  ASSERT_TRUE(stack_->Vote(panel, 2, {}, "114.125.1.1", (*tokens)[1]).has_value());
  EXPECT_EQ(stack_->results->For(panel, {})->tally.total, 2u);
}

TEST_F(VoteServiceTest, StateSurvivesARestart) {
  const PollId poll = NewPoll();
  auto first = stack_->Vote(poll, 1);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(stack_->Vote(poll, 2).has_value());
  stack_.reset();
  stack_ = std::make_unique<PollStack>(dir_ / "pantau.db");
  auto view = stack_->results->For(poll, {});
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->tally.total, 2u);
  EXPECT_EQ(view->tally.updated_at, first->entry.vote.time);
  auto again = stack_->Vote(poll, 3, first->device_id);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().type, "already-voted");
  auto third = stack_->Vote(poll, 3);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->entry.vote.seq, 3u);
}

TEST(ReferrerHost, KeepsOnlyTheLowerCaseHost) {
  EXPECT_EQ(ReferrerHost("https://L.WA.me/abc?x=1"), "l.wa.me");
  EXPECT_EQ(ReferrerHost("http://user:pw@example.org:8080/x"), "example.org");
  EXPECT_EQ(ReferrerHost("android-app://com.whatsapp/"), "com.whatsapp");
  EXPECT_EQ(ReferrerHost("garbage"), "");
  EXPECT_EQ(ReferrerHost(""), "");
}

TEST(SanitizeShareToken, KeepsSafeCharactersAndBoundsLength) {
  EXPECT_EQ(SanitizeShareToken("grup-SKPD_1"), "grup-SKPD_1");
  EXPECT_EQ(SanitizeShareToken("a b<c>"), "a_b_c_");
  EXPECT_EQ(SanitizeShareToken(std::string(100, 'x')).size(), 64u);
}

}  // namespace
}  // namespace pantau::polls

#include "polls/results_service.h"

#include <gtest/gtest.h>

#include "polls_fixture.h"

namespace pantau::polls {
namespace {

using testing::PollStack;

using ResultsServiceTest = testing::PollStackTest;

TEST_F(ResultsServiceTest, LiveResultsAreForEveryone) {
  auto created = stack_->polls->Create(stack_->Draft(Visibility::kLive));
  ASSERT_TRUE(created.has_value());
  EXPECT_TRUE(stack_->results->For(created->poll.id, {}).has_value());
}

TEST_F(ResultsServiceTest, AfterCloseHidesUntilCloseExceptFromTheOwner) {
  auto created = stack_->polls->Create(stack_->Draft(Visibility::kAfterClose));
  ASSERT_TRUE(created.has_value());
  const PollId id = created->poll.id;
  ASSERT_TRUE(stack_->Vote(id, 1).has_value());
  auto hidden = stack_->results->For(id, {});
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().type, "results-hidden");
  EXPECT_EQ(hidden.error().code, ErrorCode::kPermissionDenied);
  auto owner = stack_->results->For(id, Viewer{.is_owner = true});
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->tally.total, 1u);
  stack_->clock.Advance(std::chrono::hours(25));
  auto after = stack_->results->For(id, {});
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, PollStatus::kClosed);
  EXPECT_EQ(after->tally.total, 1u);
}

TEST_F(ResultsServiceTest, AfterVoteShowsResultsToDevicesThatVoted) {
  auto created = stack_->polls->Create(stack_->Draft(Visibility::kAfterVote));
  ASSERT_TRUE(created.has_value());
  const PollId id = created->poll.id;
  EXPECT_FALSE(stack_->results->For(id, Viewer{.device_id = std::string(32, 'b')}).has_value());
  auto voted = stack_->Vote(id, 2);
  ASSERT_TRUE(voted.has_value());
  auto view = stack_->results->For(id, Viewer{.device_id = voted->device_id});
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->tally.counts.at(2), 1u);
  EXPECT_FALSE(stack_->results->For(id, Viewer{.device_id = std::string(32, 'b')}).has_value());
}

TEST_F(ResultsServiceTest, AWrongOwnerKeyIsRefused) {
  auto created = stack_->polls->Create(stack_->Draft(Visibility::kAfterClose));
  ASSERT_TRUE(created.has_value());
  EXPECT_TRUE(stack_->polls->AuthorizeOwner(created->poll.id, created->owner_key).has_value());
  std::string wrong_key = created->owner_key;
  wrong_key[0] = wrong_key[0] == 'a' ? 'b' : 'a';  // differs from the real key in one character
  auto wrong = stack_->polls->AuthorizeOwner(created->poll.id, wrong_key);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(ResultsServiceTest, CreateRejectsUnknownRegions) {
  Poll draft = stack_->Draft();
  draft.region = RegionCode{"71.99"};
  auto r = stack_->polls->Create(draft);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().type, "invalid-region");
  EXPECT_TRUE(stack_->polls->List()->empty());
}

}  // namespace
}  // namespace pantau::polls

namespace pantau::polls {
namespace {

TEST_F(ResultsServiceTest, AnUnknownPollIsNotFoundInTheVotersLanguage) {
  auto r = stack_->results->For(PollId{"zzzzzzzzzzzz"}, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().type, "poll-not-found");
  EXPECT_EQ(r.error().message, "polling ini tidak ditemukan");
}

}  // namespace
}  // namespace pantau::polls

// GroupCommitter and panel tokens: a replayed token is refused on its own, never sinking its batch.
#include "ledger/group_committer.h"

#include <gtest/gtest.h>

#include "ledger/committer_fixture.h"
#include "ledger/controlled_store.h"

namespace pantau::testing_support {
namespace {

using ledger::GroupCommitter;

Vote PanelVote(const PollId& poll, int n, std::string token_hash) {
  Vote v = MakeVote(poll, n);
  v.tier = AssuranceTier::kPanel;
  v.panel_token_hash = std::move(token_hash);
  return v;
}

class PanelCommitterTest : public CommitterTest {
 protected:
  void SetUp() override {
    CommitterTest::SetUp();
    ASSERT_TRUE(store().AddPanelTokens(p1_, {"t1", "t2", "t3"}).has_value());
  }
};

TEST_F(PanelCommitterTest, ATokenSpentTwiceInOneBatchRefusesOnlyTheReplay) {
  ControlledStore controlled(store());
  GroupCommitter committer(controlled, {});
  ASSERT_TRUE(committer.Start().has_value());
  Results results(5);
  controlled.Hold();
  committer.Submit(MakeVote(p2_, 0), results.At(0));
  controlled.WaitUntilBlocked();
  committer.Submit(PanelVote(p1_, 1, "t1"), results.At(1));
  committer.Submit(PanelVote(p1_, 2, "t1"), results.At(2));  // replay inside the same batch
  committer.Submit(MakeVote(p1_, 3), results.At(3));
  committer.Submit(PanelVote(p1_, 4, "t2"), results.At(4));
  controlled.Release();
  ASSERT_TRUE(results.WaitFor(5));
  committer.Stop();
  EXPECT_TRUE(results[1].has_value());
  ASSERT_FALSE(results[2].has_value());
  EXPECT_EQ(results[2].error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(results[2].error().type, "panel-token-used");
  EXPECT_EQ(results[3]->vote.seq, 2u);
  EXPECT_EQ(results[4]->vote.seq, 3u);
  EXPECT_EQ(VerifyStoredChain(p1_), 3u);
  EXPECT_EQ(committer.stats().failed_batches, 0u);
  EXPECT_EQ(controlled.append_calls(), 2);  // refused before reaching the store
}

TEST_F(PanelCommitterTest, ATokenSpentByAnEarlierBatchRefusesOnlyTheReplay) {
  ControlledStore controlled(store());
  GroupCommitter committer(controlled, {});
  ASSERT_TRUE(committer.Start().has_value());
  Results results(6);
  committer.Submit(PanelVote(p1_, 0, "t1"), results.At(0));
  ASSERT_TRUE(results.WaitFor(1));
  ASSERT_TRUE(results[0].has_value());
  controlled.Hold();
  committer.Submit(MakeVote(p2_, 1), results.At(1));
  controlled.WaitUntilBlocked();
  committer.Submit(MakeVote(p1_, 2), results.At(2));
  committer.Submit(PanelVote(p1_, 3, "t1"), results.At(3));     // spent in the first batch
  committer.Submit(PanelVote(p1_, 4, "never"), results.At(4));  // never issued
  committer.Submit(PanelVote(p1_, 5, "t3"), results.At(5));
  controlled.Release();
  ASSERT_TRUE(results.WaitFor(6));
  committer.Stop();
  EXPECT_EQ(results[3].error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(results[4].error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(results[2].has_value());
  ASSERT_TRUE(results[5].has_value());
  EXPECT_EQ(results[2]->vote.seq, 2u);
  EXPECT_EQ(results[5]->vote.seq, 3u);
  EXPECT_EQ(results[5]->prev_hash, results[2]->entry_hash);  // relinked without the refused votes
  EXPECT_EQ(VerifyStoredChain(p1_), 3u);
  EXPECT_TRUE((*store().FindPanelToken(p1_, "t3"))->used);
  EXPECT_FALSE((*store().FindPanelToken(p1_, "t2"))->used);
  EXPECT_EQ(committer.stats().failed_batches, 0u);
}

TEST_F(PanelCommitterTest, ACallbackThatThrowsDoesNotStopTheWriter) {
  GroupCommitter committer(store(), {});
  ASSERT_TRUE(committer.Start().has_value());
  Results results(1);
  committer.Submit(MakeVote(p1_, 0), [](Result<store::LedgerEntry>) { throw std::runtime_error("handler bug"); });
  committer.Submit(MakeVote(p1_, 1), results.At(0));
  ASSERT_TRUE(results.WaitFor(1));
  committer.Stop();
  ASSERT_TRUE(results[0].has_value());
  EXPECT_EQ(results[0]->vote.seq, 2u);
}

}  // namespace
}  // namespace pantau::testing_support

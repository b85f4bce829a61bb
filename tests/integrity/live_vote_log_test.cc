// LiveVoteLog: the index kept per appended batch equals one built from scratch, whatever the batches
// and however far back in time they reach, and Analyze with it gives the report Analyze gives without.
#include "integrity/live_vote_log.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "integrity/live_poll_fixture.h"

namespace pantau::integrity {
namespace {

// The maintained index is the one a stable sort of the whole log gives, after every append, whatever the
// batches and however far back in time they reach; and the analysis with it is the analysis without.
TEST(LiveVoteLog, IndexEqualsARebuildAfterEveryAppend) {
  const LivePoll poll = SimulatedPoll(3000, 24);
  const std::vector<std::vector<size_t>> shapes{{1}, {7, 1, 300}, {3000}, {64, 5}};
  for (size_t s = 0; s < shapes.size(); ++s) {
    for (int64_t late_ms : {int64_t{0}, int64_t{600'000}, int64_t{48 * 3'600'000}}) {
      SCOPED_TRACE(testing::Message() << "shape " << s << ", late " << late_ms);
      const std::vector<Vote> votes = Disorder(poll.votes, shapes[s], late_ms, 7 + s);
      LiveVoteLog live;
      size_t checked = 0;
      for (auto b : Batches(votes, shapes[s])) {
        live.Append(b);
        // Every append for short runs, then every 50th (a rebuild is a full sort).
        if (checked++ < 100 || checked % 50 == 0) {
          ASSERT_EQ(live.index(), BuildLogIndex(live.log())) << live.size();
        }
      }
      ASSERT_EQ(live.index(), BuildLogIndex(live.log()));
      EXPECT_TRUE(std::is_sorted(live.index().sorted_time.begin(), live.index().sorted_time.end()));
    }
  }
  // Ties: equal times keep vote order, across batches too.
  std::vector<Vote> tied(poll.votes.begin(), poll.votes.begin() + 50);
  for (size_t i = 0; i < tied.size(); ++i) tied[i].time = FromUnixMillis(1'700'000'000'000 + static_cast<int64_t>(i % 3) * 1000);
  LiveVoteLog live;
  for (size_t at = 0; at < tied.size(); at += 4) live.Append(std::span<const Vote>(tied).subspan(at, std::min<size_t>(4, tied.size() - at)));
  EXPECT_EQ(live.index(), BuildLogIndex(live.log()));
}

TEST(LiveVoteLog, AnalysisWithTheIndexIsTheAnalysisWithout) {
  const LivePoll poll = SimulatedPoll(6000, 25);
  const std::vector<Vote> votes = Disorder(poll.votes, {500}, 3'600'000, 3);
  LiveVoteLog live;
  for (auto b : Batches(votes, {500})) live.Append(b);
  const AnalysisResult without = Analyze(live.log(), FastConfig());
  ASSERT_FALSE(without.cohorts.empty());
  ExpectSameReport(Analyze(live.log(), FastConfig(), &live.index()), without);
}

}  // namespace
}  // namespace pantau::integrity

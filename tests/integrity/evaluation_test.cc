// Winner scoring in the evaluation: a right call, a wrong one, and a race declared too close to call
// (a wrong leader is forgiven only when the truth was that close too).
#include "integrity/evaluation.h"

#include <gtest/gtest.h>

namespace pantau::integrity {
namespace {

Metrics Score(std::vector<double> adjusted, std::vector<Interval> intervals, bool too_close,
              std::vector<double> truth) {
  VoteLog empty;
  Flagging f;
  f.adjusted_shares = std::move(adjusted);
  f.intervals = std::move(intervals);
  f.too_close = too_close;
  return Evaluate(empty, f, {}, truth);
}

TEST(EvaluationWinner, AClearCallIsRightOrWrong) {
  EXPECT_TRUE(Score({0.5, 0.3, 0.2}, {}, false, {0.48, 0.32, 0.2}).winner_recovered);
  EXPECT_FALSE(Score({0.5, 0.3, 0.2}, {}, false, {0.3, 0.5, 0.2}).winner_recovered);
}

TEST(EvaluationWinner, ATooCloseCallIsRightOnlyWhenTheTruthIsThatClose) {
  const std::vector<Interval> wide{{0.42, 0.46}, {0.41, 0.45}, {0.10, 0.14}};
  // Truth 43.9 vs 43.8: a dead heat, whichever way the adjusted leader points.
  Metrics dead_heat = Score({0.4386, 0.4395, 0.122}, wide, true, {0.4391, 0.4382, 0.1227});
  EXPECT_TRUE(dead_heat.called_too_close);
  EXPECT_TRUE(dead_heat.winner_recovered);
  // The leader named is right: a close call does not make it wrong.
  EXPECT_TRUE(Score({0.4386, 0.4395, 0.122}, wide, true, {0.38, 0.50, 0.12}).winner_recovered);
  // Truth 50 vs 38 the other way: the race was not close, so the close call does not rescue the leader.
  EXPECT_FALSE(Score({0.4386, 0.4395, 0.122}, wide, true, {0.50, 0.38, 0.12}).winner_recovered);
  // The true winner is not among the two called close.
  EXPECT_FALSE(Score({0.4386, 0.4395, 0.122}, wide, true, {0.30, 0.30, 0.40}).winner_recovered);
  // Without a close call the same shares score as a plain wrong call.
  EXPECT_FALSE(Score({0.4386, 0.4395, 0.122}, wide, false, {0.4391, 0.4382, 0.1227}).winner_recovered);
}

TEST(EvaluationWinner, WithAMarginIntervalTheTruthMustLieInsideIt) {
  const std::vector<Interval> wide{{0.42, 0.46}, {0.41, 0.45}, {0.10, 0.14}};
  const auto score = [&](Interval margin, std::vector<double> truth) {
    VoteLog empty;
    Flagging f;
    f.adjusted_shares = {0.4395, 0.4386, 0.122};
    f.intervals = wide;
    f.too_close = true;
    f.has_margin = true;
    f.margin = margin;
    return Evaluate(empty, f, {}, truth);
  };
  // True margin (leader minus runner-up) -0.5 points: inside [-1, 1.2], forgiven.
  EXPECT_TRUE(score({-0.010, 0.012}, {0.437, 0.442, 0.121}).winner_recovered);
  // The same truth outside a narrower joint interval [-0.3, 0.5] is a wrong call, although the two
  // shares' half-widths (2 + 2 points) would have covered it.
  EXPECT_FALSE(score({-0.003, 0.005}, {0.437, 0.442, 0.121}).winner_recovered);
  // A right leader stays right.
  EXPECT_TRUE(score({-0.003, 0.005}, {0.45, 0.43, 0.12}).winner_recovered);
}

}  // namespace
}  // namespace pantau::integrity

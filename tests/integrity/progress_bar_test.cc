#include "cli/progress_bar.h"

#include <gtest/gtest.h>

namespace pantau::cli {
namespace {

TEST(ProgressBar, LineShowsStageBarPercentAndElapsedTime) {
  EXPECT_EQ(ProgressLine("analyze", "Monte Carlo", 33, 99, std::chrono::seconds(4)),
            "analyze: Monte Carlo  [########----------------]  33%  4s");
  EXPECT_EQ(ProgressLine("analyze", "reading", 10, 10, std::chrono::seconds(0)),
            "analyze: reading      [########################] 100%  0s");
  // A stage of unknown size shows an empty bar rather than dividing by zero.
  EXPECT_EQ(ProgressLine("analyze", "scan", 0, 0, std::chrono::seconds(1)),
            "analyze: scan         [------------------------]   0%  1s");
}

TEST(ProgressBar, NotWantedWhenQuiet) { EXPECT_FALSE(ProgressBar::Wanted(true)); }

}  // namespace
}  // namespace pantau::cli

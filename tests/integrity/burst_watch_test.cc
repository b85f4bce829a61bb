// BurstWatch: fires on a blast at one block or link, not on quiet traffic, a viral moment or a poll that
// has barely started.
#include "integrity/burst_watch.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "integrity/live_poll_fixture.h"

namespace pantau::integrity {
namespace {

TEST(BurstWatch, FiresOnABlastNotOnQuietOrViralTraffic) {
  const std::vector<Vote> quiet = QuietVotes(20'000, 1);
  BurstWatch watch;
  for (const Vote& v : quiet) EXPECT_FALSE(watch.Add(v)) << v.seq;
  // A viral moment: every block votes a dozen times for option 1 in one bin — the poll's own rhythm
  // rises with it, so no block stands out.
  const int64_t end_ms = ToUnixMillis(quiet.back().time);
  const int64_t t = (end_ms / 600'000 + 1) * 600'000 + 1000;  // a bin of its own
  for (int round = 0; round < 12; ++round)
    for (int block = 0; block < 200; ++block) {
      Vote v = quiet[static_cast<size_t>(block)];
      v.locus.prefix = "10.0." + std::to_string(block) + ".0/24";
      v.choice = 1;
      v.time = FromUnixMillis(t + round * 1000);
      EXPECT_FALSE(watch.Add(v)) << round << " " << block;
    }
  EXPECT_EQ(watch.alarms(), 0u);
  // A blast of 30 votes in 3 minutes from one block: it fires, once per locus (block and link) and bin.
  size_t fired_at = 0;
  const std::vector<Vote> blast = Blast(30, end_ms + 3'600'000, 3);
  for (size_t i = 0; i < blast.size(); ++i)
    if (watch.Add(blast[i]) && fired_at == 0) fired_at = i + 1;
  EXPECT_GE(fired_at, 10u) << "not before min_votes";
  EXPECT_LE(fired_at, 12u);
  EXPECT_EQ(watch.alarms(), 2u);
}

TEST(BurstWatch, QuietUntilThePollHasVotes) {
  BurstWatch watch({.min_poll_votes = 500});
  for (const Vote& v : Blast(100, 1'700'000'000'000, 3)) EXPECT_FALSE(watch.Add(v));
}

}  // namespace
}  // namespace pantau::integrity

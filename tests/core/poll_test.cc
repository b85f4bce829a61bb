#include "core/poll.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

Poll ValidPoll() {
  Poll p;
  p.id = PollId{"abc"};
  p.title = "Pilkada Kota Tomohon 2024";
  p.region = RegionCode{"71.73"};
  p.options = {{1, "Paslon Satu", ""}, {2, "Paslon Dua", ""}, {3, "Paslon Tiga", "https://example.org/3.jpg"}};
  p.opens_at = FromUnixMillis(1000);
  p.closes_at = FromUnixMillis(2000);
  p.owner_name = "Redaksi Contoh";
  return p;
}

TEST(ValidatePoll, AcceptsAWellFormedPoll) { EXPECT_TRUE(ValidatePoll(ValidPoll()).has_value()); }

TEST(ValidatePoll, RejectsEachBadField) {
  auto expect_bad = [](Poll p, std::string_view needle) {
    auto s = ValidatePoll(p);
    ASSERT_FALSE(s.has_value()) << needle;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find(needle), std::string::npos) << s.error().message;
  };
  Poll p = ValidPoll();
  p.title.clear();
  expect_bad(p, "title");
  p = ValidPoll();
  p.options.resize(1);
  expect_bad(p, "options");
  p = ValidPoll();
  for (int i = 4; i <= 13; ++i) p.options.push_back({i, "X", ""});
  expect_bad(p, "options");
  p = ValidPoll();
  p.options[1].number = 1;
  expect_bad(p, "twice");
  p = ValidPoll();
  p.closes_at = p.opens_at;
  expect_bad(p, "closes_at");
  p = ValidPoll();
  p.options[0].photo_url = "javascript:alert(1)";
  expect_bad(p, "photo_url");
  p = ValidPoll();
  p.owner_name.clear();
  expect_bad(p, "owner_name");
}

TEST(Poll, OpenWindowIsHalfOpen) {
  Poll p = ValidPoll();
  EXPECT_FALSE(p.IsOpenAt(FromUnixMillis(999)));
  EXPECT_TRUE(p.IsOpenAt(FromUnixMillis(1000)));
  EXPECT_FALSE(p.IsOpenAt(FromUnixMillis(2000)));
  EXPECT_TRUE(p.IsClosedAt(FromUnixMillis(2000)));
}

}  // namespace
}  // namespace pantau

#include "polls/device_set.h"

#include <random>
#include <unordered_set>

#include <gtest/gtest.h>

namespace pantau::polls {
namespace {

TEST(DeviceSet, InsertContainsErase) {
  DeviceSet set;
  EXPECT_FALSE(set.Contains(7));
  EXPECT_TRUE(set.Insert(7));
  EXPECT_FALSE(set.Insert(7));
  EXPECT_TRUE(set.Insert(0));  // 0 is a key like any other
  EXPECT_TRUE(set.Contains(0));
  EXPECT_EQ(set.size(), 2u);
  set.Erase(7);
  EXPECT_FALSE(set.Contains(7));
  set.Erase(7);  // absent: no-op
  EXPECT_EQ(set.size(), 1u);
}

// Random inserts and erases, with keys crowded into few home slots (small key space, tiny table)
// and spread out, against std::unordered_set.
TEST(DeviceSet, AgreesWithUnorderedSetUnderRandomOperations) {
  for (uint64_t space : {uint64_t{50}, uint64_t{5000}, ~uint64_t{0}}) {
    std::mt19937_64 rng(space);
    DeviceSet set;
    std::unordered_set<uint64_t> model;
    for (int i = 0; i < 100000; ++i) {
      uint64_t key = rng() % space;
      if (key == 1) key = 2;  // 0 and 1 share a slot by design; keep the model exact
      switch (rng() % 3) {
        case 0:
        case 1: ASSERT_EQ(set.Insert(key), model.insert(key).second); break;
        default:
          set.Erase(key);
          model.erase(key);
      }
      ASSERT_EQ(set.size(), model.size());
      if (i % 97 == 0) {
        for (uint64_t k : model) ASSERT_TRUE(set.Contains(k)) << k;
      }
      const uint64_t probe = rng() % space;
      if (probe != 1) {
        ASSERT_EQ(set.Contains(probe), model.contains(probe));
      }
    }
  }
}

}  // namespace
}  // namespace pantau::polls

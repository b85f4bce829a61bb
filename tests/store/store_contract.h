// The Store contract fixture: every test in store_*contract_test.cc runs once per factory in
// StoreFactories, so each implementation is held to the same behaviour (store.h). Also builders for
// polls and chained ledger entries. Entry hashes here are synthetic but unique: the store checks
// linkage (seq, prev_hash), not hash contents.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_factories.h"

namespace pantau::testing_support {

using StoreFactories = ::testing::Types<SqliteStoreFactory, JournaledSqliteStoreFactory>;

struct FactoryNames {
  template <typename F>
  static std::string GetName(int) {
    return F::kName;
  }
};

template <typename Factory>
class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = Factory::Unavailable(); !why.empty()) GTEST_SKIP() << why;
    store_ = factory_.Open();
    ASSERT_NE(store_, nullptr);
  }
  // Drops the store and opens the same storage again.
  void Reopen() {
    store_.reset();
    store_ = factory_.Open();
    ASSERT_NE(store_, nullptr);
  }
  store::Store& store() { return *store_; }

  Factory factory_;
  std::unique_ptr<store::Store> store_;
};

Poll MakePoll(std::string id, int64_t created_ms = 1'700'000'000'000);
store::PollSecrets MakeSecrets(uint8_t fill = 7);

// A vote whose every field depends on `n`, so round trips are checked field by field.
Vote MakeVote(const PollId& poll, int n);
// A synthetic, unique hash for (poll, seq, salt).
store::Hash FakeHash(const PollId& poll, uint64_t seq, uint8_t salt = 0);
// Builds `count` entries continuing `tail` (advanced in place), votes numbered from `first_n`.
std::vector<store::LedgerEntry> Continue(store::ChainTail& tail, const PollId& poll, int count, int first_n = 1);
// The same, for one prepared vote.
store::LedgerEntry ContinueWith(store::ChainTail& tail, Vote vote);

// Every entry of the poll, in seq order (fails the test on a store error).
std::vector<store::LedgerEntry> ScanAll(store::Store& store, const PollId& poll);
uint64_t TotalVotes(store::Store& store, const PollId& poll);

void ExpectSamePoll(const Poll& got, const Poll& want);

}  // namespace pantau::testing_support

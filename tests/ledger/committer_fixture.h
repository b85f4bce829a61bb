// Shared pieces of the GroupCommitter tests: a real SqliteStore in a temp file with three polls, a
// thread-safe collector of submission results, and a chain check over the store.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "ledger/chain.h"
#include "ledger/group_committer.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_contract.h"
#include "store/temp_dir.h"

namespace pantau::testing_support {

// Results of submissions 0..n-1, filled by their callbacks on the writer (or caller) thread.
class Results {
 public:
  explicit Results(size_t n) : results_(n) {}
  ledger::GroupCommitter::Callback At(size_t i) {
    return [this, i](Result<store::LedgerEntry> r) {
      std::lock_guard lock(mu_);
      EXPECT_FALSE(results_[i].has_value()) << "callback " << i << " called twice";
      results_[i] = std::move(r);
      ++done_;
      cv_.notify_all();
    };
  }
  // False if fewer than `n` callbacks arrived within the time limit.
  bool WaitFor(size_t n, std::chrono::seconds limit = std::chrono::seconds(120)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return done_ >= n; });
  }
  const Result<store::LedgerEntry>& operator[](size_t i) const { return *results_[i]; }
  bool has(size_t i) const {
    std::lock_guard lock(mu_);
    return results_[i].has_value();
  }
  size_t size() const { return results_.size(); }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::optional<Result<store::LedgerEntry>>> results_;
  size_t done_ = 0;
};

class CommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
    for (const char* id : {"p1", "p2", "p3"})
      ASSERT_TRUE(store().CreatePoll(MakePoll(id), MakeSecrets()).has_value());
  }
  // Drops the store and opens the same file again (a restart).
  void Reopen() {
    sqlite_.reset();
    auto opened = store::SqliteStore::Open(dir_.File("ledger.db"));
    ASSERT_TRUE(opened.has_value()) << opened.error().ToLogString();
    sqlite_ = std::move(*opened);
  }
  store::Store& store() { return *sqlite_; }

  // Verifies the poll's whole stored chain; returns how many entries verified.
  uint64_t VerifyStoredChain(const PollId& poll) {
    ledger::ChainVerifier verifier;
    auto s = store().ScanEntries(poll, 1, [&](const store::LedgerEntry& e) { return verifier.Add(e); });
    EXPECT_TRUE(s.has_value()) << s.error().ToLogString();
    EXPECT_FALSE(verifier.broken().has_value())
        << "seq " << verifier.broken()->seq << ": " << verifier.broken()->reason;
    return verifier.verified();
  }

  const PollId p1_{"p1"}, p2_{"p2"}, p3_{"p3"};
  TempDir dir_;
  std::unique_ptr<store::SqliteStore> sqlite_;
};

}  // namespace pantau::testing_support

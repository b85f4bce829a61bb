// ControlledStore: a Store decorator for fault and timing tests (the leveldb fail-on-command Env
// idea). Everything forwards to a real store; AppendVotes can be held (to let a queue build up while
// the writer is inside a call) and made to fail on command without writing anything.
#pragma once

#include <condition_variable>
#include <mutex>

#include "store/store.h"

namespace pantau::testing_support {

class ControlledStore final : public store::Store {
 public:
  explicit ControlledStore(store::Store& inner) : inner_(inner) {}

  // The next AppendVotes calls block on entry until Release().
  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  // Waits until an AppendVotes is blocked by Hold().
  void WaitUntilBlocked() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return blocked_ > 0; });
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  // The next `n` AppendVotes calls to begin return `error` and write nothing.
  void FailNextAppends(int n, Error error) {
    std::lock_guard lock(mu_);
    fail_next_ = n;
    error_ = std::move(error);
  }
  int append_calls() const {
    std::lock_guard lock(mu_);
    return append_calls_;
  }

  Status AppendVotes(const std::vector<store::LedgerEntry>& batch) override {
    {
      std::unique_lock lock(mu_);
      ++append_calls_;
      const bool fail = fail_next_ > 0;  // decided on entry: a call already held is not affected
      if (fail) --fail_next_;
      if (held_) {
        ++blocked_;
        cv_.notify_all();
        cv_.wait(lock, [&] { return !held_; });
        --blocked_;
      }
      if (fail) return std::unexpected(error_);
    }
    return inner_.AppendVotes(batch);
  }

  Status CreatePoll(const Poll& p, const store::PollSecrets& s) override { return inner_.CreatePoll(p, s); }
  Result<Poll> GetPoll(const PollId& id) override { return inner_.GetPoll(id); }
  Result<store::PollSecrets> GetPollSecrets(const PollId& id) override { return inner_.GetPollSecrets(id); }
  Result<std::vector<Poll>> ListPolls() override { return inner_.ListPolls(); }
  Status UpdatePoll(const Poll& p) override { return inner_.UpdatePoll(p); }
  Result<std::map<std::string, store::ChainTail>> LoadChainTails() override { return inner_.LoadChainTails(); }
  Result<store::LedgerEntry> FindEntry(const PollId& p, const store::Hash& h) override { return inner_.FindEntry(p, h); }
  Result<std::map<int, uint64_t>> CountVotes(const PollId& p) override { return inner_.CountVotes(p); }
  Result<std::vector<std::string>> LoadDeviceIds(const PollId& p) override { return inner_.LoadDeviceIds(p); }
  Status ScanEntries(const PollId& p, uint64_t from, const std::function<bool(const store::LedgerEntry&)>& v) override {
    return inner_.ScanEntries(p, from, v);
  }
  Status AddPanelTokens(const PollId& p, const std::vector<std::string>& t) override { return inner_.AddPanelTokens(p, t); }
  Result<std::optional<store::PanelToken>> FindPanelToken(const PollId& p, const std::string& t) override {
    return inner_.FindPanelToken(p, t);
  }
  Result<std::string> GetSetting(const std::string& k) override { return inner_.GetSetting(k); }
  Status PutSetting(const std::string& k, const std::string& v) override { return inner_.PutSetting(k, v); }

 private:
  store::Store& inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  int blocked_ = 0;
  int fail_next_ = 0;
  int append_calls_ = 0;
  Error error_;
};

}  // namespace pantau::testing_support

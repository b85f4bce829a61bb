#include "ledger/journaled_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

#include "store/chain_link.h"

namespace pantau::ledger {
namespace {

constexpr size_t kReconcileChunk = 4096;
constexpr int kFollowerNice = 10;

Error Diverged(std::string detail) {
  return Error::DataLoss("the database and the vote log disagree", std::move(detail));
}

// Reconciliation's writer: checks that each entry continues its chain, and hands entries to `sink`
// (the database or the log) in chunks. The first failure sticks; Add/Advance/Fail return whether to
// go on, so they can end a scan visitor.
class ChunkedWriter {
 public:
  using Sink = std::function<Status(const std::vector<store::LedgerEntry>&)>;
  explicit ChunkedWriter(Sink sink) : sink_(std::move(sink)) {}

  bool Advance(store::ChainTail& tail, const store::LedgerEntry& entry, std::string_view damage) {
    if (auto linked = store::CheckContinues(entry, tail); !linked)
      return Fail(Error::DataLoss(std::string(damage), linked.error().detail));
    tail = store::ChainTail{entry.vote.seq, entry.entry_hash};
    return true;
  }
  bool Add(const store::LedgerEntry& entry) {
    chunk_.push_back(entry);
    if (chunk_.size() >= kReconcileChunk) Flush();
    return status_.has_value();
  }
  bool Fail(Error error) {
    if (status_) status_ = std::unexpected(std::move(error));
    return false;
  }
  Status Finish() {
    Flush();
    return status_;
  }
  uint64_t written() const { return written_; }

 private:
  void Flush() {
    if (chunk_.empty() || !status_) return;
    status_ = sink_(chunk_);
    written_ += chunk_.size();
    chunk_.clear();
  }
  Sink sink_;
  std::vector<store::LedgerEntry> chunk_;
  Status status_ = Ok();
  uint64_t written_ = 0;
};

}  // namespace

JournaledStore::JournaledStore(std::unique_ptr<store::Store> database, std::unique_ptr<SegmentLog> log,
                               Options options)
    : db_(std::move(database)), log_(std::move(log)), options_(options) {}

Result<std::unique_ptr<JournaledStore>> JournaledStore::Open(std::unique_ptr<store::Store> database,
                                                             const std::string& log_dir) {
  return Open(std::move(database), log_dir, Options{});
}

Result<std::unique_ptr<JournaledStore>> JournaledStore::Open(std::unique_ptr<store::Store> database,
                                                             const std::string& log_dir, Options options) {
  options.max_follow_batch = std::max<size_t>(options.max_follow_batch, 1);
  PANTAU_ASSIGN_OR_RETURN(auto log, SegmentLog::Open(log_dir, options.log));
  std::unique_ptr<JournaledStore> store(new JournaledStore(std::move(database), std::move(log), options));
  PANTAU_RETURN_IF_ERROR(store->Reconcile());
  store->follower_ = std::thread(&JournaledStore::Follow, store.get());
  return store;
}

JournaledStore::~JournaledStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  if (follower_.joinable()) follower_.join();
}

Status JournaledStore::Reconcile() {
  PANTAU_ASSIGN_OR_RETURN(const auto db_tails, db_->LoadChainTails());
  std::map<std::string, store::ChainTail> log_tails;
  // 1. The log's chains must hold together; what the database lacks is written to it.
  ChunkedWriter replay([&](const auto& chunk) { return db_->AppendVotes(chunk); });
  PANTAU_RETURN_IF_ERROR(log_->Scan([&](const store::LedgerEntry& entry) {
    const std::string& poll = entry.vote.poll.value();
    if (!replay.Advance(log_tails[poll], entry, "the vote log is damaged")) return false;
    const auto stored = db_tails.find(poll);
    const store::ChainTail db_tail = stored == db_tails.end() ? store::ChainTail{} : stored->second;
    if (entry.vote.seq == db_tail.seq && entry.entry_hash != db_tail.hash)
      return replay.Fail(Diverged(fmt::format("poll {} seq {} has different entries", poll, db_tail.seq)));
    return entry.vote.seq <= db_tail.seq || replay.Add(entry);
  }));
  PANTAU_RETURN_IF_ERROR(replay.Finish());
  if (replay.written() > 0) spdlog::warn("vote log: wrote {} logged votes the database had lost", replay.written());

  // 2. A database from before the log: copy what the log lacks into it, continuing its chains.
  ChunkedWriter copy([&](const auto& chunk) { return log_->Append(chunk); });
  for (const auto& [poll, db_tail] : db_tails) {
    store::ChainTail& tail = log_tails[poll];
    if (db_tail.seq <= tail.seq) continue;
    PANTAU_RETURN_IF_ERROR(db_->ScanEntries(PollId{poll}, tail.seq + 1, [&](const store::LedgerEntry& entry) {
      return copy.Advance(tail, entry, "the database and the vote log disagree") && copy.Add(entry);
    }));
    PANTAU_RETURN_IF_ERROR(copy.Finish());
  }
  if (copy.written() > 0) spdlog::info("vote log: copied {} votes from the database into the new log", copy.written());
  tails_ = std::move(log_tails);
  return Ok();
}

Result<std::map<std::string, store::ChainTail>> JournaledStore::CheckBatch(
    const std::vector<store::LedgerEntry>& batch) {
  std::map<std::string, store::ChainTail> advanced;
  std::set<std::pair<std::string, std::string>> tokens_here;
  for (const store::LedgerEntry& entry : batch) {
    const Vote& v = entry.vote;
    if (!known_polls_.contains(v.poll.value())) {
      PANTAU_RETURN_IF_ERROR(db_->GetPoll(v.poll));
      known_polls_.insert(v.poll.value());
    }
    auto it = advanced.find(v.poll.value());
    if (it == advanced.end()) {
      std::lock_guard lock(mu_);
      auto logged = tails_.find(v.poll.value());
      it = advanced.emplace(v.poll.value(), logged == tails_.end() ? store::ChainTail{} : logged->second).first;
    }
    PANTAU_RETURN_IF_ERROR(store::CheckContinues(entry, it->second));
    if (!v.panel_token_hash.empty()) {
      std::pair<std::string, std::string> token{v.poll.value(), v.panel_token_hash};
      bool spent = !tokens_here.insert(token).second;
      if (!spent) {
        std::lock_guard lock(mu_);
        spent = spent_tokens_.contains(token);
      }
      if (!spent) {
        PANTAU_ASSIGN_OR_RETURN(auto stored, db_->FindPanelToken(v.poll, v.panel_token_hash));
        spent = !stored.has_value() || stored->used;
      }
      if (spent) return std::unexpected(store::PanelTokenSpent());
    }
    it->second = store::ChainTail{v.seq, entry.entry_hash};
  }
  return advanced;
}

Status JournaledStore::AppendVotes(const std::vector<store::LedgerEntry>& batch) {
  if (batch.empty()) return Ok();
  std::lock_guard append_lock(append_mu_);
  PANTAU_ASSIGN_OR_RETURN(auto advanced, CheckBatch(batch));
  PANTAU_RETURN_IF_ERROR(WaitForLagBelowLimit());
  PANTAU_RETURN_IF_ERROR(log_->Append(batch));
  auto logged = std::make_shared<const std::vector<store::LedgerEntry>>(batch);
  {
    std::lock_guard lock(mu_);
    for (auto& [poll, tail] : advanced) tails_[poll] = tail;
    for (const auto& entry : *logged) {
      if (!entry.vote.panel_token_hash.empty())
        spent_tokens_.emplace(entry.vote.poll.value(), entry.vote.panel_token_hash);
      pending_by_hash_[EntryKey(entry.vote.poll, entry.entry_hash)] = &entry;
    }
    pending_.push_back(std::move(logged));
    stats_.logged += batch.size();
  }
  work_.notify_one();
  return Ok();
}

void JournaledStore::Follow() {
  // Background work: acknowledging votes (the log) and answering requests come first; the follower
  // takes the CPU they leave and catches up when load falls.
  pthread_setname_np(pthread_self(), "vote-follower");
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kFollowerNice);
  std::vector<store::LedgerEntry> merged;
  std::chrono::milliseconds backoff{50};
  for (;;) {
    std::vector<Batch> taken;
    size_t count = 0;
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return (!pending_.empty() && !follow_error_) || stopping_; });
      if (pending_.empty() || follow_error_) return;
      // Gather a larger transaction (each commit rewrites the B-tree pages it touches), unless a reader
      // is waiting or the oldest logged batch has waited long enough.
      const auto deadline = std::chrono::steady_clock::now() + options_.follow_delay;
      work_.wait_until(lock, deadline, [&] {
        const uint64_t lag = stats_.logged - stats_.followed;
        return lag >= options_.max_follow_batch || lag >= options_.max_lag || readers_waiting_ > 0 || stopping_;
      });
      for (const Batch& batch : pending_) {
        if (count > 0 && count + batch->size() > options_.max_follow_batch) break;
        taken.push_back(batch);
        count += batch->size();
      }
    }
    const std::vector<store::LedgerEntry>* rows = taken.front().get();
    if (taken.size() > 1) {
      merged.clear();
      for (const Batch& batch : taken) merged.insert(merged.end(), batch->begin(), batch->end());
      rows = &merged;
    }
    Status written = db_->AppendVotes(*rows);
    std::unique_lock lock(mu_);
    if (!written) {
      if (written.error().code != ErrorCode::kUnavailable) {
        spdlog::critical("vote log: the database refused logged votes ({}); it no longer follows the log — "
                         "restart pantau to reconcile", written.error().ToLogString());
        follow_error_ = written.error();
        followed_cv_.notify_all();
        return;
      }
      if (stopping_) {
        spdlog::error("vote log: {} logged votes are not in the database yet ({}); they are written at the next "
                      "start", stats_.logged - stats_.followed, written.error().ToLogString());
        return;
      }
      spdlog::warn("vote log: the database is unavailable ({}); retrying in {} ms", written.error().ToLogString(),
                   backoff.count());
      work_.wait_for(lock, backoff, [&] { return stopping_; });
      backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
      continue;
    }
    backoff = std::chrono::milliseconds{50};
    for (size_t i = 0; i < taken.size(); ++i) {
      for (const auto& entry : *pending_.front()) pending_by_hash_.erase(EntryKey(entry.vote.poll, entry.entry_hash));
      pending_.pop_front();
    }
    stats_.followed += count;
    followed_cv_.notify_all();
  }
}

Status JournaledStore::WaitForLagBelowLimit() {
  std::unique_lock lock(mu_);
  // Bounded memory: a database that cannot keep up slows acknowledgements down to its own pace.
  followed_cv_.wait(lock, [&] { return stats_.logged - stats_.followed < options_.max_lag || follow_error_; });
  if (follow_error_)
    return std::unexpected(Error::Unavailable("votes cannot be recorded right now", follow_error_->ToLogString()));
  return Ok();
}

Status JournaledStore::WaitFollowed() {
  std::unique_lock lock(mu_);
  const uint64_t target = stats_.logged;
  ++readers_waiting_;
  if (stats_.followed < target) work_.notify_all();
  const bool done = followed_cv_.wait_for(lock, options_.read_wait,
                                          [&] { return stats_.followed >= target || follow_error_; });
  --readers_waiting_;
  if (follow_error_)
    return std::unexpected(Error::Unavailable("votes cannot be read right now", follow_error_->ToLogString()));
  if (!done)
    return std::unexpected(Error::Unavailable("votes cannot be read right now", "the database is behind the vote log"));
  return Ok();
}

JournaledStore::Stats JournaledStore::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::string JournaledStore::EntryKey(const PollId& poll, const store::Hash& hash) {
  std::string key = poll.value();
  key.push_back('\0');
  key.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return key;
}

Result<std::map<std::string, store::ChainTail>> JournaledStore::LoadChainTails() {
  std::lock_guard lock(mu_);
  return tails_;
}

Result<store::LedgerEntry> JournaledStore::FindEntry(const PollId& poll, const store::Hash& entry_hash) {
  {
    std::lock_guard lock(mu_);
    if (auto it = pending_by_hash_.find(EntryKey(poll, entry_hash)); it != pending_by_hash_.end()) return *it->second;
  }
  return db_->FindEntry(poll, entry_hash);
}

Result<std::map<int, uint64_t>> JournaledStore::CountVotes(const PollId& poll) {
  PANTAU_RETURN_IF_ERROR(WaitFollowed());
  return db_->CountVotes(poll);
}

Result<std::vector<std::string>> JournaledStore::LoadDeviceIds(const PollId& poll) {
  PANTAU_RETURN_IF_ERROR(WaitFollowed());
  return db_->LoadDeviceIds(poll);
}

Status JournaledStore::ScanEntries(const PollId& poll, uint64_t from,
                                   const std::function<bool(const store::LedgerEntry&)>& visit) {
  PANTAU_RETURN_IF_ERROR(WaitFollowed());
  return db_->ScanEntries(poll, from, visit);
}

Result<std::optional<store::PanelToken>> JournaledStore::FindPanelToken(const PollId& poll,
                                                                        const std::string& token_hash) {
  PANTAU_ASSIGN_OR_RETURN(auto token, db_->FindPanelToken(poll, token_hash));
  if (token && !token->used) {
    std::lock_guard lock(mu_);
    token->used = spent_tokens_.contains({poll.value(), token_hash});
  }
  return token;
}

// Polls and panel tokens are not in the log: the database keeps them, durably, itself.
Status JournaledStore::CreatePoll(const Poll& poll, const store::PollSecrets& secrets) {
  return db_->CreatePoll(poll, secrets);
}
Result<Poll> JournaledStore::GetPoll(const PollId& id) { return db_->GetPoll(id); }
Result<store::PollSecrets> JournaledStore::GetPollSecrets(const PollId& id) { return db_->GetPollSecrets(id); }
Result<std::vector<Poll>> JournaledStore::ListPolls() { return db_->ListPolls(); }
Status JournaledStore::UpdatePoll(const Poll& poll) { return db_->UpdatePoll(poll); }
Status JournaledStore::AddPanelTokens(const PollId& poll, const std::vector<std::string>& token_hashes) {
  return db_->AddPanelTokens(poll, token_hashes);
}

}  // namespace pantau::ledger

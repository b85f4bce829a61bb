#include "ledger/group_committer.h"

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <memory>
#include <set>
#include <utility>

#include "ledger/chain.h"
#include "store/chain_link.h"

namespace pantau::ledger {
namespace {

// Callbacks are the caller's code; one that throws must not take the only vote writer down with it.
template <typename Fn, typename... Args>
void CallQuietly(const Fn& fn, Args&&... args) {
  try {
    fn(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    spdlog::error("ledger: a group-commit callback threw: {}", e.what());
  }
}

// Moves the votes out of a batch of pending submissions (their callbacks stay).
std::vector<Vote> TakeVotes(auto& batch) {
  std::vector<Vote> votes;
  votes.reserve(batch.size());
  for (auto& p : batch) votes.push_back(std::move(p.vote));
  return votes;
}

// A Callback submission: a CommitWaiter of its own that deletes itself once it has been called.
class CallbackWaiter final : public CommitWaiter {
 public:
  explicit CallbackWaiter(GroupCommitter::Callback done) : done_(std::move(done)) {}
  void Committed(Result<store::LedgerEntry> entry) override {
    const std::unique_ptr<CallbackWaiter> self(this);
    done_(std::move(entry));
  }

 private:
  GroupCommitter::Callback done_;
};

}  // namespace

GroupCommitter::GroupCommitter(store::Store& store, Options options, BatchListener on_durable_batch)
    : store_(store), options_(options), on_durable_batch_(std::move(on_durable_batch)) {
  options_.max_batch = std::max<size_t>(options_.max_batch, 1);
}

GroupCommitter::~GroupCommitter() { Stop(); }

Status GroupCommitter::Start() {
  std::lock_guard lock(mu_);
  if (running_) return std::unexpected(Error::FailedPrecondition("the group committer is already running"));
  PANTAU_ASSIGN_OR_RETURN(tails_, store_.LoadChainTails());
  running_ = true;
  stopping_ = false;
  writer_ = std::thread(&GroupCommitter::Run, this);
  return Ok();
}

void GroupCommitter::Submit(Vote vote, Callback done) {
  Submit(std::move(vote), *new CallbackWaiter(std::move(done)));
}

void GroupCommitter::Submit(Vote vote, CommitWaiter& waiter) { Enqueue(Pending{std::move(vote), &waiter}); }

void GroupCommitter::Complete(Pending& p, Result<store::LedgerEntry> entry) {
  CommitWaiter* waiter = std::exchange(p.waiter, nullptr);
  CallQuietly([waiter](Result<store::LedgerEntry> e) { waiter->Committed(std::move(e)); }, std::move(entry));
}

void GroupCommitter::Enqueue(Pending p) {
  {
    std::unique_lock lock(mu_);
    if (!running_ || stopping_) {
      lock.unlock();
      Complete(p, std::unexpected(Error::Unavailable("voting is not accepting submissions right now; try again")));
      return;
    }
    if (queue_.size() >= options_.max_queue) {
      lock.unlock();
      Complete(p, std::unexpected(Error::ResourceExhausted("too many votes are waiting to be recorded; try again shortly")));
      return;
    }
    queue_.push_back(std::move(p));
  }
  wake_.notify_all();
}

void GroupCommitter::Stop() {
  std::unique_lock lock(mu_);
  if (!running_) return;
  if (stopping_) {  // another caller is draining; return when it is done
    wake_.wait(lock, [&] { return !running_; });
    return;
  }
  stopping_ = true;
  std::thread writer = std::move(writer_);
  lock.unlock();
  wake_.notify_all();
  writer.join();  // Run() returns only once the queue is empty
  lock.lock();
  running_ = false;
  stopping_ = false;
  lock.unlock();
  wake_.notify_all();
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

store::ChainTail GroupCommitter::Tail(const PollId& poll) const {
  std::lock_guard lock(mu_);
  auto it = tails_.find(poll.value());
  return it == tails_.end() ? store::ChainTail{} : it->second;
}

void GroupCommitter::Run() {
  pthread_setname_np(pthread_self(), "vote-committer");
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything queued has been completed
      batch.clear();
      if (queue_.size() <= options_.max_batch) {
        batch.swap(queue_);  // the queue keeps the previous batch's capacity: no allocation
      } else {
        const auto first = queue_.begin(), last = first + static_cast<std::ptrdiff_t>(options_.max_batch);
        batch.assign(std::make_move_iterator(first), std::make_move_iterator(last));
        queue_.erase(first, last);
      }
    }
    CommitBatch(batch);
    // Release the callbacks now, not at the next batch: a callback may hold resources of its
    // caller (an awaiting HTTP handler keeps its io_context busy until its callback is destroyed).
    batch.clear();
  }
}

void GroupCommitter::CommitBatch(std::vector<Pending>& batch) {
  std::vector<Pending> refused;
  RefuseSpentPanelTokens(batch, /*ask_store=*/false, refused);
  std::map<std::string, store::ChainTail> tails;
  std::vector<store::LedgerEntry> entries = LinkAll(TakeVotes(batch), tails);
  Status status = Append(entries);
  const bool has_panel_votes = std::any_of(entries.begin(), entries.end(),
                                           [](const auto& e) { return !e.vote.panel_token_hash.empty(); });
  if (!status && status.error().code == ErrorCode::kFailedPrecondition && has_panel_votes) {
    // Most likely a token spent by an earlier batch: find which, leave them out, and try once more.
    for (size_t i = 0; i < batch.size(); ++i) batch[i].vote = std::move(entries[i].vote);
    RefuseSpentPanelTokens(batch, /*ask_store=*/true, refused);
    tails.clear();
    entries = LinkAll(TakeVotes(batch), tails);
    status = Append(entries);
  }
  for (auto& p : refused) Complete(p, std::unexpected(store::PanelTokenSpent()));

  if (!status) {
    spdlog::error("ledger: a batch of {} votes was not recorded: {}", entries.size(),
                  status.error().ToLogString());
    ReloadTails();
    {
      std::lock_guard lock(mu_);
      ++stats_.failed_batches;
    }
    const Error unavailable =
        Error::Unavailable("the vote could not be recorded; try again", status.error().ToLogString());
    for (auto& p : batch) Complete(p, std::unexpected(unavailable));
    return;
  }
  if (entries.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (auto& [poll, tail] : tails) tails_[poll] = tail;
    ++stats_.batches;
    stats_.votes += entries.size();
    stats_.largest_batch = std::max(stats_.largest_batch, entries.size());
  }
  if (on_durable_batch_) CallQuietly(on_durable_batch_, entries);
  for (size_t i = 0; i < batch.size(); ++i) Complete(batch[i], std::move(entries[i]));
}

std::vector<store::LedgerEntry> GroupCommitter::LinkAll(std::vector<Vote> votes,
                                                        std::map<std::string, store::ChainTail>& tails) const {
  std::vector<store::LedgerEntry> entries;
  entries.reserve(votes.size());
  for (Vote& vote : votes) {
    auto it = tails.find(vote.poll.value());
    if (it == tails.end()) {
      // tails_ is written only by this (the writer) thread, so reading it without mu_ is safe here.
      auto stored = tails_.find(vote.poll.value());
      it = tails.emplace(vote.poll.value(), stored == tails_.end() ? store::ChainTail{} : stored->second).first;
    }
    entries.push_back(Link(it->second, std::move(vote)));
    it->second = store::ChainTail{entries.back().vote.seq, entries.back().entry_hash};
  }
  return entries;
}

void GroupCommitter::ReloadTails() {
  auto stored = store_.LoadChainTails();
  if (!stored) {
    spdlog::warn("ledger: could not reload chain tails after a failed batch: {}", stored.error().ToLogString());
    return;
  }
  std::lock_guard lock(mu_);
  if (*stored != tails_) spdlog::error("ledger: the stored chain tails moved outside this committer; continuing from them");
  tails_ = std::move(*stored);
}

Status GroupCommitter::Append(const std::vector<store::LedgerEntry>& entries) {
  if (entries.empty()) return Ok();
  try {
    return store_.AppendVotes(entries);
  } catch (const std::exception& e) {
    return std::unexpected(Error::Internal(std::string("AppendVotes threw: ") + e.what()));
  }
}

void GroupCommitter::RefuseSpentPanelTokens(std::vector<Pending>& batch, bool ask_store,
                                            std::vector<Pending>& refused) {
  std::set<std::pair<std::string, std::string>> spent_here;
  std::vector<Pending> kept;
  kept.reserve(batch.size());
  for (auto& p : batch) {
    const std::string& token = p.vote.panel_token_hash;
    bool spent = false;
    if (!token.empty()) {
      spent = !spent_here.emplace(p.vote.poll.value(), token).second;
      if (!spent && ask_store) {
        auto found = store_.FindPanelToken(p.vote.poll, token);
        // A read error is not proof of misuse: keep the vote, and let the retry fail if it must.
        spent = found && (!found->has_value() || (*found)->used);
      }
    }
    if (spent) {
      spdlog::warn("ledger: refused a vote for poll {} with a spent or unknown panel token", p.vote.poll.value());
      refused.push_back(std::move(p));
    } else {
      kept.push_back(std::move(p));
    }
  }
  batch = std::move(kept);
}

}  // namespace pantau::ledger

#include "ledger/journaled_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

#include "store/chain_link.h"

namespace pantau::ledger {
namespace {

constexpr size_t kCopyChunk = 4096;     // entries per log append when copying the database's votes
constexpr uint64_t kScanChunk = 1024;   // locations taken from the index per lock by a scan
constexpr size_t kScanWindow = 256 << 10;
constexpr size_t kFrameGuess = 512;     // a frame's usual size, to size a short scan's reads

Error Diverged(std::string detail) {
  return Error::DataLoss("the database and the vote log disagree", std::move(detail));
}

Error LogDamaged(std::string detail) { return Error::DataLoss("the vote log is damaged", std::move(detail)); }


}  // namespace

JournaledStore::JournaledStore(std::unique_ptr<store::Store> database, std::unique_ptr<SegmentLog> log)
    : db_(std::move(database)), log_(std::move(log)) {}

JournaledStore::~JournaledStore() = default;

Result<std::unique_ptr<JournaledStore>> JournaledStore::Open(std::unique_ptr<store::Store> database,
                                                             const std::string& log_dir) {
  return Open(std::move(database), log_dir, Options{});
}

Result<std::unique_ptr<JournaledStore>> JournaledStore::Open(std::unique_ptr<store::Store> database,
                                                             const std::string& log_dir, Options options) {
  // A database that has had a vote log must find that very log: its votes are nowhere else. Checked
  // before the log is opened, because opening creates a missing one.
  PANTAU_ASSIGN_OR_RETURN(const std::optional<std::string> recorded, RecordedVoteLog(*database, log_dir));
  PANTAU_ASSIGN_OR_RETURN(auto log, SegmentLog::Open(log_dir, options.log));
  std::unique_ptr<JournaledStore> store(new JournaledStore(std::move(database), std::move(log)));
  PANTAU_RETURN_IF_ERROR(store->Load());
  if (!recorded) PANTAU_RETURN_IF_ERROR(store->db_->PutSetting(kVoteLogIdSetting, store->log_->id()));
  return store;
}

Result<std::optional<std::string>> RecordedVoteLog(store::Store& database, const std::string& log_dir) {
  auto recorded = database.GetSetting(kVoteLogIdSetting);
  if (!recorded) {
    if (recorded.error().code != ErrorCode::kNotFound) return std::unexpected(recorded.error());
    return std::optional<std::string>();
  }
  auto found = SegmentLog::ReadId(log_dir);
  if (!found && found.error().code != ErrorCode::kNotFound) return std::unexpected(found.error());
  if (!found)
    return std::unexpected(Error::DataLoss(
        "the database's vote log is missing",
        fmt::format("the database keeps its votes in vote log {} at {}, which is not there; restore that "
                    "directory together with the database", *recorded, log_dir)));
  if (*found != *recorded)
    return std::unexpected(Error::DataLoss(
        "the vote log belongs to another database",
        fmt::format("{} is vote log {}, but the database keeps its votes in vote log {}", log_dir, *found, *recorded)));
  return std::optional<std::string>(std::move(*recorded));
}

Status JournaledStore::Load() {
  // 1. One scan of the log: every chain must hold together; the index is built as it goes.
  Status built = Ok();
  PANTAU_RETURN_IF_ERROR(log_->Scan([&](const store::LedgerEntry& entry, LogLocation at) {
    if (auto linked = store::CheckContinues(entry, index_.Tail(entry.vote.poll.value())); !linked) {
      built = std::unexpected(LogDamaged(linked.error().detail));
      return false;
    }
    if (!VoteIndex::Fits(at)) {
      built = std::unexpected(Error::Internal(fmt::format(
          "the vote log is too large to index: segment {} offset {}", at.segment, at.offset)));
      return false;
    }
    index_.Add(entry, at);
    return true;
  }));
  PANTAU_RETURN_IF_ERROR(built);
  // 2. Every logged poll must exist in the database.
  for (const auto& [poll, tail] : index_.Tails()) {
    if (auto found = RequirePoll(PollId{poll}); !found) {
      if (found.error().code != ErrorCode::kNotFound) return found;
      return std::unexpected(Diverged(fmt::format("the vote log holds votes of poll {}, which the database lacks", poll)));
    }
  }
  PANTAU_RETURN_IF_ERROR(SettleDatabaseVotes());
  spdlog::info("vote log: {} votes indexed ({:.1f} MiB in memory)", index_.entries(),
               static_cast<double>(index_.MemoryBytes()) / (1 << 20));
  return Ok();
}

Status JournaledStore::SettleDatabaseVotes() {
  PANTAU_ASSIGN_OR_RETURN(const auto db_tails, db_->LoadChainTails());
  SegmentLog::Reader reader(*log_);
  uint64_t copied = 0;
  for (const auto& [poll_id, db_tail] : db_tails) {
    const PollId poll{poll_id};
    store::ChainTail tail = index_.Tail(poll_id);
    if (db_tail.seq <= tail.seq) {
      // Followed into the database by a previous version: it must be a prefix of the log's chain (the
      // entry hash at its tail commits to everything before it). Ignored from here on.
      std::vector<LogLocation> at;
      index_.Locations(poll_id, db_tail.seq, db_tail.seq, at);
      PANTAU_ASSIGN_OR_RETURN(auto logged, ReadIndexed(reader, at.front(), poll, db_tail.seq));
      if (logged.entry_hash != db_tail.hash)
        return std::unexpected(Diverged(fmt::format("poll {} seq {} has different entries", poll_id, db_tail.seq)));
      continue;
    }
    // A database from before the log (or a copy a crash interrupted): the log takes what it lacks.
    std::vector<store::LedgerEntry> chunk;
    Status status = Ok();
    auto flush = [&] {
      if (status && !chunk.empty()) status = AppendToLog(chunk);
      copied += chunk.size();
      chunk.clear();
      return status.has_value();
    };
    PANTAU_RETURN_IF_ERROR(db_->ScanEntries(poll, tail.seq + 1, [&](const store::LedgerEntry& entry) {
      if (auto linked = store::CheckContinues(entry, tail); !linked) {
        status = std::unexpected(Diverged(linked.error().detail));
        return false;
      }
      tail = store::ChainTail{entry.vote.seq, entry.entry_hash};
      chunk.push_back(entry);
      return chunk.size() < kCopyChunk || flush();
    }));
    flush();
    PANTAU_RETURN_IF_ERROR(status);
  }
  if (copied > 0) spdlog::info("vote log: copied {} votes from the database into the log", copied);
  return Ok();
}

Result<std::string> JournaledStore::GetSetting(const std::string& key) { return db_->GetSetting(key); }

Status JournaledStore::PutSetting(const std::string& key, const std::string& value) {
  if (key == kVoteLogIdSetting)
    return std::unexpected(Error::InvalidArgument(fmt::format("the setting {} belongs to the vote log", key)));
  return db_->PutSetting(key, value);
}

Status JournaledStore::RequirePoll(const PollId& poll) {
  {
    std::lock_guard lock(mu_);
    if (known_polls_.contains(poll.value())) return Ok();
  }
  PANTAU_RETURN_IF_ERROR(db_->GetPoll(poll));  // polls are never deleted: a poll once found stays
  std::lock_guard lock(mu_);
  known_polls_.insert(poll.value());
  return Ok();
}

Status JournaledStore::CheckBatch(const std::vector<store::LedgerEntry>& batch) {
  std::map<std::string, store::ChainTail, std::less<>> advanced;
  std::set<std::pair<std::string, std::string>> tokens_here;
  for (const store::LedgerEntry& entry : batch) {
    const Vote& v = entry.vote;
    PANTAU_RETURN_IF_ERROR(RequirePoll(v.poll));
    auto it = advanced.find(v.poll.value());
    if (it == advanced.end()) {
      std::lock_guard lock(mu_);
      it = advanced.emplace(v.poll.value(), index_.Tail(v.poll.value())).first;
    }
    PANTAU_RETURN_IF_ERROR(store::CheckContinues(entry, it->second));
    if (!v.panel_token_hash.empty()) {
      bool spent = !tokens_here.emplace(v.poll.value(), v.panel_token_hash).second;
      if (!spent) {
        std::lock_guard lock(mu_);
        spent = index_.Spent(v.poll.value(), v.panel_token_hash);
      }
      if (!spent) {
        PANTAU_ASSIGN_OR_RETURN(auto stored, db_->FindPanelToken(v.poll, v.panel_token_hash));
        spent = !stored.has_value() || stored->used;
      }
      if (spent) return std::unexpected(store::PanelTokenSpent());
    }
    it->second = store::ChainTail{v.seq, entry.entry_hash};
  }
  return Ok();
}

Status JournaledStore::AppendToLog(const std::vector<store::LedgerEntry>& batch) {
  std::vector<LogLocation> where;
  PANTAU_RETURN_IF_ERROR(log_->Append(batch, where));
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < batch.size(); ++i) index_.Add(batch[i], where[i]);
  return Ok();
}

Status JournaledStore::AppendVotes(const std::vector<store::LedgerEntry>& batch) {
  if (batch.empty()) return Ok();
  std::lock_guard append_lock(append_mu_);
  PANTAU_RETURN_IF_ERROR(CheckBatch(batch));
  // The index packs locations (vote_index.h): refuse before a frame could land where it cannot point.
  if (!VoteIndex::Fits(LogLocation{log_->stats().segments + 1, 0}))
    return std::unexpected(Error::Unavailable("votes cannot be recorded right now", "the vote log is full"));
  return AppendToLog(batch);
}

Result<store::LedgerEntry> JournaledStore::ReadIndexed(SegmentLog::Reader& reader, LogLocation at, const PollId& poll,
                                                       uint64_t seq) {
  PANTAU_ASSIGN_OR_RETURN(store::LedgerEntry entry, reader.Read(at));
  if (entry.vote.poll != poll || entry.vote.seq != seq)
    return std::unexpected(LogDamaged(fmt::format("segment {} byte {} holds poll {} seq {}, not poll {} seq {}",
                                                  at.segment, at.offset, entry.vote.poll.value(), entry.vote.seq,
                                                  poll.value(), seq)));
  return entry;
}

Result<std::map<std::string, store::ChainTail>> JournaledStore::LoadChainTails() {
  std::lock_guard lock(mu_);
  return index_.Tails();
}

Result<store::LedgerEntry> JournaledStore::FindEntry(const PollId& poll, const store::Hash& entry_hash) {
  std::vector<LogLocation> candidates;
  {
    std::lock_guard lock(mu_);
    index_.Candidates(entry_hash, candidates);
  }
  SegmentLog::Reader reader(*log_);
  for (const LogLocation& at : candidates) {
    PANTAU_ASSIGN_OR_RETURN(store::LedgerEntry entry, reader.Read(at));
    if (entry.entry_hash == entry_hash && entry.vote.poll == poll) return entry;
  }
  return std::unexpected(Error::NotFound("no vote has this receipt", "entry-not-found"));
}

Result<std::map<int, uint64_t>> JournaledStore::CountVotes(const PollId& poll) {
  PANTAU_RETURN_IF_ERROR(RequirePoll(poll));
  std::lock_guard lock(mu_);
  return index_.Counts(poll.value());
}

Result<std::vector<std::string>> JournaledStore::LoadDeviceIds(const PollId& poll) {
  std::unordered_set<std::string> seen;
  PANTAU_RETURN_IF_ERROR(ScanEntries(poll, 1, [&](const store::LedgerEntry& e) {
    if (!e.vote.device_id.empty()) seen.insert(e.vote.device_id);
    return true;
  }));
  return std::vector<std::string>(seen.begin(), seen.end());
}

Status JournaledStore::ScanEntries(const PollId& poll, uint64_t from,
                                   const std::function<bool(const store::LedgerEntry&)>& visit) {
  PANTAU_RETURN_IF_ERROR(RequirePoll(poll));
  uint64_t last = 0;
  {
    std::lock_guard lock(mu_);
    last = index_.Tail(poll.value()).seq;  // the snapshot: entries appended from now on are not visited
  }
  uint64_t seq = std::max<uint64_t>(from, 1);
  if (seq > last) return Ok();
  SegmentLog::Reader reader(*log_, static_cast<size_t>(std::min<uint64_t>(kScanWindow, (last - seq + 1) * kFrameGuess)));
  std::vector<LogLocation> chunk;
  while (seq <= last) {
    {
      std::lock_guard lock(mu_);
      index_.Locations(poll.value(), seq, std::min(last, seq + kScanChunk - 1), chunk);
    }
    for (const LogLocation& at : chunk) {
      PANTAU_ASSIGN_OR_RETURN(store::LedgerEntry entry, ReadIndexed(reader, at, poll, seq));
      if (!visit(entry)) return Ok();
      ++seq;
    }
  }
  return Ok();
}

Result<std::optional<store::PanelToken>> JournaledStore::FindPanelToken(const PollId& poll,
                                                                        const std::string& token_hash) {
  PANTAU_ASSIGN_OR_RETURN(auto token, db_->FindPanelToken(poll, token_hash));
  if (token && !token->used) {
    std::lock_guard lock(mu_);
    token->used = index_.Spent(poll.value(), token_hash);
  }
  return token;
}

JournaledStore::Stats JournaledStore::stats() const {
  std::lock_guard lock(mu_);
  return Stats{index_.entries(), index_.MemoryBytes()};
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

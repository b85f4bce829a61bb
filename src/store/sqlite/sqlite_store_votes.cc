// SqliteStore: votes (the group-commit sink and the reads over the vote log).
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "store/chain_link.h"
#include "store/sqlite/internal/connection.h"
#include "store/sqlite/internal/reader_pool.h"
#include "store/sqlite/internal/rows.h"
#include "store/sqlite/internal/store_queries.h"
#include "store/sqlite/sqlite_store.h"

namespace pantau::store {

using internal::Connection;
using internal::Transaction;

namespace {

// Checks that `entry` follows `tail` and, for panel votes, spends its token. Called inside the write
// transaction, so a failure rolls back everything before it.
Status CheckAndSpend(Connection& conn, const LedgerEntry& entry, const ChainTail& tail) {
  const Vote& v = entry.vote;
  PANTAU_RETURN_IF_ERROR(CheckContinues(entry, tail));
  if (v.panel_token_hash.empty()) return Ok();
  PANTAU_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(
      "UPDATE panel_tokens SET used = 1 WHERE poll_id = ?1 AND token_hash = ?2 AND used = 0"));
  stmt->BindText(1, v.poll.value());
  stmt->BindText(2, v.panel_token_hash);
  PANTAU_RETURN_IF_ERROR(stmt->Run());
  if (conn.changes() != 1) return std::unexpected(PanelTokenSpent());
  return Ok();
}

// Runs a SELECT of kVoteColumns and hands each decoded entry to `visit` until it returns false.
Status VisitEntries(internal::Statement& stmt, const std::function<bool(const LedgerEntry&)>& visit) {
  for (;;) {
    PANTAU_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Ok();
    PANTAU_ASSIGN_OR_RETURN(LedgerEntry entry, internal::ReadEntry(stmt));
    if (!visit(entry)) return Ok();
  }
}

}  // namespace

Status SqliteStore::AppendVotes(const std::vector<LedgerEntry>& batch) {
  PANTAU_RETURN_IF_ERROR(RequireWritable());
  if (batch.empty()) return Ok();
  std::lock_guard lock(write_mu_);
  PANTAU_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*writer_, Transaction::Kind::kWrite));
  PANTAU_ASSIGN_OR_RETURN(auto insert, writer_->Prepare(fmt::format(
      "INSERT INTO votes ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
      internal::kVoteColumns)));
  std::map<std::string, ChainTail, std::less<>> tails;  // each poll's tail as the batch advances it
  for (const LedgerEntry& entry : batch) {
    const Vote& v = entry.vote;
    auto it = tails.find(v.poll.value());
    if (it == tails.end()) {
      PANTAU_RETURN_IF_ERROR(internal::RequirePoll(*writer_, v.poll));
      PANTAU_ASSIGN_OR_RETURN(ChainTail stored, internal::LoadTail(*writer_, v.poll));
      it = tails.emplace(v.poll.value(), stored).first;
    }
    PANTAU_RETURN_IF_ERROR(CheckAndSpend(*writer_, entry, it->second));
    internal::BindEntry(*insert, entry);
    if (auto s = insert->Run(); !s) {
      if (!insert->constraint_violation()) return s;
      // The schema's own guards (a duplicate entry hash or spent panel token): refuse, write nothing.
      Error e = Error::FailedPrecondition("the batch conflicts with stored votes", "vote-conflict");
      e.detail = s.error().detail;
      return std::unexpected(std::move(e));
    }
    insert->Reset();
    it->second = ChainTail{v.seq, entry.entry_hash};
  }
  return tx.Commit();
}

Result<std::map<std::string, ChainTail>> SqliteStore::LoadChainTails() {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  // Two primary-key probes per poll, never a scan of the votes: CROSS JOIN makes SQLite keep polls as
  // the outer loop (with a plain JOIN its planner chose to scan every vote).
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(
      "SELECT v.poll_id, v.seq, v.entry_hash FROM polls p CROSS JOIN votes v ON v.poll_id = p.id "
      "AND v.seq = (SELECT seq FROM votes WHERE poll_id = p.id ORDER BY seq DESC LIMIT 1)"));
  std::map<std::string, ChainTail> tails;
  for (;;) {
    PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    const std::vector<uint8_t> hash = stmt->ColumnBlob(2);
    ChainTail tail;
    if (stmt->ColumnInt(1) < 1 || hash.size() != tail.hash.size())
      return std::unexpected(Error::DataLoss("stored data is damaged", "a chain tail is malformed"));
    tail.seq = static_cast<uint64_t>(stmt->ColumnInt(1));
    std::copy(hash.begin(), hash.end(), tail.hash.begin());
    tails.emplace(stmt->ColumnText(0), tail);
  }
  return tails;
}

Result<LedgerEntry> SqliteStore::FindEntry(const PollId& poll, const Hash& entry_hash) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(fmt::format(
      "SELECT {} FROM votes WHERE substr(entry_hash, 1, 8) = substr(?2, 1, 8) AND entry_hash = ?2 AND poll_id = ?1",
      internal::kVoteColumns)));
  stmt->BindText(1, poll.value());
  stmt->BindBlob(2, entry_hash);
  PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::unexpected(Error::NotFound("no vote has this receipt", "entry-not-found"));
  return internal::ReadEntry(*stmt);
}

Result<std::map<int, uint64_t>> SqliteStore::CountVotes(const PollId& poll) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto snapshot, Transaction::Begin(*reader, Transaction::Kind::kRead));
  PANTAU_RETURN_IF_ERROR(internal::RequirePoll(*reader, poll));
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(
      "SELECT choice, COUNT(*) FROM votes WHERE poll_id = ?1 GROUP BY choice"));
  stmt->BindText(1, poll.value());
  std::map<int, uint64_t> counts;
  for (;;) {
    PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    counts[static_cast<int>(stmt->ColumnInt(0))] = static_cast<uint64_t>(stmt->ColumnInt(1));
  }
  return counts;
}

Result<std::vector<std::string>> SqliteStore::LoadDeviceIds(const PollId& poll) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  PANTAU_ASSIGN_OR_RETURN(auto snapshot, Transaction::Begin(*reader, Transaction::Kind::kRead));
  PANTAU_RETURN_IF_ERROR(internal::RequirePoll(*reader, poll));
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(
      "SELECT DISTINCT device_id FROM votes WHERE poll_id = ?1 AND device_id <> ''"));
  stmt->BindText(1, poll.value());
  std::vector<std::string> ids;
  for (;;) {
    PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    ids.push_back(stmt->ColumnText(0));
  }
  return ids;
}

Status SqliteStore::ScanEntries(const PollId& poll, uint64_t from,
                                const std::function<bool(const LedgerEntry&)>& visit) {
  PANTAU_ASSIGN_OR_RETURN(auto reader, readers_->Acquire());
  // One read transaction: the poll check and every row come from the same snapshot, however long the
  // visitor takes (the WAL cannot be checkpointed past it meanwhile).
  PANTAU_ASSIGN_OR_RETURN(auto snapshot, Transaction::Begin(*reader, Transaction::Kind::kRead));
  PANTAU_RETURN_IF_ERROR(internal::RequirePoll(*reader, poll));
  PANTAU_ASSIGN_OR_RETURN(auto stmt, reader->Prepare(fmt::format(
      "SELECT {} FROM votes WHERE poll_id = ?1 AND seq >= ?2 ORDER BY seq", internal::kVoteColumns)));
  stmt->BindText(1, poll.value());
  constexpr uint64_t kMaxSeq = std::numeric_limits<int64_t>::max();
  stmt->BindInt(2, static_cast<int64_t>(std::clamp<uint64_t>(from, 1, kMaxSeq)));
  return VisitEntries(*stmt, visit);
}

}  // namespace pantau::store

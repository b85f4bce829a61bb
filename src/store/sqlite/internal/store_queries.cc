#include "store/sqlite/internal/store_queries.h"

#include <algorithm>

namespace pantau::store::internal {

Error PollNotFound() { return Error::NotFound("poll not found", "poll-not-found"); }

Result<bool> PollExists(Connection& conn, const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(auto stmt, conn.Prepare("SELECT 1 FROM polls WHERE id = ?1"));
  stmt->BindText(1, id.value());
  return stmt->Step();
}

Status RequirePoll(Connection& conn, const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(bool exists, PollExists(conn, id));
  if (!exists) return std::unexpected(PollNotFound());
  return Ok();
}

Result<ChainTail> LoadTail(Connection& conn, const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(
      "SELECT seq, entry_hash FROM votes WHERE poll_id = ?1 ORDER BY seq DESC LIMIT 1"));
  stmt->BindText(1, id.value());
  PANTAU_ASSIGN_OR_RETURN(bool row, stmt->Step());
  ChainTail tail;
  if (!row) return tail;
  const std::vector<uint8_t> hash = stmt->ColumnBlob(1);
  if (stmt->ColumnInt(0) < 1 || hash.size() != tail.hash.size())
    return std::unexpected(
        Error::DataLoss("stored data is damaged", "the chain tail of poll " + id.value() + " is malformed"));
  tail.seq = static_cast<uint64_t>(stmt->ColumnInt(0));
  std::copy(hash.begin(), hash.end(), tail.hash.begin());
  return tail;
}

}  // namespace pantau::store::internal

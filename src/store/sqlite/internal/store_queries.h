// Small queries SqliteStore runs on whichever connection holds the current transaction.
#pragma once

#include "core/error.h"
#include "core/ids.h"
#include "store/sqlite/internal/connection.h"
#include "store/store.h"

namespace pantau::store::internal {

Error PollNotFound();
Result<bool> PollExists(Connection& conn, const PollId& id);
// NotFound when the poll does not exist.
Status RequirePoll(Connection& conn, const PollId& id);
// The poll's last entry as a tail (empty when it has no votes).
Result<ChainTail> LoadTail(Connection& conn, const PollId& id);

}  // namespace pantau::store::internal

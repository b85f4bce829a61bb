// The linkage check every Store::AppendVotes makes: an entry must continue its poll's chain tail
// (seq = tail seq + 1, prev_hash = the tail's entry hash). Hash contents are ledger::ChainVerifier's job.
#pragma once

#include <fmt/format.h>

#include "core/error.h"
#include "store/store.h"

namespace pantau::store {

inline Status CheckContinues(const LedgerEntry& entry, const ChainTail& tail) {
  const Vote& v = entry.vote;
  if (v.seq == tail.seq + 1 && entry.prev_hash == tail.hash) return Ok();
  Error e = Error::FailedPrecondition("the batch does not continue the poll's chain", "chain-mismatch");
  e.detail = fmt::format("poll {}: entry seq {} after tail seq {}{}", v.poll.value(), v.seq, tail.seq,
                         entry.prev_hash != tail.hash ? " (prev_hash differs from the tail's hash)" : "");
  return std::unexpected(std::move(e));
}

inline Error PanelTokenSpent() {
  return Error::FailedPrecondition("the panel token is unknown or already used", "panel-token-used");
}

}  // namespace pantau::store

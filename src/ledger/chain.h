// The hash chain: each vote's ledger entry commits to the previous entry's hash and to every stored
// field of the vote, so changing, removing or reordering any stored vote breaks every later link.
//   entry_hash = BLAKE2b-256("pantau-ledger-v1" || prev_hash || canonical(vote))
// canonical(vote) is a fixed-order, length-prefixed binary encoding (see chain.cc), independent of
// storage, so an export can be verified without the database.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/vote.h"
#include "store/store.h"

namespace pantau::ledger {

using store::Hash;
using store::LedgerEntry;

// The entry hash of `vote` (vote.seq included) following `prev`.
Hash EntryHash(const Hash& prev, const Vote& vote);

// Builds the entry that follows `tail`: assigns seq = tail.seq + 1, links and hashes.
LedgerEntry Link(const store::ChainTail& tail, Vote vote);

std::string ToHex(const Hash& hash);
// 64 hex characters; InvalidArgument otherwise.
Result<Hash> HashFromHex(std::string_view hex);

// Checks a poll's entries in order, one at a time; remembers the first broken link.
//   ChainVerifier v;  store.ScanEntries(poll, 1, [&](auto& e){ return v.Add(e); });
//   if (v.broken()) ... v.broken()->seq, v.broken()->reason
class ChainVerifier {
 public:
  struct Break {
    uint64_t seq = 0;       // the entry where the chain first fails
    std::string reason;     // "entry hash does not match its contents", "seq gap", ...
  };
  // Returns false once the chain is broken (so it can be used directly as a scan visitor).
  bool Add(const LedgerEntry& entry);
  uint64_t verified() const { return verified_; }
  const std::optional<Break>& broken() const { return broken_; }
  const store::ChainTail& tail() const { return tail_; }

 private:
  store::ChainTail tail_;
  uint64_t verified_ = 0;
  std::optional<Break> broken_;
};

}  // namespace pantau::ledger

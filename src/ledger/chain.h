// The hash chain: each vote's ledger entry commits to the previous entry's hash and to every stored
// field of the vote, so changing, removing or reordering any stored vote breaks every later link.
//
//   entry_hash = BLAKE2b-256(domain || prev_hash || canonical(vote))      (unkeyed, 32-byte output)
//     domain     the 16 ASCII bytes "pantau-ledger-v1" (no length prefix, no terminator)
//     prev_hash  32 bytes: the previous entry's entry_hash; 32 zero bytes for seq 1
//     canonical  16 fields in this order, each as u32 little-endian byte length, then the bytes:
//        1 poll id                 UTF-8
//        2 seq                     u64 little-endian (8 bytes)
//        3 time                    i64 little-endian Unix milliseconds, UTC (8 bytes, two's complement)
//        4 choice                  i32 little-endian (4 bytes)
//        5 tier                    name: "open" | "panel" | "verified"
//        6 device_id               UTF-8
//        7 network prefix          UTF-8, as stored ("203.0.113.0/24", "2001:db8:1::/48")
//        8 ip_hash                 UTF-8 (lowercase hex)
//        9 asn                     u32 little-endian (4 bytes)
//       10 network class           name: "unknown" | "government" | "mobile" | "fixed" | "hosting"
//       11 user-agent browser      UTF-8
//       12 user-agent os           UTF-8
//       13 user-agent device class name: "unknown" | "phone" | "tablet" | "desktop" | "bot"
//       14 share_token             UTF-8
//       15 referrer_host           UTF-8
//       16 panel_token_hash        UTF-8 (empty unless the vote spent a panel token)
//     Integers are length-prefixed too (4 00 00 00 / 8 00 00 00), so every field reads the same way.
//     An empty string is the 4-byte length 0 and nothing else.
// The encoding is independent of storage: an export with these fields and the two hashes can be
// verified without the database. A chain only proves what is in it: dropping the newest entries is
// detected only against a tail published or receipted earlier.
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

// The domain prefix of every entry hash.
inline constexpr std::string_view kLedgerDomain = "pantau-ledger-v1";

// canonical(vote) as described above (exposed for tests and for third-party verifiers to compare).
std::string CanonicalEncoding(const Vote& vote);
// Appends canonical(vote) to `out` (the vote log stores votes in this encoding).
void AppendCanonical(std::string& out, const Vote& vote);
// The inverse of CanonicalEncoding: DataLoss naming the field when `bytes` is not exactly one encoding.
Result<Vote> DecodeCanonical(std::string_view bytes);

// The entry hash of `vote` (vote.seq included) following `prev`. Thread-safe.
Hash EntryHash(const Hash& prev, const Vote& vote);

// Builds the entry that follows `tail`: assigns seq = tail.seq + 1, links and hashes.
LedgerEntry Link(const store::ChainTail& tail, Vote vote);

std::string ToHex(const Hash& hash);
// 64 hex characters; InvalidArgument otherwise.
Result<Hash> HashFromHex(std::string_view hex);

// Checks a poll's entries in order, one at a time; remembers the first broken link. Each entry must
// belong to the same poll as the first, have seq = previous seq + 1, carry the previous entry_hash as
// its prev_hash, and hash (EntryHash) to its entry_hash; checked in that order.
//   ChainVerifier v;  store.ScanEntries(poll, 1, [&](auto& e){ return v.Add(e); });
//   if (v.broken()) ... v.broken()->seq, v.broken()->reason
class ChainVerifier {
 public:
  // Starts before seq 1 (empty tail), or after a trusted `start` to verify from the middle of a chain.
  ChainVerifier() = default;
  explicit ChainVerifier(const store::ChainTail& start) : tail_(start) {}

  struct Break {
    uint64_t seq = 0;       // the seq carried by the first entry that fails a check
    std::string reason;     // "entry hash does not match its contents", "seq gap", ...
  };
  // Returns false once the chain is broken (so it can be used directly as a scan visitor).
  bool Add(const LedgerEntry& entry);
  uint64_t verified() const { return verified_; }
  const std::optional<Break>& broken() const { return broken_; }
  const store::ChainTail& tail() const { return tail_; }

 private:
  store::ChainTail tail_;
  std::optional<PollId> poll_;  // set by the first entry
  uint64_t verified_ = 0;
  std::optional<Break> broken_;
};

}  // namespace pantau::ledger

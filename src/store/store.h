// Store: the durable home of polls, votes (with their ledger hashes) and panel tokens. One interface,
// with an SQLite implementation (store/sqlite, always) and a PostgreSQL one (store/postgres, later).
//
// Contract shared by every implementation:
//   - A call that returns success has made its writes durable (fsync-covered); AppendVotes is the
//     group-commit sink, one durable transaction per batch.
//   - Failure leaves stored data unchanged (each call is one transaction).
//   - Implementations are thread-safe: any thread may call any method. The group committer is the only
//     writer of votes, so AppendVotes is never called concurrently with itself.
//   - Secrets (PollSecrets) are returned only by GetPollSecrets.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/poll.h"
#include "core/vote.h"

namespace pantau::store {

using Hash = std::array<uint8_t, 32>;

// A vote as the ledger recorded it: the vote plus its place in the poll's hash chain.
struct LedgerEntry {
  Vote vote;        // vote.seq is the 1-based position in the poll's chain
  Hash prev_hash{}; // all zero for seq 1
  Hash entry_hash{};
  bool operator==(const LedgerEntry&) const = default;
};

// Per-poll secrets; never leave the server.
struct PollSecrets {
  std::string owner_key_hash;           // hex hash of the owner key (crypto::HashSecret)
  std::vector<uint8_t> ip_hash_key;     // 32 random bytes; destroying it unlinks the ip hashes
};

// The end of a poll's chain: what the next vote commits to.
struct ChainTail {
  uint64_t seq = 0;  // 0 = empty chain
  Hash hash{};       // all zero when empty
};

struct PanelToken {
  std::string token_hash;  // hex hash of the token (crypto::HashSecret)
  bool used = false;
};

class Store {
 public:
  virtual ~Store() = default;

  // Polls. CreatePoll fails with AlreadyExists when the id is taken.
  virtual Status CreatePoll(const Poll& poll, const PollSecrets& secrets) = 0;
  virtual Result<Poll> GetPoll(const PollId& id) = 0;                 // NotFound
  virtual Result<PollSecrets> GetPollSecrets(const PollId& id) = 0;   // NotFound
  virtual Result<std::vector<Poll>> ListPolls() = 0;                  // newest first
  // Replaces the mutable fields (title, options, times, visibility, methodology, owner); NotFound.
  virtual Status UpdatePoll(const Poll& poll) = 0;

  // Votes. AppendVotes writes a batch (any mix of polls, each poll's entries in seq order and
  // continuing its chain) in one durable transaction. It also marks each vote's panel token used
  // (FailedPrecondition, and nothing written, if one was already used) .
  virtual Status AppendVotes(const std::vector<LedgerEntry>& batch) = 0;
  // The tail of every poll's chain, for the ledger to continue after a restart.
  virtual Result<std::map<std::string, ChainTail>> LoadChainTails() = 0;
  // Entry by its hash (receipt lookup); NotFound.
  virtual Result<LedgerEntry> FindEntry(const PollId& poll, const Hash& entry_hash) = 0;
  // Votes per option number, counted in the store (used at start-up and to cross-check memory).
  virtual Result<std::map<int, uint64_t>> CountVotes(const PollId& poll) = 0;
  // Every device id that has voted in the poll (to enforce one vote per device after a restart).
  virtual Result<std::vector<std::string>> LoadDeviceIds(const PollId& poll) = 0;
  // Visits the poll's entries in seq order, from seq `from` (1-based); stops early when the visitor
  // returns false. Used by export and verify; streams, never loads the whole log.
  virtual Status ScanEntries(const PollId& poll, uint64_t from,
                             const std::function<bool(const LedgerEntry&)>& visit) = 0;

  // Panel tokens (assurance tier "panel"). AddPanelTokens ignores hashes already present.
  virtual Status AddPanelTokens(const PollId& poll, const std::vector<std::string>& token_hashes) = 0;
  virtual Result<std::optional<PanelToken>> FindPanelToken(const PollId& poll, const std::string& token_hash) = 0;
};

}  // namespace pantau::store

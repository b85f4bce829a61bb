// Store: the durable home of polls, votes (with their ledger hashes) and panel tokens. One interface,
// with an SQLite implementation (store/sqlite, always) and a PostgreSQL one (store/postgres, later).
//
// Contract shared by every implementation:
//   - A call that returns success has made its writes durable (fsync-covered); AppendVotes is the
//     group-commit sink, one durable transaction per batch.
//   - Failure leaves stored data unchanged (each call is one transaction).
//   - Reads see every write that returned before them began; a read never waits for an AppendVotes in
//     progress (it sees the data as of before that batch).
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
  bool operator==(const ChainTail&) const = default;
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
  // continuing its chain) in one durable transaction, and marks each vote's panel token used. On any
  // error nothing of the batch is written:
  //   NotFound            a vote's poll does not exist;
  //   FailedPrecondition  an entry does not continue its poll's chain (seq != tail + 1, or prev_hash !=
  //                       the tail's entry_hash), or a vote's panel token is unknown or already used;
  //   Unavailable         the database could not be written (busy, disk full, I/O error); retry later.
  // The store checks linkage, not hashes (it does not know the hash function; ledger::ChainVerifier does).
  virtual Status AppendVotes(const std::vector<LedgerEntry>& batch) = 0;
  // The tail of every poll's chain, keyed by poll id, for the ledger to continue after a restart.
  // Polls without votes are absent (their tail is the empty ChainTail).
  virtual Result<std::map<std::string, ChainTail>> LoadChainTails() = 0;
  // Entry by its hash (receipt lookup); NotFound (also when the hash belongs to another poll).
  virtual Result<LedgerEntry> FindEntry(const PollId& poll, const Hash& entry_hash) = 0;
  // Votes per option number, counted in the store (used at start-up and to cross-check memory).
  // Options without votes are absent. NotFound when the poll does not exist.
  virtual Result<std::map<int, uint64_t>> CountVotes(const PollId& poll) = 0;
  // Every distinct non-empty device id that has voted in the poll (to enforce one vote per device
  // after a restart), in no particular order. NotFound when the poll does not exist.
  virtual Result<std::vector<std::string>> LoadDeviceIds(const PollId& poll) = 0;
  // Visits the poll's entries in seq order, from seq `from` (1-based; 0 is read as 1); stops early when
  // the visitor returns false. Used by export and verify; streams, never loads the whole log, and sees
  // one consistent snapshot. The visitor may call any method of this store (including AppendVotes,
  // whose new entries it will not see). NotFound when the poll does not exist.
  virtual Status ScanEntries(const PollId& poll, uint64_t from,
                             const std::function<bool(const LedgerEntry&)>& visit) = 0;

  // Panel tokens (assurance tier "panel"). AddPanelTokens ignores hashes already present (a used token
  // stays used; InvalidArgument for an empty hash). FindPanelToken yields nullopt when the poll has no
  // such token. Both: NotFound when the poll does not exist.
  virtual Status AddPanelTokens(const PollId& poll, const std::vector<std::string>& token_hashes) = 0;
  virtual Result<std::optional<PanelToken>> FindPanelToken(const PollId& poll, const std::string& token_hash) = 0;

  // Settings: small durable values a layer above keeps with the data (e.g. "vote_log_id", the identity
  // of the vote log that holds this database's votes). GetSetting: NotFound when unset. PutSetting
  // replaces any previous value; InvalidArgument for an empty key.
  virtual Result<std::string> GetSetting(const std::string& key) = 0;
  virtual Status PutSetting(const std::string& key, const std::string& value) = 0;
};

}  // namespace pantau::store

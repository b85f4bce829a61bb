// VoteService: the vote path. Checks a vote against its poll (open, known option, one vote per device
// cookie or per panel token), derives the stored network locus from the client address without
// keeping the address (DESIGN.md §4), and hands the vote to the group committer. The voter's callback
// runs only after the vote is durable in the hash-chained ledger.
//
//   votes.Submit(request, [](Result<VoteAccepted> r) { /* on the writer thread, or inline on error */ });
// The HTTP path uses the allocation-free form: a VoteRequestView of the request's own text and a
// VoteCompletion embedded in the handler's state.
//
// There is deliberately no per-IP block: carriers put hundreds of voters behind one IPv4 (CGNAT).
// Rate limiting per network prefix is the HTTP layer's job. Thread-safe.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "core/vote.h"
#include "ledger/group_committer.h"
#include "netintel/network_intel.h"
#include "polls/poll_registry.h"

namespace pantau::polls {

struct VoteRequest {
  PollId poll;
  int choice = 0;
  std::string client_ip;    // as seen by the server; used, never stored
  std::string user_agent;   // raw header; only its family is stored
  std::string device_id;    // the pantau_did cookie; empty or malformed → a new one is minted
  std::string share_token;  // the link's `s` parameter
  std::string referrer;     // raw Referer header; only its host is stored
  std::string panel_token;  // panel tier only
};

// The same fields, borrowed (valid for the duration of Submit only).
struct VoteRequestView {
  std::string_view poll;
  int choice = 0;
  std::string_view client_ip;
  std::string_view user_agent;
  std::string_view device_id;
  std::string_view share_token;
  std::string_view referrer;
  std::string_view panel_token;
};

struct VoteAccepted {
  store::LedgerEntry entry;  // the durable ledger entry: the receipt is (poll, seq, entry_hash)
  std::string device_id;     // the device id the vote was counted under (set it as the cookie)
};

using VoteCallback = std::function<void(Result<VoteAccepted>)>;

class VoteService;

// The completion of one vote, owned by the caller, which keeps it alive until VoteDone is called.
// VoteDone receives the durable entry (its vote.device_id is the device id the vote counted under:
// set it as the cookie) or why the vote was refused; it is called exactly once, inline from Submit
// when the vote is refused, else on the committer's thread.
class VoteCompletion : private ledger::CommitWaiter {
 public:
  virtual void VoteDone(Result<store::LedgerEntry> entry) = 0;

 protected:
  virtual ~VoteCompletion() = default;

 private:
  friend class VoteService;
  void Committed(Result<store::LedgerEntry> entry) final;  // releases the reservation on failure

  PollState* state_ = nullptr;
  std::string panel_token_hash_;     // reserved panel token (panel polls); else the device:
  std::array<char, 32> device_id_{};  // reserved device id (always kDeviceIdLength characters)
};

// Stored device ids and panel tokens are 32 / 20 base32 characters; anything else is replaced.
bool IsWellFormedDeviceId(std::string_view id);
// Lower-case host of a Referer URL ("https://l.wa.me/x" → "l.wa.me"); empty if there is none.
std::string ReferrerHost(std::string_view referrer);
// Keeps [A-Za-z0-9_-], at most 64 characters; other characters become '_'.
std::string SanitizeShareToken(std::string_view token);

class VoteService {
 public:
  VoteService(PollRegistry& registry, store::Store& store, ledger::GroupCommitter& committer,
              const netintel::NetworkIntel& intel, const Clock& clock);

  // `done` is called exactly once: inline with the error when the vote is refused (NotFound,
  // FailedPrecondition "poll-not-open"/"poll-closed"/"already-voted"/"panel-token-used",
  // InvalidArgument "unknown-option"/"panel-token-required", Unauthenticated "bad-panel-token"), or
  // from the committer after the durable commit (or its failure).
  void Submit(VoteRequest request, VoteCallback done);
  // The same without a callback: `done` must stay alive until its VoteDone is called.
  void Submit(const VoteRequestView& request, VoteCompletion& done);

  // The committer's batch listener: counts a durable batch into the polls' tallies.
  void OnDurableBatch(const std::vector<store::LedgerEntry>& batch);

 private:
  Result<NetworkLocus> LocusOf(const PollState& state, std::string_view client_ip) const;

  PollRegistry& registry_;
  store::Store& store_;
  ledger::GroupCommitter& committer_;
  const netintel::NetworkIntel& intel_;
  const Clock& clock_;
};

}  // namespace pantau::polls

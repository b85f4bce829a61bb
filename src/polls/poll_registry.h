// PollRegistry: the in-memory state of every poll the server has touched — the poll itself, its
// secrets, its live tally and the set of devices that have voted — loaded from the store on first use
// and kept current by the vote path. Thread-safe; PollState pointers stay valid for the registry's life.
//   PANTAU_ASSIGN_OR_RETURN(PollState* state, registry.Get(poll_id));
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "core/poll.h"
#include "polls/device_set.h"
#include "polls/tally.h"
#include "store/store.h"

namespace pantau::polls {

class PollState {
 public:
  PollState(Poll poll, store::PollSecrets secrets, std::unique_ptr<Tally> tally);

  const Poll& poll() const { return poll_; }
  const store::PollSecrets& secrets() const { return secrets_; }
  Tally& tally() { return *tally_; }
  const Tally& tally() const { return *tally_; }

  // One vote per device: Reserve before submitting, Release if the vote did not become durable.
  // Reserve returns false when the device already voted (or has a vote in flight).
  bool ReserveDevice(std::string_view device_id);
  void ReleaseDevice(std::string_view device_id);
  bool HasVoted(std::string_view device_id) const;
  void LoadDevices(const std::vector<std::string>& device_ids);

  // Panel tokens in flight (single use): the same Reserve/Release discipline.
  bool ReservePanelToken(const std::string& token_hash);
  void ReleasePanelToken(const std::string& token_hash);

 private:
  static uint64_t DeviceKey(std::string_view device_id);

  Poll poll_;
  store::PollSecrets secrets_;
  std::unique_ptr<Tally> tally_;
  mutable std::mutex mu_;
  // 64-bit hashes of device ids: 8 bytes a voter instead of a string; ids are 160-bit random tokens
  // an attacker cannot choose to collide with someone else's.
  DeviceSet devices_;
  std::unordered_set<std::string> panel_tokens_in_flight_;
};

class PollRegistry {
 public:
  explicit PollRegistry(store::Store& store) : store_(store) {}

  // The poll's state, loading it (poll, secrets, counts, devices) from the store the first time.
  // NotFound for an unknown id; store errors pass through.
  Result<PollState*> Get(const PollId& id);
  // Registers a poll just created (no store round trip).
  PollState* Add(Poll poll, store::PollSecrets secrets);
  // Every loaded poll's state, for the SSE producers and shutdown.
  std::vector<PollState*> Loaded() const;

 private:
  store::Store& store_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<PollState>> polls_;
};

}  // namespace pantau::polls

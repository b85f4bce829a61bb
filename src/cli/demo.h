// The demo behind scripts/demo.sh: a fictional candidate poll for Kota Tomohon (region 71.73, three
// paslon) and a background stream of simulated voters — mostly organic phone traffic from carrier
// networks, with an occasional office-hours burst from one network for one option (the Tomohon
// pattern) — submitted through the real vote path, so every demo vote is durable and in the ledger.
#pragma once

#include <atomic>
#include <cstdint>
#include <random>
#include <string>
#include <thread>

#include "core/error.h"
#include "polls/poll_service.h"
#include "polls/vote_service.h"

namespace pantau::cli {

// Finds the demo poll in the store or creates it (printing the owner key once, and writing it to
// `owner_key_file` so the demo's owner views keep working across restarts).
Result<PollId> EnsureDemoPoll(polls::PollService& polls, const std::string& owner_key_file);

class DemoTraffic {
 public:
  DemoTraffic(polls::VoteService& votes, PollId poll, double votes_per_second, uint64_t seed);
  ~DemoTraffic();
  void Start();
  void Stop();

 private:
  void Run();
  polls::VoteRequest NextVoter(bool burst);

  polls::VoteService& votes_;
  PollId poll_;
  double rate_;
  std::mt19937_64 rng_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace pantau::cli

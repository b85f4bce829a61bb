// Tally: the live per-option vote counts of one poll, fed by the group committer after each durable
// batch, read by the results endpoint and the SSE broadcaster. Thread-safe; reads are cheap snapshots.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

#include "core/time.h"

namespace pantau::polls {

struct TallySnapshot {
  std::map<int, uint64_t> counts;  // option number → votes (every option present, zero included)
  uint64_t total = 0;
  Timestamp updated_at;            // time of the newest counted vote (or creation)
  uint64_t version = 0;            // increases with every change; SSE sends only on change
};

class Tally {
 public:
  Tally(const std::map<int, uint64_t>& initial, Timestamp updated_at);
  void Add(int choice, Timestamp at);
  TallySnapshot Snapshot() const;
  uint64_t version() const;

 private:
  mutable std::mutex mu_;
  TallySnapshot state_;
};

}  // namespace pantau::polls

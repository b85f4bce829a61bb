#include "polls/tally.h"

namespace pantau::polls {

Tally::Tally(const std::map<int, uint64_t>& initial, Timestamp updated_at) {
  state_.counts = initial;
  for (const auto& [choice, n] : initial) state_.total += n;
  state_.updated_at = updated_at;
}

void Tally::Add(int choice, Timestamp at) {
  std::lock_guard lock(mu_);
  ++state_.counts[choice];
  ++state_.total;
  if (at > state_.updated_at) state_.updated_at = at;
  ++state_.version;
}

TallySnapshot Tally::Snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

uint64_t Tally::version() const {
  std::lock_guard lock(mu_);
  return state_.version;
}

}  // namespace pantau::polls

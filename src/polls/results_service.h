// ResultsService: who may see a poll's tally, and when (DESIGN.md "live or hidden results").
//   live        — everyone, always
//   after_vote  — a device that has voted in this poll, and everyone once the poll closes
//   after_close — everyone once the poll closes
// The owner (valid owner key) always sees everything. A hidden result is PermissionDenied with type
// "results-hidden" and a message saying when it will be shown. Thread-safe.
#pragma once

#include <string>

#include "core/error.h"
#include "core/poll.h"
#include "core/time.h"
#include "polls/poll_registry.h"
#include "polls/tally.h"

namespace pantau::polls {

struct Viewer {
  bool is_owner = false;
  std::string device_id;  // the pantau_did cookie, if any
};

struct ResultsView {
  const Poll* poll = nullptr;  // owned by the registry; valid for the registry's life
  PollStatus status = PollStatus::kOpen;
  TallySnapshot tally;
};

class ResultsService {
 public:
  ResultsService(PollRegistry& registry, const Clock& clock) : registry_(registry), clock_(clock) {}

  // NotFound, or PermissionDenied "results-hidden".
  Result<ResultsView> For(const PollId& id, const Viewer& viewer);
  // The public view regardless of visibility (for producers that checked access already).
  Result<ResultsView> Unchecked(const PollId& id);

  // Visible to this viewer now? (No tally copy.)
  Status CheckVisible(const PollState& state, const Viewer& viewer) const;

 private:
  PollRegistry& registry_;
  const Clock& clock_;
};

}  // namespace pantau::polls

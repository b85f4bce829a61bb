#include "polls/results_service.h"

#include <fmt/format.h>

#include "core/local_time.h"

namespace pantau::polls {

Status ResultsService::CheckVisible(const PollState& state, const Viewer& viewer) const {
  const Poll& poll = state.poll();
  if (viewer.is_owner || poll.visibility == Visibility::kLive) return Ok();
  const Timestamp now = clock_.Now();
  if (poll.IsClosedAt(now)) return Ok();
  if (poll.visibility == Visibility::kAfterVote) {
    if (!viewer.device_id.empty() && state.HasVoted(viewer.device_id)) return Ok();
    return std::unexpected(Error::PermissionDenied(
        "hasil polling ini ditampilkan setelah Anda memberikan suara", "results-hidden"));
  }
  return std::unexpected(Error::PermissionDenied(
      fmt::format("hasil polling ini ditampilkan setelah polling ditutup ({})",
                  FormatLocal(poll.closes_at, ZoneOf(poll.region))),
      "results-hidden"));
}

Result<ResultsView> ResultsService::For(const PollId& id, const Viewer& viewer) {
  PANTAU_ASSIGN_OR_RETURN(PollState * state, registry_.Get(id));
  PANTAU_RETURN_IF_ERROR(CheckVisible(*state, viewer));
  return ResultsView{&state->poll(), state->poll().StatusAt(clock_.Now()), state->tally().Snapshot()};
}

Result<ResultsView> ResultsService::Unchecked(const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(PollState * state, registry_.Get(id));
  return ResultsView{&state->poll(), state->poll().StatusAt(clock_.Now()), state->tally().Snapshot()};
}

}  // namespace pantau::polls

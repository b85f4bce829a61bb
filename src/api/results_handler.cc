// Handlers for results: the tally by visibility, and its live stream (Server-Sent Events).
#include <boost/json.hpp>

#include "api/poll_api.h"
#include "http/co_result.h"
#include "json/poll_codec.h"

namespace pantau::api {

PollApi::Reply PollApi::GetResults(http::RequestContext& ctx) {
  const PollId poll{std::string(ctx.Param("id"))};
  PANTAU_CO_ASSIGN_OR_RETURN(polls::Viewer viewer, ViewerOf(ctx, poll));
  PANTAU_CO_ASSIGN_OR_RETURN(polls::ResultsView view, d_.results.For(poll, viewer));
  co_return http::Response::Json(json::EncodeResults(view)).CacheControl("no-cache");
}

http::asio::awaitable<Status> PollApi::StreamResults(http::RequestContext& ctx, http::SseStream& stream) {
  const PollId poll{std::string(ctx.Param("id"))};
  // Access is checked once, before the stream starts (a failure here is a normal problem response).
  // Results that are visible never become hidden again, so the check holds for the stream's life.
  auto viewer = ViewerOf(ctx, poll);
  if (!viewer) co_return std::unexpected(viewer.error());
  auto visible = d_.results.For(poll, *viewer);
  if (!visible) co_return std::unexpected(visible.error());
  co_return co_await d_.events.Serve(poll.value(), stream);
}

}  // namespace pantau::api

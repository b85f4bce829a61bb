#include "api/poll_api.h"

#include <boost/json/serialize.hpp>

#include "json/poll_codec.h"

namespace pantau::api {

void PollApi::Register(http::Router& router) {
  using http::Verb;
  auto bind = [this](auto method) {
    return [this, method](http::RequestContext& ctx) { return (this->*method)(ctx); };
  };
  router.Add(Verb::post, "/api/v1/polls", bind(&PollApi::CreatePoll));
  router.Add(Verb::get, "/api/v1/polls", bind(&PollApi::ListPolls));
  router.Add(Verb::get, "/api/v1/polls/{id}", bind(&PollApi::GetPoll));
  router.Add(Verb::post, "/api/v1/polls/{id}/panel-tokens", bind(&PollApi::IssuePanelTokens), {.body_limit = 1024});
  router.Add(Verb::post, "/api/v1/polls/{id}/votes", bind(&PollApi::CastVote), {.body_limit = 1024});
  router.Add(Verb::get, "/api/v1/polls/{id}/receipts/{hash}", bind(&PollApi::CheckReceipt));
  router.Add(Verb::get, "/api/v1/polls/{id}/results", bind(&PollApi::GetResults));
  router.Add(Verb::get, "/api/v1/polls/{id}/export.csv", bind(&PollApi::ExportVotes));
  router.AddStream("/api/v1/polls/{id}/events",
                   [this](http::RequestContext& ctx, http::SseStream& stream) { return StreamResults(ctx, stream); });
  if (d_.pages != nullptr) {
    router.Add(Verb::get, "/p/{id}", d_.pages->File("poll.html"));
    router.Add(Verb::get, "/p/{id}/hasil", d_.pages->File("results.html"));
    router.Add(Verb::get, "/{*path}", d_.pages->Directory());
  }
}

Result<polls::Viewer> PollApi::ViewerOf(http::RequestContext& ctx, const PollId& poll) {
  polls::Viewer viewer;
  if (auto key = ctx.BearerToken()) {
    PANTAU_RETURN_IF_ERROR(d_.polls.AuthorizeOwner(poll, *key));
    viewer.is_owner = true;
  }
  if (auto device = ctx.Cookie(kDeviceCookie)) viewer.device_id = std::string(*device);
  return viewer;
}

std::optional<std::string> PollApi::ProduceResults(const std::string& poll, uint64_t& version) {
  auto view = d_.results.Unchecked(PollId{poll});
  if (!view) return std::nullopt;
  if (view->tally.version + 1 == version) return std::nullopt;
  version = view->tally.version + 1;
  return boost::json::serialize(json::EncodeResults(*view));
}

}  // namespace pantau::api

// Handlers for the poll resource itself: create, list, read, and the owner's panel tokens.
#include <boost/json.hpp>

#include "api/poll_api.h"
#include "http/co_result.h"
#include "json/json_fields.h"
#include "json/poll_codec.h"

namespace pantau::api {

PollApi::Reply PollApi::CreatePoll(http::RequestContext& ctx) {
  PANTAU_CO_ASSIGN_OR_RETURN(boost::json::value body, ctx.JsonBody());
  PANTAU_CO_ASSIGN_OR_RETURN(Poll draft, json::DecodePollDraft(body));
  PANTAU_CO_ASSIGN_OR_RETURN(polls::CreatedPoll created, d_.polls.Create(std::move(draft)));
  const std::string& id = created.poll.id.value();
  boost::json::object out{
      {"poll", json::EncodePoll(created.poll, d_.polls.regions(), d_.polls.clock().Now())},
      {"owner_key", created.owner_key},
      {"links", boost::json::object{{"vote", "/p/" + id}, {"results", "/p/" + id + "/hasil"}}},
  };
  co_return http::Response::Json(http::HttpStatus::created, out)
      .Location("/api/v1/polls/" + id)
      .CacheControl("no-store");
}

PollApi::Reply PollApi::ListPolls(http::RequestContext&) {
  PANTAU_CO_ASSIGN_OR_RETURN(auto polls, d_.polls.List());
  const Timestamp now = d_.polls.clock().Now();
  boost::json::array list;
  for (const auto& poll : polls) list.push_back(json::EncodePoll(poll, d_.polls.regions(), now));
  co_return http::Response::Json(boost::json::object{{"polls", std::move(list)}}).CacheControl("no-cache");
}

PollApi::Reply PollApi::GetPoll(http::RequestContext& ctx) {
  PANTAU_CO_ASSIGN_OR_RETURN(Poll poll, d_.polls.Get(PollId{std::string(ctx.Param("id"))}));
  co_return http::Response::Json(json::EncodePoll(poll, d_.polls.regions(), d_.polls.clock().Now()))
      .CacheControl("no-cache");
}

PollApi::Reply PollApi::IssuePanelTokens(http::RequestContext& ctx) {
  const PollId id{std::string(ctx.Param("id"))};
  PANTAU_CO_ASSIGN_OR_RETURN(boost::json::value body, ctx.JsonBody());
  PANTAU_CO_ASSIGN_OR_RETURN(auto object, json::AsObject(body, "the request body"));
  PANTAU_CO_RETURN_IF_ERROR(json::OnlyKeys(*object, {"count"}));
  PANTAU_CO_ASSIGN_OR_RETURN(int64_t count,
                             json::RequiredInt(*object, "count", 1, polls::kMaxPanelTokensPerRequest));
  const auto key = ctx.BearerToken().value_or("");
  PANTAU_CO_ASSIGN_OR_RETURN(auto tokens, d_.polls.IssuePanelTokens(id, key, static_cast<size_t>(count)));
  boost::json::array list;
  for (auto& token : tokens) list.emplace_back(std::move(token));
  co_return http::Response::Json(http::HttpStatus::created, boost::json::object{{"tokens", std::move(list)}})
      .CacheControl("no-store");
}

}  // namespace pantau::api

// Handlers for votes: cast one (acknowledged only once durable) and check a receipt.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/poll_api.h"
#include "http/await_callback.h"
#include "http/co_result.h"
#include "http/problem.h"
#include "json/poll_codec.h"
#include "ledger/chain.h"
#include "netintel/ip_address.h"
#include "netintel/ip_prefix.h"

namespace pantau::api {

PollApi::Reply PollApi::CastVote(http::RequestContext& ctx) {
  const std::string_view client_ip = ctx.ClientIp();
  // Generous per-network-prefix limit; never a per-IP block (CGNAT puts many voters behind one IP).
  if (d_.vote_limiter.enabled()) {
    auto ip = netintel::IpAddress::Parse(client_ip);
    if (ip) {
      auto decision = d_.vote_limiter.Check(netintel::PrefixOf(*ip));
      if (!decision.allowed) co_return http::TooManyRequests(decision.retry_after, ctx.Language());
    }
  }
  PANTAU_CO_ASSIGN_OR_RETURN(boost::json::value body, ctx.JsonBody());
  PANTAU_CO_ASSIGN_OR_RETURN(json::VoteBody vote, json::DecodeVoteBody(body));

  polls::VoteRequest request;
  request.poll = PollId{std::string(ctx.Param("id"))};
  request.choice = vote.choice;
  request.client_ip = std::string(client_ip);
  request.user_agent = std::string(ctx.Header("User-Agent").value_or(""));
  request.device_id = std::string(ctx.Cookie(kDeviceCookie).value_or(""));
  request.share_token = std::move(vote.share_token);
  request.referrer = std::string(ctx.Header("Referer").value_or(""));
  request.panel_token = std::move(vote.panel_token);
  const std::string previous_device = request.device_id;

  // Named, not a temporary in the co_await (see export_handler.cc: GCC PR 100611).
  std::function<void(std::function<void(Result<polls::VoteAccepted>)>)> submit = [&](auto done) {
    d_.votes.Submit(std::move(request), std::move(done));
  };
  Result<polls::VoteAccepted> accepted = co_await http::AwaitCallback<polls::VoteAccepted>(std::move(submit));
  if (!accepted) co_return std::unexpected(std::move(accepted).error());

  const std::string& id = accepted->entry.vote.poll.value();
  auto response = http::Response::Json(
      http::HttpStatus::created,
      boost::json::object{{"receipt", json::EncodeReceipt(accepted->entry)}, {"results_url", "/p/" + id + "/hasil"}});
  response.CacheControl("no-store");
  if (accepted->device_id != previous_device) {
    response.Cookie(http::SetCookie{.name = std::string(kDeviceCookie),
                                    .value = accepted->device_id,
                                    .max_age = std::chrono::seconds(400LL * 24 * 3600),
                                    .http_only = true,
                                    .secure = options_.secure_cookies});
  }
  co_return response;
}

PollApi::Reply PollApi::CheckReceipt(http::RequestContext& ctx) {
  const PollId poll{std::string(ctx.Param("id"))};
  PANTAU_CO_ASSIGN_OR_RETURN(auto hash, ledger::HashFromHex(ctx.Param("hash")));
  PANTAU_CO_RETURN_IF_ERROR(d_.polls.Get(poll));  // 404 for an unknown poll before an unknown receipt
  auto entry = d_.store.FindEntry(poll, hash);
  if (!entry) {
    if (entry.error().code == ErrorCode::kNotFound)
      co_return std::unexpected(Error::NotFound("tanda terima ini tidak ditemukan di buku besar polling ini",
                                                "receipt-not-found")
                                    .InEnglish("this receipt is not in this poll's ledger"));
    co_return std::unexpected(entry.error());
  }
  boost::json::object out = json::EncodeReceipt(*entry);
  out["included"] = true;
  out["prev_hash"] = ledger::ToHex(entry->prev_hash);
  co_return http::Response::Json(out).CacheControl("no-cache");
}

}  // namespace pantau::api

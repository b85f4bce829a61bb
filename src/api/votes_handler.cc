// Handlers for votes: cast one (acknowledged only once durable) and check a receipt.
#include <optional>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/poll_api.h"
#include "http/co_result.h"
#include "http/problem.h"
#include "http/resume_queue.h"
#include "json/poll_codec.h"
#include "ledger/chain.h"
#include "netintel/ip_address.h"
#include "netintel/ip_prefix.h"

namespace pantau::api {

namespace {

// One vote in flight: the request (borrowed from the RequestContext), its completion and the reply.
// It lives in CastVote's coroutine frame, which holds little else; the reply is built by VoteDone on
// the committer's thread, so the io thread only has to send it.
struct VoteCall final : polls::VoteCompletion, http::Resumable {
  VoteCall(http::ResumeQueue& q, bool secure) : queue(q), secure_cookies(secure) {}

  void VoteDone(Result<store::LedgerEntry> entry) override {
    if (!entry) {
      reply.emplace(std::unexpected(std::move(entry).error()));
    } else {
      std::string body;
      body.reserve(256);
      json::AppendVoteAccepted(body, *entry);
      http::Response response = http::Response::JsonText(http::HttpStatus::created, std::move(body));
      response.CacheControl("no-store");
      if (entry->vote.device_id != request.device_id) {  // a new device id was minted
        response.Cookie(http::SetCookie{.name = std::string(kDeviceCookie),
                                        .value = entry->vote.device_id,
                                        .max_age = std::chrono::seconds(400LL * 24 * 3600),
                                        .http_only = true,
                                        .secure = secure_cookies});
      }
      reply.emplace(std::move(response));
    }
    queue.Wake(*this);
  }

  http::ResumeQueue& queue;
  const bool secure_cookies;
  polls::VoteRequestView request;
  json::VoteBody decoded;  // the body, when it needed the full decoder
  std::optional<Result<http::Response>> reply;
};

// Everything before the vote is submitted, outside the coroutine (whose frame keeps every local):
// rate limit, body, request. A value means the reply is ready without voting.
std::optional<Result<http::Response>> PrepareVote(http::RequestContext& ctx, http::RateLimiter& limiter,
                                                  VoteCall& call) {
  const std::string_view client_ip = ctx.ClientIp();
  // Generous per-network-prefix limit; never a per-IP block (CGNAT puts many voters behind one IP).
  if (limiter.enabled()) {
    auto ip = netintel::IpAddress::Parse(client_ip);
    if (ip) {
      auto decision = limiter.Check(netintel::PrefixOf(*ip));
      if (!decision.allowed) return http::TooManyRequests(decision.retry_after, ctx.Language());
    }
  }
  auto text = ctx.JsonText();
  if (!text) return std::unexpected(std::move(text).error());
  std::optional<json::VoteBodyView> vote = json::ScanPlainVoteBody(*text);
  if (!vote) {  // anything but the plain shape: the DOM decoder, which also words every error
    auto body = ctx.JsonBody();
    if (!body) return std::unexpected(std::move(body).error());
    auto decoded = json::DecodeVoteBody(*body);
    if (!decoded) return std::unexpected(std::move(decoded).error());
    call.decoded = std::move(*decoded);
    vote = json::VoteBodyView{call.decoded.choice, call.decoded.share_token, call.decoded.panel_token};
  }
  call.request = polls::VoteRequestView{.poll = ctx.Param("id"),
                                        .choice = vote->choice,
                                        .client_ip = client_ip,
                                        .user_agent = ctx.Header("User-Agent").value_or(""),
                                        .device_id = ctx.Cookie(kDeviceCookie).value_or(""),
                                        .share_token = vote->share_token,
                                        .referrer = ctx.Header("Referer").value_or(""),
                                        .panel_token = vote->panel_token};
  return std::nullopt;
}

}  // namespace

PollApi::Reply PollApi::CastVote(http::RequestContext& ctx) {
  VoteCall call(vote_waits_, options_.secure_cookies);
  if (auto early = PrepareVote(ctx, d_.vote_limiter, call)) co_return std::move(*early);
  // The committer fills the call in and wakes us with the rest of its durable batch. Named, not a
  // temporary in the co_await (see http/co_result.h).
  auto start = [&] { d_.votes.Submit(call.request, call); };
  co_await vote_waits_.Wait(call, start);
  co_return std::move(*call.reply);
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

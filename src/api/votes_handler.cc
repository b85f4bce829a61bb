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

  const std::string_view previous_device = ctx.Cookie(kDeviceCookie).value_or("");
  const polls::VoteRequestView request{.poll = ctx.Param("id"),
                                       .choice = vote.choice,
                                       .client_ip = client_ip,
                                       .user_agent = ctx.Header("User-Agent").value_or(""),
                                       .device_id = previous_device,
                                       .share_token = vote.share_token,
                                       .referrer = ctx.Header("Referer").value_or(""),
                                       .panel_token = vote.panel_token};

  // The vote's completion lives in this frame; the committer fills it in and wakes us with the
  // others of its batch. Named, not a temporary in the co_await (see http/co_result.h).
  struct Call final : polls::VoteCompletion, http::Resumable {
    explicit Call(http::ResumeQueue& q) : queue(q) {}
    void VoteDone(Result<store::LedgerEntry> entry) override {
      result.emplace(std::move(entry));
      queue.Wake(*this);
    }
    http::ResumeQueue& queue;
    std::optional<Result<store::LedgerEntry>> result;
  };
  Call call(vote_waits_);
  auto start = [&] { d_.votes.Submit(request, call); };
  co_await vote_waits_.Wait(call, start);
  Result<store::LedgerEntry>& entry = *call.result;
  if (!entry) co_return std::unexpected(std::move(entry).error());

  const std::string& id = entry->vote.poll.value();
  auto response = http::Response::Json(
      http::HttpStatus::created,
      boost::json::object{{"receipt", json::EncodeReceipt(*entry)}, {"results_url", "/p/" + id + "/hasil"}});
  response.CacheControl("no-store");
  if (entry->vote.device_id != previous_device) {
    response.Cookie(http::SetCookie{.name = std::string(kDeviceCookie),
                                    .value = entry->vote.device_id,
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

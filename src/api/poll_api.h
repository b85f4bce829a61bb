// PollApi: the poll resources of the HTTP API (docs/api.md) on top of the generic http layer. Each
// resource's handlers live in their own file (polls_handler.cc, votes_handler.cc, results_handler.cc,
// export_handler.cc); this class only holds what they share.
//   PollApi api(deps, options);
//   api.Register(router);       // also maps the pages /p/{id} and /p/{id}/hasil when pages are given
#pragma once

#include <string>

#include "http/rate_limiter.h"
#include "http/resume_queue.h"
#include "http/request_context.h"
#include "http/response.h"
#include "http/router.h"
#include "http/static_files.h"
#include "http/tick_broadcaster.h"
#include "polls/poll_service.h"
#include "polls/results_service.h"
#include "polls/vote_service.h"
#include "store/store.h"

namespace pantau::api {

inline constexpr std::string_view kDeviceCookie = "pantau_did";

struct PollApiDeps {
  polls::PollService& polls;
  polls::VoteService& votes;
  polls::ResultsService& results;
  store::Store& store;
  http::RateLimiter& vote_limiter;   // keyed by the client's /24 or /48
  http::TickBroadcaster& events;     // topic = poll id, producer = PollApi::ProduceResults
  const http::StaticFiles* pages = nullptr;  // web/public; null = API only
};

struct PollApiOptions {
  bool secure_cookies = false;  // set Secure on the device cookie (behind TLS)
};

class PollApi {
 public:
  PollApi(PollApiDeps deps, PollApiOptions options) : d_(deps), options_(options) {}

  void Register(http::Router& router);

  // The TickBroadcaster producer: the public results JSON of a poll when its tally changed since
  // `version` (the tally version + 1 of the last snapshot; 0 = none yet).
  std::optional<std::string> ProduceResults(const std::string& poll, uint64_t& version);

 private:
  using Reply = http::asio::awaitable<Result<http::Response>>;
  Reply CreatePoll(http::RequestContext& ctx);
  Reply ListPolls(http::RequestContext& ctx);
  Reply GetPoll(http::RequestContext& ctx);
  Reply IssuePanelTokens(http::RequestContext& ctx);
  Reply CastVote(http::RequestContext& ctx);
  Reply CheckReceipt(http::RequestContext& ctx);
  Reply GetResults(http::RequestContext& ctx);
  http::asio::awaitable<Status> StreamResults(http::RequestContext& ctx, http::SseStream& stream);
  Reply ExportVotes(http::RequestContext& ctx);

  // Who is asking: owner (valid bearer key; a wrong key is an error, not a downgrade) and device.
  Result<polls::Viewer> ViewerOf(http::RequestContext& ctx, const PollId& poll);

  PollApiDeps d_;
  PollApiOptions options_;
  http::ResumeQueue vote_waits_;  // resumes CastVote once the committer has made its vote durable
};

}  // namespace pantau::api

// Handler for the vote-log export (DESIGN.md §5 with ledger hashes): the owner at any time, everyone
// after the poll closes. The log is read on a worker thread so a large export never stalls the io
// thread that serves voters.
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "api/poll_api.h"
#include "http/await_callback.h"
#include "http/co_result.h"
#include "polls/vote_log_csv.h"

namespace pantau::api {

PollApi::Reply PollApi::ExportVotes(http::RequestContext& ctx) {
  const PollId id{std::string(ctx.Param("id"))};
  PANTAU_CO_ASSIGN_OR_RETURN(polls::Viewer viewer, ViewerOf(ctx, id));
  PANTAU_CO_ASSIGN_OR_RETURN(Poll poll, d_.polls.Get(id));
  if (!viewer.is_owner && !poll.IsClosedAt(d_.polls.clock().Now()))
    co_return std::unexpected(Error::PermissionDenied(
        "log suara dapat diunduh publik setelah polling ditutup; pemilik polling dapat mengunduhnya kapan saja",
        "export-not-yet-public"));

  // A named function, not a temporary inside the co_await: g++ 12 destroys non-trivial temporaries
  // of a co_await full-expression twice (GCC PR 100611).
  std::function<void(std::function<void(Result<std::string>)>)> start = [&store = d_.store, poll](auto done) {
    std::thread([&store, poll, done = std::move(done)] {
      std::string out = polls::VoteLogHeader();
      auto scanned = store.ScanEntries(poll.id, 1, [&](const store::LedgerEntry& e) {
        polls::AppendVoteLogRow(out, e, poll);
        return true;
      });
      if (!scanned) return done(std::unexpected(scanned.error()));
      done(std::move(out));
    }).detach();
  };
  Result<std::string> csv = co_await http::AwaitCallback<std::string>(std::move(start));
  if (!csv) co_return std::unexpected(std::move(csv).error());
  co_return http::Response::Csv(http::HttpStatus::ok, std::move(*csv), fmt::format("pantau-{}-votes.csv", id.value()))
      .CacheControl("no-store");
}

}  // namespace pantau::api

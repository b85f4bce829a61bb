// A server with one JSON POST route and one GET, to measure the HTTP layer alone with wrk:
//   http_load_server 18080 1 &
//   wrk -t2 -c128 -d10s -s bench/http/vote.lua http://127.0.0.1:18080
#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

#include "http/co_result.h"
#include "http/server.h"

int main(int argc, char** argv) {
  using namespace pantau::http;
  const uint16_t port = argc > 1 ? static_cast<uint16_t>(std::atoi(argv[1])) : 18080;
  spdlog::set_level(spdlog::level::warn);
  Router router;
  router.Add(Verb::post, "/api/v1/polls/{id}/votes",
             [](RequestContext& ctx) -> asio::awaitable<pantau::Result<Response>> {
               PANTAU_CO_ASSIGN_OR_RETURN(boost::json::value body, ctx.JsonBody());
               (void)body;
               co_return Response::Json(HttpStatus::created, {{"poll", ctx.Param("id")}, {"seq", 1}});
             });
  router.Add(Verb::get, "/ping", [](RequestContext&) -> asio::awaitable<pantau::Result<Response>> {
    co_return Response::Text(HttpStatus::ok, "pong");
  });
  Server::Options options;
  options.io_threads = argc > 2 ? std::atoi(argv[2]) : 1;
  options.handle_signals = true;
  Server server(options, router);
  auto bound = server.Listen("127.0.0.1", port);
  if (!bound) {
    spdlog::error("{}", bound.error().ToLogString());
    return 1;
  }
  server.Run();
  return 0;
}

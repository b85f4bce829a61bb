// Routing cost per request with a realistic route table (~25 routes, params, a static catch-all).
#include <benchmark/benchmark.h>

#include "http/router.h"

namespace pantau::http {
namespace {

Handler Noop() {
  return [](RequestContext&) -> asio::awaitable<Result<Response>> { co_return Response(); };
}

Router& Routes() {
  static Router* router = [] {
    auto* r = new Router;
    for (const char* p : {"/api/v1/polls", "/api/v1/polls/{id}", "/api/v1/polls/{id}/results",
                          "/api/v1/polls/{id}/receipts/{receipt}", "/api/v1/polls/{id}/survey",
                          "/api/v1/cases", "/api/v1/cases/{id}", "/api/v1/cases/{id}/evidence",
                          "/api/v1/cases/{id}/timeline", "/api/v1/stats", "/api/v1/regions",
                          "/api/v1/regions/{code}", "/healthz", "/p/{id}", "/p/{id}/hasil"})
      r->Add(Verb::get, p, Noop());
    for (const char* p : {"/api/v1/polls", "/api/v1/polls/{id}/votes", "/api/v1/polls/{id}/close",
                          "/api/v1/cases", "/api/v1/cases/{id}/evidence", "/api/v1/cases/{id}/transition",
                          "/api/v1/analyze"})
      r->Add(Verb::post, p, Noop());
    r->Add(Verb::get, "/{*path}", Noop());
    return r;
  }();
  return *router;
}

void BM_FindVotePost(benchmark::State& state) {
  const Router& router = Routes();
  PathParams params;
  for (auto _ : state) {
    auto m = router.Find(Verb::post, "/api/v1/polls/Xk3f9QwzP2/votes", params);
    benchmark::DoNotOptimize(m.route);
  }
}
BENCHMARK(BM_FindVotePost);

void BM_FindStaticFallback(benchmark::State& state) {
  const Router& router = Routes();
  PathParams params;
  for (auto _ : state) {
    auto m = router.Find(Verb::get, "/assets/index-4f2a9c.js", params);
    benchmark::DoNotOptimize(m.route);
  }
}
BENCHMARK(BM_FindStaticFallback);

void BM_Find405(benchmark::State& state) {
  const Router& router = Routes();
  PathParams params;
  for (auto _ : state) {
    auto m = router.Find(Verb::delete_, "/api/v1/polls/abc/votes", params);
    benchmark::DoNotOptimize(m.allow.size());
  }
}
BENCHMARK(BM_Find405);

}  // namespace
}  // namespace pantau::http

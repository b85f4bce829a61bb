#include "http/router.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace pantau::http {
namespace {

Handler Named(std::string) {
  return [](RequestContext&) -> asio::awaitable<Result<Response>> { co_return Response(); };
}

struct Found {
  const Route* route;
  PathParams params;
  Router::Match match;
};

Found Find(const Router& router, Verb verb, std::string_view path) {
  Found f{};
  f.match = router.Find(verb, path, f.params);
  f.route = f.match.route;
  return f;
}

std::string Value(const Found& f, std::string_view name) {
  for (std::size_t i = 0; i < f.params.size(); ++i)
    if (f.params.name(i) == name) return std::string(f.params.raw_value(i));
  return "<absent>";
}

TEST(Router, MatchesLiteralAndParamSegments) {
  Router router;
  router.Add(Verb::post, "/api/v1/polls/{id}/votes", Named("votes"));
  router.Add(Verb::get, "/api/v1/polls/{id}", Named("poll"));
  auto f = Find(router, Verb::post, "/api/v1/polls/abc123/votes");
  ASSERT_NE(f.route, nullptr);
  EXPECT_EQ(f.route->pattern, "/api/v1/polls/{id}/votes");
  EXPECT_EQ(Value(f, "id"), "abc123");
  auto g = Find(router, Verb::get, "/api/v1/polls/xyz");
  ASSERT_NE(g.route, nullptr);
  EXPECT_EQ(Value(g, "id"), "xyz");
}

TEST(Router, LiteralWinsOverParamAndBacktracks) {
  Router router;
  router.Add(Verb::get, "/polls/new", Named("new"));
  router.Add(Verb::get, "/polls/{id}", Named("poll"));
  router.Add(Verb::get, "/polls/{id}/results", Named("results"));
  router.Add(Verb::get, "/polls/new/help", Named("help"));
  EXPECT_EQ(Find(router, Verb::get, "/polls/new").route->pattern, "/polls/new");
  EXPECT_EQ(Find(router, Verb::get, "/polls/p1").route->pattern, "/polls/{id}");
  auto f = Find(router, Verb::get, "/polls/new/results");  // needs backtracking off "new"
  ASSERT_NE(f.route, nullptr);
  EXPECT_EQ(f.route->pattern, "/polls/{id}/results");
  EXPECT_EQ(Value(f, "id"), "new");
}

TEST(Router, MethodMismatchIs405WithAllow) {
  Router router;
  router.Add(Verb::get, "/polls/{id}", Named("get"));
  router.Add(Verb::delete_, "/polls/{id}", Named("delete"));
  auto f = Find(router, Verb::post, "/polls/1");
  EXPECT_EQ(f.route, nullptr);
  EXPECT_TRUE(f.match.path_known);
  EXPECT_EQ(f.match.allow, "GET, HEAD, DELETE");
  EXPECT_EQ(f.params.size(), 0u);
}

TEST(Router, UnknownPathIs404) {
  Router router;
  router.Add(Verb::get, "/polls/{id}", Named("get"));
  for (const char* path : {"/polls", "/polls/", "/polls/1/x", "/other", "", "polls/1", "//polls/1"}) {
    auto f = Find(router, Verb::get, path);
    EXPECT_EQ(f.route, nullptr) << path;
    EXPECT_FALSE(f.match.path_known) << path;
  }
}

TEST(Router, MethodFoundUnderAnotherBranchIsNot405) {
  Router router;
  router.Add(Verb::get, "/polls/new", Named("new"));
  router.Add(Verb::delete_, "/polls/{id}", Named("delete"));
  auto f = Find(router, Verb::delete_, "/polls/new");
  ASSERT_NE(f.route, nullptr);
  EXPECT_EQ(f.route->pattern, "/polls/{id}");
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  router.Add(Verb::get, "/x", Named("x"));
  EXPECT_NE(Find(router, Verb::head, "/x").route, nullptr);
}

TEST(Router, RootAndRestWildcard) {
  Router router;
  router.Add(Verb::get, "/", Named("root"));
  router.Add(Verb::get, "/assets/{*path}", Named("assets"));
  EXPECT_EQ(Find(router, Verb::get, "/").route->pattern, "/");
  auto f = Find(router, Verb::get, "/assets/js/app.js");
  ASSERT_NE(f.route, nullptr);
  EXPECT_EQ(Value(f, "path"), "js/app.js");
  auto g = Find(router, Verb::get, "/assets");
  ASSERT_NE(g.route, nullptr);
  EXPECT_EQ(Value(g, "path"), "");
}

TEST(Router, CatchAllYieldsToSpecificRoutes) {
  Router router;
  router.Add(Verb::get, "/{*path}", Named("static"));
  router.Add(Verb::post, "/api/v1/polls", Named("create"));
  EXPECT_EQ(Find(router, Verb::post, "/api/v1/polls").route->pattern, "/api/v1/polls");
  EXPECT_EQ(Find(router, Verb::get, "/api/v1/polls").route->pattern, "/{*path}");
  EXPECT_EQ(Find(router, Verb::get, "/index.html").route->pattern, "/{*path}");
}

TEST(Router, MultipleParams) {
  Router router;
  router.Add(Verb::get, "/a/{x}/b/{y}", Named("ab"));
  auto f = Find(router, Verb::get, "/a/1/b/2");
  ASSERT_NE(f.route, nullptr);
  EXPECT_EQ(Value(f, "x"), "1");
  EXPECT_EQ(Value(f, "y"), "2");
}

TEST(Router, StreamRoutesAreGet) {
  Router router;
  router.AddStream("/events/{id}", [](RequestContext&, SseStream&) -> asio::awaitable<Status> {
    co_return Ok();
  });
  auto f = Find(router, Verb::get, "/events/7");
  ASSERT_NE(f.route, nullptr);
  EXPECT_TRUE(static_cast<bool>(f.route->stream));
  EXPECT_FALSE(static_cast<bool>(f.route->handler));
}

TEST(Router, RejectsBadPatternsAndDuplicates) {
  Router router;
  router.Add(Verb::get, "/x/{id}", Named("x"));
  EXPECT_THROW(router.Add(Verb::get, "/x/{other}", Named("dup")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "no-slash", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/{}", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/{x}/{x}", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/{*rest}/b", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a/b{c}", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Verb::get, "/a", Handler{}), std::invalid_argument);
}

TEST(Router, RouteOptionsAreKept) {
  Router router;
  router.Add(Verb::post, "/big", Named("big"), {.body_limit = 1 << 20});
  EXPECT_EQ(Find(router, Verb::post, "/big").route->options.body_limit, 1u << 20);
}

}  // namespace
}  // namespace pantau::http

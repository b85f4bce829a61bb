#include "http/request_context.h"

#include <gtest/gtest.h>

#include "http/fake_request.h"
#include "http/problem.h"
#include "http/router.h"

namespace pantau::http {
namespace {

using testing::FakeRequest;

TEST(RequestContext, SplitsTargetIntoPathAndQuery) {
  FakeRequest req(Verb::get, "/api/v1/polls?lang=en&q=a+b%21&flag&q=second");
  auto& ctx = req.Context();
  EXPECT_EQ(ctx.Method(), Verb::get);
  EXPECT_EQ(ctx.Path(), "/api/v1/polls");
  EXPECT_EQ(ctx.RawQuery(), "lang=en&q=a+b%21&flag&q=second");
  EXPECT_EQ(ctx.Query("q").value_or("?"), "a b!");
  EXPECT_EQ(ctx.Query("flag").value_or("?"), "");
  EXPECT_FALSE(ctx.Query("missing").has_value());
}

TEST(RequestContext, ParamsComeFromTheRouterDecoded) {
  Router router;
  router.Add(Verb::get, "/p/{id}/{name}", [](RequestContext&) -> asio::awaitable<Result<Response>> {
    co_return Response();
  });
  FakeRequest req(Verb::get, "/p/abc/hello%20world");
  auto& ctx = req.Context();
  auto match = router.Find(Verb::get, ctx.Path(), ctx.params());
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(ctx.Param("id"), "abc");
  EXPECT_EQ(ctx.Param("name"), "hello world");
  EXPECT_EQ(ctx.Param("nope"), "");
}

TEST(RequestContext, HeadersAreCaseInsensitive) {
  FakeRequest req(Verb::get, "/");
  req.Set("X-Custom", "v1");
  auto& ctx = req.Context();
  EXPECT_EQ(ctx.Header("x-custom").value_or(""), "v1");
  EXPECT_FALSE(ctx.Header("x-other").has_value());
}

TEST(RequestContext, CookiesAcrossHeaders) {
  FakeRequest req(Verb::get, "/");
  req.Add("Cookie", "a=1; pantau_did=dev123");
  req.Add("Cookie", "quoted=\"q v\"");
  auto& ctx = req.Context();
  EXPECT_EQ(ctx.Cookie("pantau_did").value_or(""), "dev123");
  EXPECT_EQ(ctx.Cookie("a").value_or(""), "1");
  EXPECT_EQ(ctx.Cookie("quoted").value_or(""), "q v");
  EXPECT_FALSE(ctx.Cookie("pantau").has_value());
}

TEST(RequestContext, BearerToken) {
  FakeRequest req(Verb::get, "/");
  req.Set("Authorization", "bearer  tok.en-1 ");
  EXPECT_EQ(req.Context().BearerToken().value_or(""), "tok.en-1");
  req.Set("Authorization", "Basic dXNlcjpwYXNz");
  EXPECT_FALSE(req.Context().BearerToken().has_value());
  req.Set("Authorization", "Bearer ");
  EXPECT_FALSE(req.Context().BearerToken().has_value());
}

TEST(RequestContext, JsonBodyParses) {
  FakeRequest req(Verb::post, "/");
  req.Set("Content-Type", "application/json; charset=utf-8");
  req.body = R"({"choice":"A","n":[1,2]})";
  auto v = req.Context().JsonBody();
  ASSERT_TRUE(v) << v.error().ToLogString();
  EXPECT_EQ(v->at("choice").as_string(), "A");
}

TEST(RequestContext, JsonBodyRequiresJsonContentType) {
  FakeRequest req(Verb::post, "/");
  req.body = "{}";
  for (const char* type : {"", "text/plain", "application/jsonx", "application/x-www-form-urlencoded"}) {
    if (*type) req.Set("Content-Type", type);
    auto v = req.Context().JsonBody();
    ASSERT_FALSE(v) << type;
    EXPECT_EQ(v.error().type, "unsupported-media-type");
    EXPECT_EQ(StatusFor(v.error()), HttpStatus::unsupported_media_type);
  }
}

TEST(RequestContext, MalformedJsonReportsThePosition) {
  FakeRequest req(Verb::post, "/?lang=en");
  req.Set("Content-Type", "application/json");
  req.body = R"({"a":1,})";
  auto v = req.Context().JsonBody();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().type, "malformed-json");
  EXPECT_EQ(StatusFor(v.error()), HttpStatus::bad_request);
  EXPECT_NE(v.error().message.find("byte 7"), std::string::npos) << v.error().message;
  req.body = "";
  EXPECT_FALSE(req.Context().JsonBody());
}

TEST(RequestContext, JsonBodyRejectsDeepNesting) {
  FakeRequest req(Verb::post, "/");
  req.Set("Content-Type", "application/json");
  req.body = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(req.Context().JsonBody());
}

TEST(RequestContext, ClientIpIsThePeerUnlessProxyTrusted) {
  FakeRequest direct(Verb::get, "/", "203.0.113.9", false);
  direct.Set("X-Forwarded-For", "1.1.1.1");
  EXPECT_EQ(direct.Context().ClientIp(), "203.0.113.9");

  FakeRequest proxied(Verb::get, "/", "127.0.0.1", true);
  proxied.Add("X-Forwarded-For", "6.6.6.6, 10.0.0.1");
  proxied.Add("X-Forwarded-For", "198.51.100.4 , 2001:db8::1 ");
  EXPECT_EQ(proxied.Context().ClientIp(), "2001:db8::1");

  FakeRequest no_header(Verb::get, "/", "127.0.0.1", true);
  EXPECT_EQ(no_header.Context().ClientIp(), "127.0.0.1");
}

TEST(RequestContext, LanguageDefaultsToIndonesian) {
  FakeRequest req(Verb::get, "/");
  EXPECT_EQ(req.Context().Language(), Lang::kId);
  req.Set("Accept-Language", "en-US,en;q=0.9,id;q=0.8");
  EXPECT_EQ(req.Context().Language(), Lang::kEn);
  req.Set("Accept-Language", "id-ID,id;q=0.9,en;q=0.8");
  EXPECT_EQ(req.Context().Language(), Lang::kId);
  req.Set("Accept-Language", "fr-FR, en;q=0.5");
  EXPECT_EQ(req.Context().Language(), Lang::kEn);
  req.Set("Accept-Language", "de, fr");
  EXPECT_EQ(req.Context().Language(), Lang::kId);
  req.Set("Accept-Language", "id;q=0.3, en-GB;q=0.7");
  EXPECT_EQ(req.Context().Language(), Lang::kEn);
}

TEST(RequestContext, LangQueryParameterWins) {
  FakeRequest en(Verb::get, "/x?lang=en");
  EXPECT_EQ(en.Context().Language(), Lang::kEn);
  FakeRequest id(Verb::get, "/x?lang=id");
  id.Set("Accept-Language", "en");
  EXPECT_EQ(id.Context().Language(), Lang::kId);
}

TEST(PercentDecode, DecodesAndRejectsBrokenEscapes) {
  EXPECT_EQ(PercentDecode("a%20b%2F").value_or("?"), "a b/");
  EXPECT_EQ(PercentDecode("a+b").value_or("?"), "a+b");
  EXPECT_FALSE(PercentDecode("%2").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
  EXPECT_FALSE(PercentDecode("abc%").has_value());
}

}  // namespace
}  // namespace pantau::http

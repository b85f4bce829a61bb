#include "http/response.h"

#include <gtest/gtest.h>

namespace pantau::http {
namespace {

TEST(Response, JsonSerializesTheValue) {
  const Response r = Response::Json(HttpStatus::created, {{"id", "p1"}, {"n", 3}});
  EXPECT_EQ(r.status(), HttpStatus::created);
  EXPECT_EQ(r.content_type(), "application/json");
  EXPECT_EQ(r.body(), R"({"id":"p1","n":3})");
}

TEST(Response, FactoriesSetContentTypes) {
  EXPECT_EQ(Response::Text(HttpStatus::ok, "x").content_type(), "text/plain; charset=utf-8");
  EXPECT_EQ(Response::Html(HttpStatus::ok, "x").content_type(), "text/html; charset=utf-8");
  const Response csv = Response::Csv(HttpStatus::ok, "a,b\n", "votes \"2024\".csv");
  EXPECT_EQ(csv.content_type(), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.FindHeader("content-disposition").value_or(""), "attachment; filename=\"votes 2024.csv\"");
  EXPECT_EQ(Response::NoContent().status(), HttpStatus::no_content);
  const Response redirect = Response::Redirect(HttpStatus::see_other, "/p/1");
  EXPECT_EQ(redirect.FindHeader("Location").value_or(""), "/p/1");
}

TEST(Response, HeaderReplacesSameNameButCookiesAppend) {
  Response r;
  r.CacheControl("no-cache").CacheControl("no-store");
  r.Cookie({.name = "a", .value = "1"}).Cookie({.name = "b", .value = "2"});
  int cache = 0, cookies = 0;
  for (const auto& [n, v] : r.headers()) {
    cache += n == "Cache-Control";
    cookies += n == "Set-Cookie";
  }
  EXPECT_EQ(cache, 1);
  EXPECT_EQ(cookies, 2);
  EXPECT_EQ(r.FindHeader("cache-control").value_or(""), "no-store");
}

TEST(Response, HeaderValuesCannotSplitTheResponse) {
  Response r;
  r.Location("/x\r\nSet-Cookie: evil=1");
  EXPECT_EQ(r.FindHeader("Location").value_or(""), "/x  Set-Cookie: evil=1");
}

TEST(Response, SetCookieDefaultsSuitADeviceCookie) {
  SetCookie c{.name = "pantau_did", .value = "abc", .max_age = std::chrono::seconds(31536000)};
  EXPECT_EQ(c.ToHeaderValue(), "pantau_did=abc; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
  c.secure = true;
  c.same_site = SameSite::kStrict;
  c.value = "a;b c";
  EXPECT_EQ(c.ToHeaderValue(), "pantau_did=abc; Path=/; Max-Age=31536000; HttpOnly; Secure; SameSite=Strict");
}

TEST(Response, RetryAfterIsAtLeastOneSecond) {
  Response r;
  r.RetryAfter(std::chrono::seconds(0));
  EXPECT_EQ(r.FindHeader("Retry-After").value_or(""), "1");
}

}  // namespace
}  // namespace pantau::http

#include "http/server.h"

#include <string>

#include <gtest/gtest.h>

#include "http/server_fixture.h"

namespace pantau::http {
namespace {

using namespace server_test;

TEST_F(ServerTest, RoutesWithParamsAndJson) {
  TestClient client(Start().port());
  auto r = client.Get("/api/v1/polls/abc?lang=en");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(r->Json(), boost::json::parse(R"({"id":"abc","lang":"en"})"));
  auto post = client.Post("/api/v1/polls/p9/votes", R"({"choice":"A"})");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 201);
  EXPECT_EQ(post->Json().at("echo").at("choice"), "A");
  auto del = client.Request("DELETE", "/api/v1/polls/p9");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
}

TEST_F(ServerTest, UnknownPathIs404ProblemAndWrongMethodIs405WithAllow) {
  TestClient client(Start().port());
  auto missing = client.Get("/api/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->Header("Content-Type").value_or(""), "application/problem+json");
  EXPECT_EQ(missing->Json().at("type"), "https://pantau.id/problems/not-found");
  auto wrong = client.Request("PUT", "/api/v1/polls/1", "{}", {}, "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("Allow").value_or(""), "GET, HEAD, DELETE");
  EXPECT_EQ(wrong->Json().at("type"), "https://pantau.id/problems/method-not-allowed");
  EXPECT_EQ(client.connects(), 1);  // errors keep the connection alive
}

TEST_F(ServerTest, BodyLimitDefaultAndPerRoute) {
  TestClient client(Start().port());
  auto over = client.Post("/api/v1/polls/1/votes", std::string(9000, ' '));
  ASSERT_TRUE(over) << over.error().message;
  EXPECT_EQ(over->status, 413);
  EXPECT_EQ(over->Json().at("type"), "https://pantau.id/problems/body-too-large");
  EXPECT_FALSE(over->keep_alive);
  auto big = client.Post("/big", std::string(40000, 'x'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->body, "40000");
  auto tiny = client.Post("/tiny", std::string(101, 'x'), "text/plain");
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->status, 413);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  TestClient client(Start().port());
  std::string chunked = "POST /tiny HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) chunked += "40\r\n" + std::string(64, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  auto r = client.SendRaw(chunked);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 413);
}

TEST_F(ServerTest, ChunkedBodyIsDecodedAndTheConnectionKept) {
  TestClient client(Start().port());
  auto r = client.SendRaw(
      "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n1a\r\n" + std::string(26, 'z') + "\r\n0\r\nX-Trailer: t\r\n\r\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "31");
  EXPECT_TRUE(r->keep_alive);
  auto next = client.Get("/api/v1/polls/x");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(client.connects(), 1);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestClient client(Start().port());
  auto first = client.SendRaw(
      "GET /api/v1/polls/one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->status, 200);
  EXPECT_NE(first->body.find("one"), std::string::npos) << first->body;
  auto second = client.SendRaw("");  // already on its way: just read it
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->body, "3");
  auto third = client.SendRaw("");
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(third->body, "2");
  EXPECT_EQ(client.connects(), 1);
}

TEST_F(ServerTest, AmbiguousFramingIs400ThenClose) {
  for (const char* wire : {"POST /big HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                           "POST /big HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc",
                           "POST /big HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
                           "POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    TestClient client(Start().port());
    auto r = client.SendRaw(wire);
    ASSERT_TRUE(r) << wire << ": " << r.error().message;
    EXPECT_EQ(r->status, 400) << wire;
    EXPECT_FALSE(r->keep_alive) << wire;
  }
}

TEST_F(ServerTest, JsonBodyNeedsJsonContentTypeAndValidJson) {
  TestClient client(Start().port());
  auto wrong_type = client.Post("/api/v1/polls/1/votes", "{}", "text/plain");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);
  EXPECT_EQ(wrong_type->Json().at("type"), "https://pantau.id/problems/unsupported-media-type");
  auto malformed = client.Post("/api/v1/polls/1/votes?lang=en", R"({"choice": "A",})");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  auto problem = malformed->Json();
  EXPECT_EQ(problem.at("type"), "https://pantau.id/problems/malformed-json");
  EXPECT_EQ(problem.at("title"), "Invalid request");
  EXPECT_NE(problem.at("detail").as_string().find("byte 15"), std::string::npos) << problem;
}

TEST_F(ServerTest, EveryErrorCodeBecomesItsProblemStatus) {
  TestClient client(Start().port());
  const std::pair<const char*, int> cases[] = {
      {"INVALID_ARGUMENT", 400},   {"NOT_FOUND", 404},      {"ALREADY_EXISTS", 409},
      {"PERMISSION_DENIED", 403},  {"UNAUTHENTICATED", 401}, {"FAILED_PRECONDITION", 409},
      {"UNAVAILABLE", 503},        {"RESOURCE_EXHAUSTED", 429}, {"DATA_LOSS", 500},
      {"INTERNAL", 500}};
  for (const auto& [name, status] : cases) {
    auto r = client.Get(std::string("/fail/") + name);
    ASSERT_TRUE(r) << name;
    EXPECT_EQ(r->status, status) << name;
    EXPECT_EQ(r->Header("Content-Type").value_or(""), "application/problem+json");
    EXPECT_EQ(r->Json().at("detail"), "it failed");
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << "log detail leaked";
  }
}

TEST_F(ServerTest, ExceptionInHandlerIs500AndServerKeepsServing) {
  TestClient client(Start().port());
  auto r = client.Get("/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->Json().at("type"), "https://pantau.id/problems/internal");
  EXPECT_EQ(r->body.find("handler bug"), std::string::npos);
  auto after = client.Get("/api/v1/polls/x");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ServerTest, MalformedHttpIs400ThenClose) {
  TestClient client(Start().port());
  auto r = client.SendRaw("THIS IS NOT HTTP\r\n\r\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 400);
  EXPECT_FALSE(r->keep_alive);
  EXPECT_EQ(r->Json().at("type"), "https://pantau.id/problems/bad-request");
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  TestClient client(Start().port());
  auto r = client.Get("/api/v1/polls/1", {{"X-Big", std::string(10000, 'h')}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 431);
}

TEST_F(ServerTest, SecurityHeadersOnEveryResponse) {
  TestClient client(Start().port());
  for (const char* target : {"/api/v1/polls/1", "/nope", "/throw"}) {
    auto r = client.Get(target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("X-Content-Type-Options").value_or(""), "nosniff") << target;
    EXPECT_EQ(r->Header("Referrer-Policy").value_or(""), "same-origin");
    EXPECT_NE(r->Header("Content-Security-Policy").value_or("").find("frame-ancestors 'none'"),
              std::string::npos);
    EXPECT_TRUE(r->Header("Date").has_value());
  }
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  TestClient client(Start().port());
  auto r = client.Request("HEAD", "/api/v1/polls/abc");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->Header("Content-Length").value_or(""), "24");
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
  TestClient client(Start().port());
  auto interim = client.SendRaw(
      "POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  ASSERT_TRUE(interim) << interim.error().message;
  EXPECT_EQ(interim->status, 100);  // the client may now send the body
  auto final_reply = client.SendRaw("abc");
  ASSERT_TRUE(final_reply) << final_reply.error().message;
  EXPECT_EQ(final_reply->status, 200);
  EXPECT_EQ(final_reply->body, "3");
}

TEST_F(ServerTest, ExpectContinueWithTheBodyAlreadySentIsJustAnswered) {
  TestClient client(Start().port());
  auto r = client.SendRaw(
      "POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "3");
}

TEST_F(ServerTest, CookiesRoundTrip) {
  TestClient client(Start().port());
  auto first = client.Get("/cookie");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "none");
  EXPECT_EQ(first->Header("Set-Cookie").value_or(""), "pantau_did=dev-1; Path=/; HttpOnly; SameSite=Lax");
  auto second = client.Get("/cookie");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "dev-1");
}

TEST_F(ServerTest, RateLimitedResponseHasRetryAfter) {
  TestClient client(Start().port());
  auto r = client.Get("/limited");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->Header("Retry-After").value_or(""), "12");
}

TEST_F(ServerTest, ClientIpFromSocketOrTrustedProxy) {
  {
    TestClient client(Start().port());
    auto r = client.Get("/whoami", {{"X-Forwarded-For", "203.0.113.5"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "127.0.0.1");
  }
  Server::Options options;
  options.trust_proxy = true;
  TestClient client(Start(options).port());
  auto r = client.Get("/whoami", {{"X-Forwarded-For", "10.9.8.7, 203.0.113.5"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "203.0.113.5");
}

}  // namespace
}  // namespace pantau::http

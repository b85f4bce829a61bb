// Test helpers for HTTP: a synchronous HTTP/1.1 client with a cookie jar (TestClient), a
// Server-Sent Events reader (SseClient) and a Server running on a background thread (TestServer).
// Every call is bounded by a timeout and talks to 127.0.0.1 only. Link pantau::http_testing.
//   TestServer server(router);
//   TestClient client(server.port());
//   auto reply = client.PostJson("/api/v1/polls", {{"title", "x"}});
//   ASSERT_TRUE(reply) << reply.error().message;  EXPECT_EQ(reply->status, 201);
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "core/error.h"
#include "http/router.h"
#include "http/server.h"

namespace pantau::http::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  HeaderList headers;
  std::string body;
  bool keep_alive = true;

  std::optional<std::string> Header(std::string_view name) const;  // first, case-insensitive
  std::vector<std::string> HeaderValues(std::string_view name) const;
  boost::json::value Json() const;  // null when the body is not JSON
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  Result<Reply> Get(std::string_view target, const HeaderList& headers = {});
  Result<Reply> Post(std::string_view target, std::string_view body,
                     std::string_view content_type = "application/json",
                     const HeaderList& headers = {});
  Result<Reply> PostJson(std::string_view target, const boost::json::value& body,
                         const HeaderList& headers = {});
  // Any method ("GET", "DELETE", ...); an empty content type sends none.
  Result<Reply> Request(std::string_view method, std::string_view target, std::string_view body = {},
                        const HeaderList& headers = {}, std::string_view content_type = {});
  // Sends raw bytes (for malformed requests) and reads one response.
  Result<Reply> SendRaw(std::string_view bytes);

  // The cookie jar: Set-Cookie values are stored and sent with later requests.
  void SetCookie(std::string name, std::string value);
  std::optional<std::string> GetCookie(std::string_view name) const;
  void ClearCookies();

  bool connected() const;
  int connects() const;  // TCP connections opened so far (keep-alive reuses one)
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;      // data lines joined with '\n'
  std::string comment;   // for ": ping" frames (only returned when asked for)
  std::string retry;
};

class SseClient {
 public:
  explicit SseClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // Sends the GET and reads the response head; a non-200 reply carries its body.
  Result<Reply> Open(std::string_view target, const HeaderList& headers = {});
  // The next event within `timeout` (comment-only and retry-only frames are skipped unless
  // `with_comments`). Unavailable on timeout or when the server closed the stream.
  Result<SseEvent> Next(std::chrono::milliseconds timeout, bool with_comments = false);
  bool closed() const;  // the server ended the stream
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs a Server on 127.0.0.1 (ephemeral port) on a background thread; stops it on destruction.
class TestServer {
 public:
  explicit TestServer(const Router& router);
  TestServer(const Router& router, Server::Options options);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return port_; }
  Server& server() { return *server_; }
  // Graceful stop; true when Run returned within `limit`.
  bool Stop(std::chrono::milliseconds limit = std::chrono::seconds(15));

 private:
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::future<void> done_;
};

}  // namespace pantau::http::testing

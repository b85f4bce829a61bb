// Server: HTTP/1.1 on Asio with one C++20 coroutine per connection and the server's own request
// reader (internal/request_parser.h). Requests are read head first (so the route's body limit
// applies before the body arrives), dispatched through the Router, and answered with keep-alive.
// Every response carries the security headers; every failure becomes an RFC 9457 problem
// (exceptions from handlers are logged and answered 500; the server never crashes on input).
// Timeouts, a connection cap and a two-stage graceful stop are built in.
//   Server server(options, router);
//   PANTAU_ASSIGN_OR_RETURN(uint16_t port, server.Listen("0.0.0.0", 8080));
//   server.Run();     // blocks; Stop() from any thread (or SIGTERM) makes it return
// The Router (and whatever its handlers reference) must outlive the Server. Completions awaited
// with AwaitCallback post to the Server's io_context: after Run returns, stop their sources (the
// group committer) before destroying the Server. Stop a TickBroadcaster after Run returns, too.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/router.h"
#include "http/types.h"

namespace pantau::http {

// Same-origin pages only: no inline script, no framing, no plug-ins.
inline constexpr std::string_view kDefaultContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

class Server {
 public:
  struct Options {
    int io_threads = 1;  // one thread measured fastest on the 2-core target
    std::size_t body_limit = 8 * 1024;    // default per request; RouteOptions may override
    std::size_t header_limit = 8 * 1024;  // request line + headers
    std::chrono::milliseconds read_timeout{15000};   // idle keep-alive wait, and reading a request
    std::chrono::milliseconds write_timeout{15000};  // writing a response or one SSE frame
    std::size_t max_connections = 10000;  // beyond this, accepting pauses
    bool trust_proxy = false;             // ClientIp() from the right-most X-Forwarded-For
    std::chrono::milliseconds shutdown_grace{10000};  // in-flight requests may finish within it
    // SIGINT/SIGTERM → Stop(); a second signal stops at once. Installed by the constructor.
    bool handle_signals = false;
    std::string content_security_policy{kDefaultContentSecurityPolicy};
    std::string referrer_policy = "same-origin";
  };

  Server(Options options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (before Run). Port 0 picks a free port; returns the bound port. Errors:
  // InvalidArgument for a bad address, Unavailable when binding fails.
  Result<uint16_t> Listen(std::string_view address, uint16_t port);

  // Serves on the calling thread (plus io_threads - 1 helpers) until Stop() completes. Call once.
  void Run();

  // Thread-safe, idempotent. Stage one: stop accepting, close idle keep-alive connections and SSE
  // streams, let in-flight requests finish (their responses say Connection: close). Stage two, at
  // shutdown_grace: close every connection; a second later, stop the io_context regardless.
  void Stop();

  std::size_t ActiveConnections() const;
  // The io_context's executor, e.g. to co_spawn server-side work. Such work delays Run's return.
  asio::any_io_executor GetExecutor() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pantau::http

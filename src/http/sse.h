// SseStream: a Server-Sent Events response that has taken over its connection (routes added with
// Router::AddStream). The handler writes frames until it returns, the client disconnects or the
// server stops; then the connection closes. A handler that fails before its first Write gets a
// normal problem response instead of a stream. Use from the connection's executor only, except the
// Waker, which any thread may call. TickBroadcaster::Serve is the usual body of a stream handler.
//   router.AddStream("/api/v1/polls/{id}/events", [&](RequestContext& ctx, SseStream& s) {
//     return broadcaster.Serve(std::string(ctx.Param("id")), s);
//   });
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/types.h"

namespace pantau::http {

class SseStream {
 public:
  using Waker = std::function<void()>;

  virtual ~SseStream() = default;

  // Writes complete frames ("data: x\n\n"); the `200 text/event-stream` head precedes the first.
  // Fails with Unavailable once the client is gone or the server is stopping.
  virtual asio::awaitable<Status> Write(std::string_view frames) = 0;
  // True once the client disconnected, a write failed or the server began stopping.
  virtual bool Closed() const = 0;
  // Suspends until woken, `timeout` elapses, or the stream closes. Returns !Closed().
  // A wake that arrives while nobody waits is remembered for the next Wait.
  virtual asio::awaitable<bool> Wait(std::chrono::milliseconds timeout) = 0;
  // A thread-safe callable that wakes Wait(). Calling it after the stream ended is harmless while
  // the Server that owned the stream still exists.
  virtual Waker GetWaker() = 0;

  asio::awaitable<Status> SendEvent(std::string_view event, std::string_view data,
                                    std::string_view id = {});
  asio::awaitable<Status> SendComment(std::string_view text);  // ": text\n\n", e.g. a heartbeat
};

// "id: <id>\nevent: <event>\ndata: <line>\n...\n\n"; empty id/event are omitted; data lines are split
// at \n (and \r\n) as the SSE format requires.
std::string FormatSseEvent(std::string_view event, std::string_view data, std::string_view id = {});

}  // namespace pantau::http

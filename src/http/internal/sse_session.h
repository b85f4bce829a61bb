// SseSession: the SseStream a stream route's handler writes to. Owns nothing but shared state with
// a reader coroutine that notices the client leaving (EOF on the socket) and a timer Wait() sleeps
// on; the Waker posts a cancel of that timer, so it is safe from any thread and after the session.
#pragma once

#include <memory>

#include "http/internal/connection_registry.h"
#include "http/internal/response_writer.h"
#include "http/sse.h"

namespace pantau::http::internal {

class SseSession final : public SseStream {
 public:
  SseSession(std::shared_ptr<ConnectionState> state, const ResponseWriter& writer,
             std::chrono::milliseconds write_timeout);
  ~SseSession() override;

  asio::awaitable<Status> Write(std::string_view frames) override;
  bool Closed() const override;
  asio::awaitable<bool> Wait(std::chrono::milliseconds timeout) override;
  Waker GetWaker() override;

  bool started() const { return started_; }

 private:
  struct Shared;
  std::shared_ptr<ConnectionState> state_;
  const ResponseWriter& writer_;
  std::chrono::milliseconds write_timeout_;
  std::shared_ptr<Shared> shared_;
  bool started_ = false;
};

}  // namespace pantau::http::internal

#include "http/internal/sse_session.h"

#include <array>
#include <atomic>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace pantau::http::internal {
namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

struct SseSession::Shared {
  explicit Shared(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::atomic<bool> wake_pending{false};
  std::atomic<bool> closed{false};
};

SseSession::SseSession(std::shared_ptr<ConnectionState> state, const ResponseWriter& writer,
                       std::chrono::milliseconds write_timeout)
    : state_(std::move(state)),
      writer_(writer),
      write_timeout_(write_timeout),
      shared_(std::make_shared<Shared>(state_->socket.get_executor())) {
  state_->Enter(Phase::kStreaming, std::chrono::milliseconds(0));
  // The client never sends on an event stream; a completed read means it left (or misbehaves).
  asio::co_spawn(
      state_->socket.get_executor(),
      [state = state_, shared = shared_]() -> asio::awaitable<void> {
        std::array<char, 256> sink;
        for (;;) {
          auto [ec, n] = co_await state->socket.async_read_some(asio::buffer(sink), kTuple);
          if (ec) break;
        }
        shared->closed = true;
        shared->timer.cancel();
      },
      asio::detached);
}

SseSession::~SseSession() {
  shared_->closed = true;
  state_->CloseNow();  // ends the reader; the connection ends with the stream
}

bool SseSession::Closed() const { return shared_->closed.load(); }

asio::awaitable<Status> SseSession::Write(std::string_view frames) {
  if (Closed()) co_return std::unexpected(Error::Unavailable("stream closed"));
  state_->Enter(Phase::kStreaming, write_timeout_);
  boost::system::error_code ec;
  if (!started_) {
    started_ = true;
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(writer_.sse_head()),
                                                    asio::buffer(frames)};
    std::tie(ec, std::ignore) = co_await asio::async_write(state_->socket, buffers, kTuple);
  } else {
    std::tie(ec, std::ignore) =
        co_await asio::async_write(state_->socket, asio::buffer(frames), kTuple);
  }
  state_->Enter(Phase::kStreaming, std::chrono::milliseconds(0));
  if (ec) {
    shared_->closed = true;
    co_return std::unexpected(Error::Unavailable("stream closed", ec.message()));
  }
  co_return Ok();
}

asio::awaitable<bool> SseSession::Wait(std::chrono::milliseconds timeout) {
  if (Closed()) co_return false;
  if (shared_->wake_pending.exchange(false)) co_return true;
  shared_->timer.expires_after(timeout);
  co_await shared_->timer.async_wait(kTuple);
  shared_->wake_pending.store(false);
  co_return !Closed();
}

SseStream::Waker SseSession::GetWaker() {
  return [shared = shared_] {
    shared->wake_pending.store(true);
    asio::post(shared->timer.get_executor(), [shared] { shared->timer.cancel(); });
  };
}

}  // namespace pantau::http::internal

#include "http/internal/connection.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "http/internal/raw_request.h"
#include "http/internal/request_parser.h"
#include "http/internal/sse_session.h"
#include "http/problem.h"

// Coroutine rules for g++ 12 followed here: no co_await inside a short-circuit condition, and no
// non-trivial temporaries (Responses, capturing lambdas) inside a co_await expression — name them.
//
// Why one long coroutine: every coroutine call allocates a frame (g++ keeps every local in it), and
// with many connections suspended at once Asio's small per-thread frame cache cannot recycle them.
// So a request served from the buffer — the common case, a vote included — runs inside Run's own
// frame plus the handler's; only rare paths (a body still on the wire, a stream, an error answer)
// are coroutines of their own.

namespace pantau::http::internal {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kInlineBodyMax = 16 * 1024;  // smaller bodies are copied behind the head
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string PeerAddress(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) return "0.0.0.0";
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return address.to_string();
}

// A handler's outcome as the response to send: errors become problems (5xx logged as errors).
Response Finish(std::optional<Result<Response>>& result, const Route& route, Lang lang) {
  if (!result) return Problem(Error::Internal("handler threw"), lang);
  if (*result) return std::move(**result);
  const Error& error = result->error();
  if (StatusFor(error) >= HttpStatus::internal_server_error) {
    spdlog::error("http: {} failed: {}", route.pattern, error.ToLogString());
  } else {
    spdlog::debug("http: {} refused: {}", route.pattern, error.ToLogString());
  }
  return Problem(error, lang);
}

class Connection {
 public:
  Connection(ServerCore& core, std::shared_ptr<ConnectionState> state)
      : core_(core),
        state_(std::move(state)),
        peer_ip_(PeerAddress(state_->socket)),
        capacity_(std::max<std::size_t>(core.options.header_limit, 16 * 1024) + 8 * 1024),
        buffer_(std::make_unique<char[]>(capacity_)) {}

  asio::awaitable<void> Run();

 private:
  std::string_view Pending() const { return {buffer_.get() + begin_, end_ - begin_}; }
  void Consume(std::size_t n) { begin_ += n; }
  // Moves unread bytes to the front. Only between requests, or once the head no longer lives here.
  void Compact() {
    if (begin_ == 0) return;
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  asio::mutable_buffer FreeSpace() { return asio::buffer(buffer_.get() + end_, capacity_ - end_); }

  // Copies the head out of the buffer (and re-parses it there), so that a body still on the wire
  // can be read through the whole buffer.
  void PinHead(std::size_t head_size);
  // Reads the rest of the body into body_; false when the connection must close (answered or not).
  asio::awaitable<bool> ReadBody(std::size_t limit, Lang lang);
  asio::awaitable<bool> Stream(const Route& route, RequestContext& ctx);
  // Builds the wire bytes of `r` in out_ and returns the buffers to write.
  std::array<asio::const_buffer, 2> Prepare(const Response& r, bool keep_alive, bool head_only);
  asio::awaitable<bool> Send(const Response& r, bool keep_alive, bool head_only);
  // Answers a request the server cannot read (400, 413, 431); the connection closes after it.
  asio::awaitable<void> Refuse(const Error& error, Lang lang);

  bool Stopping() const { return core_.registry.stopping(); }

  ServerCore& core_;
  std::shared_ptr<ConnectionState> state_;
  std::string peer_ip_;
  const std::size_t capacity_;
  std::unique_ptr<char[]> buffer_;  // bytes read from the socket: [begin_, end_) not yet consumed
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  RequestHead head_;  // views into buffer_ (or into pinned_head_)
  std::string pinned_head_;
  std::string body_;  // a body that did not arrive with its head
  std::string_view body_view_;
  std::string out_;  // response head (and small body), reused across requests
  // The current request lives here rather than in Run's frame so that it is rebuilt in place.
  std::optional<RawRequest> raw_;
  std::optional<RequestContext> ctx_;
};

asio::awaitable<void> Connection::Run() {
  const auto& options = core_.options;
  while (!Stopping()) {
    ctx_.reset();
    raw_.reset();
    Compact();
    // The head: wait until its blank line is buffered.
    state_->Enter(Phase::kIdle, options.read_timeout);
    std::size_t scanned = 0;
    std::size_t head_size = FindHeadEnd(Pending(), 0);
    while (head_size == std::string_view::npos) {
      scanned = end_ - begin_;
      if (scanned > options.header_limit) {
        const Error refusal = HeadersTooLarge(Lang::kId);
        co_await Refuse(refusal, Lang::kId);
        co_return;
      }
      auto [ec, n] = co_await state_->socket.async_read_some(FreeSpace(), kTuple);
      if (ec)
        co_return;  // the client left (or our timeout or stop): nothing to
                    // answer
      end_ += n;
      head_size = FindHeadEnd(Pending(), scanned);
    }
    if (head_size > options.header_limit + 4) {  // the blank line itself is not counted
      const Error refusal = HeadersTooLarge(Lang::kId);
      co_await Refuse(refusal, Lang::kId);
      co_return;
    }
    if (ParseRequestHead(Pending().substr(0, head_size), head_) != HeadStatus::kOk) {
      const Error refusal = BadRequest(Lang::kId);
      co_await Refuse(refusal, Lang::kId);
      co_return;
    }
    state_->Enter(Phase::kReading, options.read_timeout);
    const auto started = std::chrono::steady_clock::now();
    const uint64_t length = head_.content_length.value_or(0);
    const bool body_buffered = !head_.chunked && end_ - begin_ - head_size >= length;
    if (body_buffered) {
      Consume(head_size);
      body_view_ = Pending().substr(0, length);
      Consume(length);
    } else {
      PinHead(head_size);
      body_view_ = {};
    }

    const RawRequest& raw = raw_.emplace(RawRequest{head_, body_view_});
    RequestContext& ctx =
        ctx_.emplace(raw, RequestContext::Peer{peer_ip_, options.trust_proxy}, state_->socket.get_executor());
    const Router::Match match = core_.router.Find(head_.method, ctx.Path(), ctx.params());
    const std::size_t limit = match.route && match.route->options.body_limit
                                  ? *match.route->options.body_limit
                                  : options.body_limit;
    if (head_.content_length && *head_.content_length > limit) {
      const Error refusal = BodyTooLarge(limit, ctx.Language());
      co_await Refuse(refusal, ctx.Language());
      co_return;  // the unread body makes the stream unusable
    }
    if (!body_buffered) {
      const bool read = co_await ReadBody(limit, ctx.Language());
      if (!read) co_return;
      raw_.emplace(RawRequest{head_, body_});  // the context reads the body through raw_
    }

    // Route, handle, answer.
    const bool head_only = head_.method == Verb::head;
    bool keep_alive = head_.keep_alive && !Stopping();
    const Route* route = match.route;
    if (route && route->stream && !head_only) {
      co_await Stream(*route, ctx);
      co_return;
    }
    std::optional<Response> response;
    if (!route) {
      const Lang lang = ctx.Language();
      response.emplace(match.path_known ? Problem(MethodNotAllowed(lang), lang)
                                        : Problem(RouteNotFound(lang), lang));
      if (match.path_known) response->Header("Allow", match.allow);
    } else if (route->stream) {
      response.emplace(HttpStatus::ok, "text/event-stream", std::string());
    } else {
      state_->Enter(Phase::kHandling, std::chrono::milliseconds(0));
      std::optional<Result<Response>> result;
      try {
        result.emplace(co_await route->handler(ctx));
      } catch (const std::exception& e) {
        spdlog::error("http: handler for {} threw: {}", route->pattern, e.what());
      } catch (...) {
        spdlog::error("http: handler for {} threw a non-standard exception", route->pattern);
      }
      response.emplace(Finish(result, *route, ctx.Language()));
      keep_alive = keep_alive && !Stopping();
    }
    state_->Enter(Phase::kWriting, options.write_timeout);
    const auto buffers = Prepare(*response, keep_alive, head_only);
    auto [ec, n] = co_await asio::async_write(state_->socket, buffers, kTuple);
    if (out_.capacity() > 64 * 1024) std::string().swap(out_);  // don't pin a large buffer
    if (body_.capacity() > 64 * 1024) std::string().swap(body_);
    if (spdlog::should_log(spdlog::level::debug)) {
      const auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
      spdlog::debug("http: {} {} {}us", head_.method_text, ctx.Path(), us.count());
    }
    if (ec || !keep_alive) co_return;
  }
}

void Connection::PinHead(std::size_t head_size) {
  pinned_head_.assign(Pending().substr(0, head_size));
  Consume(head_size);
  Compact();
  ParseRequestHead(pinned_head_,
                   head_);  // the same bytes parsed again: views into pinned_head_
}

asio::awaitable<bool> Connection::ReadBody(std::size_t limit, Lang lang) {
  body_.clear();
  if (head_.expect_continue && head_.version == 11 && end_ == begin_) {
    auto [wec, wn] = co_await asio::async_write(state_->socket, asio::buffer(kContinue), kTuple);
    if (wec) co_return false;
  }
  if (!head_.chunked) {  // Content-Length: what is buffered, then the rest
                         // straight into body_
    const std::size_t length = static_cast<std::size_t>(*head_.content_length);
    const std::size_t have = std::min(length, end_ - begin_);
    body_.assign(Pending().substr(0, have));
    Consume(have);
    body_.resize(length);
    auto [ec, n] =
        co_await asio::async_read(state_->socket, asio::buffer(body_.data() + have, length - have), kTuple);
    co_return !ec;
  }
  ChunkedDecoder decoder(limit);
  for (;;) {
    std::size_t used = 0;
    const auto status = decoder.Feed(Pending(), used, body_);
    Consume(used);
    if (status == ChunkedDecoder::Status::kDone) co_return true;
    if (status == ChunkedDecoder::Status::kTooLarge) {
      const Error refusal = BodyTooLarge(limit, lang);
      co_await Refuse(refusal, lang);
      co_return false;
    }
    if (status == ChunkedDecoder::Status::kBadRequest) {
      const Error refusal = BadRequest(lang);
      co_await Refuse(refusal, lang);
      co_return false;
    }
    Compact();
    auto [ec, n] = co_await state_->socket.async_read_some(FreeSpace(), kTuple);
    if (ec) co_return false;
    end_ += n;
  }
}

asio::awaitable<bool> Connection::Stream(const Route& route, RequestContext& ctx) {
  SseSession session(state_, core_.writer, core_.options.write_timeout);
  Status status = Ok();
  try {
    status = co_await route.stream(ctx, session);
  } catch (const std::exception& e) {
    spdlog::error("http: stream handler for {} threw: {}", route.pattern, e.what());
    status = std::unexpected(Error::Internal("stream handler threw"));
  }
  if (!session.started()) {  // refused before streaming: answer like any
                             // handler, then close
    const Response r = status ? Response::NoContent() : Problem(status.error(), ctx.Language());
    co_await Send(r, false, false);
  }
  co_return false;
}

std::array<asio::const_buffer, 2> Connection::Prepare(const Response& r, bool keep_alive, bool head_only) {
  out_.clear();
  core_.writer.AppendHead(r, keep_alive, out_);
  const std::string_view body =
      head_only || !ResponseWriter::StatusHasBody(r.status()) ? std::string_view{} : r.body();
  if (body.size() <= kInlineBodyMax) {
    out_.append(body);
    return {asio::buffer(out_), asio::const_buffer()};
  }
  return {asio::buffer(out_), asio::buffer(body)};
}

asio::awaitable<bool> Connection::Send(const Response& r, bool keep_alive, bool head_only) {
  state_->Enter(Phase::kWriting, core_.options.write_timeout);
  const auto buffers = Prepare(r, keep_alive, head_only);
  auto [ec, n] = co_await asio::async_write(state_->socket, buffers, kTuple);
  co_return !ec;
}

asio::awaitable<void> Connection::Refuse(const Error& error, Lang lang) {
  const Response r = Problem(error, lang);
  co_await Send(r, false, false);
}

// Closing with unread input makes the kernel send RST, which can destroy a final response (a 413
// for a body we never read) before the client reads it. So: FIN first, then drain what the client
// still sends for a short while, then close.
asio::awaitable<void> LingeringClose(ConnectionState& state) {
  boost::system::error_code ec;
  if (!state.socket.is_open()) co_return;
  state.socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  state.Enter(Phase::kIdle, std::chrono::milliseconds(2000));
  std::array<char, 4096> sink;
  for (std::size_t drained = 0; drained < 256 * 1024;) {
    auto [rec, n] = co_await state.socket.async_read_some(asio::buffer(sink), kTuple);
    if (rec) break;
    drained += n;
  }
}

}  // namespace

asio::awaitable<void> ServeConnection(ServerCore& core, std::shared_ptr<ConnectionState> state) {
  struct Leave {
    ServerCore& core;
    std::shared_ptr<ConnectionState>& state;
    ~Leave() {
      state->CloseNow();
      core.registry.Remove(state);
    }
  } leave{core, state};
  {
    Connection connection(core, state);
    co_await connection.Run();
  }
  co_await LingeringClose(*state);
}

}  // namespace pantau::http::internal

#include "http/internal/connection.h"

#include <array>
#include <chrono>
#include <exception>
#include <limits>
#include <optional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <spdlog/spdlog.h>

#include "http/internal/raw_request.h"
#include "http/internal/sse_session.h"
#include "http/problem.h"

// Coroutine rules for g++ 12 followed here: no co_await inside a short-circuit condition, and no
// non-trivial temporaries (Responses, capturing lambdas) inside a co_await expression — name them.

namespace pantau::http::internal {
namespace {

namespace beast_http = boost::beast::http;
using Parser = beast_http::parser<true, RequestBody, ArenaAllocator<char>>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kInlineBodyMax = 16 * 1024;  // smaller bodies are copied behind the head

std::string PeerAddress(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) return "0.0.0.0";
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return address.to_string();
}

bool IsHttpParseError(const boost::system::error_code& ec) {
  return ec.category() == beast_http::make_error_code(beast_http::error::bad_target).category();
}

class Connection {
 public:
  Connection(ServerCore& core, std::shared_ptr<ConnectionState> state)
      : core_(core),
        state_(std::move(state)),
        peer_ip_(PeerAddress(state_->socket)),
        buffer_(std::max<std::size_t>(core.options.header_limit, 16 * 1024) + 8 * 1024) {}

  asio::awaitable<void> Run() {
    // (No co_await inside a short-circuit condition: g++ 12 miscompiles it.)
    while (!core_.registry.stopping()) {
      const bool keep_going = co_await ServeOne();
      if (!keep_going) break;
    }
  }

 private:
  // Serves one request; false when the connection should close.
  asio::awaitable<bool> ServeOne();
  asio::awaitable<bool> ReadBody(Parser& parser, std::size_t limit, RequestContext& ctx);
  asio::awaitable<bool> Respond(const Route* route, const Router::Match& match, RequestContext& ctx,
                                bool keep_alive);
  asio::awaitable<Response> Dispatch(const Route& route, RequestContext& ctx);
  asio::awaitable<bool> Stream(const Route& route, RequestContext& ctx);
  asio::awaitable<bool> Send(const Response& r, bool keep_alive, bool head_only);
  asio::awaitable<void> FailRead(const boost::system::error_code& ec, std::size_t body_limit,
                                 Lang lang);

  bool Stopping() const { return core_.registry.stopping(); }

  ServerCore& core_;
  std::shared_ptr<ConnectionState> state_;
  std::string peer_ip_;
  boost::beast::flat_buffer buffer_;
  std::string out_;     // response head (and small body), reused across requests
  RequestArena arena_;  // the current request's fields and body
  // The current request lives here rather than in ServeOne's coroutine frame: Asio recycles frames
  // only up to ~1 KiB, and a parser plus context would make every request allocate one.
  std::optional<Parser> parser_;
  std::optional<RawRequest> raw_;
  std::optional<RequestContext> ctx_;
};

asio::awaitable<bool> Connection::ServeOne() {
  ctx_.reset();
  raw_.reset();
  parser_.reset();
  arena_.Reset();  // nothing of the previous request is left
  const ArenaAllocator<char> alloc(arena_);
  Parser& parser =
      parser_.emplace(std::piecewise_construct, std::make_tuple(alloc), std::make_tuple(alloc));
  parser.header_limit(static_cast<std::uint32_t>(core_.options.header_limit));
  // Beast checks Content-Length against body_limit while parsing the head; the route's own limit is
  // applied once the route is known (ReadBody).
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  state_->Enter(Phase::kIdle, core_.options.read_timeout);
  auto [ec, n] = co_await beast_http::async_read_header(state_->socket, buffer_, parser, kTuple);
  if (ec) {
    co_await FailRead(ec, core_.options.body_limit, Lang::kId);
    co_return false;
  }
  state_->Enter(Phase::kReading, core_.options.read_timeout);
  const auto started = std::chrono::steady_clock::now();
  const RawRequest& raw = raw_.emplace(RawRequest{parser.get()});
  RequestContext& ctx = ctx_.emplace(raw, RequestContext::Peer{peer_ip_, core_.options.trust_proxy},
                                     state_->socket.get_executor());
  const Router::Match match = core_.router.Find(raw.message.method(), ctx.Path(), ctx.params());
  const std::size_t limit = match.route && match.route->options.body_limit
                                ? *match.route->options.body_limit
                                : core_.options.body_limit;
  if (!co_await ReadBody(parser, limit, ctx)) co_return false;
  const bool keep_alive = raw.message.keep_alive() && !Stopping();
  const bool ok = co_await Respond(match.route, match, ctx, keep_alive);
  if (spdlog::should_log(spdlog::level::debug)) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    const auto method = beast_http::to_string(raw.message.method());
    spdlog::debug("http: {} {} {}us", std::string_view(method.data(), method.size()), ctx.Path(),
                  us.count());
  }
  co_return ok && keep_alive;
}

asio::awaitable<bool> Connection::ReadBody(Parser& parser, std::size_t limit, RequestContext& ctx) {
  if (auto length = parser.content_length(); length && *length > limit) {
    const Response r = Problem(BodyTooLarge(limit, ctx.Language()), ctx.Language());
    co_await Send(r, false, false);
    co_return false;  // the unread body makes the stream unusable
  }
  if (parser.is_done()) co_return true;
  parser.body_limit(limit);
  // Usually the whole body arrived with the head: parse it from the buffer without another read.
  boost::system::error_code put_ec;
  while (!parser.is_done() && buffer_.size() > 0) {
    const std::size_t used = parser.put(buffer_.data(), put_ec);
    buffer_.consume(used);
    if (put_ec == beast_http::error::need_more) put_ec = {};
    if (put_ec || used == 0) break;
  }
  if (put_ec) {
    co_await FailRead(put_ec, limit, ctx.Language());
    co_return false;
  }
  if (parser.is_done()) co_return true;
  if (auto expect = ctx.Header("Expect"); expect && boost::beast::iequals(*expect, "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [wec, wn] = co_await asio::async_write(state_->socket, asio::buffer(kContinue), kTuple);
    if (wec) co_return false;
  }
  auto [ec, n] = co_await beast_http::async_read(state_->socket, buffer_, parser, kTuple);
  if (ec) {
    co_await FailRead(ec, limit, ctx.Language());
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Connection::Respond(const Route* route, const Router::Match& match,
                                          RequestContext& ctx, bool keep_alive) {
  const bool head_only = ctx.Method() == Verb::head;
  if (!route) {
    const Lang lang = ctx.Language();
    Response r = match.path_known ? Problem(MethodNotAllowed(lang), lang)
                                  : Problem(RouteNotFound(lang), lang);
    if (match.path_known) r.Header("Allow", match.allow);
    co_return co_await Send(r, keep_alive, head_only);
  }
  if (route->stream) {
    if (head_only) {
      const Response head(HttpStatus::ok, "text/event-stream", {});
      co_return co_await Send(head, keep_alive, true);
    }
    co_return co_await Stream(*route, ctx);
  }
  state_->Enter(Phase::kHandling, std::chrono::milliseconds(0));
  const Response r = co_await Dispatch(*route, ctx);
  co_return co_await Send(r, keep_alive && !Stopping(), head_only);
}

asio::awaitable<Response> Connection::Dispatch(const Route& route, RequestContext& ctx) {
  std::optional<Result<Response>> result;
  try {
    result.emplace(co_await route.handler(ctx));
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} threw: {}", route.pattern, e.what());
  } catch (...) {
    spdlog::error("http: handler for {} threw a non-standard exception", route.pattern);
  }
  if (!result) co_return Problem(Error::Internal("handler threw"), ctx.Language());
  if (*result) co_return std::move(**result);
  const Error& error = result->error();
  if (StatusFor(error) >= HttpStatus::internal_server_error) {
    spdlog::error("http: {} failed: {}", route.pattern, error.ToLogString());
  } else {
    spdlog::debug("http: {} refused: {}", route.pattern, error.ToLogString());
  }
  co_return Problem(error, ctx.Language());
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
  if (!session.started()) {  // refused before streaming: answer like any handler, then close
    const Response r = status ? Response::NoContent() : Problem(status.error(), ctx.Language());
    co_await Send(r, false, false);
  }
  co_return false;
}

asio::awaitable<bool> Connection::Send(const Response& r, bool keep_alive, bool head_only) {
  out_.clear();
  core_.writer.AppendHead(r, keep_alive, out_);
  const std::string_view body =
      head_only || !ResponseWriter::StatusHasBody(r.status()) ? std::string_view{} : r.body();
  state_->Enter(Phase::kWriting, core_.options.write_timeout);
  boost::system::error_code ec;
  if (body.size() <= kInlineBodyMax) {
    out_.append(body);
    std::tie(ec, std::ignore) = co_await asio::async_write(state_->socket, asio::buffer(out_), kTuple);
  } else {
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(out_), asio::buffer(body)};
    std::tie(ec, std::ignore) = co_await asio::async_write(state_->socket, buffers, kTuple);
  }
  if (out_.capacity() > 64 * 1024) std::string().swap(out_);  // don't pin a large buffer
  co_return !ec;
}

asio::awaitable<void> Connection::FailRead(const boost::system::error_code& ec,
                                           std::size_t body_limit, Lang lang) {
  std::optional<Response> reply;
  if (ec == beast_http::error::header_limit || ec == beast_http::error::buffer_overflow) {
    reply = Problem(HeadersTooLarge(lang), lang);
  } else if (ec == beast_http::error::body_limit) {
    reply = Problem(BodyTooLarge(body_limit, lang), lang);
  } else if (ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message &&
             IsHttpParseError(ec)) {
    reply = Problem(BadRequest(lang), lang);
  }
  // Anything else is the network or our own timeout/stop: nothing to answer.
  if (reply) co_await Send(*reply, false, false);
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

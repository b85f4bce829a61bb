#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/internal/connection.h"
#include "http/internal/connection_registry.h"
#include "http/internal/response_writer.h"

namespace pantau::http {

namespace {
using asio::ip::tcp;
using internal::Phase;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kForceAfterGrace{1000};

bool IdleOrStreaming(Phase p) { return p == Phase::kIdle || p == Phase::kStreaming; }
bool AnyPhase(Phase) { return true; }
}  // namespace

struct Server::Impl {
  Impl(Options o, const Router& r)
      : options(std::move(o)),
        router(r),
        writer(options.content_security_policy, options.referrer_policy),
        core{options, router, registry, writer},
        ioc(std::max(1, options.io_threads)),
        control(asio::make_strand(ioc)),
        sweeper(control) {
    if (options.handle_signals) {  // installed now, so a signal during start-up is not fatal
      signals.emplace(control, SIGINT, SIGTERM);
      WatchSignals();
    }
  }

  asio::any_io_executor ConnectionExecutor() {
    if (options.io_threads > 1) return asio::make_strand(ioc);
    return ioc.get_executor();
  }

  asio::awaitable<void> AcceptLoop(tcp::acceptor& acceptor);
  asio::awaitable<void> Sweep();
  void BeginStop();
  void WatchSignals();

  // Order matters: coroutines still suspended when the io_context is destroyed unwind into the
  // registry and core, so those are declared (and outlive it) before it; I/O objects after it.
  Options options;
  const Router& router;
  internal::ConnectionRegistry registry;
  internal::ResponseWriter writer;
  internal::ServerCore core;
  asio::io_context ioc;
  // Acceptors, the sweeper, signals and the stop stages share this strand: with several io
  // threads they would otherwise race on the same timer and acceptor objects.
  asio::strand<asio::io_context::executor_type> control;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  asio::steady_timer sweeper;
  std::optional<asio::signal_set> signals;
  int64_t grace_deadline_ms = 0;  // on `control` only
  std::atomic<bool> ran{false};
};

asio::awaitable<void> Server::Impl::AcceptLoop(tcp::acceptor& acceptor) {
  asio::steady_timer backoff(control);
  while (acceptor.is_open() && !registry.stopping()) {
    if (registry.size() >= options.max_connections) {  // let the kernel backlog absorb the excess
      backoff.expires_after(std::chrono::milliseconds(10));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    tcp::socket socket(ConnectionExecutor());
    auto [ec] = co_await acceptor.async_accept(socket, kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) break;
      spdlog::warn("http: accept failed: {}", ec.message());  // e.g. out of file descriptors
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto state = std::make_shared<internal::ConnectionState>(std::move(socket));
    registry.Add(state);
    asio::co_spawn(state->socket.get_executor(), internal::ServeConnection(core, state),
                   [](std::exception_ptr e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("http: connection ended by exception: {}", ex.what());
                     }
                   });
  }
}

// Enforces read/write deadlines and drives the shutdown stages.
asio::awaitable<void> Server::Impl::Sweep() {
  const auto shortest = std::min(options.read_timeout, options.write_timeout);
  const auto interval = std::clamp(shortest / 4, std::chrono::milliseconds(10),
                                   std::chrono::milliseconds(250));
  for (;;) {
    sweeper.expires_after(registry.stopping() ? std::chrono::milliseconds(10) : interval);
    co_await sweeper.async_wait(kTuple);
    const int64_t now = internal::SteadyMillis();
    registry.ExpireDeadlines(now);
    if (!registry.stopping()) continue;
    registry.CloseIf(&IdleOrStreaming);  // connections that became idle since the last pass
    if (registry.size() == 0) break;
    if (now >= grace_deadline_ms) registry.CloseIf(&AnyPhase);
    if (now >= grace_deadline_ms + kForceAfterGrace.count()) {
      spdlog::warn("http: {} connection(s) still busy after the grace period; stopping anyway",
                   registry.size());
      ioc.stop();
      break;
    }
  }
  if (signals) {
    boost::system::error_code ec;
    signals->cancel(ec);
  }
}

void Server::Impl::BeginStop() {
  if (registry.stopping()) return;
  registry.set_stopping();
  grace_deadline_ms = internal::SteadyMillis() + options.shutdown_grace.count();
  for (auto& acceptor : acceptors) {
    boost::system::error_code ec;
    acceptor->close(ec);
  }
  registry.CloseIf(&IdleOrStreaming);
  sweeper.cancel();  // re-arm at the short shutdown interval
  spdlog::info("http: stopping; {} connection(s) open", registry.size());
}

void Server::Impl::WatchSignals() {
  signals->async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (registry.stopping()) {
      spdlog::warn("http: second signal {}; stopping now", signal);
      ioc.stop();
      return;
    }
    spdlog::info("http: signal {}; graceful stop", signal);
    BeginStop();
    WatchSignals();
  });
}

Server::Server(Options options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

Result<uint16_t> Server::Listen(std::string_view address, uint16_t port) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(std::string(address), ec);
  if (ec) return std::unexpected(Error::InvalidArgument(fmt::format("bad listen address '{}'", address)));
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->control);
  const tcp::endpoint endpoint(ip, port);
  if (acceptor->open(endpoint.protocol(), ec); !ec)
    if (acceptor->set_option(asio::socket_base::reuse_address(true), ec); !ec)
      if (acceptor->bind(endpoint, ec); !ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return std::unexpected(Error::Unavailable(
        fmt::format("cannot listen on {}:{}", address, port), ec.message()));
  const uint16_t bound = acceptor->local_endpoint(ec).port();
  tcp::acceptor& ref = *acceptor;
  impl_->acceptors.push_back(std::move(acceptor));
  asio::co_spawn(impl_->control, impl_->AcceptLoop(ref), asio::detached);
  spdlog::info("http: listening on {}:{}", address, bound);
  return bound;
}

void Server::Run() {
  if (impl_->ran.exchange(true)) throw std::logic_error("Server::Run called twice");
  asio::co_spawn(impl_->control, impl_->Sweep(), asio::detached);
  std::vector<std::thread> helpers;
  for (int i = 1; i < impl_->options.io_threads; ++i)
    helpers.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : helpers) t.join();
  spdlog::info("http: stopped");
}

void Server::Stop() {
  asio::post(impl_->control, [impl = impl_.get()] { impl->BeginStop(); });
}

std::size_t Server::ActiveConnections() const { return impl_->registry.size(); }

asio::any_io_executor Server::GetExecutor() const { return impl_->ioc.get_executor(); }

}  // namespace pantau::http

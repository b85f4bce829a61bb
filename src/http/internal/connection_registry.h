// ConnectionRegistry: the Server's live connections, so that timeouts and shutdown can reach a
// connection from outside its coroutine. Deadlines are coarse (checked by the server's sweeper a
// few times a second) which keeps timers off the per-request hot path. Thread-safe; closing is
// always posted to the connection's own executor and re-checked there.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>

namespace pantau::http::internal {

enum class Phase : uint8_t {
  kIdle,       // waiting for the next request head (keep-alive)
  kReading,    // head received, reading the body
  kHandling,   // a handler runs; no deadline
  kWriting,    // sending a response
  kStreaming,  // an SSE stream owns the connection
};

int64_t SteadyMillis();

// One accepted socket. Only its coroutine does I/O on it; others post Close requests.
struct ConnectionState {
  explicit ConnectionState(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}

  // Records the phase and its deadline (0 = none) for the sweeper.
  void Enter(Phase p, std::chrono::milliseconds timeout) {
    phase.store(p, std::memory_order_relaxed);
    deadline_ms.store(timeout.count() > 0 ? SteadyMillis() + timeout.count() : 0,
                      std::memory_order_relaxed);
  }
  // On the connection's executor: ends pending operations and the connection.
  void CloseNow();

  boost::asio::ip::tcp::socket socket;
  std::atomic<Phase> phase{Phase::kIdle};
  std::atomic<int64_t> deadline_ms{0};
  std::list<std::shared_ptr<ConnectionState>>::iterator position;  // guarded by the registry
};

class ConnectionRegistry {
 public:
  void Add(const std::shared_ptr<ConnectionState>& c);
  void Remove(const std::shared_ptr<ConnectionState>& c);
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

  // Closes connections whose deadline has passed (re-checked on their executor).
  void ExpireDeadlines(int64_t now_ms);
  // Closes connections whose phase satisfies `pred` (re-checked on their executor).
  void CloseIf(bool (*pred)(Phase));

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void set_stopping() { stopping_.store(true, std::memory_order_release); }

 private:
  mutable std::mutex mu_;
  std::list<std::shared_ptr<ConnectionState>> live_;  // guarded by mu_
  std::atomic<std::size_t> size_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace pantau::http::internal

#include "http/internal/connection_registry.h"

#include <boost/asio/post.hpp>

namespace pantau::http::internal {

int64_t SteadyMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void ConnectionState::CloseNow() {
  boost::system::error_code ec;
  deadline_ms.store(0, std::memory_order_relaxed);
  if (!socket.is_open()) return;
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void ConnectionRegistry::Add(const std::shared_ptr<ConnectionState>& c) {
  std::lock_guard lock(mu_);
  live_.push_front(c);
  c->position = live_.begin();
  size_.fetch_add(1, std::memory_order_relaxed);
}

void ConnectionRegistry::Remove(const std::shared_ptr<ConnectionState>& c) {
  std::lock_guard lock(mu_);
  live_.erase(c->position);
  size_.fetch_sub(1, std::memory_order_relaxed);
}

void ConnectionRegistry::ExpireDeadlines(int64_t now_ms) {
  std::lock_guard lock(mu_);
  for (const auto& c : live_) {
    const int64_t deadline = c->deadline_ms.load(std::memory_order_relaxed);
    if (deadline == 0 || deadline > now_ms) continue;
    boost::asio::post(c->socket.get_executor(), [c] {
      const int64_t d = c->deadline_ms.load(std::memory_order_relaxed);
      if (d != 0 && d <= SteadyMillis()) c->CloseNow();
    });
  }
}

void ConnectionRegistry::CloseIf(bool (*pred)(Phase)) {
  std::lock_guard lock(mu_);
  for (const auto& c : live_) {
    if (!pred(c->phase.load(std::memory_order_relaxed))) continue;
    boost::asio::post(c->socket.get_executor(), [c, pred] {
      if (pred(c->phase.load(std::memory_order_relaxed))) c->CloseNow();
    });
  }
}

}  // namespace pantau::http::internal

// RunUntil: drives a test client's io_context until its operation is `done` or `deadline` passes;
// on timeout it cancels the socket's operations, waits for their handlers and reports false.
// Shared by TestClient and SseClient.
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace pantau::http::testing {

inline bool RunUntil(boost::asio::io_context& ioc, boost::asio::ip::tcp::socket& socket, const bool& done,
                     std::chrono::steady_clock::time_point deadline) {
  ioc.restart();
  while (!done && std::chrono::steady_clock::now() < deadline) {
    ioc.run_one_until(deadline);
    if (ioc.stopped()) ioc.restart();
  }
  if (done) return true;
  boost::system::error_code ignored;
  socket.cancel(ignored);
  ioc.restart();
  while (!done) ioc.run_one();
  return false;
}

}  // namespace pantau::http::testing

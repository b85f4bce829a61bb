// TestServer: a Server on 127.0.0.1 with an ephemeral port, run on a background thread.
#include "http/test_client.h"

#include <stdexcept>

namespace pantau::http::testing {

TestServer::TestServer(const Router& router) : TestServer(router, Server::Options{}) {}

TestServer::TestServer(const Router& router, Server::Options options)
    : server_(std::make_unique<Server>(std::move(options), router)) {
  auto port = server_->Listen("127.0.0.1", 0);
  if (!port) throw std::runtime_error("TestServer: " + port.error().ToLogString());
  port_ = *port;
  std::packaged_task<void()> task([this] { server_->Run(); });
  done_ = task.get_future();
  thread_ = std::thread(std::move(task));
}

TestServer::~TestServer() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

bool TestServer::Stop(std::chrono::milliseconds limit) {
  if (!thread_.joinable()) return true;
  server_->Stop();
  if (done_.wait_for(limit) != std::future_status::ready) return false;
  thread_.join();
  return true;
}

}  // namespace pantau::http::testing

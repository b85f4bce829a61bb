#include "http/server.h"

#include <atomic>
#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include "http/server_fixture.h"

namespace pantau::http {
namespace {

using namespace server_test;
using ServerLifecycle = ServerTest;  // timeouts, limits, shutdown, threads

TEST_F(ServerLifecycle, KeepAliveServesManySequentialRequestsOnOneConnection) {
  TestClient client(Start().port());
  for (int i = 0; i < 500; ++i) {
    auto r = client.Post("/api/v1/polls/p/votes", R"({"i":)" + std::to_string(i) + "}");
    ASSERT_TRUE(r) << i << ": " << r.error().message;
    ASSERT_EQ(r->status, 201);
  }
  EXPECT_EQ(client.connects(), 1);
}

TEST_F(ServerLifecycle, HandlerAwaitsAForeignThreadCallback) {
  TestClient client(Start().port());
  for (int i = 0; i < 20; ++i) {
    auto r = client.Post("/commit", "{}");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->Json().at("seq"), 42);
  }
}

TEST_F(ServerLifecycle, IdleConnectionsTimeOut) {
  Server::Options options;
  options.read_timeout = 200ms;
  TestServer& server = Start(options);
  TestClient client(server.port());
  ASSERT_TRUE(client.Get("/api/v1/polls/1"));
  EXPECT_EQ(server.server().ActiveConnections(), 1u);
  EXPECT_TRUE(Eventually([&] { return server.server().ActiveConnections() == 0; }));
  ASSERT_TRUE(client.Get("/api/v1/polls/1"));  // the client reconnects
  EXPECT_EQ(client.connects(), 2);
}

TEST_F(ServerLifecycle, SlowlorisHeadersTimeOut) {
  Server::Options options;
  options.read_timeout = 200ms;
  TestServer& server = Start(options);
  TestClient client(server.port(), 3s);
  auto r = client.SendRaw("GET /api/v1/polls/1 HTTP/1.1\r\nHost: x\r\n");  // never finishes
  EXPECT_FALSE(r);
  EXPECT_TRUE(Eventually([&] { return server.server().ActiveConnections() == 0; }));
}

TEST_F(ServerLifecycle, ConnectionCapPausesAccepting) {
  Server::Options options;
  options.max_connections = 2;
  TestServer& server = Start(options);
  TestClient a(server.port()), b(server.port());
  ASSERT_TRUE(a.Get("/api/v1/polls/1"));
  ASSERT_TRUE(b.Get("/api/v1/polls/1"));
  TestClient c(server.port(), 300ms);
  EXPECT_FALSE(c.Get("/api/v1/polls/1"));  // queued in the backlog, not served
  a.Close();
  TestClient d(server.port(), 3s);
  auto r = d.Get("/api/v1/polls/1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerLifecycle, GracefulStopLetsInFlightRequestsFinish) {
  TestServer& server = Start();
  TestClient idle(server.port());
  ASSERT_TRUE(idle.Get("/api/v1/polls/1"));
  std::optional<Result<testing::Reply>> slow;
  std::thread requester([&] {
    TestClient client(server.port());
    slow = client.Get("/slow?ms=400");
  });
  std::this_thread::sleep_for(100ms);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(server.Stop(5s));
  requester.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
  ASSERT_TRUE(slow && *slow) << (slow && !*slow ? slow->error().message : "no reply");
  EXPECT_EQ((*slow)->status, 200);
  EXPECT_EQ((*slow)->body, "done");
  EXPECT_FALSE((*slow)->keep_alive);  // Connection: close during shutdown
  TestClient late(server.port(), 500ms);
  EXPECT_FALSE(late.Get("/api/v1/polls/1"));  // no longer accepting
}

TEST_F(ServerLifecycle, StopClosesRequestsThatOutliveTheGracePeriod) {
  Server::Options options;
  options.shutdown_grace = 200ms;
  TestServer& server = Start(options);
  std::optional<Result<testing::Reply>> stuck;
  std::thread requester([&] {
    TestClient client(server.port(), 10s);
    stuck = client.Get("/slow?ms=8000");
  });
  std::this_thread::sleep_for(100ms);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(server.Stop(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2500ms);
  requester.join();
  ASSERT_TRUE(stuck.has_value());
  EXPECT_FALSE(*stuck);  // cut off
}

TEST_F(ServerLifecycle, SigtermStopsGracefully) {
  Server::Options options;
  options.handle_signals = true;
  TestServer& server = Start(options);
  TestClient client(server.port());
  ASSERT_TRUE(client.Get("/api/v1/polls/1"));
  std::raise(SIGTERM);
  EXPECT_TRUE(server.Stop(5s));  // Run returned (Stop itself is idempotent)
}

TEST_F(ServerLifecycle, TwoIoThreadsServeConcurrentClients) {
  Server::Options options;
  options.io_threads = 2;
  TestServer& server = Start(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      TestClient client(server.port());
      for (int i = 0; i < 100; ++i) {
        auto r = (i % 10 == 0) ? client.Post("/commit", "{}")
                               : client.Get("/api/v1/polls/" + std::to_string(t * 1000 + i));
        if (r && (r->status == 200)) ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_TRUE(server.Stop(5s));
}

}  // namespace
}  // namespace pantau::http

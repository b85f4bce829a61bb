#include "http/sse.h"

#include <atomic>
#include <thread>

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "http/eventually.h"
#include "http/test_client.h"
#include "http/tick_broadcaster.h"

namespace pantau::http {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::SseClient;
using testing::TestServer;

TEST(FormatSseEvent, SplitsDataLinesAndOmitsEmptyFields) {
  EXPECT_EQ(FormatSseEvent("update", "{\"a\":1}", "7"), "id: 7\nevent: update\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(FormatSseEvent("", "a\nb\r\nc"), "data: a\ndata: b\ndata: c\n\n");
  EXPECT_EQ(FormatSseEvent("", ""), "data: \n\n");
}

class SseServerTest : public ::testing::Test {
 protected:
  SseServerTest()
      : broadcaster_({.tick = 30ms, .heartbeat = 5s},
                     [this](const std::string& topic, uint64_t&) -> std::optional<std::string> {
                       ++productions_;
                       return fmt::format(R"({{"poll":"{}","votes":{}}})", topic, votes_.load());
                     }) {
    router_.AddStream("/api/v1/polls/{id}/events", [this](RequestContext& ctx, SseStream& s) {
      return broadcaster_.Serve(std::string(ctx.Param("id")), s);
    });
    router_.AddStream("/refuse/{id}", [](RequestContext&, SseStream&) -> asio::awaitable<Status> {
      co_return std::unexpected(Error::NotFound("no such poll", "poll-not-found"));
    });
    router_.AddStream("/pings", [](RequestContext&, SseStream& s) -> asio::awaitable<Status> {
      for (int i = 0; i < 3; ++i) {
        if (auto st = co_await s.SendComment("ping"); !st) co_return st;
        co_await s.Wait(20ms);
      }
      co_return co_await s.SendEvent("bye", "done");
    });
  }

  std::atomic<int> votes_{0};
  std::atomic<int> productions_{0};
  TickBroadcaster broadcaster_;
  Router router_;
};

TEST_F(SseServerTest, SubscribersReceiveSharedUpdates) {
  TestServer server(router_);
  constexpr int kClients = 8;
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<SseClient>(server.port()));
    auto head = clients.back()->Open("/api/v1/polls/p1/events");
    ASSERT_TRUE(head) << head.error().message;
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->Header("Content-Type").value_or(""), "text/event-stream");
    EXPECT_EQ(head->Header("X-Content-Type-Options").value_or(""), "nosniff");
  }
  for (auto& c : clients) {
    auto first = c->Next(3s);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->event, "update");
    EXPECT_EQ(boost::json::parse(first->data).at("votes"), 0);
  }
  ASSERT_TRUE(Eventually([&] { return broadcaster_.SubscriberCount("p1") == kClients; }));
  const int before = productions_.load();
  votes_ = 5;
  broadcaster_.MarkChanged("p1");
  for (auto& c : clients) {
    auto next = c->Next(3s);
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_EQ(boost::json::parse(next->data).at("votes"), 5);
  }
  EXPECT_EQ(productions_.load() - before, 1);  // one computation for all subscribers
  clients.clear();
  EXPECT_TRUE(Eventually([&] { return broadcaster_.TopicCount() == 0; }));
  EXPECT_TRUE(Eventually([&] { return server.server().ActiveConnections() == 0; }));
}

TEST_F(SseServerTest, HandlerRefusingBeforeStreamingGetsAProblem) {
  TestServer server(router_);
  SseClient client(server.port());
  auto head = client.Open("/refuse/x");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->status, 404);
  EXPECT_EQ(head->Header("Content-Type").value_or(""), "application/problem+json");
  EXPECT_NE(head->body.find("poll-not-found"), std::string::npos);
}

TEST_F(SseServerTest, CommentsEventsAndEndOfStream) {
  TestServer server(router_);
  SseClient client(server.port());
  ASSERT_TRUE(client.Open("/pings"));
  for (int i = 0; i < 3; ++i) {
    auto ping = client.Next(2s, /*with_comments=*/true);
    ASSERT_TRUE(ping) << ping.error().message;
    EXPECT_EQ(ping->comment, "ping");
  }
  auto bye = client.Next(2s);
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->event, "bye");
  EXPECT_EQ(bye->data, "done");
  EXPECT_FALSE(client.Next(2s));  // the server closes after the handler returns
  EXPECT_TRUE(client.closed());
}

TEST_F(SseServerTest, StopEndsOpenStreamsPromptly) {
  TestServer server(router_);
  SseClient client(server.port());
  ASSERT_TRUE(client.Open("/api/v1/polls/p2/events"));
  ASSERT_TRUE(client.Next(3s));
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(server.Stop(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_FALSE(client.Next(2s));
  EXPECT_EQ(broadcaster_.TopicCount(), 0u);
}

}  // namespace
}  // namespace pantau::http

#include "http/tick_broadcaster.h"

#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pantau::http {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// An in-memory SseStream on one io_context; everything runs on the test thread via poll().
class FakeStream final : public SseStream {
 public:
  explicit FakeStream(asio::io_context& ioc) : gate_(ioc), shared_(std::make_shared<Shared>(ioc)) {}

  asio::awaitable<Status> Write(std::string_view frames) override {
    if (Closed()) co_return std::unexpected(Error::Unavailable("closed"));
    std::string copy(frames);
    if (gated_) {  // a slow client: the write completes only when released
      gate_.expires_at(asio::steady_timer::time_point::max());
      co_await gate_.async_wait(kTuple);
    }
    frames_.push_back(std::move(copy));
    co_return Ok();
  }
  bool Closed() const override { return shared_->closed; }
  asio::awaitable<bool> Wait(std::chrono::milliseconds timeout) override {
    if (Closed()) co_return false;
    if (shared_->wake_pending.exchange(false)) co_return true;
    shared_->timer.expires_after(timeout);
    co_await shared_->timer.async_wait(kTuple);
    shared_->wake_pending = false;
    co_return !Closed();
  }
  Waker GetWaker() override {
    return [s = shared_] {
      s->wake_pending = true;
      asio::post(s->timer.get_executor(), [s] { s->timer.cancel(); });
    };
  }

  void Close() {
    shared_->closed = true;
    shared_->timer.cancel();
  }
  void Gate(bool on) {
    gated_ = on;
    if (!on) gate_.cancel();
  }
  // Data of the snapshot frames received ("id: v\nevent: update\ndata: d\n\n" -> "v:d").
  std::vector<std::string> Updates() const {
    std::vector<std::string> out;
    for (const auto& f : frames_) {
      if (!f.starts_with("id: ")) continue;
      const auto id = f.substr(4, f.find('\n') - 4);
      const auto data_at = f.find("data: ") + 6;
      out.push_back(id + ":" + f.substr(data_at, f.find('\n', data_at) - data_at));
    }
    return out;
  }
  const std::vector<std::string>& frames() const { return frames_; }

 private:
  struct Shared {
    explicit Shared(asio::io_context& ioc) : timer(ioc) {}
    asio::steady_timer timer;
    std::atomic<bool> wake_pending{false};  // set by the broadcaster's thread in one test
    bool closed = false;
  };
  asio::steady_timer gate_;
  bool gated_ = false;
  std::shared_ptr<Shared> shared_;
  std::vector<std::string> frames_;
};

class TickBroadcasterTest : public ::testing::Test {
 protected:
  TickBroadcasterTest()
      : broadcaster_({.tick = std::chrono::milliseconds(0)},
                     [this](const std::string& topic, uint64_t& version) -> std::optional<std::string> {
                       ++calls_[topic];
                       if (topic == "silent") return std::nullopt;
                       (void)version;
                       return fmt::format("{}#{}", topic, calls_[topic]);
                     }) {}

  FakeStream& Subscribe(const std::string& topic) {
    streams_.push_back(std::make_unique<FakeStream>(ioc_));
    FakeStream& s = *streams_.back();
    asio::co_spawn(ioc_, broadcaster_.Serve(topic, s), asio::detached);
    ioc_.poll();
    return s;
  }
  void Settle() {
    ioc_.restart();
    ioc_.poll();
  }

  asio::io_context ioc_;
  std::map<std::string, int> calls_;
  TickBroadcaster broadcaster_;
  std::vector<std::unique_ptr<FakeStream>> streams_;
};

TEST_F(TickBroadcasterTest, OneProductionPerTickServesEverySubscriber) {
  std::vector<FakeStream*> p1, p2;
  for (int i = 0; i < 50; ++i) p1.push_back(&Subscribe("p1"));
  for (int i = 0; i < 10; ++i) p2.push_back(&Subscribe("p2"));
  EXPECT_EQ(broadcaster_.SubscriberCount("p1"), 50u);
  EXPECT_EQ(broadcaster_.TopicCount(), 2u);

  broadcaster_.Tick();  // first snapshots
  Settle();
  EXPECT_EQ(calls_["p1"], 1);
  EXPECT_EQ(calls_["p2"], 1);
  for (auto* s : p1) EXPECT_EQ(s->Updates(), std::vector<std::string>{"1:p1#1"});

  for (int round = 2; round <= 4; ++round) {
    for (int i = 0; i < 7; ++i) broadcaster_.MarkChanged("p1");  // many changes, one production
    broadcaster_.Tick();
    Settle();
    EXPECT_EQ(calls_["p1"], round);
    EXPECT_EQ(calls_["p2"], 1);  // unchanged: not recomputed
  }
  broadcaster_.Tick();  // nothing changed
  Settle();
  EXPECT_EQ(calls_["p1"], 4);
  for (auto* s : p1)
    EXPECT_EQ(s->Updates(), (std::vector<std::string>{"1:p1#1", "2:p1#2", "3:p1#3", "4:p1#4"}));
  for (auto* s : p2) EXPECT_EQ(s->Updates(), std::vector<std::string>{"1:p2#1"});
  EXPECT_EQ(broadcaster_.stats().productions, 5u);
  EXPECT_EQ(broadcaster_.stats().ticks, 5u);
}

TEST_F(TickBroadcasterTest, StreamStartsWithRetryHintThenSnapshot) {
  FakeStream& s = Subscribe("p1");
  broadcaster_.Tick();
  Settle();
  ASSERT_EQ(s.frames().size(), 2u);
  EXPECT_EQ(s.frames()[0], "retry: 3000\n\n");
  EXPECT_EQ(s.frames()[1], "id: 1\nevent: update\ndata: p1#1\n\n");
}

TEST_F(TickBroadcasterTest, LateSubscriberGetsTheCurrentSnapshotAtOnce) {
  Subscribe("p1");
  broadcaster_.Tick();
  Settle();
  FakeStream& late = Subscribe("p1");
  Settle();
  EXPECT_EQ(late.Updates(), std::vector<std::string>{"1:p1#1"});
  EXPECT_EQ(calls_["p1"], 1);  // served from the shared snapshot, not recomputed
}

TEST_F(TickBroadcasterTest, MarkingATopicWithoutSubscribersCostsNothing) {
  broadcaster_.MarkChanged("nobody");
  broadcaster_.Tick();
  EXPECT_EQ(broadcaster_.TopicCount(), 0u);
  EXPECT_EQ(calls_.count("nobody"), 0u);
}

TEST_F(TickBroadcasterTest, DepartedSubscribersAreCleanedUp) {
  std::vector<FakeStream*> subs;
  for (int i = 0; i < 5; ++i) subs.push_back(&Subscribe("p1"));
  broadcaster_.Tick();
  Settle();
  for (int i = 0; i < 4; ++i) subs[i]->Close();
  Settle();
  EXPECT_EQ(broadcaster_.SubscriberCount("p1"), 1u);
  subs[4]->Close();
  Settle();
  EXPECT_EQ(broadcaster_.TopicCount(), 0u);
  broadcaster_.MarkChanged("p1");
  broadcaster_.Tick();
  EXPECT_EQ(calls_["p1"], 1);
}

TEST_F(TickBroadcasterTest, SlowSubscriberDoesNotBlockOthersAndSkipsStaleStates) {
  FakeStream& slow = Subscribe("p1");
  FakeStream& fast = Subscribe("p1");
  broadcaster_.Tick();
  Settle();
  slow.Gate(true);
  for (int i = 0; i < 3; ++i) {
    broadcaster_.MarkChanged("p1");
    broadcaster_.Tick();
    Settle();
  }
  EXPECT_EQ(fast.Updates().size(), 4u);
  EXPECT_EQ(slow.Updates().size(), 1u);  // stuck in a write
  slow.Gate(false);
  Settle();
  // It finishes the write it was in (#2), then jumps to the newest state (#4).
  EXPECT_EQ(slow.Updates(), (std::vector<std::string>{"1:p1#1", "2:p1#2", "4:p1#4"}));
}

TEST_F(TickBroadcasterTest, NothingPublishedWhenTheProducerDeclines) {
  FakeStream& s = Subscribe("silent");
  broadcaster_.Tick();
  broadcaster_.Tick();  // still no snapshot: asked again each tick, never more often
  Settle();
  EXPECT_EQ(calls_["silent"], 2);
  EXPECT_TRUE(s.Updates().empty());
}

TEST(TickBroadcaster, ProducerMaySetTheVersionAndHeartbeatsFlow) {
  asio::io_context ioc;
  TickBroadcaster broadcaster({.tick = std::chrono::milliseconds(20),
                               .heartbeat = std::chrono::milliseconds(30)},
                              [](const std::string&, uint64_t& version) -> std::optional<std::string> {
                                version = 1000;
                                return "{}";
                              });
  FakeStream stream(ioc);
  asio::co_spawn(ioc, broadcaster.Serve("t", stream), asio::detached);
  ioc.run_for(std::chrono::milliseconds(200));  // the thread produces the first snapshot
  ASSERT_FALSE(stream.Updates().empty());
  EXPECT_EQ(stream.Updates().front(), "1000:{}");
  int pings = 0;
  for (const auto& f : stream.frames()) pings += f == ": ping\n\n";
  EXPECT_GE(pings, 2);
  stream.Close();
  ioc.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(broadcaster.TopicCount(), 0u);
}

}  // namespace
}  // namespace pantau::http

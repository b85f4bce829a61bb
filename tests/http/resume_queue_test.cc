#include "http/resume_queue.h"

#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

namespace pantau::http {
namespace {

using namespace std::chrono_literals;

struct IntCall final : Resumable {
  std::optional<int> result;
};

TEST(ResumeQueue, WakeFromAForeignThreadResumesOnTheExecutor) {
  asio::io_context ioc;
  ResumeQueue queue;
  std::thread worker;
  std::optional<int> result;
  std::thread::id resumed_on;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        IntCall call;
        auto start = [&] {
          worker = std::thread([&] {
            std::this_thread::sleep_for(30ms);
            call.result = 42;
            queue.Wake(call);
          });
        };
        co_await queue.Wait(call, start);
        result = call.result;
        resumed_on = std::this_thread::get_id();
      },
      asio::detached);
  ioc.run();  // must not return before the foreign wake arrives
  worker.join();
  EXPECT_EQ(result, 42);
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

TEST(ResumeQueue, WakeInsideStartResumesAfterSuspending) {
  asio::io_context ioc;
  ResumeQueue queue;
  std::optional<int> result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        IntCall call;
        auto start = [&] {
          call.result = 7;
          queue.Wake(call);
        };
        co_await queue.Wait(call, start);
        result = call.result;
      },
      asio::detached);
  ioc.run();
  EXPECT_EQ(result, 7);
}

// One worker wakes a whole batch at once: every waiter resumes with its own result, in wake order,
// and the batch costs one drain (the io_context runs far fewer handlers than there are waiters).
TEST(ResumeQueue, ABatchOfWakesResumesEveryWaiterInOrder) {
  constexpr int kWaiters = 200;
  asio::io_context ioc;
  ResumeQueue queue;
  std::vector<IntCall*> waiting;
  std::mutex mu;
  std::vector<int> resumed;
  for (int i = 0; i < kWaiters; ++i) {
    asio::co_spawn(
        ioc,
        [&, i]() -> asio::awaitable<void> {
          IntCall call;
          auto start = [&] {
            std::lock_guard lock(mu);
            waiting.push_back(&call);
          };
          co_await queue.Wait(call, start);
          EXPECT_EQ(call.result, i * 3);
          resumed.push_back(i);
        },
        asio::detached);
  }
  std::thread worker([&] {
    for (;;) {
      std::this_thread::sleep_for(5ms);
      std::lock_guard lock(mu);
      if (waiting.size() < kWaiters) continue;
      for (size_t k = 0; k < waiting.size(); ++k) {
        waiting[k]->result = static_cast<int>(k) * 3;
        queue.Wake(*waiting[k]);
      }
      return;
    }
  });
  const std::size_t handlers = ioc.run();
  worker.join();
  ASSERT_EQ(resumed.size(), static_cast<size_t>(kWaiters));
  for (int i = 0; i < kWaiters; ++i) EXPECT_EQ(resumed[i], i);
  EXPECT_LT(handlers, static_cast<std::size_t>(2 * kWaiters + kWaiters / 2));
}

// Waiters on strands of a multi-threaded io_context each resume on their own strand.
TEST(ResumeQueue, ManyConcurrentWakesOnStrands) {
  constexpr int kWaiters = 300;
  asio::io_context ioc(2);
  ResumeQueue queue;
  std::atomic<int> done{0};
  std::vector<std::thread> workers;
  std::mutex mu;
  for (int i = 0; i < kWaiters; ++i) {
    auto strand = asio::make_strand(ioc);
    asio::co_spawn(
        strand,
        [&, i, strand]() -> asio::awaitable<void> {
          IntCall call;
          auto start = [&] {
            std::lock_guard lock(mu);
            workers.emplace_back([&call, &queue, i] {
              call.result = i;
              queue.Wake(call);
            });
          };
          co_await queue.Wait(call, start);
          EXPECT_TRUE(strand.running_in_this_thread());
          EXPECT_EQ(call.result, i);
          ++done;
        },
        asio::detached);
  }
  std::thread helper([&] { ioc.run(); });
  ioc.run();
  helper.join();
  for (auto& t : workers) t.join();
  EXPECT_EQ(done.load(), kWaiters);
}

}  // namespace
}  // namespace pantau::http

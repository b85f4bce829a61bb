#include "http/await_callback.h"

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace pantau::http {
namespace {

using namespace std::chrono_literals;

TEST(AwaitCallback, CompletionFromAForeignThreadResumesOnTheExecutor) {
  asio::io_context ioc;
  std::thread worker;
  std::optional<Result<int>> result;
  std::thread::id resumed_on;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        // Named, not a temporary: see await_callback.h on g++ 12 and co_await temporaries.
        auto start = [&](std::function<void(Result<int>)> done) {
          worker = std::thread([done] {
            std::this_thread::sleep_for(30ms);
            done(42);
          });
        };
        result = co_await AwaitCallback<int>(start);
        resumed_on = std::this_thread::get_id();
      },
      asio::detached);
  ioc.run();  // must not return before the foreign completion arrives
  worker.join();
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(*result);
  EXPECT_EQ(**result, 42);
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

TEST(AwaitCallback, SynchronousCompletionInsideStart) {
  asio::io_context ioc;
  std::optional<Result<std::string>> result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        result = co_await AwaitCallback<std::string>([](auto done) { done(std::string("now")); });
      },
      asio::detached);
  ioc.run();
  ASSERT_TRUE(result && *result);
  EXPECT_EQ(**result, "now");
}

TEST(AwaitCallback, ErrorsPropagateAndExtraCallsAreIgnored) {
  asio::io_context ioc;
  std::optional<Result<int>> result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        result = co_await AwaitCallback<int>([](auto done) {
          done(std::unexpected(Error::Unavailable("disk full")));
          done(7);
        });
      },
      asio::detached);
  ioc.run();
  ASSERT_TRUE(result);
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error().code, ErrorCode::kUnavailable);
}

TEST(AwaitCallback, DroppedCallbackResumesWithInternalError) {
  asio::io_context ioc;
  std::optional<Result<int>> result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        result = co_await AwaitCallback<int>([](auto done) { (void)done; });
      },
      asio::detached);
  ioc.run();
  ASSERT_TRUE(result);
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error().code, ErrorCode::kInternal);
}

TEST(AwaitCallback, StartMayOwnStateWhenNamed) {
  asio::io_context ioc;
  std::optional<Result<std::string>> result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        const std::string payload(64, 'v');  // heap-allocated: a double destroy would show in ASan
        auto start = [payload](std::function<void(Result<std::string>)> done) { done(payload); };
        result = co_await AwaitCallback<std::string>(start);
      },
      asio::detached);
  ioc.run();
  ASSERT_TRUE(result && *result);
  EXPECT_EQ((*result)->size(), 64u);
}

TEST(AwaitCallback, ManyConcurrentForeignCompletions) {
  asio::io_context ioc;
  constexpr int kCount = 200;
  std::vector<std::function<void(Result<int>)>> pending;
  std::mutex mu;
  int sum = 0;
  for (int i = 0; i < kCount; ++i) {
    asio::co_spawn(
        ioc,
        [&, i]() -> asio::awaitable<void> {
          auto start = [&, i](std::function<void(Result<int>)> done) {
            std::lock_guard lock(mu);
            pending.push_back([done, i](Result<int>) { done(i); });
          };
          auto r = co_await AwaitCallback<int>(start);
          sum += r.value_or(0);
        },
        asio::detached);
  }
  std::thread completer([&] {
    for (int done_count = 0; done_count < kCount;) {
      std::vector<std::function<void(Result<int>)>> batch;
      {
        std::lock_guard lock(mu);
        batch.swap(pending);
      }
      for (auto& f : batch) f(0);
      done_count += static_cast<int>(batch.size());
      std::this_thread::sleep_for(1ms);
    }
  });
  ioc.run();
  completer.join();
  EXPECT_EQ(sum, kCount * (kCount - 1) / 2);
}

}  // namespace
}  // namespace pantau::http

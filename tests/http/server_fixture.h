// ServerTest: a fixture with a Router of small handlers covering the server's behaviours (params,
// JSON bodies, every error code, exceptions, slow handlers, cookies, a foreign-thread callback), and
// helpers shared by server_test.cc and server_lifecycle_test.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "http/await_callback.h"
#include "http/co_result.h"
#include "http/problem.h"
#include "http/server.h"
#include "http/eventually.h"
#include "http/test_client.h"

namespace pantau::http::server_test {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::TestClient;
using testing::TestServer;
using Awaitable = asio::awaitable<Result<Response>>;

inline asio::awaitable<void> Sleep(const RequestContext& ctx, std::chrono::milliseconds d) {
  asio::steady_timer timer(ctx.Executor());
  timer.expires_after(d);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

inline ErrorCode CodeFromName(std::string_view name) {
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c)
    if (ToString(static_cast<ErrorCode>(c)) == name) return static_cast<ErrorCode>(c);
  return ErrorCode::kInternal;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.Add(Verb::get, "/api/v1/polls/{id}", [](RequestContext& ctx) -> Awaitable {
      co_return Response::Json({{"id", ctx.Param("id")}, {"lang", ToString(ctx.Language())}});
    });
    router_.Add(Verb::post, "/api/v1/polls/{id}/votes", [](RequestContext& ctx) -> Awaitable {
      PANTAU_CO_ASSIGN_OR_RETURN(boost::json::value body, ctx.JsonBody());
      co_return Response::Json(HttpStatus::created, {{"poll", ctx.Param("id")}, {"echo", body}});
    });
    router_.Add(Verb::delete_, "/api/v1/polls/{id}", [](RequestContext&) -> Awaitable {
      co_return Response::NoContent();
    });
    router_.Add(Verb::post, "/big", [](RequestContext& ctx) -> Awaitable {
      co_return Response::Text(HttpStatus::ok, std::to_string(ctx.Body().size()));
    }, {.body_limit = 64 * 1024});
    router_.Add(Verb::post, "/tiny", [](RequestContext& ctx) -> Awaitable {
      co_return Response::Text(HttpStatus::ok, std::to_string(ctx.Body().size()));
    }, {.body_limit = 100});
    router_.Add(Verb::get, "/fail/{code}", [](RequestContext& ctx) -> Awaitable {
      Error e{CodeFromName(ctx.Param("code")), "it failed", "secret log detail", ""};
      co_return std::unexpected(e);
    });
    router_.Add(Verb::get, "/throw", [](RequestContext&) -> Awaitable {
      throw std::runtime_error("handler bug");
      co_return Response();
    });
    router_.Add(Verb::get, "/slow", [](RequestContext& ctx) -> Awaitable {
      const std::chrono::milliseconds delay(std::stoi(ctx.Query("ms").value_or("300")));
      co_await Sleep(ctx, delay);
      co_return Response::Text(HttpStatus::ok, "done");
    });
    router_.Add(Verb::get, "/whoami", [](RequestContext& ctx) -> Awaitable {
      co_return Response::Text(HttpStatus::ok, std::string(ctx.ClientIp()));
    });
    router_.Add(Verb::get, "/cookie", [](RequestContext& ctx) -> Awaitable {
      Response r = Response::Text(HttpStatus::ok, std::string(ctx.Cookie("pantau_did").value_or("none")));
      if (!ctx.Cookie("pantau_did")) r.Cookie({.name = "pantau_did", .value = "dev-1"});
      co_return r;
    });
    router_.Add(Verb::get, "/limited", [](RequestContext& ctx) -> Awaitable {
      co_return TooManyRequests(std::chrono::seconds(12), ctx.Language());
    });
    router_.Add(Verb::post, "/commit", [this](RequestContext&) -> Awaitable {
      auto start = [this](std::function<void(Result<int>)> done) {
        std::lock_guard lock(threads_mu_);
        threads_.emplace_back([done] { done(42); });
      };
      auto r = co_await AwaitCallback<int>(start);
      PANTAU_CO_ASSIGN_OR_RETURN(int seq, std::move(r));
      co_return Response::Json({{"seq", seq}});
    });
  }
  ~ServerTest() override {
    server_.reset();
    for (auto& t : threads_) t.join();
  }

  TestServer& Start(Server::Options options = {}) {
    server_ = std::make_unique<TestServer>(router_, std::move(options));
    return *server_;
  }

  Router router_;
  std::mutex threads_mu_;
  std::vector<std::thread> threads_;
  std::unique_ptr<TestServer> server_;
};

}  // namespace pantau::http::server_test

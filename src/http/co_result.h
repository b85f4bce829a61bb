// Coroutine twins of PANTAU_RETURN_IF_ERROR / PANTAU_ASSIGN_OR_RETURN (core/error.h), which use
// `return` and so cannot appear in a coroutine. For handlers returning asio::awaitable<Result<T>>:
//   PANTAU_CO_ASSIGN_OR_RETURN(boost::json::value body, ctx.JsonBody());
//   PANTAU_CO_RETURN_IF_ERROR(Validate(body));
//
// g++ 12 coroutine pitfalls (both reproduced under ASan; name things and they go away):
//  1. A capturing lambda or a braced/aggregate temporary inside a co_await expression is destroyed
//     twice:   co_await F([s = str] {...});   co_await G(Opts{.name = n});   // double free
//     instead: auto f = [s = str] {...};  co_await F(f);   Opts o{.name = n};  co_await G(o);
//     (Plain temporaries such as std::string(...) or a + b were fine.)
//  2. co_await inside a short-circuit condition (a && co_await x) miscompiled (SIGILL); assign the
//     awaited value to a local first.
#pragma once

#include <expected>
#include <utility>

#include "core/error.h"

#define PANTAU_CO_RETURN_IF_ERROR(expr)                                \
  do {                                                                 \
    if (auto pantau_co_status_ = (expr); !pantau_co_status_)           \
      co_return std::unexpected(std::move(pantau_co_status_).error()); \
  } while (false)

#define PANTAU_CO_CONCAT_INNER_(a, b) a##b
#define PANTAU_CO_CONCAT_(a, b) PANTAU_CO_CONCAT_INNER_(a, b)

#define PANTAU_CO_ASSIGN_OR_RETURN(lhs, expr)                                                  \
  auto PANTAU_CO_CONCAT_(pantau_co_result_, __LINE__) = (expr);                                \
  if (!PANTAU_CO_CONCAT_(pantau_co_result_, __LINE__))                                         \
    co_return std::unexpected(std::move(PANTAU_CO_CONCAT_(pantau_co_result_, __LINE__)).error()); \
  lhs = std::move(*PANTAU_CO_CONCAT_(pantau_co_result_, __LINE__))

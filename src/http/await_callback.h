// AwaitCallback: lets a handler coroutine await an operation that reports through a callback on any
// thread (the group committer's durable-commit callback arrives on its writer thread). The result is
// posted back to the awaiting coroutine's executor, so the handler resumes where it was suspended.
//   auto submit = [&](std::function<void(Result<store::LedgerEntry>)> done) {
//     committer.Submit(std::move(vote), std::move(done));
//   };
//   Result<store::LedgerEntry> entry = co_await AwaitCallback<store::LedgerEntry>(submit);
// `start` runs before the coroutine suspends; `done` may be called exactly once, from any thread,
// even synchronously inside `start`. Extra calls are ignored. If every copy of `done` is destroyed
// without a call, the coroutine resumes with Internal("callback dropped"). While waiting, the
// io_context is kept busy (Run does not return), so the operation must eventually complete.
// Name the lambda as above: g++ 12 destroys a capturing lambda (or any braced temporary) written
// inside a co_await expression twice — see co_result.h.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/error.h"
#include "http/types.h"

namespace pantau::http {

namespace internal {

// Owns the suspended coroutine's completion handler until the callback fires (or is dropped).
template <class T, class Handler>
class CallbackState {
 public:
  explicit CallbackState(Handler handler)
      : handler_(std::move(handler)),
        executor_(asio::prefer(asio::get_associated_executor(*handler_),
                               asio::execution::outstanding_work.tracked)) {}

  ~CallbackState() {
    if (!fired_.exchange(true))
      Deliver(std::unexpected(Error::Internal("AwaitCallback: callback dropped")));
  }

  void Complete(Result<T> result) {
    if (fired_.exchange(true)) return;  // exactly once; later calls are ignored
    Deliver(std::move(result));
  }

 private:
  void Deliver(Result<T> result) {
    // executor_ was taken from the handler on the io thread; the handler itself is not read here.
    asio::post(executor_, [h = std::move(*handler_), r = std::move(result)]() mutable {
      std::move(h)(std::move(r));
    });
    handler_.reset();
  }

  std::optional<Handler> handler_;
  asio::any_io_executor executor_;  // keeps the io_context from running out of work
  std::atomic<bool> fired_{false};
};

// The initiation for async_initiate: wraps the handler in a CallbackState and calls `start`.
template <class T>
struct CallbackInitiation {
  std::function<void(std::function<void(Result<T>)>)>* start;

  template <class Handler>
  void operator()(Handler handler) const {
    auto state = std::make_shared<CallbackState<T, Handler>>(std::move(handler));
    (*start)([state](Result<T> r) { state->Complete(std::move(r)); });
  }
};

}  // namespace internal

template <class T>
asio::awaitable<Result<T>> AwaitCallback(
    std::function<void(std::function<void(Result<T>)>)> start) {
  // g++ 12 may destroy non-trivial temporaries of a full-expression that contains co_await twice
  // (seen as a strand's reference count dropping early), so the initiation is a plain named
  // local and the executor comes from the handler rather than from `co_await this_coro::executor`.
  const internal::CallbackInitiation<T> initiation{&start};
  Result<T> result = co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
      initiation, asio::use_awaitable);
  co_return result;
}

}  // namespace pantau::http

// ResumeQueue: resumes coroutines that wait for work done on other threads, in batches. A waiter is a
// Resumable embedded in the waiting coroutine's own state (no allocation); another thread fills in
// its result and calls Wake. Wakes that arrive while a drain is pending join it, so a group
// committer completing a batch of N votes costs one post to the io executor (one mutex + eventfd
// write) instead of N posts, N heap-allocated handlers and N shared states (compare AwaitCallback).
//   struct Call : http::Resumable { std::optional<Result<X>> result; };
//   Call call;                                                // in the coroutine's state
//   auto start = [&] { worker.Begin(..., [&] { call.result = ...; queue.Wake(call); }); };
//   co_await queue.Wait(call, start);                         // named: see co_result.h
// `start` runs once the coroutine is ready to be woken; Wake may be called from any thread, even
// inside `start`, exactly once per Wait. While a waiter waits, its io_context is kept busy.
// A woken coroutine resumes on its own executor (inline when the drain runs there). If the
// io_context is destroyed with a drain still queued, the woken coroutines are destroyed with it;
// coroutines never woken stay suspended (their frames leak), so stop the waking side first.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <new>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/types.h"

namespace pantau::http {

class ResumeQueue;

// The part of a waiter the queue needs: a link, the suspended coroutine's handler and its executor.
class Resumable {
 public:
  Resumable() = default;
  Resumable(const Resumable&) = delete;
  Resumable& operator=(const Resumable&) = delete;

 protected:
  ~Resumable() = default;

 private:
  friend class ResumeQueue;
  static constexpr std::size_t kHandlerBytes = 32;

  Resumable* next_ = nullptr;
  void (*resume_)(Resumable&, bool run) = nullptr;  // run = false: destroy the handler only
  asio::any_io_executor work_;                      // tracked while waiting
  alignas(std::max_align_t) std::byte handler_[kHandlerBytes];
};

class ResumeQueue {
 public:
  ResumeQueue() = default;
  ResumeQueue(const ResumeQueue&) = delete;
  ResumeQueue& operator=(const ResumeQueue&) = delete;
  ~ResumeQueue() = default;  // see the header comment: stop the waking side, then the io_context

  // Suspends the calling coroutine until Wake(waiter); calls start() once suspended.
  template <class Start>
  asio::awaitable<void> Wait(Resumable& waiter, Start& start) {
    const Initiation<Start> initiation{this, &waiter, &start};
    co_await asio::async_initiate<const asio::use_awaitable_t<>, void()>(initiation, asio::use_awaitable);
  }

  // Any thread; once per Wait.
  void Wake(Resumable& waiter) {
    Resumable* head = head_.load(std::memory_order_relaxed);
    do {
      waiter.next_ = head;
    } while (!head_.compare_exchange_weak(head, &waiter, std::memory_order_release, std::memory_order_relaxed));
    if (head == nullptr) asio::post(executor_, DrainOp(this));  // the first since the last drain
  }

 private:
  template <class Start>
  struct Initiation {
    ResumeQueue* queue;
    Resumable* waiter;
    Start* start;

    template <class Handler>
    void operator()(Handler handler) const {
      static_assert(sizeof(Handler) <= Resumable::kHandlerBytes);
      static_assert(alignof(Handler) <= alignof(std::max_align_t));
      std::call_once(queue->bound_, [&] { queue->executor_ = asio::get_associated_executor(handler); });
      waiter->work_ = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
      new (waiter->handler_) Handler(std::move(handler));
      waiter->resume_ = &ResumeQueue::Resume<Handler>;
      (*start)();
    }
  };

  // Moves the handler and the work out of the waiter (whose storage dies with the coroutine), then
  // resumes it on its executor (inline when that is the one running the drain) or destroys it.
  template <class Handler>
  static void Resume(Resumable& waiter, bool run) {
    Handler* stored = std::launder(reinterpret_cast<Handler*>(waiter.handler_));
    Handler handler(std::move(*stored));
    stored->~Handler();
    const asio::any_io_executor work = std::move(waiter.work_);
    if (run) asio::dispatch(std::move(handler));
  }

  // Posted at most once per batch of wakes. Destroyed without running (the io_context went away):
  // destroys the woken coroutines, as the io_context does with any handler it still holds.
  class DrainOp {
   public:
    explicit DrainOp(ResumeQueue* q) : queue_(q) {}
    DrainOp(DrainOp&& other) noexcept : queue_(std::exchange(other.queue_, nullptr)) {}
    DrainOp& operator=(DrainOp&&) = delete;
    ~DrainOp() {
      if (queue_ != nullptr) queue_->Drain(false);
    }
    void operator()() { std::exchange(queue_, nullptr)->Drain(true); }

   private:
    ResumeQueue* queue_;
  };

  void Drain(bool run) {
    Resumable* list = head_.exchange(nullptr, std::memory_order_acquire);
    Resumable* ordered = nullptr;  // the list is newest first: reverse it to wake in order
    while (list != nullptr) {
      Resumable* next = list->next_;
      list->next_ = ordered;
      ordered = list;
      list = next;
    }
    while (ordered != nullptr) {
      Resumable* next = ordered->next_;  // read before resuming: the waiter dies with its coroutine
      ordered->resume_(*ordered, run);
      ordered = next;
    }
  }

  std::atomic<Resumable*> head_{nullptr};
  std::once_flag bound_;
  asio::any_io_executor executor_;  // of the first waiter; set once, before any Wake
};

}  // namespace pantau::http

// TickBroadcaster: fans one computed snapshot out to every SSE subscriber of a topic, so N
// subscribers cost one computation per tick, not N. Once per tick (default 1 s) it calls the producer
// for each topic that has subscribers and was marked changed since its last snapshot, formats the
// result once as an SSE frame and shares it (shared_ptr<const std::string>) with all subscribers.
// A new subscriber gets the current snapshot at once (a topic's first snapshot is produced without
// waiting for the tick). Slow subscribers never block others or the producer: each keeps only the
// newest pending frame. Heartbeat comments (": ping") keep idle connections open through proxies.
//   TickBroadcaster results({}, [&](const std::string& poll, uint64_t& version) { ... });
//   results.MarkChanged(poll_id);                                   // any thread, cheap
//   return results.Serve(std::string(ctx.Param("id")), stream);  // body of a stream handler
// Thread-safe. The producer runs on the broadcaster's own thread (or the caller of Tick()), never
// under the lock and never on an io thread. Topics without subscribers hold no memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/error.h"
#include "http/sse.h"
#include "http/types.h"

namespace pantau::http {

class TickBroadcaster {
 public:
  struct Options {
    std::chrono::milliseconds tick{1000};  // 0: no thread; the owner calls Tick() (tests)
    std::chrono::milliseconds heartbeat{15000};
    std::chrono::milliseconds client_retry{3000};  // SSE `retry:` hint sent first
    std::string event = "update";                   // the SSE event name of snapshots
  };
  // Called with a topic and, in `version`, the version of its last snapshot (0 when none). Returns
  // the event data (usually JSON), or nullopt to publish nothing this time. It may set `version`
  // (e.g. to the tally's sequence number), which becomes the SSE `id:`; left unchanged, the
  // broadcaster numbers a topic's snapshots 1, 2, 3... Exceptions are logged and publish nothing.
  using Producer = std::function<std::optional<std::string>(const std::string& topic, uint64_t& version)>;

  struct Stats {
    uint64_t ticks = 0;
    uint64_t productions = 0;  // producer calls
    uint64_t published = 0;    // snapshots sent out
  };

  TickBroadcaster(Options options, Producer producer);
  ~TickBroadcaster();  // stops the thread; call after every Serve has returned (Server::Run ended)
  TickBroadcaster(const TickBroadcaster&) = delete;
  TickBroadcaster& operator=(const TickBroadcaster&) = delete;

  // Marks the topic's data as changed; no-op (and no memory) when nobody subscribes. Thread-safe.
  void MarkChanged(std::string_view topic);

  // Streams the topic's snapshots to `stream` until the client leaves or the server stops.
  asio::awaitable<Status> Serve(std::string topic, SseStream& stream);

  // One production round; the thread calls it every tick. Public for tests with tick == 0; never
  // call it concurrently with itself.
  void Tick();

  std::size_t SubscriberCount(std::string_view topic) const;
  std::size_t TopicCount() const;
  Stats stats() const;

 private:
  struct Subscriber;
  struct Topic;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Work {
    std::string topic;
    uint64_t version = 0;
  };

  std::shared_ptr<Subscriber> Subscribe(const std::string& topic, SseStream::Waker waker);
  void Unsubscribe(const std::string& topic, const std::shared_ptr<Subscriber>& sub);
  std::shared_ptr<const std::string> TakePending(Subscriber& sub);
  void Produce(Work work);
  void RunThread();
  void RunRound(bool first_snapshots_only);

  const Options options_;
  const Producer producer_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::unordered_map<std::string, std::unique_ptr<Topic>, Hash, std::equal_to<>> topics_;
  Stats stats_;                         // guarded by mu_, as is topics_
  bool first_snapshot_wanted_ = false;  // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  std::thread thread_;
};

}  // namespace pantau::http

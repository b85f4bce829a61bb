#include "http/tick_broadcaster.h"

#include <algorithm>
#include <exception>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace pantau::http {

struct TickBroadcaster::Subscriber {
  SseStream::Waker waker;
  std::shared_ptr<const std::string> pending;  // newest unsent frame; guarded by mu_
};

struct TickBroadcaster::Topic {
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  std::shared_ptr<const std::string> snapshot;  // the last published frame
  uint64_t version = 0;
  bool changed = false;
};

TickBroadcaster::TickBroadcaster(Options options, Producer producer)
    : options_(std::move(options)), producer_(std::move(producer)) {
  if (options_.tick.count() > 0) thread_ = std::thread([this] { RunThread(); });
}

TickBroadcaster::~TickBroadcaster() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TickBroadcaster::MarkChanged(std::string_view topic) {
  std::lock_guard lock(mu_);
  if (auto it = topics_.find(topic); it != topics_.end()) it->second->changed = true;
}

std::shared_ptr<TickBroadcaster::Subscriber> TickBroadcaster::Subscribe(const std::string& topic,
                                                                        SseStream::Waker waker) {
  auto sub = std::make_shared<Subscriber>();
  sub->waker = std::move(waker);
  bool need_first = false;
  {
    std::lock_guard lock(mu_);
    auto& slot = topics_[topic];
    if (!slot) slot = std::make_unique<Topic>();
    sub->pending = slot->snapshot;
    slot->subscribers.push_back(sub);
    need_first = !slot->snapshot;
    first_snapshot_wanted_ = first_snapshot_wanted_ || need_first;
  }
  if (need_first) wake_.notify_all();
  return sub;
}

void TickBroadcaster::Unsubscribe(const std::string& topic, const std::shared_ptr<Subscriber>& sub) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  auto& subs = it->second->subscribers;
  subs.erase(std::remove(subs.begin(), subs.end(), sub), subs.end());
  if (subs.empty()) topics_.erase(it);
}

std::shared_ptr<const std::string> TickBroadcaster::TakePending(Subscriber& sub) {
  std::lock_guard lock(mu_);
  return std::exchange(sub.pending, nullptr);
}

void TickBroadcaster::Tick() { RunRound(/*first_snapshots_only=*/false); }

void TickBroadcaster::RunRound(bool first_snapshots_only) {
  std::vector<Work> work;
  {
    std::lock_guard lock(mu_);
    if (!first_snapshots_only) ++stats_.ticks;
    for (auto& [name, topic] : topics_) {
      if (topic->subscribers.empty()) continue;
      const bool needed = !topic->snapshot || (!first_snapshots_only && topic->changed);
      if (!needed) continue;
      topic->changed = false;  // a change during production marks it again for the next tick
      work.push_back(Work{name, topic->version});
    }
  }
  for (Work& w : work) Produce(std::move(w));
}

void TickBroadcaster::Produce(Work work) {
  uint64_t version = work.version;
  std::optional<std::string> data;
  try {
    data = producer_(work.topic, version);
  } catch (const std::exception& e) {
    spdlog::error("sse: producer failed for a topic: {}", e.what());
  }
  if (data && version == work.version) ++version;
  std::shared_ptr<const std::string> frame;
  if (data) frame = std::make_shared<const std::string>(
                FormatSseEvent(options_.event, *data, fmt::format("{}", version)));
  std::lock_guard lock(mu_);
  ++stats_.productions;
  if (!frame) return;
  auto it = topics_.find(work.topic);
  if (it == topics_.end()) return;  // every subscriber left meanwhile
  Topic& topic = *it->second;
  topic.version = version;
  topic.snapshot = frame;
  ++stats_.published;
  for (auto& sub : topic.subscribers) {
    sub->pending = frame;  // replaces an unsent older frame: slow readers only skip stale states
    if (sub->waker) sub->waker();
  }
}

void TickBroadcaster::RunThread() {
  using Clock = std::chrono::steady_clock;
  auto next_tick = Clock::now() + options_.tick;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_until(lock, next_tick, [&] { return stopping_ || first_snapshot_wanted_; });
    if (stopping_) break;
    const auto now = Clock::now();
    const bool regular = now >= next_tick;
    first_snapshot_wanted_ = false;
    if (regular) next_tick = std::max(next_tick + options_.tick, now);
    lock.unlock();
    RunRound(/*first_snapshots_only=*/!regular);
    lock.lock();
  }
}

asio::awaitable<Status> TickBroadcaster::Serve(std::string topic, SseStream& stream) {
  auto sub = Subscribe(topic, stream.GetWaker());
  struct Leave {
    TickBroadcaster* self;
    const std::string& topic;
    const std::shared_ptr<Subscriber>& sub;
    ~Leave() { self->Unsubscribe(topic, sub); }
  } leave{this, topic, sub};

  using Clock = std::chrono::steady_clock;
  const std::string hello = fmt::format("retry: {}\n\n", options_.client_retry.count());
  if (!co_await stream.Write(hello)) co_return Ok();
  auto next_ping = Clock::now() + options_.heartbeat;
  while (!stream.Closed()) {
    if (auto frame = TakePending(*sub)) {
      if (!co_await stream.Write(*frame)) break;
      continue;
    }
    const auto now = Clock::now();
    if (now >= next_ping) {
      if (!co_await stream.Write(": ping\n\n")) break;
      next_ping = now + options_.heartbeat;
      continue;
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_ping - now);
    if (!co_await stream.Wait(wait)) break;
  }
  co_return Ok();  // a departed client is the normal end of a stream, not an error
}

std::size_t TickBroadcaster::SubscriberCount(std::string_view topic) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  return it == topics_.end() ? 0 : it->second->subscribers.size();
}

std::size_t TickBroadcaster::TopicCount() const {
  std::lock_guard lock(mu_);
  return topics_.size();
}

TickBroadcaster::Stats TickBroadcaster::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace pantau::http

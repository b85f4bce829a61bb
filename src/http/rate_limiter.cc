#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace pantau::http {

RateLimiter::RateLimiter(Options options, const Clock& clock)
    : options_(options), clock_(clock) {
  options_.max_keys = std::max<std::size_t>(1, options_.max_keys);
}

void RateLimiter::Refill(Bucket& b, int64_t now_ms) const {
  if (now_ms <= b.updated_ms) return;  // a clock that steps back grants nothing
  const double gained = static_cast<double>(now_ms - b.updated_ms) / 1000.0 * options_.per_second;
  b.tokens = std::min(options_.burst, b.tokens + gained);
  b.updated_ms = now_ms;
}

// Drops least-recently-used buckets that are full again: forgetting them changes no decision.
void RateLimiter::EvictIdle(int64_t now_ms) {
  for (int i = 0; i < 2 && !lru_.empty(); ++i) {
    Bucket& oldest = lru_.back();
    Refill(oldest, now_ms);
    if (oldest.tokens < options_.burst) return;
    index_.erase(oldest.key);
    lru_.pop_back();
  }
}

RateLimiter::Decision RateLimiter::Check(std::string_view key, double cost) {
  if (!enabled()) return {};
  const int64_t now_ms = ToUnixMillis(clock_.Now());
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    if (lru_.size() >= options_.max_keys) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front(Bucket{std::string(key), options_.burst, now_ms});
    it = index_.emplace(std::string_view(lru_.front().key), lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  Bucket& bucket = *it->second;
  Refill(bucket, now_ms);
  Decision decision;
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
  } else {
    decision.allowed = false;
    const double wait = (cost - bucket.tokens) / options_.per_second;
    decision.retry_after = std::chrono::seconds(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait))));
  }
  EvictIdle(now_ms);
  return decision;
}

std::size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

}  // namespace pantau::http

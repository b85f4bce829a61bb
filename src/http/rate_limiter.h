// RateLimiter: token buckets keyed by a string (the vote handler keys by the client's /24 or /48
// prefix). Each key may spend `burst` requests at once and regains `per_second` tokens a second.
// Memory is bounded: at most `max_keys` buckets, least recently used evicted first, and buckets that
// have refilled completely (idle, so indistinguishable from new) are dropped as they age out.
// Thread-safe (one mutex; a hash lookup and a list splice per call). Time comes from the Clock.
//   RateLimiter limiter({.burst = 600, .per_second = 20}, SystemClock::Instance());
//   if (auto d = limiter.Check(prefix); !d.allowed) co_return TooManyRequests(d.retry_after, lang);
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/time.h"

namespace pantau::http {

class RateLimiter {
 public:
  struct Options {
    double burst = 600;             // bucket capacity; 0 disables the limiter
    double per_second = 20;         // refill rate; 0 disables the limiter
    std::size_t max_keys = 100000;  // buckets kept at most
  };
  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when denied: whole seconds until `cost` is available
  };

  RateLimiter(Options options, const Clock& clock);  // `clock` must outlive the limiter
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Spends `cost` tokens from `key`'s bucket if it has them.
  Decision Check(std::string_view key, double cost = 1.0);

  bool enabled() const { return options_.burst > 0 && options_.per_second > 0; }
  std::size_t size() const;  // buckets currently held

 private:
  struct Bucket {
    std::string key;
    double tokens = 0;
    int64_t updated_ms = 0;
  };
  using Lru = std::list<Bucket>;  // most recently used first

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void Refill(Bucket& b, int64_t now_ms) const;
  void EvictIdle(int64_t now_ms);

  Options options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator, Hash> index_;  // keys point into lru_
};

}  // namespace pantau::http

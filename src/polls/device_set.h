// DeviceSet: the set of 64-bit device keys that have voted in a poll (one per device cookie), as
// open-addressing tables with linear probing: flat arrays, no node per vote, so a million voters cost
// 16 MB and an insert touches one or two cache lines. The keys are spread over kShards tables that
// grow on their own: a table doubling rehashes 1/kShards of the voters, so the io thread, which
// inserts while it serves votes, never stalls for the whole set (one 16-MB rehash took tens of ms at
// ~400k voters and showed as a p99 spike). Erase shifts the following entries back (no tombstones).
// Key 0 is stored as 1 (0 marks an empty slot). Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pantau::polls {

namespace detail {

// One open-addressing table of non-zero keys.
class FlatKeySet {
 public:
  // true when `key` was not present (and now is).
  bool Insert(uint64_t key) {
    key = Normal(key);
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    for (std::size_t i = Home(key);; i = Next(i)) {
      if (slots_[i] == key) return false;
      if (slots_[i] == 0) {
        slots_[i] = key;
        ++size_;
        return true;
      }
    }
  }

  bool Contains(uint64_t key) const { return Find(Normal(key)) != kNone; }

  void Erase(uint64_t key) {
    std::size_t hole = Find(Normal(key));
    if (hole == kNone) return;
    slots_[hole] = 0;
    --size_;
    // Backward-shift: move later entries of the probe run into the hole when their home allows it.
    for (std::size_t i = Next(hole); slots_[i] != 0; i = Next(i)) {
      const std::size_t home = Home(slots_[i]);
      const bool movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
      if (movable) {
        slots_[hole] = slots_[i];
        slots_[i] = 0;
        hole = i;
      }
    }
  }

  void Reserve(std::size_t n) {
    while (n * 4 > slots_.size() * 3) Grow();
  }

  std::size_t size() const { return size_; }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};

  static uint64_t Normal(uint64_t key) { return key == 0 ? 1 : key; }
  std::size_t Home(uint64_t key) const {
    // Fibonacci hashing: keys are hashes already, but mixing keeps structured keys apart too.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  std::size_t Next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }

  std::size_t Find(uint64_t key) const {
    if (slots_.empty()) return kNone;
    for (std::size_t i = Home(key);; i = Next(i)) {
      if (slots_[i] == key) return i;
      if (slots_[i] == 0) return kNone;
    }
  }

  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    const std::size_t capacity = old.empty() ? 64 : old.size() * 2;
    slots_.assign(capacity, 0);
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
    size_ = 0;
    for (uint64_t key : old)
      if (key != 0) Insert(key);
  }

  std::vector<uint64_t> slots_;  // size a power of two (or empty)
  std::size_t size_ = 0;
  unsigned shift_ = 64;
};

}  // namespace detail

class DeviceSet {
 public:
  // true when `key` was not present (and now is).
  bool Insert(uint64_t key) { return ShardOf(key).Insert(key); }
  bool Contains(uint64_t key) const { return ShardOf(key).Contains(key); }
  void Erase(uint64_t key) { ShardOf(key).Erase(key); }
  void Reserve(std::size_t n) {
    for (auto& shard : shards_) shard.Reserve(n / kShards + n / (4 * kShards) + 16);
  }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& shard : shards_) n += shard.size();
    return n;
  }

 private:
  static constexpr std::size_t kShards = 64;
  // A mix independent of the tables' own (Fibonacci) hashing, so each table still sees spread keys.
  static std::size_t Shard(uint64_t key) {
    key = (key ^ (key >> 31)) * 0xBF58476D1CE4E5B9ull;
    return static_cast<std::size_t>((key ^ (key >> 29)) % kShards);
  }
  detail::FlatKeySet& ShardOf(uint64_t key) { return shards_[Shard(key == 0 ? 1 : key)]; }
  const detail::FlatKeySet& ShardOf(uint64_t key) const { return shards_[Shard(key == 0 ? 1 : key)]; }

  std::array<detail::FlatKeySet, kShards> shards_;
};

}  // namespace pantau::polls

// VoteIndex: what the journaled store keeps in memory so that the vote log itself answers vote reads.
// Per poll: its chain tail, its votes per choice, and where each vote's frame lies in the log (by seq);
// for every entry: the first 8 bytes of its hash → where its frame lies (a receipt lookup reads that
// frame and compares the whole hash and the poll, so prefixes that collide cost one more read, never
// a wrong answer); and the panel tokens the log's votes have spent. About 35–50 bytes a vote (a packed
// 8-byte location by seq, and a 16-byte hash slot at a load of 3/8 to 3/4). Not thread-safe: the
// journaled store guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "ledger/segment_log.h"
#include "store/store.h"

namespace pantau::ledger {

class VoteIndex {
 public:
  VoteIndex();

  // Whether `at` can be indexed: segment < 2^24, offset < 2^40 (16 M segments, 1 TiB each).
  static bool Fits(LogLocation at);
  // Records `entry`, whose frame is at `at` (Fits). The caller has checked that it continues its poll's
  // chain (store::CheckContinues against Tail).
  void Add(const store::LedgerEntry& entry, LogLocation at);

  store::ChainTail Tail(std::string_view poll) const;  // the empty tail for a poll without votes
  std::map<std::string, store::ChainTail> Tails() const;
  std::map<int, uint64_t> Counts(std::string_view poll) const;
  // Where the poll's entries with seq in [from, to] lie, in seq order (to <= Tail(poll).seq).
  void Locations(std::string_view poll, uint64_t from, uint64_t to, std::vector<LogLocation>& out) const;
  // Where the entries whose hash begins with the same 8 bytes as `hash` lie (any poll; usually 0 or 1).
  void Candidates(const store::Hash& hash, std::vector<LogLocation>& out) const;
  bool Spent(std::string_view poll, std::string_view token_hash) const;

  uint64_t entries() const { return entries_; }
  size_t MemoryBytes() const;  // what the tables hold (capacity, not just use)

 private:
  // A poll's frame locations by seq, in chunks, so that growing never copies a large array.
  class SeqLocations {
   public:
    void Push(uint64_t packed);
    uint64_t At(uint64_t index) const { return chunks_[index / kChunk][index % kChunk]; }
    size_t MemoryBytes() const;

   private:
    static constexpr size_t kChunk = 4096;
    std::vector<std::vector<uint64_t>> chunks_;
  };
  struct Poll {
    store::ChainTail tail;
    std::map<int, uint64_t> counts;
    SeqLocations locations;
  };
  // Open addressing with linear probing; packed location 0 marks an empty slot (segments start at 1).
  struct Slot {
    uint64_t prefix = 0;
    uint64_t packed = 0;
  };
  struct Shard {
    std::vector<Slot> slots;
    size_t used = 0;
  };
  static constexpr size_t kShards = 256;  // each grows on its own: a rehash moves 1/256 of the table

  const Poll* Find(std::string_view poll) const;
  static void Insert(Shard& shard, uint64_t mixed, Slot slot);

  std::map<std::string, Poll, std::less<>> polls_;
  std::vector<Shard> shards_;
  std::unordered_set<std::string> spent_;  // poll id '\0' token hash
  uint64_t entries_ = 0;
};

}  // namespace pantau::ledger

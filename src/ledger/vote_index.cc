#include "ledger/vote_index.h"

#include <cstring>

namespace pantau::ledger {
namespace {

constexpr int kOffsetBits = 40;
constexpr size_t kFirstShardSlots = 16;

uint64_t Pack(LogLocation at) { return (uint64_t{at.segment} << kOffsetBits) | at.offset; }
LogLocation Unpack(uint64_t packed) {
  return LogLocation{static_cast<uint32_t>(packed >> kOffsetBits), packed & ((uint64_t{1} << kOffsetBits) - 1)};
}

uint64_t PrefixOf(const store::Hash& hash) {
  uint64_t prefix = 0;
  std::memcpy(&prefix, hash.data(), sizeof prefix);
  return prefix;
}

// Entry hashes are uniform, but nothing here relies on it (test hashes are not): mix before use.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string TokenKey(std::string_view poll, std::string_view token) {
  std::string key(poll);
  key.push_back('\0');
  key.append(token);
  return key;
}

}  // namespace

void VoteIndex::SeqLocations::Push(uint64_t packed) {
  if (chunks_.empty() || chunks_.back().size() == kChunk) {
    chunks_.emplace_back();
    // The first chunk grows as the poll does (small polls stay small); later ones are allocated whole.
    if (chunks_.size() > 1) chunks_.back().reserve(kChunk);
  }
  chunks_.back().push_back(packed);
}

size_t VoteIndex::SeqLocations::MemoryBytes() const {
  size_t bytes = chunks_.capacity() * sizeof(std::vector<uint64_t>);
  for (const auto& chunk : chunks_) bytes += chunk.capacity() * sizeof(uint64_t);
  return bytes;
}

VoteIndex::VoteIndex() : shards_(kShards) {}

bool VoteIndex::Fits(LogLocation at) {
  return at.segment > 0 && at.segment < (1u << (64 - kOffsetBits)) && at.offset < (uint64_t{1} << kOffsetBits);
}

void VoteIndex::Insert(Shard& shard, uint64_t mixed, Slot slot) {
  const size_t mask = shard.slots.size() - 1;
  for (size_t i = (mixed >> 8) & mask;; i = (i + 1) & mask) {
    if (shard.slots[i].packed == 0) {
      shard.slots[i] = slot;
      ++shard.used;
      return;
    }
  }
}

void VoteIndex::Add(const store::LedgerEntry& entry, LogLocation at) {
  const Vote& vote = entry.vote;
  const uint64_t packed = Pack(at);
  auto it = polls_.find(vote.poll.value());
  if (it == polls_.end()) it = polls_.emplace(vote.poll.value(), Poll{}).first;
  Poll& poll = it->second;
  poll.tail = store::ChainTail{vote.seq, entry.entry_hash};
  ++poll.counts[vote.choice];
  poll.locations.Push(packed);
  if (!vote.panel_token_hash.empty()) spent_.insert(TokenKey(vote.poll.value(), vote.panel_token_hash));

  const uint64_t prefix = PrefixOf(entry.entry_hash);
  const uint64_t mixed = Mix(prefix);
  Shard& shard = shards_[mixed % kShards];
  if ((shard.used + 1) * 4 > shard.slots.size() * 3) {  // keep the load at or below 3/4
    std::vector<Slot> old = std::move(shard.slots);
    shard.slots.assign(old.empty() ? kFirstShardSlots : old.size() * 2, Slot{});
    shard.used = 0;
    for (const Slot& s : old)
      if (s.packed != 0) Insert(shard, Mix(s.prefix), s);
  }
  Insert(shard, mixed, Slot{prefix, packed});
  ++entries_;
}

const VoteIndex::Poll* VoteIndex::Find(std::string_view poll) const {
  auto it = polls_.find(poll);
  return it == polls_.end() ? nullptr : &it->second;
}

store::ChainTail VoteIndex::Tail(std::string_view poll) const {
  const Poll* p = Find(poll);
  return p ? p->tail : store::ChainTail{};
}

std::map<std::string, store::ChainTail> VoteIndex::Tails() const {
  std::map<std::string, store::ChainTail> tails;
  for (const auto& [id, poll] : polls_) tails.emplace(id, poll.tail);
  return tails;
}

std::map<int, uint64_t> VoteIndex::Counts(std::string_view poll) const {
  const Poll* p = Find(poll);
  return p ? p->counts : std::map<int, uint64_t>{};
}

void VoteIndex::Locations(std::string_view poll, uint64_t from, uint64_t to, std::vector<LogLocation>& out) const {
  out.clear();
  const Poll* p = Find(poll);
  if (p == nullptr || from == 0) return;
  to = std::min(to, p->tail.seq);
  for (uint64_t seq = from; seq <= to; ++seq) out.push_back(Unpack(p->locations.At(seq - 1)));
}

void VoteIndex::Candidates(const store::Hash& hash, std::vector<LogLocation>& out) const {
  out.clear();
  const uint64_t prefix = PrefixOf(hash);
  const uint64_t mixed = Mix(prefix);
  const Shard& shard = shards_[mixed % kShards];
  if (shard.slots.empty()) return;
  const size_t mask = shard.slots.size() - 1;
  for (size_t i = (mixed >> 8) & mask; shard.slots[i].packed != 0; i = (i + 1) & mask)
    if (shard.slots[i].prefix == prefix) out.push_back(Unpack(shard.slots[i].packed));
}

bool VoteIndex::Spent(std::string_view poll, std::string_view token_hash) const {
  return spent_.contains(TokenKey(poll, token_hash));
}

size_t VoteIndex::MemoryBytes() const {
  size_t bytes = shards_.capacity() * sizeof(Shard);
  for (const Shard& shard : shards_) bytes += shard.slots.capacity() * sizeof(Slot);
  for (const auto& [id, poll] : polls_)
    bytes += sizeof(Poll) + id.capacity() + poll.counts.size() * 48 + poll.locations.MemoryBytes();
  bytes += spent_.bucket_count() * sizeof(void*);
  for (const auto& key : spent_) bytes += 32 + key.capacity();
  return bytes;
}

}  // namespace pantau::ledger

#include "integrity/vote_log.h"

#include <cstring>

namespace pantau::integrity {
namespace {

// 64-bit multiply-mix over 8-byte words (not cryptographic; inputs are not adversarial enough to
// matter here, and a collision only costs a comparison).
uint64_t HashBytes(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

}  // namespace

void Interner::Grow() {
  const size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
  slots_.assign(capacity, 0);
  const size_t mask = capacity - 1;
  for (uint32_t id = 0; id < hashes_.size(); ++id) {
    size_t slot = hashes_[id] & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = id + 1;
  }
}

uint32_t Interner::Intern(std::string_view s) {
  if ((hashes_.size() + 1) * 2 > slots_.size()) Grow();
  const auto h = static_cast<uint32_t>(HashBytes(s));
  const size_t mask = slots_.size() - 1;
  size_t slot = h & mask;
  while (const uint32_t entry = slots_[slot]) {
    const uint32_t id = entry - 1;
    if (hashes_[id] == h && Name(id) == s) return id;
    slot = (slot + 1) & mask;
  }
  const auto id = static_cast<uint32_t>(hashes_.size());
  bytes_.append(s);
  offsets_.push_back(bytes_.size());
  hashes_.push_back(h);
  slots_[slot] = id + 1;
  return id;
}

}  // namespace pantau::integrity

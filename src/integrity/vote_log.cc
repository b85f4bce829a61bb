#include "integrity/vote_log.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace pantau::integrity {
namespace {

uint64_t Load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

uint64_t Mix(uint64_t h) {
  h = (h ^ (h >> 31)) * 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

uint32_t Load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// 64-bit multiply-mix hash (not cryptographic: a collision only costs a comparison, or with
// Names::kDrop merges two ids). Up to 16 bytes (device ids, tokens, hosts) take two overlapping
// loads and two mixes. Longer strings: four independent lanes take 32 bytes a step, so a 120-byte
// user-agent string costs four multiply latencies rather than fifteen.
uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t kMul = 0xbf58476d1ce4e5b9ull;
  const char* p = s.data();
  const size_t n = s.size();
  if (n <= 16) {
    uint64_t lo = 0, hi = 0;
    if (n >= 8) {
      lo = Load64(p);
      hi = Load64(p + n - 8);
    } else if (n >= 4) {
      lo = Load32(p);
      hi = Load32(p + n - 4);
    } else if (n > 0) {
      lo = uint64_t{static_cast<uint8_t>(p[0])} | uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 |
           uint64_t{static_cast<uint8_t>(p[n - 1])} << 16;
    }
    return Mix(Mix(lo ^ 0x9e3779b97f4a7c15ull ^ (uint64_t{n} << 56)) + hi * kMul);
  }
  uint64_t a = 0x9e3779b97f4a7c15ull ^ n, b = 0x632be59bd9b4e019ull, c = 0x8cb92ba72f3d8dd7ull,
           d = 0xd6e8feb86659fd93ull;
  size_t left = n;
  for (; left >= 32; p += 32, left -= 32) {
    a = (a ^ Load64(p)) * kMul;
    b = (b ^ Load64(p + 8)) * kMul;
    c = (c ^ Load64(p + 16)) * kMul;
    d = (d ^ Load64(p + 24)) * kMul;
  }
  for (; left >= 8; p += 8, left -= 8) a = Mix(a ^ Load64(p));
  // The last 1..7 bytes as the string's last eight (n > 16: they are inside it); the length is in `a`.
  const uint64_t tail = left > 0 ? Load64(p + left - 8) : 0;
  return Mix(a ^ tail ^ Mix(b ^ (c << 1) ^ (d >> 1) ^ Mix(c + d)));
}

// a == b; short strings (tokens, hosts) compared inline rather than through a memcmp call.
bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

uint64_t SlotOf(uint64_t hash, uint32_t id) { return (hash & 0xffffffff00000000ull) | (uint64_t{id} + 1); }

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHugeFrom = size_t{4} << 20;

}  // namespace

// Big tables are mapped directly (2 MB-aligned, trimmed), not taken from malloc: freeing one then
// returns it to the system at once and does not raise malloc's mmap threshold, which would keep
// later frees of smaller blocks in the heap (a higher peak RSS in the analysis that follows).
void* AllocateHuge(size_t bytes) {
  if (bytes < kHugeFrom) return ::operator new(bytes);
  const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* raw = ::mmap(nullptr, rounded + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (begin + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > begin) ::munmap(raw, aligned - begin);
  if (const uintptr_t end = begin + rounded + kHugePage; end > aligned + rounded)
    ::munmap(reinterpret_cast<void*>(aligned + rounded), end - (aligned + rounded));
#if defined(MADV_HUGEPAGE)
  ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_HUGEPAGE);  // a hint: works without it
#endif
#if defined(MADV_POPULATE_WRITE)
  // The whole table is written at once anyway (zeroed, then probed everywhere): one call maps it,
  // instead of a page fault per page. Also a hint (Linux 5.14+; an error changes nothing).
  ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_POPULATE_WRITE);
#endif
  return reinterpret_cast<void*>(aligned);
}

void FreeHuge(void* p, size_t bytes) {
  if (bytes < kHugeFrom) ::operator delete(p);
  else ::munmap(p, (bytes + kHugePage - 1) / kHugePage * kHugePage);
}

void Interner::Rehash(size_t capacity) {
  std::vector<uint64_t, HugePageAllocator<uint64_t>> old(capacity, 0);
  old.swap(slots_);
  const size_t mask = capacity - 1;
  // Only the indexed ids (those in the old table), not Append-ed ones.
  for (const uint64_t entry : old) {
    if (entry == 0) continue;
    const uint64_t h = hashes_[static_cast<uint32_t>(entry) - 1];
    size_t slot = h & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = entry;
  }
}

void Interner::Reserve(size_t strings) {
  if (hashes_.size() != size_) throw std::logic_error("Interner::Reserve after ReleaseIndex");
  size_t capacity = slots_.empty() ? 64 : slots_.size();
  while (strings * 2 > capacity) capacity *= 2;
  if (capacity != slots_.size()) Rehash(capacity);
  hashes_.reserve(strings);
  if (names_ == Names::kKeep) offsets_.reserve(strings + 1);
}

uint32_t Interner::Append(std::string_view s) {
  if (hashes_.size() != size_) throw std::logic_error("Interner::Append after ReleaseIndex");
  if (names_ == Names::kKeep) {
    bytes_.append(s);
    offsets_.push_back(bytes_.size());
  }
  hashes_.push_back(0);
  return static_cast<uint32_t>(size_++);
}

uint64_t Interner::Hash(std::string_view s) { return HashBytes(s); }

uint32_t Interner::Intern(std::string_view s, uint64_t h) {
  if (hashes_.size() != size_) throw std::logic_error("Interner::Intern after ReleaseIndex");
  if ((indexed_ + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 64 : slots_.size() * 2);
  const size_t mask = slots_.size() - 1;
  size_t slot = h & mask;
  while (const uint64_t entry = slots_[slot]) {
    if ((entry ^ h) >> 32 == 0) {
      const auto id = static_cast<uint32_t>(entry) - 1;
      if (hashes_[id] == h && (names_ == Names::kDrop || SameBytes(Name(id), s))) return id;
    }
    slot = (slot + 1) & mask;
  }
  const auto id = static_cast<uint32_t>(size_);
  if (names_ == Names::kKeep) {
    bytes_.append(s);
    offsets_.push_back(bytes_.size());
  }
  hashes_.push_back(h);
  slots_[slot] = SlotOf(h, id);
  ++size_;
  ++indexed_;
  return id;
}

void Interner::ReleaseIndex() {
  std::vector<uint64_t>().swap(hashes_);
  decltype(slots_)().swap(slots_);
}

}  // namespace pantau::integrity

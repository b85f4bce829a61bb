// VoteLog: a poll's vote log held column by column (struct of arrays), the input of every integrity
// detector. Strings (option labels, loci, addresses, UA families, devices, tokens, referrer hosts) are
// interned to dense 32-bit ids so that scans touch only small integers; id 0 of every optional column
// means "absent". Built by ReadVoteLog (vote_log_reader.h) or by hand in tests; plain data,
// thread-compatible.
//   const VoteLog& log = ...;  log.option_labels[log.option[i]]  // "Paslon 1"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/network_class.h"

namespace pantau::integrity {

// A std::allocator for big randomly probed tables: an allocation of 4 MB or more is aligned to 2 MB and
// marked MADV_HUGEPAGE, so probes into a table of a million entries do not each miss the TLB as well
// as the cache. Smaller ones come from operator new.
void* AllocateHuge(size_t bytes);
void FreeHuge(void* p, size_t bytes);
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
  T* allocate(size_t n) { return static_cast<T*>(AllocateHuge(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { FreeHuge(p, n * sizeof(T)); }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }
};
// Maps strings to dense ids in first-seen order. With `reserve_empty`, id 0 is the empty string, so
// "absent" and "" are the same id. Strings live in one arena and the table is open-addressed, so
// interning a million device ids costs a few allocations, not millions. With Names::kDrop only a
// 64-bit hash of each string is kept (two strings share an id only if their hashes collide, about
// once in 10^7 polls of a million distinct strings) and Name() is unavailable: for columns whose
// values are only compared, never shown (device ids).
class Interner {
 public:
  enum class Names : uint8_t { kKeep, kDrop };

  explicit Interner(bool reserve_empty = true, Names names = Names::kKeep) : names_(names) {
    if (reserve_empty) Intern("");
  }
  uint32_t Intern(std::string_view s) { return Intern(s, Hash(s)); }
  // The same with the string's Hash computed beforehand; Prefetch(hash) a little earlier lets the
  // table's cache miss overlap with other work.
  uint32_t Intern(std::string_view s, uint64_t hash);
  // Adds `s` under a new id without indexing it: for a string the caller knows differs from every
  // string interned before or after (Intern will never return this id). Skips the hash and the
  // table probe, e.g. for addresses the reader has already deduplicated by their bits.
  uint32_t Append(std::string_view s);
  // Sizes the table for `strings` entries so that it does not grow (and rehash) while filling.
  void Reserve(size_t strings);
  static uint64_t Hash(std::string_view s);
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(slots_.data() + (hash & (slots_.size() - 1)));
  }
  // Valid until the next Intern; Names::kKeep only.
  std::string_view Name(uint32_t id) const {
    return {bytes_.data() + offsets_[id], static_cast<size_t>(offsets_[id + 1] - offsets_[id])};
  }
  size_t size() const { return size_; }
  // Frees the lookup index once no more strings will be interned (names stay readable). Interning
  // afterwards is a programmer error.
  void ReleaseIndex();

 private:
  void Rehash(size_t capacity);

  Names names_;
  size_t size_ = 0;
  size_t indexed_ = 0;                // ids in slots_ (all but the Append-ed ones)
  std::string bytes_;                 // all names, back to back (kKeep)
  std::vector<uint64_t> offsets_{0};  // name i is bytes_[offsets_[i], offsets_[i + 1]) (kKeep)
  std::vector<uint64_t> hashes_;      // per id (0 for an Append-ed id, which is not in slots_)
  // (top 32 bits of the hash) << 32 | (id + 1), or 0 when empty; size is a power of two. The hash
  // bits in the slot settle most probes without touching hashes_ or the names.
  std::vector<uint64_t, HugePageAllocator<uint64_t>> slots_;
};

// What the reader learned about one network locus (a /24 or /48): its ASN and network class.
struct LocusInfo {
  std::string prefix;  // "203.0.113.0/24"
  uint32_t asn = 0;    // 0: not in the table (or no table)
  std::string org;     // "PT. Telekomunikasi Selular"; empty when unknown
  NetworkClass network_class = NetworkClass::kUnknown;
};

struct VoteLog {
  // One entry per kept vote, in file order.
  std::vector<int64_t> time_ms;      // Unix milliseconds, UTC
  std::vector<uint16_t> option;      // index into option_labels
  std::vector<uint32_t> locus;       // index into loci
  std::vector<uint32_t> address;     // interned ip or ip_hash; 0 when neither column is present
  std::vector<uint32_t> ua_family;   // interned UserAgentFamily::ToString(); 0 when absent
  std::vector<uint32_t> device;      // interned device_id; 0 when absent
  std::vector<uint32_t> token;       // interned share_token; 0 when absent
  std::vector<uint32_t> referrer;    // interned referrer host (lower case); 0 when absent
  std::vector<uint32_t> source_row;  // 1-based data-row number in the input (differs after skips)

  std::vector<std::string> option_labels;
  std::vector<LocusInfo> loci;
  Interner addresses;
  Interner ua_families;
  Interner devices{true, Interner::Names::kDrop};  // compared, never shown
  Interner tokens;
  Interner referrers;

  uint64_t data_rows = 0;     // data rows seen in the input, kept or skipped
  uint64_t skipped_rows = 0;  // rows dropped in lenient mode
  std::vector<std::string> skipped_examples;  // the first few skip reasons, "row 7, column 'ip': ..."

  size_t size() const { return time_ms.size(); }
  size_t option_count() const { return option_labels.size(); }
};

}  // namespace pantau::integrity

#include "integrity/vote_log_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/csv.h"
#include "core/time.h"
#include "core/user_agent.h"
#include "netintel/ip_address.h"
#include "netintel/ip_prefix.h"

namespace pantau::integrity {
namespace {

enum Column : int { kTime, kChoice, kIp, kIpPrefix, kIpHash, kUserAgent, kUaFamily, kDevice, kReferrer, kToken,
                    kColumnCount };
constexpr std::array<std::string_view, kColumnCount> kColumnNames{
    "time", "choice", "ip", "ip_prefix", "ip_hash", "user_agent", "ua_family", "device_id", "referrer",
    "share_token"};
constexpr size_t kMaxSkipExamples = 5;

// A row problem: which column (or -1 for the row as a whole) and what.
struct RowError {
  int column = -1;
  std::string what;
};

// An open-addressed map from non-zero 64-bit keys to 32-bit values (a flat replacement for
// std::unordered_map on the per-row path: one probe in one array, no node allocations).
class IdTable {
 public:
  // The value stored for `key`, inserting make() when there is none.
  void Prefetch(uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(slots_.data() + (Spread(key) & (slots_.size() - 1)));
  }

  template <class Make>
  uint32_t FindOrInsert(uint64_t key, Make make) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t slot = Spread(key) & (slots_.size() - 1);
    while (slots_[slot].key != 0) {
      if (slots_[slot].key == key) return slots_[slot].value;
      slot = (slot + 1) & (slots_.size() - 1);
    }
    const uint32_t value = make();
    slots_[slot] = {key, value};
    ++size_;
    return value;
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = 0;
  };
  static uint64_t Spread(uint64_t key) {
    key *= 0x9e3779b97f4a7c15ull;
    return key ^ (key >> 32);
  }
  void Grow() {
    std::vector<Slot, HugePageAllocator<Slot>> old(slots_.empty() ? 64 : slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& e : old) {
      if (e.key == 0) continue;
      size_t slot = Spread(e.key) & (slots_.size() - 1);
      while (slots_[slot].key != 0) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = e;
    }
  }

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  size_t size_ = 0;
};

// The common case of an `ip` field, a plain dotted quad ("203.0.113.7": four decimal octets up to
// 255 without leading zeros), as its 32 address bits. Anything else (IPv6, or text that is not an
// address) returns false and goes through netintel::IpAddress::Parse, which accepts the same dotted
// quads and explains what is wrong with the rest.
bool ParsePlainIpv4(std::string_view text, uint32_t& bits) {
  if (text.size() < 7 || text.size() > 15) return false;
  const char* p = text.data();
  const char* const end = p + text.size();
  const auto digit = [&](const char* q) { return q < end ? static_cast<unsigned>(*q - '0') : 10u; };
  uint32_t value = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    unsigned part = digit(p);
    if (part > 9) return false;
    ++p;
    if (const unsigned d1 = digit(p); d1 <= 9) {
      if (part == 0) return false;  // a leading zero
      part = part * 10 + d1;
      ++p;
      if (const unsigned d2 = digit(p); d2 <= 9) {
        part = part * 10 + d2;
        ++p;
        if (part > 255) return false;
      }
    }
    value = value << 8 | part;
  }
  if (p != end) return false;
  bits = value;
  return true;
}

// The exact shape the exporters write, "2024-11-18T17:00:00.713Z" (FormatRfc3339), parsed without
// the general parser: the date part repeats for thousands of rows, so its day is computed once (by
// ParseTimestamp, which also validates it) and reused while the next rows have the same date.
class TimeCache {
 public:
  // Unix milliseconds of `text` when it has that shape and a valid time of day; false means "use
  // ParseTimestamp" (another shape, or an error it will describe).
  bool Parse(std::string_view text, int64_t& ms) {
    if (text.size() != 24) return false;
    // Bytes 8..15 are "DDThh:mm" and 16..23 ":ss.fffZ": the separators and digits are checked eight
    // bytes at a time (a byte is a digit when it XOR '0' is at most 9: adding 0x76 leaves its top bit
    // clear). The date's own separators are checked with it (by ParseTimestamp when it is new).
    uint64_t w1, w2;
    std::memcpy(&w1, text.data() + 8, 8);
    std::memcpy(&w2, text.data() + 16, 8);
    constexpr uint64_t kSep1 = 0x00'00'3a'00'00'54'00'00ull, kSepMask1 = 0x00'00'ff'00'00'ff'00'00ull;  // 'T', ':'
    constexpr uint64_t kDigits1 = 0xff'ff'00'ff'ff'00'00'00ull;  // bytes 11, 12, 14, 15 (of the text)
    constexpr uint64_t kSep2 = 0x5a'00'00'00'2e'00'00'3aull, kSepMask2 = 0xff'00'00'00'ff'00'00'ffull;  // ':', '.', 'Z'
    constexpr uint64_t kDigits2 = 0x00'ff'ff'ff'00'ff'ff'00ull;  // bytes 17, 18, 20, 21, 22
    if ((w1 & kSepMask1) != kSep1 || (w2 & kSepMask2) != kSep2 || text[4] != '-' || text[7] != '-') return false;
    const uint64_t x1 = (w1 ^ 0x3030303030303030ull) & kDigits1, x2 = (w2 ^ 0x3030303030303030ull) & kDigits2;
    if ((((x1 + (0x7676767676767676ull & kDigits1)) | x1) & 0x8080808080808080ull) != 0 ||
        (((x2 + (0x7676767676767676ull & kDigits2)) | x2) & 0x8080808080808080ull) != 0)
      return false;
    const auto d = [&](size_t i) { return static_cast<unsigned>(text[i] - '0'); };
    const unsigned h = d(11) * 10 + d(12), mi = d(14) * 10 + d(15), se = d(17) * 10 + d(18);
    if (h > 23 || mi > 59 || se > 60) return false;
    // A leap second reads as :59 (as ParseRfc3339 does).
    const int64_t of_day = ((int64_t{h} * 60 + mi) * 60 + std::min(se, 59u)) * 1000 + d(20) * 100 + d(21) * 10 + d(22);
    if (!SameDate(text.data())) {
      auto full = ParseTimestamp(text);
      if (!full) return false;
      std::memcpy(&date_head_, text.data(), 8);
      std::memcpy(&date_tail_, text.data() + 8, 2);
      day_ms_ = ToUnixMillis(*full) - of_day;
    }
    ms = day_ms_ + of_day;
    return true;
  }

 private:
  // The first 10 bytes at `p` are the cached date (two loads, not a memcmp call).
  bool SameDate(const char* p) const {
    uint64_t a;
    uint16_t b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 2);
    return a == date_head_ && b == date_tail_;
  }
  uint64_t date_head_ = 0;  // all zero bytes: never a date's
  uint16_t date_tail_ = 0;
  int64_t day_ms_ = 0;
};

// Occurrences of `c` in `s`, sixteen bytes at a time where SSE2 is available.
size_t CountByte(std::string_view s, char c) {
  size_t n = 0, i = 0;
#if defined(__SSE2__)
  const __m128i wanted = _mm_set1_epi8(c);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const auto hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, wanted)));
    for (unsigned m = hits; m != 0; m &= m - 1) ++n;  // a line is longer than 16 bytes: one or no bit
  }
#endif
  for (; i < s.size(); ++i) n += s[i] == c;
  return n;
}

// Rows per byte in the first megabyte after the header: a slight over-estimate of the row count
// lets the columns be reserved once instead of growing by doubling (which would briefly hold them
// twice).
size_t EstimateRows(std::string_view text) {
  const std::string_view sample = text.substr(0, 1 << 20);
  if (sample.empty()) return 0;
  const size_t lines = CountByte(sample, '\n');
  return static_cast<size_t>(static_cast<double>(text.size()) * static_cast<double>(lines + 1) /
                             static_cast<double>(sample.size()) * 1.05) + 16;
}

// A direct-mapped cache from strings to ids, compared byte for byte, in front of an Interner for the
// columns whose few distinct values repeat on every row (share tokens, referrers, user agents): a hit
// costs a few loads and a compare instead of hashing the whole string and probing the table. The
// cached value is whatever the slow path gave for the same bytes, so the results do not change.
class RecentStrings {
 public:
  explicit RecentStrings(int slot_bits) : slot_bits_(slot_bits) {}

  // The value for `s`, computing and caching make() when `s` is not cached.
  template <class Make>
  uint32_t Get(std::string_view s, Make make) {
    if (s.size() > kMaxBytes) return make();
    if (slots_.empty()) slots_.resize(size_t{1} << slot_bits_);
    Slot& slot = slots_[SlotOf(s)];
    if (slot.bytes.size() == s.size() && slot.filled && Equal(slot.bytes.data(), s.data(), s.size())) return slot.value;
    const uint32_t value = make();
    slot.bytes.assign(s);
    slot.value = value;
    slot.filled = true;
    return value;
  }

 private:
  static constexpr size_t kMaxBytes = 512;
  struct Slot {
    std::string bytes;
    uint32_t value = 0;
    bool filled = false;
  };
  static uint64_t Load64(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  static uint32_t Load32(const char* p) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    return w;
  }
  static bool Equal(const char* a, const char* b, size_t n) {
    if (n >= 8 && n <= 16) return Load64(a) == Load64(b) && Load64(a + n - 8) == Load64(b + n - 8);
    return std::memcmp(a, b, n) == 0;
  }
  // Mixes the length and up to five words spread over the string (user agents share long prefixes
  // and suffixes, and differ in version numbers in the middle).
  size_t SlotOf(std::string_view s) const {
    const char* p = s.data();
    const size_t n = s.size();
    uint64_t h = n;
    if (n >= 8) {
      h ^= Load64(p) * 0x9e3779b97f4a7c15ull ^ Load64(p + n - 8);
      if (n >= 32) h += (Load64(p + n / 4) ^ Load64(p + n / 2) * 0xbf58476d1ce4e5b9ull) + Load64(p + n / 2 + n / 4);
    } else if (n >= 4) {
      h ^= (uint64_t{Load32(p)} << 32 | Load32(p + n - 4));
    } else if (n > 0) {
      h ^= uint64_t{static_cast<uint8_t>(p[0])} << 8 | uint64_t{static_cast<uint8_t>(p[n / 2])} << 16 |
           uint64_t{static_cast<uint8_t>(p[n - 1])} << 24;
    }
    h *= 0x94d049bb133111ebull;
    return static_cast<size_t>((h ^ (h >> 29)) >> (64 - slot_bits_));
  }

  int slot_bits_;
  std::vector<Slot> slots_;  // allocated on first use
};

// The dotted-quad text of the /24 containing `bits`, as IpPrefix::ToString writes it
// ("203.0.113.0/24"), without going through fmt.
std::string V4LocusText(uint32_t bits) {
  char buf[24];
  char* p = buf;
  for (int shift = 24; shift >= 8; shift -= 8) {
    const unsigned octet = (bits >> shift) & 0xff;
    if (octet >= 100) *p++ = static_cast<char>('0' + octet / 100);
    if (octet >= 10) *p++ = static_cast<char>('0' + octet / 10 % 10);
    *p++ = static_cast<char>('0' + octet % 10);
    *p++ = '.';
  }
  std::memcpy(p, "0/24", 4);
  return std::string(buf, p + 4);
}

class Builder {
 public:
  Builder(const netintel::NetworkIntel& intel, const ReadOptions& options, std::array<int, kColumnCount> at,
          size_t header_fields)
      : intel_(intel), options_(options), at_(at), header_fields_(header_fields) {}

  // Parses one data row and appends it to the log, or returns what was wrong (nothing appended).
  // Rows are staged a few at a time: the two big tables (IPv4 addresses and devices, a million
  // entries each on a large poll) are probed when the batch is committed, in row order, after
  // their slots were prefetched for the whole batch, so the cache misses overlap.
  std::optional<RowError> Add(const std::vector<std::string_view>& f, uint32_t row) {
    if (f.size() != header_fields_)
      return RowError{-1, fmt::format("has {} fields, the header has {}", f.size(), header_fields_)};
    Staged st;
    st.row = row;
    if (!times_.Parse(f[at_[kTime]], st.time_ms)) {
      auto time = ParseTimestamp(f[at_[kTime]]);
      if (!time) return RowError{kTime, time.error().message};
      st.time_ms = ToUnixMillis(*time);
    }
    const std::string_view choice = f[at_[kChoice]];
    if (choice.empty()) return RowError{kChoice, "empty choice"};
    if (at_[kIp] >= 0) {
      const std::string_view ip_text = f[at_[kIp]];
      st.plain_v4 = ParsePlainIpv4(ip_text, st.v4);
      if (st.plain_v4) {
        st.ip_text = ip_text;
        v4_addresses_.Prefetch(V4Key(st.v4));
      } else {
        auto ip = netintel::IpAddress::Parse(ip_text);
        if (!ip) return RowError{kIp, ip.error().message};
        Commit();  // keep address ids in first-seen order
        st.address = log_.addresses.Intern(ip_text);
        if (st.address >= locus_of_address_.size()) locus_of_address_.resize(st.address + 1, kNoLocus);
        if (locus_of_address_[st.address] == kNoLocus) locus_of_address_[st.address] = LocusId(netintel::LocusOf(*ip));
        st.locus = locus_of_address_[st.address];
      }
    } else {
      auto prefix = PrefixFromCache(f[at_[kIpPrefix]]);
      if (!prefix) return RowError{kIpPrefix, prefix.error().message};
      st.locus = *prefix;
      if (at_[kIpHash] >= 0) st.address = log_.addresses.Intern(f[at_[kIpHash]]);
    }
    auto option = OptionId(choice);
    if (!option) return RowError{kChoice, fmt::format("more than {} distinct choices", options_.max_options)};
    st.option = *option;
    st.ua = UaId(f);
    if (at_[kDevice] >= 0 && !f[at_[kDevice]].empty()) {
      st.device_hash = Interner::Hash(f[at_[kDevice]]);
      st.has_device = true;
      log_.devices.Prefetch(st.device_hash);
    }
    // An empty field is id 0 (the interners reserve it for ""), without hashing it.
    if (at_[kToken] >= 0 && !f[at_[kToken]].empty()) {
      const std::string_view token = f[at_[kToken]];
      st.token = recent_tokens_.Get(token, [&] { return log_.tokens.Intern(token); });
    }
    if (at_[kReferrer] >= 0 && !f[at_[kReferrer]].empty()) {
      const std::string_view referrer = f[at_[kReferrer]];
      st.referrer = recent_referrers_.Get(referrer, [&] { return log_.referrers.Intern(HostOf(referrer)); });
    }
    staged_[staged_count_++] = st;
    if (staged_count_ == staged_.size()) Commit();
    return std::nullopt;
  }

  // The log; the device and address lookup indexes, needed only while reading, are freed.
  VoteLog Finish() && {
    Commit();
    log_.devices.ReleaseIndex();
    log_.addresses.ReleaseIndex();
    return std::move(log_);
  }

  void Reserve(size_t rows) {
    for (auto* column : {&log_.locus, &log_.address, &log_.ua_family, &log_.device, &log_.token, &log_.referrer,
                         &log_.source_row})
      column->reserve(rows);
    log_.time_ms.reserve(rows);
    if (at_[kDevice] >= 0) log_.devices.Reserve(rows);
    log_.option.reserve(rows);
  }
  VoteLog& log() { return log_; }

 private:
  // A parsed row waiting for its big-table probes.
  struct Staged {
    int64_t time_ms = 0;
    uint32_t row = 0, locus = 0, address = 0, ua = 0, token = 0, referrer = 0;
    uint16_t option = 0;
    bool plain_v4 = false;  // address and locus still to look up from v4
    bool has_device = false;
    uint32_t v4 = 0;
    std::string_view ip_text;  // when plain_v4: a view into the input (a plain quad needs no unescaping)
    uint64_t device_hash = 0;
  };

  // Probes the big tables for the staged rows, in order, and appends them to the log.
  void Commit() {
    for (size_t i = 0; i < staged_count_; ++i) {
      Staged& st = staged_[i];
      if (st.plain_v4) {
        // Keyed by the address bits; a plain dotted quad is its own canonical text, and no other
        // address text (IPv6, ip_hash) can equal one, so the text is appended without the interner's
        // own index.
        st.address = v4_addresses_.FindOrInsert(V4Key(st.v4), [&] { return log_.addresses.Append(st.ip_text); });
        if (st.address >= locus_of_address_.size()) {
          locus_of_address_.resize(st.address + 1, kNoLocus);
          locus_of_address_[st.address] = LocusIdV4(st.v4);
        }
        st.locus = locus_of_address_[st.address];
      }
      log_.time_ms.push_back(st.time_ms);
      log_.option.push_back(st.option);
      log_.locus.push_back(st.locus);
      log_.address.push_back(st.address);
      log_.ua_family.push_back(st.ua);
      log_.device.push_back(st.has_device ? log_.devices.Intern({}, st.device_hash) : 0);
      log_.token.push_back(st.token);
      log_.referrer.push_back(st.referrer);
      log_.source_row.push_back(st.row);
    }
    staged_count_ = 0;
  }

  // A /24 is keyed by its top 24 bits; a /48 by its top 48 bits with the top key bit set. Other
  // prefix lengths (from ip_prefix columns) go through their text.
  // The same for the /24 of a plain IPv4 address, without building its prefix unless it is new.
  static_assert(netintel::IpPrefix::kV4LocusLength == 24, "LocusIdV4 keys loci by the top 24 bits");
  uint32_t LocusIdV4(uint32_t bits) {
    return locus_ids_.FindOrInsert(uint64_t{bits >> 8} + 1, [&] {
      const uint32_t network = bits & 0xffffff00u;
      const netintel::LookupResult r = intel_.Lookup(netintel::IpAddress::FromV4(network));
      log_.loci.push_back(LocusInfo{V4LocusText(network), r.asn, std::string(r.org), r.network_class});
      return static_cast<uint32_t>(log_.loci.size() - 1);
    });
  }
  uint32_t NewLocus(const netintel::IpPrefix& prefix) {
    const netintel::LookupResult r = intel_.Lookup(prefix.network());
    log_.loci.push_back(LocusInfo{prefix.ToString(), r.asn, std::string(r.org), r.network_class});
    return static_cast<uint32_t>(log_.loci.size() - 1);
  }

  uint32_t LocusId(const netintel::IpPrefix& prefix) {
    uint64_t key = 0;
    if (prefix.is_v4() && prefix.length() == 24) key = prefix.network().v4_bits() >> 8;
    else if (!prefix.is_v4() && prefix.length() == 48) key = (1ull << 63) | (prefix.network().v6_high() >> 16);
    else key = (1ull << 62) | other_prefixes_.Intern(prefix.ToString());
    return locus_ids_.FindOrInsert(key + 1, [&] { return NewLocus(prefix); });
  }

  Result<uint32_t> PrefixFromCache(std::string_view text) {
    const uint32_t text_id = prefix_texts_.Intern(text);
    if (text_id < locus_of_prefix_text_.size()) return locus_of_prefix_text_[text_id];
    PANTAU_ASSIGN_OR_RETURN(netintel::IpPrefix prefix, netintel::IpPrefix::Parse(text));
    locus_of_prefix_text_.push_back(LocusId(prefix));
    return locus_of_prefix_text_.back();
  }

  // The referrer's host without allocating when it is already lower case and has no user part (then
  // it is ReferrerHost's answer); one pass over the bytes rather than a memchr per byte.
  std::string_view HostOf(std::string_view referrer) {
    std::string_view r = referrer;
    for (size_t i = 0; i + 2 < r.size(); ++i)
      if (r[i] == ':' && r[i + 1] == '/' && r[i + 2] == '/') {
        r.remove_prefix(i + 3);
        break;
      }
    size_t host_end = r.size();
    bool simple = true;
    for (size_t i = 0; i < r.size(); ++i) {
      const char c = r[i];
      simple &= c != '@' && !(c >= 'A' && c <= 'Z');
      if (host_end == r.size() && (c == '/' || c == '?' || c == '#' || c == ':')) host_end = i;
    }
    if (!simple) {
      host_scratch_ = ReferrerHost(referrer);
      return host_scratch_;
    }
    return r.substr(0, host_end);
  }

  std::optional<uint16_t> OptionId(std::string_view choice) {
    for (size_t i = 0; i < log_.option_labels.size(); ++i) {
      const std::string& label = log_.option_labels[i];  // labels often differ only at the end
      if (label.size() == choice.size() && label.back() == choice.back() &&
          std::equal(label.begin(), label.end(), choice.begin()))
        return static_cast<uint16_t>(i);
    }
    if (log_.option_labels.size() >= options_.max_options) return std::nullopt;
    log_.option_labels.emplace_back(choice);
    return static_cast<uint16_t>(log_.option_labels.size() - 1);
  }

  uint32_t UaId(const std::vector<std::string_view>& f) {
    if (at_[kUaFamily] >= 0 && !f[at_[kUaFamily]].empty()) {
      const std::string_view family = f[at_[kUaFamily]];
      return recent_uas_.Get(family, [&] { return log_.ua_families.Intern(family); });
    }
    if (at_[kUserAgent] < 0 || f[at_[kUserAgent]].empty()) return 0;
    const std::string_view ua = f[at_[kUserAgent]];
    return recent_uas_.Get(ua, [&] {
      // Classifying a UA string is the costly step; the same few thousand strings repeat.
      const uint32_t raw = raw_uas_.Intern(ua);
      if (raw >= raw_to_family_.size()) raw_to_family_.resize(raw + 1, UINT32_MAX);
      if (raw_to_family_[raw] == UINT32_MAX) raw_to_family_[raw] = log_.ua_families.Intern(ParseUserAgent(ua).ToString());
      return raw_to_family_[raw];
    });
  }

  const netintel::NetworkIntel& intel_;
  const ReadOptions& options_;
  std::array<int, kColumnCount> at_;
  size_t header_fields_;
  VoteLog log_;
  std::array<Staged, 32> staged_;
  size_t staged_count_ = 0;
  static constexpr uint32_t kNoLocus = UINT32_MAX;
  static uint64_t V4Key(uint32_t bits) { return uint64_t{bits} | (1ull << 32); }  // never 0
  TimeCache times_;
  IdTable locus_ids_;                       // locus key + 1 -> index into log_.loci
  IdTable v4_addresses_;                    // IPv4 bits | 2^32 -> address id
  std::vector<uint32_t> locus_of_address_;  // per address id (ip column)
  Interner other_prefixes_{false};
  Interner prefix_texts_{false};
  std::vector<uint32_t> locus_of_prefix_text_;
  std::string host_scratch_;
  // Raw UA strings by hash only (no 120-byte compare per row): two strings would share a family only
  // if their 64-bit hashes collided, which gains a crafted UA nothing it could not get by sending
  // the other string itself.
  Interner raw_uas_{true, Interner::Names::kDrop};
  std::vector<uint32_t> raw_to_family_;
  // Exact-bytes caches in front of the interners (the raw UA cache maps straight to the family).
  RecentStrings recent_uas_{12};
  RecentStrings recent_tokens_{10};
  RecentStrings recent_referrers_{8};
};

Error RowFailure(uint64_t row, std::string_view column, std::string_view what) {
  if (column.empty()) return Error::InvalidArgument(fmt::format("row {}: {}", row, what), "bad-vote-log");
  return Error::InvalidArgument(fmt::format("row {}, column '{}': {}", row, column, what), "bad-vote-log");
}

// Offset of the first byte of 1-based `line` at or after (cursor_line, cursor_offset); moves the cursor.
size_t SeekLine(std::string_view text, size_t line, size_t& cursor_line, size_t& cursor_offset) {
  while (cursor_line < line && cursor_offset < text.size()) {
    const size_t nl = text.find('\n', cursor_offset);
    if (nl == std::string_view::npos) {
      cursor_offset = text.size();
      break;
    }
    cursor_offset = nl + 1;
    ++cursor_line;
  }
  return cursor_offset;
}

}  // namespace

std::string ReferrerHost(std::string_view r) {
  if (const size_t scheme = r.find("://"); scheme != std::string_view::npos) r.remove_prefix(scheme + 3);
  if (const size_t at = r.find('@'); at != std::string_view::npos && at < r.find('/')) r.remove_prefix(at + 1);
  r = r.substr(0, r.find_first_of("/?#:"));
  std::string host(r);
  for (char& c : host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return host;
}

Result<VoteLog> ReadVoteLog(std::string_view text, const netintel::NetworkIntel& intel, const ReadOptions& options) {
  const CsvReader::Limits limits{.max_field_bytes = options.max_field_bytes, .max_fields = 256};
  auto reader = std::make_unique<CsvReader>(text, limits);
  std::vector<std::string_view> fields;
  auto header = reader->Next(fields);
  if (!header) return std::unexpected(Error::InvalidArgument("header: " + header.error().message, "bad-vote-log"));
  if (!*header) return std::unexpected(Error::InvalidArgument("empty file: no header row", "bad-vote-log"));

  std::array<int, kColumnCount> at;
  at.fill(-1);
  std::vector<std::string> header_names;
  for (size_t i = 0; i < fields.size(); ++i) {
    header_names.emplace_back(fields[i]);
    for (int c = 0; c < kColumnCount; ++c) {
      if (fields[i] != kColumnNames[c]) continue;
      if (at[c] >= 0)
        return std::unexpected(
            Error::InvalidArgument(fmt::format("header: duplicate column '{}'", fields[i]), "bad-vote-log"));
      at[c] = static_cast<int>(i);
    }
  }
  for (int c : {kTime, kChoice})
    if (at[c] < 0)
      return std::unexpected(Error::InvalidArgument(
          fmt::format("header: missing required column '{}'", kColumnNames[c]), "bad-vote-log"));
  if (at[kIp] < 0 && at[kIpPrefix] < 0)
    return std::unexpected(
        Error::InvalidArgument("header: missing required column 'ip' (or 'ip_prefix')", "bad-vote-log"));

  Builder builder(intel, options, at, fields.size());
  builder.Reserve(EstimateRows(text.substr(reader->position())));
  VoteLog& log = builder.log();
  // Progress is reported every kProgressBytes of input (and the caller may drop what was read).
  constexpr size_t kProgressBytes = size_t{4} << 20;
  size_t text_base = 0;  // offset of the current reader's text in `text`
  size_t next_progress = kProgressBytes;
  // When lenient, a CSV-level error restarts a fresh reader on the next physical line.
  size_t line_base = 0;  // lines before the current reader's text
  size_t cursor_line = 1, cursor_offset = 0;
  uint64_t row = 0;
  auto skip = [&](std::string reason) {
    ++log.skipped_rows;
    if (log.skipped_examples.size() < kMaxSkipExamples) log.skipped_examples.push_back(std::move(reason));
  };
  while (true) {
    auto more = reader->Next(fields);
    if (!more) {
      ++row;
      // On a CSV error `fields` holds the fields read before the bad one, so its size names the column
      // (the reader has already pushed a quoted field when it finds junk after its closing quote).
      std::string what = more.error().message;  // "line L: ..."
      size_t bad_field = fields.size();
      if (what.find("after a closing quote") != std::string::npos && bad_field > 0) --bad_field;
      const std::string_view column =
          bad_field < header_names.size() ? std::string_view(header_names[bad_field]) : std::string_view();
      if (const size_t colon = what.find(": "); what.starts_with("line ") && colon != std::string::npos)
        what = what.substr(colon + 2);
      const size_t bad_line = line_base + reader->line() + (reader->line() == 0 ? 1 : 0);
      Error e = RowFailure(row, column, fmt::format("{} (line {})", what, bad_line));
      if (!options.lenient) return std::unexpected(std::move(e));
      skip(e.message);
      ++log.data_rows;
      const size_t offset = SeekLine(text, bad_line + 1, cursor_line, cursor_offset);
      if (offset >= text.size()) break;
      line_base = bad_line;
      text_base = offset;
      reader = std::make_unique<CsvReader>(text.substr(offset), limits);
      continue;
    }
    if (!*more) break;
    if (options.on_progress && text_base + reader->position() >= next_progress) {
      options.on_progress(text_base + reader->position(), text.size());
      next_progress = text_base + reader->position() + kProgressBytes;
    }
    ++row;
    ++log.data_rows;
    if (auto bad = builder.Add(fields, static_cast<uint32_t>(row))) {
      Error e = RowFailure(row, bad->column >= 0 ? kColumnNames[bad->column] : std::string_view(), bad->what);
      if (!options.lenient) return std::unexpected(std::move(e));
      skip(e.message);
    }
  }
  if (options.on_progress) options.on_progress(text.size(), text.size());
  return std::move(builder).Finish();
}

}  // namespace pantau::integrity

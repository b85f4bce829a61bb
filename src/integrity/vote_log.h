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

// Maps strings to dense ids in first-seen order. With `reserve_empty`, id 0 is the empty string, so
// "absent" and "" are the same id. Strings live in one arena and the table is open-addressed, so
// interning a million device ids costs a few allocations, not millions.
class Interner {
 public:
  explicit Interner(bool reserve_empty = true) {
    if (reserve_empty) Intern("");
  }
  uint32_t Intern(std::string_view s);
  // Valid until the next Intern.
  std::string_view Name(uint32_t id) const {
    return {bytes_.data() + offsets_[id], static_cast<size_t>(offsets_[id + 1] - offsets_[id])};
  }
  size_t size() const { return offsets_.size() - 1; }

 private:
  void Grow();

  std::string bytes_;                    // all names, back to back
  std::vector<uint64_t> offsets_{0};     // name i is bytes_[offsets_[i], offsets_[i + 1])
  std::vector<uint32_t> hashes_;         // per id
  std::vector<uint32_t> slots_;          // id + 1, or 0 when empty; size is a power of two
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
  Interner devices;
  Interner tokens;
  Interner referrers;

  uint64_t data_rows = 0;     // data rows seen in the input, kept or skipped
  uint64_t skipped_rows = 0;  // rows dropped in lenient mode
  std::vector<std::string> skipped_examples;  // the first few skip reasons, "row 7, column 'ip': ..."

  size_t size() const { return time_ms.size(); }
  size_t option_count() const { return option_labels.size(); }
};

}  // namespace pantau::integrity

// The vote log's framing of one ledger entry. A frame is
//   u32 length (little-endian, > 0) | u32 CRC-32 of the record (zlib polynomial) | record
//   record = prev_hash (32 bytes) | entry_hash (32 bytes) | canonical(vote) (chain.h)
// so the log stores votes in the very encoding their hashes commit to. A zero length word marks the end
// of the data in a zero-filled segment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/store.h"

namespace pantau::ledger {

inline constexpr size_t kFrameHeaderBytes = 8;

// Frames larger than this are damage (a record is two hashes and sixteen length-prefixed fields).
inline constexpr size_t kMaxFrameBytes = kFrameHeaderBytes + (1u << 20);

// The size of the frame whose header starts `bytes` as its length word announces it (header included),
// or 0 at the end marker or when `bytes` is shorter than a header. Not checked: ReadFrame does that.
size_t FrameSize(std::string_view bytes);

// Appends the frame of `entry` to `out`.
void AppendFrame(std::string& out, const store::LedgerEntry& entry);

// What sits at the start of `bytes`: an intact frame, the end marker (a zero length word, or fewer than
// kFrameHeaderBytes left), or a torn frame (length past the end, checksum mismatch, undecodable record).
struct FrameRead {
  enum class Kind { kEntry, kEnd, kTorn } kind = Kind::kEnd;
  size_t size = 0;            // bytes the frame occupies (kEntry only)
  store::LedgerEntry entry;   // kEntry only
  std::string problem;        // kTorn only: why
};
FrameRead ReadFrame(std::string_view bytes);

}  // namespace pantau::ledger

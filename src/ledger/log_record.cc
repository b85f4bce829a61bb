#include "ledger/log_record.h"

#include <zlib.h>

#include <algorithm>

#include "ledger/chain.h"

namespace pantau::ledger {
namespace {

constexpr size_t kHashBytes = std::tuple_size_v<store::Hash>;
constexpr uint32_t kMaxRecordBytes = kMaxFrameBytes - kFrameHeaderBytes;

uint32_t Crc32(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

void PutU32(std::string& out, size_t at, uint32_t value) {
  for (size_t i = 0; i < 4; ++i) out[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

uint32_t GetU32(std::string_view bytes) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  return value;
}

void CopyHash(std::string_view from, store::Hash& to) {
  std::copy_n(reinterpret_cast<const uint8_t*>(from.data()), to.size(), to.begin());
}

}  // namespace

size_t FrameSize(std::string_view bytes) {
  if (bytes.size() < kFrameHeaderBytes) return 0;
  const uint32_t length = GetU32(bytes);
  return length == 0 ? 0 : kFrameHeaderBytes + length;
}

void AppendFrame(std::string& out, const store::LedgerEntry& entry) {
  const size_t header = out.size();
  out.append(kFrameHeaderBytes, '\0');
  const size_t record = out.size();
  out.append(reinterpret_cast<const char*>(entry.prev_hash.data()), kHashBytes);
  out.append(reinterpret_cast<const char*>(entry.entry_hash.data()), kHashBytes);
  AppendCanonical(out, entry.vote);
  const std::string_view body(out.data() + record, out.size() - record);
  PutU32(out, header, static_cast<uint32_t>(body.size()));
  PutU32(out, header + 4, Crc32(body));
}

FrameRead ReadFrame(std::string_view bytes) {
  FrameRead read;
  if (bytes.size() < kFrameHeaderBytes) return read;
  const uint32_t length = GetU32(bytes);
  if (length == 0) return read;
  auto torn = [&](std::string problem) {
    read.kind = FrameRead::Kind::kTorn;
    read.problem = std::move(problem);
    return std::move(read);
  };
  if (length > kMaxRecordBytes || length > bytes.size() - kFrameHeaderBytes)
    return torn("the frame runs past the end of the data");
  const std::string_view body = bytes.substr(kFrameHeaderBytes, length);
  if (Crc32(body) != GetU32(bytes.substr(4))) return torn("checksum mismatch");
  if (body.size() < 2 * kHashBytes) return torn("record too short");
  auto vote = DecodeCanonical(body.substr(2 * kHashBytes));
  if (!vote) return torn(vote.error().detail);
  read.kind = FrameRead::Kind::kEntry;
  read.size = kFrameHeaderBytes + length;
  CopyHash(body.substr(0, kHashBytes), read.entry.prev_hash);
  CopyHash(body.substr(kHashBytes, kHashBytes), read.entry.entry_hash);
  read.entry.vote = std::move(*vote);
  return read;
}

}  // namespace pantau::ledger

// Checksum64: a fast non-cryptographic 64-bit digest (the XXH64 round structure) used to detect a torn
// or corrupted ASN table and to fingerprint the rules text. Not a defence against a crafted file:
// NetworkIntel bounds-checks every section as well. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pantau::netintel::internal {

uint64_t Checksum64(std::span<const std::byte> data);

}  // namespace pantau::netintel::internal

// Fuzz target: NetworkIntel::FromBytes on arbitrary bytes must reject or accept without touching memory
// outside the input, and an accepted table must answer lookups and Stats() safely. (Random bytes rarely
// pass the checksum; TableValidatorFuzz in tests/netintel re-sums mutated tables to reach the
// structural checks.)
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "netintel/network_intel.h"

using pantau::ErrorCode;
using pantau::netintel::IpAddress;
using pantau::netintel::NetworkIntel;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto intel = NetworkIntel::FromBytes(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!intel) {
    if (intel.error().code != ErrorCode::kDataLoss) std::abort();
    return 0;
  }
  for (uint32_t v4 : {0x01010101u, 0x27c80000u, 0xffffffffu, 0x00000000u, 0x80000000u})
    (void)intel->Lookup(IpAddress::FromV4(v4));
  std::array<uint8_t, 16> v6{0x24, 0x00, 0x82, 0xe0};
  (void)intel->Lookup(IpAddress::FromV6(v6));
  (void)intel->Stats();
  return 0;
}

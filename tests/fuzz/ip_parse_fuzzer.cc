// Fuzz target: IpAddress::Parse and IpPrefix::Parse on arbitrary bytes. Invariants (abort on failure):
// accepted text round-trips through ToString, the locus prefix parses back and contains the address,
// and every rejection is InvalidArgument.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "netintel/ip_address.h"
#include "netintel/ip_prefix.h"

using pantau::ErrorCode;
using pantau::netintel::IpAddress;
using pantau::netintel::IpPrefix;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto a = IpAddress::Parse(text)) {
    auto again = IpAddress::Parse(a->ToString());
    if (!again || *again != *a || again->ToString() != a->ToString()) std::abort();
    auto locus = IpPrefix::Parse(pantau::netintel::PrefixOf(*a));
    if (!locus || !locus->Contains(*a)) std::abort();
  } else if (a.error().code != ErrorCode::kInvalidArgument || a.error().message.empty()) {
    std::abort();
  }
  if (auto p = IpPrefix::Parse(text)) {
    auto again = IpPrefix::Parse(p->ToString());
    if (!again || *again != *p || !p->Contains(p->network())) std::abort();
  } else if (p.error().code != ErrorCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}

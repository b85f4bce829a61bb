// NetworkClass: what kind of network a vote came from (netintel decides, integrity and polls use it).
#pragma once

#include <cstdint>

#include "core/enum_table.h"

namespace pantau {

enum class NetworkClass : uint8_t {
  kUnknown,
  kGovernment,  // a government office or agency network (the Tomohon pattern)
  kMobile,      // a mobile carrier, usually behind CGNAT
  kFixed,       // fixed broadband (home, office)
  kHosting,     // hosting, cloud, VPN: scripts, not people
};

inline constexpr EnumTable<NetworkClass, 5> kNetworkClassNames{{{
    {NetworkClass::kUnknown, "unknown"},
    {NetworkClass::kGovernment, "government"},
    {NetworkClass::kMobile, "mobile"},
    {NetworkClass::kFixed, "fixed"},
    {NetworkClass::kHosting, "hosting"},
}}};

}  // namespace pantau

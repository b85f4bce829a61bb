// Uint128: the GCC/Clang 128-bit unsigned integer, for IPv6 arithmetic in the table builder and stats.
// `__extension__` keeps -Wpedantic quiet about the non-standard type.
#pragma once

namespace pantau::netintel::internal {

__extension__ typedef unsigned __int128 Uint128;

}  // namespace pantau::netintel::internal

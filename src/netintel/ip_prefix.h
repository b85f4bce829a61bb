// IpPrefix: a network address plus a prefix length ("203.0.113.0/24", "2001:db8:1::/48").
//
// The network locus of DESIGN.md §4 is the /24 (IPv4) or /48 (IPv6) holding an address; it is what a
// stored vote keeps in clear instead of the address. The integrity engine reads such text back from
// `ip_prefix` columns with IpPrefix::Parse. A value type: cheap to copy, thread-compatible.
//   std::string locus = PrefixOf(ip);                       // "203.0.113.0/24"
//   PANTAU_ASSIGN_OR_RETURN(IpPrefix p, IpPrefix::Parse(locus));
//   p.Contains(ip);                                         // true
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "netintel/ip_address.h"

namespace pantau::netintel {

class IpPrefix {
 public:
  // The locus lengths of DESIGN.md §4.
  static constexpr int kV4LocusLength = 24;
  static constexpr int kV6LocusLength = 48;

  // 0.0.0.0/0.
  IpPrefix() = default;

  // "<address>/<length>" with the address parsed by IpAddress::Parse and a decimal length (0-32 for
  // IPv4, 0-128 for IPv6, no leading zeros). The host bits must be zero: "203.0.113.7/24" is rejected
  // (InvalidArgument naming the network it probably meant) because a non-canonical prefix usually means
  // the column holds something else. An IPv4-mapped IPv6 prefix of length >= 96 is the IPv4 prefix of
  // length - 96 ("::ffff:203.0.113.0/120" is "203.0.113.0/24"); shorter ones are rejected.
  static Result<IpPrefix> Parse(std::string_view text);

  // The prefix of the given length holding `address` (host bits cleared). Throws std::invalid_argument
  // for a length outside the family's range: that is a programming error, not a user input.
  static IpPrefix Truncate(const IpAddress& address, int length);

  const IpAddress& network() const { return network_; }
  int length() const { return length_; }
  bool is_v4() const { return network_.is_v4(); }
  bool Contains(const IpAddress& address) const;

  // "203.0.113.0/24", "2001:db8:1::/48".
  std::string ToString() const;

  auto operator<=>(const IpPrefix&) const = default;
  bool operator==(const IpPrefix&) const = default;

 private:
  IpPrefix(IpAddress network, int length) : network_(network), length_(length) {}

  IpAddress network_;
  int length_ = 0;
};

// The network locus holding `address`: its /24 (IPv4) or /48 (IPv6).
IpPrefix LocusOf(const IpAddress& address);
// LocusOf(address).ToString(): "203.0.113.0/24" or "2001:db8:1::/48".
std::string PrefixOf(const IpAddress& address);

}  // namespace pantau::netintel

template <>
struct std::hash<pantau::netintel::IpPrefix> {
  size_t operator()(const pantau::netintel::IpPrefix& p) const noexcept {
    return std::hash<pantau::netintel::IpAddress>{}(p.network()) * 31u + static_cast<size_t>(p.length());
  }
};

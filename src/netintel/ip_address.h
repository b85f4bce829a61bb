// IpAddress: one IPv4 or IPv6 address, parsed strictly from text and never ambiguous.
//
// An IPv4-mapped IPv6 address (::ffff:1.2.3.4, ::ffff:102:304) is the IPv4 address it maps, so a
// dual-stack socket and an IPv4 socket give the same value. bytes() is the input to the keyed hash of
// DESIGN.md §4 (4 bytes for IPv4, 16 for IPv6). A value type: cheap to copy, thread-compatible.
//   PANTAU_ASSIGN_OR_RETURN(IpAddress ip, IpAddress::Parse("203.0.113.7"));
//   ip.ToString();  // "203.0.113.7"
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace pantau::netintel {

class IpAddress {
 public:
  // 0.0.0.0.
  IpAddress() = default;

  // Accepts exactly:
  //   IPv4: four dotted decimal octets 0-255, no leading zeros ("010.1.1.1" could mean octal 8 or
  //         decimal 10 depending on the reader, so it is rejected as ambiguous); no shorthand forms
  //         (1.2.3, 0x7f.0.0.1, 2130706433).
  //   IPv6: RFC 4291 §2.2 text (hex groups of 1-4 digits, one "::", an IPv4 dotted quad in the last
  //         32 bits), either letter case.
  // Rejected with InvalidArgument and a message naming the problem: empty or over-long text,
  // whitespace, brackets ("[::1]"), prefixes ("/24"), and scoped IPv6 addresses ("fe80::1%eth0").
  // Scope ids are rejected rather than stripped: they only occur on link-local addresses, which
  // carry no network identity, and silently dropping part of the input hides caller bugs. Code
  // holding a socket address should use FromV4/FromV6 with its bytes instead of text.
  static Result<IpAddress> Parse(std::string_view text);

  // From network-order bytes. FromV6 normalises IPv4-mapped addresses to IPv4.
  static IpAddress FromV4(std::array<uint8_t, 4> bytes);
  static IpAddress FromV4(uint32_t host_order_bits);
  static IpAddress FromV6(std::array<uint8_t, 16> bytes);

  bool is_v4() const { return is_v4_; }
  // 4 bytes (IPv4) or 16 bytes (IPv6), network order; valid while this object lives.
  std::span<const uint8_t> bytes() const { return {bytes_.data(), is_v4_ ? 4u : 16u}; }

  // Numeric views used by the lookup tables. v4_bits() requires is_v4(); the v6 halves require !is_v4().
  uint32_t v4_bits() const;
  uint64_t v6_high() const;
  uint64_t v6_low() const;

  // Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, longest zero run as "::").
  std::string ToString() const;

  // IPv4 sorts before IPv6; within a family, numeric order.
  std::strong_ordering operator<=>(const IpAddress& other) const {
    if (is_v4_ != other.is_v4_) return is_v4_ ? std::strong_ordering::less : std::strong_ordering::greater;
    return bytes_ <=> other.bytes_;
  }
  bool operator==(const IpAddress&) const = default;

 private:
  bool is_v4_ = true;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4 bytes; the rest stay zero
};

// True for addresses that never identify a public network: unspecified, loopback, private (RFC 1918,
// fc00::/7), shared CGNAT space 100.64.0.0/10, link-local, documentation, benchmarking, multicast,
// reserved and broadcast. NetworkIntel reports these as unknown whatever its table says.
bool IsSpecialPurpose(const IpAddress& address);

}  // namespace pantau::netintel

template <>
struct std::hash<pantau::netintel::IpAddress> {
  size_t operator()(const pantau::netintel::IpAddress& a) const noexcept {
    // FNV-1a over the family and the bytes: stable, and good enough for hash tables.
    uint64_t h = a.is_v4() ? 0xcbf29ce484222325ull : 0x84222325cbf29ce4ull;
    for (uint8_t b : a.bytes()) h = (h ^ b) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }
};

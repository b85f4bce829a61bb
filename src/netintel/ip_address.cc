#include "netintel/ip_address.h"

#include <optional>

#include <fmt/format.h>

namespace pantau::netintel {
namespace {

// The longest valid text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".
constexpr size_t kMaxTextLength = 45;

// The input as it may appear in a user-facing message: short and printable.
std::string Quote(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < 64; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (text.size() > 64) out += "...";
  out += "'";
  return out;
}

Error Invalid(std::string_view text, std::string_view why) {
  return Error::InvalidArgument(fmt::format("invalid IP address {}: {}", Quote(text), why), "invalid-ip-address");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict dotted quad; `whole` is the full input for messages.
Result<std::array<uint8_t, 4>> ParseDottedQuad(std::string_view s, std::string_view whole) {
  std::array<uint8_t, 4> out{};
  size_t part = 0;
  size_t i = 0;
  while (true) {
    if (part == 4) return std::unexpected(Invalid(whole, "an IPv4 address has exactly four octets"));
    const size_t begin = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    const std::string_view octet = s.substr(begin, i - begin);
    if (octet.empty()) {
      if (i < s.size() && s[i] != '.')
        return std::unexpected(Invalid(whole, fmt::format("unexpected character {} in an IPv4 address",
                                                          Quote(s.substr(i, 1)))));
      return std::unexpected(Invalid(whole, "empty octet in an IPv4 address"));
    }
    if (octet.size() > 1 && octet[0] == '0')
      return std::unexpected(Invalid(
          whole, fmt::format("octet '{}' has a leading zero, which is ambiguous (octal or decimal?)", octet)));
    if (octet.size() > 3) return std::unexpected(Invalid(whole, fmt::format("octet '{}' is out of range 0-255", octet)));
    int value = 0;
    for (char c : octet) value = value * 10 + (c - '0');
    if (value > 255) return std::unexpected(Invalid(whole, fmt::format("octet '{}' is out of range 0-255", octet)));
    out[part++] = static_cast<uint8_t>(value);
    if (i == s.size()) break;
    if (s[i] != '.')
      return std::unexpected(
          Invalid(whole, fmt::format("unexpected character {} in an IPv4 address", Quote(s.substr(i, 1)))));
    ++i;
    if (i == s.size()) return std::unexpected(Invalid(whole, "empty octet in an IPv4 address"));
  }
  if (part != 4) return std::unexpected(Invalid(whole, "an IPv4 address has exactly four octets"));
  return out;
}

// Parses the ':'-separated groups of one side of "::" into 16-bit words (an embedded dotted quad, allowed
// only as the last group of the address, counts as two words).
Status ParseGroups(std::string_view side, bool may_end_in_v4, std::string_view whole, uint16_t* words,
                   size_t* count) {
  *count = 0;
  if (side.empty()) return Ok();
  size_t pos = 0;
  while (true) {
    const size_t colon = side.find(':', pos);
    const std::string_view group = side.substr(pos, colon == std::string_view::npos ? side.npos : colon - pos);
    const bool last = colon == std::string_view::npos;
    if (group.empty()) return std::unexpected(Invalid(whole, "empty group (a lone ':' where '::' or a number belongs)"));
    if (*count >= 8) return std::unexpected(Invalid(whole, "an IPv6 address has at most eight groups"));
    if (group.find('.') != std::string_view::npos) {
      if (!last || !may_end_in_v4)
        return std::unexpected(Invalid(whole, "an embedded IPv4 address must be the last 32 bits"));
      if (*count > 6) return std::unexpected(Invalid(whole, "an IPv6 address has at most eight groups"));
      auto quad = ParseDottedQuad(group, whole);
      if (!quad) return std::unexpected(quad.error());
      words[(*count)++] = static_cast<uint16_t>((*quad)[0] << 8 | (*quad)[1]);
      words[(*count)++] = static_cast<uint16_t>((*quad)[2] << 8 | (*quad)[3]);
      return Ok();
    }
    if (group.size() > 4)
      return std::unexpected(Invalid(whole, fmt::format("group {} has more than four hex digits", Quote(group))));
    uint32_t value = 0;
    for (char c : group) {
      const int h = HexValue(c);
      if (h < 0)
        return std::unexpected(Invalid(whole, fmt::format("unexpected character {} in an IPv6 address",
                                                          Quote(std::string_view(&c, 1)))));
      value = value << 4 | static_cast<uint32_t>(h);
    }
    words[(*count)++] = static_cast<uint16_t>(value);
    if (last) return Ok();
    pos = colon + 1;
    if (pos == side.size()) return std::unexpected(Invalid(whole, "an IPv6 address cannot end in a single ':'"));
  }
}

Result<std::array<uint8_t, 16>> ParseV6(std::string_view s) {
  std::array<uint8_t, 16> out{};
  const size_t gap = s.find("::");
  if (gap != std::string_view::npos && s.find("::", gap + 1) != std::string_view::npos)
    return std::unexpected(Invalid(s, "'::' may appear only once"));
  if (gap == std::string_view::npos && !s.empty() && s.front() == ':')
    return std::unexpected(Invalid(s, "an IPv6 address cannot start with a single ':'"));
  uint16_t head[8];
  uint16_t tail[8];
  size_t head_count = 0;
  size_t tail_count = 0;
  if (gap == std::string_view::npos) {
    PANTAU_RETURN_IF_ERROR(ParseGroups(s, true, s, head, &head_count));
    if (head_count != 8) return std::unexpected(Invalid(s, "an IPv6 address without '::' needs eight groups"));
  } else {
    const std::string_view left = s.substr(0, gap);
    const std::string_view right = s.substr(gap + 2);
    if (!right.empty() && right.front() == ':') return std::unexpected(Invalid(s, "':::' is not valid"));
    PANTAU_RETURN_IF_ERROR(ParseGroups(left, false, s, head, &head_count));
    PANTAU_RETURN_IF_ERROR(ParseGroups(right, true, s, tail, &tail_count));
    if (head_count + tail_count > 7)
      return std::unexpected(Invalid(s, "too many groups: '::' must stand for at least one zero group"));
  }
  for (size_t i = 0; i < head_count; ++i) {
    out[2 * i] = static_cast<uint8_t>(head[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(head[i]);
  }
  for (size_t i = 0; i < tail_count; ++i) {
    const size_t at = 8 - tail_count + i;
    out[2 * at] = static_cast<uint8_t>(tail[i] >> 8);
    out[2 * at + 1] = static_cast<uint8_t>(tail[i]);
  }
  return out;
}

bool IsV4Mapped(const std::array<uint8_t, 16>& b) {
  for (size_t i = 0; i < 10; ++i)
    if (b[i] != 0) return false;
  return b[10] == 0xff && b[11] == 0xff;
}

}  // namespace

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty()) return std::unexpected(Invalid(text, "empty"));
  if (text.size() > kMaxTextLength) return std::unexpected(Invalid(text, "too long to be an IP address"));
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
      return std::unexpected(Invalid(text, "contains whitespace"));
  }
  if (const size_t pct = text.find('%'); pct != std::string_view::npos)
    return std::unexpected(Invalid(text, fmt::format("scoped IPv6 addresses (zone {}) are not accepted",
                                                     Quote(text.substr(pct)))));
  if (text.front() == '[') return std::unexpected(Invalid(text, "remove the brackets (they belong to URLs)"));
  if (text.find('/') != std::string_view::npos)
    return std::unexpected(Invalid(text, "this is a prefix, not an address"));
  if (text.find(':') == std::string_view::npos) {
    auto quad = ParseDottedQuad(text, text);
    if (!quad) return std::unexpected(quad.error());
    return FromV4(*quad);
  }
  auto v6 = ParseV6(text);
  if (!v6) return std::unexpected(v6.error());
  return FromV6(*v6);
}

IpAddress IpAddress::FromV4(std::array<uint8_t, 4> bytes) {
  IpAddress a;
  a.is_v4_ = true;
  for (size_t i = 0; i < 4; ++i) a.bytes_[i] = bytes[i];
  return a;
}

IpAddress IpAddress::FromV4(uint32_t bits) {
  return FromV4(std::array<uint8_t, 4>{static_cast<uint8_t>(bits >> 24), static_cast<uint8_t>(bits >> 16),
                                       static_cast<uint8_t>(bits >> 8), static_cast<uint8_t>(bits)});
}

IpAddress IpAddress::FromV6(std::array<uint8_t, 16> bytes) {
  if (IsV4Mapped(bytes)) return FromV4(std::array<uint8_t, 4>{bytes[12], bytes[13], bytes[14], bytes[15]});
  IpAddress a;
  a.is_v4_ = false;
  a.bytes_ = bytes;
  return a;
}

uint32_t IpAddress::v4_bits() const {
  return uint32_t{bytes_[0]} << 24 | uint32_t{bytes_[1]} << 16 | uint32_t{bytes_[2]} << 8 | uint32_t{bytes_[3]};
}

uint64_t IpAddress::v6_high() const {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = v << 8 | bytes_[i];
  return v;
}

uint64_t IpAddress::v6_low() const {
  uint64_t v = 0;
  for (size_t i = 8; i < 16; ++i) v = v << 8 | bytes_[i];
  return v;
}

std::string IpAddress::ToString() const {
  if (is_v4_) return fmt::format("{}.{}.{}.{}", bytes_[0], bytes_[1], bytes_[2], bytes_[3]);
  uint16_t words[8];
  for (size_t i = 0; i < 8; ++i) words[i] = static_cast<uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
  int best_start = -1;
  int best_len = 1;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  out.reserve(39);
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    fmt::format_to(std::back_inserter(out), "{:x}", words[i]);
  }
  return out;
}

bool IsSpecialPurpose(const IpAddress& address) {
  if (address.is_v4()) {
    const uint32_t a = address.v4_bits();
    auto in = [a](uint32_t net, int len) { return (a >> (32 - len)) == (net >> (32 - len)); };
    return in(0x00000000, 8)         // 0.0.0.0/8 "this network"
           || in(0x0a000000, 8)      // 10.0.0.0/8 private
           || in(0x64400000, 10)     // 100.64.0.0/10 shared address space (CGNAT)
           || in(0x7f000000, 8)      // 127.0.0.0/8 loopback
           || in(0xa9fe0000, 16)     // 169.254.0.0/16 link-local
           || in(0xac100000, 12)     // 172.16.0.0/12 private
           || in(0xc0000000, 24)     // 192.0.0.0/24 protocol assignments
           || in(0xc0000200, 24)     // 192.0.2.0/24 TEST-NET-1
           || in(0xc0a80000, 16)     // 192.168.0.0/16 private
           || in(0xc6120000, 15)     // 198.18.0.0/15 benchmarking
           || in(0xc6336400, 24)     // 198.51.100.0/24 TEST-NET-2
           || in(0xcb007100, 24)     // 203.0.113.0/24 TEST-NET-3
           || a >= 0xe0000000;       // 224.0.0.0/4 multicast, 240.0.0.0/4 reserved, broadcast
  }
  const uint64_t hi = address.v6_high();
  const uint64_t lo = address.v6_low();
  return (hi == 0 && (lo >> 32) == 0)           // ::/96: unspecified, loopback, deprecated IPv4-compatible
         || (hi >> 57) == (0xfc00ull >> 9)      // fc00::/7 unique local
         || (hi >> 54) == (0xfe80ull >> 6)      // fe80::/10 link-local
         || (hi >> 56) == 0xff                  // ff00::/8 multicast
         || (hi >> 32) == 0x20010db8ull         // 2001:db8::/32 documentation
         || hi == 0x0100000000000000ull;        // 100::/64 discard-only
}

}  // namespace pantau::netintel

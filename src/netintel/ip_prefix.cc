#include "netintel/ip_prefix.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

namespace pantau::netintel {
namespace {

Error Invalid(std::string_view text, std::string_view why) {
  std::string shown(text.substr(0, 64));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return Error::InvalidArgument(fmt::format("invalid IP prefix '{}': {}", shown, why), "invalid-ip-prefix");
}

// Clears every bit after the first `length` bits of `bytes`.
template <size_t N>
std::array<uint8_t, N> Mask(std::span<const uint8_t> bytes, int length) {
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; ++i) {
    const int keep = length - static_cast<int>(i) * 8;
    if (keep >= 8) out[i] = bytes[i];
    else if (keep > 0) out[i] = static_cast<uint8_t>(bytes[i] & (0xff << (8 - keep)));
  }
  return out;
}

IpAddress MaskAddress(const IpAddress& address, int length) {
  if (address.is_v4()) return IpAddress::FromV4(Mask<4>(address.bytes(), length));
  return IpAddress::FromV6(Mask<16>(address.bytes(), length));
}

}  // namespace

Result<IpPrefix> IpPrefix::Parse(std::string_view text) {
  const size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return std::unexpected(Invalid(text, "expected <address>/<length>"));
  const std::string_view length_text = text.substr(slash + 1);
  if (length_text.empty() || length_text.size() > 3) return std::unexpected(Invalid(text, "bad prefix length"));
  if (length_text.size() > 1 && length_text[0] == '0')
    return std::unexpected(Invalid(text, "prefix length has a leading zero"));
  int length = 0;
  for (char c : length_text) {
    if (c < '0' || c > '9') return std::unexpected(Invalid(text, "bad prefix length"));
    length = length * 10 + (c - '0');
  }
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return std::unexpected(Invalid(text, address.error().message));
  const bool text_is_v6 = text.substr(0, slash).find(':') != std::string_view::npos;
  if (text_is_v6 && address->is_v4()) {
    // An IPv4-mapped IPv6 prefix: only meaningful when it lies inside ::ffff:0:0/96.
    if (length < 96 || length > 128)
      return std::unexpected(Invalid(text, "an IPv4-mapped prefix needs a length from 96 to 128"));
    length -= 96;
  }
  const int max = address->is_v4() ? 32 : 128;
  if (length > max) return std::unexpected(Invalid(text, fmt::format("prefix length {} exceeds {}", length, max)));
  const IpAddress network = MaskAddress(*address, length);
  if (network != *address)
    return std::unexpected(
        Invalid(text, fmt::format("host bits are set (did you mean {}/{}?)", network.ToString(), length)));
  return IpPrefix(network, length);
}

IpPrefix IpPrefix::Truncate(const IpAddress& address, int length) {
  const int max = address.is_v4() ? 32 : 128;
  if (length < 0 || length > max)
    throw std::invalid_argument(fmt::format("prefix length {} outside 0..{}", length, max));
  return IpPrefix(MaskAddress(address, length), length);
}

bool IpPrefix::Contains(const IpAddress& address) const {
  if (address.is_v4() != network_.is_v4()) return false;
  return MaskAddress(address, length_) == network_;
}

std::string IpPrefix::ToString() const { return fmt::format("{}/{}", network_.ToString(), length_); }

IpPrefix LocusOf(const IpAddress& address) {
  return IpPrefix::Truncate(address, address.is_v4() ? IpPrefix::kV4LocusLength : IpPrefix::kV6LocusLength);
}

std::string PrefixOf(const IpAddress& address) { return LocusOf(address).ToString(); }

}  // namespace pantau::netintel

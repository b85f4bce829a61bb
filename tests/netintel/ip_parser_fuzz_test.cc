// Deterministic randomized and mutation testing of IpAddress::Parse and IpPrefix::Parse (g++ has no
// libFuzzer; tests/fuzz has a clang target for coverage-guided runs). Each case checks:
//   - no crash or sanitizer report on any input;
//   - Parse agrees with glibc inet_pton on acceptance and on the 16 bytes (differential oracle);
//   - accepted text round-trips: Parse(ToString(a)) == a, and ToString is a fixed point;
//   - rejections are InvalidArgument with a non-empty, printable message.
#include <arpa/inet.h>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "netintel/ip_address.h"
#include "netintel/ip_prefix.h"

namespace pantau::netintel {
namespace {

// The glibc verdict: the 16-byte IPv6 form (IPv4 as ::ffff:a.b.c.d) or nothing.
std::optional<std::array<uint8_t, 16>> Oracle(const std::string& text) {
  if (text.find('\0') != std::string::npos) return std::nullopt;
  std::array<uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::array<uint8_t, 16> As16(const IpAddress& a) {
  std::array<uint8_t, 16> out{};
  if (a.is_v4()) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, a.bytes().data(), 4);
  } else {
    std::memcpy(out.data(), a.bytes().data(), 16);
  }
  return out;
}

void CheckOne(const std::string& text) {
  auto parsed = IpAddress::Parse(text);
  const auto oracle = Oracle(text);
  ASSERT_EQ(parsed.has_value(), oracle.has_value())
      << "input '" << text << "' ours=" << (parsed ? parsed->ToString() : parsed.error().message);
  if (parsed) {
    ASSERT_EQ(As16(*parsed), *oracle) << text;
    const std::string canonical = parsed->ToString();
    auto again = IpAddress::Parse(canonical);
    ASSERT_TRUE(again.has_value()) << canonical;
    ASSERT_EQ(*again, *parsed) << text;
    ASSERT_EQ(again->ToString(), canonical);
    ASSERT_EQ(parsed->bytes().size(), parsed->is_v4() ? 4u : 16u);
    // The locus prefix of any address parses back to itself.
    const std::string locus = PrefixOf(*parsed);
    auto prefix = IpPrefix::Parse(locus);
    ASSERT_TRUE(prefix.has_value()) << locus;
    ASSERT_TRUE(prefix->Contains(*parsed));
  } else {
    ASSERT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    ASSERT_FALSE(parsed.error().message.empty());
    for (char c : parsed.error().message) ASSERT_TRUE(c >= 0x20 && c < 0x7f) << text;
  }
}

// Strings built from the characters that matter to the grammar, weighted towards plausible shapes.
std::string RandomText(std::mt19937_64& rng) {
  static constexpr std::string_view kAlphabet = "0123456789abcdefABCDEF:.:.%/[] x0::ffff";
  std::uniform_int_distribution<int> len(0, 48);
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string s;
  const int n = len(rng);
  for (int i = 0; i < n; ++i) s += kAlphabet[pick(rng)];
  return s;
}

// A valid address text in one of the many spellings the grammar allows.
std::string RandomValid(std::mt19937_64& rng) {
  std::uniform_int_distribution<uint32_t> u32;
  std::uniform_int_distribution<int> coin(0, 9);
  std::array<uint8_t, 16> b{};
  for (auto& byte : b) byte = static_cast<uint8_t>(coin(rng) < 4 ? 0 : u32(rng));
  if (coin(rng) < 3) {
    const uint32_t v = u32(rng);
    return IpAddress::FromV4(v).ToString();
  }
  if (coin(rng) < 2) {  // mapped
    b.fill(0);
    b[10] = b[11] = 0xff;
    for (int i = 12; i < 16; ++i) b[i] = static_cast<uint8_t>(u32(rng));
    return "::ffff:" + IpAddress::FromV4(std::array<uint8_t, 4>{b[12], b[13], b[14], b[15]}).ToString();
  }
  std::string s;
  for (int i = 0; i < 8; ++i) {
    if (i) s += ':';
    const unsigned word = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
    char buf[8];
    std::snprintf(buf, sizeof buf, coin(rng) < 3 ? "%04X" : "%x", word);
    s += buf;
  }
  return coin(rng) < 5 ? IpAddress::Parse(s).value().ToString() : s;
}

void Mutate(std::string& s, std::mt19937_64& rng) {
  static constexpr std::string_view kBytes = "0123456789abcdef:.%/ \t\n\xff\x80Gg-+[]0";
  std::uniform_int_distribution<int> op(0, 5);
  std::uniform_int_distribution<size_t> byte(0, kBytes.size() - 1);
  const size_t pos = s.empty() ? 0 : std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng);
  switch (op(rng)) {
    case 0: s.insert(s.begin() + static_cast<std::ptrdiff_t>(std::min(pos, s.size())), kBytes[byte(rng)]); break;
    case 1: if (!s.empty()) s.erase(pos, 1); break;
    case 2: if (!s.empty()) s[pos] = kBytes[byte(rng)]; break;
    case 3: if (!s.empty()) s.insert(pos, s.substr(pos, 3)); break;  // duplicate a chunk ("::" twice, octets)
    case 4: if (!s.empty()) s[pos] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng)); break;
    case 5: s.insert(pos, pos % 2 ? "0" : "::"); break;  // zero padding and extra gaps
  }
}

TEST(IpParserFuzz, RandomStringsAgreeWithInetPton) {
  std::mt19937_64 rng(20241120);
  for (int i = 0; i < 1'000'000; ++i) {
    CheckOne(RandomText(rng));
    if (HasFatalFailure()) return;
  }
}

TEST(IpParserFuzz, MutatedValidAddressesAgreeWithInetPton) {
  std::mt19937_64 rng(7173);
  for (int i = 0; i < 400'000; ++i) {
    std::string s = RandomValid(rng);
    CheckOne(s);
    for (int m = 0; m < 3; ++m) {
      Mutate(s, rng);
      CheckOne(s);
    }
    if (HasFatalFailure()) return;
  }
}

TEST(IpParserFuzz, PrefixParserNeverCrashesAndRoundTrips) {
  std::mt19937_64 rng(1572);
  std::uniform_int_distribution<int> len(0, 130);
  for (int i = 0; i < 300'000; ++i) {
    std::string s = RandomValid(rng) + "/" + std::to_string(len(rng));
    if (i % 2) Mutate(s, rng);
    auto p = IpPrefix::Parse(s);
    if (p) {
      auto again = IpPrefix::Parse(p->ToString());
      ASSERT_TRUE(again.has_value()) << s;
      ASSERT_EQ(*again, *p) << s;
      ASSERT_TRUE(p->Contains(p->network()));
    } else {
      ASSERT_EQ(p.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(IpParserFuzz, HandPickedEdgeCases) {
  for (const char* s : {"::ffff:0.0.0.0", "::ffff:255.255.255.255", "0:0:0:0:0:ffff:0:0", "::0.0.0.0", "::0:0",
                        "0::0", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.04", "1.2.3.4%eth0", "::%", "1.2.3.4/",
                        "00000::", "0000:0000:0000:0000:0000:ffff:255.255.255.255", "::ffff:1.2.3.4.5",
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1::1.2.3.4", "::1:1.2.3.4"}) {
    CheckOne(s);
  }
}

}  // namespace
}  // namespace pantau::netintel

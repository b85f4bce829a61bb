#include "netintel/ip_address.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace pantau::netintel {
namespace {

IpAddress Ip(std::string_view text) {
  auto parsed = IpAddress::Parse(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed.value_or(IpAddress());
}

std::string RejectionOf(std::string_view text) {
  auto parsed = IpAddress::Parse(text);
  EXPECT_FALSE(parsed.has_value()) << "accepted " << text << " as " << (parsed ? parsed->ToString() : "");
  if (parsed) return {};
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  return parsed.error().message;
}

TEST(IpAddress, ParsesIpv4) {
  const IpAddress a = Ip("203.0.113.7");
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.v4_bits(), 0xcb007107u);
  ASSERT_EQ(a.bytes().size(), 4u);
  EXPECT_EQ(a.bytes()[0], 203);
  EXPECT_EQ(a.bytes()[3], 7);
  EXPECT_EQ(a.ToString(), "203.0.113.7");
  EXPECT_EQ(Ip("0.0.0.0").ToString(), "0.0.0.0");
  EXPECT_EQ(Ip("255.255.255.255").v4_bits(), 0xffffffffu);
}

TEST(IpAddress, RejectsZeroPaddedOctetsAsAmbiguous) {
  EXPECT_NE(RejectionOf("010.1.1.1").find("leading zero"), std::string::npos);
  EXPECT_NE(RejectionOf("1.1.1.01").find("ambiguous"), std::string::npos);
  EXPECT_NE(RejectionOf("::ffff:1.02.3.4").find("leading zero"), std::string::npos);
  EXPECT_NE(RejectionOf("00.0.0.0").find("leading zero"), std::string::npos);
}

TEST(IpAddress, RejectsShorthandAndMalformedIpv4) {
  for (const char* bad : {"1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.1000", "1..2.3", "1.2.3.4.", ".1.2.3.4",
                          "0x7f.0.0.1", "2130706433", "1.2.3.-4", "1.2.3.4a", "a.b.c.d", "1,2,3,4"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(RejectionOf(bad).empty());
  }
  EXPECT_NE(RejectionOf("256.1.1.1").find("out of range"), std::string::npos);
  EXPECT_NE(RejectionOf("1.2.3").find("four octets"), std::string::npos);
}

TEST(IpAddress, ParsesIpv6InAllTextForms) {
  EXPECT_EQ(Ip("2001:db8:0:0:1:0:0:1").ToString(), "2001:db8::1:0:0:1");
  EXPECT_EQ(Ip("2001:DB8::1").ToString(), "2001:db8::1");
  EXPECT_EQ(Ip("2001:0db8:0000:0000:0000:0000:0000:0001").ToString(), "2001:db8::1");
  EXPECT_EQ(Ip("::").ToString(), "::");
  EXPECT_EQ(Ip("::1").ToString(), "::1");
  EXPECT_EQ(Ip("1::").ToString(), "1::");
  EXPECT_EQ(Ip("1:2:3:4:5:6:7::").ToString(), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(Ip("::2:3:4:5:6:7:8").ToString(), "0:2:3:4:5:6:7:8");
  EXPECT_EQ(Ip("64:ff9b::192.0.2.33").ToString(), "64:ff9b::c000:221");
  EXPECT_EQ(Ip("1:2:3:4:5:6:1.2.3.4").ToString(), "1:2:3:4:5:6:102:304");
  const IpAddress a = Ip("2400:82e0::1");
  EXPECT_FALSE(a.is_v4());
  EXPECT_EQ(a.bytes().size(), 16u);
  EXPECT_EQ(a.v6_high(), 0x240082e000000000ull);
  EXPECT_EQ(a.v6_low(), 1u);
}

TEST(IpAddress, ToStringFollowsRfc5952) {
  // §4.2.2: a single zero group is not compressed; §4.2.3: the longest run, the first on a tie.
  EXPECT_EQ(Ip("2001:db8:0:1:1:1:1:1").ToString(), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(Ip("2001:0:0:1:0:0:0:1").ToString(), "2001:0:0:1::1");
  EXPECT_EQ(Ip("2001:db8:0:0:1:0:0:1").ToString(), "2001:db8::1:0:0:1");
  EXPECT_EQ(Ip("2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:0001").ToString(), "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
}

TEST(IpAddress, Ipv4MappedIpv6NormalisesToIpv4) {
  const IpAddress mapped = Ip("::ffff:203.0.113.9");
  EXPECT_TRUE(mapped.is_v4());
  EXPECT_EQ(mapped, Ip("203.0.113.9"));
  EXPECT_EQ(mapped.ToString(), "203.0.113.9");
  EXPECT_EQ(mapped.bytes().size(), 4u);
  EXPECT_EQ(Ip("::FFFF:cb00:7109"), Ip("203.0.113.9"));
  EXPECT_EQ(Ip("0:0:0:0:0:ffff:1.2.3.4"), Ip("1.2.3.4"));
  // Deprecated IPv4-compatible and NAT64 addresses stay IPv6.
  EXPECT_FALSE(Ip("::1.2.3.4").is_v4());
  EXPECT_FALSE(Ip("64:ff9b::1.2.3.4").is_v4());
  EXPECT_FALSE(Ip("::fffe:1.2.3.4").is_v4());
}

TEST(IpAddress, RejectsScopedIpv6WithAClearMessage) {
  const std::string message = RejectionOf("fe80::1%eth0");
  EXPECT_NE(message.find("scoped"), std::string::npos);
  EXPECT_NE(message.find("%eth0"), std::string::npos);
  EXPECT_FALSE(RejectionOf("fe80::1%1").empty());
  EXPECT_FALSE(RejectionOf("fe80::1%").empty());
}

TEST(IpAddress, RejectsMalformedIpv6) {
  for (const char* bad : {":", ":::", "1:::2", "1::2::3", ":1::", "::1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                          "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::", "1:2:3:4:5:6:7:1.2.3.4",
                          "1.2.3.4::", "::1.2.3.4:5", "::1.2.3", "::256.1.1.1", "[::1]", "::1/128", "1:2",
                          "fe80:", ":fe80::1", "2001:db8::-1"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(RejectionOf(bad).empty());
  }
  EXPECT_NE(RejectionOf("1::2::3").find("only once"), std::string::npos);
  EXPECT_NE(RejectionOf("12345::").find("four hex digits"), std::string::npos);
  EXPECT_NE(RejectionOf("[::1]").find("brackets"), std::string::npos);
  EXPECT_NE(RejectionOf("10.0.0.0/8").find("prefix"), std::string::npos);
}

TEST(IpAddress, RejectsEmptyWhitespaceAndOverlongInput) {
  EXPECT_NE(RejectionOf("").find("empty"), std::string::npos);
  EXPECT_NE(RejectionOf(" 1.2.3.4").find("whitespace"), std::string::npos);
  EXPECT_NE(RejectionOf("1.2.3.4\n").find("whitespace"), std::string::npos);
  EXPECT_NE(RejectionOf(std::string(46, '1')).find("too long"), std::string::npos);
  EXPECT_FALSE(RejectionOf(std::string("1.2.3.4\0", 8)).empty());
}

TEST(IpAddress, MessagesNeverEchoControlCharacters) {
  const std::string message = RejectionOf("1.2.3.\x1b[31m");
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
}

TEST(IpAddress, FromBytesAndOrdering) {
  EXPECT_EQ(IpAddress::FromV4(0x01020304u), Ip("1.2.3.4"));
  EXPECT_EQ(IpAddress::FromV4(std::array<uint8_t, 4>{1, 2, 3, 4}), Ip("1.2.3.4"));
  std::array<uint8_t, 16> mapped{};
  mapped[10] = mapped[11] = 0xff;
  mapped[12] = 9;
  EXPECT_EQ(IpAddress::FromV6(mapped), Ip("9.0.0.0"));
  EXPECT_LT(Ip("255.255.255.255"), Ip("::"));
  EXPECT_LT(Ip("1.2.3.4"), Ip("1.2.3.5"));
  EXPECT_LT(Ip("2001:db8::1"), Ip("2001:db8::2"));
  std::unordered_set<IpAddress> set{Ip("1.2.3.4"), Ip("::ffff:1.2.3.4"), Ip("::1.2.3.4")};
  EXPECT_EQ(set.size(), 2u);
}

TEST(IsSpecialPurpose, CoversPrivateLoopbackCgnatAndFriends) {
  for (const char* special : {"10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1", "169.254.1.1", "172.16.0.1",
                              "172.31.255.255", "192.168.1.1", "0.1.2.3", "224.0.0.1", "255.255.255.255",
                              "192.0.2.1", "198.51.100.1", "203.0.113.1", "198.18.0.1", "::", "::1", "fc00::1",
                              "fd12:3456::1", "fe80::1", "ff02::1", "2001:db8::1", "::1.2.3.4"}) {
    SCOPED_TRACE(special);
    EXPECT_TRUE(IsSpecialPurpose(Ip(special)));
  }
  for (const char* global : {"1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1", "8.8.8.8", "103.90.64.1",
                             "2400:82e0::1", "2001:4860::1", "fec0::1"}) {
    SCOPED_TRACE(global);
    EXPECT_FALSE(IsSpecialPurpose(Ip(global)));
  }
}

}  // namespace
}  // namespace pantau::netintel

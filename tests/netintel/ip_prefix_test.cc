#include "netintel/ip_prefix.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <unordered_set>

namespace pantau::netintel {
namespace {

IpAddress Ip(std::string_view text) { return IpAddress::Parse(text).value(); }

TEST(IpPrefix, PrefixOfIsTheDesignLocus) {
  EXPECT_EQ(PrefixOf(Ip("203.0.113.77")), "203.0.113.0/24");
  EXPECT_EQ(PrefixOf(Ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1::/48");
  EXPECT_EQ(PrefixOf(Ip("::ffff:198.51.100.200")), "198.51.100.0/24");
  EXPECT_EQ(PrefixOf(Ip("2400:82e0:ffff:ffff::1")), "2400:82e0:ffff::/48");
  EXPECT_EQ(PrefixOf(Ip("0.0.0.0")), "0.0.0.0/24");
  EXPECT_EQ(PrefixOf(Ip("255.255.255.255")), "255.255.255.0/24");
  EXPECT_EQ(LocusOf(Ip("10.1.2.3")).length(), 24);
  EXPECT_EQ(LocusOf(Ip("fe80::1")).length(), 48);
}

TEST(IpPrefix, ParseRoundTripsLocusText) {
  for (const char* text : {"203.0.113.0/24", "2001:db8:1::/48", "0.0.0.0/0", "::/0", "1.2.3.4/32", "2001:db8::1/128",
                           "10.0.0.0/8", "2400:8b00::/32", "192.168.0.0/16"}) {
    SCOPED_TRACE(text);
    auto p = IpPrefix::Parse(text);
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->ToString(), text);
  }
  const IpPrefix p = IpPrefix::Parse("203.0.113.0/24").value();
  EXPECT_TRUE(p.is_v4());
  EXPECT_EQ(p.network(), Ip("203.0.113.0"));
  EXPECT_EQ(p, LocusOf(Ip("203.0.113.9")));
}

TEST(IpPrefix, ParseNormalisesMappedPrefixes) {
  EXPECT_EQ(IpPrefix::Parse("::ffff:203.0.113.0/120").value().ToString(), "203.0.113.0/24");
  EXPECT_EQ(IpPrefix::Parse("::ffff:0:0/96").value().ToString(), "0.0.0.0/0");
  EXPECT_FALSE(IpPrefix::Parse("::ffff:203.0.113.0/64").has_value());
}

TEST(IpPrefix, ParseRejectsWithClearMessages) {
  auto host_bits = IpPrefix::Parse("203.0.113.7/24");
  ASSERT_FALSE(host_bits.has_value());
  EXPECT_EQ(host_bits.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(host_bits.error().message.find("did you mean 203.0.113.0/24"), std::string::npos);
  for (const char* bad : {"203.0.113.0", "203.0.113.0/", "203.0.113.0/33", "2001:db8::/129", "203.0.113.0/024",
                          "203.0.113.0/2a", "/24", "010.0.113.0/24", "fe80::%eth0/64", "203.0.113.0/24/24",
                          "203.0.113.0/-1", "203.0.113.0/1000", ""}) {
    SCOPED_TRACE(bad);
    auto r = IpPrefix::Parse(bad);
    ASSERT_FALSE(r.has_value()) << r->ToString();
    EXPECT_NE(r.error().message.find("invalid IP prefix"), std::string::npos);
  }
}

TEST(IpPrefix, TruncateAndContains) {
  const IpPrefix p = IpPrefix::Truncate(Ip("2001:db8:abcd:1234::1"), 36);
  EXPECT_EQ(p.ToString(), "2001:db8:a000::/36");
  EXPECT_TRUE(p.Contains(Ip("2001:db8:afff::1")));
  EXPECT_FALSE(p.Contains(Ip("2001:db8:b000::1")));
  EXPECT_FALSE(p.Contains(Ip("32.1.13.184")));
  const IpPrefix v4 = IpPrefix::Truncate(Ip("172.16.5.4"), 12);
  EXPECT_EQ(v4.ToString(), "172.16.0.0/12");
  EXPECT_TRUE(v4.Contains(Ip("172.31.255.255")));
  EXPECT_FALSE(v4.Contains(Ip("172.32.0.0")));
  EXPECT_TRUE(IpPrefix::Truncate(Ip("1.2.3.4"), 0).Contains(Ip("255.0.0.1")));
  EXPECT_EQ(IpPrefix::Truncate(Ip("1.2.3.4"), 32).ToString(), "1.2.3.4/32");
  EXPECT_EQ(IpPrefix::Truncate(Ip("1.2.3.255"), 31).ToString(), "1.2.3.254/31");
  EXPECT_THROW(IpPrefix::Truncate(Ip("1.2.3.4"), 33), std::invalid_argument);
  EXPECT_THROW(IpPrefix::Truncate(Ip("::1"), -1), std::invalid_argument);
}

TEST(IpPrefix, HashesForGrouping) {
  std::unordered_set<IpPrefix> loci{LocusOf(Ip("203.0.113.1")), LocusOf(Ip("203.0.113.200")),
                                    LocusOf(Ip("203.0.114.1")), LocusOf(Ip("2001:db8:1::1"))};
  EXPECT_EQ(loci.size(), 3u);
}

}  // namespace
}  // namespace pantau::netintel

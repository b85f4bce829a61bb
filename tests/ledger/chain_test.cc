#include "ledger/chain.h"

#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "crypto/crypto.h"

namespace pantau::ledger {
namespace {

Vote SampleVote() {
  Vote v;
  v.poll = PollId{"k3x9q2m7w4ab"};
  v.seq = 42;
  v.time = FromUnixMillis(1'732'090'503'120);
  v.choice = 2;
  v.tier = AssuranceTier::kPanel;
  v.device_id = "d7f3k2";
  v.locus = {"203.0.113.0/24", "9f86d081884c7d659a2feaa0c55ad015", 7713, NetworkClass::kMobile};
  v.user_agent = {"Chrome Mobile", "Android", DeviceClass::kPhone};
  v.share_token = "wa1";
  v.referrer_host = "l.wa.me";
  v.panel_token_hash = "c0ffee";
  return v;
}

// An independent encoder written from chain.h's comment alone.
std::string DocumentedEncoding(const Vote& v) {
  std::string out;
  auto u32 = [&](uint32_t x) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(x >> (8 * i)));
  };
  auto u64 = [&](uint64_t x) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(x >> (8 * i)));
  };
  auto text = [&](std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out.append(s);
  };
  text(v.poll.value());
  u32(8), u64(v.seq);
  u32(8), u64(static_cast<uint64_t>(ToUnixMillis(v.time)));
  u32(4), u32(static_cast<uint32_t>(v.choice));
  text(kAssuranceTierNames.Name(v.tier));
  text(v.device_id);
  text(v.locus.prefix);
  text(v.locus.ip_hash);
  u32(4), u32(v.locus.asn);
  text(kNetworkClassNames.Name(v.locus.network_class));
  text(v.user_agent.browser);
  text(v.user_agent.os);
  text(kDeviceClassNames.Name(v.user_agent.device));
  text(v.share_token);
  text(v.referrer_host);
  text(v.panel_token_hash);
  return out;
}

Hash SomePrev() {
  Hash h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(i * 7 + 1);
  return h;
}

TEST(EntryHash, MatchesAnIndependentImplementationOfTheDocumentedEncoding) {
  Vote v = SampleVote();
  v.time = FromUnixMillis(-5);  // negative times are two's complement
  v.choice = -1;
  EXPECT_EQ(CanonicalEncoding(v), DocumentedEncoding(v));
  const std::string input = std::string("pantau-ledger-v1") +
                            std::string(reinterpret_cast<const char*>(SomePrev().data()), 32) + DocumentedEncoding(v);
  EXPECT_EQ(EntryHash(SomePrev(), v),
            crypto::Blake2b256({reinterpret_cast<const uint8_t*>(input.data()), input.size()}));
}

TEST(EntryHash, IsPinnedForVersion1) {
  // Changing this value breaks every stored chain and every receipt: bump the domain instead.
  // Cross-checked with Python's hashlib.blake2b(digest_size=32) over the encoding in chain.h.
  EXPECT_EQ(ToHex(EntryHash(Hash{}, SampleVote())),
            "6cef386ee33c5f146ed59d8539dd9e54b3d766ef77a702a2a79b77bb1716143d");
}

TEST(EntryHash, IsDeterministicAndCommitsToThePreviousHash) {
  EXPECT_EQ(EntryHash(SomePrev(), SampleVote()), EntryHash(SomePrev(), SampleVote()));
  EXPECT_NE(EntryHash(SomePrev(), SampleVote()), EntryHash(Hash{}, SampleVote()));
  Hash prev = SomePrev();
  prev[31] ^= 1;
  EXPECT_NE(EntryHash(SomePrev(), SampleVote()), EntryHash(prev, SampleVote()));
}

TEST(EntryHash, ChangesWhenAnySingleFieldChanges) {
  const std::vector<std::pair<const char*, std::function<void(Vote&)>>> mutations = {
      {"poll", [](Vote& v) { v.poll = PollId{"k3x9q2m7w4ac"}; }},
      {"seq", [](Vote& v) { v.seq = 43; }},
      {"time", [](Vote& v) { v.time += Millis{1}; }},
      {"choice", [](Vote& v) { v.choice = 3; }},
      {"tier", [](Vote& v) { v.tier = AssuranceTier::kOpen; }},
      {"device_id", [](Vote& v) { v.device_id = "d7f3k3"; }},
      {"prefix", [](Vote& v) { v.locus.prefix = "203.0.114.0/24"; }},
      {"ip_hash", [](Vote& v) { v.locus.ip_hash[0] = 'a'; }},
      {"asn", [](Vote& v) { v.locus.asn = 7714; }},
      {"network_class", [](Vote& v) { v.locus.network_class = NetworkClass::kGovernment; }},
      {"ua_browser", [](Vote& v) { v.user_agent.browser = "Samsung Internet"; }},
      {"ua_os", [](Vote& v) { v.user_agent.os = "iOS"; }},
      {"ua_device", [](Vote& v) { v.user_agent.device = DeviceClass::kTablet; }},
      {"share_token", [](Vote& v) { v.share_token = "wa2"; }},
      {"referrer_host", [](Vote& v) { v.referrer_host = ""; }},
      {"panel_token_hash", [](Vote& v) { v.panel_token_hash = "c0ffef"; }},
      // Length prefixes: moving bytes across a field boundary is a different vote.
      {"boundary device/prefix", [](Vote& v) {
         v.device_id += v.locus.prefix.substr(0, 1);
         v.locus.prefix.erase(0, 1);
       }},
      {"boundary share/referrer", [](Vote& v) {
         v.share_token += v.referrer_host;
         v.referrer_host.clear();
       }},
  };
  const Hash base = EntryHash(SomePrev(), SampleVote());
  for (const auto& [name, mutate] : mutations) {
    Vote v = SampleVote();
    mutate(v);
    ASSERT_NE(v, SampleVote()) << name;
    EXPECT_NE(EntryHash(SomePrev(), v), base) << name;
  }
}

TEST(Link, AssignsTheNextSeqAndLinksToTheTail) {
  const store::ChainTail tail{41, SomePrev()};
  Vote v = SampleVote();
  v.seq = 999;  // ignored
  const LedgerEntry e = Link(tail, v);
  EXPECT_EQ(e.vote.seq, 42u);
  EXPECT_EQ(e.prev_hash, SomePrev());
  EXPECT_EQ(e.entry_hash, EntryHash(SomePrev(), SampleVote()));
  EXPECT_EQ(Link({}, v).prev_hash, Hash{});
  EXPECT_EQ(Link({}, v).vote.seq, 1u);
}

TEST(HashHex, RoundTripsAndRejectsBadText) {
  const Hash h = EntryHash(SomePrev(), SampleVote());
  const std::string hex = ToHex(h);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(HashFromHex(hex).value(), h);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(HashFromHex(upper).value(), h);
  EXPECT_EQ(HashFromHex(hex.substr(1)).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(HashFromHex(hex + "00").error().code, ErrorCode::kInvalidArgument);
  std::string bad = hex;
  bad[10] = 'g';
  EXPECT_EQ(HashFromHex(bad).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace pantau::ledger

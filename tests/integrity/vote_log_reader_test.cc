#include "integrity/vote_log_reader.h"

#include "core/time.h"
#include "core/user_agent.h"
#include "netintel/ip_prefix.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pantau::integrity {
namespace {

const netintel::NetworkIntel& NoTable() {
  static const netintel::NetworkIntel intel = netintel::NetworkIntel::Empty();
  return intel;
}

Result<VoteLog> Read(std::string_view text, bool lenient = false) {
  return ReadVoteLog(text, NoTable(), ReadOptions{.lenient = lenient});
}

std::string ErrorOf(std::string_view text) {
  auto r = Read(text);
  EXPECT_FALSE(r.has_value());
  return r ? std::string() : r.error().message;
}

TEST(VoteLogReader, ReadsColumnsByNameIgnoringUnknown) {
  auto log = Read(
      "extra,choice,time,ip,user_agent,device_id,referrer,share_token\n"
      "x,A,2024-11-20T08:15:03.120Z,203.0.113.7,\"Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 "
      "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36\",d1,https://L.Facebook.com/x?y=1,tok\n"
      "y,B,1732090503.5,2001:db8:1:2::9,,,wa.me,\n"
      "z,A,2024-11-20T16:15:03+08:00,203.0.113.200,,d1,,tok\n");
  ASSERT_TRUE(log.has_value()) << log.error().message;
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ(log->option_labels, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(log->option, (std::vector<uint16_t>{0, 1, 0}));
  EXPECT_EQ(log->time_ms[0], 1732090503120);
  EXPECT_EQ(log->time_ms[1], 1732090503500);
  EXPECT_EQ(log->time_ms[2], 1732090503000);
  ASSERT_EQ(log->loci.size(), 2u);
  EXPECT_EQ(log->loci[log->locus[0]].prefix, "203.0.113.0/24");
  EXPECT_EQ(log->locus[0], log->locus[2]);
  EXPECT_EQ(log->loci[log->locus[1]].prefix, "2001:db8:1::/48");
  EXPECT_NE(log->address[0], log->address[2]);
  EXPECT_EQ(log->ua_families.Name(log->ua_family[0]), "Chrome Mobile/Android/phone");
  EXPECT_EQ(log->ua_family[1], 0u);
  EXPECT_EQ(log->device[0], log->device[2]);
  EXPECT_EQ(log->device[1], 0u);
  EXPECT_EQ(log->referrers.Name(log->referrer[0]), "l.facebook.com");
  EXPECT_EQ(log->referrers.Name(log->referrer[1]), "wa.me");
  EXPECT_EQ(log->token[0], log->token[2]);
  EXPECT_EQ(log->source_row, (std::vector<uint32_t>{1, 2, 3}));
}

TEST(VoteLogReader, AcceptsPrefixAndHashInsteadOfIp) {
  auto log = Read("time,choice,ip_prefix,ip_hash,ua_family\n"
                  "1732090503,A,203.0.113.0/24,h1,Chrome/Windows/desktop\n"
                  "1732090504,A,203.0.113.0/24,h2,Chrome/Windows/desktop\n");
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(log->locus[0], log->locus[1]);
  EXPECT_NE(log->address[0], log->address[1]);
  EXPECT_EQ(log->ua_families.Name(log->ua_family[1]), "Chrome/Windows/desktop");
}

TEST(VoteLogReader, LooksLociUpInTheAsnTable) {
  auto intel = netintel::NetworkIntel::Open(netintel::DefaultTablePath());
  ASSERT_TRUE(intel.has_value()) << intel.error().message;
  // 114.125.0.0/16 belongs to Telkomsel (AS23693), a mobile carrier.
  auto log = ReadVoteLog("time,choice,ip\n1732090503,A,114.125.10.20\n", *intel);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(log->loci[0].asn, 23693u);
  EXPECT_EQ(log->loci[0].network_class, NetworkClass::kMobile);
}

TEST(VoteLogReader, MissingRequiredColumnIsNamed) {
  EXPECT_EQ(ErrorOf("choice,ip\nA,1.2.3.4\n"), "header: missing required column 'time'");
  EXPECT_EQ(ErrorOf("time,ip\n1,1.2.3.4\n"), "header: missing required column 'choice'");
  EXPECT_EQ(ErrorOf("time,choice\n1,A\n"), "header: missing required column 'ip' (or 'ip_prefix')");
  EXPECT_EQ(ErrorOf("time,choice,ip,time\n"), "header: duplicate column 'time'");
}

TEST(VoteLogReader, EmptyFileIsAnError) {
  EXPECT_EQ(ErrorOf(""), "empty file: no header row");
  EXPECT_EQ(ErrorOf("\n\n"), "empty file: no header row");
}

TEST(VoteLogReader, HeaderOnlyIsAnEmptyLog) {
  auto log = Read("time,choice,ip\n");
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(log->size(), 0u);
}

TEST(VoteLogReader, BadTimeNamesRowAndColumn) {
  const std::string e = ErrorOf("time,choice,ip\n1732090503,A,1.2.3.4\n2024-13-45T00:00:00Z,A,1.2.3.4\n");
  EXPECT_TRUE(e.starts_with("row 2, column 'time': bad time '2024-13-45T00:00:00Z'")) << e;
}

TEST(VoteLogReader, BadIpNamesRowAndColumn) {
  const std::string e = ErrorOf("time,choice,ip\n1732090503,A,1.2.3\n");
  EXPECT_TRUE(e.starts_with("row 1, column 'ip': ")) << e;
  const std::string p = ErrorOf("time,choice,ip_prefix\n1732090503,A,1.2.3.4/24\n");
  EXPECT_TRUE(p.starts_with("row 1, column 'ip_prefix': ")) << p;
}

TEST(VoteLogReader, EmptyChoiceAndWrongFieldCount) {
  EXPECT_EQ(ErrorOf("time,choice,ip\n1732090503,,1.2.3.4\n"), "row 1, column 'choice': empty choice");
  EXPECT_EQ(ErrorOf("time,choice,ip\n1732090503,A\n"), "row 1: has 2 fields, the header has 3");
}

TEST(VoteLogReader, WrongQuotingNamesRowAndColumn) {
  const std::string stray = ErrorOf("time,choice,ip\n1732090503,A,1.2.3.4\n1732090503,A\"B,1.2.3.4\n");
  EXPECT_EQ(stray, "row 2, column 'choice': quote inside an unquoted field (line 3)");
  const std::string unterminated = ErrorOf("time,choice,ip\n1732090503,\"A,1.2.3.4\n");
  EXPECT_TRUE(unterminated.starts_with("row 1, column 'choice': unterminated quoted field")) << unterminated;
  const std::string after = ErrorOf("time,choice,ip\n1732090503,\"A\"x,1.2.3.4\n");
  EXPECT_TRUE(after.starts_with("row 1, column 'choice': unexpected character after a closing quote")) << after;
}

TEST(VoteLogReader, HugeLineIsAnErrorNotAnAllocation) {
  std::string text = "time,choice,ip,user_agent\n1732090503,A,1.2.3.4,";
  text.append(50u << 20, 'x');
  text += "\n";
  const std::string e = ErrorOf(text);
  EXPECT_EQ(e, "row 1, column 'user_agent': field too long (line 2)");
  std::string quoted = "time,choice,ip,user_agent\n1732090503,A,1.2.3.4,\"";
  quoted.append(50u << 20, 'x');
  quoted += "\"\n";
  EXPECT_EQ(ErrorOf(quoted), "row 1, column 'user_agent': field too long (line 2)");
}

TEST(VoteLogReader, LenientSkipsAndCountsBadRows) {
  std::string text =
      "time,choice,ip\n"
      "1732090501,A,1.2.3.4\n"
      "bad,A,1.2.3.4\n"
      "1732090503,B,1.2.3\n"
      "1732090504,A\"x,1.2.3.4\n"
      "1732090505,B,1.2.3.5\n"
      "1732090506,A,1.2.3.6,extra\n"
      "1732090507,,1.2.3.6\n"
      "1732090508,A,";
  text.append(100000, '9');
  text += "\n1732090509,B,1.2.3.9\n";
  auto log = Read(text, /*lenient=*/true);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(log->size(), 3u);
  EXPECT_EQ(log->skipped_rows, 6u);
  EXPECT_EQ(log->data_rows, 9u);
  EXPECT_EQ(log->source_row, (std::vector<uint32_t>{1, 5, 9}));
  ASSERT_FALSE(log->skipped_examples.empty());
  EXPECT_TRUE(log->skipped_examples[0].starts_with("row 2, column 'time'")) << log->skipped_examples[0];
  // Lenient does not excuse a bad header.
  EXPECT_FALSE(Read("time,ip\n1,1.2.3.4\n", true).has_value());
}

// The reader's one-pass host extraction agrees with ReferrerHost on every shape.
TEST(VoteLogReader, ReferrerHostsInTheLogMatchReferrerHost) {
  const std::vector<std::string> referrers = {
      "https://l.facebook.com/", "https://L.Facebook.com/x?y=1", "wa.me", "http://t.co", "https://a.b:8443/p",
      "https://user@example.com/p", "x.com/p@q", "android-app://com.google.android.gm/", "a.com?x@y/z", "://",
      "https://", "a#b", "HOST", "h:/x", "ftp://h.example/x://y", "mailto:a@b.c"};
  std::string text = "time,choice,ip,referrer\n";
  for (const std::string& r : referrers) text += "1732090503,A,10.0.0.1," + r + "\n";
  auto log = Read(text);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  ASSERT_EQ(log->size(), referrers.size());
  for (size_t i = 0; i < referrers.size(); ++i)
    EXPECT_EQ(log->referrers.Name(log->referrer[i]), ReferrerHost(referrers[i])) << referrers[i];
}

TEST(VoteLogReader, ReferrerHost) {
  EXPECT_EQ(ReferrerHost("https://user@Example.COM:8443/path?q#f"), "example.com");
  EXPECT_EQ(ReferrerHost("l.wa.me"), "l.wa.me");
  EXPECT_EQ(ReferrerHost(""), "");
}

// The dotted-quad fast path must accept exactly what IpAddress::Parse accepts, and leave the rest
// to it, so that malformed addresses still name their row and column.
TEST(VoteLogReader, Ipv4FastPathAgreesWithTheFullParser) {
  for (std::string_view bad : {"1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1.2.3.", ".1.2.3", "1..2.3",
                               "1.2.3.4 ", "1.2.3.1000", "a.b.c.d", "1.2.3.4/24", "999.1.1.1"}) {
    const std::string e = ErrorOf(std::string("time,choice,ip\n1732090503,A,1.2.3.4\n1732090504,A,") +
                                  std::string(bad) + "\n");
    EXPECT_TRUE(e.starts_with("row 2, column 'ip': ")) << bad << ": " << e;
    auto full = netintel::IpAddress::Parse(bad);
    ASSERT_FALSE(full.has_value()) << bad;
    EXPECT_NE(e.find(full.error().message), std::string::npos) << bad << ": " << e;
  }
  auto log = Read("time,choice,ip\n1732090503,A,0.0.0.0\n1732090504,A,255.255.255.255\n1732090505,B,10.0.0.9\n");
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(log->addresses.Name(log->address[0]), "0.0.0.0");
  EXPECT_EQ(log->loci[log->locus[1]].prefix, "255.255.255.0/24");
  EXPECT_EQ(log->addresses.Name(log->address[2]), "10.0.0.9");
}

// Rows are committed in batches; address and device ids must still be dense and in first-seen
// order across batches and when IPv4 rows (deferred) mix with IPv6 rows (resolved at once).
TEST(VoteLogReader, IdsStayFirstSeenAcrossBatchesAndAddressFamilies) {
  std::string text = "time,choice,ip,device_id\n";
  std::vector<std::string> ip_of_row, first_seen;
  for (int i = 0; i < 100; ++i) {
    const std::string ip = i % 7 == 3 ? "2001:db8::" + std::to_string(i % 20) : "10.0." + std::to_string(i % 20) + ".1";
    text += std::to_string(1732090500 + i) + ",A," + ip + ",dev" + std::to_string(i % 30) + "\n";
    ip_of_row.push_back(ip);
    if (std::find(first_seen.begin(), first_seen.end(), ip) == first_seen.end()) first_seen.push_back(ip);
  }
  auto log = Read(text);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  ASSERT_EQ(log->size(), 100u);
  ASSERT_EQ(log->addresses.size(), first_seen.size() + 1);  // id 0 is "absent"
  for (size_t id = 1; id < log->addresses.size(); ++id) EXPECT_EQ(log->addresses.Name(id), first_seen[id - 1]);
  EXPECT_EQ(log->devices.size(), 31u);
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(log->addresses.Name(log->address[i]), ip_of_row[i]) << i;
    EXPECT_EQ(log->device[i], i % 30 + 1) << i;
    EXPECT_EQ(log->time_ms[i], (1732090500 + static_cast<int64_t>(i)) * 1000);
    EXPECT_EQ(log->source_row[i], i + 1);
  }
}

TEST(VoteLogReader, QuotedFieldsWithNewlinesAndDoubledQuotesKeepRowNumbers) {
  auto log = Read("time,choice,ip,user_agent\n"
                  "1732090501,\"Paslon\n1\",1.2.3.4,\"a \"\"quoted\"\" agent\"\n"
                  "1732090502,\"Paslon 2\",1.2.3.5,\"plain agent\"\n");
  ASSERT_TRUE(log.has_value()) << log.error().message;
  EXPECT_EQ(log->option_labels, (std::vector<std::string>{"Paslon\n1", "Paslon 2"}));
  // After a quoted newline, errors still name the right row and physical line.
  const std::string e = ErrorOf("time,choice,ip\n1732090501,\"A\nB\",1.2.3.4\n1732090502,A,1.2.3\n");
  EXPECT_TRUE(e.starts_with("row 2, column 'ip': ")) << e;
  const std::string q = ErrorOf("time,choice,ip\n1732090501,\"A\nB\",1.2.3.4\n1732090502,A\"B,1.2.3.4\n");
  EXPECT_EQ(q, "row 2, column 'choice': quote inside an unquoted field (line 4)");
}

TEST(VoteLogReader, ReportsProgressUpToTheWholeText) {
  std::string text = "time,choice,ip\n";
  for (int i = 0; i < 200000; ++i) text += "1732090503,A,10.0.0.1\n";
  std::vector<std::pair<size_t, size_t>> calls;
  ReadOptions options;
  options.on_progress = [&](size_t done, size_t total) { calls.emplace_back(done, total); };
  ASSERT_TRUE(ReadVoteLog(text, NoTable(), options).has_value());
  ASSERT_GE(calls.size(), 2u);
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_LT(calls[i - 1].first, calls[i].first);
  EXPECT_EQ(calls.back(), std::make_pair(text.size(), text.size()));
}

// The exporters' timestamp shape has its own parser (the day is computed once per date); it must give
// exactly what ParseTimestamp gives, across dates, a leap second and other shapes in between, and
// leave the errors to ParseTimestamp.
TEST(VoteLogReader, ExporterTimestampsAgreeWithParseTimestamp) {
  const std::vector<std::string> times = {
      "2024-11-18T17:00:00.713Z", "2024-11-18T23:59:59.999Z", "2024-11-19T00:00:00.000Z",
      "2024-11-19T00:00:00.001Z", "2024-11-18T17:00:00.713Z", "2024-12-31T23:59:60.500Z",
      "2024-11-19T12:34:56Z",     "2024-11-19T12:34:56.7Z",   "1732090503.5",
      "2024-02-29T08:00:00.000Z", "1970-01-01T00:00:00.000Z", "2024-11-19T20:34:56.700+08:00",
      "2024-11-19T12:34:56.700Z"};
  std::string text = "time,choice,ip\n";
  for (const std::string& t : times) text += t + ",A,10.0.0.1\n";
  auto log = Read(text);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  ASSERT_EQ(log->size(), times.size());
  for (size_t i = 0; i < times.size(); ++i) {
    auto expected = ParseTimestamp(times[i]);
    ASSERT_TRUE(expected.has_value()) << times[i];
    EXPECT_EQ(log->time_ms[i], ToUnixMillis(*expected)) << times[i];
  }
}

// Near misses of the exporters' shape (each separator and digit position changed) are read exactly as
// ParseTimestamp reads them, or rejected when it rejects them.
TEST(VoteLogReader, NearMissTimestampsAgreeWithParseTimestamp) {
  const std::string good = "2024-11-18T17:05:09.713Z";
  std::vector<std::string> times;
  for (size_t i = 0; i < good.size(); ++i)
    for (char c : {'0', '9', '/', ':', 'T', 't', ' ', '-', '.', 'Z', 'z', '\xb0', '\x7f', '+'}) {
      std::string t = good;
      t[i] = c;
      times.push_back(t);
    }
  for (const std::string& t : times) {
    // A good row with the same date first, so the cached day is in play.
    const std::string text = "time,choice,ip\n" + good + ",A,10.0.0.1\n" + t + ",A,10.0.0.1\n";
    auto log = Read(text, true);
    ASSERT_TRUE(log.has_value());
    auto expected = ParseTimestamp(t);
    if (expected) {
      ASSERT_EQ(log->size(), 2u) << t;
      EXPECT_EQ(log->time_ms[1], ToUnixMillis(*expected)) << t;
    } else {
      EXPECT_EQ(log->size(), 1u) << t;
    }
  }
}

TEST(VoteLogReader, ExporterShapedBadTimestampsNameRowAndColumn) {
  for (const std::string bad : {"2023-02-29T08:00:00.000Z", "2024-11-18T24:00:00.000Z", "2024-11-18T17:60:00.000Z",
                                "2024-11-18T17:00:61.000Z", "2024-11-18T17:0x:00.000Z", "2024-13-18T17:00:00.000Z",
                                "2024-11-18T17:00:00.71xZ", "2024-1a-18T17:00:00.000Z"}) {
    // A good row with the same date first, so the cached day is in play.
    const std::string text = "time,choice,ip\n" + bad.substr(0, 10) + "T01:00:00.000Z,A,10.0.0.1\n" + bad + ",A,10.0.0.1\n";
    const std::string error = ErrorOf(text);
    EXPECT_TRUE(error.starts_with("row 2, column 'time': bad time '" + bad + "'") ||
                error.starts_with("row 1, column 'time': bad time")) << bad << ": " << error;
    auto lenient = Read(text, true);
    ASSERT_TRUE(lenient.has_value());
    EXPECT_GE(lenient->skipped_rows, 1u) << bad;
  }
}

// Tokens, referrers and user agents go through small exact-bytes caches before their interners; with
// more distinct values than cache slots (evictions, slot collisions), values of every length (short,
// 8 to 16 bytes, long, longer than the cache keeps) must still get the interner's first-seen ids.
TEST(VoteLogReader, RepeatedValuesKeepTheirIdsPastTheRecentCaches) {
  std::vector<std::string> tokens, referrers, uas;
  for (int i = 0; i < 1500; ++i) tokens.push_back(i % 3 == 0 ? std::to_string(i) : "tok-" + std::to_string(i * 7919));
  for (int i = 0; i < 400; ++i)
    referrers.push_back(i % 2 ? "https://Host" + std::to_string(i % 150) + ".example/p" + std::to_string(i)
                              : "h" + std::to_string(i % 150) + ".example");
  for (int i = 0; i < 5000; ++i) {
    std::string ua = "Mozilla/5.0 (Linux; Android " + std::to_string(i % 14) + "; SM-A" + std::to_string(i) +
                     ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + std::to_string(100 + i % 30) +
                     ".0 Mobile Safari/537.36";
    if (i % 9 == 0) ua += std::string(600, 'x');  // longer than the cache keeps
    if (i % 11 == 0) ua = "b" + std::to_string(i % 100);  // short
    uas.push_back(ua);
  }
  std::string text = "time,choice,ip,user_agent,referrer,share_token\n";
  const int rows = 12000;
  for (int i = 0; i < rows; ++i)
    text += "1732090503,A,10.0.0.1,\"" + uas[(i * 37) % uas.size()] + "\"," + referrers[(i * 13) % referrers.size()] +
            "," + tokens[(i * 101) % tokens.size()] + "\n";
  auto log = Read(text);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  ASSERT_EQ(log->size(), static_cast<size_t>(rows));
  std::vector<std::string> first_tokens;
  for (int i = 0; i < rows; ++i) {
    const std::string& token = tokens[(i * 101) % tokens.size()];
    if (std::find(first_tokens.begin(), first_tokens.end(), token) == first_tokens.end()) first_tokens.push_back(token);
    ASSERT_EQ(log->tokens.Name(log->token[i]), token) << i;
    ASSERT_EQ(log->token[i], std::find(first_tokens.begin(), first_tokens.end(), token) - first_tokens.begin() + 1) << i;
    const std::string& referrer = referrers[(i * 13) % referrers.size()];
    ASSERT_EQ(log->referrers.Name(log->referrer[i]), ReferrerHost(referrer)) << i;
    const std::string& ua = uas[(i * 37) % uas.size()];
    ASSERT_EQ(log->ua_families.Name(log->ua_family[i]), ParseUserAgent(ua).ToString()) << i;
  }
  EXPECT_EQ(log->tokens.size(), first_tokens.size() + 1);
}

// IPv4 loci are named without IpPrefix::ToString; the text must be the same.
TEST(VoteLogReader, Ipv4LocusTextsMatchIpPrefix) {
  std::string text = "time,choice,ip\n";
  std::vector<std::string> ips;
  for (int a : {1, 9, 10, 99, 100, 199, 255})
    for (int b : {0, 5, 42, 250})
      for (int c : {0, 7, 64, 200}) ips.push_back(fmt::format("{}.{}.{}.{}", a, b, c, (a * b + c) % 256));
  for (const std::string& ip : ips) text += "1732090503,A," + ip + "\n";
  auto log = Read(text);
  ASSERT_TRUE(log.has_value()) << log.error().message;
  for (size_t i = 0; i < ips.size(); ++i)
    EXPECT_EQ(log->loci[log->locus[i]].prefix, netintel::LocusOf(*netintel::IpAddress::Parse(ips[i])).ToString()) << ips[i];
}

TEST(Interner, AppendedNamesAreKeptButNotFoundAndReserveKeepsIds) {
  Interner names;
  names.Reserve(1000);
  EXPECT_EQ(names.Intern("a"), 1u);
  EXPECT_EQ(names.Append("10.0.0.1"), 2u);
  EXPECT_EQ(names.Intern("b"), 3u);
  for (int i = 0; i < 5000; ++i) {  // grows past the reservation, rehashing only the indexed names
    EXPECT_EQ(names.Append("x" + std::to_string(i)), static_cast<uint32_t>(4 + 2 * i));
    EXPECT_EQ(names.Intern("y" + std::to_string(i)), static_cast<uint32_t>(5 + 2 * i));
  }
  EXPECT_EQ(names.Intern("a"), 1u);
  EXPECT_EQ(names.Intern("b"), 3u);
  EXPECT_EQ(names.Intern("y17"), 5u + 2 * 17);
  EXPECT_EQ(names.Name(2), "10.0.0.1");
  EXPECT_EQ(names.Name(4 + 2 * 4999), "x4999");
  EXPECT_EQ(names.size(), 4u + 2 * 5000);
  names.ReleaseIndex();
  EXPECT_THROW(names.Append("z"), std::logic_error);
  EXPECT_THROW(names.Reserve(10), std::logic_error);
}

TEST(Interner, TellsApartEqualLengthStringsDifferingAnywhere) {
  Interner names(false);
  std::vector<uint32_t> ids;
  for (size_t length = 1; length <= 40; ++length)
    for (size_t at = 0; at < length; ++at) {
      std::string a(length, 'a'), b = a;
      b[at] = 'b';
      const uint32_t ia = names.Intern(a), ib = names.Intern(b);
      EXPECT_NE(ia, ib) << length << " " << at;
      EXPECT_EQ(names.Intern(a), ia);
      EXPECT_EQ(names.Intern(b), ib);
      EXPECT_EQ(names.Name(ib), b);
    }
}

TEST(Interner, BigTablesComeFromTheHugePageAllocator) {
  {
    std::vector<uint64_t, HugePageAllocator<uint64_t>> big(size_t{3} << 20, 7);  // 24 MB: mapped, 2 MB-aligned
    EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % (size_t{2} << 20), 0u);
    big.back() = 9;
    big.push_back(11);  // grows: a second mapping, the first unmapped
    EXPECT_EQ(big[0], 7u);
    EXPECT_EQ(big[(size_t{3} << 20) - 1], 9u);
    EXPECT_EQ(big.back(), 11u);
    std::vector<uint64_t, HugePageAllocator<uint64_t>> small(100, 1);  // from operator new
    EXPECT_EQ(small[99], 1u);
  }
  Interner devices(true, Interner::Names::kDrop);
  devices.Reserve(600000);  // a 16 MB table
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(devices.Intern("d" + std::to_string(i)), static_cast<uint32_t>(1 + i));
  EXPECT_EQ(devices.Intern("d7"), 8u);
  devices.ReleaseIndex();
  EXPECT_EQ(devices.size(), 1001u);
}

TEST(Interner, DroppedNamesStillGiveDenseIdsAndReleaseIndexForbidsMore) {
  Interner named;
  EXPECT_EQ(named.Intern(""), 0u);
  EXPECT_EQ(named.Intern("a"), 1u);
  EXPECT_EQ(named.Intern(std::string(100, 'x')), 2u);
  EXPECT_EQ(named.Intern("a"), 1u);
  EXPECT_EQ(named.Name(2), std::string(100, 'x'));
  named.ReleaseIndex();
  EXPECT_EQ(named.Name(1), "a");
  EXPECT_EQ(named.size(), 3u);
  EXPECT_THROW(named.Intern("b"), std::logic_error);

  Interner hashed(true, Interner::Names::kDrop);
  EXPECT_EQ(hashed.Intern("dev-1"), 1u);
  EXPECT_EQ(hashed.Intern("dev-2"), 2u);
  EXPECT_EQ(hashed.Intern("dev-1"), 1u);
  EXPECT_EQ(hashed.size(), 3u);
  for (int i = 0; i < 10000; ++i) EXPECT_EQ(hashed.Intern("d" + std::to_string(i)), static_cast<uint32_t>(3 + i));
}

}  // namespace
}  // namespace pantau::integrity

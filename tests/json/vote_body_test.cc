// The vote body's fast path (ScanPlainVoteBody) against the DOM decoder it short-cuts: whatever the
// scanner accepts, Boost.JSON + DecodeVoteBody accept with the same values; the scanner declines
// everything unusual; and the 201 body written from the template is byte-identical to the DOM's.
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "json/poll_codec.h"
#include "vote_body_oracle.h"

namespace pantau::json {
namespace {

TEST(ScanPlainVoteBody, ReadsThePlainShape) {
  auto v = ScanPlainVoteBody(R"({"choice":2})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->choice, 2);
  EXPECT_EQ(v->share_token, "");
  EXPECT_EQ(v->panel_token, "");

  v = ScanPlainVoteBody(" {\n\t\"share_token\" : \"wa-grp_1\", \"choice\": 99 ,\"panel_token\":\"abc\"}\r\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->choice, 99);
  EXPECT_EQ(v->share_token, "wa-grp_1");
  EXPECT_EQ(v->panel_token, "abc");

  v = ScanPlainVoteBody(R"({"choice":7,"share_token":""})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->share_token, "");
}

TEST(ScanPlainVoteBody, DeclinesEverythingElse) {
  for (const char* text : {
           "", "{}", "[]", "null", "2", R"({"choice":0})", R"({"choice":100})", R"({"choice":01})",
           R"({"choice":-1})", R"({"choice":1.0})", R"({"choice":1e0})", R"({"choice":"1"})",
           R"({"choice":null})", R"({"choice":1,"choice":2})", R"({"choise":1})", R"({"choice":1,})",
           R"({"choice":1} x)", R"({"choice":1}{})", R"({"choice":1)", R"({"choice" 1})",
           R"({"choice":1,"share_token":null})", R"({"choice":1,"share_token":5})",
           R"({"choice":1,"share_token":"a\"b"})", R"({"choice":1,"share_token":"\u0041"})",
           "{\"choice\":1,\"share_token\":\"caf\xc3\xa9\"}", "{\"choice\":1,\"share_token\":\"a\tb\"}",
           R"({"choice":1,"extra":true})", R"({'choice':1})", "\xef\xbb\xbf{\"choice\":1}",
           R"({"choice":1 /* c */})", "{\"choice\":1}\f"}) {
    EXPECT_FALSE(ScanPlainVoteBody(text)) << text;
  }
  const std::string long_token(65, 'a');
  EXPECT_FALSE(ScanPlainVoteBody(R"({"choice":1,"share_token":")" + long_token + "\"}"));
  EXPECT_TRUE(ScanPlainVoteBody(R"({"choice":1,"share_token":")" + long_token.substr(1) + "\"}"));
}

// Random bodies near the plain shape, and mutations of them: the scanner never accepts what the
// DOM path refuses, never reads different values, and takes the plain ones.
TEST(ScanPlainVoteBody, AgreesWithTheDomDecoderOnRandomBodies) {
  std::mt19937_64 rng(20241127);
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text = testing::RandomVoteBody(rng);
    if (i % 2 == 1) testing::Mutate(text, rng);
    const std::string failure = testing::CheckAgainstDom(text);
    ASSERT_EQ(failure, "") << "input: " << text;
    accepted += ScanPlainVoteBody(text).has_value();
  }
  EXPECT_GT(accepted, 5000);  // the generator makes plain bodies often enough to matter
}

store::LedgerEntry Entry(std::string poll, uint64_t seq, int64_t millis) {
  store::LedgerEntry e;
  e.vote.poll = PollId{std::move(poll)};
  e.vote.seq = seq;
  e.vote.time = FromUnixMillis(millis);
  for (size_t i = 0; i < e.entry_hash.size(); ++i) e.entry_hash[i] = static_cast<uint8_t>(i * 37 + seq);
  return e;
}

TEST(AppendVoteAccepted, IsByteIdenticalToTheDomEncoding) {
  for (const auto& e : {Entry("k3x9q2m7v4b1", 1, 1732060800000), Entry("abc", 18446744073709551615ull, 1),
                        Entry("p", 42, 4102444799999), Entry("we\"ird\\id\n\x01", 7, 1732060800123),
                        Entry("caf\xc3\xa9", 3, 0)}) {
    std::string fast = "x";
    AppendVoteAccepted(fast, e);
    const std::string dom = "x" + boost::json::serialize(boost::json::object{
                                      {"receipt", EncodeReceipt(e)},
                                      {"results_url", "/p/" + e.vote.poll.value() + "/hasil"}});
    EXPECT_EQ(fast, dom);
  }
}

}  // namespace
}  // namespace pantau::json

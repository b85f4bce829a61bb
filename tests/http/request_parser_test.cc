// The server's own HTTP/1.1 request reader: framing, strictness where leniency invites request
// smuggling, incremental arrival, chunked bodies, and a differential check against Beast's parser
// (whatever we accept, Beast accepts too and reads the same way).
#include "http/internal/request_parser.h"

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "http/request_oracle.h"

namespace pantau::http::internal {
namespace {

HeadStatus Parse(std::string_view text, RequestHead& head) {
  const std::size_t end = FindHeadEnd(text, 0);
  if (end == std::string_view::npos) return HeadStatus::kBadRequest;
  return ParseRequestHead(text.substr(0, end), head);
}

TEST(RequestParser, ReadsARequestLineAndFields) {
  RequestHead head;
  const std::string text =
      "POST /api/v1/polls/abc/votes?s=tok HTTP/1.1\r\nHost: x\r\nContent-Type:  application/json \r\n"
      "Cookie: a=1\r\ncookie: b=2\r\nContent-Length: 12\r\n\r\n{\"choice\":1}";
  ASSERT_EQ(Parse(text, head), HeadStatus::kOk);
  EXPECT_EQ(head.method, Verb::post);
  EXPECT_EQ(head.method_text, "POST");
  EXPECT_EQ(head.target, "/api/v1/polls/abc/votes?s=tok");
  EXPECT_EQ(head.version, 11u);
  ASSERT_EQ(head.fields.size(), 5u);
  EXPECT_EQ(head.Find("content-type").value_or(""), "application/json");  // trimmed, any case
  EXPECT_EQ(head.Find("COOKIE").value_or(""), "a=1");                       // the first of two
  EXPECT_FALSE(head.Find("Referer"));
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_FALSE(head.chunked);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_EQ(FindHeadEnd(text, 0), text.size() - 12);
}

TEST(RequestParser, KeepAliveFollowsVersionAndConnection) {
  RequestHead head;
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", head), HeadStatus::kOk);
  EXPECT_FALSE(head.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\n\r\n", head), HeadStatus::kOk);
  EXPECT_EQ(head.version, 10u);
  EXPECT_FALSE(head.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\nConnection: upgrade, Keep-Alive\r\n\r\n", head), HeadStatus::kOk);
  EXPECT_TRUE(head.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nExpect: 100-Continue\r\n\r\n", head), HeadStatus::kOk);
  EXPECT_TRUE(head.expect_continue);
  EXPECT_TRUE(head.keep_alive);
}

TEST(RequestParser, SkipsEmptyLinesBeforeTheRequestLine) {
  RequestHead head;
  ASSERT_EQ(Parse("\r\n\r\nGET /x HTTP/1.1\r\n\r\n", head), HeadStatus::kOk);
  EXPECT_EQ(head.target, "/x");
  EXPECT_EQ(FindHeadEnd("\r\n\r\n", 0), std::string_view::npos);  // nothing but empty lines yet
}

TEST(RequestParser, UnknownMethodsAreTokensNotErrors) {
  RequestHead head;
  ASSERT_EQ(Parse("BREW /pot HTTP/1.1\r\n\r\n", head), HeadStatus::kOk);
  EXPECT_EQ(head.method, Verb::unknown);
  EXPECT_EQ(head.method_text, "BREW");
}

TEST(RequestParser, ChunkedFraming) {
  RequestHead head;
  ASSERT_EQ(Parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", head), HeadStatus::kOk);
  EXPECT_TRUE(head.chunked);
  EXPECT_FALSE(head.content_length);
}

TEST(RequestParser, RejectsWhatInvitesSmugglingOrIsMalformed) {
  const char* bad[] = {
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",  // both framings
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",            // differing
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",            // repeated
      "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n",                               // a list
      "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 0x3\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",  // overflow
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",     // a coding we don't do
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",  // no chunked in HTTP/1.0
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n",                      // space before the colon
      "GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",             // obsolete line folding
      "GET / HTTP/1.1\r\nX-A: a\x01z\r\n\r\n",                   // control character
      "GET / HTTP/1.1\r\nX-A: a\nB: z\r\n\r\n",                  // bare LF inside a field
      "GET / HTTP/1.1\r\nX-A: a\rB: z\r\n\r\n",                  // bare CR inside a field
      "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
      "GET / HTTP/1.1\r\n: empty-name\r\n\r\n",
      "GET / HTTP/2.0\r\n\r\n",
      "GET / http/1.1\r\n\r\n",
      "GET /  HTTP/1.1\r\n\r\n",
      "GET  / HTTP/1.1\r\n\r\n",
      "GET /a b HTTP/1.1\r\n\r\n",
      "GET /\x7f HTTP/1.1\r\n\r\n",
      "G(T / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1 \r\n\r\n",
      "GET\r\n\r\n",
  };
  for (const char* text : bad) {
    RequestHead head;
    EXPECT_EQ(Parse(text, head), HeadStatus::kBadRequest) << text;
  }
}

TEST(RequestParser, FindsTheEndOfAHeadArrivingByteByByte) {
  const std::string text = "GET /x HTTP/1.1\r\nHost: y\r\nA: b\r\n\r\nNEXT";
  const std::size_t whole = FindHeadEnd(text, 0);
  ASSERT_EQ(whole, text.size() - 4);
  std::size_t scanned = 0;
  for (std::size_t n = 1; n <= text.size(); ++n) {
    const std::size_t end = FindHeadEnd(std::string_view(text).substr(0, n), scanned);
    if (n < whole) {
      EXPECT_EQ(end, std::string_view::npos) << n;
      scanned = n;  // what the next call need not search again
    } else {
      EXPECT_EQ(end, whole) << n;
    }
  }
}

using testing::DecodeInPieces;

TEST(ChunkedDecoder, DecodesTheSameWhateverTheArrivalPieces) {
  const std::string wire =
      "5;name=value\r\nhello\r\n7 ; x\r\n, world\r\n1A\r\n" + std::string(26, 'z') +
      "\r\n0\r\nTrailer-A: 1\r\nTrailer-B: 2\r\n\r\nGET /next";
  for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, wire.size()}) {
    std::string body;
    std::size_t used = 0;
    EXPECT_EQ(DecodeInPieces(wire, piece, body, used), ChunkedDecoder::Status::kDone) << piece;
    EXPECT_EQ(body, "hello, world" + std::string(26, 'z')) << piece;
    EXPECT_EQ(wire.substr(used), "GET /next") << piece;  // the next request is left unread
  }
}

TEST(ChunkedDecoder, RejectsMalformedChunksAndEnforcesTheLimit) {
  const char* bad[] = {"x\r\n", "\r\n", "5\r\nhelloX\r\n", "5\r\nhello\rX", "5\n", "5\r\nhello\r\n0\r\nA\x01\r\n\r\n",
                       "1000000000000000\r\n"};
  for (const char* wire : bad) {
    std::string body;
    std::size_t used = 0;
    EXPECT_EQ(DecodeInPieces(wire, 1, body, used), ChunkedDecoder::Status::kBadRequest) << wire;
  }
  std::string body;
  std::size_t used = 0;
  EXPECT_EQ(DecodeInPieces("8\r\n12345678\r\n3\r\nabc\r\n0\r\n\r\n", 4, body, used, 10),
            ChunkedDecoder::Status::kTooLarge);
  body.clear();
  EXPECT_EQ(DecodeInPieces("8\r\n12345678\r\n2\r\nab\r\n0\r\n\r\n", 4, body, used, 10),
            ChunkedDecoder::Status::kDone);
}

// Differential: random mutations of valid requests. Whatever our reader accepts, Beast's parser
// must accept too, with the same method, target, version, fields, framing and keep-alive — so
// the server's stricter reader never reads a request differently from a mainstream one.
TEST(RequestParser, AgreesWithBeastOnEverythingItAccepts) {
  const std::vector<std::string> seeds = {
      "GET /api/v1/polls/abc HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n",
      "POST /api/v1/polls/abc/votes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 12\r\nCookie: pantau_did=abc\r\n\r\n",
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5;e=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nT: 1\r\n\r\n",
      "GET /p/x?lang=en HTTP/1.0\r\nConnection: keep-alive\r\nUser-Agent: Mozilla/5.0 (Linux)\r\n\r\n",
  };
  const std::vector<std::string> pieces = {" ",  "\t", "\r", "\n", ":", ",", "0", "9", "a", "\x01", "\x7f", "\x80",
                                           "\"", "<",  "{",  "\\", "chunked", "Content-Length: 5\r\n",
                                           "Transfer-Encoding: chunked\r\n", "close", "HTTP/1.0", "\r\n", "%"};
  std::mt19937 rng(20261123);
  int accepted = 0;
  for (int i = 0; i < 60000; ++i) {
    std::string text = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.insert(at, pieces[rng() % pieces.size()]); break;
        case 1: text.erase(at, 1 + rng() % 3); break;
        default: text[at] = pieces[rng() % pieces.size()][0]; break;
      }
    }
    bool ok = false;
    const std::string failure = testing::CheckAgainstBeast(text, &ok);
    ASSERT_EQ(failure, "") << text;
    accepted += ok ? 1 : 0;
    ASSERT_EQ(testing::CheckChunkedSplits(text.substr(std::min(text.size(), text.find("\r\n\r\n") + 4))), "")
        << text;
  }
  EXPECT_GT(accepted, 5000);  // the mutations must leave plenty of valid requests to compare
}

}  // namespace
}  // namespace pantau::http::internal

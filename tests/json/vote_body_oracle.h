// Shared by the vote-body tests and the vote_body fuzz target: the DOM path as the oracle for
// json::ScanPlainVoteBody, and generators of bodies near the plain shape.
#pragma once

#include <random>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "json/poll_codec.h"

namespace pantau::json::testing {

// "" when ScanPlainVoteBody agrees with Boost.JSON (the server's parse options) + DecodeVoteBody on
// `text`: it accepts only bodies the DOM path accepts, with the same values; else what went wrong.
inline std::string CheckAgainstDom(std::string_view text) {
  const auto fast = ScanPlainVoteBody(text);
  if (!fast) return "";
  boost::json::parse_options options;
  options.max_depth = 32;
  boost::json::parser parser({}, options);
  boost::system::error_code ec;
  parser.write(text.data(), text.size(), ec);
  if (ec) return "the scanner accepted what Boost.JSON rejects: " + ec.message();
  const auto decoded = DecodeVoteBody(parser.release());
  if (!decoded) return "the scanner accepted what DecodeVoteBody rejects: " + decoded.error().message;
  if (decoded->choice != fast->choice || decoded->share_token != fast->share_token ||
      decoded->panel_token != fast->panel_token)
    return "the scanner read different values";
  return "";
}

inline std::string RandomVoteBody(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  static const char* kSpace[] = {"", "", "", " ", "\n", "\t", "\r\n", "  "};
  auto ws = [&] { return std::string(kSpace[pick(8)]); };
  auto token = [&] {
    static const char kChars[] = "abcXYZ019_-~ !#$%&'()*+,./:;<=>?@[]^`{|}\"\\\x01\x7f\xc3\xa9";
    std::string s;
    const int len = pick(4) == 0 ? 60 + pick(8) : pick(12);
    for (int i = 0; i < len; ++i) s += kChars[pick(sizeof(kChars) - 1)];
    return s;
  };
  static const char* kChoices[] = {"1", "2", "3", "9", "10", "42", "99", "0", "100", "01", "-1",
                                   "1.0", "2e0", "1E1", "\"1\"", "null", "true", "1.5", "123"};
  static const char* kKeys[] = {"choice", "share_token", "panel_token", "choise", "Choice", ""};
  std::string out = ws() + "{";
  const int members = pick(5);
  for (int m = 0; m < members; ++m) {
    if (m > 0) out += ws() + ",";
    const char* key = m == 0 && pick(4) != 0 ? "choice" : kKeys[pick(6)];
    out += ws() + "\"" + key + "\"" + ws() + ":" + ws();
    if (std::string_view(key) == "choice" || pick(6) == 0) {
      out += kChoices[pick(19)];
    } else {
      out += pick(8) == 0 ? std::string("null") : "\"" + token() + "\"";
    }
  }
  out += ws() + "}" + ws();
  return out;
}

// One random byte-level edit: delete, insert, replace or duplicate a span.
inline void Mutate(std::string& text, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  static const char kBytes[] = "{}[]\":,0123456789.eE-+ \t\n\\uabcnulltrue\x00\x80\xff";
  const size_t at = pick(text.size() + 1);
  switch (pick(4)) {
    case 0:
      if (!text.empty()) text.erase(std::min(at, text.size() - 1), 1 + pick(3));
      break;
    case 1: text.insert(at, 1, kBytes[pick(sizeof(kBytes) - 1)]); break;
    case 2:
      if (at < text.size()) text[at] = kBytes[pick(sizeof(kBytes) - 1)];
      break;
    default: text.insert(at, text.substr(pick(text.size()), 1 + pick(6))); break;
  }
}

}  // namespace pantau::json::testing

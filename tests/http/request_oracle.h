// The oracle for the server's HTTP/1.1 request reader, shared by its differential test and its fuzz
// target: whatever ParseRequestHead accepts, Beast's parser must accept too and read the same way
// (method, target, version, framing, keep-alive, fields); and a head or chunked body must read the
// same whichever way its bytes are split. Header-only; returns "" when the invariants hold, else
// what broke.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/internal/request_parser.h"

namespace pantau::http::internal::testing {

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Checks `text` (a request head, possibly followed by anything). `accepted` tells whether our reader
// accepted a head there.
inline std::string CheckAgainstBeast(std::string_view text, bool* accepted = nullptr) {
  if (accepted) *accepted = false;
  const std::size_t end = FindHeadEnd(text, 0);
  // Found in one go or in two pieces (split anywhere before the end): the same end.
  for (std::size_t split : {text.size() / 3, text.size() / 2}) {
    std::size_t piecewise = FindHeadEnd(text.substr(0, split), 0);
    if (piecewise == std::string_view::npos) piecewise = FindHeadEnd(text, split);
    if (piecewise != end) return "FindHeadEnd depends on how the bytes arrived";
  }
  if (end == std::string_view::npos) return "";
  RequestHead ours;
  if (ParseRequestHead(text.substr(0, end), ours) != HeadStatus::kOk) return "";
  if (accepted) *accepted = true;
  std::string head(text.substr(0, end));
  while (head.starts_with("\r\n")) head.erase(0, 2);  // RFC 9112 §2.2 lets us skip them; Beast doesn't
  boost::beast::http::request_parser<boost::beast::http::empty_body> beast;
  beast.eager(false);
  boost::system::error_code ec;
  beast.put(boost::asio::buffer(head), ec);
  if (ec) return "accepted what Beast rejects (" + ec.message() + ")";
  if (!beast.is_header_done()) return "Beast wants more of a head we took as complete";
  const auto& msg = beast.get();
  if (std::string_view(msg.method_string()) != ours.method_text) return "method differs";
  if (std::string_view(msg.target()) != ours.target) return "target differs";
  if (msg.version() != ours.version) return "version differs";
  if (beast.chunked() != ours.chunked) return "chunked differs";
  const auto length = beast.content_length();  // boost::optional
  if (length.has_value() != ours.content_length.has_value() || (length && *length != *ours.content_length))
    return "content length differs";
  if (msg.keep_alive() != ours.keep_alive) return "keep-alive differs";
  // Beast keeps a repeated name's fields next to each other; compare per name, in order.
  std::vector<std::pair<std::string, std::string>> theirs_fields, our_fields;
  for (const auto& field : msg) theirs_fields.emplace_back(Lower(field.name_string()), field.value());
  for (const HeaderField& field : ours.fields) our_fields.emplace_back(Lower(field.name), field.value);
  auto by_name = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::stable_sort(theirs_fields.begin(), theirs_fields.end(), by_name);
  std::stable_sort(our_fields.begin(), our_fields.end(), by_name);
  if (theirs_fields != our_fields) return "fields differ";
  return "";
}

// Decodes `wire` as a chunked body fed `piece` bytes at a time (as a connection would, keeping what
// the decoder did not consume). `used` receives the bytes it consumed.
inline ChunkedDecoder::Status DecodeInPieces(std::string_view wire, std::size_t piece, std::string& body,
                                             std::size_t& used, std::size_t limit = 1 << 20) {
  ChunkedDecoder decoder(limit);
  used = 0;
  auto status = ChunkedDecoder::Status::kNeedMore;
  std::string pending;
  for (std::size_t at = 0; at < wire.size() && status == ChunkedDecoder::Status::kNeedMore; at += piece) {
    pending.append(wire.substr(at, piece));
    std::size_t consumed = 0;
    status = decoder.Feed(pending, consumed, body);
    used += consumed;
    pending.erase(0, consumed);
  }
  return status;
}

// Decodes `wire` as a chunked body whole and one byte at a time; "" when both agree.
inline std::string CheckChunkedSplits(std::string_view wire, std::size_t limit = 1 << 16) {
  std::string whole_body, byte_body;
  std::size_t whole_used = 0, byte_used = 0;
  const auto whole = DecodeInPieces(wire, std::max<std::size_t>(wire.size(), 1), whole_body, whole_used, limit);
  const auto bytewise = DecodeInPieces(wire, 1, byte_body, byte_used, limit);
  if (whole != bytewise) return "chunked status depends on how the bytes arrived";
  if (whole == ChunkedDecoder::Status::kDone && (whole_body != byte_body || whole_used != byte_used))
    return "chunked body depends on how the bytes arrived";
  if (whole_body.size() > limit) return "chunked body beyond its limit";
  return "";
}

}  // namespace pantau::http::internal::testing

#include "http/response.h"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace pantau::http {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

// CR, LF and NUL would let a value end the header block; replace them instead of failing.
std::string Sanitize(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  return out;
}

std::string_view ToString(SameSite s) {
  switch (s) {
    case SameSite::kLax: return "Lax";
    case SameSite::kStrict: return "Strict";
    case SameSite::kNone: return "None";
  }
  return "Lax";
}

}  // namespace

std::string SetCookie::ToHeaderValue() const {
  // ';' and ',' would start a new attribute or cookie; they never occur in values we generate.
  auto clean = [](std::string_view s) {
    std::string out;
    for (char c : s)
      if (c != ';' && c != ',' && c != ' ' && static_cast<unsigned char>(c) > 0x20) out += c;
    return out;
  };
  std::string out = fmt::format("{}={}", clean(name), clean(value));
  if (!path.empty()) out += fmt::format("; Path={}", path);
  if (max_age) out += fmt::format("; Max-Age={}", max_age->count());
  if (http_only) out += "; HttpOnly";
  if (secure || same_site == SameSite::kNone) out += "; Secure";  // browsers demand it for None
  out += fmt::format("; SameSite={}", ToString(same_site));
  return out;
}

Response::Response(HttpStatus status, std::string content_type, std::string body)
    : status_(status), content_type_(Sanitize(content_type)), body_(std::move(body)) {}

Response::Response(HttpStatus status, StaticType content_type, std::string body)
    : status_(status), static_type_(content_type.value), body_(std::move(body)) {}

Response Response::Json(HttpStatus status, const boost::json::value& body) {
  return Response(status, StaticType{"application/json"}, boost::json::serialize(body));
}

Response Response::JsonText(HttpStatus status, std::string json) {
  return Response(status, StaticType{"application/json"}, std::move(json));
}

Response Response::Text(HttpStatus status, std::string body) {
  return Response(status, StaticType{"text/plain; charset=utf-8"}, std::move(body));
}

Response Response::Html(HttpStatus status, std::string body) {
  return Response(status, StaticType{"text/html; charset=utf-8"}, std::move(body));
}

Response Response::Csv(HttpStatus status, std::string body, std::string_view download_name) {
  Response r(status, StaticType{"text/csv; charset=utf-8"}, std::move(body));
  if (!download_name.empty()) {
    std::string safe;
    for (char c : download_name)
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) safe += c;
    r.Header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", safe));
  }
  return r;
}

Response Response::NoContent() { return Response(HttpStatus::no_content, std::string(), {}); }

Response Response::Redirect(HttpStatus status, std::string_view location) {
  Response r(status, std::string(), {});
  r.Location(location);
  return r;
}

Response Response::Shared(HttpStatus status, std::string content_type,
                          std::shared_ptr<const std::string> body) {
  Response r(status, std::move(content_type), {});
  r.shared_body_ = std::move(body);
  return r;
}

Response& Response::Header(std::string_view name, std::string_view value) {
  if (!IEquals(name, "Set-Cookie")) {
    for (auto& [n, v] : headers_) {
      if (IEquals(n, name)) {
        v = Sanitize(value);
        return *this;
      }
    }
  }
  headers_.emplace_back(Sanitize(name), Sanitize(value));
  return *this;
}

Response& Response::Cookie(const SetCookie& cookie) {
  return Header("Set-Cookie", cookie.ToHeaderValue());
}

Response& Response::CacheControl(std::string_view value) { return Header("Cache-Control", value); }

Response& Response::RetryAfter(std::chrono::seconds delay) {
  return Header("Retry-After", fmt::format("{}", std::max<int64_t>(1, delay.count())));
}

Response& Response::Location(std::string_view url) { return Header("Location", url); }

Response& Response::Status(HttpStatus status) {
  status_ = status;
  return *this;
}

std::optional<std::string_view> Response::FindHeader(std::string_view name) const {
  if (IEquals(name, "Content-Type") && !content_type().empty()) return content_type();
  for (const auto& [n, v] : headers_)
    if (IEquals(n, name)) return v;
  return std::nullopt;
}

}  // namespace pantau::http

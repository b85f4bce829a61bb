// Response: what a handler returns — a status, a content type, a body and extra headers. The server
// adds framing (Content-Length, Connection, Date) and the security headers; a HEAD request gets the
// same headers without the body. Header values are sanitized (CR, LF and NUL become spaces), so user
// data placed in a header cannot split the response.
//   co_return Response::Json(HttpStatus::created, {{"id", id}}).Location("/api/v1/polls/" + id);
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "core/error.h"
#include "http/types.h"

namespace pantau::http {

class Response;
Response Problem(const Error& error, Lang lang);  // problem.h

enum class SameSite { kLax, kStrict, kNone };

// A Set-Cookie line. Defaults suit a first-party identifier cookie (DESIGN.md §4).
struct SetCookie {
  std::string name;
  std::string value;
  std::string path = "/";
  std::optional<std::chrono::seconds> max_age;  // none = session cookie; 0s deletes it
  bool http_only = true;
  bool secure = false;
  SameSite same_site = SameSite::kLax;

  std::string ToHeaderValue() const;
};

class Response {
 public:
  using HeaderList = std::vector<std::pair<std::string, std::string>>;

  Response() = default;  // 200, empty body, no content type
  Response(HttpStatus status, std::string content_type, std::string body);

  static Response Json(HttpStatus status, const boost::json::value& body);
  static Response Json(const boost::json::value& body) { return Json(HttpStatus::ok, body); }
  // A body already serialized as JSON (application/json), e.g. from a template.
  static Response JsonText(HttpStatus status, std::string json);
  static Response Text(HttpStatus status, std::string body);  // text/plain; charset=utf-8
  static Response Html(HttpStatus status, std::string body);  // text/html; charset=utf-8
  // text/csv; with a download name, also Content-Disposition: attachment.
  static Response Csv(HttpStatus status, std::string body, std::string_view download_name = {});
  static Response NoContent();                                       // 204
  static Response Redirect(HttpStatus status, std::string_view location);  // 302/303/307/308
  // A body shared with a cache (static files); never copied.
  static Response Shared(HttpStatus status, std::string content_type,
                         std::shared_ptr<const std::string> body);

  // Replaces a header of the same name (case-insensitive); Set-Cookie always appends.
  Response& Header(std::string_view name, std::string_view value);
  Response& Cookie(const SetCookie& cookie);
  Response& CacheControl(std::string_view value);
  Response& RetryAfter(std::chrono::seconds delay);  // whole seconds, at least 1
  Response& Location(std::string_view url);
  Response& Status(HttpStatus status);

  HttpStatus status() const { return status_; }
  std::string_view content_type() const {
    return static_type_ ? std::string_view(static_type_) : std::string_view(content_type_);
  }
  std::string_view body() const { return shared_body_ ? std::string_view(*shared_body_) : body_; }
  const HeaderList& headers() const { return headers_; }
  // The first header with this name (case-insensitive), if any.
  std::optional<std::string_view> FindHeader(std::string_view name) const;

 private:
  friend Response Problem(const Error& error, Lang lang);
  struct StaticType {  // a string literal: no copy, no allocation on the hot path
    const char* value;
  };
  Response(HttpStatus status, StaticType content_type, std::string body);

  HttpStatus status_ = HttpStatus::ok;
  const char* static_type_ = nullptr;  // set by the factories; else content_type_ is used
  std::string content_type_;
  std::string body_;
  std::shared_ptr<const std::string> shared_body_;
  HeaderList headers_;
};

}  // namespace pantau::http

// Problem details: the ONE place that maps an Error to an HTTP status, and the renderer of RFC 9457
// `application/problem+json` bodies:
//   {"type":"https://pantau.id/problems/<error.type>","title":<localized>,"status":N,"detail":<message>}
// error.detail is never rendered (the server logs it). Titles are in Bahasa Indonesia, or English
// when the request language is English. A few HTTP-only kinds (413, 415, 405, 431) are Errors whose
// `type` selects the status; the factories below build them with localized messages.
//   if (!ok) co_return std::unexpected(Error::NotFound("poll not found", "poll-not-found"));
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "core/error.h"
#include "http/response.h"
#include "http/types.h"

namespace pantau::http {

inline constexpr std::string_view kProblemTypeBase = "https://pantau.id/problems/";

// Stable problem types owned by the HTTP layer.
namespace problem_type {
inline constexpr std::string_view kNotFound = "not-found";
inline constexpr std::string_view kMethodNotAllowed = "method-not-allowed";
inline constexpr std::string_view kBodyTooLarge = "body-too-large";
inline constexpr std::string_view kHeadersTooLarge = "headers-too-large";
inline constexpr std::string_view kUnsupportedMediaType = "unsupported-media-type";
inline constexpr std::string_view kMalformedJson = "malformed-json";
inline constexpr std::string_view kBadRequest = "bad-request";
inline constexpr std::string_view kRateLimited = "rate-limited";
inline constexpr std::string_view kInternal = "internal";
}  // namespace problem_type

// The status for an error: by code, except the HTTP-only types above (413, 415, 405, 431).
HttpStatus StatusFor(const Error& error);

// The problem type slug: error.type, or the code in kebab case when the type is empty.
std::string ProblemType(const Error& error);

// The localized title for a status.
std::string_view ProblemTitle(HttpStatus status, Lang lang);

// The RFC 9457 response for an error. Never includes error.detail.
Response Problem(const Error& error, Lang lang);

// 429 with Retry-After (whole seconds, at least 1).
Response TooManyRequests(std::chrono::seconds retry_after, Lang lang);

// Localized errors for the HTTP layer's own failures.
Error RouteNotFound(Lang lang);
Error MethodNotAllowed(Lang lang);
Error BodyTooLarge(std::size_t limit, Lang lang);
Error HeadersTooLarge(Lang lang);
Error UnsupportedMediaType(std::string_view expected, Lang lang);
Error MalformedJson(std::size_t position, std::string_view reason, Lang lang);
Error BadRequest(Lang lang);

}  // namespace pantau::http

#include "http/problem.h"

#include <algorithm>
#include <optional>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace pantau::http {
namespace {

struct Title {
  std::string_view id;
  std::string_view en;
};

std::string_view Pick(Title t, Lang lang) { return lang == Lang::kEn ? t.en : t.id; }

Error Make(ErrorCode code, std::string_view type, Title message, Lang lang) {
  return Error{code, std::string(Pick(message, lang)), {}, std::string(type)};
}

// Titles chosen by what went wrong, so two 409s (exists / wrong state) read differently.
Title TitleForCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return {"Permintaan tidak valid", "Invalid request"};
    case ErrorCode::kNotFound: return {"Tidak ditemukan", "Not found"};
    case ErrorCode::kAlreadyExists: return {"Sudah ada", "Already exists"};
    case ErrorCode::kPermissionDenied: return {"Akses ditolak", "Permission denied"};
    case ErrorCode::kUnauthenticated: return {"Perlu autentikasi", "Authentication required"};
    case ErrorCode::kFailedPrecondition:
      return {"Tidak dapat dilakukan saat ini", "Not possible in the current state"};
    case ErrorCode::kUnavailable: return {"Layanan sedang tidak tersedia", "Service unavailable"};
    case ErrorCode::kResourceExhausted: return {"Terlalu banyak permintaan", "Too many requests"};
    case ErrorCode::kDataLoss: return {"Data rusak", "Data loss"};
    case ErrorCode::kInternal: return {"Kesalahan internal server", "Internal server error"};
  }
  return {"Kesalahan internal server", "Internal server error"};
}

HttpStatus StatusForCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return HttpStatus::bad_request;
    case ErrorCode::kNotFound: return HttpStatus::not_found;
    case ErrorCode::kAlreadyExists: return HttpStatus::conflict;
    case ErrorCode::kPermissionDenied: return HttpStatus::forbidden;
    case ErrorCode::kUnauthenticated: return HttpStatus::unauthorized;
    case ErrorCode::kFailedPrecondition: return HttpStatus::conflict;
    case ErrorCode::kUnavailable: return HttpStatus::service_unavailable;
    case ErrorCode::kResourceExhausted: return HttpStatus::too_many_requests;
    case ErrorCode::kDataLoss: return HttpStatus::internal_server_error;
    case ErrorCode::kInternal: return HttpStatus::internal_server_error;
  }
  return HttpStatus::internal_server_error;
}

// HTTP-only kinds that ErrorCode has no word for.
std::optional<HttpStatus> StatusForHttpType(std::string_view type) {
  if (type == problem_type::kBodyTooLarge) return HttpStatus::payload_too_large;
  if (type == problem_type::kUnsupportedMediaType) return HttpStatus::unsupported_media_type;
  if (type == problem_type::kMethodNotAllowed) return HttpStatus::method_not_allowed;
  if (type == problem_type::kHeadersTooLarge) return HttpStatus::request_header_fields_too_large;
  return std::nullopt;
}

}  // namespace

HttpStatus StatusFor(const Error& error) {
  if (auto s = StatusForHttpType(error.type)) return *s;
  return StatusForCode(error.code);
}

std::string ProblemType(const Error& error) {
  if (!error.type.empty()) return error.type;
  std::string slug(ToString(error.code));  // "FAILED_PRECONDITION" -> "failed-precondition"
  for (char& c : slug) c = c == '_' ? '-' : static_cast<char>(c | 0x20);
  return slug;
}

std::string_view ProblemTitle(HttpStatus status, Lang lang) {
  switch (status) {
    case HttpStatus::method_not_allowed:
      return Pick({"Metode tidak diizinkan", "Method not allowed"}, lang);
    case HttpStatus::payload_too_large:
      return Pick({"Isi permintaan terlalu besar", "Request body too large"}, lang);
    case HttpStatus::unsupported_media_type:
      return Pick({"Jenis konten tidak didukung", "Unsupported media type"}, lang);
    case HttpStatus::request_header_fields_too_large:
      return Pick({"Header permintaan terlalu besar", "Request headers too large"}, lang);
    case HttpStatus::bad_request: return Pick(TitleForCode(ErrorCode::kInvalidArgument), lang);
    case HttpStatus::unauthorized: return Pick(TitleForCode(ErrorCode::kUnauthenticated), lang);
    case HttpStatus::forbidden: return Pick(TitleForCode(ErrorCode::kPermissionDenied), lang);
    case HttpStatus::not_found: return Pick(TitleForCode(ErrorCode::kNotFound), lang);
    case HttpStatus::conflict: return Pick({"Konflik", "Conflict"}, lang);
    case HttpStatus::too_many_requests: return Pick(TitleForCode(ErrorCode::kResourceExhausted), lang);
    case HttpStatus::service_unavailable: return Pick(TitleForCode(ErrorCode::kUnavailable), lang);
    default: return Pick(TitleForCode(ErrorCode::kInternal), lang);
  }
}

Response Problem(const Error& error, Lang lang) {
  const HttpStatus status = StatusFor(error);
  const bool by_http_type = StatusForHttpType(error.type).has_value();
  const std::string_view title =
      by_http_type ? ProblemTitle(status, lang) : Pick(TitleForCode(error.code), lang);
  boost::json::object body;
  body["type"] = fmt::format("{}{}", kProblemTypeBase, ProblemType(error));
  body["title"] = title;
  body["status"] = static_cast<int>(status);
  if (const std::string& detail = error.MessageFor(lang == Lang::kEn); !detail.empty()) body["detail"] = detail;
  Response out(status, Response::StaticType{"application/problem+json"}, boost::json::serialize(body));
  out.CacheControl("no-store");
  out.Header("Content-Language", ToString(lang));
  return out;
}

Response TooManyRequests(std::chrono::seconds retry_after, Lang lang) {
  const auto seconds = std::max<int64_t>(1, retry_after.count());
  Error e = Error::ResourceExhausted(
      lang == Lang::kEn
          ? fmt::format("Too many requests from your network; try again in {} s.", seconds)
          : fmt::format("Terlalu banyak permintaan dari jaringan Anda; coba lagi dalam {} detik.",
                        seconds),
      std::string(problem_type::kRateLimited));
  return Problem(e, lang).RetryAfter(std::chrono::seconds(seconds));
}

Error RouteNotFound(Lang lang) {
  return Make(ErrorCode::kNotFound, problem_type::kNotFound,
              {"Alamat yang diminta tidak ada.", "The requested resource does not exist."}, lang);
}

Error MethodNotAllowed(Lang lang) {
  return Make(ErrorCode::kInvalidArgument, problem_type::kMethodNotAllowed,
              {"Metode ini tidak didukung untuk alamat ini.",
               "This method is not supported for this resource."},
              lang);
}

Error BodyTooLarge(std::size_t limit, Lang lang) {
  Error e = Make(ErrorCode::kInvalidArgument, problem_type::kBodyTooLarge, {"", ""}, lang);
  e.message = lang == Lang::kEn
                  ? fmt::format("The request body exceeds the limit of {} bytes.", limit)
                  : fmt::format("Isi permintaan melebihi batas {} byte.", limit);
  return e;
}

Error HeadersTooLarge(Lang lang) {
  return Make(ErrorCode::kInvalidArgument, problem_type::kHeadersTooLarge,
              {"Header permintaan terlalu besar.", "The request headers are too large."}, lang);
}

Error UnsupportedMediaType(std::string_view expected, Lang lang) {
  Error e = Make(ErrorCode::kInvalidArgument, problem_type::kUnsupportedMediaType, {"", ""}, lang);
  e.message = lang == Lang::kEn ? fmt::format("Content-Type must be {}.", expected)
                                : fmt::format("Content-Type harus {}.", expected);
  return e;
}

Error MalformedJson(std::size_t position, std::string_view reason, Lang lang) {
  Error e = Make(ErrorCode::kInvalidArgument, problem_type::kMalformedJson, {"", ""}, lang);
  e.message = lang == Lang::kEn
                  ? fmt::format("Malformed JSON at byte {}: {}.", position, reason)
                  : fmt::format("JSON tidak valid pada byte ke-{}: {}.", position, reason);
  return e;
}

Error BadRequest(Lang lang) {
  return Make(ErrorCode::kInvalidArgument, problem_type::kBadRequest,
              {"Permintaan HTTP tidak dapat dibaca.", "The HTTP request could not be parsed."},
              lang);
}

}  // namespace pantau::http

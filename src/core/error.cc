#include "core/error.h"

#include <utility>

namespace pantau {

std::string_view ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ErrorCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case ErrorCode::kDataLoss: return "DATA_LOSS";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

namespace {
Error Make(ErrorCode code, std::string message, std::string type, std::string detail = {}) {
  return Error{code, std::move(message), std::move(detail), std::move(type)};
}
}  // namespace

Error Error::InvalidArgument(std::string m, std::string t) { return Make(ErrorCode::kInvalidArgument, std::move(m), std::move(t)); }
Error Error::NotFound(std::string m, std::string t) { return Make(ErrorCode::kNotFound, std::move(m), std::move(t)); }
Error Error::AlreadyExists(std::string m, std::string t) { return Make(ErrorCode::kAlreadyExists, std::move(m), std::move(t)); }
Error Error::PermissionDenied(std::string m, std::string t) { return Make(ErrorCode::kPermissionDenied, std::move(m), std::move(t)); }
Error Error::Unauthenticated(std::string m, std::string t) { return Make(ErrorCode::kUnauthenticated, std::move(m), std::move(t)); }
Error Error::FailedPrecondition(std::string m, std::string t) { return Make(ErrorCode::kFailedPrecondition, std::move(m), std::move(t)); }
Error Error::Unavailable(std::string m, std::string d) { return Make(ErrorCode::kUnavailable, std::move(m), "unavailable", std::move(d)); }
Error Error::ResourceExhausted(std::string m, std::string t) { return Make(ErrorCode::kResourceExhausted, std::move(m), std::move(t)); }
Error Error::DataLoss(std::string m, std::string d) { return Make(ErrorCode::kDataLoss, std::move(m), "data-loss", std::move(d)); }
Error Error::Internal(std::string d) { return Make(ErrorCode::kInternal, "internal error", "internal", std::move(d)); }

std::string Error::ToLogString() const {
  std::string out(ToString(code));
  out += ": ";
  out += message;
  if (!detail.empty()) {
    out += " (";
    out += detail;
    out += ')';
  }
  return out;
}

}  // namespace pantau

// Error and Result: how every module reports an expected failure.
//
// An Error's code says what the caller should do next (fix the input, retry later, give up); its
// message is safe to show a user; its detail is for the log only and never leaves the server.
//   Result<Poll> r = store.GetPoll(id);
//   if (!r) return std::unexpected(r.error());
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace pantau {

enum class ErrorCode {
  kInvalidArgument,     // the input is wrong; fix it and try again
  kNotFound,            // the thing does not exist
  kAlreadyExists,       // a create that collided
  kPermissionDenied,    // authenticated, but not allowed
  kUnauthenticated,     // missing or wrong credentials
  kFailedPrecondition,  // the system is not in a state that allows this (poll closed, ...)
  kUnavailable,         // transient; retry later
  kResourceExhausted,   // rate limit or quota; retry after a while
  kDataLoss,            // stored data is damaged (broken hash chain, torn record)
  kInternal,            // a bug or an unexpected third-party failure
};

std::string_view ToString(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // user-safe, may be shown in a problem body
  std::string detail;   // log-only; never sent to clients
  std::string type;     // optional stable machine-readable kind, e.g. "poll-closed"
  std::string message_en;  // English, when `message` is Bahasa Indonesia (what voters read); else empty

  static Error InvalidArgument(std::string message, std::string type = "invalid-argument");
  static Error NotFound(std::string message, std::string type = "not-found");
  static Error AlreadyExists(std::string message, std::string type = "already-exists");
  static Error PermissionDenied(std::string message, std::string type = "permission-denied");
  static Error Unauthenticated(std::string message, std::string type = "unauthenticated");
  static Error FailedPrecondition(std::string message, std::string type = "failed-precondition");
  static Error Unavailable(std::string message, std::string detail = {});
  static Error ResourceExhausted(std::string message, std::string type = "rate-limited");
  static Error DataLoss(std::string message, std::string detail = {});
  static Error Internal(std::string detail);

  // The same error with its English message: Error::NotFound("polling ini tidak ditemukan",
  // "poll-not-found").InEnglish("this poll does not exist").
  Error InEnglish(std::string english) && {
    message_en = std::move(english);
    return std::move(*this);
  }
  // The message for a reader of `english` ? English : Bahasa Indonesia (falls back to `message`).
  const std::string& MessageFor(bool english) const { return english && !message_en.empty() ? message_en : message; }

  // "INVALID_ARGUMENT: message (detail)" for logs.
  std::string ToLogString() const;
};

template <typename T>
using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline Status Ok() { return {}; }

}  // namespace pantau

// Propagates an error from an expression returning Result<T>/Status; yields nothing.
#define PANTAU_RETURN_IF_ERROR(expr)                                  \
  do {                                                                \
    if (auto pantau_status_ = (expr); !pantau_status_)                \
      return std::unexpected(std::move(pantau_status_).error());      \
  } while (false)

#define PANTAU_CONCAT_INNER_(a, b) a##b
#define PANTAU_CONCAT_(a, b) PANTAU_CONCAT_INNER_(a, b)

// `PANTAU_ASSIGN_OR_RETURN(auto poll, store.GetPoll(id));`
#define PANTAU_ASSIGN_OR_RETURN(lhs, expr)                                             \
  auto PANTAU_CONCAT_(pantau_result_, __LINE__) = (expr);                              \
  if (!PANTAU_CONCAT_(pantau_result_, __LINE__))                                       \
    return std::unexpected(std::move(PANTAU_CONCAT_(pantau_result_, __LINE__)).error()); \
  lhs = std::move(*PANTAU_CONCAT_(pantau_result_, __LINE__))

#include "http/problem.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace pantau::http {
namespace {

boost::json::object Body(const Response& r) {
  return boost::json::parse(r.body()).as_object();
}

TEST(Problem, MapsEveryErrorCodeToItsStatus) {
  const std::pair<Error, HttpStatus> cases[] = {
      {Error::InvalidArgument("bad"), HttpStatus::bad_request},
      {Error::NotFound("gone"), HttpStatus::not_found},
      {Error::AlreadyExists("twice"), HttpStatus::conflict},
      {Error::PermissionDenied("no"), HttpStatus::forbidden},
      {Error::Unauthenticated("who"), HttpStatus::unauthorized},
      {Error::FailedPrecondition("closed", "poll-closed"), HttpStatus::conflict},
      {Error::Unavailable("later"), HttpStatus::service_unavailable},
      {Error::ResourceExhausted("slow down"), HttpStatus::too_many_requests},
      {Error::DataLoss("torn"), HttpStatus::internal_server_error},
      {Error::Internal("boom"), HttpStatus::internal_server_error},
  };
  for (const auto& [error, status] : cases) {
    EXPECT_EQ(StatusFor(error), status) << error.ToLogString();
    const Response r = Problem(error, Lang::kId);
    EXPECT_EQ(r.status(), status);
    EXPECT_EQ(r.content_type(), "application/problem+json");
    auto body = Body(r);
    EXPECT_EQ(body.at("status").as_int64(), static_cast<int>(status));
    EXPECT_EQ(body.at("type").as_string(), std::string(kProblemTypeBase) + ProblemType(error));
  }
}

TEST(Problem, RendersTypeTitleDetailButNeverTheLogDetail) {
  Error e = Error::FailedPrecondition("Polling sudah ditutup.", "poll-closed");
  e.detail = "secret: row 42 in votes.db";
  const Response r = Problem(e, Lang::kId);
  auto body = Body(r);
  EXPECT_EQ(body.at("type").as_string(), "https://pantau.id/problems/poll-closed");
  EXPECT_EQ(body.at("title").as_string(), "Tidak dapat dilakukan saat ini");
  EXPECT_EQ(body.at("detail").as_string(), "Polling sudah ditutup.");
  EXPECT_EQ(r.body().find("secret"), std::string_view::npos);
  EXPECT_EQ(r.FindHeader("Cache-Control").value_or(""), "no-store");
}

TEST(Problem, InternalErrorsShowOnlyTheGenericMessage) {
  const Response r = Problem(Error::Internal("sqlite: disk I/O error at page 7"), Lang::kEn);
  auto body = Body(r);
  EXPECT_EQ(body.at("title").as_string(), "Internal server error");
  EXPECT_EQ(body.at("detail").as_string(), "internal error");
  EXPECT_EQ(r.body().find("sqlite"), std::string_view::npos);
}

TEST(Problem, TitlesAreIndonesianByDefaultAndEnglishOnRequest) {
  const Error e = Error::NotFound("x");
  EXPECT_EQ(Body(Problem(e, Lang::kId)).at("title").as_string(), "Tidak ditemukan");
  EXPECT_EQ(Body(Problem(e, Lang::kEn)).at("title").as_string(), "Not found");
  EXPECT_EQ(Problem(e, Lang::kEn).FindHeader("Content-Language").value_or(""), "en");
}

TEST(Problem, DetailIsEnglishOnRequestWhenTheErrorHasAnEnglishMessage) {
  const Error voter = Error::FailedPrecondition("perangkat ini sudah memberikan suara", "already-voted")
                          .InEnglish("this device has already voted");
  EXPECT_EQ(Body(Problem(voter, Lang::kId)).at("detail").as_string(), "perangkat ini sudah memberikan suara");
  EXPECT_EQ(Body(Problem(voter, Lang::kEn)).at("detail").as_string(), "this device has already voted");
  const Error owner = Error::PermissionDenied("the owner key does not match this poll");  // English only
  EXPECT_EQ(Body(Problem(owner, Lang::kId)).at("detail").as_string(), "the owner key does not match this poll");
}

TEST(Problem, TypeFallsBackToTheCodeInKebabCase) {
  Error e{ErrorCode::kFailedPrecondition, "m", "", ""};
  EXPECT_EQ(ProblemType(e), "failed-precondition");
}

TEST(Problem, HttpOnlyKindsHaveTheirOwnStatus) {
  EXPECT_EQ(StatusFor(BodyTooLarge(8192, Lang::kId)), HttpStatus::payload_too_large);
  EXPECT_EQ(StatusFor(UnsupportedMediaType("application/json", Lang::kId)),
            HttpStatus::unsupported_media_type);
  EXPECT_EQ(StatusFor(MethodNotAllowed(Lang::kId)), HttpStatus::method_not_allowed);
  EXPECT_EQ(StatusFor(HeadersTooLarge(Lang::kId)), HttpStatus::request_header_fields_too_large);
  EXPECT_EQ(StatusFor(MalformedJson(3, "syntax error", Lang::kId)), HttpStatus::bad_request);
  EXPECT_EQ(StatusFor(RouteNotFound(Lang::kId)), HttpStatus::not_found);
  auto body = Body(Problem(BodyTooLarge(8192, Lang::kEn), Lang::kEn));
  EXPECT_EQ(body.at("type").as_string(), "https://pantau.id/problems/body-too-large");
  EXPECT_EQ(body.at("title").as_string(), "Request body too large");
  EXPECT_NE(body.at("detail").as_string().find("8192"), std::string::npos);
}

TEST(Problem, TooManyRequestsCarriesRetryAfter) {
  const Response r = TooManyRequests(std::chrono::seconds(7), Lang::kId);
  EXPECT_EQ(r.status(), HttpStatus::too_many_requests);
  EXPECT_EQ(r.FindHeader("Retry-After").value_or(""), "7");
  EXPECT_EQ(Body(r).at("type").as_string(), "https://pantau.id/problems/rate-limited");
  EXPECT_EQ(TooManyRequests(std::chrono::seconds(0), Lang::kId).FindHeader("Retry-After").value_or(""), "1");
}

}  // namespace
}  // namespace pantau::http

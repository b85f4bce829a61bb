// JSON codecs for polls, votes, receipts and results: the shapes of the public API (docs/api.md).
// Decoders validate shape and name the offending field; domain validation (ValidatePoll, region
// existence) stays in core/polls. Encoders never emit secrets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/error.h"
#include "core/poll.h"
#include "core/region.h"
#include "core/time.h"
#include "polls/results_service.h"
#include "store/store.h"

namespace pantau::json {

// {"title","region","kind"?,"options":[{"number","name","photo_url"?}],"opens_at","closes_at",
//  "visibility"?,"tier"?,"methodology"?,"owner_name","owner_url"?}
// visibility defaults to after_close for candidate polls and live for issue polls.
Result<Poll> DecodePollDraft(const boost::json::value& body);

// The public poll: no secrets. status is derived from `now`.
boost::json::object EncodePoll(const Poll& poll, const RegionDirectory& regions, Timestamp now);

struct VoteBody {
  int choice = 0;
  std::string share_token;
  std::string panel_token;
};
// {"choice": 1..99, "share_token"?: string, "panel_token"?: string}
Result<VoteBody> DecodeVoteBody(const boost::json::value& body);

// The fast path for vote bodies: reads the plain shape clients send — one object with "choice" (an
// integer 1..99 written without sign, fraction or exponent) and optionally "share_token" /
// "panel_token" (printable ASCII strings without escapes, at most 64 characters), each key once —
// without building a DOM. Anything else, valid or not, gives nullopt: decode it with
// DecodeVoteBody, the single source of errors. So both paths accept the same bodies with the same
// values. The views point into `text`.
struct VoteBodyView {
  int choice = 0;
  std::string_view share_token;
  std::string_view panel_token;
};
std::optional<VoteBodyView> ScanPlainVoteBody(std::string_view text);

// {"poll","seq","hash","time"}
boost::json::object EncodeReceipt(const store::LedgerEntry& entry);

// Appends the body of an accepted vote, {"receipt":EncodeReceipt(entry),"results_url":"/p/<poll>/hasil"},
// byte for byte as boost::json::serialize writes it, without building a DOM.
void AppendVoteAccepted(std::string& out, const store::LedgerEntry& entry);

// {"poll","status","tier","total","updated_at","options":[{"number","name","votes","share"}]}
boost::json::object EncodeResults(const polls::ResultsView& view);

}  // namespace pantau::json

// JSON codecs for polls, votes, receipts and results: the shapes of the public API (docs/api.md).
// Decoders validate shape and name the offending field; domain validation (ValidatePoll, region
// existence) stays in core/polls. Encoders never emit secrets.
#pragma once

#include <string>

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

// {"poll","seq","hash","time"}
boost::json::object EncodeReceipt(const store::LedgerEntry& entry);

// {"poll","status","tier","total","updated_at","options":[{"number","name","votes","share"}]}
boost::json::object EncodeResults(const polls::ResultsView& view);

}  // namespace pantau::json

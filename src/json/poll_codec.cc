#include "json/poll_codec.h"

#include <fmt/format.h>

#include "json/json_fields.h"
#include "ledger/chain.h"

namespace pantau::json {
namespace {

template <typename E, size_t N>
Result<E> EnumField(const boost::json::object& o, std::string_view key, const EnumTable<E, N>& table, E fallback) {
  PANTAU_ASSIGN_OR_RETURN(auto text, OptionalString(o, key, 32));
  if (text.empty()) return fallback;
  auto value = table.Parse(text);
  if (!value)
    return std::unexpected(Error::InvalidArgument(
        fmt::format("'{}' must be one of: {}", key, table.Choices()), "invalid-field"));
  return *value;
}

Result<PollOption> DecodeOption(const boost::json::value& v, size_t index) {
  PANTAU_ASSIGN_OR_RETURN(auto o, AsObject(v, fmt::format("options[{}]", index)));
  PANTAU_RETURN_IF_ERROR(OnlyKeys(*o, {"number", "name", "photo_url"}, fmt::format("options[{}]", index)));
  PollOption option;
  auto number = RequiredInt(*o, "number", 1, 99);
  if (!number) return std::unexpected(Error::InvalidArgument(fmt::format("options[{}]: {}", index, number.error().message)));
  option.number = static_cast<int>(*number);
  auto name = RequiredString(*o, "name", kMaxOptionNameLength);
  if (!name) return std::unexpected(Error::InvalidArgument(fmt::format("options[{}]: {}", index, name.error().message)));
  option.name = std::move(*name);
  PANTAU_ASSIGN_OR_RETURN(option.photo_url, OptionalString(*o, "photo_url", 500));
  return option;
}

}  // namespace

Result<Poll> DecodePollDraft(const boost::json::value& body) {
  PANTAU_ASSIGN_OR_RETURN(auto o, AsObject(body, "the request body"));
  PANTAU_RETURN_IF_ERROR(OnlyKeys(*o, {"title", "region", "kind", "options", "opens_at", "closes_at", "visibility",
                                       "tier", "methodology", "owner_name", "owner_url"}));
  Poll poll;
  PANTAU_ASSIGN_OR_RETURN(poll.title, RequiredString(*o, "title", kMaxTitleLength));
  PANTAU_ASSIGN_OR_RETURN(auto region, RequiredString(*o, "region", 16));
  poll.region = RegionCode{std::move(region)};
  PANTAU_ASSIGN_OR_RETURN(poll.kind, EnumField(*o, "kind", kPollKindNames, PollKind::kCandidate));
  const auto* options = o->if_contains("options");
  if (options == nullptr || !options->is_array())
    return std::unexpected(Error::InvalidArgument("'options' must be an array of 2 to 12 options", "invalid-field"));
  if (options->get_array().size() > kMaxOptions)
    return std::unexpected(Error::InvalidArgument(
        fmt::format("a poll has at most {} options, got {}", kMaxOptions, options->get_array().size()), "invalid-poll"));
  for (size_t i = 0; i < options->get_array().size(); ++i) {
    PANTAU_ASSIGN_OR_RETURN(auto option, DecodeOption(options->get_array()[i], i));
    poll.options.push_back(std::move(option));
  }
  PANTAU_ASSIGN_OR_RETURN(poll.opens_at, RequiredTime(*o, "opens_at"));
  PANTAU_ASSIGN_OR_RETURN(poll.closes_at, RequiredTime(*o, "closes_at"));
  const Visibility default_visibility =
      poll.kind == PollKind::kCandidate ? Visibility::kAfterClose : Visibility::kLive;
  PANTAU_ASSIGN_OR_RETURN(poll.visibility, EnumField(*o, "visibility", kVisibilityNames, default_visibility));
  PANTAU_ASSIGN_OR_RETURN(poll.tier, EnumField(*o, "tier", kAssuranceTierNames, AssuranceTier::kOpen));
  PANTAU_ASSIGN_OR_RETURN(poll.methodology, OptionalString(*o, "methodology", kMaxMethodologyLength));
  PANTAU_ASSIGN_OR_RETURN(poll.owner_name, RequiredString(*o, "owner_name", kMaxTitleLength));
  PANTAU_ASSIGN_OR_RETURN(poll.owner_url, OptionalString(*o, "owner_url", 500));
  return poll;
}

boost::json::object EncodePoll(const Poll& poll, const RegionDirectory& regions, Timestamp now) {
  boost::json::object region{{"code", poll.region.value()}};
  if (const Region* r = regions.Find(poll.region)) region["name"] = r->name;
  boost::json::array options;
  for (const auto& option : poll.options)
    options.push_back(boost::json::object{{"number", option.number}, {"name", option.name}, {"photo_url", option.photo_url}});
  return boost::json::object{
      {"id", poll.id.value()},
      {"title", poll.title},
      {"region", std::move(region)},
      {"kind", kPollKindNames.Name(poll.kind)},
      {"options", std::move(options)},
      {"opens_at", FormatRfc3339(poll.opens_at)},
      {"closes_at", FormatRfc3339(poll.closes_at)},
      {"visibility", kVisibilityNames.Name(poll.visibility)},
      {"tier", kAssuranceTierNames.Name(poll.tier)},
      {"methodology", poll.methodology},
      {"owner", boost::json::object{{"name", poll.owner_name}, {"url", poll.owner_url}}},
      {"status", kPollStatusNames.Name(poll.StatusAt(now))},
      {"created_at", FormatRfc3339(poll.created_at)},
  };
}

Result<VoteBody> DecodeVoteBody(const boost::json::value& body) {
  PANTAU_ASSIGN_OR_RETURN(auto o, AsObject(body, "the request body"));
  PANTAU_RETURN_IF_ERROR(OnlyKeys(*o, {"choice", "share_token", "panel_token"}));
  VoteBody vote;
  PANTAU_ASSIGN_OR_RETURN(auto choice, RequiredInt(*o, "choice", 1, 99));
  vote.choice = static_cast<int>(choice);
  PANTAU_ASSIGN_OR_RETURN(vote.share_token, OptionalString(*o, "share_token", 64));
  PANTAU_ASSIGN_OR_RETURN(vote.panel_token, OptionalString(*o, "panel_token", 64));
  return vote;
}

boost::json::object EncodeReceipt(const store::LedgerEntry& entry) {
  return boost::json::object{
      {"poll", entry.vote.poll.value()},
      {"seq", entry.vote.seq},
      {"hash", ledger::ToHex(entry.entry_hash)},
      {"time", FormatRfc3339(entry.vote.time)},
  };
}

boost::json::object EncodeResults(const polls::ResultsView& view) {
  const Poll& poll = *view.poll;
  boost::json::array options;
  for (const auto& option : poll.options) {
    const auto it = view.tally.counts.find(option.number);
    const uint64_t votes = it == view.tally.counts.end() ? 0 : it->second;
    const double share = view.tally.total == 0 ? 0.0 : static_cast<double>(votes) / static_cast<double>(view.tally.total);
    options.push_back(boost::json::object{{"number", option.number}, {"name", option.name}, {"votes", votes}, {"share", share}});
  }
  return boost::json::object{
      {"poll", poll.id.value()},
      {"status", kPollStatusNames.Name(view.status)},
      {"tier", kAssuranceTierNames.Name(poll.tier)},
      {"visibility", kVisibilityNames.Name(poll.visibility)},
      {"total", view.tally.total},
      {"updated_at", FormatRfc3339(view.tally.updated_at)},
      {"options", std::move(options)},
  };
}

}  // namespace pantau::json

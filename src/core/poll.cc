#include "core/poll.h"

#include <set>

#include <fmt/format.h>

namespace pantau {

const PollOption* Poll::FindOption(int number) const {
  for (const auto& option : options)
    if (option.number == number) return &option;
  return nullptr;
}

namespace {
Error Invalid(std::string message) { return Error::InvalidArgument(std::move(message), "invalid-poll"); }
}  // namespace

Status ValidatePoll(const Poll& poll) {
  if (poll.title.empty() || poll.title.size() > kMaxTitleLength)
    return std::unexpected(Invalid(fmt::format("title must have 1 to {} characters", kMaxTitleLength)));
  if (poll.options.size() < kMinOptions || poll.options.size() > kMaxOptions)
    return std::unexpected(Invalid(fmt::format("a poll needs {} to {} options, got {}", kMinOptions,
                                               kMaxOptions, poll.options.size())));
  std::set<int> numbers;
  for (const auto& option : poll.options) {
    if (option.number < 1 || option.number > 99)
      return std::unexpected(Invalid(fmt::format("option number {} is out of range 1..99", option.number)));
    if (!numbers.insert(option.number).second)
      return std::unexpected(Invalid(fmt::format("option number {} appears twice", option.number)));
    if (option.name.empty() || option.name.size() > kMaxOptionNameLength)
      return std::unexpected(Invalid(
          fmt::format("option {} name must have 1 to {} characters", option.number, kMaxOptionNameLength)));
    if (!option.photo_url.empty() && !option.photo_url.starts_with("https://"))
      return std::unexpected(Invalid(fmt::format("option {} photo_url must be an https URL", option.number)));
  }
  if (poll.closes_at <= poll.opens_at)
    return std::unexpected(Invalid("closes_at must be after opens_at"));
  if (poll.methodology.size() > kMaxMethodologyLength)
    return std::unexpected(Invalid(fmt::format("methodology must have at most {} characters", kMaxMethodologyLength)));
  if (poll.owner_name.empty() || poll.owner_name.size() > kMaxTitleLength)
    return std::unexpected(Invalid("owner_name (the pollster's identity) is required"));
  if (!poll.owner_url.empty() && !poll.owner_url.starts_with("https://") && !poll.owner_url.starts_with("http://"))
    return std::unexpected(Invalid("owner_url must be an http(s) URL"));
  if (poll.tier == AssuranceTier::kVerified)
    return std::unexpected(Error::InvalidArgument("the verified tier is not available yet", "tier-unavailable"));
  return Ok();
}

}  // namespace pantau

#include "polls/poll_service.h"

#include <fmt/format.h>

#include "crypto/crypto.h"

namespace pantau::polls {

PollService::PollService(store::Store& store, PollRegistry& registry, const RegionDirectory& regions,
                         const Clock& clock)
    : store_(store), registry_(registry), regions_(regions), clock_(clock) {}

Result<CreatedPoll> PollService::Create(Poll draft) {
  PANTAU_RETURN_IF_ERROR(ValidatePoll(draft));
  if (regions_.Find(draft.region) == nullptr)
    return std::unexpected(Error::InvalidArgument(
        fmt::format("region '{}' is not a Kemendagri province or regency/city code (e.g. 71.73)",
                    draft.region.value().substr(0, 16)),
        "invalid-region"));
  draft.created_at = clock_.Now();
  CreatedPoll created;
  created.owner_key = crypto::RandomToken(32);
  store::PollSecrets secrets{crypto::HashSecret(created.owner_key), crypto::RandomBytes(32)};
  // 12 base32 characters = 60 bits: unguessable enough for a public id, short enough for a link.
  for (int attempt = 0;; ++attempt) {
    draft.id = PollId{crypto::RandomToken(12)};
    auto stored = store_.CreatePoll(draft, secrets);
    if (stored) break;
    if (stored.error().code != ErrorCode::kAlreadyExists || attempt == 3) return std::unexpected(stored.error());
  }
  registry_.Add(draft, secrets);
  created.poll = std::move(draft);
  return created;
}

Result<Poll> PollService::Get(const PollId& id) {
  PANTAU_ASSIGN_OR_RETURN(PollState * state, registry_.Get(id));
  return state->poll();
}

Result<std::vector<Poll>> PollService::List() { return store_.ListPolls(); }

Status PollService::AuthorizeOwner(const PollId& id, std::string_view owner_key) {
  PANTAU_ASSIGN_OR_RETURN(PollState * state, registry_.Get(id));
  if (owner_key.empty())
    return std::unexpected(Error::Unauthenticated("this needs the poll's owner key (Authorization: Bearer <key>)"));
  if (!crypto::ConstantTimeEqual(crypto::HashSecret(owner_key), state->secrets().owner_key_hash))
    return std::unexpected(Error::PermissionDenied("the owner key does not match this poll", "wrong-owner-key"));
  return Ok();
}

Result<std::vector<std::string>> PollService::IssuePanelTokens(const PollId& id, std::string_view owner_key,
                                                                size_t count) {
  PANTAU_RETURN_IF_ERROR(AuthorizeOwner(id, owner_key));
  PANTAU_ASSIGN_OR_RETURN(PollState * state, registry_.Get(id));
  if (state->poll().tier != AssuranceTier::kPanel)
    return std::unexpected(Error::FailedPrecondition("panel tokens are only for polls with tier 'panel'", "not-panel-poll"));
  if (count == 0 || count > kMaxPanelTokensPerRequest)
    return std::unexpected(Error::InvalidArgument(fmt::format("count must be 1 to {}", kMaxPanelTokensPerRequest)));
  std::vector<std::string> tokens, hashes;
  tokens.reserve(count);
  hashes.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    tokens.push_back(crypto::RandomToken(20));  // 100 bits; typed or scanned by panel members
    hashes.push_back(crypto::HashSecret(tokens.back()));
  }
  PANTAU_RETURN_IF_ERROR(store_.AddPanelTokens(id, hashes));
  return tokens;
}

}  // namespace pantau::polls

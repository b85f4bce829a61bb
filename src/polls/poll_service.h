// PollService: creating polls and everything an owner does with the owner key. The owner key is a
// 160-bit random token shown once at creation; only its hash is stored.
//   PollService polls(store, registry, RegionDirectory::Builtin(), clock);
//   PANTAU_ASSIGN_OR_RETURN(CreatedPoll created, polls.Create(draft));   // created.owner_key: show once
//   PANTAU_RETURN_IF_ERROR(polls.AuthorizeOwner(id, bearer_token));
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/poll.h"
#include "core/region.h"
#include "core/time.h"
#include "polls/poll_registry.h"
#include "store/store.h"

namespace pantau::polls {

struct CreatedPoll {
  Poll poll;
  std::string owner_key;  // shown to the creator once, never stored
};

inline constexpr size_t kMaxPanelTokensPerRequest = 10000;

class PollService {
 public:
  PollService(store::Store& store, PollRegistry& registry, const RegionDirectory& regions, const Clock& clock);

  // Validates the draft (ValidatePoll, the region exists and is a regency/city or province),
  // assigns id, created_at and secrets, and stores it durably. Id, created_at in the draft are ignored.
  Result<CreatedPoll> Create(Poll draft);
  Result<Poll> Get(const PollId& id);
  Result<std::vector<Poll>> List();

  // Unauthenticated when the key is missing, PermissionDenied when it is wrong, NotFound for no poll.
  Status AuthorizeOwner(const PollId& id, std::string_view owner_key);
  // Owner only. Issues `count` single-use tokens for a panel-tier poll (shown once; hashes stored).
  Result<std::vector<std::string>> IssuePanelTokens(const PollId& id, std::string_view owner_key, size_t count);

  const RegionDirectory& regions() const { return regions_; }
  const Clock& clock() const { return clock_; }

 private:
  store::Store& store_;
  PollRegistry& registry_;
  const RegionDirectory& regions_;
  const Clock& clock_;
};

}  // namespace pantau::polls

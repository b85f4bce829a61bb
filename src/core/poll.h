// Poll: a question for one region with 2–12 options, a voting window, a results-visibility rule and an
// assurance tier. Pure data plus the validation every write path runs before touching storage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/enum_table.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/time.h"

namespace pantau {

enum class PollKind { kCandidate, kIssue };
inline constexpr EnumTable<PollKind, 2> kPollKindNames{{{
    {PollKind::kCandidate, "candidate"},
    {PollKind::kIssue, "issue"},
}}};

// Who may see results, and when. Owners always see everything.
enum class Visibility { kLive, kAfterVote, kAfterClose };
inline constexpr EnumTable<Visibility, 3> kVisibilityNames{{{
    {Visibility::kLive, "live"},
    {Visibility::kAfterVote, "after_vote"},
    {Visibility::kAfterClose, "after_close"},
}}};

// How strongly one vote is tied to one person.
//   open: anyone with the link; one vote per device cookie.
//   panel: single-use tokens the owner issued to a known panel.
//   verified: reserved for identity-verified voters (not yet accepted).
enum class AssuranceTier { kOpen, kPanel, kVerified };
inline constexpr EnumTable<AssuranceTier, 3> kAssuranceTierNames{{{
    {AssuranceTier::kOpen, "open"},
    {AssuranceTier::kPanel, "panel"},
    {AssuranceTier::kVerified, "verified"},
}}};

// Where a poll is in its life, derived from its window and the current time.
enum class PollStatus { kScheduled, kOpen, kClosed };
inline constexpr EnumTable<PollStatus, 3> kPollStatusNames{{{
    {PollStatus::kScheduled, "scheduled"},
    {PollStatus::kOpen, "open"},
    {PollStatus::kClosed, "closed"},
}}};

struct PollOption {
  int number = 0;          // paslon number (1-based); also the option's id in votes
  std::string name;        // e.g. "Caroll Senduk – Sendy Rumajar"
  std::string photo_url;   // optional; https only
  bool operator==(const PollOption&) const = default;
};

struct Poll {
  PollId id;
  std::string title;
  RegionCode region;
  PollKind kind = PollKind::kCandidate;
  std::vector<PollOption> options;
  Timestamp opens_at;
  Timestamp closes_at;
  Visibility visibility = Visibility::kAfterClose;
  AssuranceTier tier = AssuranceTier::kOpen;
  std::string methodology;   // public text: how the poll is run and what it can and cannot say
  std::string owner_name;    // pollster / newsroom identity, public
  std::string owner_url;     // optional
  Timestamp created_at;

  const PollOption* FindOption(int number) const;
  bool IsOpenAt(Timestamp t) const { return t >= opens_at && t < closes_at; }
  bool IsClosedAt(Timestamp t) const { return t >= closes_at; }
  PollStatus StatusAt(Timestamp t) const {
    return t < opens_at ? PollStatus::kScheduled : (t >= closes_at ? PollStatus::kClosed : PollStatus::kOpen);
  }
};

inline constexpr size_t kMinOptions = 2;
inline constexpr size_t kMaxOptions = 12;
inline constexpr size_t kMaxTitleLength = 200;
inline constexpr size_t kMaxOptionNameLength = 120;
inline constexpr size_t kMaxMethodologyLength = 4000;

// Checks everything about a poll that does not need other data (region existence is checked by the
// caller). Returns InvalidArgument naming the first bad field.
Status ValidatePoll(const Poll& poll);

}  // namespace pantau

// Generate: turns a Scenario and a seed into a vote log with ground truth — each vote's label
// (organic / state / partisan / bot) and the shares the organic votes alone give. The same scenario,
// pools and seed always give the same bytes. Writers render DESIGN.md §5 CSV (with raw `ip`), the
// truth CSV (row,label) and a JSON of the true organic shares.
//   PANTAU_ASSIGN_OR_RETURN(SimulatedPoll poll, Generate(scenario, pools, uas, 7));
//   std::string csv = VotesCsv(poll);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "sim/network_pools.h"
#include "sim/scenario.h"
#include "sim/ua_pool.h"

namespace pantau::sim {

struct SimVote {
  int64_t time_ms = 0;
  uint16_t option = 0;
  uint32_t ip = 0;        // IPv4, host order (when !v6)
  bool v6 = false;
  uint64_t ip6_high = 0, ip6_low = 0;  // IPv6, when v6
  uint32_t ua = 0;        // index into SimulatedPoll::user_agents
  uint64_t device = 0;    // 0: no cookie
  uint32_t token = 0;     // index into SimulatedPoll::tokens (0 = none, "")
  uint32_t referrer = 0;  // index into SimulatedPoll::referrers (0 = none, "")
  Label label = Label::kOrganic;
  // Provenance, for diagnostics only (not written to any CSV): the index of the Scenario::cohorts
  // entry a mobilised vote answered, or whose leaked link an organic vote came through (-1 otherwise), how the member voted, and whether the vote is
  // a repeat with a cleared cookie.
  int16_t cohort = -1;
  enum class Via : uint8_t { kNone, kOffice, kPhone, kHome } via = Via::kNone;
  bool cohort_link = false;  // came through the cohort's shared link
  bool repeat = false;
  bool leaked = false;  // an organic voter who came through a cohort's forwarded link (cohort says whose)
};

struct SimulatedPoll {
  std::vector<std::string> options;
  std::vector<SimVote> votes;  // sorted by time; row r (1-based) is votes[r - 1]
  std::vector<std::string> user_agents;
  std::vector<std::string> tokens;
  std::vector<std::string> referrers;
  std::vector<double> true_shares;  // organic votes only, per option
};

// InvalidArgument when the scenario is inconsistent (option index out of range, shares not matching
// the options, negative sizes).
Result<SimulatedPoll> Generate(const Scenario& scenario, const NetworkPools& pools, const UaPool& uas, uint64_t seed);

// header time,choice,ip,user_agent,device_id,referrer,share_token
std::string VotesCsv(const SimulatedPoll& poll);
// header row,label
std::string TruthCsv(const SimulatedPoll& poll);
// {"options":[...],"true_organic_shares":[...],"votes":N,"organic_votes":M}
std::string SharesJson(const SimulatedPoll& poll);

}  // namespace pantau::sim

// Cohort: a set of votes the engine believes were cast together on someone's instruction (or by a
// script), with the numbers that justify it. Produced by ScanDetector, explained by BuildEvidence,
// subtracted by AdjustResult. Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/enum_table.h"
#include "core/network_class.h"

namespace pantau::integrity {

// The network loci the scan groups votes by, finest first (the order they are peeled in).
enum class LocusLevel : uint8_t { kAddress, kPrefix, kAsn, kToken, kReferrer };
inline constexpr EnumTable<LocusLevel, 5> kLocusLevelNames{{{
    {LocusLevel::kAddress, "address"},
    {LocusLevel::kPrefix, "prefix"},
    {LocusLevel::kAsn, "asn"},
    {LocusLevel::kToken, "share_token"},
    {LocusLevel::kReferrer, "referrer"},
}}};

// Which test a hit passed. kShift: the option's share in the window is far above the locus's own mix
// outside it. kBurst: the locus's votes for the option crowd into the window far beyond what the
// poll's time curve predicts (so the locus has no honest "outside" to compare with — an office that
// only ever votes in instructed waves) and the window is one-sided against the poll's mix.
// kLink: a share link's (or referrer's) votes over the whole poll against the mixes of the blocks
// they came from (cohort_signals.h).
// kTrigger: an operator's votes for the option in the hours after a found cohort's trigger, against
// the operator's usual rate at that time of the poll (ExtendAlongTrigger, cohort_signals.h).
enum class CellTest : uint8_t { kShift, kBurst, kLink, kTrigger };

// One scan hit: a (locus, time window, option) cell that beat every gate.
struct Cell {
  LocusLevel level = LocusLevel::kAddress;
  uint32_t group = 0;  // address / locus / ASN / token / referrer id, by level
  uint16_t option = 0;
  int64_t start_ms = 0, end_ms = 0;  // [start, end)
  uint32_t window_votes = 0;         // n: all votes in the window at this locus
  uint32_t option_votes = 0;         // O_k
  double baseline_share = 0;         // pi_k: the locus's own mix outside the window (shrunk to the poll)
  double baseline_votes = 0;         // the (pseudo-)votes pi_k was estimated from
  double excess = 0;                 // (O_k - n pi_k) / (1 - pi_k)
  double llr = 0;                    // kShift: Bernoulli LLR; kBurst: space-time Poisson LLR
  CellTest test = CellTest::kShift;
  double expected = 0;               // kBurst, kTrigger: votes for the option the time curve predicts here
  double delay_minutes = 0;          // kTrigger: the cohort's mean response delay after its trigger
  std::string label;                 // the locus in words: "203.0.113.7", "AS23693 PT. Telekomunikasi Selular"
};

// A one-sided link's campaign off its link (EstimateOffLinkExcess, cohort_signals.h): the votes for
// the cohort's option that arrived the way the link's did (its referrer) on no such link, inside the
// link's active period, against the same votes outside it scaled by the poll's rhythm (the other
// options' votes in and outside the period). excess = observed - outside * rhythm_in / rhythm_out,
// not floored at zero: an estimate, with its counting noise propagated by the bootstrap.
struct OffLinkExcess {
  bool estimated = false;
  int64_t start_ms = 0, end_ms = 0;  // the link's active period, [start, end)
  uint32_t referrer = 0;             // the way its votes arrived (0: none, as from a chat app)
  double observed = 0;               // such votes for the option inside the period
  double outside = 0;                // ... and outside it
  double rhythm_in = 0, rhythm_out = 0;  // the poll's untaken votes for the other options, in and outside
  double excess = 0;
};

struct Cohort {
  std::string id;  // "C1", "C2", ... in order of start time
  uint16_t option = 0;
  std::vector<uint32_t> votes;  // indices into the VoteLog, ascending
  std::vector<Cell> cells;      // the hits merged into this cohort
  double excess = 0;            // sum of the cells' excess (and off_link.excess): votes above what the null expects
  int64_t start_ms = 0, end_ms = 0;
  double max_llr = 0;
  double score = 0;      // max over cells of LLR / the level's threshold (ScanDetector::Score)
  double p_value = -1;   // Monte Carlo p-value; negative when not computed
  OffLinkExcess off_link;  // one-sided link cohorts only
};

}  // namespace pantau::integrity

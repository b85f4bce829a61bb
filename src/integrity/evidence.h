// EvidenceCard: why a cohort was flagged, in numbers a journalist can check — when, from which
// networks, how one-sided, whether in office hours, through one shared link, from repeat devices and
// one device image — plus plain-language sentences. Government-network cohorts are labelled as
// possible state-apparatus mobilisation (the Tomohon pattern).
//   std::vector<EvidenceCard> cards = BuildEvidence(log, cohorts, EvidenceConfig{});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/network_class.h"
#include "integrity/cohort.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

struct EvidenceConfig {
  int64_t repeat_minutes = 10;   // cleared-cookie repeats: within this many minutes (TrimConfig)
  int utc_offset_minutes = 480;  // local time for office hours: WITA (+08:00); WIB is +07:00
  int office_start_hour = 8;     // Monday-Friday, [start, end) local time
  int office_end_hour = 16;
  double state_apparatus_min_share = 0.5;  // government-network share that earns the label
  size_t max_loci = 10;
};

struct LocusShare {
  std::string prefix;
  uint32_t asn = 0;
  std::string org;
  NetworkClass network_class = NetworkClass::kUnknown;
  uint32_t votes = 0;
};

struct EvidenceCard {
  std::string cohort_id;
  std::string choice;
  uint64_t votes = 0;
  double excess = 0;
  int64_t start_ms = 0, end_ms = 0;
  std::vector<LocusShare> loci;  // most votes first, at most max_loci
  uint64_t distinct_loci = 0;
  NetworkClass network_class = NetworkClass::kUnknown;  // the class most of the votes came from
  double government_share = 0;
  bool state_apparatus = false;
  double option_share = 0;    // share of the option inside the flagged windows
  double baseline_share = 0;  // what the same loci gave it outside them
  double office_hours_share = 0;
  double top_token_share = 0;  // of the cohort's votes, on its most used share token
  std::string top_token;
  double top_referrer_share = 0;
  std::string top_referrer;
  double repeat_device_rate = 0;  // cohort votes whose device id voted more than once in the poll
  double cleared_cookie_rate = 0;  // cohort votes repeated within minutes from the same address and browser
                                   // family under another device id (RepeatDevices; not on CGNAT IPv4)
  uint64_t own_link_votes = 0;     // votes that joined through the cohort's own link (ExtendAlongOwnLinks)
  uint64_t trigger_votes = 0;      // votes that joined on the response after the trigger (ExtendAlongTrigger)
  double trigger_delay_minutes = 0;  // the fitted mean delay of that response (0: not followed)
  double off_link_excess = 0;        // a link campaign's estimated members off its link (Cohort::off_link)
  double top_ua_share = 0;
  std::string top_ua;
  std::vector<std::string> found_at;  // "address 203.0.113.7 (30 min window, LLR 41.2)"
  std::vector<std::string> lines;     // plain-language evidence
};

std::vector<EvidenceCard> BuildEvidence(const VoteLog& log, const std::vector<Cohort>& cohorts,
                                        const EvidenceConfig& config = {});

}  // namespace pantau::integrity

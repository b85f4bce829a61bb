// Vote: exactly what pantau stores about one vote (DESIGN.md §4). The raw IP address is never here:
// only its /24 (IPv4) or /48 (IPv6) prefix, a keyed hash of the full address, and the network's ASN and
// class. The ledger commits to every field.
#pragma once

#include <cstdint>
#include <string>

#include "core/ids.h"
#include "core/network_class.h"
#include "core/poll.h"
#include "core/time.h"
#include "core/user_agent.h"

namespace pantau {

struct NetworkLocus {
  std::string prefix;    // "203.0.113.0/24" or "2001:db8:1::/48"
  std::string ip_hash;   // hex keyed hash of the full address under the poll's secret
  uint32_t asn = 0;      // 0 = unknown
  NetworkClass network_class = NetworkClass::kUnknown;
  bool operator==(const NetworkLocus&) const = default;
};

struct Vote {
  PollId poll;
  uint64_t seq = 0;            // 1-based position in the poll's ledger; assigned by the ledger
  Timestamp time;              // server receive time
  int choice = 0;              // PollOption::number
  AssuranceTier tier = AssuranceTier::kOpen;
  std::string device_id;       // random first-party cookie value
  NetworkLocus locus;
  UserAgentFamily user_agent;
  std::string share_token;     // the `s` parameter of the link that brought the voter
  std::string referrer_host;   // host part of the Referer header, lower case
  std::string panel_token_hash;  // panel tier only: hash of the single-use token consumed
  bool operator==(const Vote&) const = default;
};

}  // namespace pantau

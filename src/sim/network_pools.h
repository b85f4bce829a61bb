// NetworkPools: real IPv4 ranges of the networks a simulated poll draws addresses from — Indonesian
// carriers (Telkomsel AS23693, Indosat AS4761, XL AS24203), fixed ISPs (Telkom AS7713, Biznet
// AS17451, ...), government networks and hosting providers — read from @ip-location-db/asn's
// asn-ipv4.csv (the same data the netintel table is built from), so netintel classifies them as it
// would classify real votes. The caller reads the file; this module does no I/O.
//   PANTAU_ASSIGN_OR_RETURN(NetworkPools pools, NetworkPools::FromAsnCsv(text, DefaultAsns()));
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "sim/rng.h"

namespace pantau::sim {

struct Ipv4Range {
  uint32_t first = 0;  // host order
  uint32_t last = 0;
};

// The ASNs the named scenarios use.
struct Asns {
  std::vector<uint32_t> mobile{23693, 4761, 24203};            // Telkomsel, Indosat, XL Axiata
  std::vector<double> mobile_weight{0.55, 0.25, 0.20};
  std::vector<uint32_t> fixed{7713, 17451, 9341, 4800};        // Telkom, Biznet, Icon+, Lintasarta
  std::vector<double> fixed_weight{0.70, 0.15, 0.08, 0.07};
  // Regional-government networks (Diskominfo Kota Bogor, Tangerang Selatan, Kota Bekasi, Jawa Tengah).
  std::vector<uint32_t> government{45316, 137342, 137379, 131724};
  std::vector<uint32_t> hosting{14061, 24940, 16509};          // DigitalOcean, Hetzner, Amazon
  // Loaded but used only by scenarios that name them: PT Internet Berkah Sulawesi (a Manado ISP).
  std::vector<uint32_t> extra{154097};
  std::vector<uint32_t> All() const;
};

// An IPv6 /48 as its top 48 bits (in the low bits of the value).
using Ipv6Prefix48 = uint64_t;

class NetworkPools {
 public:
  // Keeps the rows of `asn_csv` ("first,last,asn,org", IPv4 only) whose ASN is in `asns`. NotFound
  // naming the ASN when one of them has no range; InvalidArgument for an unreadable row.
  static Result<NetworkPools> FromAsnCsv(std::string_view asn_csv, const Asns& asns);
  // Documentation-free fallback for tests without node_modules: one made-up /16 per ASN in
  // 10.0.0.0/8 (netintel classifies these as unknown).
  static NetworkPools Synthetic(const Asns& asns);

  // Adds the IPv6 ranges (asn-ipv6.csv) of the loaded ASNs; ranges smaller than a /48 are skipped.
  // ASNs without IPv6 are fine (HasIpv6 says false). InvalidArgument for an unreadable file.
  Status AddIpv6(std::string_view asn_ipv6_csv);

  bool Has(uint32_t asn) const { return ranges_.contains(asn); }
  bool HasIpv6(uint32_t asn) const { return ranges6_.contains(asn); }
  // A uniformly random address of `asn` (must be one of the loaded ones), host order.
  uint32_t RandomAddress(uint32_t asn, Rng& rng) const;
  // A random /48 inside one of `asn`'s IPv6 ranges (HasIpv6(asn) must hold).
  Ipv6Prefix48 RandomPrefix48(uint32_t asn, Rng& rng) const;
  const Asns& asns() const { return asns_; }

 private:
  struct Prefix48Range {
    Ipv6Prefix48 first = 0, last = 0;
  };
  Asns asns_;
  std::unordered_map<uint32_t, std::vector<Ipv4Range>> ranges_;
  std::unordered_map<uint32_t, uint64_t> sizes_;  // total addresses per ASN
  std::unordered_map<uint32_t, std::vector<Prefix48Range>> ranges6_;
};

std::string Ipv4ToString(uint32_t host_order);
// RFC 5952 text of the address whose top 64 bits are `high` and low 64 bits `low`.
std::string Ipv6ToString(uint64_t high, uint64_t low);

}  // namespace pantau::sim

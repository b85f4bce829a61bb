// Shared by the integrity suites that simulate polls: the simulator's network and user-agent pools
// (from the npm data packages) and the built ASN table, loaded once per test program.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "netintel/network_intel.h"
#include "sim/network_pools.h"
#include "sim/ua_pool.h"

namespace pantau::integrity {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Fixture {
  sim::NetworkPools pools;
  sim::UaPool uas;
  netintel::NetworkIntel intel;
};

inline const Fixture& Shared() {
  static const Fixture f = [] {
    auto pools = sim::NetworkPools::FromAsnCsv(
        ReadFile(PANTAU_SOURCE_DIR "/node_modules/@ip-location-db/asn/asn-ipv4.csv"), sim::Asns{});
    if (pools && !pools->AddIpv6(ReadFile(PANTAU_SOURCE_DIR "/node_modules/@ip-location-db/asn/asn-ipv6.csv")))
      throw std::runtime_error("scenario fixtures: unreadable asn-ipv6.csv");
    auto uas = sim::UaPool::FromUserAgentsJson(ReadFile(PANTAU_SOURCE_DIR "/node_modules/user-agents/dist/user-agents.json"));
    auto intel = netintel::NetworkIntel::Open(netintel::DefaultTablePath());
    if (!pools || !uas || !intel) throw std::runtime_error("scenario fixtures: node_modules or the ASN table missing");
    return Fixture{std::move(*pools), std::move(*uas), std::move(*intel)};
  }();
  return f;
}

}  // namespace pantau::integrity

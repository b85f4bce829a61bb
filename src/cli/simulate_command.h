// `pantau simulate --scenario tomohon --seed 7 --out DIR [--votes N]`: writes a simulated poll with
// ground truth — DIR/votes.csv (DESIGN.md §5, raw ip), DIR/truth.csv (row,label) and DIR/shares.json
// (true organic shares). Addresses come from @ip-location-db/asn, user agents from npm user-agents.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/error.h"
#include "sim/network_pools.h"
#include "sim/ua_pool.h"

namespace pantau::cli {

void AddSimulateCommand(CLI::App& app);

// Shared with `eval`: empty paths mean the node_modules copies in the source tree.
Result<sim::NetworkPools> LoadNetworkPools(const std::string& asn_csv_path);
// Falls back to a small built-in list (with a warning) when the user-agents data cannot be read.
sim::UaPool LoadUaPool(const std::string& user_agents_json_path);

}  // namespace pantau::cli

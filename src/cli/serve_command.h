// `pantau serve`: the poll server — SQLite store, group-committed hash-chained ledger, network
// intelligence, the HTTP API and pages, live results. `--demo` adds the Tomohon demo poll with
// simulated voters (scripts/demo.sh).
#pragma once

#include <CLI/CLI.hpp>

namespace pantau::cli {

void AddServeCommand(CLI::App& app);

}  // namespace pantau::cli

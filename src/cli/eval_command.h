// `pantau eval [--scenarios a,b] [--seeds N] [--votes N]`: simulates each scenario with each seed,
// runs the engine and the naive deduplication baselines (per IP, per cookie, per (IP, UA)) on the
// round-tripped CSV, and prints precision, recall, organic FPR (all / shared addresses), adjusted-share
// error and winner recovery side by side, per scenario and pooled. Exit 0 (measurement, not a gate).
#pragma once

#include <CLI/CLI.hpp>

namespace pantau::cli {

void AddEvalCommand(CLI::App& app);

}  // namespace pantau::cli

// `pantau verify <db-or-export>`: recomputes every poll's hash chain from a pantau SQLite database or
// an exported vote-log CSV and reports the first broken link (exit 1) or OK with counts (exit 0).
#pragma once

#include <CLI/CLI.hpp>

namespace pantau::cli {

void AddVerifyCommand(CLI::App& app);

}  // namespace pantau::cli

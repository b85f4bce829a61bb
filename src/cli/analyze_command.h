// `pantau analyze --input votes.csv --flags flags.csv --json report.json [--lenient]`: runs the
// integrity engine on a DESIGN.md §5 vote log and writes flags.csv and report.json; prints a summary.
// Exit status: 0 analysed; 2 the input could not be read or is malformed (the message names the row
// and column; --lenient skips bad rows and counts them instead).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/error.h"
#include "netintel/network_intel.h"

namespace pantau::cli {

void AddAnalyzeCommand(CLI::App& app);

// Helpers shared with `simulate` and `eval`.
Result<std::string> ReadWholeFile(const std::string& path);
Status WriteWholeFile(const std::string& path, std::string_view bytes);
// The ASN table at `path` (empty: the build's). When it cannot be opened, warns on stderr and returns
// an empty table (every locus unknown) unless the path was given explicitly (then nullopt-like error).
Result<netintel::NetworkIntel> OpenAsnTable(const std::string& path);

}  // namespace pantau::cli

// A `pantau`-like driver with only the integrity subcommands (analyze, simulate, eval), so the
// integrity suite can exercise them end to end without the full server build.
#include <CLI/CLI.hpp>

#include "cli/analyze_command.h"
#include "cli/eval_command.h"
#include "cli/simulate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"pantau integrity commands (test driver)"};
  app.require_subcommand(1);
  pantau::cli::AddAnalyzeCommand(app);
  pantau::cli::AddSimulateCommand(app);
  pantau::cli::AddEvalCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

// The `pantau` executable: one subcommand per capability; each wires modules together.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/analyze_command.h"
#include "cli/eval_command.h"
#include "cli/netintel_command.h"
#include "cli/serve_command.h"
#include "cli/simulate_command.h"
#include "cli/verify_command.h"

int main(int argc, char** argv) {
  CLI::App app{"pantau — election-integrity platform for Indonesian regional elections (Pilkada)"};
  app.set_version_flag("--version", "pantau 0.1.0");
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->envname("PANTAU_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.parse_complete_callback([&] { spdlog::set_level(spdlog::level::from_str(log_level)); });
  pantau::cli::AddServeCommand(app);
  pantau::cli::AddVerifyCommand(app);
  pantau::cli::AddNetintelCommand(app);
  pantau::cli::AddAnalyzeCommand(app);
  pantau::cli::AddSimulateCommand(app);
  pantau::cli::AddEvalCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

#include "cli/simulate_command.h"

#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/analyze_command.h"
#include "sim/generator.h"
#include "sim/scenario.h"

namespace pantau::cli {
namespace {

struct SimulateOptions {
  std::string scenario = "tomohon", out, asn_csv, user_agents;
  uint64_t seed = 1;
  int votes = 20000;
};

int RunSimulate(const SimulateOptions& o) {
  auto scenario = sim::NamedScenario(o.scenario, o.votes);
  if (!scenario) {
    fmt::print(stderr, "simulate: {}\n", scenario.error().message);
    return 2;
  }
  auto pools = LoadNetworkPools(o.asn_csv);
  if (!pools) {
    fmt::print(stderr, "simulate: {}\n", pools.error().message);
    return 2;
  }
  const sim::UaPool uas = LoadUaPool(o.user_agents);
  auto poll = sim::Generate(*scenario, *pools, uas, o.seed);
  if (!poll) {
    fmt::print(stderr, "simulate: {}\n", poll.error().message);
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) {
    fmt::print(stderr, "simulate: cannot create {}: {}\n", o.out, ec.message());
    return 2;
  }
  const std::filesystem::path dir(o.out);
  for (const auto& [name, bytes] : {std::pair{"votes.csv", sim::VotesCsv(*poll)}, std::pair{"truth.csv", sim::TruthCsv(*poll)},
                                    std::pair{"shares.json", sim::SharesJson(*poll)}})
    if (auto w = WriteWholeFile((dir / name).string(), bytes); !w) {
      fmt::print(stderr, "simulate: {}\n", w.error().message);
      return 2;
    }
  size_t coordinated = 0;
  for (const auto& v : poll->votes) coordinated += v.label != sim::Label::kOrganic;
  fmt::print("simulate: scenario {} ({}) seed {}: {} votes ({} coordinated) -> {}/votes.csv, truth.csv, shares.json\n",
             o.scenario, scenario->description, o.seed, poll->votes.size(), coordinated, o.out);
  return 0;
}

}  // namespace

Result<sim::NetworkPools> LoadNetworkPools(const std::string& path) {
  const std::string p = path.empty() ? PANTAU_SOURCE_DIR "/node_modules/@ip-location-db/asn/asn-ipv4.csv" : path;
  auto text = ReadWholeFile(p);
  if (!text)
    return std::unexpected(Error::NotFound(fmt::format("{} (run scripts/deps.sh or pass --asn-csv)", text.error().message)));
  auto pools = sim::NetworkPools::FromAsnCsv(*text, sim::Asns{});
  if (!pools) return pools;
  // The IPv6 table sits next to the IPv4 one; without it only the IPv6 scenario fails.
  const std::string v6 = std::filesystem::path(p).replace_filename("asn-ipv6.csv").string();
  if (auto v6_text = ReadWholeFile(v6)) PANTAU_RETURN_IF_ERROR(pools->AddIpv6(*v6_text));
  return pools;
}

sim::UaPool LoadUaPool(const std::string& path) {
  const std::string p = path.empty() ? PANTAU_SOURCE_DIR "/node_modules/user-agents/dist/user-agents.json" : path;
  auto text = ReadWholeFile(p);
  if (text)
    if (auto pool = sim::UaPool::FromUserAgentsJson(*text)) return std::move(*pool);
  fmt::print(stderr, "warning: cannot use {}; using a small built-in user-agent list\n", p);
  return sim::UaPool::Builtin();
}

void AddSimulateCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate", "Write a simulated poll (votes, ground truth, true shares)");
  auto o = std::make_shared<SimulateOptions>();
  std::string names;
  for (const auto& n : sim::ScenarioNames()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--scenario", o->scenario, "One of: " + names)->capture_default_str();
  cmd->add_option("--seed", o->seed, "Random seed (same seed, same bytes)")->capture_default_str();
  cmd->add_option("--votes", o->votes, "Organic votes (injected parts scale with it)")->capture_default_str();
  cmd->add_option("--out", o->out, "Output directory")->required();
  cmd->add_option("--asn-csv", o->asn_csv, "asn-ipv4.csv of @ip-location-db/asn, asn-ipv6.csv beside it (default: node_modules)");
  cmd->add_option("--user-agents", o->user_agents, "user-agents.json of npm user-agents (default: node_modules)");
  cmd->callback([o] {
    if (const int rc = RunSimulate(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

#include "cli/serve_command.h"

#include <filesystem>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/poll_api.h"
#include "cli/demo.h"
#include "core/region.h"
#include "crypto/crypto.h"
#include "http/server.h"
#include "ledger/group_committer.h"
#include "ledger/journaled_store.h"
#include "netintel/network_intel.h"
#include "store/sqlite/sqlite_store.h"

namespace pantau::cli {
namespace {

struct ServeConfig {
  std::string db = "var/pantau.db";
  std::string listen = "127.0.0.1:8080";
  std::string web_root;
  std::string asn_table;
  double rate_limit = 20;
  double rate_burst = 600;
  bool trust_proxy = false;
  bool secure_cookies = false;
  bool demo = false;
  double demo_rate = 3;
  int io_threads = 1;
};

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size())
    return std::unexpected(Error::InvalidArgument(fmt::format("--listen '{}' must be HOST:PORT", text)));
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    return std::unexpected(Error::InvalidArgument(fmt::format("--listen '{}': bad port", text)));
  return std::pair{host, static_cast<uint16_t>(port)};
}

std::string DefaultWebRoot() {
  if (std::filesystem::exists("web/public/index.html")) return "web/public";
  return PANTAU_SOURCE_DIR "/web/public";
}

netintel::NetworkIntel OpenNetworkIntel(const std::string& path) {
  auto intel = netintel::NetworkIntel::Open(path);
  if (intel) return std::move(*intel);
  spdlog::warn("network table {} unavailable ({}); every vote's network class will be 'unknown'", path,
               intel.error().message);
  return netintel::NetworkIntel::Empty();
}

int RunServe(const ServeConfig& config) {
  crypto::Init();
  auto listen = ParseListen(config.listen);
  if (!listen) {
    fmt::print(stderr, "serve: {}\n", listen.error().message);
    return 2;
  }
  if (const auto dir = std::filesystem::path(config.db).parent_path(); !dir.empty())
    std::filesystem::create_directories(dir);
  // Votes live in the vote log beside the database (acknowledged once logged, read back from it); the
  // database keeps polls, their secrets and panel tokens.
  auto database = store::SqliteStore::Open(config.db);
  if (!database) {
    fmt::print(stderr, "serve: cannot open database {}: {}\n", config.db, database.error().ToLogString());
    return 2;
  }
  const std::string log_dir = ledger::VoteLogDirOf(config.db);
  auto opened = ledger::JournaledStore::Open(std::move(*database), log_dir);
  if (!opened) {
    fmt::print(stderr, "serve: cannot open the vote log {}: {}\n", log_dir, opened.error().ToLogString());
    return 2;
  }
  store::Store& store = **opened;
  const netintel::NetworkIntel intel =
      OpenNetworkIntel(config.asn_table.empty() ? netintel::DefaultTablePath() : config.asn_table);
  const Clock& clock = SystemClock::Instance();

  polls::PollRegistry registry(store);
  polls::VoteService* votes_ptr = nullptr;
  http::TickBroadcaster* events_ptr = nullptr;
  ledger::GroupCommitter committer(store, {}, [&](const std::vector<store::LedgerEntry>& batch) {
    votes_ptr->OnDurableBatch(batch);
    const std::string* last = nullptr;
    for (const auto& e : batch) {
      if (last == nullptr || *last != e.vote.poll.value()) events_ptr->MarkChanged(e.vote.poll.value());
      last = &e.vote.poll.value();
    }
  });
  polls::VoteService votes(registry, store, committer, intel, clock);
  polls::PollService polls(store, registry, RegionDirectory::Builtin(), clock);
  polls::ResultsService results(registry, clock);
  http::RateLimiter limiter({.burst = config.rate_limit > 0 ? config.rate_burst : 0, .per_second = config.rate_limit},
                            clock);
  std::unique_ptr<api::PollApi> api_ptr;
  http::TickBroadcaster events({.event = "results"}, [&](const std::string& poll, uint64_t& version) {
    return api_ptr->ProduceResults(poll, version);
  });
  votes_ptr = &votes;
  events_ptr = &events;
  if (auto started = committer.Start(); !started) {
    fmt::print(stderr, "serve: cannot start the ledger: {}\n", started.error().ToLogString());
    return 2;
  }

  const std::string web_root = config.web_root.empty() ? DefaultWebRoot() : config.web_root;
  std::unique_ptr<http::StaticFiles> pages;
  // The pages change with each release and are tiny: always revalidate (ETag) rather than cache.
  if (std::filesystem::is_directory(web_root))
    pages = std::make_unique<http::StaticFiles>(web_root, http::StaticFiles::Options{.asset_cache_control = "no-cache"});
  else spdlog::warn("web root {} not found; serving the API only", web_root);
  api_ptr = std::make_unique<api::PollApi>(
      api::PollApiDeps{polls, votes, results, store, limiter, events, pages.get()},
      api::PollApiOptions{.secure_cookies = config.secure_cookies});
  http::Router router;
  api_ptr->Register(router);

  http::Server::Options server_options{
      .io_threads = config.io_threads, .trust_proxy = config.trust_proxy, .handle_signals = true};
  // Candidate photos are https URLs chosen by the poll owner; everything else stays same-origin.
  server_options.content_security_policy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
      "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
      "frame-ancestors 'none'";
  http::Server server(server_options, router);
  auto port = server.Listen(listen->first, listen->second);
  if (!port) {
    fmt::print(stderr, "serve: cannot listen on {}: {}\n", config.listen, port.error().ToLogString());
    return 2;
  }

  std::unique_ptr<DemoTraffic> demo;
  if (config.demo) {
    auto poll = EnsureDemoPoll(polls, (std::filesystem::path(config.db).parent_path() / "demo-owner-key.txt").string());
    if (!poll) {
      fmt::print(stderr, "serve: demo poll: {}\n", poll.error().ToLogString());
      return 2;
    }
    demo = std::make_unique<DemoTraffic>(votes, *poll, config.demo_rate, /*seed=*/20241127);
    demo->Start();
    fmt::print("demo poll: http://{}:{}/p/{}  results: http://{}:{}/p/{}/hasil\n", listen->first, *port,
               poll->value(), listen->first, *port, poll->value());
  }
  fmt::print("pantau serving on http://{}:{} (database {}, network table {})\n", listen->first, *port, config.db,
             intel.empty() ? "none" : std::string(intel.data_version()));
  std::fflush(stdout);
  server.Run();
  if (demo) demo->Stop();
  committer.Stop();
  spdlog::info("pantau stopped");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto config = std::make_shared<ServeConfig>();
  auto* cmd = app.add_subcommand("serve", "Run the poll server (HTTP API, pages, live results)");
  cmd->add_option("--db", config->db, "SQLite database file (created if missing)")->envname("PANTAU_DB")->capture_default_str();
  cmd->add_option("--listen", config->listen, "HOST:PORT to listen on")->envname("PANTAU_LISTEN")->capture_default_str();
  cmd->add_option("--web-root", config->web_root, "Directory of the pages to serve (default web/public)")->envname("PANTAU_WEB_ROOT");
  cmd->add_option("--asn-table", config->asn_table, "Network table built from @ip-location-db/asn (default: the build's)")
      ->envname("PANTAU_ASN_TABLE");
  cmd->add_option("--rate-limit", config->rate_limit, "Votes per second per /24 (IPv6 /48) prefix; 0 = off")
      ->envname("PANTAU_RATE_LIMIT")->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--rate-burst", config->rate_burst, "Votes a prefix may send at once before the rate applies")
      ->envname("PANTAU_RATE_BURST")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_flag("--trust-proxy", config->trust_proxy, "Take the client address from the right-most X-Forwarded-For")
      ->envname("PANTAU_TRUST_PROXY");
  cmd->add_flag("--secure-cookies", config->secure_cookies, "Mark the device cookie Secure (serve behind TLS)")
      ->envname("PANTAU_SECURE_COOKIES");
  cmd->add_option("--io-threads", config->io_threads, "HTTP io threads")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_flag("--demo", config->demo, "Create the Kota Tomohon demo poll and simulate voters");
  cmd->add_option("--demo-rate", config->demo_rate, "Simulated organic votes per second")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([config] {
    if (const int rc = RunServe(*config); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

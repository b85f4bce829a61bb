#include "cli/netintel_command.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/region.h"
#include "netintel/ip_prefix.h"
#include "netintel/network_intel.h"

namespace pantau::cli {
namespace {

using netintel::IpAddress;
using netintel::NetworkIntel;

struct NetintelOptions {
  std::string table;  // empty: DefaultTablePath()
  std::vector<std::string> ips;
  bool no_header = false;
};

void AddTableOption(CLI::App* cmd, NetintelOptions& opts) {
  cmd->add_option("--asn-table", opts.table,
                  fmt::format("ASN table built from @ip-location-db/asn (default: {})", netintel::DefaultTablePath()))
      ->envname("PANTAU_ASN_TABLE");
}

// The opened table and how long opening took, or an error already printed (exit status 2).
std::optional<std::pair<NetworkIntel, double>> OpenTable(std::string_view command, const NetintelOptions& opts) {
  const std::string path = opts.table.empty() ? netintel::DefaultTablePath() : opts.table;
  const auto start = std::chrono::steady_clock::now();
  auto intel = NetworkIntel::Open(path);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!intel) {
    fmt::print(stderr, "netintel {}: {}\n", command, intel.error().message);
    if (!opts.table.empty()) return std::nullopt;
    fmt::print(stderr, "  build it with `cmake --build <build-dir> --target netintel_table`, or pass --asn-table\n");
    return std::nullopt;
  }
  return std::make_pair(std::move(*intel), ms);
}

std::string RegionName(const std::optional<RegionCode>& code) {
  if (!code) return "-";
  const Region* region = RegionDirectory::Builtin().Find(*code);
  return region ? region->name : "-";
}

int RunLookup(const NetintelOptions& opts) {
  auto table = OpenTable("lookup", opts);
  if (!table) return 2;
  const NetworkIntel& intel = table->first;
  if (!opts.no_header) fmt::print("ip\tprefix\tasn\torg\tclass\tregion\tregion_name\n");
  int bad = 0;
  for (const std::string& text : opts.ips) {
    auto ip = IpAddress::Parse(text);
    if (!ip) {
      fmt::print(stderr, "netintel lookup: {}\n", ip.error().message);
      ++bad;
      continue;
    }
    const netintel::LookupResult r = intel.Lookup(*ip);
    fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", ip->ToString(), netintel::PrefixOf(*ip),
               r.asn ? fmt::format("AS{}", r.asn) : "-", r.org.empty() ? "-" : r.org,
               kNetworkClassNames.Name(r.network_class), r.region ? r.region->value() : "-", RegionName(r.region));
  }
  if (bad > 0) {
    fmt::print(stderr, "netintel lookup: {} of {} addresses could not be parsed\n", bad, opts.ips.size());
    return 1;
  }
  return 0;
}

int RunStats(const NetintelOptions& opts) {
  auto table = OpenTable("stats", opts);
  if (!table) return 2;
  const auto& [intel, open_ms] = *table;
  const netintel::TableStats s = intel.Stats();
  fmt::print("table       {} ({:.1f} MB, opened and verified in {:.1f} ms)\n",
             opts.table.empty() ? netintel::DefaultTablePath() : opts.table, s.file_size / 1e6, open_ms);
  fmt::print("data        {} (CC BY 4.0: RouteViews, DB-IP, NRO; see data/netintel/README.md)\n", s.data_version);
  fmt::print("rules       {} rules, digest {:016x}\n", s.rule_count, s.rules_digest);
  fmt::print("ranges      {} IPv4, {} IPv6 (including the gaps between them)\n\n", s.v4_ranges, s.v6_ranges);
  fmt::print("{:<11} {:>7} {:>10} {:>12} {:>14} {:>10} {:>12}\n", "class", "orgs", "v4 ranges", "v4 prefixes",
             "v4 addresses", "v6 ranges", "v6 prefixes");
  for (const auto& [cls, name] : kNetworkClassNames.entries) {
    const netintel::ClassStats& c = s.of(cls);
    fmt::print("{:<11} {:>7} {:>10} {:>12} {:>14} {:>10} {:>12}\n", name, c.orgs, c.v4_ranges, c.v4_prefixes,
               c.v4_addresses, c.v6_ranges, c.v6_prefixes);
  }
  const double share = s.government_orgs ? 100.0 * s.government_orgs_with_region / s.government_orgs : 0.0;
  fmt::print("\ngovernment  {} organisations, {} linked to a Kemendagri region ({:.0f}%), {} regions covered of {}\n",
             s.government_orgs, s.government_orgs_with_region, share, s.regions_covered,
             RegionDirectory::Builtin().All().size());
  return 0;
}

}  // namespace

void AddNetintelCommand(CLI::App& app) {
  auto* netintel = app.add_subcommand("netintel", "What kind of network an IP address belongs to (ASN table)");
  netintel->require_subcommand(1);

  auto lookup_opts = std::make_shared<NetintelOptions>();
  auto* lookup = netintel->add_subcommand("lookup", "Look up IP addresses: AS, organisation, class, region");
  AddTableOption(lookup, *lookup_opts);
  lookup->add_option("ip", lookup_opts->ips, "IPv4 or IPv6 addresses (no zone ids, no zero-padded octets)")
      ->required();
  lookup->add_flag("--no-header", lookup_opts->no_header, "Omit the header line");
  lookup->footer(
      "Output: one tab-separated line per address: ip, prefix (/24 or /48 locus), asn, org, class\n"
      "(government, mobile, fixed, hosting, unknown), region code, region name.\n"
      "Exit status: 0 all addresses looked up; 1 some did not parse (each is named on stderr);\n"
      "2 the ASN table could not be opened.");
  lookup->callback([lookup_opts] {
    if (const int rc = RunLookup(*lookup_opts); rc != 0) throw CLI::RuntimeError(rc);
  });

  auto stats_opts = std::make_shared<NetintelOptions>();
  auto* stats = netintel->add_subcommand("stats", "Counts per network class and government-to-region coverage");
  AddTableOption(stats, *stats_opts);
  stats->footer("Exit status: 0 printed; 2 the ASN table could not be opened.");
  stats->callback([stats_opts] {
    if (const int rc = RunStats(*stats_opts); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

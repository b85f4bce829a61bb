// gen_asn_table: the build step that compiles @ip-location-db/asn and data/netintel/rules.tsv into the
// binary table NetworkIntel maps (src/netintel/table_format.h). Run by CMake (target netintel_table):
//   gen_asn_table --ipv4 asn-ipv4.csv --ipv6 asn-ipv6.csv --rules rules.tsv
//                 --data-version "@ip-location-db/asn 2.3.2026061719" --out asn.bin [--report report.tsv]
// The table is written to <out>.tmp and renamed, so a failed run never leaves a torn table behind. The
// report lists every classified organisation with its class, region link and deciding rule line: read
// it when reviewing a change to the rules.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "netintel/asn_csv.h"
#include "netintel/classification_rules.h"
#include "netintel/table_builder.h"

namespace pantau::netintel {
namespace {

struct Options {
  std::string ipv4, ipv6, rules, data_version, out, report;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(Error::NotFound(fmt::format("cannot read {}", path)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status WriteFile(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return std::unexpected(Error::Unavailable(fmt::format("cannot write {}", tmp)));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return std::unexpected(Error::Unavailable(fmt::format("cannot rename {} to {}: {}", tmp, path, ec.message())));
  return Ok();
}

std::string Tsv(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

std::string Report(const TableBuilder& builder) {
  std::string out = "class\tasn\torg\tregion\tlink\trule_line\tv4_addresses\tv6_ranges\n";
  for (const EntryReport& e : builder.entries()) {
    const Classification& c = e.classification;
    if (c.rule == nullptr) continue;
    std::string link = c.rule->region_mode == RegionMode::kAuto ? std::string(kLinkStatusNames.Name(c.link.status)) : "-";
    if (!c.link.candidates.empty()) {
      link += ":";
      for (size_t i = 0; i < c.link.candidates.size(); ++i) link += (i ? "," : "") + c.link.candidates[i].value();
    }
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", kNetworkClassNames.Name(c.network_class), e.asn, Tsv(e.org),
                       c.region ? c.region->value() : "-", link, c.rule->line, e.v4_addresses, e.v6_ranges);
  }
  return out;
}

Status Run(const Options& o) {
  PANTAU_ASSIGN_OR_RETURN(const std::string rules_text, ReadFile(o.rules));
  PANTAU_ASSIGN_OR_RETURN(const ClassificationRules rules, ClassificationRules::Parse(rules_text));
  TableBuilder builder(rules);
  size_t rows = 0;
  for (const std::string* path : {&o.ipv4, &o.ipv6}) {
    PANTAU_ASSIGN_OR_RETURN(const std::string csv, ReadFile(*path));
    Status parsed = ParseAsnCsv(csv, [&](const AsnCsvRow& row) {
      ++rows;
      return builder.AddRange(row.first, row.last, row.asn, row.org);
    });
    if (!parsed) return std::unexpected(Error::InvalidArgument(fmt::format("{}: {}", *path, parsed.error().message)));
  }
  PANTAU_ASSIGN_OR_RETURN(const std::string table, builder.Build(o.data_version));
  PANTAU_RETURN_IF_ERROR(WriteFile(o.out, table));
  if (!o.report.empty()) PANTAU_RETURN_IF_ERROR(WriteFile(o.report, Report(builder)));

  std::map<NetworkClass, size_t> per_class;
  size_t gov = 0, gov_linked = 0;
  for (const EntryReport& e : builder.entries()) {
    if (e.asn == 0) continue;
    ++per_class[e.classification.network_class];
    if (e.classification.network_class == NetworkClass::kGovernment) {
      ++gov;
      if (e.classification.region) ++gov_linked;
    }
  }
  fmt::print("gen_asn_table: {} rows, {} rules -> {} ({} bytes, {} organisations", rows, rules.rules().size(), o.out,
             table.size(), builder.entries().size() - 1);
  for (const auto& [cls, n] : per_class) fmt::print(", {} {}", n, kNetworkClassNames.Name(cls));
  fmt::print("; {} of {} government organisations linked to a region)\n", gov_linked, gov);
  return Ok();
}

}  // namespace
}  // namespace pantau::netintel

int main(int argc, char** argv) {
  using pantau::netintel::Options;
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--ipv4") o.ipv4 = value;
    else if (flag == "--ipv6") o.ipv6 = value;
    else if (flag == "--rules") o.rules = value;
    else if (flag == "--data-version") o.data_version = value;
    else if (flag == "--out") o.out = value;
    else if (flag == "--report") o.report = value;
    else {
      fmt::print(stderr, "gen_asn_table: unknown flag {}\n", flag);
      return 2;
    }
  }
  if (argc % 2 == 0 || o.ipv4.empty() || o.ipv6.empty() || o.rules.empty() || o.out.empty()) {
    fmt::print(stderr,
               "usage: gen_asn_table --ipv4 CSV --ipv6 CSV --rules TSV --out FILE [--data-version TEXT] "
               "[--report TSV]\n");
    return 2;
  }
  if (auto status = pantau::netintel::Run(o); !status) {
    fmt::print(stderr, "gen_asn_table: {}\n", status.error().ToLogString());
    return 1;
  }
  return 0;
}

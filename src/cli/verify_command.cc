#include "cli/verify_command.h"

#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/csv.h"
#include "ledger/chain.h"
#include "polls/vote_log_csv.h"
#include "store/sqlite/sqlite_store.h"

namespace pantau::cli {
namespace {

int Report(const std::map<std::string, ledger::ChainVerifier>& polls, std::string_view source) {
  int broken = 0;
  uint64_t total = 0;
  for (const auto& [poll, v] : polls) {
    total += v.verified();
    if (v.broken()) {
      ++broken;
      fmt::print("BROKEN poll {}: first broken link at seq {}: {} ({} entries verified before it)\n", poll,
                 v.broken()->seq, v.broken()->reason, v.verified());
    } else {
      fmt::print("OK     poll {}: {} entries, chain tail {}\n", poll, v.verified(), ledger::ToHex(v.tail().hash));
    }
  }
  if (broken > 0) {
    fmt::print(stderr, "verify: {}: {} of {} polls have a broken chain\n", source, broken, polls.size());
    return 1;
  }
  fmt::print("verify: {}: OK, {} polls, {} entries\n", source, polls.size(), total);
  return 0;
}

int VerifyDatabase(const std::string& path) {
  auto store = store::SqliteStore::Open(path);
  if (!store) {
    fmt::print(stderr, "verify: cannot open {}: {}\n", path, store.error().message);
    return 2;
  }
  auto polls = (*store)->ListPolls();
  if (!polls) {
    fmt::print(stderr, "verify: {}: {}\n", path, polls.error().message);
    return 2;
  }
  std::map<std::string, ledger::ChainVerifier> verifiers;
  for (const auto& poll : *polls) {
    auto& v = verifiers[poll.id.value()];
    auto scanned = (*store)->ScanEntries(poll.id, 1, [&](const store::LedgerEntry& e) { return v.Add(e); });
    if (!scanned) {
      fmt::print(stderr, "verify: {}: reading poll {}: {}\n", path, poll.id.value(), scanned.error().message);
      return 2;
    }
  }
  return Report(verifiers, path);
}

int VerifyExport(const std::string& path, const std::string& text) {
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto header = reader.Next(fields);
  if (!header || !*header) {
    fmt::print(stderr, "verify: {}: {}\n", path, header ? "empty file" : header.error().message);
    return 2;
  }
  auto columns = polls::VoteLogColumns::FromHeader(fields);
  if (!columns) {
    fmt::print(stderr, "verify: {}: header: {}\n", path, columns.error().message);
    return 2;
  }
  std::map<std::string, ledger::ChainVerifier> verifiers;
  size_t row = 0;
  while (true) {
    auto more = reader.Next(fields);
    if (!more) {
      fmt::print(stderr, "verify: {}: {}\n", path, more.error().message);
      return 2;
    }
    if (!*more) break;
    ++row;
    auto entry = polls::ParseVoteLogRow(*columns, fields);
    if (!entry) {
      fmt::print(stderr, "verify: {}: row {} (line {}): {}\n", path, row, reader.line(), entry.error().message);
      return 2;
    }
    verifiers[entry->vote.poll.value()].Add(*entry);
  }
  return Report(verifiers, path);
}

int RunVerify(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "verify: cannot read {}\n", path);
    return 2;
  }
  char magic[16] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() == 16 && std::string_view(magic, 16) == std::string_view("SQLite format 3\0", 16))
    return VerifyDatabase(path);
  in.clear();
  in.seekg(0);
  std::ostringstream text;
  text << in.rdbuf();
  return VerifyExport(path, text.str());
}

}  // namespace

void AddVerifyCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("verify", "Re-compute the hash chain of a pantau database or exported vote log");
  auto path = std::make_shared<std::string>();
  cmd->add_option("input", *path, "A pantau SQLite database file or an export.csv")->required();
  cmd->footer(
      "Exit status: 0 every chain is intact; 1 a chain is broken (the first broken link is printed);\n"
      "2 the input could not be read.");
  cmd->callback([path] {
    if (const int rc = RunVerify(*path); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

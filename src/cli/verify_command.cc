#include "cli/verify_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/csv.h"
#include "ledger/chain.h"
#include "ledger/journaled_store.h"
#include "ledger/segment_log.h"
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

// Checks the vote log in `dir` (read-only, safe beside a running server): every poll's chain, and when
// `database` is given, that each logged poll is one of its polls and that the votes it still holds
// itself (from a version that followed votes into it) are a prefix of the log's.
int VerifyLog(const std::string& dir, store::Store* database) {
  std::map<std::string, store::ChainTail> db_tails;
  if (database != nullptr) {
    auto tails = database->LoadChainTails();
    if (!tails) {
      fmt::print(stderr, "verify: {}\n", tails.error().message);
      return 2;
    }
    db_tails = std::move(*tails);
  }
  std::map<std::string, ledger::ChainVerifier> verifiers;
  std::vector<std::string> disagreements;
  auto scanned = ledger::SegmentLog::ScanFiles(dir, [&](const store::LedgerEntry& e) {
    const std::string& poll = e.vote.poll.value();
    verifiers[poll].Add(e);
    auto db = db_tails.find(poll);
    if (db != db_tails.end() && db->second.seq == e.vote.seq && db->second.hash != e.entry_hash)
      disagreements.push_back(fmt::format("poll {} seq {}: the database and the vote log hold different entries",
                                          poll, e.vote.seq));
    return true;
  });
  if (!scanned) {
    fmt::print(stderr, "verify: {}: {}{}\n", dir, scanned.error().message,
               scanned.error().detail.empty() ? "" : " (" + scanned.error().detail + ")");
    return scanned.error().code == ErrorCode::kDataLoss ? 1 : 2;
  }
  if (!scanned->empty()) fmt::print("note: the log ends in an append that never finished: {}\n", *scanned);
  int rc = Report(verifiers, dir);
  if (database == nullptr) return rc;
  // Polls are listed after the scan: a running server creates a poll before its first vote, so every
  // poll the scan saw is in this list (polls are never deleted).
  auto polls = database->ListPolls();
  if (!polls) {
    fmt::print(stderr, "verify: {}\n", polls.error().message);
    return 2;
  }
  std::set<std::string> known;
  for (const auto& poll : *polls) known.insert(poll.id.value());
  for (const auto& [poll, v] : verifiers)
    if (!known.contains(poll))
      disagreements.push_back(fmt::format("poll {}: the vote log holds {} votes of a poll the database lacks", poll,
                                          v.verified()));
  for (const auto& [poll, db_tail] : db_tails) {
    const uint64_t logged = verifiers.contains(poll) ? verifiers.at(poll).tail().seq : 0;
    if (db_tail.seq > logged)
      fmt::print("note: poll {}: the database holds {} votes the vote log lacks (copied into it at the next start)\n",
                 poll, db_tail.seq - logged);
  }
  for (const auto& line : disagreements) fmt::print(stderr, "verify: {}\n", line);
  return disagreements.empty() ? rc : 1;
}

// A database file: with a vote log beside it (as `pantau serve` keeps it), the log holds the votes and
// the database its polls; without one (a database from before the log), the database's own votes —
// unless the database records a vote log (then its votes are missing).
int VerifyDatabase(const std::string& path) {
  auto store = store::SqliteStore::OpenReadOnly(path);
  if (!store) {
    fmt::print(stderr, "verify: cannot open {}: {}\n", path, store.error().message);
    return 2;
  }
  const std::string log_dir = ledger::VoteLogDirOf(path);
  auto recorded = ledger::RecordedVoteLog(**store, log_dir);
  if (!recorded) {
    fmt::print(stderr, "verify: {}: {} ({})\n", path, recorded.error().message, recorded.error().detail);
    return recorded.error().code == ErrorCode::kDataLoss ? 1 : 2;
  }
  if (recorded->has_value() || std::filesystem::is_directory(log_dir)) return VerifyLog(log_dir, store->get());
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
  fmt::print("note: {} has no vote log beside it yet; these are the database's own votes\n", path);
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
  if (std::filesystem::is_directory(path)) return VerifyLog(path, nullptr);
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
  auto* cmd = app.add_subcommand(
      "verify", "Re-compute the hash chains of a pantau database's vote log, a vote-log directory or an export");
  auto path = std::make_shared<std::string>();
  cmd->add_option("input", *path,
                  "A pantau SQLite database file (the votes in its <file>-ledger vote log are checked against "
                  "its polls), a vote-log directory, or an export.csv")
      ->required();
  cmd->footer(
      "Exit status: 0 every chain is intact; 1 a chain is broken (the first broken link is printed);\n"
      "2 the input could not be read.");
  cmd->callback([path] {
    if (const int rc = RunVerify(*path); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

#include "cli/analyze_command.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "core/local_time.h"
#include "cli/progress_bar.h"
#include "core/time.h"
#include "integrity/analysis.h"
#include "integrity/report_writer.h"
#include "integrity/vote_log_reader.h"

namespace pantau::cli {
namespace {

// A read-only mapping of a whole file, unmapped on destruction.
class MappedFile {
 public:
  static Result<std::unique_ptr<MappedFile>> Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::unexpected(Error::NotFound(fmt::format("cannot open {}: {}", path, std::strerror(errno))));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return std::unexpected(Error::Unavailable(fmt::format("cannot stat {}", path)));
    }
    auto file = std::unique_ptr<MappedFile>(new MappedFile());
    file->size_ = static_cast<size_t>(st.st_size);
    if (file->size_ > 0) {
      void* p = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return std::unexpected(Error::Unavailable(fmt::format("cannot map {}: {}", path, std::strerror(errno))));
      }
      ::madvise(p, file->size_, MADV_SEQUENTIAL);
      file->data_ = p;
    }
    ::close(fd);
    return file;
  }
  ~MappedFile() {
    if (data_) ::munmap(data_, size_);
  }
  std::string_view text() const { return {static_cast<const char*>(data_), size_}; }

  // Drops the pages before `offset` from memory (they are read back from the file if touched
  // again), so a file read once from start to end never holds more than a few pages resident.
  void Release(size_t offset) {
    const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t end = std::min(offset, size_) / page * page;
    if (data_ == nullptr || end <= released_) return;
    ::madvise(static_cast<char*>(data_) + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }

 private:
  MappedFile() = default;
  void* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;
};

struct AnalyzeOptions {
  std::string input, flags, json, asn_table, region;
  bool lenient = false;
  bool quiet = false;
  int utc_offset_minutes = 480;
  bool offset_given = false;  // --utc-offset-minutes was passed (it wins over --region)
  int replicates = 99;
  int threads = 2;
  double alpha = 0.05;
  double epsilon = 0.05;
  uint64_t seed = 1;
};

// The result in a few lines: shares with their interval and ε-contamination bounds, the winner and
// how much contamination it would take to change it.
void PrintSummary(const integrity::AnalysisResult& result) {
  const integrity::ContaminationReport& eps = result.contamination;
  fmt::print("{} votes, {} cohort(s) flagged\n", result.votes, result.cohorts.size());
  for (size_t k = 0; k < result.options.size(); ++k) {
    const auto& opt = result.options[k];
    const std::string ci = opt.ci_low < 0 ? std::string()
                                          : fmt::format("  95% CI {:.2f}-{:.2f}%", 100 * opt.ci_low, 100 * opt.ci_high);
    fmt::print("  {:<20} raw {:6.2f}%  adjusted {:6.2f}%{}  with {:g}% contamination {:.2f}-{:.2f}%\n", opt.choice,
               100 * opt.raw_share, 100 * opt.adjusted_share, ci, 100 * eps.epsilon, 100 * eps.bounds[k].low,
               100 * eps.bounds[k].high);
  }
  fmt::print("winner: raw {}, adjusted {}{}\n", result.raw_winner, result.adjusted_winner,
             !result.has_margin_interval ? std::string()
             : fmt::format(", ahead by {:.2f} points (95% CI {:.2f} to {:.2f}){}", 100 * result.margin,
                           100 * result.margin_ci_low, 100 * result.margin_ci_high,
                           result.too_close_to_call ? " — too close to call: the margin's interval reaches zero" : ""));
  if (result.options.size() >= 2)
    fmt::print("{} could lose its lead to {} only if at least {:.2f}% of the counted votes (about {:.0f}) were "
               "non-organic votes for it; with {:g}% contamination it {}\n",
               result.adjusted_winner, result.options[eps.runner_up].choice, 100 * eps.flip_epsilon, eps.flip_votes,
               100 * eps.epsilon, eps.winner_holds ? "still wins" : "could lose");
}

int RunAnalyze(const AnalyzeOptions& o) {
  auto file = MappedFile::Open(o.input);
  if (!file) {
    fmt::print(stderr, "analyze: {}\n", file.error().message);
    return 2;
  }
  auto intel = OpenAsnTable(o.asn_table);
  if (!intel) {
    fmt::print(stderr, "analyze: {}\n", intel.error().message);
    return 2;
  }
  ProgressBar bar(ProgressBar::Wanted(o.quiet), "analyze");
  integrity::ReadOptions read_options{.lenient = o.lenient};
  read_options.on_progress = [&](size_t done, size_t total) {
    bar.Update("reading", done, total);
    // Released a little behind the reader: it may still look at the end of what it reported, and one
    // touched byte maps a whole (up to 2 MB) page-cache folio back in, to stay resident until the end.
    constexpr size_t kLag = 8u << 20;
    (*file)->Release(done > kLag ? done - kLag : 0);
  };
  auto log = integrity::ReadVoteLog((*file)->text(), *intel, read_options);
  file->reset();  // the log holds no views into the text
  bar.Done();
  if (!log) {
    fmt::print(stderr, "analyze: {}: {}\n", o.input, log.error().message);
    return 2;
  }
  if (log->skipped_rows > 0) {
    fmt::print(stderr, "analyze: {}: skipped {} bad row(s) of {}\n", o.input, log->skipped_rows, log->data_rows);
    for (const auto& why : log->skipped_examples) fmt::print(stderr, "  {}\n", why);
  }
  if (log->size() == 0) {
    fmt::print(stderr, "analyze: {}: no votes to analyse\n", o.input);
    return 2;
  }
  integrity::AnalysisConfig config;
  config.evidence.utc_offset_minutes =
      o.region.empty() || o.offset_given ? o.utc_offset_minutes : ZoneOf(RegionCode{o.region}).utc_offset_minutes;
  config.monte_carlo = {.replicates = o.replicates, .seed = o.seed, .threads = o.threads, .alpha = o.alpha};
  config.contamination_epsilon = o.epsilon;
  config.progress = [&](std::string_view stage, size_t done, size_t total) { bar.Update(stage, done, total); };
  const integrity::AnalysisResult result = integrity::Analyze(*log, config);
  bar.Done();
  if (!o.flags.empty())
    if (auto w = WriteWholeFile(o.flags, integrity::FlagsCsv(*log, result)); !w) {
      fmt::print(stderr, "analyze: {}\n", w.error().message);
      return 2;
    }
  if (!o.json.empty())
    if (auto w = WriteWholeFile(o.json, integrity::ReportJson(result)); !w) {
      fmt::print(stderr, "analyze: {}\n", w.error().message);
      return 2;
    }
  PrintSummary(result);
  for (const auto& card : result.cards) {
    const double p = result.cohorts[&card - result.cards.data()].p_value;
    fmt::print("{} {}: {} votes, excess {:.0f}, p {}{}\n", card.cohort_id, card.choice, card.votes, card.excess,
               p < 0 ? std::string("n/a") : fmt::format("{:.3g}", p),
               card.state_apparatus ? " — possible state-apparatus mobilisation" : "");
    for (const auto& line : card.lines) fmt::print("    {}\n", line);
  }
  return 0;
}

}  // namespace

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(Error::NotFound(fmt::format("cannot read {}", path)));
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return out;
}

Status WriteWholeFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return std::unexpected(Error::Unavailable(fmt::format("cannot write {}", path)));
  return Ok();
}

Result<netintel::NetworkIntel> OpenAsnTable(const std::string& path) {
  auto intel = netintel::NetworkIntel::Open(path.empty() ? netintel::DefaultTablePath() : path);
  if (intel) return std::move(*intel);
  if (!path.empty()) return std::unexpected(intel.error());
  fmt::print(stderr, "warning: {}; network classes will be unknown (pass --asn-table)\n", intel.error().message);
  return netintel::NetworkIntel::Empty();
}

void AddAnalyzeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("analyze", "Find coordinated vote cohorts in a vote log and estimate the honest result");
  auto o = std::make_shared<AnalyzeOptions>();
  cmd->add_option("--input,-i", o->input, "Vote log CSV (DESIGN.md §5)")->required();
  cmd->add_option("--flags", o->flags, "Write row,flagged,cohort here");
  cmd->add_option("--json", o->json, "Write the report JSON here");
  cmd->add_flag("--lenient", o->lenient, "Skip malformed rows (counted and reported) instead of failing");
  cmd->add_flag("--quiet,-q", o->quiet, "No progress bar on stderr (there is none when stderr is not a terminal)");
  cmd->add_option("--asn-table", o->asn_table, "ASN table (default: the build's)")->envname("PANTAU_ASN_TABLE");
  auto* offset = cmd->add_option("--utc-offset-minutes", o->utc_offset_minutes,
                                 "Local time for office hours (WITA 480, WIB 420, WIT 540)")
                     ->envname("PANTAU_UTC_OFFSET_MINUTES")
                     ->capture_default_str();
  cmd->add_option("--region", o->region,
                  "Kemendagri code of the poll's region (71.73 Kota Tomohon): office hours in its zone (WIB/WITA/WIT)");
  cmd->add_option("--replicates", o->replicates, "Monte Carlo replicates for p-values (0: skip)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cmd->add_option("--alpha", o->alpha, "Drop cohorts whose p-value is above this")->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_option("--epsilon", o->epsilon,
                  "Stated contamination: bounds assume up to this fraction of the counted votes is not organic")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads for Monte Carlo")->envname("PANTAU_THREADS")->check(CLI::Range(1, 256))->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the Monte Carlo permutations")->capture_default_str();
  cmd->footer("Exit status: 0 analysed; 2 unreadable or malformed input (the message names row and column).");
  cmd->callback([o, offset] {
    o->offset_given = offset->count() > 0 || std::getenv("PANTAU_UTC_OFFSET_MINUTES") != nullptr;
    if (const int rc = RunAnalyze(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace pantau::cli

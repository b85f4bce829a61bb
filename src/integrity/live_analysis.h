// LiveAnalysis: the integrity engine on a poll that is still taking votes (the server feeds it from
// its durable-batch listener). Votes join a growing VoteLog as they arrive — interned columns, nothing
// re-read or re-parsed — and Analyze re-runs on a snapshot of the whole log on a background thread when
// enough has changed: at least `min_new_votes` new votes and `min_growth` of the log, and no sooner than
// `min_interval` after the previous run. One run at a time; each finished report replaces the previous;
// readers never wait for a run.
// Why the whole log: the scan's permutation null conditions on every vote's time and locus, so one new
// vote changes every window's expectation a little — re-running is the exact answer, and the throttle
// bounds its cost (a full report on 1M votes is a matter of seconds, docs/methodology.md).
//
//   LiveAnalysis live(AnalysisConfig{}, {.min_new_votes = 500});
//   live.Add(vote);                                    // any thread; cheap
//   std::shared_ptr<const LiveReport> r = live.Latest();  // null until the first run has finished
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>

#include "core/vote.h"
#include "integrity/analysis.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

struct LiveOptions {
  uint64_t min_new_votes = 200;               // new votes before a re-run is considered
  double min_growth = 0.02;                   // ... and at least this fraction of the log
  std::chrono::milliseconds min_interval{60'000};  // between the starts of two runs
};

struct LiveReport {
  AnalysisResult result;
  uint64_t votes = 0;                   // the votes this report covers (the first `votes` added)
  std::chrono::milliseconds took{0};    // how long the run took
};

class LiveAnalysis {
 public:
  LiveAnalysis(AnalysisConfig config, LiveOptions options);
  ~LiveAnalysis();  // waits for a run in progress
  LiveAnalysis(const LiveAnalysis&) = delete;
  LiveAnalysis& operator=(const LiveAnalysis&) = delete;

  // Appends durable votes in ledger order. The stored locus stands in for the address (the keyed hash),
  // the option number for the label; the network's organisation name is not in a vote, so evidence
  // cards name operators by ASN. Thread-safe.
  void Add(std::span<const Vote> votes);
  void Add(const Vote& vote) { Add(std::span<const Vote>(&vote, 1)); }

  // The newest finished report, or null before the first. Thread-safe, never blocks on a run.
  std::shared_ptr<const LiveReport> Latest() const;
  // Blocks until a report covering at least `votes` votes exists (it starts a run as soon as the
  // thresholds allow), or `timeout` passes; returns the newest report either way.
  std::shared_ptr<const LiveReport> WaitFor(uint64_t votes, std::chrono::milliseconds timeout);

  uint64_t votes() const;  // added so far

 private:
  void AppendLocked(const Vote& vote);
  // Whether the votes added since the last run call for a new one (the interval aside).
  bool EnoughNewVotesLocked() const;
  void Run();

  const AnalysisConfig config_;
  const LiveOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;      // the worker waits for votes, time or stop
  std::condition_variable reported_;  // WaitFor waits for reports
  VoteLog log_;                       // guarded by mu_; the worker analyses a copy
  std::unordered_map<std::string, uint32_t> locus_ids_;
  uint64_t analysed_votes_ = 0;       // votes covered by the newest (or running) analysis
  bool has_run_ = false;
  int waiters_ = 0;                   // WaitFor callers: any new vote is enough
  std::chrono::steady_clock::time_point last_start_{};
  std::shared_ptr<const LiveReport> latest_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace pantau::integrity

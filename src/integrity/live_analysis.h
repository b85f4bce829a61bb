// LiveAnalysis: the integrity engine on a poll that is still taking votes (the server feeds it from
// its durable-batch listener). Add only queues the votes (and counts them in the burst watch); the
// background thread appends them to a LiveVoteLog — interned columns plus the time order, kept up to
// date per batch (live_vote_log.h) — and re-runs Analyze on that log when enough has changed: at least
// `min_new_votes` new votes and `min_growth` of the log, and no sooner than `min_interval` after the
// previous run; or, when the burst watch sees a locus-window far above its expectation, no sooner than
// `burst_interval` whatever the count (such a run first publishes a provisional report without the
// Monte Carlo and the bootstrap, then the full one). One run at a time; each finished report replaces
// the previous; readers never wait for a run. No run copies the log: only the worker appends to it,
// between runs.
// What is not incremental, and why: the scan's permutation null conditions on every vote's time and
// locus, so one new vote changes every window's expectation and the Monte Carlo ranking a little — the
// scan, its replicates and everything after them re-run (on the maintained order), which is the exact
// answer; the throttle bounds their cost (docs/methodology.md §7).
//
//   LiveAnalysis live(AnalysisConfig{}, {.min_new_votes = 500});
//   live.Add(vote);                                    // any thread; cheap
//   std::shared_ptr<const LiveReport> r = live.Latest();  // null until the first run has finished
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "core/vote.h"
#include "integrity/analysis.h"
#include "integrity/burst_watch.h"
#include "integrity/live_vote_log.h"

namespace pantau::integrity {

struct LiveOptions {
  uint64_t min_new_votes = 200;               // new votes before a re-run is considered
  double min_growth = 0.02;                   // ... and at least this fraction of the log
  std::chrono::milliseconds min_interval{60'000};  // between the starts of two runs
  bool watch_bursts = true;                   // re-run early when the burst watch fires
  std::chrono::milliseconds burst_interval{5'000};  // ... but no sooner than this after the previous start
  BurstWatchConfig burst;
  // A run the burst watch started first publishes a provisional report: the scan and everything after
  // it without the Monte Carlo replicates and the bootstrap (a twentieth of the run's time), so the
  // blast shows within a second or so; then the full report replaces it.
  bool provisional = true;
};

struct LiveReport {
  AnalysisResult result;
  uint64_t votes = 0;                   // the votes this report covers (the first `votes` added)
  std::chrono::milliseconds took{0};    // how long the run took
  bool burst = false;                   // started early by the burst watch
  // Without significance testing or intervals (p_value and ci_low/ci_high -1; no cohort dropped for
  // its p-value): the first look at a burst, replaced by the full report of the same votes.
  bool provisional = false;
};

class LiveAnalysis {
 public:
  // `on_report`, when set, is called on the worker thread with each report as it is published (the
  // server's push to subscribers); it must not call back into this object's Wait/Add under its own lock.
  using ReportFn = std::function<void(const std::shared_ptr<const LiveReport>&)>;
  LiveAnalysis(AnalysisConfig config, LiveOptions options, ReportFn on_report = {});
  ~LiveAnalysis();  // waits for a run in progress
  LiveAnalysis(const LiveAnalysis&) = delete;
  LiveAnalysis& operator=(const LiveAnalysis&) = delete;

  // Appends durable votes in ledger order (LiveVoteLog::Append says how a Vote becomes columns).
  // Thread-safe; holds the lock for a copy of each vote and its burst-watch counts.
  void Add(std::span<const Vote> votes);
  void Add(const Vote& vote) { Add(std::span<const Vote>(&vote, 1)); }

  // The newest finished report (provisional or not), or null before the first. Thread-safe, never
  // blocks on a run.
  std::shared_ptr<const LiveReport> Latest() const;
  // Blocks until a full (not provisional) report covering at least `votes` votes exists (it starts a
  // run as soon as the thresholds allow), or `timeout` passes; returns the newest report either way.
  std::shared_ptr<const LiveReport> WaitFor(uint64_t votes, std::chrono::milliseconds timeout);

  uint64_t votes() const;  // added so far
  uint64_t burst_alarms() const;  // BurstWatch::alarms

 private:
  // Whether the votes added since the last run call for a new one (the interval aside).
  bool EnoughNewVotesLocked() const;
  void Run();
  void Publish(std::shared_ptr<const LiveReport> report);

  const AnalysisConfig config_;
  const LiveOptions options_;
  const ReportFn on_report_;

  mutable std::mutex mu_;
  std::condition_variable wake_;      // the worker waits for votes, time or stop
  std::condition_variable reported_;  // WaitFor waits for reports
  std::vector<Vote> pending_;         // added, not yet in live_
  uint64_t added_ = 0;
  BurstWatch watch_;
  bool burst_ = false;                // the watch fired since the last run started
  uint64_t analysed_votes_ = 0;       // votes covered by the newest (or running) analysis
  bool has_run_ = false;
  int waiters_ = 0;                   // WaitFor callers: any new vote is enough
  std::chrono::steady_clock::time_point last_start_{};
  std::shared_ptr<const LiveReport> latest_;
  std::shared_ptr<const LiveReport> latest_full_;  // the newest not provisional
  bool stopping_ = false;
  LiveVoteLog live_;                  // the worker's alone: appended and analysed between waits
  std::thread worker_;
};

}  // namespace pantau::integrity

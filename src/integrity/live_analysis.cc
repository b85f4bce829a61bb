#include "integrity/live_analysis.h"

#include <algorithm>
#include <utility>

namespace pantau::integrity {

LiveAnalysis::LiveAnalysis(AnalysisConfig config, LiveOptions options, ReportFn on_report)
    : config_(std::move(config)), options_(options), on_report_(std::move(on_report)), watch_(options.burst) {
  worker_ = std::thread(&LiveAnalysis::Run, this);
}

LiveAnalysis::~LiveAnalysis() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  reported_.notify_all();
  worker_.join();
}

void LiveAnalysis::Add(std::span<const Vote> votes) {
  bool burst = false;
  {
    std::lock_guard lock(mu_);
    pending_.insert(pending_.end(), votes.begin(), votes.end());
    added_ += votes.size();
    if (options_.watch_bursts)
      for (const Vote& vote : votes) burst = watch_.Add(vote) || burst;
    burst_ = burst_ || burst;
  }
  wake_.notify_one();
}

bool LiveAnalysis::EnoughNewVotesLocked() const {
  const uint64_t added = added_ - analysed_votes_;
  if (added == 0) return false;
  if (waiters_ > 0 || burst_) return true;
  return added >= options_.min_new_votes &&
         static_cast<double>(added) >= options_.min_growth * static_cast<double>(analysed_votes_);
}

void LiveAnalysis::Run() {
  std::unique_lock lock(mu_);
  std::vector<Vote> batch;
  for (;;) {
    // Wait for enough new votes (or a burst), then for the interval since the previous run to pass.
    for (;;) {
      if (stopping_) return;
      if (!EnoughNewVotesLocked()) {
        wake_.wait(lock);
        continue;
      }
      const auto interval = burst_ ? std::min(options_.burst_interval, options_.min_interval) : options_.min_interval;
      const auto due = last_start_ + interval;
      if (!has_run_ || std::chrono::steady_clock::now() >= due) break;
      wake_.wait_until(lock, due);
    }
    batch.clear();
    batch.swap(pending_);
    analysed_votes_ = added_;
    const bool burst = burst_;
    burst_ = false;
    has_run_ = true;
    last_start_ = std::chrono::steady_clock::now();
    lock.unlock();
    // Only this thread touches live_: the new votes join it, then the analysis reads it in place.
    live_.Append(batch);
    const auto run = [&](const AnalysisConfig& config, bool provisional) {
      auto report = std::make_shared<LiveReport>();
      report->result = Analyze(live_.log(), config, &live_.index());
      report->votes = live_.size();
      report->burst = burst;
      report->provisional = provisional;
      report->took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - last_start_);
      Publish(std::move(report));
    };
    if (burst && options_.provisional && (config_.monte_carlo.replicates > 0 || config_.bootstrap.replicates > 0)) {
      AnalysisConfig quick = config_;
      quick.monte_carlo.replicates = 0;
      quick.bootstrap.replicates = 0;
      run(quick, true);
    }
    run(config_, false);
    lock.lock();
  }
}

void LiveAnalysis::Publish(std::shared_ptr<const LiveReport> report) {
  {
    std::lock_guard lock(mu_);
    latest_ = report;
    if (!report->provisional) latest_full_ = report;
  }
  reported_.notify_all();
  if (on_report_) on_report_(report);
}

std::shared_ptr<const LiveReport> LiveAnalysis::Latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

std::shared_ptr<const LiveReport> LiveAnalysis::WaitFor(uint64_t votes, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  ++waiters_;
  wake_.notify_all();
  reported_.wait_for(lock, timeout, [&] { return (latest_full_ && latest_full_->votes >= votes) || stopping_; });
  --waiters_;
  return latest_;
}

uint64_t LiveAnalysis::votes() const {
  std::lock_guard lock(mu_);
  return added_;
}

uint64_t LiveAnalysis::burst_alarms() const {
  std::lock_guard lock(mu_);
  return watch_.alarms();
}

}  // namespace pantau::integrity

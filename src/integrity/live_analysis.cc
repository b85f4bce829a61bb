#include "integrity/live_analysis.h"

#include <string>
#include <utility>

namespace pantau::integrity {

LiveAnalysis::LiveAnalysis(AnalysisConfig config, LiveOptions options)
    : config_(std::move(config)), options_(options) {
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
  {
    std::lock_guard lock(mu_);
    for (const Vote& vote : votes) AppendLocked(vote);
  }
  wake_.notify_one();
}

void LiveAnalysis::AppendLocked(const Vote& vote) {
  log_.time_ms.push_back(ToUnixMillis(vote.time));
  const std::string label = std::to_string(vote.choice);
  size_t option = 0;
  while (option < log_.option_labels.size() && log_.option_labels[option] != label) ++option;
  if (option == log_.option_labels.size()) log_.option_labels.push_back(label);
  log_.option.push_back(static_cast<uint16_t>(option));
  auto [locus, inserted] = locus_ids_.try_emplace(vote.locus.prefix, static_cast<uint32_t>(log_.loci.size()));
  if (inserted) log_.loci.push_back(LocusInfo{vote.locus.prefix, vote.locus.asn, {}, vote.locus.network_class});
  log_.locus.push_back(locus->second);
  log_.address.push_back(log_.addresses.Intern(vote.locus.ip_hash));
  const bool has_ua = vote.user_agent != UserAgentFamily{};  // a vote without a User-Agent: absent, id 0
  log_.ua_family.push_back(has_ua ? log_.ua_families.Intern(vote.user_agent.ToString()) : 0);
  log_.device.push_back(log_.devices.Intern(vote.device_id));
  log_.token.push_back(log_.tokens.Intern(vote.share_token));
  log_.referrer.push_back(log_.referrers.Intern(vote.referrer_host));
  log_.source_row.push_back(static_cast<uint32_t>(log_.time_ms.size()));
  ++log_.data_rows;
}

bool LiveAnalysis::EnoughNewVotesLocked() const {
  const uint64_t added = log_.size() - analysed_votes_;
  if (added == 0) return false;
  if (waiters_ > 0) return true;
  return added >= options_.min_new_votes &&
         static_cast<double>(added) >= options_.min_growth * static_cast<double>(analysed_votes_);
}

void LiveAnalysis::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    // Wait for enough new votes, then for the interval since the previous run to pass.
    for (;;) {
      if (stopping_) return;
      if (!EnoughNewVotesLocked()) {
        wake_.wait(lock);
        continue;
      }
      const auto due = last_start_ + options_.min_interval;
      if (!has_run_ || std::chrono::steady_clock::now() >= due) break;
      wake_.wait_until(lock, due);
    }
    const VoteLog snapshot = log_;  // a copy: votes keep arriving while the analysis runs
    analysed_votes_ = snapshot.size();
    has_run_ = true;
    last_start_ = std::chrono::steady_clock::now();
    lock.unlock();
    auto report = std::make_shared<LiveReport>();
    report->result = Analyze(snapshot, config_);
    report->votes = snapshot.size();
    report->took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - last_start_);
    lock.lock();
    latest_ = std::move(report);
    reported_.notify_all();
  }
}

std::shared_ptr<const LiveReport> LiveAnalysis::Latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

std::shared_ptr<const LiveReport> LiveAnalysis::WaitFor(uint64_t votes, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  ++waiters_;
  wake_.notify_all();
  reported_.wait_for(lock, timeout, [&] { return (latest_ && latest_->votes >= votes) || stopping_; });
  --waiters_;
  return latest_;
}

uint64_t LiveAnalysis::votes() const {
  std::lock_guard lock(mu_);
  return log_.size();
}

}  // namespace pantau::integrity

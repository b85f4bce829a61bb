#include "cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace pantau::cli {
namespace {

constexpr size_t kBarWidth = 24;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

}  // namespace

std::string ProgressLine(std::string_view command, std::string_view stage, size_t done, size_t total,
                         std::chrono::seconds elapsed) {
  const double fraction = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
  const auto filled = static_cast<size_t>(fraction * kBarWidth + 0.5);
  return fmt::format("{}: {:<12} [{}{}] {:3.0f}%  {}s", command, stage, std::string(filled, '#'),
                     std::string(kBarWidth - filled, '-'), 100 * fraction, elapsed.count());
}

ProgressBar::ProgressBar(bool enabled, std::string command)
    : enabled_(enabled), command_(std::move(command)), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { Done(); }

void ProgressBar::Done() {
  const std::lock_guard lock(mu_);
  if (drawn_) std::fputs("\n", stderr);
  drawn_ = false;
  stage_.clear();
}

bool ProgressBar::Wanted(bool quiet) { return !quiet && ::isatty(STDERR_FILENO) == 1; }

void ProgressBar::Update(std::string_view stage, size_t done, size_t total) {
  if (!enabled_) return;
  const std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  const bool new_stage = stage != stage_;
  if (!new_stage && done < total && now - last_draw_ < kRedrawEvery) return;
  if (new_stage && drawn_) std::fputs("\n", stderr);  // keep the finished stage's line
  stage_ = stage;
  last_draw_ = now;
  Draw(done, total);
}

void ProgressBar::Draw(size_t done, size_t total) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_);
  std::fputs(("\r" + ProgressLine(command_, stage_, done, total, elapsed)).c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace pantau::cli

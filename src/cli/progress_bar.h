// ProgressBar: one line on stderr that shows how far a long command has got, e.g.
//   "analyze: Monte Carlo [##############----------]  57/99  6s"
// Drawn only when enabled (use ProgressBar::Wanted: stderr is a terminal and the user did not ask
// for quiet), at most ten times a second; Update is thread-safe. Done (or the destructor) ends the
// line, so that what the command prints next starts on a fresh one.
//   ProgressBar bar(ProgressBar::Wanted(quiet), "analyze");
//   bar.Update("reading", bytes_done, bytes_total);
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace pantau::cli {

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string command);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Whether to draw at all: not when `quiet`, nor when stderr is not a terminal (a log file or a
  // pipe would fill with carriage returns).
  static bool Wanted(bool quiet);

  // Reports `done` of `total` units of `stage`; redraws when the stage changes, the stage ends, or
  // 100 ms have passed since the last drawing.
  void Update(std::string_view stage, size_t done, size_t total);
  void Done();

 private:
  void Draw(size_t done, size_t total);

  const bool enabled_;
  const std::string command_;
  std::mutex mu_;
  std::string stage_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// The text of one progress line (without the leading carriage return), for tests.
std::string ProgressLine(std::string_view command, std::string_view stage, size_t done, size_t total,
                         std::chrono::seconds elapsed);

}  // namespace pantau::cli

// Eventually: polls `pred` every 10 ms until it holds or `limit` passes (false then). Shared by the
// server and SSE suites.
#pragma once

#include <chrono>
#include <thread>

namespace pantau::http::testing {

template <class Pred>
bool Eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(3)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace pantau::http::testing

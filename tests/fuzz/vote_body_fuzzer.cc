// Fuzz target: json::ScanPlainVoteBody, the DOM-free fast path for vote bodies, on arbitrary bytes.
// Invariant (abort on failure): whatever it accepts, Boost.JSON + DecodeVoteBody (the path that
// words every 4xx) accept too, with the same choice and tokens.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "json/vote_body_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string failure = pantau::json::testing::CheckAgainstDom(text);
  if (!failure.empty()) {
    std::fprintf(stderr, "vote_body: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}

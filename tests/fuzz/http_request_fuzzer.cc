// Fuzz target: the server's HTTP/1.1 request reader (http/internal/request_parser.h) on arbitrary
// bytes. Invariants (abort on failure): whatever head it accepts, Beast's parser accepts and reads
// the same way; where a head ends and what a chunked body decodes to do not depend on how the
// bytes arrived; a chunked body never exceeds its limit.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/request_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace t = pantau::http::internal::testing;
  std::string failure = t::CheckAgainstBeast(text);
  if (failure.empty()) failure = t::CheckChunkedSplits(text, 64);
  const std::size_t head_end = text.find("\r\n\r\n");
  if (failure.empty() && head_end != std::string_view::npos)
    failure = t::CheckChunkedSplits(text.substr(head_end + 4), 64);
  if (!failure.empty()) {
    std::fprintf(stderr, "http_request: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}

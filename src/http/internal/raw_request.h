// RawRequest: the parsed request behind a RequestContext — the head (whose fields are views into
// the connection's buffer) and the body. Internal to src/http (and tests that build contexts by hand).
#pragma once

#include <string_view>

#include "http/internal/request_parser.h"

namespace pantau::http::internal {

struct RawRequest {
  const RequestHead& head;
  std::string_view body;
};

}  // namespace pantau::http::internal

// RawRequest: the parsed Beast message behind a RequestContext. Internal to src/http (and tests that
// build contexts by hand); keeps Beast's heavy headers out of request_context.h. Header fields and
// the body live in the connection's RequestArena (tests use the heap through the same types).
#pragma once

#include <string>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/internal/request_arena.h"

namespace pantau::http::internal {

using RequestFields = boost::beast::http::basic_fields<ArenaAllocator<char>>;
using RequestBody =
    boost::beast::http::basic_string_body<char, std::char_traits<char>, ArenaAllocator<char>>;
using BeastRequest = boost::beast::http::message<true, RequestBody, RequestFields>;

struct RawRequest {
  const BeastRequest& message;
};

}  // namespace pantau::http::internal

// Shared vocabulary of the HTTP layer: the Asio namespace alias, the method and status enums (Beast's
// two small enum headers only, so public headers stay light) and the request language that problem
// details are localized into.
#pragma once

#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

namespace pantau::http {

namespace asio = boost::asio;

using Verb = boost::beast::http::verb;
using HttpStatus = boost::beast::http::status;

// The language of human-readable text in responses: Bahasa Indonesia unless the client asks for English.
enum class Lang { kId, kEn };

std::string_view ToString(Lang lang);  // "id" / "en"

}  // namespace pantau::http

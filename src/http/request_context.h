// RequestContext: everything a handler may read about one request — method, path and its {params},
// query parameters (decoded), headers, cookies, the body (raw or as JSON), the client's IP as text,
// the request language and a bearer token. Built by the server per request and valid until the
// handler's coroutine completes; accessors are cheap and allocate only to decode escaped text.
// Not thread-safe: use it on the connection's executor (where the handler runs) only.
//   PANTAU_CO_ASSIGN_OR_RETURN(boost::json::value body, ctx.JsonBody());
//   std::string_view poll = ctx.Param("id");
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/error.h"
#include "http/types.h"

namespace pantau::http {

namespace internal {
struct RawRequest;  // the parsed head and the body; see internal/raw_request.h
}

// Path parameters captured by the router: names from the route pattern, raw values from the path.
class PathParams {
 public:
  static constexpr std::size_t kMax = 8;

  void Clear() { size_ = 0; }
  void BindNames(const std::vector<std::string>* names) { names_ = names; }
  void Push(std::string_view raw) { values_[size_++] = raw; }
  void Pop() { --size_; }
  std::size_t size() const { return size_; }
  std::string_view name(std::size_t i) const { return (*names_)[i]; }
  std::string_view raw_value(std::size_t i) const { return values_[i]; }

 private:
  const std::vector<std::string>* names_ = nullptr;
  std::array<std::string_view, kMax> values_{};
  std::size_t size_ = 0;
};

class RequestContext {
 public:
  struct Peer {
    std::string_view ip;       // the socket's remote address as text
    bool trust_proxy = false;  // take the right-most X-Forwarded-For entry instead
  };

  RequestContext(const internal::RawRequest& raw, Peer peer, asio::any_io_executor executor);
  RequestContext(const RequestContext&) = delete;
  RequestContext& operator=(const RequestContext&) = delete;

  Verb Method() const;
  std::string_view Target() const { return target_; }  // path and query as sent
  std::string_view Path() const { return path_; }      // percent-encoded, without the query
  std::string_view RawQuery() const { return query_; }  // without '?'

  // A {name} from the route pattern, percent-decoded; "" when the route has no such parameter.
  std::string_view Param(std::string_view name) const;
  // The first query parameter with this key, decoded ('+' is a space); nullopt when absent.
  std::optional<std::string> Query(std::string_view key) const;
  // The first header with this name (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
  // A cookie from the Cookie header(s); surrounding quotes removed.
  std::optional<std::string_view> Cookie(std::string_view name) const;
  // The token of `Authorization: Bearer <token>` (scheme case-insensitive).
  std::optional<std::string_view> BearerToken() const;

  std::string_view Body() const;
  // The body as JSON. Errors: 415 `unsupported-media-type` unless Content-Type is application/json
  // (parameters such as charset allowed); 400 `malformed-json` with the byte position otherwise.
  Result<boost::json::value> JsonBody() const;
  // The body's text once Content-Type says JSON (the same 415 as JsonBody otherwise), for decoders
  // that read it without a DOM.
  Result<std::string_view> JsonText() const;

  // The client's address as text: the socket peer, or with trust_proxy the right-most
  // X-Forwarded-For entry (the one our own proxy appended). Never log it.
  std::string_view ClientIp() const;
  // `?lang=en|id` wins; else the preferred of en/id in Accept-Language; else Indonesian.
  Lang Language() const;

  // The connection's executor, for timers or other asynchronous work inside a handler.
  const asio::any_io_executor& Executor() const { return executor_; }

  PathParams& params() { return params_; }  // filled by the router

 private:
  const internal::RawRequest& raw_;
  Peer peer_;
  asio::any_io_executor executor_;
  std::string_view target_;
  std::string_view path_;
  std::string_view query_;
  PathParams params_;
  mutable std::array<std::optional<std::string>, PathParams::kMax> decoded_params_{};
  mutable std::optional<Lang> lang_;
};

// Helpers shared with static files and tests.
// The Lang an Accept-Language value prefers among id and en (q-values honoured); nullopt if neither.
std::optional<Lang> PreferredLanguage(std::string_view accept_language);
// Percent-decodes `text`; nullopt when an escape is malformed. '+' stays '+'.
std::optional<std::string> PercentDecode(std::string_view text);
// Decodes a query component: '+' is a space, then percent escapes; nullopt when malformed.
std::optional<std::string> FormDecode(std::string_view text);

}  // namespace pantau::http

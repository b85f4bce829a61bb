// Router: maps (method, path) to a handler. Patterns are '/'-separated segments: literals, `{name}`
// (one non-empty segment) and a final `{*name}` (the rest of the path, possibly empty). Literal
// segments win over {params}, which win over {*rest}. A path that matches no pattern is 404; one that
// matches with another method is 405 with Allow. GET routes also answer HEAD.
// Build it before Server::Run (Add is not thread-safe); Match is const and thread-safe.
//   router.Add(Verb::post, "/api/v1/polls/{id}/votes", vote_handler, {.body_limit = 2048});
// Invalid patterns and duplicate routes are programmer errors: Add throws std::invalid_argument.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/request_context.h"
#include "http/response.h"
#include "http/sse.h"
#include "http/types.h"

namespace pantau::http {

using Handler = std::function<asio::awaitable<Result<Response>>(RequestContext&)>;
using StreamHandler = std::function<asio::awaitable<Status>(RequestContext&, SseStream&)>;

struct RouteOptions {
  std::optional<std::size_t> body_limit;  // bytes; unset = Server::Options::body_limit
};

struct Route {
  Verb verb = Verb::get;
  std::string pattern;
  std::vector<std::string> param_names;  // in path order
  Handler handler;                       // exactly one of handler / stream is set
  StreamHandler stream;
  RouteOptions options;
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void Add(Verb verb, std::string_view pattern, Handler handler, RouteOptions options = {});
  // A GET route whose handler takes over the connection as a Server-Sent Events stream.
  void AddStream(std::string_view pattern, StreamHandler handler, RouteOptions options = {});

  struct Match {
    const Route* route = nullptr;  // set when found
    bool path_known = false;       // some route has this path (route == nullptr → 405)
    std::string allow;             // for 405: "GET, HEAD, POST"
  };
  // Matches the percent-encoded path (no query). On success `params` holds the captured values,
  // which point into `path`.
  Match Find(Verb verb, std::string_view path, PathParams& params) const;

  std::size_t size() const { return routes_.size(); }

 private:
  struct Node;
  const Route* Insert(std::unique_ptr<Route> route);

  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<Node> root_;
};

}  // namespace pantau::http

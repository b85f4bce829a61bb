#include "http/router.h"

#include <array>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace pantau::http {
namespace {

constexpr std::size_t kMaxSegments = 32;

struct Segments {
  std::array<std::string_view, kMaxSegments> items;
  std::size_t size = 0;
  std::string_view path;
};

// "/a/b/" -> {"a", "b", ""}; "/" -> {}. False when the path is not absolute or too deep.
bool Split(std::string_view path, Segments& out) {
  if (path.empty() || path.front() != '/') return false;
  out.path = path;
  if (path.size() == 1) return true;
  std::string_view rest = path.substr(1);
  while (true) {
    if (out.size == kMaxSegments) return false;
    const std::size_t slash = rest.find('/');
    out.items[out.size++] = rest.substr(0, slash);
    if (slash == std::string_view::npos) return true;
    rest = rest.substr(slash + 1);
  }
}

[[noreturn]] void Invalid(std::string_view pattern, std::string_view why) {
  throw std::invalid_argument(fmt::format("route pattern '{}': {}", pattern, why));
}

}  // namespace

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;  // {name}
  std::unique_ptr<Node> rest;   // {*name}; always a leaf
  std::vector<const Route*> routes;

  Node* Literal(std::string_view segment) {
    for (auto& [text, child] : literals)
      if (text == segment) return child.get();
    return nullptr;
  }
};

namespace {

struct Search {
  Verb verb;
  const Segments& segments;
  PathParams& params;
  const std::vector<const Route*>* first_known = nullptr;
  const Route* found = nullptr;
};

const Route* PickRoute(const std::vector<const Route*>& routes, Verb verb) {
  for (const Route* r : routes)
    if (r->verb == verb) return r;
  if (verb == Verb::head)
    for (const Route* r : routes)
      if (r->verb == Verb::get) return r;
  return nullptr;
}

bool Accept(const std::vector<const Route*>& routes, Search& s) {
  if (routes.empty()) return false;
  if (const Route* r = PickRoute(routes, s.verb)) {
    s.found = r;
    return true;
  }
  if (!s.first_known) s.first_known = &routes;
  return false;
}

template <class NodeT>
bool Walk(const NodeT& node, std::size_t i, Search& s) {
  const Segments& seg = s.segments;
  if (i == seg.size && Accept(node.routes, s)) return true;
  if (i < seg.size) {
    for (const auto& [text, child] : node.literals)
      if (text == seg.items[i] && Walk(*child, i + 1, s)) return true;
    if (node.param && !seg.items[i].empty() && s.params.size() < PathParams::kMax) {
      s.params.Push(seg.items[i]);
      if (Walk(*node.param, i + 1, s)) return true;
      s.params.Pop();
    }
  }
  if (node.rest) {
    const std::string_view rest =
        i < seg.size ? seg.path.substr(static_cast<std::size_t>(seg.items[i].data() - seg.path.data()))
                     : std::string_view{};
    s.params.Push(rest);
    if (Accept(node.rest->routes, s)) return true;
    s.params.Pop();
  }
  return false;
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::Add(Verb verb, std::string_view pattern, Handler handler, RouteOptions options) {
  if (!handler) Invalid(pattern, "empty handler");
  auto route = std::make_unique<Route>();
  route->verb = verb;
  route->pattern = std::string(pattern);
  route->handler = std::move(handler);
  route->options = options;
  Insert(std::move(route));
}

void Router::AddStream(std::string_view pattern, StreamHandler handler, RouteOptions options) {
  if (!handler) Invalid(pattern, "empty handler");
  auto route = std::make_unique<Route>();
  route->verb = Verb::get;
  route->pattern = std::string(pattern);
  route->stream = std::move(handler);
  route->options = options;
  Insert(std::move(route));
}

const Route* Router::Insert(std::unique_ptr<Route> route) {
  const std::string& pattern = route->pattern;
  Segments segments;
  if (!Split(pattern, segments)) Invalid(pattern, "must start with '/' and have at most 32 segments");
  Node* node = root_.get();
  for (std::size_t i = 0; i < segments.size; ++i) {
    const std::string_view seg = segments.items[i];
    const bool is_param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    if (!is_param) {
      if (seg.find_first_of("{}") != std::string_view::npos) Invalid(pattern, "stray brace");
      Node* child = node->Literal(seg);
      if (!child) {
        node->literals.emplace_back(std::string(seg), std::make_unique<Node>());
        child = node->literals.back().second.get();
      }
      node = child;
      continue;
    }
    const bool is_rest = seg.size() > 3 && seg[1] == '*';
    std::string name(seg.substr(is_rest ? 2 : 1, seg.size() - (is_rest ? 3 : 2)));
    if (name.empty() || name.find_first_of("{}*/") != std::string::npos) Invalid(pattern, "bad name");
    for (const auto& existing : route->param_names)
      if (existing == name) Invalid(pattern, "duplicate parameter name");
    if (route->param_names.size() == PathParams::kMax) Invalid(pattern, "too many parameters");
    route->param_names.push_back(std::move(name));
    auto& child = is_rest ? node->rest : node->param;
    if (is_rest && i + 1 != segments.size) Invalid(pattern, "{*rest} must be the last segment");
    if (!child) child = std::make_unique<Node>();
    node = child.get();
  }
  for (const Route* existing : node->routes)
    if (existing->verb == route->verb) Invalid(pattern, "duplicate route");
  const Route* added = route.get();
  node->routes.push_back(added);
  routes_.push_back(std::move(route));
  return added;
}

Router::Match Router::Find(Verb verb, std::string_view path, PathParams& params) const {
  Match match;
  params.Clear();
  Segments segments;
  if (!Split(path, segments)) return match;
  Search search{verb, segments, params};
  if (Walk(*root_, 0, search)) {
    match.route = search.found;
    match.path_known = true;
    params.BindNames(&search.found->param_names);
    return match;
  }
  params.Clear();
  if (search.first_known) {
    match.path_known = true;
    for (const Route* r : *search.first_known) {
      if (!match.allow.empty()) match.allow += ", ";
      const auto name = boost::beast::http::to_string(r->verb);
      match.allow.append(name.data(), name.size());
      if (r->verb == Verb::get) match.allow += ", HEAD";
    }
  }
  return match;
}

}  // namespace pantau::http

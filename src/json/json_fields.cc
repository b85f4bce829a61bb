#include "json/json_fields.h"

#include <algorithm>

#include <fmt/format.h>

namespace pantau::json {
namespace {
Error Bad(std::string message) { return Error::InvalidArgument(std::move(message), "invalid-field"); }
}  // namespace

Result<const boost::json::object*> AsObject(const boost::json::value& v, std::string_view what) {
  if (!v.is_object()) return std::unexpected(Bad(fmt::format("{} must be a JSON object", what)));
  return &v.get_object();
}

Result<std::string> RequiredString(const boost::json::object& o, std::string_view key, size_t max_len) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::unexpected(Bad(fmt::format("'{}' is required", key)));
  if (!v->is_string()) return std::unexpected(Bad(fmt::format("'{}' must be a string", key)));
  const auto& s = v->get_string();
  if (s.empty()) return std::unexpected(Bad(fmt::format("'{}' must not be empty", key)));
  if (s.size() > max_len)
    return std::unexpected(Bad(fmt::format("'{}' must have at most {} characters", key, max_len)));
  return std::string(s);
}

Result<std::string> OptionalString(const boost::json::object& o, std::string_view key, size_t max_len,
                                   std::string fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_string()) return std::unexpected(Bad(fmt::format("'{}' must be a string", key)));
  const auto& s = v->get_string();
  if (s.size() > max_len)
    return std::unexpected(Bad(fmt::format("'{}' must have at most {} characters", key, max_len)));
  return std::string(s);
}

Result<std::optional<int64_t>> OptionalInt(const boost::json::object& o, std::string_view key, int64_t min,
                                           int64_t max) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>{};
  int64_t n = 0;
  if (v->is_int64()) n = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) n = static_cast<int64_t>(v->get_uint64());
  else if (v->is_double() && v->get_double() == static_cast<double>(static_cast<int64_t>(v->get_double())))
    n = static_cast<int64_t>(v->get_double());
  else return std::unexpected(Bad(fmt::format("'{}' must be an integer", key)));
  if (n < min || n > max) return std::unexpected(Bad(fmt::format("'{}' must be between {} and {}", key, min, max)));
  return std::optional<int64_t>{n};
}

Result<int64_t> RequiredInt(const boost::json::object& o, std::string_view key, int64_t min, int64_t max) {
  PANTAU_ASSIGN_OR_RETURN(auto n, OptionalInt(o, key, min, max));
  if (!n) return std::unexpected(Bad(fmt::format("'{}' is required", key)));
  return *n;
}

Result<Timestamp> RequiredTime(const boost::json::object& o, std::string_view key) {
  PANTAU_ASSIGN_OR_RETURN(auto text, RequiredString(o, key, 64));
  auto t = ParseRfc3339(text);
  if (!t) return std::unexpected(Bad(fmt::format("'{}' must be an RFC 3339 time such as 2024-11-20T08:00:00+08:00", key)));
  return *t;
}

Status OnlyKeys(const boost::json::object& o, std::initializer_list<std::string_view> allowed,
                std::string_view where) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end())
      return std::unexpected(Bad(fmt::format("unknown field '{}' in {}", std::string_view(kv.key()), where)));
  }
  return Ok();
}

}  // namespace pantau::json

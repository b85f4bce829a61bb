// Field readers for decoding request bodies: each names the offending field in its error so a client
// can fix its input ("options[2].name must be a string").
//   PANTAU_ASSIGN_OR_RETURN(auto title, json::RequiredString(obj, "title", 200));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/error.h"
#include "core/time.h"

namespace pantau::json {

Result<const boost::json::object*> AsObject(const boost::json::value& v, std::string_view what);
Result<std::string> RequiredString(const boost::json::object& o, std::string_view key, size_t max_len);
Result<std::string> OptionalString(const boost::json::object& o, std::string_view key, size_t max_len,
                                   std::string fallback = {});
Result<int64_t> RequiredInt(const boost::json::object& o, std::string_view key, int64_t min, int64_t max);
Result<std::optional<int64_t>> OptionalInt(const boost::json::object& o, std::string_view key, int64_t min,
                                           int64_t max);
Result<Timestamp> RequiredTime(const boost::json::object& o, std::string_view key);
// Rejects keys not in `allowed` so typos ("choise") fail loudly instead of being ignored.
Status OnlyKeys(const boost::json::object& o, std::initializer_list<std::string_view> allowed,
                std::string_view where = "body");

}  // namespace pantau::json

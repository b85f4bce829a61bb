// StrongId: a value wrapper so that a PollId can never be passed where a CaseId is expected.
//   struct PollIdTag {};  using PollId = StrongId<PollIdTag, std::string>;
// Comparable, hashable, and printable through value().
#pragma once

#include <compare>
#include <functional>
#include <utility>

namespace pantau {

template <typename Tag, typename Rep>
class StrongId {
 public:
  using rep_type = Rep;
  StrongId() = default;
  explicit StrongId(Rep value) : value_(std::move(value)) {}
  const Rep& value() const { return value_; }
  auto operator<=>(const StrongId&) const = default;
  bool operator==(const StrongId&) const = default;

 private:
  Rep value_{};
};

}  // namespace pantau

template <typename Tag, typename Rep>
struct std::hash<pantau::StrongId<Tag, Rep>> {
  size_t operator()(const pantau::StrongId<Tag, Rep>& id) const noexcept { return std::hash<Rep>{}(id.value()); }
};

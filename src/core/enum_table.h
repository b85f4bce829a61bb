// EnumTable: the one to/from-string table an enum class gets (DESIGN.md §3).
//   inline constexpr EnumTable<Visibility, 3> kVisibilityNames{{{
//       {Visibility::kLive, "live"}, ...}}};
//   kVisibilityNames.Name(v);  kVisibilityNames.Parse("live") -> std::optional<Visibility>
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pantau {

template <typename E, size_t N>
struct EnumTable {
  std::array<std::pair<E, std::string_view>, N> entries;

  constexpr std::string_view Name(E value) const {
    for (const auto& [e, name] : entries)
      if (e == value) return name;
    return "unknown";
  }
  constexpr std::optional<E> Parse(std::string_view name) const {
    for (const auto& [e, n] : entries)
      if (n == name) return e;
    return std::nullopt;
  }
  // "a, b, c" for error messages.
  std::string Choices() const {
    std::string out;
    for (const auto& [e, n] : entries) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }
};

}  // namespace pantau

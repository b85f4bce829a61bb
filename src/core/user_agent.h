// UserAgentFamily: the coarse browser / OS / device class of a User-Agent header. pantau keeps only
// this family, never the full string, for votes; the integrity engine uses it to see an office's
// identical desktop image or a script's missing browser.
//   auto ua = ParseUserAgent(request_user_agent);   // {"Chrome Mobile", "Android", kPhone}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/enum_table.h"

namespace pantau {

enum class DeviceClass : uint8_t { kUnknown, kPhone, kTablet, kDesktop, kBot };
inline constexpr EnumTable<DeviceClass, 5> kDeviceClassNames{{{
    {DeviceClass::kUnknown, "unknown"},
    {DeviceClass::kPhone, "phone"},
    {DeviceClass::kTablet, "tablet"},
    {DeviceClass::kDesktop, "desktop"},
    {DeviceClass::kBot, "bot"},
}}};

struct UserAgentFamily {
  std::string browser;  // "Chrome Mobile", "Samsung Internet", "WhatsApp", "curl", "Other"
  std::string os;       // "Android", "iOS", "Windows", "macOS", "Linux", "Other"
  DeviceClass device = DeviceClass::kUnknown;
  bool operator==(const UserAgentFamily&) const = default;

  // "Chrome Mobile/Android/phone": one token, used as the ua_family column in vote logs.
  std::string ToString() const;
  // Inverse of ToString; unknown parts become "Other"/kUnknown.
  static UserAgentFamily FromString(std::string_view family);
};

// Classifies a User-Agent header. Never fails; an empty or unrecognised header yields Other/unknown.
UserAgentFamily ParseUserAgent(std::string_view header);

}  // namespace pantau

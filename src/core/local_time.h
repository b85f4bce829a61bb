// Indonesian local time: the zone of a Kemendagri region (WIB UTC+7, WITA UTC+8, WIT UTC+9) and times
// written the way a voter reads them, so messages say "7 Des 2026 23.59 WITA", not a UTC stamp.
//   const IndonesianZone zone = ZoneOf(RegionCode{"71.73"});     // WITA
//   std::string text = FormatLocal(poll.closes_at, zone);         // "7 Des 2026 23.59 WITA"
#pragma once

#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/time.h"

namespace pantau {

struct IndonesianZone {
  std::string_view name;  // "WIB", "WITA", "WIT"
  int utc_offset_minutes = 7 * 60;
};

// By province (the first two digits of the code); WIB for codes it does not know.
IndonesianZone ZoneOf(const RegionCode& region);

// "7 Des 2026 23.59 WITA" (Indonesian month abbreviations, 24-hour clock with a dot).
std::string FormatLocal(Timestamp t, IndonesianZone zone);

}  // namespace pantau

#include "core/local_time.h"

#include <array>

#include <fmt/format.h>

namespace pantau {

IndonesianZone ZoneOf(const RegionCode& region) {
  static constexpr IndonesianZone kWib{"WIB", 7 * 60}, kWita{"WITA", 8 * 60}, kWit{"WIT", 9 * 60};
  const std::string_view code = region.value();
  if (code.size() < 2) return kWib;
  const int province = (code[0] - '0') * 10 + (code[1] - '0');
  // Permendagri zones: Bali, Nusa Tenggara, South/East/North Kalimantan and all of Sulawesi are WITA;
  // Maluku and Papua are WIT; Sumatra, Java, West and Central Kalimantan are WIB.
  if (province == 51 || province == 52 || province == 53 || (province >= 63 && province <= 65) ||
      (province >= 71 && province <= 76))
    return kWita;
  if (province == 81 || province == 82 || (province >= 91 && province <= 96)) return kWit;
  return kWib;
}

std::string FormatLocal(Timestamp t, IndonesianZone zone) {
  using namespace std::chrono;
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
                                                            "Jul", "Agu", "Sep", "Okt", "Nov", "Des"};
  const auto local = t + minutes(zone.utc_offset_minutes);
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<minutes>(local - day)};
  return fmt::format("{} {} {} {:02}.{:02} {}", static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), zone.name);
}

}  // namespace pantau

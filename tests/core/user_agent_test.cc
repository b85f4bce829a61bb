#include "core/user_agent.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

struct Case {
  const char* ua;
  const char* family;
};

TEST(ParseUserAgent, ClassifiesCommonIndonesianClients) {
  const Case cases[] = {
      {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
       "Chrome Mobile/Android/phone"},
      {"Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
       "Samsung Internet/Android/phone"},
      {"Mozilla/5.0 (Linux; Android 12; 22031116AI; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 WhatsApp/2.24",
       "WhatsApp/Android/phone"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
       "Mobile Safari/iOS/phone"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
       "Chrome/Windows/desktop"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0",
       "Edge/Windows/desktop"},
      {"Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1",
       "Mobile Safari/iOS/tablet"},
      {"curl/8.1.2", "curl/Other/bot"},
      {"python-requests/2.31", "Python/Other/bot"},
      {"", "Other/Other/unknown"},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseUserAgent(c.ua).ToString(), c.family) << c.ua;
}

TEST(UserAgentFamily, RoundTripsThroughItsString) {
  const UserAgentFamily f{"Chrome Mobile", "Android", DeviceClass::kPhone};
  EXPECT_EQ(UserAgentFamily::FromString(f.ToString()), f);
  EXPECT_EQ(UserAgentFamily::FromString("Firefox").browser, "Firefox");
}

}  // namespace
}  // namespace pantau

#include "core/user_agent.h"

#include <array>
#include <utility>

namespace pantau {
namespace {

bool Has(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// First match wins, so specific browsers built on Chrome come before Chrome itself.
struct BrowserRule {
  std::string_view token;
  std::string_view mobile_name;   // used when the UA says "Mobile"
  std::string_view desktop_name;
};
constexpr std::array kBrowserRules{
    BrowserRule{"WhatsApp", "WhatsApp", "WhatsApp"},
    BrowserRule{"FBAN", "Facebook", "Facebook"},
    BrowserRule{"FBAV", "Facebook", "Facebook"},
    BrowserRule{"Instagram", "Instagram", "Instagram"},
    BrowserRule{"Line/", "LINE", "LINE"},
    BrowserRule{"SamsungBrowser", "Samsung Internet", "Samsung Internet"},
    BrowserRule{"MiuiBrowser", "MIUI Browser", "MIUI Browser"},
    BrowserRule{"HeyTapBrowser", "HeyTap Browser", "HeyTap Browser"},
    BrowserRule{"UCBrowser", "UC Browser", "UC Browser"},
    BrowserRule{"OPR/", "Opera Mobile", "Opera"},
    BrowserRule{"Opera", "Opera Mobile", "Opera"},
    BrowserRule{"Edg", "Edge Mobile", "Edge"},
    BrowserRule{"Firefox/", "Firefox Mobile", "Firefox"},
    BrowserRule{"FxiOS", "Firefox Mobile", "Firefox"},
    BrowserRule{"CriOS", "Chrome Mobile", "Chrome"},
    BrowserRule{"; wv)", "Android WebView", "Android WebView"},
    BrowserRule{"Chrome/", "Chrome Mobile", "Chrome"},
    BrowserRule{"Safari/", "Mobile Safari", "Safari"},
};

constexpr std::array<std::string_view, 12> kBotTokens{
    "bot", "Bot", "spider", "crawl", "curl/", "Wget", "python-requests", "python-urllib",
    "Go-http-client", "okhttp", "HeadlessChrome", "wrk"};

}  // namespace

std::string UserAgentFamily::ToString() const {
  std::string out = browser.empty() ? "Other" : browser;
  out += '/';
  out += os.empty() ? "Other" : os;
  out += '/';
  out += kDeviceClassNames.Name(device);
  return out;
}

UserAgentFamily UserAgentFamily::FromString(std::string_view family) {
  UserAgentFamily out{"Other", "Other", DeviceClass::kUnknown};
  const size_t a = family.find('/');
  if (a == std::string_view::npos) {
    if (!family.empty()) out.browser = std::string(family);
    return out;
  }
  out.browser = std::string(family.substr(0, a));
  const size_t b = family.find('/', a + 1);
  out.os = std::string(family.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1));
  if (b != std::string_view::npos)
    out.device = kDeviceClassNames.Parse(family.substr(b + 1)).value_or(DeviceClass::kUnknown);
  return out;
}

UserAgentFamily ParseUserAgent(std::string_view ua) {
  UserAgentFamily out{"Other", "Other", DeviceClass::kUnknown};
  if (ua.empty()) return out;

  for (std::string_view token : kBotTokens) {
    if (Has(ua, token)) {
      out.device = DeviceClass::kBot;
      if (Has(ua, "curl/")) out.browser = "curl";
      else if (Has(ua, "python")) out.browser = "Python";
      else if (Has(ua, "Go-http-client")) out.browser = "Go";
      else if (Has(ua, "okhttp")) out.browser = "okhttp";
      else if (Has(ua, "HeadlessChrome")) out.browser = "HeadlessChrome";
      else if (Has(ua, "Wget")) out.browser = "Wget";
      else if (Has(ua, "wrk")) out.browser = "wrk";
      else out.browser = "Bot";
      break;
    }
  }

  if (Has(ua, "Android")) out.os = "Android";
  else if (Has(ua, "iPhone") || Has(ua, "iPad") || Has(ua, "iPod")) out.os = "iOS";
  else if (Has(ua, "Windows")) out.os = "Windows";
  else if (Has(ua, "CrOS")) out.os = "ChromeOS";
  else if (Has(ua, "Macintosh") || Has(ua, "Mac OS X")) out.os = "macOS";
  else if (Has(ua, "Linux")) out.os = "Linux";

  if (out.device == DeviceClass::kBot) return out;

  const bool mobile = Has(ua, "Mobile") || Has(ua, "iPhone");
  if (Has(ua, "iPad") || Has(ua, "Tablet") || (out.os == "Android" && !Has(ua, "Mobile")))
    out.device = DeviceClass::kTablet;
  else if (mobile || out.os == "Android" || out.os == "iOS")
    out.device = DeviceClass::kPhone;
  else if (out.os != "Other")
    out.device = DeviceClass::kDesktop;

  const bool handheld = out.device == DeviceClass::kPhone || out.device == DeviceClass::kTablet;
  for (const auto& rule : kBrowserRules) {
    if (Has(ua, rule.token)) {
      out.browser = std::string(handheld ? rule.mobile_name : rule.desktop_name);
      break;
    }
  }
  return out;
}

}  // namespace pantau

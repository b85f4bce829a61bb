#include "sim/ua_pool.h"

#include <algorithm>
#include <cstdlib>

namespace pantau::sim {
namespace {

// Reads the JSON string starting at `pos` (just after its opening quote); simple escapes only.
std::string ReadJsonString(std::string_view json, size_t& pos) {
  std::string out;
  while (pos < json.size() && json[pos] != '"') {
    if (json[pos] == '\\' && pos + 1 < json.size()) ++pos;
    out.push_back(json[pos++]);
  }
  ++pos;
  return out;
}

}  // namespace

void UaPool::Add(Kind kind, std::string ua, double weight) {
  Pool& p = pools_[kind];
  p.strings.push_back(std::move(ua));
  p.cumulative.push_back((p.cumulative.empty() ? 0.0 : p.cumulative.back()) + weight);
}

Result<UaPool> UaPool::FromUserAgentsJson(std::string_view json) {
  UaPool pool;
  constexpr std::string_view kUa = "\"userAgent\": \"", kWeight = "\"weight\": ", kCategory = "\"deviceCategory\": \"";
  size_t pos = 0;
  while ((pos = json.find(kUa, pos)) != std::string_view::npos) {
    pos += kUa.size();
    std::string ua = ReadJsonString(json, pos);
    const size_t next = json.find(kUa, pos);
    const size_t w = json.find(kWeight, pos);
    const size_t c = json.find(kCategory, pos);
    if (w == std::string_view::npos || c == std::string_view::npos || w > next || c > next) continue;
    const double weight = std::strtod(std::string(json.substr(w + kWeight.size(), 32)).c_str(), nullptr);
    size_t cpos = c + kCategory.size();
    const std::string category = ReadJsonString(json, cpos);
    pool.Add(category == "desktop" ? kDesktop : kPhone, std::move(ua), weight > 0 ? weight : 1e-6);
  }
  if (pool.size(kPhone) == 0 || pool.size(kDesktop) == 0)
    return std::unexpected(Error::InvalidArgument("user-agents data: no phone or no desktop entries found"));
  return pool;
}

UaPool UaPool::Builtin() {
  UaPool pool;
  for (const char* ua : {
           "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
           "Mozilla/5.0 (Linux; Android 12; 22011119UY) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36",
           "Mozilla/5.0 (Linux; Android 11; CPH2239) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36",
           "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
           "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
           "Mozilla/5.0 (Linux; Android 10; vivo 1906; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.0.0 Mobile Safari/537.36"})
    pool.Add(kPhone, ua, 1.0);
  for (const char* ua : {
           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
           "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
           "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"})
    pool.Add(kDesktop, ua, 1.0);
  return pool;
}

std::string_view UaPool::Sample(Kind kind, Rng& rng) const {
  const Pool& p = pools_[kind];
  const double x = rng.Uniform() * p.cumulative.back();
  const size_t i = static_cast<size_t>(std::upper_bound(p.cumulative.begin(), p.cumulative.end(), x) - p.cumulative.begin());
  return p.strings[std::min(i, p.strings.size() - 1)];
}

}  // namespace pantau::sim

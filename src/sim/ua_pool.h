// UaPool: realistic User-Agent strings with their observed weights, split into phone and desktop
// traffic, read from the npm package `user-agents` (dist/user-agents.json, a weighted sample of real
// browser traffic). The caller reads the file; Builtin() is a small fallback for tests.
//   PANTAU_ASSIGN_OR_RETURN(UaPool uas, UaPool::FromUserAgentsJson(text));
//   std::string_view ua = uas.Sample(UaPool::kPhone, rng);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "sim/rng.h"

namespace pantau::sim {

class UaPool {
 public:
  enum Kind { kPhone, kDesktop };

  // Scans the JSON array for each entry's "userAgent", "weight" and "deviceCategory" ("mobile",
  // "desktop", "tablet" — tablets count as phones). InvalidArgument when no entry is found.
  static Result<UaPool> FromUserAgentsJson(std::string_view json);
  static UaPool Builtin();

  std::string_view Sample(Kind kind, Rng& rng) const;
  size_t size(Kind kind) const { return pools_[kind].strings.size(); }

 private:
  struct Pool {
    std::vector<std::string> strings;
    std::vector<double> cumulative;  // running sum of weights
  };
  void Add(Kind kind, std::string ua, double weight);
  Pool pools_[2];
};

}  // namespace pantau::sim

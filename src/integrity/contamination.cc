#include "integrity/contamination.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace pantau::integrity {
namespace {

constexpr double kMaxEpsilon = 0.999999;

// Indices of the largest and the second largest share; ties go to the lower index, like Winner().
std::pair<size_t, size_t> TopTwo(const std::vector<double>& shares) {
  size_t first = 0, second = shares.size() > 1 ? 1 : 0;
  if (shares.size() > 1 && shares[1] > shares[0]) std::swap(first, second);
  for (size_t k = 2; k < shares.size(); ++k) {
    if (shares[k] > shares[first]) {
      second = first;
      first = k;
    } else if (shares[k] > shares[second]) {
      second = k;
    }
  }
  return {first, second};
}

}  // namespace

ShareBounds ContaminationBounds(double share, double epsilon) {
  const double e = std::clamp(epsilon, 0.0, kMaxEpsilon);
  return {std::clamp((share - e) / (1.0 - e), 0.0, 1.0), std::clamp(share / (1.0 - e), 0.0, 1.0)};
}

double FlipEpsilon(const std::vector<double>& shares) {
  if (shares.size() < 2) return 0.0;
  const auto [first, second] = TopTwo(shares);
  return shares[first] - shares[second];
}

ContaminationReport Contamination(const std::vector<double>& shares, double epsilon, double counted_votes) {
  ContaminationReport r;
  r.epsilon = std::clamp(epsilon, 0.0, kMaxEpsilon);
  for (double s : shares) r.bounds.push_back(ContaminationBounds(s, r.epsilon));
  if (shares.empty()) return r;
  std::tie(r.winner, r.runner_up) = TopTwo(shares);
  r.flip_epsilon = FlipEpsilon(shares);
  r.flip_votes = r.flip_epsilon * counted_votes;
  r.winner_holds = shares.size() < 2 || r.flip_epsilon > r.epsilon;
  return r;
}

}  // namespace pantau::integrity

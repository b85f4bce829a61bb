// Contamination bounds: how far the adjusted result could still be from the organic one if some of the
// votes it counts are not organic after all (a cohort the scan missed, or excess it under-estimated).
//
// The model is Huber's ε-contamination (Huber 1964, "Robust estimation of a location parameter",
// Ann. Math. Statist. 35(1), §1): of the votes the adjusted result counts, a fraction 1 − ε is organic
// with shares p, and a fraction ε comes from an arbitrary source with shares q. The counted shares are
// s = (1 − ε)·p + ε·q. Nothing is assumed about q, so for every option k
//   (s_k − ε) / (1 − ε)  ≤  p_k  ≤  s_k / (1 − ε)        (clipped to [0, 1]),
// the lower end reached when all the contamination went to k, the upper end when none of it did.
// The winner w can lose its lead to option j exactly when (s_j − s_w + ε)/(1 − ε) ≥ 0, so the
// smallest flipping ε is the lead over the runner-up, s_w − s_r: the fraction of counted votes that,
// were they all non-organic votes for the winner, would leave the runner-up level with it.
//   ContaminationReport c = Contamination(adjusted_shares, 0.05, adjusted_votes);
#pragma once

#include <cstddef>
#include <vector>

namespace pantau::integrity {

struct ShareBounds {
  double low = 0, high = 1;
};

struct ContaminationReport {
  double epsilon = 0;                // the stated ε
  std::vector<ShareBounds> bounds;   // per option, of the organic share
  size_t winner = 0, runner_up = 0;  // indices into the shares (equal when there is one option)
  double flip_epsilon = 0;           // smallest ε at which the runner-up could draw level (0 on a tie)
  double flip_votes = 0;             // flip_epsilon in counted votes
  bool winner_holds = false;         // the winner keeps the lead for every ε-contamination (flip_epsilon > ε)
};

// Bounds on one organic share given its counted share and ε in [0, 1).
ShareBounds ContaminationBounds(double share, double epsilon);

// The lead of the largest share over the second largest (0 with fewer than two options).
double FlipEpsilon(const std::vector<double>& shares);

// Everything above for counted `shares` (summing to 1) that stand for `counted_votes` votes. ε is
// clamped to [0, 1): at ε = 1 nothing would be known.
ContaminationReport Contamination(const std::vector<double>& shares, double epsilon, double counted_votes);

}  // namespace pantau::integrity

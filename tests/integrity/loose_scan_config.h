// Scan gates low enough that chance alone produces hits on a small permuted poll: for tests of the
// Monte Carlo machinery, which needs hits in the shuffled polls to compare against.
#pragma once

#include "integrity/scan_detector.h"

namespace pantau::integrity {

inline ScanConfig LooseScanConfig() {
  ScanConfig loose;
  loose.min_llr = {1, 1, 1, 1, 1};
  loose.min_burst_llr = {1, 1, 1, 1, 1};
  loose.min_option_votes = 3;
  loose.min_excess = 1;
  loose.min_lift = 0.05;
  loose.min_share = 0.5;
  return loose;
}

}  // namespace pantau::integrity

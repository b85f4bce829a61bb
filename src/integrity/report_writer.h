// The DESIGN.md §5 outputs of `pantau analyze`: flags.csv (row,flagged,cohort — one line per data
// row of the input, skipped rows included as unflagged) and report.json.
//   std::string flags = FlagsCsv(log, result);  std::string json = ReportJson(log, result);
#pragma once

#include <string>

#include "integrity/analysis.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

std::string FlagsCsv(const VoteLog& log, const AnalysisResult& result);

// {"options":[{"choice","raw_votes","raw_share","adjusted_share","ci_low","ci_high","excess",
//               "contamination_low","contamination_high"}],
//  "cohorts":[{"id","choice","votes","excess","start","end","loci":[...],"network_class","p_value",
//  "state_apparatus","evidence":[...],"features":{...}}],
//  "winner":{"raw","adjusted","flip_contamination","flip_votes","runner_up","raw_flip_contamination","margin",
//            "margin_ci_low","margin_ci_high","too_close_to_call"},
//  "contamination":{"epsilon","winner_holds"},"votes","data_rows","skipped_rows","method"}
// contamination_low/high bound each organic share for the stated ε; flip_contamination is the smallest
// ε that could flip the adjusted winner (contamination.h). margin is the adjusted winner's share minus
// the runner-up's, margin_ci_low/high its bootstrap interval (the difference bootstrapped directly);
// too_close_to_call when that interval reaches zero. p_value / ci_low / ci_high / margin_ci_low /
// margin_ci_high are null when Monte Carlo / the bootstrap were switched off.
std::string ReportJson(const AnalysisResult& result);

// A JSON string literal (quotes included) with RFC 8259 escaping.
std::string JsonString(std::string_view s);

}  // namespace pantau::integrity

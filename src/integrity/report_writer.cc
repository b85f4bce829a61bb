#include "integrity/report_writer.h"

#include <fmt/format.h>

#include "core/time.h"

namespace pantau::integrity {

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out.push_back(static_cast<char>(c));
    }
  }
  out += '"';
  return out;
}

std::string FlagsCsv(const VoteLog& log, const AnalysisResult& result) {
  std::vector<const std::string*> cohort_of_row(log.data_rows + 1, nullptr);
  for (const Cohort& c : result.cohorts)
    for (uint32_t v : c.votes) cohort_of_row[log.source_row[v]] = &c.id;
  std::string out = "row,flagged,cohort\n";
  out.reserve(16 * (log.data_rows + 1));
  for (uint64_t row = 1; row <= log.data_rows; ++row) {
    const std::string* id = cohort_of_row[row];
    out += fmt::format("{},{},{}\n", row, id ? 1 : 0, id ? *id : std::string());
  }
  return out;
}

namespace {

std::string Number(double x) { return fmt::format("{:.6g}", x); }

std::string Card(const EvidenceCard& card, const Cohort& c) {
  std::string loci, evidence, found;
  for (const LocusShare& l : card.loci)
    loci += fmt::format("{}{{\"prefix\":{},\"asn\":{},\"org\":{},\"network_class\":{},\"votes\":{}}}",
                        loci.empty() ? "" : ",", JsonString(l.prefix), l.asn, JsonString(l.org),
                        JsonString(kNetworkClassNames.Name(l.network_class)), l.votes);
  for (const std::string& line : card.lines) evidence += (evidence.empty() ? "" : ",") + JsonString(line);
  for (const std::string& f : card.found_at) found += (found.empty() ? "" : ",") + JsonString(f);
  return fmt::format(
      "{{\"id\":{},\"choice\":{},\"votes\":{},\"excess\":{},\"start\":{},\"end\":{},\"loci\":[{}],"
      "\"distinct_loci\":{},\"network_class\":{},\"p_value\":{},\"state_apparatus\":{},\"max_llr\":{},"
      "\"features\":{{\"option_share\":{},\"baseline_share\":{},\"office_hours_share\":{},\"government_share\":{},"
      "\"top_token_share\":{},\"top_referrer\":{},\"top_referrer_share\":{},\"repeat_device_rate\":{},"
      "\"cleared_cookie_rate\":{},\"own_link_votes\":{},\"trigger_votes\":{},\"trigger_delay_minutes\":{},\"off_link_excess\":{},\"top_ua_family\":{},\"top_ua_share\":{}}},\"found_at\":[{}],\"evidence\":[{}]}}",
      JsonString(card.cohort_id), JsonString(card.choice), card.votes, Number(card.excess),
      JsonString(FormatRfc3339(FromUnixMillis(card.start_ms))), JsonString(FormatRfc3339(FromUnixMillis(card.end_ms))),
      loci, card.distinct_loci, JsonString(kNetworkClassNames.Name(card.network_class)),
      c.p_value < 0 ? std::string("null") : Number(c.p_value),
      card.state_apparatus ? "true" : "false", Number(c.max_llr), Number(card.option_share),
      Number(card.baseline_share), Number(card.office_hours_share), Number(card.government_share),
      Number(card.top_token_share), JsonString(card.top_referrer), Number(card.top_referrer_share),
      Number(card.repeat_device_rate), Number(card.cleared_cookie_rate), card.own_link_votes, card.trigger_votes,
      Number(card.trigger_delay_minutes), Number(card.off_link_excess), JsonString(card.top_ua), Number(card.top_ua_share), found, evidence);
}

}  // namespace

std::string ReportJson(const AnalysisResult& r) {
  std::string options, cohorts;
  const ContaminationReport& eps = r.contamination;
  for (size_t k = 0; k < r.options.size(); ++k) {
    const OptionResult& o = r.options[k];
    const ShareBounds bounds = k < eps.bounds.size() ? eps.bounds[k] : ShareBounds{};
    options += fmt::format(
        "{}{{\"choice\":{},\"raw_votes\":{},\"raw_share\":{},\"adjusted_share\":{},\"excess\":{},\"ci_low\":{},"
        "\"ci_high\":{},\"contamination_low\":{},\"contamination_high\":{}}}",
        options.empty() ? "" : ",", JsonString(o.choice), o.raw_votes, Number(o.raw_share), Number(o.adjusted_share),
        Number(o.excess), o.ci_low < 0 ? std::string("null") : Number(o.ci_low),
        o.ci_high < 0 ? std::string("null") : Number(o.ci_high), Number(bounds.low), Number(bounds.high));
  }
  for (size_t i = 0; i < r.cohorts.size(); ++i) cohorts += (i ? "," : "") + Card(r.cards[i], r.cohorts[i]);
  return fmt::format(
      "{{\"method\":\"locus-window-option scan with space-time permutation Monte Carlo\",\"votes\":{},"
      "\"data_rows\":{},\"skipped_rows\":{},\"options\":[{}],\"cohorts\":[{}],"
      "\"winner\":{{\"raw\":{},\"adjusted\":{},\"flip_contamination\":{},\"flip_votes\":{},\"runner_up\":{},"
      "\"raw_flip_contamination\":{},\"margin\":{},\"margin_ci_low\":{},\"margin_ci_high\":{},\"too_close_to_call\":{}}},"
      "\"contamination\":{{\"epsilon\":{},\"winner_holds\":{}}}}}\n",
      r.votes, r.data_rows, r.skipped_rows, options, cohorts, JsonString(r.raw_winner), JsonString(r.adjusted_winner),
      Number(eps.flip_epsilon), Number(eps.flip_votes),
      JsonString(eps.runner_up < r.options.size() ? r.options[eps.runner_up].choice : std::string()),
      Number(r.raw_flip_epsilon), Number(r.margin), r.has_margin_interval ? Number(r.margin_ci_low) : std::string("null"),
      r.has_margin_interval ? Number(r.margin_ci_high) : std::string("null"), r.too_close_to_call ? "true" : "false", Number(eps.epsilon), eps.winner_holds ? "true" : "false");
}

}  // namespace pantau::integrity

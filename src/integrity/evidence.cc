#include "integrity/evidence.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "core/time.h"
#include "integrity/cohort_signals.h"

namespace pantau::integrity {
namespace {

constexpr int64_t kHourMs = 3'600'000;

bool InOfficeHours(int64_t t, const EvidenceConfig& c) {
  const int64_t local = t + int64_t{c.utc_offset_minutes} * 60'000;
  const int64_t days = local >= 0 ? local / (24 * kHourMs) : (local - 24 * kHourMs + 1) / (24 * kHourMs);
  const int hour = static_cast<int>((local - days * 24 * kHourMs) / kHourMs);
  const int weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday (4)
  return weekday >= 1 && weekday <= 5 && hour >= c.office_start_hour && hour < c.office_end_hour;
}

// The most frequent non-zero id among `ids` and its share of all of them.
std::pair<uint32_t, double> Top(const std::vector<uint32_t>& ids) {
  std::unordered_map<uint32_t, uint32_t> counts;
  for (uint32_t id : ids)
    if (id != 0) ++counts[id];
  uint32_t best = 0, best_n = 0;
  for (const auto& [id, n] : counts)
    if (n > best_n || (n == best_n && id < best)) best = id, best_n = n;
  return {best, ids.empty() ? 0.0 : static_cast<double>(best_n) / static_cast<double>(ids.size())};
}

std::string GroupName(const Cell& cell) {
  return fmt::format("{} {}", kLocusLevelNames.Name(cell.level), cell.label);
}

}  // namespace

std::vector<EvidenceCard> BuildEvidence(const VoteLog& log, const std::vector<Cohort>& cohorts,
                                        const EvidenceConfig& config) {
  std::vector<uint32_t> device_votes(log.devices.size(), 0);
  for (uint32_t d : log.device) ++device_votes[d];
  std::vector<EvidenceCard> cards;
  for (const Cohort& c : cohorts) {
    EvidenceCard card;
    card.cohort_id = c.id;
    card.choice = log.option_labels[c.option];
    card.votes = c.votes.size();
    card.excess = c.excess;
    card.start_ms = c.start_ms;
    card.end_ms = c.end_ms;
    std::unordered_map<uint32_t, uint32_t> per_locus;
    std::vector<uint32_t> tokens, referrers, uas;
    std::array<uint32_t, 5> per_class{};
    uint32_t office = 0, with_device = 0, repeat = 0;
    for (uint32_t v : c.votes) {
      ++per_locus[log.locus[v]];
      ++per_class[static_cast<size_t>(log.loci[log.locus[v]].network_class)];
      tokens.push_back(log.token[v]);
      referrers.push_back(log.referrer[v]);
      uas.push_back(log.ua_family[v]);
      office += InOfficeHours(log.time_ms[v], config);
      if (log.device[v] != 0) ++with_device, repeat += device_votes[log.device[v]] > 1;
    }
    const double n = std::max<double>(1.0, static_cast<double>(c.votes.size()));
    std::vector<std::pair<uint32_t, uint32_t>> loci(per_locus.begin(), per_locus.end());
    std::sort(loci.begin(), loci.end(), [](auto a, auto b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    card.distinct_loci = loci.size();
    for (size_t i = 0; i < loci.size() && i < config.max_loci; ++i) {
      const LocusInfo& info = log.loci[loci[i].first];
      card.loci.push_back({info.prefix, info.asn, info.org, info.network_class, loci[i].second});
    }
    card.network_class = static_cast<NetworkClass>(std::max_element(per_class.begin(), per_class.end()) - per_class.begin());
    card.government_share = per_class[static_cast<size_t>(NetworkClass::kGovernment)] / n;
    card.state_apparatus = card.government_share >= config.state_apparatus_min_share;
    double window_n = 0, window_o = 0, expected = 0;
    for (const Cell& cell : c.cells) {
      if (cell.test == CellTest::kTrigger) {
        card.found_at.push_back(fmt::format(
            "{} ({} min after the trigger, {} of {} votes flagged; {:.1f} expected at the usual rate; mean delay {:.0f} "
            "min; LLR {:.1f})",
            GroupName(cell), (cell.end_ms - cell.start_ms + 59'999) / 60'000, cell.option_votes, cell.window_votes,
            cell.expected, cell.delay_minutes, cell.llr));
        continue;
      }
      window_n += cell.window_votes;
      window_o += cell.option_votes;
      expected += cell.window_votes * cell.baseline_share;
      const std::string test =
          cell.test == CellTest::kShift  ? fmt::format("{:.0f}% usually", 100 * cell.baseline_share)
          : cell.test == CellTest::kLink ? fmt::format("whole poll; its voters' networks give {:.0f}%", 100 * cell.baseline_share)
                                         : fmt::format("burst: {:.1f} expected from the poll's time curve", cell.expected);
      card.found_at.push_back(fmt::format("{} ({} min, {} of {} votes for {}; {}; LLR {:.1f})", GroupName(cell),
                                          (cell.end_ms - cell.start_ms + 59'999) / 60'000, cell.option_votes,
                                          cell.window_votes, card.choice, test, cell.llr));
    }
    card.option_share = window_n > 0 ? window_o / window_n : 0;
    card.baseline_share = window_n > 0 ? expected / window_n : 0;
    card.office_hours_share = office / n;
    auto [tok, tok_share] = Top(tokens);
    card.top_token = log.tokens.Name(tok), card.top_token_share = tok ? tok_share : 0;
    auto [ref, ref_share] = Top(referrers);
    card.top_referrer = log.referrers.Name(ref), card.top_referrer_share = ref ? ref_share : 0;
    auto [ua, ua_share] = Top(uas);
    card.top_ua = log.ua_families.Name(ua), card.top_ua_share = ua ? ua_share : 0;
    card.repeat_device_rate = with_device ? static_cast<double>(repeat) / with_device : 0;
    const std::vector<uint8_t> cleared = RepeatDevices(log, c.votes, config.repeat_minutes);
    card.cleared_cookie_rate = static_cast<double>(std::count(cleared.begin(), cleared.end(), 1)) / n;

    // A one-sided link (cohort_signals.h) spans the poll: it is not a burst.
    const bool link = std::all_of(c.cells.begin(), c.cells.end(), [](const Cell& x) { return x.test == CellTest::kLink; });
    const Cell* own_link = nullptr;  // a burst cohort's own link, extended beyond its windows
    uint64_t trigger_other = 0;      // members on the own link who chose another candidate
    double trigger_excess = 0, trigger_expected = 0, trigger_minutes = 0;
    std::string trigger_networks;
    if (!link)
      for (const Cell& cell : c.cells) {
        if (cell.test == CellTest::kLink) own_link = &cell, card.own_link_votes = cell.option_votes;
        if (cell.test != CellTest::kTrigger) continue;
        card.trigger_votes += cell.option_votes;
        card.trigger_delay_minutes = cell.delay_minutes;
        trigger_minutes = static_cast<double>(cell.end_ms - cell.start_ms) / 60'000;
        if (cell.level == LocusLevel::kToken) {
          trigger_other += cell.option_votes;
          continue;
        }
        trigger_excess += cell.excess;
        trigger_expected += cell.expected;
        if (trigger_networks.size() < 200) trigger_networks += (trigger_networks.empty() ? "" : "; ") + cell.label;
      }
    auto& l = card.lines;
    l.push_back(fmt::format("{} votes for {} between {} and {} (UTC); about {:.0f} more than these networks would "
                            "have given {} {}.",
                            card.votes, card.choice, FormatRfc3339(FromUnixMillis(c.start_ms)),
                            FormatRfc3339(FromUnixMillis(c.end_ms)), c.excess, card.choice,
                            link ? "over the poll" : "at that time"));
    l.push_back(link ? fmt::format("Through this link {:.0f}% of votes went to {}; the networks they came from give it "
                                   "{:.0f}%. A link passed around among one side's supporters, not a burst.",
                                   100 * card.option_share, card.choice, 100 * card.baseline_share)
                     : fmt::format("Inside the burst {:.0f}% of votes went to {}; the same networks gave it {:.0f}% otherwise.",
                                   100 * card.option_share, card.choice, 100 * card.baseline_share));
    if (!card.loci.empty())
      l.push_back(fmt::format("They came from {} network(s); the largest is {} ({}, AS{} {}), with {} votes.",
                              card.distinct_loci, card.loci[0].prefix, kNetworkClassNames.Name(card.loci[0].network_class),
                              card.loci[0].asn, card.loci[0].org.empty() ? "unknown organisation" : card.loci[0].org,
                              card.loci[0].votes));
    if (card.state_apparatus)
      l.push_back(fmt::format("{:.0f}% came from government networks: possible mobilisation of the state apparatus "
                              "(ASN / honorer), to be checked with Bawaslu.",
                              100 * card.government_share));
    l.push_back(fmt::format("{:.0f}% were cast in office hours (Mon-Fri {:02}:00-{:02}:00, UTC{:+.1f}).",
                            100 * card.office_hours_share, config.office_start_hour, config.office_end_hour,
                            config.utc_offset_minutes / 60.0));
    if (card.top_token_share > 0)
      l.push_back(fmt::format("{:.0f}% used the same share link (token {}).", 100 * card.top_token_share, card.top_token));
    if (card.repeat_device_rate > 0)
      l.push_back(fmt::format("{:.0f}% came from a device that voted more than once.", 100 * card.repeat_device_rate));
    if (card.cleared_cookie_rate > 0)
      l.push_back(fmt::format("{:.0f}% shared their address and browser family with another vote within {} minutes under "
                              "another device id (a repeat with a cleared cookie, or colleagues on one office desktop image).",
                              100 * card.cleared_cookie_rate, config.repeat_minutes));
    if (own_link)
      l.push_back(fmt::format("{} of them came through the cohort's own link (token {}) outside the burst windows; of "
                              "that link's other votes {:.0f}% went to {}, against {:.0f}% from the same networks.",
                              card.own_link_votes, own_link->label, 100.0 * own_link->option_votes / own_link->window_votes,
                              card.choice, 100 * own_link->baseline_share));
    if (card.trigger_votes > trigger_other)
      l.push_back(fmt::format(
          "The answer to the message decays from its first minutes (mean delay {:.0f} min). In the {:.0f} minutes after "
          "it, the same networks ({}) cast about {:.0f} more votes for {} outside the burst windows than they usually "
          "do at that time ({:.0f} expected); the {} that came first, while such votes outnumbered the usual ones, are "
          "flagged.",
          card.trigger_delay_minutes, trigger_minutes, trigger_networks, trigger_excess, card.choice, trigger_expected,
          card.trigger_votes - trigger_other));
    if (const OffLinkExcess& x = c.off_link; x.estimated) {
      card.off_link_excess = x.excess;
      const double off_link_expected = x.rhythm_out > 0 ? x.outside * x.rhythm_in / x.rhythm_out : 0.0;
      l.push_back(fmt::format(
          "In the link's active {:.0f} hours, votes for {} that arrived the same way ({}) without the link numbered {:.0f} "
          "against {:.0f} expected from the rest of the poll: about {:.0f} {} members who voted without the link. "
          "They are counted in the excess (with their uncertainty in the interval) but no vote is flagged for them.",
          static_cast<double>(x.end_ms - x.start_ms) / 3'600'000, card.choice,
          x.referrer == 0 ? std::string("no referrer") : std::string(log.referrers.Name(x.referrer)), x.observed, off_link_expected,
          std::abs(x.excess), x.excess >= 0 ? "more votes than usual, as from" : "fewer votes than usual: no sign of"));
    }
    if (trigger_other > 0)
      l.push_back(fmt::format("{} votes for other candidates came through the cohort's own link in those minutes: "
                              "members who got the message and chose otherwise. They are flagged but not subtracted "
                              "from anyone.",
                              trigger_other));
    cards.push_back(std::move(card));
  }
  return cards;
}

}  // namespace pantau::integrity

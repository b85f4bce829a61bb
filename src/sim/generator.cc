#include "sim/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "core/csv.h"
#include "core/time.h"

namespace pantau::sim {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

// Relative voting activity by local hour (Indonesian smartphone traffic: quiet nights, peaks at the
// morning commute, lunch and the evening).
constexpr std::array<double, 24> kDiurnal{0.20, 0.10, 0.05, 0.05, 0.15, 0.50, 0.90, 1.20, 1.10, 1.00, 0.95, 1.00,
                                          1.30, 1.10, 0.90, 0.90, 1.00, 1.10, 1.20, 1.50, 1.60, 1.40, 0.90, 0.50};
constexpr std::array<std::string_view, 8> kOrganicReferrers{
    "", "l.facebook.com", "m.facebook.com", "www.google.com", "l.instagram.com", "t.co", "web.whatsapp.com", "lm.facebook.com"};
constexpr std::array<double, 8> kOrganicReferrerWeights{0.55, 0.15, 0.05, 0.07, 0.05, 0.03, 0.05, 0.05};

struct Office {
  uint32_t ip = 0;
  std::array<uint32_t, 2> desktop_uas{};  // the office's standard desktop image
};

class Builder {
 public:
  Builder(const Scenario& s, const NetworkPools& pools, const UaPool& uas, uint64_t seed)
      : s_(s), pools_(pools), uas_(uas), rng_(seed) {
    poll_.options = s.options;
    poll_.tokens.emplace_back();
    poll_.referrers.emplace_back();
    for (std::string_view r : kOrganicReferrers)
      if (!r.empty()) Intern(poll_.referrers, referrer_ids_, std::string(r));
    const int64_t hours = static_cast<int64_t>(std::ceil(s.days * 24));
    for (int64_t h = 0; h < hours; ++h) hour_weights_.push_back(kDiurnal[LocalHour(s.start_ms + h * kHour)]);
  }

  Result<SimulatedPoll> Run() {
    PANTAU_RETURN_IF_ERROR(Validate());
    MakeCgnatPools();
    for (int i = 0; i < s_.organic.offices; ++i) organic_offices_.push_back(MakeOffice(i % 2 == 0));
    Rng organic = rng_.Fork(1);
    for (int i = 0; i < s_.organic.votes; ++i) AddOrganic(organic, SampleTime(organic), /*repeat_allowed=*/true);
    for (size_t c = 0; c < s_.cohorts.size(); ++c) {
      Rng r = rng_.Fork(100 + c);
      AddCohort(s_.cohorts[c], c, r);
    }
    for (size_t b = 0; b < s_.bots.size(); ++b) {
      Rng r = rng_.Fork(200 + b);
      AddBots(s_.bots[b], b, r);
    }
    for (size_t v = 0; v < s_.surges.size(); ++v) {
      Rng r = rng_.Fork(300 + v);
      AddSurge(s_.surges[v], v, r);
    }
    std::stable_sort(poll_.votes.begin(), poll_.votes.end(),
                     [](const SimVote& a, const SimVote& b) { return a.time_ms < b.time_ms; });
    std::vector<double> counts(s_.options.size(), 0.0);
    double organic_total = 0;
    for (const SimVote& v : poll_.votes)
      if (v.label == Label::kOrganic) counts[v.option] += 1, organic_total += 1;
    for (double c : counts) poll_.true_shares.push_back(organic_total > 0 ? c / organic_total : 0.0);
    return std::move(poll_);
  }

 private:
  Status Validate() const {
    const size_t k = s_.options.size();
    if (k < 2 || s_.organic.shares.size() != k)
      return std::unexpected(Error::InvalidArgument("scenario: organic shares must match the options (at least 2)"));
    for (const auto& c : s_.cohorts)
      if (c.option < 0 || static_cast<size_t>(c.option) >= k || c.members < 0 || c.offices < 1)
        return std::unexpected(Error::InvalidArgument("scenario: bad cohort (option, members or offices)"));
    for (const auto& b : s_.bots)
      if (b.option < 0 || static_cast<size_t>(b.option) >= k || b.addresses < 1)
        return std::unexpected(Error::InvalidArgument("scenario: bad bot spec"));
    if (s_.days <= 0) return std::unexpected(Error::InvalidArgument("scenario: days must be positive"));
    return Ok();
  }

  static uint32_t Intern(std::vector<std::string>& table, std::unordered_map<std::string, uint32_t>& ids,
                         const std::string& s) {
    auto [it, inserted] = ids.emplace(s, static_cast<uint32_t>(table.size()));
    if (inserted) table.push_back(s);
    return it->second;
  }
  uint32_t Ua(std::string_view ua) { return Intern(poll_.user_agents, ua_ids_, std::string(ua)); }
  uint32_t Referrer(std::string_view r) { return r.empty() ? 0 : Intern(poll_.referrers, referrer_ids_, std::string(r)); }
  uint32_t NewToken(Rng& r) {
    poll_.tokens.push_back(fmt::format("{:08x}", static_cast<uint32_t>(r.Next())));
    return static_cast<uint32_t>(poll_.tokens.size() - 1);
  }

  int LocalHour(int64_t t) const {
    const int64_t local = t + int64_t{s_.utc_offset_minutes} * kMinute;
    return static_cast<int>(((local / kHour) % 24 + 24) % 24);
  }
  int64_t SampleTime(Rng& r) const {
    const size_t h = r.Pick(hour_weights_);
    return s_.start_ms + static_cast<int64_t>(h) * kHour + static_cast<int64_t>(r.Below(kHour));
  }
  int64_t End() const { return s_.start_ms + static_cast<int64_t>(s_.days * 24 * kHour); }
  uint16_t OrganicOption(Rng& r) const { return static_cast<uint16_t>(r.Pick(s_.organic.shares)); }
  uint64_t NewDevice(Rng& r) { return r.Next() | 1; }

  // Carrier-grade NAT: each carrier's voters share a few hundred public addresses in a few /24s.
  void MakeCgnatPools() {
    const auto& mobile = pools_.asns().mobile;
    const auto& weights = pools_.asns().mobile_weight;
    const double total_mobile = s_.organic.votes * s_.organic.mobile_share;
    for (size_t c = 0; c < mobile.size(); ++c) {
      const double voters = total_mobile * weights[c];
      const int ips = std::max(4, static_cast<int>(voters / s_.organic.voters_per_cgnat_ip));
      std::vector<uint32_t> prefixes;
      for (int p = 0; p < s_.organic.cgnat_prefixes_per_carrier; ++p)
        prefixes.push_back(pools_.RandomAddress(mobile[c], rng_) & ~255u);
      std::vector<uint32_t> ips_of_carrier;
      for (int i = 0; i < ips; ++i) ips_of_carrier.push_back(prefixes[rng_.Below(prefixes.size())] + 1 + rng_.Below(250));
      cgnat_.push_back(std::move(ips_of_carrier));
    }
  }
  uint32_t CarrierIp(Rng& r) {
    const size_t c = r.Pick(pools_.asns().mobile_weight);
    return cgnat_[c][r.Below(cgnat_[c].size())];
  }
  uint32_t HomeIp(Rng& r) {
    if (!households_.empty() && r.Chance(s_.organic.household_reuse)) return households_[r.Below(households_.size())];
    const auto& fixed = pools_.asns().fixed;
    const uint32_t ip = pools_.RandomAddress(fixed[r.Pick(pools_.asns().fixed_weight)], r);
    households_.push_back(ip);
    return ip;
  }
  Office MakeOffice(bool government) {
    const auto& asns = government ? pools_.asns().government : pools_.asns().fixed;
    Office o;
    o.ip = pools_.RandomAddress(asns[rng_.Below(asns.size())], rng_);
    for (auto& ua : o.desktop_uas) ua = Ua(uas_.Sample(UaPool::kDesktop, rng_));
    return o;
  }
  // A vote from an office: its desktop image, or a phone on the office Wi-Fi.
  uint32_t OfficeUa(const Office& o, Rng& r) {
    if (r.Chance(0.4)) return Ua(uas_.Sample(UaPool::kPhone, r));
    return o.desktop_uas[r.Below(o.desktop_uas.size())];
  }
  uint32_t OrganicToken(Rng& r) {
    if (r.Chance(s_.organic.no_token)) return 0;
    if (organic_tokens_.empty())
      for (int i = 0; i < std::max(1, s_.organic.tokens); ++i) organic_tokens_.push_back(NewToken(r));
    // Zipf-like popularity: a few widely forwarded links, a long tail.
    const double u = r.Uniform();
    const size_t i = static_cast<size_t>(std::pow(static_cast<double>(organic_tokens_.size()), u)) - 1;
    return organic_tokens_[std::min(i, organic_tokens_.size() - 1)];
  }
  uint32_t OrganicReferrer(Rng& r) { return Referrer(kOrganicReferrers[r.Pick(kOrganicReferrerWeights)]); }

  // One organic voter (and perhaps their repeat vote). Honest office staff vote in office hours.
  void AddOrganic(Rng& r, int64_t t, bool repeat_allowed) {
    SimVote v;
    v.option = OrganicOption(r);
    v.device = NewDevice(r);
    v.token = OrganicToken(r);
    v.referrer = OrganicReferrer(r);
    const double u = r.Uniform();
    if (u < s_.organic.mobile_share) {
      v.ip = CarrierIp(r);
      v.ua = Ua(uas_.Sample(UaPool::kPhone, r));
    } else if (u < s_.organic.mobile_share + s_.organic.office_share && !organic_offices_.empty()) {
      const Office& o = organic_offices_[r.Below(organic_offices_.size())];
      v.ip = o.ip;
      v.ua = OfficeUa(o, r);
      const int64_t day = (t - s_.start_ms) / (24 * kHour);
      // The poll opens at local midnight, so local 08:00-16:00 of that day is an offset from it.
      t = s_.start_ms + day * 24 * kHour + (8 * 60 + static_cast<int64_t>(r.Below(8 * 60))) * kMinute;
      t = std::clamp(t, s_.start_ms, End() - 1);
    } else {
      v.ip = HomeIp(r);
      v.ua = Ua(uas_.Sample(r.Chance(0.6) ? UaPool::kPhone : UaPool::kDesktop, r));
    }
    v.time_ms = t;
    poll_.votes.push_back(v);
    if (repeat_allowed && r.Chance(s_.organic.repeat_rate)) {
      SimVote again = v;
      again.time_ms = std::min(End() - 1, t + static_cast<int64_t>(r.Exponential(8.0) * kHour) + kMinute);
      if (!r.Chance(s_.organic.repeat_keeps_cookie)) again.device = NewDevice(r);
      poll_.votes.push_back(again);
    }
  }

  void AddCohort(const CohortSpec& c, size_t index, Rng& r) {
    std::vector<Office> offices;
    if (c.office_group >= 0) offices = cohort_offices_[c.office_group];
    while (offices.size() < static_cast<size_t>(c.offices)) offices.push_back(MakeOffice(c.government_offices));
    offices.resize(c.offices);
    if (c.office_group >= 0 && cohort_offices_[c.office_group].size() < offices.size())
      cohort_offices_[c.office_group] = offices;
    const uint32_t shared_token = NewToken(r);
    const int64_t trigger = s_.start_ms + static_cast<int64_t>(c.trigger_hour * kHour);
    (void)index;
    for (int m = 0; m < c.members; ++m) {
      if (!r.Chance(c.compliance)) continue;
      SimVote v;
      v.label = c.label;
      v.option = r.Chance(c.loyalty) ? static_cast<uint16_t>(c.option) : OrganicOption(r);
      v.device = NewDevice(r);
      v.token = r.Chance(c.token_reuse) ? shared_token : OrganicToken(r);
      v.referrer = Referrer(c.referrer);
      v.time_ms = std::min(End() - 1, trigger + kMinute / 2 + static_cast<int64_t>(r.Exponential(c.delay_mean_minutes) * kMinute));
      const double u = r.Uniform();
      if (u < c.office_share) {
        const Office& o = offices[r.Below(offices.size())];
        v.ip = o.ip;
        v.ua = OfficeUa(o, r);
      } else if (u < c.office_share + c.carrier_share) {
        v.ip = CarrierIp(r);
        v.ua = Ua(uas_.Sample(UaPool::kPhone, r));
      } else {
        v.ip = HomeIp(r);
        v.ua = Ua(uas_.Sample(UaPool::kPhone, r));
      }
      poll_.votes.push_back(v);
      if (r.Chance(c.repeat_rate)) {
        const int extra = 1 + static_cast<int>(r.Below(std::max(1, c.max_repeats)));
        for (int k = 0; k < extra; ++k) {
          SimVote again = v;
          again.device = NewDevice(r);  // cleared cookie / private window
          again.time_ms = std::min(End() - 1, v.time_ms + static_cast<int64_t>(r.Exponential(3.0) * kMinute) + 5000);
          poll_.votes.push_back(again);
        }
      }
    }
  }

  void AddBots(const BotSpec& b, size_t index, Rng& r) {
    std::vector<uint32_t> ips;
    const auto& hosting = pools_.asns().hosting;
    for (int i = 0; i < b.addresses; ++i) ips.push_back(pools_.RandomAddress(hosting[(index + i) % hosting.size()], r));
    const uint32_t ua = b.script_ua ? Ua("python-requests/2.31.0") : Ua(uas_.Sample(UaPool::kDesktop, r));
    const int64_t start = s_.start_ms + static_cast<int64_t>(b.start_hour * kHour);
    const auto span = static_cast<uint64_t>(b.duration_minutes * kMinute);
    for (int i = 0; i < b.votes; ++i) {
      SimVote v;
      v.label = Label::kBot;
      v.option = static_cast<uint16_t>(b.option);
      v.ip = ips[r.Below(ips.size())];
      v.ua = ua;
      v.device = b.script_ua ? 0 : NewDevice(r);
      v.time_ms = std::min(End() - 1, start + static_cast<int64_t>(r.Below(span)));
      poll_.votes.push_back(v);
    }
  }

  // A viral post: organic voters from everywhere, the usual split, one popular link.
  void AddSurge(const SurgeSpec& sv, size_t index, Rng& r) {
    (void)index;
    const uint32_t viral_token = NewToken(r);
    const int64_t start = s_.start_ms + static_cast<int64_t>(sv.start_hour * kHour);
    const auto span = static_cast<uint64_t>(sv.duration_minutes * kMinute);
    const size_t before = poll_.votes.size();
    for (int i = 0; i < sv.votes; ++i) {
      const int64_t t = std::min(End() - 1, start + static_cast<int64_t>(r.Below(span)));
      AddOrganic(r, t, /*repeat_allowed=*/false);
    }
    for (size_t i = before; i < poll_.votes.size(); ++i) {
      if (r.Chance(0.5)) poll_.votes[i].token = viral_token;
      if (r.Chance(0.5)) poll_.votes[i].referrer = Referrer("l.facebook.com");
    }
  }

  const Scenario& s_;
  const NetworkPools& pools_;
  const UaPool& uas_;
  Rng rng_;
  SimulatedPoll poll_;
  std::vector<double> hour_weights_;
  std::vector<std::vector<uint32_t>> cgnat_;
  std::vector<uint32_t> households_;
  std::vector<Office> organic_offices_;
  std::unordered_map<int, std::vector<Office>> cohort_offices_;
  std::vector<uint32_t> organic_tokens_;
  std::unordered_map<std::string, uint32_t> ua_ids_, referrer_ids_;
};

}  // namespace

Result<SimulatedPoll> Generate(const Scenario& scenario, const NetworkPools& pools, const UaPool& uas, uint64_t seed) {
  return Builder(scenario, pools, uas, seed).Run();
}

std::string VotesCsv(const SimulatedPoll& poll) {
  std::string out = "time,choice,ip,user_agent,device_id,referrer,share_token\n";
  out.reserve(poll.votes.size() * 200);
  for (const SimVote& v : poll.votes) {
    const std::string time = FormatRfc3339(FromUnixMillis(v.time_ms));
    const std::string ip = Ipv4ToString(v.ip);
    const std::string device = v.device ? fmt::format("{:016x}", v.device) : std::string();
    const std::string referrer = v.referrer ? "https://" + poll.referrers[v.referrer] + "/" : std::string();
    AppendCsvRecord(out, {time, poll.options[v.option], ip, poll.user_agents[v.ua], device, referrer,
                          poll.tokens[v.token]});
  }
  return out;
}

std::string TruthCsv(const SimulatedPoll& poll) {
  std::string out = "row,label\n";
  for (size_t i = 0; i < poll.votes.size(); ++i)
    out += fmt::format("{},{}\n", i + 1, kLabelNames.Name(poll.votes[i].label));
  return out;
}

std::string SharesJson(const SimulatedPoll& poll) {
  size_t organic = 0;
  for (const SimVote& v : poll.votes) organic += v.label == Label::kOrganic;
  std::string options, shares;
  for (size_t k = 0; k < poll.options.size(); ++k) {
    std::string quoted;
    for (char c : poll.options[k]) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    options += fmt::format("{}\"{}\"", k ? "," : "", quoted);
    shares += fmt::format("{}{:.6f}", k ? "," : "", poll.true_shares[k]);
  }
  return fmt::format("{{\"options\":[{}],\"true_organic_shares\":[{}],\"votes\":{},\"organic_votes\":{}}}\n", options,
                     shares, poll.votes.size(), organic);
}

}  // namespace pantau::sim

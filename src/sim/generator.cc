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

// Where a voter sits on the network; each segment has its own lean (OrganicSpec tilts).
enum class Segment : uint8_t { kPhone, kHome, kOffice };

// A preference shift over the options (empty: none).
using Lean = std::vector<double>;

struct Office {
  uint32_t ip = 0;
  std::array<uint32_t, 2> desktop_uas{};  // the office's standard desktop image
  Lean lean;                              // the staff's own preference shift
};

// A phone's public address: an IPv4 shared by CGNAT, or its own IPv6 /64 inside a carrier /48.
struct PhoneAddress {
  uint32_t ip = 0;
  bool v6 = false;
  uint64_t high = 0, low = 0;
  uint64_t locus = 0;  // the lean key: the CGNAT /24 or the /48
};

void AddTo(std::vector<double>& p, const std::vector<double>& shift, double scale = 1.0) {
  for (size_t k = 0; k < p.size() && k < shift.size(); ++k) p[k] += scale * shift[k];
}

class Builder {
 public:
  Builder(const Scenario& s, const NetworkPools& pools, const UaPool& uas, uint64_t seed)
      : s_(s), pools_(pools), uas_(uas), rng_(seed), lean_seed_(seed * 0x9e3779b97f4a7c15ull + 17) {
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
    for (int i = 0; i < s_.organic.offices; ++i) organic_offices_.push_back(MakeOrganicOffice(i % 2 == 0));
    Rng organic = rng_.Fork(1);
    for (int i = 0; i < s_.organic.votes; ++i) AddOrganic(organic, SampleTime(organic), /*repeat_allowed=*/true);
    for (size_t c = 0; c < s_.cohorts.size(); ++c) {
      Rng r = rng_.Fork(100 + c);
      AddCohort(s_.cohorts[c], r);
    }
    for (size_t b = 0; b < s_.bots.size(); ++b) {
      Rng r = rng_.Fork(200 + b);
      AddBots(s_.bots[b], b, r);
    }
    for (size_t v = 0; v < s_.surges.size(); ++v) {
      Rng r = rng_.Fork(300 + v);
      AddSurge(s_.surges[v], r);
    }
    // Last, so that adding leaks leaves every other vote of a seed as it was.
    for (size_t c = 0; c < s_.cohorts.size(); ++c) {
      Rng r = rng_.Fork(400 + c);
      AddLeak(s_.cohorts[c], c, r);
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
    const OrganicSpec& o = s_.organic;
    if (k < 2 || o.shares.size() != k)
      return std::unexpected(Error::InvalidArgument("scenario: organic shares must match the options (at least 2)"));
    for (const auto* shift : {&o.mobile_tilt, &o.home_tilt, &o.office_tilt, &o.drift_per_day})
      if (!shift->empty() && shift->size() != k)
        return std::unexpected(Error::InvalidArgument("scenario: tilts and drift must match the options"));
    for (const auto& c : s_.cohorts)
      if (c.option < 0 || static_cast<size_t>(c.option) >= k || c.members < 0 || c.offices < 1 ||
          c.carrier >= static_cast<int>(s_.networks.mobile.size()))
        return std::unexpected(Error::InvalidArgument("scenario: bad cohort (option, members, offices or carrier)"));
    for (const auto& b : s_.bots)
      if (b.option < 0 || static_cast<size_t>(b.option) >= k || b.addresses < 1)
        return std::unexpected(Error::InvalidArgument("scenario: bad bot spec"));
    if (s_.days <= 0) return std::unexpected(Error::InvalidArgument("scenario: days must be positive"));
    const Asns& n = s_.networks;
    if (n.mobile.empty() || n.mobile.size() != n.mobile_weight.size() || n.fixed.empty() ||
        n.fixed.size() != n.fixed_weight.size() || n.hosting.empty())
      return std::unexpected(Error::InvalidArgument("scenario: networks need carriers, ISPs (with weights) and hosting"));
    for (uint32_t asn : n.All())
      if (!pools_.Has(asn))
        return std::unexpected(Error::InvalidArgument(fmt::format("scenario: AS{} is not in the network pools", asn)));
    if (o.ipv6_share > 0)
      for (uint32_t asn : n.mobile)
        if (!pools_.HasIpv6(asn))
          return std::unexpected(Error::InvalidArgument(fmt::format("scenario: AS{} has no IPv6 ranges loaded", asn)));
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
  // A time in [from, from + hours) following the daily rhythm (rejection sampling on kDiurnal).
  int64_t SampleTimeIn(Rng& r, int64_t from, double hours) const {
    const double peak = *std::max_element(kDiurnal.begin(), kDiurnal.end());
    const auto span = static_cast<uint64_t>(hours * kHour);
    for (int attempt = 0; attempt < 64; ++attempt) {
      const int64_t t = from + static_cast<int64_t>(r.Below(span));
      if (r.Uniform() * peak < kDiurnal[LocalHour(t)]) return t;
    }
    return from + static_cast<int64_t>(r.Below(span));
  }
  int64_t End() const { return s_.start_ms + static_cast<int64_t>(s_.days * 24 * kHour); }
  uint64_t NewDevice(Rng& r) { return r.Next() | 1; }

  // A locus's own preference shift, the same every time the locus is seen: drawn from a generator
  // seeded by the locus key, so it does not depend on the order voters arrive in.
  const Lean& LocusLean(uint64_t key) {
    auto [it, inserted] = leans_.try_emplace(key);
    if (inserted && s_.organic.locus_lean > 0) {
      Rng r(lean_seed_ ^ (key * 0xd1b54a32d192ed03ull));
      Lean& lean = it->second;
      double mean = 0;
      for (size_t k = 0; k < s_.options.size(); ++k) lean.push_back(s_.organic.locus_lean * r.Normal()), mean += lean.back();
      for (double& x : lean) x -= mean / static_cast<double>(lean.size());
    }
    return it->second;
  }

  // The organic preference of a voter in `segment` at time `t` at a locus with `lean`.
  uint16_t OrganicOption(Rng& r, Segment segment, int64_t t, const Lean& lean) const {
    const OrganicSpec& o = s_.organic;
    std::vector<double> p = o.shares;
    AddTo(p, segment == Segment::kPhone ? o.mobile_tilt : segment == Segment::kHome ? o.home_tilt : o.office_tilt);
    const double days_from_middle = static_cast<double>(t - s_.start_ms) / (24.0 * kHour) - s_.days / 2;
    AddTo(p, o.drift_per_day, days_from_middle);
    AddTo(p, lean);
    for (double& x : p) x = std::max(0.01, x);
    return static_cast<uint16_t>(r.Pick(p));
  }

  // Carrier-grade NAT: each carrier's voters share a few hundred public addresses in a few /24s; IPv6
  // phones get their own /64 inside a few regional /48s.
  void MakeCgnatPools() {
    const Asns& n = s_.networks;
    double total_weight = 0;
    for (double w : n.mobile_weight) total_weight += w;
    const double total_mobile = s_.organic.votes * s_.organic.mobile_share * (1 - s_.organic.ipv6_share);
    for (size_t c = 0; c < n.mobile.size(); ++c) {
      const double voters = total_mobile * n.mobile_weight[c] / total_weight;
      const int ips = std::max(4, static_cast<int>(voters / s_.organic.voters_per_cgnat_ip));
      std::vector<uint32_t> prefixes;
      for (int p = 0; p < s_.organic.cgnat_prefixes_per_carrier; ++p)
        prefixes.push_back(pools_.RandomAddress(n.mobile[c], rng_) & ~255u);
      std::vector<uint32_t> ips_of_carrier;
      for (int i = 0; i < ips; ++i) ips_of_carrier.push_back(prefixes[rng_.Below(prefixes.size())] + 1 + rng_.Below(250));
      cgnat_.push_back(std::move(ips_of_carrier));
      std::vector<Ipv6Prefix48> v6;
      if (s_.organic.ipv6_share > 0)
        for (int p = 0; p < s_.organic.ipv6_prefixes_per_carrier; ++p) v6.push_back(pools_.RandomPrefix48(n.mobile[c], rng_));
      ipv6_prefixes_.push_back(std::move(v6));
    }
  }
  // A phone on `carrier` (an index into the mix; -1 picks one by market share).
  PhoneAddress Phone(Rng& r, int carrier = -1) {
    const size_t c = carrier >= 0 ? static_cast<size_t>(carrier) : r.Pick(s_.networks.mobile_weight);
    PhoneAddress a;
    if (!ipv6_prefixes_[c].empty() && r.Chance(s_.organic.ipv6_share)) {
      const Ipv6Prefix48 p = ipv6_prefixes_[c][r.Below(ipv6_prefixes_[c].size())];
      a.v6 = true;
      a.high = (p << 16) | r.Below(1 << 16);
      a.low = r.Next();
      a.locus = p | (uint64_t{1} << 62);
      return a;
    }
    a.ip = cgnat_[c][r.Below(cgnat_[c].size())];
    a.locus = a.ip >> 8;
    return a;
  }
  uint32_t HomeIp(Rng& r) {
    if (!households_.empty() && r.Chance(s_.organic.household_reuse)) return households_[r.Below(households_.size())];
    const auto& fixed = s_.networks.fixed;
    const uint32_t ip = pools_.RandomAddress(fixed[r.Pick(s_.networks.fixed_weight)], r);
    households_.push_back(ip);
    return ip;
  }
  // An office NAT: on a government network when asked for one and the region has any (else on the
  // fixed ISPs' business lines, as Pemkot offices are where no regional-government ASN exists).
  Office MakeOffice(bool government) {
    const auto& asns = government && !s_.networks.government.empty() ? s_.networks.government : s_.networks.fixed;
    Office o;
    o.ip = pools_.RandomAddress(asns[rng_.Below(asns.size())], rng_);
    for (auto& ua : o.desktop_uas) ua = Ua(uas_.Sample(UaPool::kDesktop, rng_));
    return o;
  }
  Office MakeOrganicOffice(bool government) {
    Office o = MakeOffice(government);
    o.lean = LocusLean(uint64_t{o.ip} | (uint64_t{2} << 60));
    if (rng_.Chance(s_.organic.leaning_offices)) {
      if (o.lean.empty()) o.lean.assign(s_.options.size(), 0.0);
      o.lean[rng_.Below(2)] += s_.organic.office_lean;
    }
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

  static void SetPhone(SimVote& v, const PhoneAddress& a) {
    v.ip = a.ip;
    v.v6 = a.v6;
    v.ip6_high = a.high;
    v.ip6_low = a.low;
  }

  // One organic voter (and perhaps their repeat vote). Honest office staff vote in office hours.
  void AddOrganic(Rng& r, int64_t t, bool repeat_allowed) {
    SimVote v;
    v.device = NewDevice(r);
    v.token = OrganicToken(r);
    v.referrer = OrganicReferrer(r);
    const double u = r.Uniform();
    if (u < s_.organic.mobile_share) {
      const PhoneAddress a = Phone(r);
      SetPhone(v, a);
      v.ua = Ua(uas_.Sample(UaPool::kPhone, r));
      v.option = OrganicOption(r, Segment::kPhone, t, LocusLean(a.locus));
    } else if (u < s_.organic.mobile_share + s_.organic.office_share && !organic_offices_.empty()) {
      const Office& o = organic_offices_[r.Below(organic_offices_.size())];
      v.ip = o.ip;
      v.ua = OfficeUa(o, r);
      const int64_t day = (t - s_.start_ms) / (24 * kHour);
      // The poll opens at local midnight, so local 08:00-16:00 of that day is an offset from it.
      t = s_.start_ms + day * 24 * kHour + (8 * 60 + static_cast<int64_t>(r.Below(8 * 60))) * kMinute;
      t = std::clamp(t, s_.start_ms, End() - 1);
      v.option = OrganicOption(r, Segment::kOffice, t, o.lean);
    } else {
      v.ip = HomeIp(r);
      v.ua = Ua(uas_.Sample(r.Chance(0.6) ? UaPool::kPhone : UaPool::kDesktop, r));
      v.option = OrganicOption(r, Segment::kHome, t, LocusLean(uint64_t{v.ip} | (uint64_t{3} << 60)));
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

  int64_t AnswerTime(const CohortSpec& c, int64_t trigger, Rng& r) const {
    if (c.spread_hours > 0) return std::min(End() - 1, SampleTimeIn(r, trigger, c.spread_hours));
    return std::min(End() - 1, trigger + kMinute / 2 + static_cast<int64_t>(r.Exponential(c.delay_mean_minutes) * kMinute));
  }

  void AddCohort(const CohortSpec& c, Rng& r) {
    std::vector<Office> offices;
    if (c.office_group >= 0) offices = cohort_offices_[c.office_group];
    while (offices.size() < static_cast<size_t>(c.offices)) offices.push_back(MakeOffice(c.government_offices));
    offices.resize(c.offices);
    if (c.office_group >= 0 && cohort_offices_[c.office_group].size() < offices.size())
      cohort_offices_[c.office_group] = offices;
    const uint32_t shared_token = NewToken(r);
    cohort_tokens_.push_back(shared_token);
    const int64_t trigger = s_.start_ms + static_cast<int64_t>(c.trigger_hour * kHour);
    for (int m = 0; m < c.members; ++m) {
      if (!r.Chance(c.compliance)) continue;
      SimVote v;
      v.label = c.label;
      v.cohort = static_cast<int16_t>(&c - s_.cohorts.data());
      v.device = NewDevice(r);
      v.cohort_link = r.Chance(c.token_reuse);
      v.token = v.cohort_link ? shared_token : OrganicToken(r);
      v.referrer = Referrer(c.referrer);
      v.time_ms = AnswerTime(c, trigger, r);
      Segment segment = Segment::kHome;
      const double u = r.Uniform();
      if (u < c.office_share) {
        const Office& o = offices[r.Below(offices.size())];
        v.ip = o.ip;
        v.ua = OfficeUa(o, r);
        segment = Segment::kOffice;
        v.via = SimVote::Via::kOffice;
      } else if (u < c.office_share + c.carrier_share) {
        SetPhone(v, Phone(r, c.carrier));
        v.ua = Ua(uas_.Sample(UaPool::kPhone, r));
        segment = Segment::kPhone;
        v.via = SimVote::Via::kPhone;
      } else {
        v.ip = HomeIp(r);
        v.ua = Ua(uas_.Sample(UaPool::kPhone, r));
        v.via = SimVote::Via::kHome;
      }
      // A member who ignores the instruction votes their own preference.
      v.option = r.Chance(c.loyalty) ? static_cast<uint16_t>(c.option) : OrganicOption(r, segment, v.time_ms, {});
      poll_.votes.push_back(v);
      if (r.Chance(c.repeat_rate)) {
        const int extra = 1 + static_cast<int>(r.Below(std::max(1, c.max_repeats)));
        for (int k = 0; k < extra; ++k) {
          SimVote again = v;
          again.repeat = true;
          again.device = NewDevice(r);  // cleared cookie / private window
          again.time_ms = std::min(End() - 1, v.time_ms + static_cast<int64_t>(r.Exponential(3.0) * kMinute) + 5000);
          poll_.votes.push_back(again);
        }
      }
    }
  }

  // Honest voters who got the cohort's link forwarded: organic in every way (network, device, time
  // of day, preference) but the token, and the referrer of the chat the link travelled in.
  void AddLeak(const CohortSpec& c, size_t index, Rng& r) {
    const int n = static_cast<int>(std::lround(c.leak_rate * c.members));
    const int64_t trigger = s_.start_ms + static_cast<int64_t>(c.trigger_hour * kHour);
    for (int i = 0; i < n; ++i) {
      const int64_t from = trigger + static_cast<int64_t>(r.Exponential(c.leak_delay_hours * 60) * kMinute);
      if (from >= End()) continue;
      const double hours = std::min(2.0, static_cast<double>(End() - from) / kHour);
      const size_t before = poll_.votes.size();
      AddOrganic(r, SampleTimeIn(r, from, hours), /*repeat_allowed=*/true);
      for (size_t k = before; k < poll_.votes.size(); ++k) {
        SimVote& v = poll_.votes[k];
        v.time_ms = std::max(v.time_ms, from);  // an honest office voter's time is set to office hours
        v.token = cohort_tokens_[index];
        v.referrer = Referrer(c.referrer);
        v.cohort = static_cast<int16_t>(index);
        v.cohort_link = true;
        v.leaked = true;
      }
    }
  }

  void AddBots(const BotSpec& b, size_t index, Rng& r) {
    std::vector<uint32_t> ips;
    const auto& hosting = s_.networks.hosting;
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
  void AddSurge(const SurgeSpec& sv, Rng& r) {
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
  uint64_t lean_seed_;
  SimulatedPoll poll_;
  std::vector<double> hour_weights_;
  std::vector<std::vector<uint32_t>> cgnat_;
  std::vector<std::vector<Ipv6Prefix48>> ipv6_prefixes_;
  std::vector<uint32_t> households_;
  std::vector<Office> organic_offices_;
  std::unordered_map<int, std::vector<Office>> cohort_offices_;
  std::unordered_map<uint64_t, Lean> leans_;
  std::vector<uint32_t> organic_tokens_;
  std::vector<uint32_t> cohort_tokens_;  // per Scenario::cohorts entry: its shared link
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
    const std::string ip = v.v6 ? Ipv6ToString(v.ip6_high, v.ip6_low) : Ipv4ToString(v.ip);
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

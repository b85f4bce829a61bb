#include "sim/scenario.h"

#include <cmath>

#include <fmt/format.h>

namespace pantau::sim {
namespace {

int Scaled(int organic_votes, double fraction) {
  return std::max(1, static_cast<int>(std::lround(organic_votes * fraction)));
}

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kNov19UtcMidnightMs = 1731974400000;  // 2024-11-19T00:00:00Z, a Tuesday

// Where the poll runs: its region, its clock (the poll opens at local midnight) and its networks.
void SetInJava(Scenario& s) {
  s.region = "32.71";  // Kota Bogor (its Diskominfo network is one of the government ASNs)
  s.utc_offset_minutes = 420;
  s.start_ms = kNov19UtcMidnightMs - 7 * kHourMs;
  s.networks = JavaNetworks();
}
void SetInTomohon(Scenario& s) {
  s.region = "71.73";  // Kota Tomohon, North Sulawesi
  s.utc_offset_minutes = 480;
  s.start_ms = kNov19UtcMidnightMs - 8 * kHourMs;
  s.networks = NorthSulawesiNetworks();
}

// Organic traffic that is not uniform: phones lean to Paslon 1, homes and offices to Paslon 2,
// every CGNAT block, home and office has its own lean, Paslon 2 gains a point a day, and three in
// ten honest offices favour one candidate strongly all day long.
void MakeRealistic(OrganicSpec& o) {
  o.mobile_tilt = {0.04, -0.04, 0.0};
  o.home_tilt = {-0.05, 0.04, 0.01};
  o.office_tilt = {-0.04, 0.06, -0.02};
  o.drift_per_day = {-0.01, 0.01, 0.0};
  o.locus_lean = 0.05;
  o.leaning_offices = 0.3;
  o.office_lean = 0.3;
}

// Two waves of the Tomohon pattern: OPD heads forward the order to staff WhatsApp groups in office
// hours; most staff vote from the office NAT, the rest from their phones.
void AddTomohon(Scenario& s, int n) {
  CohortSpec first;
  first.members = Scaled(n, 0.05);
  first.trigger_hour = 24 + 9.5;  // day 2, 09:30 local
  first.office_group = 0;          // the second wave reaches the same Pemkot offices
  s.cohorts.push_back(first);
  CohortSpec second = first;
  second.members = Scaled(n, 0.035);
  second.offices = 3;
  second.trigger_hour = 48 + 10.25;  // day 3, 10:15 local
  second.delay_mean_minutes = 35;
  second.token_reuse = 0.6;
  s.cohorts.push_back(second);
}

// A campaign team's evening blast to volunteers, who vote from their own phones and homes.
CohortSpec EveningBlast(int members, int option) {
  CohortSpec c;
  c.label = Label::kPartisan;
  c.members = members;
  c.compliance = 0.8;
  c.option = option;
  c.trigger_hour = 24 + 20;  // day 2, 20:00 local
  c.delay_mean_minutes = 20;
  c.offices = 2;
  c.government_offices = false;
  c.office_share = 0.2;
  c.carrier_share = 0.6;
  c.token_reuse = 0.9;
  c.repeat_rate = 0.1;
  return c;
}

// A blast answered only from phones: volunteers at home in the evening, on whatever carrier they use
// (or, with `carrier`, a group whose phones are all on one carrier's CGNAT pool).
CohortSpec PhoneBlast(int members, int option, double trigger_hour, int carrier) {
  CohortSpec c = EveningBlast(members, option);
  c.trigger_hour = trigger_hour;
  c.office_share = 0;
  c.carrier_share = 0.9;
  c.carrier = carrier;
  c.token_reuse = 0.5;
  c.delay_mean_minutes = 30;
  return c;
}

// A campaign that asks its people to vote "when you can" over two days: a trickle from phones and
// homes along the daily rhythm, never a burst.
CohortSpec LowAndSlow(int members, int option) {
  CohortSpec c = EveningBlast(members, option);
  c.trigger_hour = 12;
  c.spread_hours = 48;
  c.office_share = 0.1;
  c.carrier_share = 0.6;
  c.token_reuse = 0.7;
  c.repeat_rate = 0.05;
  return c;
}

void AddBots(Scenario& s, int n) {
  BotSpec a;
  a.votes = Scaled(n, 0.02);
  a.option = 1;
  a.start_hour = 50;
  s.bots.push_back(a);
  BotSpec b;
  b.votes = Scaled(n, 0.01);
  b.option = 0;
  b.start_hour = 62;
  b.duration_minutes = 30;
  b.addresses = 2;
  b.script_ua = false;
  s.bots.push_back(b);
}

void AddSurges(Scenario& s, int n) {
  s.surges.push_back({.votes = Scaled(n, 0.1), .start_hour = 24 + 19.5, .duration_minutes = 120});
  s.surges.push_back({.votes = Scaled(n, 0.05), .start_hour = 48 + 7, .duration_minutes = 60});
}

// One office wave (the first Tomohon wave) and an evening phone blast for the other side.
void AddOfficeWaveAndPhoneBlast(Scenario& s, int n) {
  AddTomohon(s, n);
  s.cohorts.pop_back();
  s.cohorts.push_back(PhoneBlast(Scaled(n, 0.04), 0, 48 + 20, -1));
}

enum class Place : uint8_t { kJava, kTomohon };

struct Recipe {
  std::string_view name;
  Place place;
  std::string_view description;
  void (*build)(Scenario&, int n);  // what happens on top of the organic traffic
};

// The grid, in the order `pantau eval` reports it.
constexpr Recipe kRecipes[] = {
    {"clean", Place::kJava, "organic traffic only (leaning segments, loci and offices, drift)", [](Scenario&, int) {}},
    {"viral", Place::kJava, "two viral organic surges (negative control)", AddSurges},
    {"tomohon", Place::kTomohon, "two office-hours waves from Pemkot offices on Telkom lines and staff phones",
     AddTomohon},
    {"close-race", Place::kTomohon, "organic lead of 2 points; one office wave flips the raw result",
     [](Scenario& s, int n) {
       s.organic.shares = {0.44, 0.43, 0.13};  // the segment leans widen this to about 2 points
       CohortSpec c;
       c.members = Scaled(n, 0.045);
       c.trigger_hour = 24 + 9;
       s.cohorts.push_back(c);
     }},
    {"one-carrier", Place::kTomohon, "a blast answered from phones on Telkomsel's CGNAT pool only",
     [](Scenario& s, int n) { s.cohorts.push_back(PhoneBlast(Scaled(n, 0.06), 1, 24 + 13, /*carrier=*/0)); }},
    {"several-blasts", Place::kTomohon, "four blasts: two office waves for Paslon 2, two phone blasts for Paslon 1",
     [](Scenario& s, int n) {
       AddTomohon(s, n);
       s.cohorts.push_back(PhoneBlast(Scaled(n, 0.03), 0, 24 + 21, -1));
       s.cohorts.push_back(PhoneBlast(Scaled(n, 0.025), 0, 48 + 19.5, -1));
     }},
    {"low-and-slow", Place::kTomohon, "a campaign trickling votes over two days from phones and homes",
     [](Scenario& s, int n) { s.cohorts.push_back(LowAndSlow(Scaled(n, 0.06), 1)); }},
    {"both-sides", Place::kTomohon, "the state apparatus mobilises for Paslon 2, a campaign for Paslon 1",
     [](Scenario& s, int n) {
       AddTomohon(s, n);
       s.cohorts.push_back(EveningBlast(Scaled(n, 0.06), 0));
     }},
    {"bots", Place::kJava, "scripts on hosting networks", AddBots},
    {"evening-phones", Place::kTomohon, "an evening blast answered from phones on every carrier",
     [](Scenario& s, int n) { s.cohorts.push_back(PhoneBlast(Scaled(n, 0.06), 1, 24 + 20.5, -1)); }},
    {"heavy-cgnat", Place::kJava, "300 voters behind each carrier address; an office wave and a phone blast",
     [](Scenario& s, int n) {
       s.organic.voters_per_cgnat_ip = 300;
       s.organic.cgnat_prefixes_per_carrier = 4;
       AddOfficeWaveAndPhoneBlast(s, n);
     }},
    {"ipv6", Place::kJava, "half the phones on IPv6 (a /64 each); an office wave and a phone blast",
     [](Scenario& s, int n) {
       s.organic.ipv6_share = 0.5;
       AddOfficeWaveAndPhoneBlast(s, n);
     }},
    {"village", Place::kTomohon, "a village poll of ~2 000 votes with one office wave",
     [](Scenario& s, int n) {
       s.organic.votes = std::max(100, n / 10);
       s.organic.offices = std::max(4, s.organic.votes / 500);
       CohortSpec c;
       c.members = Scaled(s.organic.votes, 0.08);
       c.offices = 2;
       c.trigger_hour = 24 + 10;
       s.cohorts.push_back(c);
     }},
    {"mixed", Place::kJava, "everything at once: office waves, an evening blast, bots, viral surges",
     [](Scenario& s, int n) {
       AddTomohon(s, n);
       s.cohorts.push_back(EveningBlast(Scaled(n, 0.05), 0));
       AddBots(s, n);
       AddSurges(s, n);
     }},
};

}  // namespace

Asns JavaNetworks() { return Asns{}; }

Asns NorthSulawesiNetworks() {
  Asns a;
  a.mobile = {23693, 4761, 24203};  // Telkomsel dominates outside Java
  a.mobile_weight = {0.72, 0.14, 0.14};
  a.fixed = {7713, 9341, 154097, 4800};  // Telkom (IndiHome, Astinet), Icon+, Internet Berkah Sulawesi, Lintasarta
  a.fixed_weight = {0.84, 0.07, 0.05, 0.04};
  a.government = {};  // no North Sulawesi government ASN in the table
  a.extra = {};
  return a;
}

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const Recipe& r : kRecipes) names.emplace_back(r.name);
  return names;
}

Result<Scenario> NamedScenario(std::string_view name, int organic_votes) {
  if (organic_votes < 100) return std::unexpected(Error::InvalidArgument("a scenario needs at least 100 organic votes"));
  for (const Recipe& r : kRecipes) {
    if (r.name != name) continue;
    Scenario s;
    s.name = std::string(name);
    s.organic.votes = organic_votes;
    s.organic.offices = std::max(4, organic_votes / 500);
    MakeRealistic(s.organic);
    if (r.place == Place::kJava) SetInJava(s);
    else SetInTomohon(s);
    s.description = fmt::format("{}: {}", r.place == Place::kJava ? "Kota Bogor" : "Kota Tomohon", r.description);
    r.build(s, organic_votes);
    return s;
  }
  std::string known;
  for (const auto& k : ScenarioNames()) known += (known.empty() ? "" : ", ") + k;
  return std::unexpected(Error::NotFound(fmt::format("unknown scenario '{}' (known: {})", name, known)));
}

}  // namespace pantau::sim

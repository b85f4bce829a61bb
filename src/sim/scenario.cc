#include "sim/scenario.h"

#include <cmath>

#include <fmt/format.h>

namespace pantau::sim {
namespace {

int Scaled(int organic_votes, double fraction) {
  return std::max(1, static_cast<int>(std::lround(organic_votes * fraction)));
}

// Two waves of the Tomohon pattern: OPD heads forward the order to staff WhatsApp groups in office
// hours; most staff vote from the office NAT of a regional-government network.
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
void AddPartisan(Scenario& s, int n) {
  CohortSpec c;
  c.label = Label::kPartisan;
  c.members = Scaled(n, 0.05);
  c.compliance = 0.8;
  c.option = 0;
  c.trigger_hour = 24 + 20;  // day 2, 20:00 local
  c.delay_mean_minutes = 20;
  c.offices = 2;
  c.government_offices = false;
  c.office_share = 0.2;
  c.carrier_share = 0.6;
  c.token_reuse = 0.9;
  c.repeat_rate = 0.1;
  s.cohorts.push_back(c);
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

}  // namespace

std::vector<std::string> ScenarioNames() { return {"clean", "viral", "tomohon", "partisan", "bots", "mixed"}; }

Result<Scenario> NamedScenario(std::string_view name, int organic_votes) {
  if (organic_votes < 100) return std::unexpected(Error::InvalidArgument("a scenario needs at least 100 organic votes"));
  Scenario s;
  s.name = std::string(name);
  s.organic.votes = organic_votes;
  s.organic.offices = std::max(4, organic_votes / 500);
  const int n = organic_votes;
  if (name == "clean") {
  } else if (name == "viral") {
    AddSurges(s, n);
  } else if (name == "tomohon") {
    AddTomohon(s, n);
  } else if (name == "partisan") {
    AddPartisan(s, n);
  } else if (name == "bots") {
    AddBots(s, n);
  } else if (name == "mixed") {
    AddTomohon(s, n);
    AddPartisan(s, n);
    AddBots(s, n);
    AddSurges(s, n);
  } else {
    std::string known;
    for (const auto& k : ScenarioNames()) known += (known.empty() ? "" : ", ") + k;
    return std::unexpected(Error::NotFound(fmt::format("unknown scenario '{}' (known: {})", name, known)));
  }
  return s;
}

}  // namespace pantau::sim

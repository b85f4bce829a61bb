// Scenario: everything that shapes a simulated poll — organic traffic, injected mobilisation cohorts,
// bots and viral surges — as plain numbers, plus the named scenarios `pantau simulate` and
// `pantau eval` use. Times are hours since the poll opens (UTC instants; the poll opens at local
// midnight of `utc_offset_minutes`).
//   PANTAU_ASSIGN_OR_RETURN(Scenario s, NamedScenario("tomohon", 20000));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_table.h"
#include "core/error.h"
#include "sim/network_pools.h"

namespace pantau::sim {

// Ground-truth label of a simulated vote.
enum class Label : uint8_t { kOrganic, kState, kPartisan, kBot };
inline constexpr EnumTable<Label, 4> kLabelNames{{{
    {Label::kOrganic, "organic"},
    {Label::kState, "state"},
    {Label::kPartisan, "partisan"},
    {Label::kBot, "bot"},
}}};

struct OrganicSpec {
  int votes = 20000;
  std::vector<double> shares{0.45, 0.43, 0.12};  // baseline organic preference (the realised shares are the truth)
  double mobile_share = 0.62;                    // on a carrier CGNAT pool
  double office_share = 0.05;                    // honest staff voting from their office NAT
  // The rest vote from home fixed lines.
  double voters_per_cgnat_ip = 60;   // mean voters behind one public carrier IPv4
  int cgnat_prefixes_per_carrier = 12;
  double household_reuse = 0.25;     // a home vote from an address already used (family members)
  int offices = 40;                  // half government, half private
  double repeat_rate = 0.03;         // organic voters who vote again later
  double repeat_keeps_cookie = 0.5;  // ... with the same device id (else they cleared it)
  double no_token = 0.3;             // votes that arrived without a share token
  int tokens = 400;                  // distinct organic share tokens (Zipf popularity)
  // Preference varies over space and time. Each vector is added to `shares` (empty: no change; the
  // result is clipped at 1 % and renormalised): phone, home and office voters lean differently.
  std::vector<double> mobile_tilt, home_tilt, office_tilt;
  std::vector<double> drift_per_day;  // times days since the middle of the poll
  double locus_lean = 0;              // sd of each CGNAT /24, IPv6 /48, home and office's own shift
  double leaning_offices = 0;         // honest offices whose staff strongly favour one candidate
  double office_lean = 0.3;           // ... by this much on that candidate's share
  double ipv6_share = 0;              // phones on IPv6: a /64 each inside a few carrier /48s
  int ipv6_prefixes_per_carrier = 6;
};

// A mobilisation: an official's message to staff groups at `trigger_hour`; members answer after an
// exponential delay from their office NAT, their phone on a carrier pool, or their home line.
struct CohortSpec {
  Label label = Label::kState;
  int members = 1500;
  double compliance = 0.75;
  int option = 1;
  double loyalty = 0.95;  // members who vote as told
  double trigger_hour = 33.5;
  double delay_mean_minutes = 25;
  int offices = 4;
  bool government_offices = true;  // offices on government ASNs (else private offices on fixed ISPs)
  int office_group = -1;           // cohorts with the same group >= 0 share their offices (waves)
  double office_share = 0.75;
  double carrier_share = 0.25;     // the rest vote from home
  double token_reuse = 0.8;        // members who open the one shared link
  std::string referrer;            // host of the shared link's referrer ("" for WhatsApp)
  double repeat_rate = 0.05;       // members who vote again with a cleared cookie
  int max_repeats = 3;
  int carrier = -1;                // phones all on this carrier (index into Asns::mobile); -1: market shares
  // > 0: low-and-slow — answers spread over this many hours after the trigger along the daily rhythm
  // instead of an exponential delay.
  double spread_hours = 0;
  // The blast link gets forwarded (a staffer sends it to family, it lands in a neighbourhood group):
  // this many honest voters per member — organic networks, preferences and devices, labelled
  // organic — vote through the cohort's shared link, after an exponential delay of mean
  // `leak_delay_hours` from the trigger along the daily rhythm (the whole poll when 0 members).
  double leak_rate = 0.03;
  double leak_delay_hours = 12;
};

// A script voting from a few hosting addresses.
struct BotSpec {
  int votes = 400;
  int option = 0;
  double start_hour = 50;
  double duration_minutes = 90;
  int addresses = 5;
  bool script_ua = true;  // python-requests; else one fixed desktop browser string
};

// A legitimate viral moment: many networks, the usual split (a negative control).
struct SurgeSpec {
  int votes = 2000;
  double start_hour = 44;
  double duration_minutes = 120;
};

struct Scenario {
  std::string name = "custom";
  std::string description;
  std::vector<std::string> options{"Paslon 1", "Paslon 2", "Paslon 3"};
  int64_t start_ms = 1731945600000;  // 2024-11-18T16:00:00Z = 2024-11-19 00:00 WITA
  double days = 3;
  int utc_offset_minutes = 480;      // WITA (Tomohon); WIB is 420
  std::string region = "71.73";      // Kemendagri code of the poll's region (Kota Tomohon)
  Asns networks;                     // the carriers, ISPs and government networks voters use
  OrganicSpec organic;
  std::vector<CohortSpec> cohorts;
  std::vector<BotSpec> bots;
  std::vector<SurgeSpec> surges;
};

// The evaluation grid of issue 4 (ScenarioNames()): realistic organic traffic everywhere (phone, home
// and office voters lean differently, every locus has its own lean, preference drifts over the days,
// some honest offices lean hard) plus one kind of coordinated voting each. `organic_votes` scales the
// organic traffic and every injected part with it ("village" uses a tenth of it). NotFound naming the
// known names for anything else.
Result<Scenario> NamedScenario(std::string_view name, int organic_votes = 20000);
std::vector<std::string> ScenarioNames();

// The networks of a West Java city (Telkomsel, Indosat, XL; Telkom, Biznet, ...; regional-government
// ASNs) and of North Sulawesi (Telkomsel-heavy; Telkom IndiHome and Astinet, a local ISP; no regional
// government ASN, so Pemkot offices sit on Telkom business lines).
Asns JavaNetworks();
Asns NorthSulawesiNetworks();

}  // namespace pantau::sim

// Cohort signals the window scan ignores (scan_detector.h looks only at where, when and what).
//
// One-sided links. A campaign that asks its people to vote "when you can" over two days leaves no
// burst anywhere: no locus-window is crowded or one-sided enough. What it does leave is a share
// link — the token of the link it circulated (or the site it was posted on) — whose votes, over the
// whole poll, go to one candidate far more than the networks they came from usually give it.
// Each vote's expectation is the mix of its own /24 (or /48) block, shrunk towards its operator's
// mix and that towards the poll's (so phone voters, who lean differently from home voters, are
// compared with phone voters), computed without the link's own votes and without votes the scan
// already took. With n votes on the link, O of them for option k and E_k the sum of the votes'
// expected shares of k:
//   LLR = Bernoulli LLR of O of n against E_k / n       (Kulldorff 1997 §2.2)
//   excess = (O − E_k) / (1 − E_k / n)                    (as for scan hits)
//   p ≤ links · options · exp(−LLR)                       (Hoeffding 1963, Thm 1, with Bonferroni)
// A link that went viral, or that circulates among everyone, carries the usual split and is never
// flagged; a link passed around only among one side's supporters is — that is what a mobilising
// campaign's link is, and the evidence card says which link it was.
//   AppendLinkCohorts(log, LinkConfig{}, cohorts);
//
// Which votes. A scan hit flags every vote for the option in its locus-window, but some of them are
// the locus's honest voters for that option. How many: for a shift hit, the locus's votes outside
// the window (n_out, the votes its baseline share π came from) scaled by the share of the poll's
// unflagged traffic that falls in the window (f), times π: h = n_out · f/(1 − f) · π; for a burst hit,
// the votes the poll's time curve predicts there (μ). An office that votes only when told has no
// honest traffic to speak of; a busy CGNAT block in the evening peak has plenty. Instructed votes
// arrive on the shape of a response to a trigger — bunched just after the message, thinning out —
// often through the one link that was forwarded, and the way the message travelled (no referrer from
// a chat app; honest voters also come from search and social sites), so TrimToExcess unflags the h
// votes least like that: off the cohort's own link first, then with another referrer than most of
// the cohort, then where the cohort's votes are sparsest in time.
// It never keeps fewer than the cohort's excess. The excess, and so the adjusted result, do not change.
#pragma once

#include <cstdint>
#include <vector>

#include "integrity/cohort.h"
#include "integrity/vote_log.h"

namespace pantau::integrity {

struct LinkConfig {
  bool enabled = true;
  uint32_t min_votes = 30;  // untaken votes on the link
  double min_share = 0.7;   // O / n
  double min_lift = 0.3;    // O / n − E_k / n
  double min_excess = 15;
  double min_llr = 40;
  double prior_votes = 30;  // pseudo-votes of the coarser mix added to a block's and an operator's counts
  double alpha = 0.05;      // links with a larger bound on p are not reported
  // ExtendAlongOwnLinks: a scan cohort's own link's other votes join it when the link stays one-sided.
  bool extend = true;
  double extend_min_share = 0.7;  // O / n of the link's votes outside every cohort
  // EstimateOffLinkExcess: a token link cohort's campaign members who did not use the link.
  bool off_link = true;
  double period_quantile = 0.02;      // the link's active period: this quantile of its votes' times to 1 - it
  double min_rhythm_outside = 200;    // the poll's other-option votes outside the period needed to estimate it
};

struct TriggerConfig;

struct TrimConfig {
  bool enabled = true;
  int64_t density_minutes = 10;    // a vote's density: the cohort's votes within this many minutes of it
  double baseline_prior_votes = 30;  // pseudo-votes in a shift cell's baseline_votes (ScanConfig::prior_votes)
  double min_token_share = 0.2;    // a cohort's own link carries at least this share of its votes
  double min_token_ownership = 0.5;  // ... and the cohort holds at least this share of the link's votes
  int64_t repeat_minutes = 10;     // same address and browser family, another device id, within this (0: off)
  double honest_share = 1.0;       // of a cohort's estimated honest votes, the share left unflagged
};

// The one-sided links among votes not yet in `taken` (per kept vote, 1 when a cohort holds it), as
// cohorts with one kToken or kReferrer cell each (ids empty, p_value set).
std::vector<Cohort> FindOneSidedLinks(const VoteLog& log, const std::vector<uint8_t>& taken, const LinkConfig& config);

// Adds FindOneSidedLinks to `cohorts`, then orders all cohorts by start time and renumbers them
// "C1", "C2", ... Does nothing when the config is disabled.
void AppendLinkCohorts(const VoteLog& log, const LinkConfig& config, std::vector<Cohort>& cohorts);

// Off the link. A campaign that circulates a link does not reach all its people through it: some vote
// through another link or none, the way the message reached them (no referrer, for a chat app), on
// networks no one can single out. Each vote is invisible, but together they raise the option's count
// in the link's active period. For each one-sided token link cohort: its period [t0, t1) (the
// period_quantile and 1 - period_quantile quantiles of its votes' times) and referrer; O and B the
// untaken votes for its option with that referrer on no cohort's link inside and outside the period,
// P_in and P_out the poll's untaken votes for the other options there (the poll's rhythm, which the
// campaign does not touch). The off-link excess X = O - B P_in / P_out is added to the cohort's
// excess (not floored at zero: an unbiased estimate, which is what the adjusted result needs) and
// its counting noise goes into the bootstrap (bootstrap.h); no vote is flagged for it. Not estimated
// when fewer than min_rhythm_outside other-option votes fall outside the period (the period is most
// of the poll), nor for referrer links (their votes have no other way to arrive). Runs last.
void EstimateOffLinkExcess(const VoteLog& log, const LinkConfig& config, std::vector<Cohort>& cohorts);

// Own links. A scan cohort that has its own share link (the token most of its votes came through,
// which hardly anyone outside the cohort used; TrimConfig gates) was forwarded to members who also
// answered from blocks and windows the scan could not single out — a phone on a busy carrier block
// in the evening peak. The link's votes that no cohort holds are tested as a whole against the
// mixes of their blocks (as for one-sided links); when at least `extend_min_share` of them are for
// the cohort's option, those votes join the cohort with a kLink cell whose excess
// (O − E_k) / (1 − E_k / n) adds to the cohort's. Runs after TrimToExcess (the trimmed votes are
// candidates again) and before AppendLinkCohorts. A blast link gets forwarded beyond the cohort
// (to family, to a neighbourhood group), so a link vote counts only with corroboration, never on
// the token alone: it arrived in the cohort's response period (its trigger's horizon, as fitted by
// `trigger`), from an address or operator with at least trigger.min_family_votes of the burst's
// votes, with the burst's referrer and a kind of device the burst used. Cohorts without a burst to
// fit are not extended.
void ExtendAlongOwnLinks(const VoteLog& log, const LinkConfig& links, const TrimConfig& trim,
                         const TriggerConfig& trigger, std::vector<Cohort>& cohorts);

// Response after a trigger. A blast is a message at one moment (the trigger); its members answer
// over the next minutes to hours with a rate that jumps at the trigger and decays — roughly
// exponentially — on every network the members use at once. The scan finds the loci and windows
// where the answer stands out; on a carrier that also carries heavy honest traffic (phones on a
// busy CGNAT pool in the evening peak) much of it does not, block by block. So, for each scan
// cohort: its trigger t0 (an early quantile of its burst votes' times) and mean delay tau (the
// maximum-likelihood exponential fitted to those times, truncated at the last of them) say when
// its members were answering, at most horizon_taus * tau after t0. For each operator (ASN) the
// cohort reached, the untaken votes for its option that arrived the way the cohort's did (the same
// referrer, none for a chat app) in [t0, t0 + H) are counted (O) and compared with the operator's
// usual rate of such votes: E = B * P_in / P_out, B its such votes outside the horizon, P the
// poll's untaken votes for the other options in and outside it (the poll's time curve, untouched
// by the cohort). When the space-time permutation LLR of O against its expectation passes min_llr
// and X = O - E passes min_excess, X is added to the cohort's excess, and votes are flagged in
// order of arrival while the instructed ones outnumber the honest ones in expectation:
//   posterior(t) = X g(t) / (X g(t) + E / H) >= min_posterior,  g the fitted delay density,
// and never more than X of them. A later vote for the option on the same operator — when the
// answer has died down to the usual rate — stays unflagged.
struct TriggerConfig {
  bool enabled = true;
  double trigger_quantile = 0.02;       // t0: this quantile of the cohort's burst votes' times
  uint32_t min_burst_votes = 20;        // cohorts with fewer burst votes are not followed
  double horizon_taus = 4;              // follow the response this many mean delays after t0 ...
  int64_t max_horizon_minutes = 240;    // ... and no longer than this
  uint32_t min_family_votes = 5;        // an address or operator the cohort reached: its burst votes there
  bool own_link = true;                 // also follow the cohort's own link (members who chose otherwise; BurstNetworks)
  double min_llr = 8;                   // space-time permutation LLR of O against its expectation
  double min_excess = 5;                // X = O - E
  double min_device_share = 0.2;        // device kinds (phone, desktop, ...) under this share of the burst are not followed
  double min_posterior = 0.5;           // flag a vote while X g(t) / (X g(t) + E / H) is at least this
  double max_flagged_per_excess = 1;    // ... and at most this many votes per vote of excess (0: no cap)
};

// Extends every scan cohort along its trigger's response, as above: kTrigger cells, votes and
// excess. Runs after ExtendAlongOwnLinks (the link's votes are taken first) and before
// AppendLinkCohorts.
void ExtendAlongTrigger(const VoteLog& log, const TriggerConfig& config, const TrimConfig& trim,
                        std::vector<Cohort>& cohorts);

// Maximum-likelihood mean of an exponential delay observed only up to `truncation` (> 0), given
// the mean `observed` of the delays seen; `cap` when the delays look no more bunched than uniform.
double TruncatedExponentialMean(double observed, double truncation, double cap);

// Per vote of `votes`: 1 when another of `votes` came from the same address and browser family with
// another device id within `minutes` (a repeat with a cleared cookie or a private window). Not on a
// carrier's shared IPv4 addresses (CGNAT): dozens of subscribers there share an address and most
// share a handful of browser families, so two of them voting minutes apart is no repeat.
std::vector<uint8_t> RepeatDevices(const VoteLog& log, const std::vector<uint32_t>& votes, int64_t minutes);

// Narrows each scan cohort's votes to the ones most likely instructed (link cohorts are left whole).
void TrimToExcess(const VoteLog& log, const TrimConfig& config, std::vector<Cohort>& cohorts);

}  // namespace pantau::integrity

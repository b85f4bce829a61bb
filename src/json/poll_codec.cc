#include "json/poll_codec.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <iterator>

#include <boost/json/serialize.hpp>
#include <fmt/compile.h>
#include <fmt/format.h>

#include "json/json_fields.h"
#include "ledger/chain.h"

namespace pantau::json {
namespace {

template <typename E, size_t N>
Result<E> EnumField(const boost::json::object& o, std::string_view key, const EnumTable<E, N>& table, E fallback) {
  PANTAU_ASSIGN_OR_RETURN(auto text, OptionalString(o, key, 32));
  if (text.empty()) return fallback;
  auto value = table.Parse(text);
  if (!value)
    return std::unexpected(Error::InvalidArgument(
        fmt::format("'{}' must be one of: {}", key, table.Choices()), "invalid-field"));
  return *value;
}

Result<PollOption> DecodeOption(const boost::json::value& v, size_t index) {
  PANTAU_ASSIGN_OR_RETURN(auto o, AsObject(v, fmt::format("options[{}]", index)));
  PANTAU_RETURN_IF_ERROR(OnlyKeys(*o, {"number", "name", "photo_url"}, fmt::format("options[{}]", index)));
  PollOption option;
  auto number = RequiredInt(*o, "number", 1, 99);
  if (!number) return std::unexpected(Error::InvalidArgument(fmt::format("options[{}]: {}", index, number.error().message)));
  option.number = static_cast<int>(*number);
  auto name = RequiredString(*o, "name", kMaxOptionNameLength);
  if (!name) return std::unexpected(Error::InvalidArgument(fmt::format("options[{}]: {}", index, name.error().message)));
  option.name = std::move(*name);
  PANTAU_ASSIGN_OR_RETURN(option.photo_url, OptionalString(*o, "photo_url", 500));
  return option;
}

}  // namespace

Result<Poll> DecodePollDraft(const boost::json::value& body) {
  PANTAU_ASSIGN_OR_RETURN(auto o, AsObject(body, "the request body"));
  PANTAU_RETURN_IF_ERROR(OnlyKeys(*o, {"title", "region", "kind", "options", "opens_at", "closes_at", "visibility",
                                       "tier", "methodology", "owner_name", "owner_url"}));
  Poll poll;
  PANTAU_ASSIGN_OR_RETURN(poll.title, RequiredString(*o, "title", kMaxTitleLength));
  PANTAU_ASSIGN_OR_RETURN(auto region, RequiredString(*o, "region", 16));
  poll.region = RegionCode{std::move(region)};
  PANTAU_ASSIGN_OR_RETURN(poll.kind, EnumField(*o, "kind", kPollKindNames, PollKind::kCandidate));
  const auto* options = o->if_contains("options");
  if (options == nullptr || !options->is_array())
    return std::unexpected(Error::InvalidArgument("'options' must be an array of 2 to 12 options", "invalid-field"));
  if (options->get_array().size() > kMaxOptions)
    return std::unexpected(Error::InvalidArgument(
        fmt::format("a poll has at most {} options, got {}", kMaxOptions, options->get_array().size()), "invalid-poll"));
  for (size_t i = 0; i < options->get_array().size(); ++i) {
    PANTAU_ASSIGN_OR_RETURN(auto option, DecodeOption(options->get_array()[i], i));
    poll.options.push_back(std::move(option));
  }
  PANTAU_ASSIGN_OR_RETURN(poll.opens_at, RequiredTime(*o, "opens_at"));
  PANTAU_ASSIGN_OR_RETURN(poll.closes_at, RequiredTime(*o, "closes_at"));
  const Visibility default_visibility =
      poll.kind == PollKind::kCandidate ? Visibility::kAfterClose : Visibility::kLive;
  PANTAU_ASSIGN_OR_RETURN(poll.visibility, EnumField(*o, "visibility", kVisibilityNames, default_visibility));
  PANTAU_ASSIGN_OR_RETURN(poll.tier, EnumField(*o, "tier", kAssuranceTierNames, AssuranceTier::kOpen));
  PANTAU_ASSIGN_OR_RETURN(poll.methodology, OptionalString(*o, "methodology", kMaxMethodologyLength));
  PANTAU_ASSIGN_OR_RETURN(poll.owner_name, RequiredString(*o, "owner_name", kMaxTitleLength));
  PANTAU_ASSIGN_OR_RETURN(poll.owner_url, OptionalString(*o, "owner_url", 500));
  return poll;
}

boost::json::object EncodePoll(const Poll& poll, const RegionDirectory& regions, Timestamp now) {
  boost::json::object region{{"code", poll.region.value()}};
  if (const Region* r = regions.Find(poll.region)) region["name"] = r->name;
  boost::json::array options;
  for (const auto& option : poll.options)
    options.push_back(boost::json::object{{"number", option.number}, {"name", option.name}, {"photo_url", option.photo_url}});
  return boost::json::object{
      {"id", poll.id.value()},
      {"title", poll.title},
      {"region", std::move(region)},
      {"kind", kPollKindNames.Name(poll.kind)},
      {"options", std::move(options)},
      {"opens_at", FormatRfc3339(poll.opens_at)},
      {"closes_at", FormatRfc3339(poll.closes_at)},
      {"visibility", kVisibilityNames.Name(poll.visibility)},
      {"tier", kAssuranceTierNames.Name(poll.tier)},
      {"methodology", poll.methodology},
      {"owner", boost::json::object{{"name", poll.owner_name}, {"url", poll.owner_url}}},
      {"status", kPollStatusNames.Name(poll.StatusAt(now))},
      {"created_at", FormatRfc3339(poll.created_at)},
  };
}

Result<VoteBody> DecodeVoteBody(const boost::json::value& body) {
  PANTAU_ASSIGN_OR_RETURN(auto o, AsObject(body, "the request body"));
  PANTAU_RETURN_IF_ERROR(OnlyKeys(*o, {"choice", "share_token", "panel_token"}));
  VoteBody vote;
  PANTAU_ASSIGN_OR_RETURN(auto choice, RequiredInt(*o, "choice", 1, 99));
  vote.choice = static_cast<int>(choice);
  PANTAU_ASSIGN_OR_RETURN(vote.share_token, OptionalString(*o, "share_token", 64));
  PANTAU_ASSIGN_OR_RETURN(vote.panel_token, OptionalString(*o, "panel_token", 64));
  return vote;
}

namespace {

// The plain-shape scanner behind ScanPlainVoteBody. Every method returns false to give up.
class PlainVoteScanner {
 public:
  explicit PlainVoteScanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool Scan(VoteBodyView& out) {
    SkipSpace();
    if (!Eat('{')) return false;
    bool have_choice = false, have_share = false, have_panel = false;
    for (;;) {
      SkipSpace();
      std::string_view key;
      if (!String(key)) return false;
      SkipSpace();
      if (!Eat(':')) return false;
      SkipSpace();
      if (key == "choice") {
        if (have_choice || !Choice(out.choice)) return false;
        have_choice = true;
      } else if (key == "share_token") {
        if (have_share || !String(out.share_token)) return false;
        have_share = true;
      } else if (key == "panel_token") {
        if (have_panel || !String(out.panel_token)) return false;
        have_panel = true;
      } else {
        return false;
      }
      SkipSpace();
      if (Eat('}')) break;
      if (!Eat(',')) return false;
    }
    SkipSpace();
    return have_choice && p_ == end_;
  }

 private:
  void SkipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool Eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // A string of printable ASCII without escapes, at most 64 characters (keys included).
  bool String(std::string_view& out) {
    if (!Eat('"')) return false;
    const char* begin = p_;
    while (p_ != end_ && *p_ != '"') {
      const auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_ || p_ - begin > 64) return false;
    out = std::string_view(begin, static_cast<size_t>(p_ - begin));
    ++p_;
    return true;
  }
  // 1..99: one or two digits, no leading zero; a number that continues (more digits, '.', 'e') is not plain.
  bool Choice(int& out) {
    if (p_ == end_ || *p_ < '1' || *p_ > '9') return false;
    int n = *p_++ - '0';
    if (p_ != end_ && *p_ >= '0' && *p_ <= '9') n = n * 10 + (*p_++ - '0');
    if (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    out = n;
    return true;
  }

  const char* p_;
  const char* end_;
};

// Whether boost::json::serialize writes `s` between quotes unchanged.
bool NeedsNoEscape(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
  });
}

}  // namespace

std::optional<VoteBodyView> ScanPlainVoteBody(std::string_view text) {
  VoteBodyView out;
  if (!PlainVoteScanner(text).Scan(out)) return std::nullopt;
  return out;
}

void AppendVoteAccepted(std::string& out, const store::LedgerEntry& entry) {
  const std::string& poll = entry.vote.poll.value();
  if (!NeedsNoEscape(poll)) {  // never for the ids pantau mints; keep the general encoder's escaping
    out += boost::json::serialize(boost::json::object{{"receipt", EncodeReceipt(entry)},
                                                      {"results_url", "/p/" + poll + "/hasil"}});
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 64> hash;
  for (size_t i = 0; i < entry.entry_hash.size(); ++i) {
    hash[2 * i] = kHex[entry.entry_hash[i] >> 4];
    hash[2 * i + 1] = kHex[entry.entry_hash[i] & 0xf];
  }
  using namespace std::chrono;
  const auto day = floor<days>(entry.vote.time);
  const year_month_day ymd{day};
  const hh_mm_ss hms{entry.vote.time - day};
  // The time as FormatRfc3339 writes it. FMT_COMPILE: the format is parsed at compile time (this
  // runs once per vote on the committer's thread).
  out.reserve(out.size() + 200 + 2 * poll.size());
  fmt::format_to(std::back_inserter(out),
                 FMT_COMPILE(R"({{"receipt":{{"poll":"{}","seq":{},"hash":"{}","time":"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z"}},"results_url":"/p/{}/hasil"}})"),
                 poll, entry.vote.seq, std::string_view(hash.data(), hash.size()), static_cast<int>(ymd.year()),
                 static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                 hms.minutes().count(), hms.seconds().count(), hms.subseconds().count(), poll);
}

boost::json::object EncodeReceipt(const store::LedgerEntry& entry) {
  return boost::json::object{
      {"poll", entry.vote.poll.value()},
      {"seq", entry.vote.seq},
      {"hash", ledger::ToHex(entry.entry_hash)},
      {"time", FormatRfc3339(entry.vote.time)},
  };
}

boost::json::object EncodeResults(const polls::ResultsView& view) {
  const Poll& poll = *view.poll;
  boost::json::array options;
  for (const auto& option : poll.options) {
    const auto it = view.tally.counts.find(option.number);
    const uint64_t votes = it == view.tally.counts.end() ? 0 : it->second;
    const double share = view.tally.total == 0 ? 0.0 : static_cast<double>(votes) / static_cast<double>(view.tally.total);
    options.push_back(boost::json::object{{"number", option.number}, {"name", option.name}, {"votes", votes}, {"share", share}});
  }
  return boost::json::object{
      {"poll", poll.id.value()},
      {"status", kPollStatusNames.Name(view.status)},
      {"tier", kAssuranceTierNames.Name(poll.tier)},
      {"visibility", kVisibilityNames.Name(poll.visibility)},
      {"total", view.tally.total},
      {"updated_at", FormatRfc3339(view.tally.updated_at)},
      {"options", std::move(options)},
  };
}

}  // namespace pantau::json

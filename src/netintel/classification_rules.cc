#include "netintel/classification_rules.h"

#include <charconv>

#include <fmt/format.h>

#include "netintel/internal/checksum.h"

namespace pantau::netintel {
namespace {

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Splits on runs of tabs, trimming spaces around each column.
std::vector<std::string_view> SplitColumns(std::string_view line) {
  std::vector<std::string_view> cols;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == '\t') ++i;
    if (i == line.size()) break;
    size_t end = line.find('\t', i);
    if (end == std::string_view::npos) end = line.size();
    std::string_view col = line.substr(i, end - i);
    while (!col.empty() && col.front() == ' ') col.remove_prefix(1);
    while (!col.empty() && col.back() == ' ') col.remove_suffix(1);
    cols.push_back(col);
    i = end;
  }
  return cols;
}

std::string JoinNormalised(std::string_view text) {
  std::string out;
  for (const std::string& w : SplitOrgWords(text)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

Error LineError(int line, std::string_view what) {
  return Error::InvalidArgument(fmt::format("rules line {}: {}", line, what), "invalid-netintel-rules");
}

}  // namespace

Result<ClassificationRules> ClassificationRules::Parse(std::string_view tsv, const RegionDirectory& regions) {
  ClassificationRules rules;
  rules.digest_ = internal::Checksum64(std::as_bytes(std::span(tsv.data(), tsv.size())));
  int line_no = 0;
  for (std::string_view rest = tsv; !rest.empty();) {
    const size_t nl = rest.find('\n');
    const std::string_view line = StripCr(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    ++line_no;
    const std::vector<std::string_view> cols = SplitColumns(line);
    if (cols.empty() || cols.front().starts_with('#')) continue;
    PANTAU_RETURN_IF_ERROR(rules.AddLine(cols, line_no, regions));
  }
  rules.linker_ = std::make_unique<RegionLinker>(regions);
  return rules;
}

Status ClassificationRules::AddLine(std::span<const std::string_view> cols, int line,
                                    const RegionDirectory& regions) {
  if (cols.size() < 4) return std::unexpected(LineError(line, "expected <class> <match> <pattern> <region> <note>"));
  if (cols[0] == "alias") {
    if (cols[1] != "word") return std::unexpected(LineError(line, "alias lines read: alias word <from> <to> <note>"));
    if (!aliases_.Add(cols[2], cols[3]))
      return std::unexpected(LineError(line, fmt::format("alias '{}' is empty or defined twice", cols[2])));
    return Ok();
  }
  ClassificationRule rule;
  rule.line = line;
  rule.note = cols.size() > 4 ? std::string(cols[4]) : std::string();
  const auto cls = kNetworkClassNames.Parse(cols[0]);
  if (!cls)
    return std::unexpected(LineError(
        line, fmt::format("unknown class '{}' (one of {}, alias)", cols[0], kNetworkClassNames.Choices())));
  rule.network_class = *cls;
  const auto match = kRuleMatchNames.Parse(cols[1]);
  if (!match)
    return std::unexpected(
        LineError(line, fmt::format("unknown match '{}' (one of {})", cols[1], kRuleMatchNames.Choices())));
  rule.match = *match;
  const std::string_view pattern = cols[2];
  switch (rule.match) {
    case RuleMatch::kAsn: {
      const auto [ptr, ec] = std::from_chars(pattern.data(), pattern.data() + pattern.size(), rule.asn);
      if (ec != std::errc() || ptr != pattern.data() + pattern.size() || rule.asn == 0)
        return std::unexpected(LineError(line, fmt::format("'{}' is not an AS number", pattern)));
      rule.pattern = std::string(pattern);
      break;
    }
    case RuleMatch::kOrgWord:
    case RuleMatch::kOrgPrefix:
      rule.pattern = JoinNormalised(pattern);
      if (rule.pattern.empty()) return std::unexpected(LineError(line, "empty pattern"));
      break;
    case RuleMatch::kOrgRegex:
      rule.pattern = std::string(pattern);
      break;
  }
  const std::string_view region = cols[3];
  if (region != "-" && rule.network_class != NetworkClass::kGovernment)
    return std::unexpected(LineError(line, "only government rules take a region; write '-'"));
  if (region == "-") {
    rule.region_mode = RegionMode::kNone;
  } else if (region == "auto") {
    rule.region_mode = RegionMode::kAuto;
  } else {
    if (regions.Find(RegionCode{std::string(region)}) == nullptr)
      return std::unexpected(LineError(line, fmt::format("region '{}' is not a Kemendagri code in the directory", region)));
    rule.region_mode = RegionMode::kFixed;
    rule.region = RegionCode{std::string(region)};
  }
  const size_t index = rules_.size();
  if (rule.match == RuleMatch::kAsn) {
    if (!by_asn_.emplace(rule.asn, index).second)
      return std::unexpected(LineError(line, fmt::format("AS{} already has a rule", rule.asn)));
  } else {
    if (rule.match == RuleMatch::kOrgRegex) {
      try {
        regex_.emplace(index, std::regex(rule.pattern, std::regex::ECMAScript | std::regex::optimize));
      } catch (const std::regex_error& e) {
        return std::unexpected(LineError(line, fmt::format("regex does not compile: {}", e.what())));
      }
    }
    org_rules_.push_back(index);
  }
  rules_.push_back(std::move(rule));
  return Ok();
}

Classification ClassificationRules::Decide(const ClassificationRule& rule, const OrgName& name) const {
  Classification c;
  c.network_class = rule.network_class;
  c.rule = &rule;
  if (rule.region_mode == RegionMode::kFixed) {
    c.region = rule.region;
  } else if (rule.region_mode == RegionMode::kAuto) {
    c.link = linker_->Link(name.words());
    c.region = c.link.code;
  }
  return c;
}

Classification ClassificationRules::Classify(uint32_t asn, std::string_view org) const {
  const OrgName name = OrgName::Normalise(org, aliases_);
  if (auto it = by_asn_.find(asn); it != by_asn_.end()) return Decide(rules_[it->second], name);
  for (size_t index : org_rules_) {
    const ClassificationRule& rule = rules_[index];
    bool hit = false;
    switch (rule.match) {
      case RuleMatch::kOrgWord: hit = name.ContainsPhrase(rule.pattern); break;
      case RuleMatch::kOrgPrefix: hit = name.StartsWithPhrase(rule.pattern); break;
      case RuleMatch::kOrgRegex: hit = std::regex_search(name.text(), regex_.at(index)); break;
      case RuleMatch::kAsn: break;
    }
    if (hit) return Decide(rule, name);
  }
  return {};
}

}  // namespace pantau::netintel

// ClassificationRules: the reviewed rules (data/netintel/rules.tsv) that decide an AS organisation's
// network class and, for government networks, its Kemendagri region.
//
// The table generator applies them once per (ASN, organisation) at build time; the server only reads
// the result. Format (tab-separated, '#' comments; runs of tabs count as one separator):
//   <class>  <match>  <pattern>  <region>  <note>
//     class   government | mobile | fixed | hosting | unknown ("unknown" is an exclusion: it stops
//             evaluation, e.g. universities before the ministry that runs them)
//     match   asn        pattern is an AS number; checked before every organisation rule
//             org-word   the normalised organisation name contains the pattern as whole words
//             org-prefix the normalised organisation name starts with the pattern's words
//             org-regex  ECMAScript regex searched in the normalised name (upper case, single spaces)
//     region  - (none) | government rules only: auto (link by name, see RegionLinker) or a code (71.73)
//   alias  word  <from words>  <to words>  <note>     rewrite applied while normalising names
// Organisation rules are tried in file order and the first match wins. Immutable once parsed;
// thread-safe for reads.
//   PANTAU_ASSIGN_OR_RETURN(auto rules, ClassificationRules::Parse(tsv_text));
//   rules.Classify(23693, "PT. Telekomunikasi Selular").network_class;  // kMobile
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/enum_table.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/network_class.h"
#include "core/region.h"
#include "netintel/org_name.h"
#include "netintel/region_linker.h"

namespace pantau::netintel {

enum class RuleMatch : uint8_t { kAsn, kOrgWord, kOrgPrefix, kOrgRegex };
inline constexpr EnumTable<RuleMatch, 4> kRuleMatchNames{{{
    {RuleMatch::kAsn, "asn"},
    {RuleMatch::kOrgWord, "org-word"},
    {RuleMatch::kOrgPrefix, "org-prefix"},
    {RuleMatch::kOrgRegex, "org-regex"},
}}};

enum class RegionMode : uint8_t { kNone, kAuto, kFixed };

struct ClassificationRule {
  NetworkClass network_class = NetworkClass::kUnknown;
  RuleMatch match = RuleMatch::kOrgWord;
  std::string pattern;  // as written; org-word / org-prefix patterns normalised
  uint32_t asn = 0;     // for kAsn
  RegionMode region_mode = RegionMode::kNone;
  std::optional<RegionCode> region;  // for kFixed
  std::string note;
  int line = 0;  // in the rules file, for reports and review
};

struct Classification {
  NetworkClass network_class = NetworkClass::kUnknown;
  std::optional<RegionCode> region;
  const ClassificationRule* rule = nullptr;  // the deciding rule; null when none matched
  RegionLink link;                           // the linker's verdict when the rule said `auto`
};

class ClassificationRules {
 public:
  // InvalidArgument naming the line for: an unknown class or match kind, a bad AS number, a regex
  // that does not compile, a region code missing from `regions`, `auto` on a non-government class, a
  // duplicate ASN or alias, a missing column. `regions` must outlive the rules.
  static Result<ClassificationRules> Parse(std::string_view tsv,
                                           const RegionDirectory& regions = RegionDirectory::Builtin());

  Classification Classify(uint32_t asn, std::string_view org) const;

  std::span<const ClassificationRule> rules() const { return rules_; }
  const AliasTable& aliases() const { return aliases_; }
  // A 64-bit digest of the rules text, recorded in the binary table so a table names its rules.
  uint64_t digest() const { return digest_; }

 private:
  ClassificationRules() = default;
  Status AddLine(std::span<const std::string_view> cols, int line, const RegionDirectory& regions);
  Classification Decide(const ClassificationRule& rule, const OrgName& name) const;

  std::vector<ClassificationRule> rules_;
  std::vector<size_t> org_rules_;                 // indexes into rules_, file order
  std::unordered_map<uint32_t, size_t> by_asn_;   // ASN -> index into rules_
  std::unordered_map<size_t, std::regex> regex_;  // rule index -> compiled pattern
  AliasTable aliases_;
  std::unique_ptr<RegionLinker> linker_;
  uint64_t digest_ = 0;
};

}  // namespace pantau::netintel

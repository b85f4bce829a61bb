#include "netintel/org_name.h"

#include <algorithm>
#include <cstddef>

namespace pantau::netintel {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace

std::vector<std::string> SplitOrgWords(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsWordByte(c)) {
      current += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : ch;
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

bool AliasTable::Add(std::string_view from, std::string_view to) {
  Alias alias{SplitOrgWords(from), SplitOrgWords(to)};
  if (alias.from.empty()) return false;
  auto& bucket = by_first_word_[alias.from.front()];
  for (const Alias& existing : bucket)
    if (existing.from == alias.from) return false;
  bucket.push_back(std::move(alias));
  std::stable_sort(bucket.begin(), bucket.end(),
                   [](const Alias& a, const Alias& b) { return a.from.size() > b.from.size(); });
  ++size_;
  return true;
}

std::vector<std::string> AliasTable::Apply(const std::vector<std::string>& words) const {
  if (by_first_word_.empty()) return words;
  std::vector<std::string> out;
  out.reserve(words.size() + 4);
  for (size_t i = 0; i < words.size();) {
    const Alias* hit = nullptr;
    if (auto it = by_first_word_.find(words[i]); it != by_first_word_.end()) {
      for (const Alias& alias : it->second) {
        if (i + alias.from.size() <= words.size() &&
            std::equal(alias.from.begin(), alias.from.end(), words.begin() + static_cast<std::ptrdiff_t>(i))) {
          hit = &alias;
          break;
        }
      }
    }
    if (hit == nullptr) {
      out.push_back(words[i]);
      ++i;
      continue;
    }
    out.insert(out.end(), hit->to.begin(), hit->to.end());
    i += hit->from.size();
  }
  return out;
}

OrgName OrgName::Normalise(std::string_view raw, const AliasTable& aliases) {
  OrgName name;
  name.words_ = aliases.Apply(SplitOrgWords(raw));
  for (const std::string& w : name.words_) {
    if (!name.text_.empty()) name.text_ += ' ';
    name.text_ += w;
  }
  return name;
}

bool OrgName::ContainsPhrase(std::string_view phrase) const {
  if (phrase.empty()) return false;
  for (size_t pos = text_.find(phrase); pos != std::string::npos; pos = text_.find(phrase, pos + 1)) {
    const bool starts = pos == 0 || text_[pos - 1] == ' ';
    const size_t end = pos + phrase.size();
    const bool ends = end == text_.size() || text_[end] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

bool OrgName::StartsWithPhrase(std::string_view phrase) const {
  if (phrase.empty() || !text_.starts_with(phrase)) return false;
  return text_.size() == phrase.size() || text_[phrase.size()] == ' ';
}

}  // namespace pantau::netintel

// OrgName: the normalised form of an AS organisation name that classification rules and region
// linking match against, so that "Dinas Kominfo Kab. Bogor", "DINAS KOMINFO KAB BOGOR" and
// "Dinas  Kominfo, Kab Bogor" are one name.
//
// Normalising: ASCII letters are upper-cased; every byte that is not an ASCII letter or digit (and not
// part of a UTF-8 sequence) separates words; then word aliases from the rules file are applied
// ("KAB" -> "KABUPATEN", "PEMKOT" -> "PEMERINTAH KOTA"). Pure functions of their input; thread-safe.
//   AliasTable aliases;  aliases.Add("KAB", "KABUPATEN");
//   OrgName name = OrgName::Normalise("Diskominfo Kab. Bogor", aliases);
//   name.text();  // "DISKOMINFO KABUPATEN BOGOR"
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pantau::netintel {

// Splits text into normalised words (upper case, separators dropped).
std::vector<std::string> SplitOrgWords(std::string_view text);

// Word-sequence replacements. When several aliases start at the same word, the longest `from` wins.
class AliasTable {
 public:
  // `from` and `to` are normalised with SplitOrgWords; returns false when `from` has no words or is
  // already defined (the rules parser reports that as an error).
  bool Add(std::string_view from, std::string_view to);
  std::vector<std::string> Apply(const std::vector<std::string>& words) const;
  size_t size() const { return size_; }

 private:
  struct Alias {
    std::vector<std::string> from;
    std::vector<std::string> to;
  };
  std::unordered_map<std::string, std::vector<Alias>> by_first_word_;  // sorted longest `from` first
  size_t size_ = 0;
};

class OrgName {
 public:
  static OrgName Normalise(std::string_view raw, const AliasTable& aliases);

  const std::vector<std::string>& words() const { return words_; }
  // Words joined by single spaces.
  const std::string& text() const { return text_; }
  // True when `phrase` (normalised words joined by single spaces) occurs as a whole-word sequence.
  bool ContainsPhrase(std::string_view phrase) const;
  bool StartsWithPhrase(std::string_view phrase) const;

 private:
  std::vector<std::string> words_;
  std::string text_;
};

}  // namespace pantau::netintel

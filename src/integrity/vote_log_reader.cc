#include "integrity/vote_log_reader.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/csv.h"
#include "core/time.h"
#include "core/user_agent.h"
#include "netintel/ip_address.h"
#include "netintel/ip_prefix.h"

namespace pantau::integrity {
namespace {

enum Column : int { kTime, kChoice, kIp, kIpPrefix, kIpHash, kUserAgent, kUaFamily, kDevice, kReferrer, kToken,
                    kColumnCount };
constexpr std::array<std::string_view, kColumnCount> kColumnNames{
    "time", "choice", "ip", "ip_prefix", "ip_hash", "user_agent", "ua_family", "device_id", "referrer",
    "share_token"};
constexpr size_t kMaxSkipExamples = 5;

// A row problem: which column (or -1 for the row as a whole) and what.
struct RowError {
  int column = -1;
  std::string what;
};

class Builder {
 public:
  Builder(const netintel::NetworkIntel& intel, const ReadOptions& options, std::array<int, kColumnCount> at,
          size_t header_fields)
      : intel_(intel), options_(options), at_(at), header_fields_(header_fields) {}

  // Parses one data row and appends it to the log, or returns what was wrong (nothing appended).
  std::optional<RowError> Add(const std::vector<std::string_view>& f, uint32_t row) {
    if (f.size() != header_fields_)
      return RowError{-1, fmt::format("has {} fields, the header has {}", f.size(), header_fields_)};
    auto time = ParseTimestamp(f[at_[kTime]]);
    if (!time) return RowError{kTime, time.error().message};
    const std::string_view choice = f[at_[kChoice]];
    if (choice.empty()) return RowError{kChoice, "empty choice"};
    uint32_t locus = 0;
    uint32_t address = 0;
    if (at_[kIp] >= 0) {
      const std::string_view ip_text = f[at_[kIp]];
      auto ip = netintel::IpAddress::Parse(ip_text);
      if (!ip) return RowError{kIp, ip.error().message};
      locus = LocusId(netintel::LocusOf(*ip));
      address = log_.addresses.Intern(ip_text);
    } else {
      auto prefix = PrefixFromCache(f[at_[kIpPrefix]]);
      if (!prefix) return RowError{kIpPrefix, prefix.error().message};
      locus = *prefix;
      if (at_[kIpHash] >= 0) address = log_.addresses.Intern(f[at_[kIpHash]]);
    }
    auto option = OptionId(choice);
    if (!option) return RowError{kChoice, fmt::format("more than {} distinct choices", options_.max_options)};

    log_.time_ms.push_back(ToUnixMillis(*time));
    log_.option.push_back(*option);
    log_.locus.push_back(locus);
    log_.address.push_back(address);
    log_.ua_family.push_back(UaId(f));
    log_.device.push_back(at_[kDevice] >= 0 ? log_.devices.Intern(f[at_[kDevice]]) : 0);
    log_.token.push_back(at_[kToken] >= 0 ? log_.tokens.Intern(f[at_[kToken]]) : 0);
    log_.referrer.push_back(at_[kReferrer] >= 0 ? log_.referrers.Intern(HostOf(f[at_[kReferrer]])) : 0);
    log_.source_row.push_back(row);
    return std::nullopt;
  }

  VoteLog Finish() && { return std::move(log_); }
  VoteLog& log() { return log_; }

 private:
  // A /24 is keyed by its top 24 bits; a /48 by its top 48 bits with the top key bit set. Other
  // prefix lengths (from ip_prefix columns) go through their text.
  uint32_t LocusId(const netintel::IpPrefix& prefix) {
    uint64_t key = 0;
    if (prefix.is_v4() && prefix.length() == 24) key = prefix.network().v4_bits() >> 8;
    else if (!prefix.is_v4() && prefix.length() == 48) key = (1ull << 63) | (prefix.network().v6_high() >> 16);
    else key = (1ull << 62) | other_prefixes_.Intern(prefix.ToString());
    auto [it, inserted] = locus_ids_.try_emplace(key, static_cast<uint32_t>(log_.loci.size()));
    if (inserted) {
      const netintel::LookupResult r = intel_.Lookup(prefix.network());
      log_.loci.push_back(LocusInfo{prefix.ToString(), r.asn, std::string(r.org), r.network_class});
    }
    return it->second;
  }

  Result<uint32_t> PrefixFromCache(std::string_view text) {
    const uint32_t text_id = prefix_texts_.Intern(text);
    if (text_id < locus_of_prefix_text_.size()) return locus_of_prefix_text_[text_id];
    PANTAU_ASSIGN_OR_RETURN(netintel::IpPrefix prefix, netintel::IpPrefix::Parse(text));
    locus_of_prefix_text_.push_back(LocusId(prefix));
    return locus_of_prefix_text_.back();
  }

  // The referrer's host without allocating when it is already lower case.
  std::string_view HostOf(std::string_view referrer) {
    std::string_view r = referrer;
    if (const size_t scheme = r.find("://"); scheme != std::string_view::npos) r.remove_prefix(scheme + 3);
    const size_t at = r.find('@');
    const bool simple = at == std::string_view::npos &&
                        std::none_of(r.begin(), r.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!simple) {
      host_scratch_ = ReferrerHost(referrer);
      return host_scratch_;
    }
    return r.substr(0, r.find_first_of("/?#:"));
  }

  std::optional<uint16_t> OptionId(std::string_view choice) {
    for (size_t i = 0; i < log_.option_labels.size(); ++i)
      if (log_.option_labels[i] == choice) return static_cast<uint16_t>(i);
    if (log_.option_labels.size() >= options_.max_options) return std::nullopt;
    log_.option_labels.emplace_back(choice);
    return static_cast<uint16_t>(log_.option_labels.size() - 1);
  }

  uint32_t UaId(const std::vector<std::string_view>& f) {
    if (at_[kUaFamily] >= 0 && !f[at_[kUaFamily]].empty()) return log_.ua_families.Intern(f[at_[kUaFamily]]);
    if (at_[kUserAgent] < 0 || f[at_[kUserAgent]].empty()) return 0;
    // Classifying a UA string is the costly step; the same few thousand strings repeat.
    const uint32_t raw = raw_uas_.Intern(f[at_[kUserAgent]]);
    if (raw >= raw_to_family_.size()) raw_to_family_.resize(raw + 1, UINT32_MAX);
    if (raw_to_family_[raw] == UINT32_MAX)
      raw_to_family_[raw] = log_.ua_families.Intern(ParseUserAgent(f[at_[kUserAgent]]).ToString());
    return raw_to_family_[raw];
  }

  const netintel::NetworkIntel& intel_;
  const ReadOptions& options_;
  std::array<int, kColumnCount> at_;
  size_t header_fields_;
  VoteLog log_;
  std::unordered_map<uint64_t, uint32_t> locus_ids_;
  Interner other_prefixes_{false};
  Interner prefix_texts_{false};
  std::vector<uint32_t> locus_of_prefix_text_;
  std::string host_scratch_;
  Interner raw_uas_{true};
  std::vector<uint32_t> raw_to_family_;
};

Error RowFailure(uint64_t row, std::string_view column, std::string_view what) {
  if (column.empty()) return Error::InvalidArgument(fmt::format("row {}: {}", row, what), "bad-vote-log");
  return Error::InvalidArgument(fmt::format("row {}, column '{}': {}", row, column, what), "bad-vote-log");
}

// Offset of the first byte of 1-based `line` at or after (cursor_line, cursor_offset); moves the cursor.
size_t SeekLine(std::string_view text, size_t line, size_t& cursor_line, size_t& cursor_offset) {
  while (cursor_line < line && cursor_offset < text.size()) {
    const size_t nl = text.find('\n', cursor_offset);
    if (nl == std::string_view::npos) {
      cursor_offset = text.size();
      break;
    }
    cursor_offset = nl + 1;
    ++cursor_line;
  }
  return cursor_offset;
}

}  // namespace

std::string ReferrerHost(std::string_view r) {
  if (const size_t scheme = r.find("://"); scheme != std::string_view::npos) r.remove_prefix(scheme + 3);
  if (const size_t at = r.find('@'); at != std::string_view::npos && at < r.find('/')) r.remove_prefix(at + 1);
  r = r.substr(0, r.find_first_of("/?#:"));
  std::string host(r);
  for (char& c : host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return host;
}

Result<VoteLog> ReadVoteLog(std::string_view text, const netintel::NetworkIntel& intel, const ReadOptions& options) {
  const CsvReader::Limits limits{.max_field_bytes = options.max_field_bytes, .max_fields = 256};
  auto reader = std::make_unique<CsvReader>(text, limits);
  std::vector<std::string_view> fields;
  auto header = reader->Next(fields);
  if (!header) return std::unexpected(Error::InvalidArgument("header: " + header.error().message, "bad-vote-log"));
  if (!*header) return std::unexpected(Error::InvalidArgument("empty file: no header row", "bad-vote-log"));

  std::array<int, kColumnCount> at;
  at.fill(-1);
  std::vector<std::string> header_names;
  for (size_t i = 0; i < fields.size(); ++i) {
    header_names.emplace_back(fields[i]);
    for (int c = 0; c < kColumnCount; ++c) {
      if (fields[i] != kColumnNames[c]) continue;
      if (at[c] >= 0)
        return std::unexpected(
            Error::InvalidArgument(fmt::format("header: duplicate column '{}'", fields[i]), "bad-vote-log"));
      at[c] = static_cast<int>(i);
    }
  }
  for (int c : {kTime, kChoice})
    if (at[c] < 0)
      return std::unexpected(Error::InvalidArgument(
          fmt::format("header: missing required column '{}'", kColumnNames[c]), "bad-vote-log"));
  if (at[kIp] < 0 && at[kIpPrefix] < 0)
    return std::unexpected(
        Error::InvalidArgument("header: missing required column 'ip' (or 'ip_prefix')", "bad-vote-log"));

  Builder builder(intel, options, at, fields.size());
  VoteLog& log = builder.log();
  // When lenient, a CSV-level error restarts a fresh reader on the next physical line.
  size_t line_base = 0;  // lines before the current reader's text
  size_t cursor_line = 1, cursor_offset = 0;
  uint64_t row = 0;
  auto skip = [&](std::string reason) {
    ++log.skipped_rows;
    if (log.skipped_examples.size() < kMaxSkipExamples) log.skipped_examples.push_back(std::move(reason));
  };
  while (true) {
    auto more = reader->Next(fields);
    if (!more) {
      ++row;
      // On a CSV error `fields` holds the fields read before the bad one, so its size names the column
      // (the reader has already pushed a quoted field when it finds junk after its closing quote).
      std::string what = more.error().message;  // "line L: ..."
      size_t bad_field = fields.size();
      if (what.find("after a closing quote") != std::string::npos && bad_field > 0) --bad_field;
      const std::string_view column =
          bad_field < header_names.size() ? std::string_view(header_names[bad_field]) : std::string_view();
      if (const size_t colon = what.find(": "); what.starts_with("line ") && colon != std::string::npos)
        what = what.substr(colon + 2);
      const size_t bad_line = line_base + reader->line() + (reader->line() == 0 ? 1 : 0);
      Error e = RowFailure(row, column, fmt::format("{} (line {})", what, bad_line));
      if (!options.lenient) return std::unexpected(std::move(e));
      skip(e.message);
      ++log.data_rows;
      const size_t offset = SeekLine(text, bad_line + 1, cursor_line, cursor_offset);
      if (offset >= text.size()) break;
      line_base = bad_line;
      reader = std::make_unique<CsvReader>(text.substr(offset), limits);
      continue;
    }
    if (!*more) break;
    ++row;
    ++log.data_rows;
    if (auto bad = builder.Add(fields, static_cast<uint32_t>(row))) {
      Error e = RowFailure(row, bad->column >= 0 ? kColumnNames[bad->column] : std::string_view(), bad->what);
      if (!options.lenient) return std::unexpected(std::move(e));
      skip(e.message);
    }
  }
  return std::move(builder).Finish();
}

}  // namespace pantau::integrity

#include "http/request_context.h"

#include <algorithm>
#include <charconv>

#include <boost/json/parser.hpp>

#include "http/internal/raw_request.h"
#include "http/problem.h"

namespace pantau::http {
namespace {

constexpr std::size_t kMaxJsonDepth = 32;

using internal::IEquals;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits `s` at the first `sep`: returns the part before and leaves the rest in `s`.
std::string_view NextToken(std::string_view& s, char sep) {
  const std::size_t pos = s.find(sep);
  std::string_view token = s.substr(0, pos);
  s = pos == std::string_view::npos ? std::string_view{} : s.substr(pos + 1);
  return token;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "q=0.8" -> 0.8; malformed or absent -> 1.
double QValue(std::string_view params) {
  while (!params.empty()) {
    std::string_view p = Trim(NextToken(params, ';'));
    if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      double q = 1.0;
      std::string_view v = p.substr(2);
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), q);
      return ec == std::errc{} ? q : 1.0;
    }
  }
  return 1.0;
}

}  // namespace

// application/x-www-form-urlencoded text: '+' is a space, then percent escapes.
std::optional<std::string> FormDecode(std::string_view text) {
  if (text.find_first_of("+%") == std::string_view::npos) return std::string(text);
  std::string plus_free(text);
  for (char& c : plus_free)
    if (c == '+') c = ' ';
  return PercentDecode(plus_free);
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::optional<Lang> PreferredLanguage(std::string_view header) {
  std::optional<Lang> best;
  double best_q = 0.0;
  while (!header.empty()) {
    std::string_view item = Trim(NextToken(header, ','));
    std::string_view tag = Trim(NextToken(item, ';'));
    std::string_view primary = tag.substr(0, tag.find('-'));
    std::optional<Lang> lang;
    if (IEquals(primary, "en")) lang = Lang::kEn;
    if (IEquals(primary, "id") || IEquals(primary, "in")) lang = Lang::kId;  // "in": legacy code
    if (!lang) continue;
    const double q = QValue(item);
    if (q > best_q) {  // ties keep the earlier entry, as listed order expresses preference
      best = lang;
      best_q = q;
    }
  }
  return best;
}

RequestContext::RequestContext(const internal::RawRequest& raw, Peer peer,
                               asio::any_io_executor executor)
    : raw_(raw), peer_(peer), executor_(std::move(executor)) {
  target_ = raw_.head.target;
  const std::size_t q = target_.find('?');
  path_ = target_.substr(0, q);
  if (q != std::string_view::npos) query_ = target_.substr(q + 1);
}

Verb RequestContext::Method() const { return raw_.head.method; }

std::string_view RequestContext::Param(std::string_view name) const {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (params_.name(i) != name) continue;
    const std::string_view raw = params_.raw_value(i);
    if (raw.find('%') == std::string_view::npos) return raw;
    auto& decoded = decoded_params_[i];
    if (!decoded) decoded = PercentDecode(raw).value_or(std::string(raw));
    return *decoded;
  }
  return {};
}

std::optional<std::string> RequestContext::Query(std::string_view key) const {
  // (Boost.URL 1.81's compiled parse_query reads past a non-terminated buffer; this is simpler.)
  std::string_view rest = query_;
  while (!rest.empty()) {
    std::string_view pair = NextToken(rest, '&');
    const std::size_t eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    if (!name || *name != key) continue;
    if (eq == std::string_view::npos) return std::string();
    return FormDecode(pair.substr(eq + 1));  // nullopt for a malformed escape
  }
  return std::nullopt;
}

std::optional<std::string_view> RequestContext::Header(std::string_view name) const {
  return raw_.head.Find(name);
}

std::optional<std::string_view> RequestContext::Cookie(std::string_view name) const {
  for (const internal::HeaderField& field : raw_.head.fields) {
    if (!IEquals(field.name, "cookie")) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      std::string_view pair = Trim(NextToken(rest, ';'));
      std::string_view key = Trim(NextToken(pair, '='));
      if (key != name) continue;
      std::string_view value = Trim(pair);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> RequestContext::BearerToken() const {
  auto auth = Header("Authorization");
  if (!auth) return std::nullopt;
  std::string_view v = Trim(*auth);
  if (v.size() <= 7 || !IEquals(v.substr(0, 7), "bearer ")) return std::nullopt;
  v = Trim(v.substr(7));
  if (v.empty()) return std::nullopt;
  return v;
}

std::string_view RequestContext::Body() const { return raw_.body; }

Result<std::string_view> RequestContext::JsonText() const {
  std::string_view type = Trim(Header("Content-Type").value_or(""));
  type = Trim(type.substr(0, type.find(';')));
  if (!IEquals(type, "application/json"))
    return std::unexpected(UnsupportedMediaType("application/json", Language()));
  return Body();
}

Result<boost::json::value> RequestContext::JsonBody() const {
  if (auto text = JsonText(); !text) return std::unexpected(std::move(text).error());
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  unsigned char scratch[512];  // the parser's working stack: no heap for shallow documents
  boost::json::parser parser({}, options, scratch);
  boost::system::error_code ec;
  const std::string_view body = Body();
  const std::size_t consumed = parser.write(body.data(), body.size(), ec);
  if (ec) return std::unexpected(MalformedJson(consumed, ec.message(), Language()));
  return parser.release();
}

std::string_view RequestContext::ClientIp() const {
  if (!peer_.trust_proxy) return peer_.ip;
  std::string_view last;
  for (const internal::HeaderField& field : raw_.head.fields) {
    if (!IEquals(field.name, "x-forwarded-for")) continue;
    std::string_view v = field.value;
    const std::size_t comma = v.rfind(',');
    std::string_view entry = Trim(comma == std::string_view::npos ? v : v.substr(comma + 1));
    if (!entry.empty()) last = entry;
  }
  return last.empty() ? peer_.ip : last;
}

Lang RequestContext::Language() const {
  if (lang_) return *lang_;
  Lang lang = Lang::kId;
  if (auto q = Query("lang"); q && (*q == "en" || *q == "id")) {
    lang = *q == "en" ? Lang::kEn : Lang::kId;
  } else if (auto header = Header("Accept-Language")) {
    lang = PreferredLanguage(*header).value_or(Lang::kId);
  }
  lang_ = lang;
  return lang;
}

}  // namespace pantau::http

#include "http/static_files.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "http/problem.h"

namespace pantau::http {

namespace fs = std::filesystem;

struct StaticFiles::Entry {
  std::uintmax_t size = 0;
  fs::file_time_type mtime;
  std::shared_ptr<const std::string> content;
  std::string etag;
};

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Error Missing(Lang lang) {
  return Error::NotFound(lang == Lang::kEn ? "The requested file does not exist."
                                           : "Berkas yang diminta tidak ada.",
                         "not-found");
}

// URL path -> relative file path, or nullopt when any segment could escape or confuse the root.
std::optional<fs::path> SafeRelative(std::string_view url_path, bool& wants_directory) {
  if (url_path.empty() || url_path.front() != '/') return std::nullopt;
  fs::path rel;
  std::string_view rest = url_path.substr(1);
  wants_directory = rest.empty() || rest.back() == '/';
  if (wants_directory && !rest.empty()) rest.remove_suffix(1);
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view raw = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    auto seg = PercentDecode(raw);
    if (!seg || seg->empty() || *seg == "." || *seg == ".." ||
        seg->find_first_of(std::string_view("/\\\0:", 4)) != std::string::npos)
      return std::nullopt;
    rel /= *seg;
    if (slash != std::string_view::npos && rest.empty()) return std::nullopt;  // "a//" or "a/"
  }
  return rel;
}

bool Inside(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

bool EtagMatches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // If-None-Match uses weak comparison
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

}  // namespace

StaticFiles::StaticFiles(fs::path root) : StaticFiles(std::move(root), Options{}) {}

StaticFiles::StaticFiles(fs::path root, Options options) : options_(std::move(options)) {
  std::error_code ec;
  root_ = fs::canonical(root, ec);
  if (ec) root_ = fs::absolute(root).lexically_normal();  // may appear later (a build step)
}

StaticFiles::~StaticFiles() = default;

std::string_view StaticFiles::ContentType(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},              {".png", "image/png"},
      {".jpg", "image/jpeg"},                 {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},                {".json", "application/json"},
      {".map", "application/json"},           {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},               {".woff", "font/woff"},
      {".ico", "image/x-icon"},               {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},    {".pdf", "application/pdf"},
  };
  for (const auto& [ext, type] : kTypes)
    if (EndsWith(name, ext)) return type;
  return "application/octet-stream";
}

Result<std::shared_ptr<const StaticFiles::Entry>> StaticFiles::Load(const fs::path& file) const {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  const auto mtime = ec ? fs::file_time_type{} : fs::last_write_time(file, ec);
  if (ec || size > options_.max_file_bytes) return std::unexpected(Error::NotFound("", "not-found"));
  const std::string key = file.native();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end() && it->second->size == size &&
                                    it->second->mtime == mtime)
      return it->second;
  }
  std::ifstream in(file, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return std::unexpected(Error::NotFound("", "not-found"));
  auto entry = std::make_shared<Entry>();
  entry->size = content.size();
  entry->mtime = mtime;
  entry->etag = fmt::format("\"{:x}-{:x}\"", content.size(),
                            static_cast<uint64_t>(mtime.time_since_epoch().count()));
  entry->content = std::make_shared<const std::string>(std::move(content));
  if (entry->size <= options_.max_cached_bytes && entry->size == size) {
    std::lock_guard lock(mu_);
    cache_[key] = entry;
  }
  return entry;
}

Result<Response> StaticFiles::ServeFile(const fs::path& file, std::string_view url_path,
                                        const RequestContext& ctx) const {
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  if (ec || !Inside(root_, real) || !fs::is_regular_file(real, ec))
    return std::unexpected(Missing(ctx.Language()));
  auto entry = Load(real);
  if (!entry) return std::unexpected(Missing(ctx.Language()));
  const std::string name = real.filename().string();
  const std::string_view cache_control =
      EndsWith(name, ".html")                   ? options_.html_cache_control
      : url_path.starts_with(options_.immutable_prefix) ? options_.immutable_cache_control
                                                        : options_.asset_cache_control;
  if (auto inm = ctx.Header("If-None-Match"); inm && EtagMatches(*inm, (*entry)->etag)) {
    Response r(HttpStatus::not_modified, std::string(), {});
    return std::move(r.Header("ETag", (*entry)->etag).CacheControl(cache_control));
  }
  Response r = Response::Shared(HttpStatus::ok, std::string(ContentType(name)), (*entry)->content);
  return std::move(r.Header("ETag", (*entry)->etag).CacheControl(cache_control));
}

Result<Response> StaticFiles::Serve(std::string_view url_path, const RequestContext& ctx) const {
  bool wants_directory = false;
  auto rel = SafeRelative(url_path, wants_directory);
  if (!rel) return std::unexpected(Missing(ctx.Language()));
  fs::path file = root_ / *rel;
  std::error_code ec;
  if (wants_directory || fs::is_directory(file, ec)) file /= options_.index;
  return ServeFile(file, url_path, ctx);
}

Handler StaticFiles::Directory() const {
  return [this](RequestContext& ctx) -> asio::awaitable<Result<Response>> {
    co_return Serve(ctx.Path(), ctx);
  };
}

Handler StaticFiles::File(std::string relative_path) const {
  bool ignored = false;
  auto rel = SafeRelative("/" + relative_path, ignored);
  if (!rel) throw std::invalid_argument("StaticFiles::File: unsafe path " + relative_path);
  return [this, file = root_ / *rel](RequestContext& ctx) -> asio::awaitable<Result<Response>> {
    co_return ServeFile(file, file.filename().string(), ctx);
  };
}

}  // namespace pantau::http

// StaticFiles: serves the built front end from one directory. URL paths are percent-decoded and
// confined to the root: "..", ".", empty and backslash segments, NUL and encoded slashes are
// refused, and the resolved file (symlinks followed) must still lie inside the root; every refusal
// is a plain 404. Responses carry a content type by extension, a strong ETag (If-None-Match → 304)
// and Cache-Control (HTML revalidates; hashed build assets are immutable). Files up to
// `max_cached_bytes` are kept in memory, revalidated by size and mtime on every request.
// Thread-safe.
//   StaticFiles web("web/dist");
//   router.Add(Verb::get, "/assets/{*path}", web.Directory());
//   router.Add(Verb::get, "/p/{id}", web.File("poll.html"));
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "http/request_context.h"
#include "http/response.h"
#include "http/router.h"

namespace pantau::http {

class StaticFiles {
 public:
  struct Options {
    std::string index = "index.html";  // served for a directory
    std::string html_cache_control = "no-cache";
    std::string asset_cache_control = "public, max-age=300";
    // Paths under this URL prefix are content-hashed by the build and never change.
    std::string immutable_prefix = "/assets/";
    std::string immutable_cache_control = "public, max-age=31536000, immutable";
    std::uintmax_t max_file_bytes = 64u << 20;
    std::uintmax_t max_cached_bytes = 1u << 20;  // per file
  };

  explicit StaticFiles(std::filesystem::path root);
  StaticFiles(std::filesystem::path root, Options options);
  ~StaticFiles();
  StaticFiles(const StaticFiles&) = delete;
  StaticFiles& operator=(const StaticFiles&) = delete;

  // The file at `url_path` (percent-encoded, e.g. "/assets/app.js"), 304 when the request's
  // If-None-Match matches, NotFound (404) when absent or refused.
  Result<Response> Serve(std::string_view url_path, const RequestContext& ctx) const;

  // A handler serving the request path itself (mount it at "/{*path}" or "/assets/{*path}").
  // The StaticFiles object must outlive the router.
  Handler Directory() const;
  // A handler that always serves one file below the root, e.g. "/p/{id}" → "poll.html".
  Handler File(std::string relative_path) const;

  // Content type for a file name by extension ("application/octet-stream" when unknown).
  static std::string_view ContentType(std::string_view file_name);

 private:
  struct Entry;
  Result<Response> ServeFile(const std::filesystem::path& file, std::string_view url_path,
                             const RequestContext& ctx) const;
  Result<std::shared_ptr<const Entry>> Load(const std::filesystem::path& file) const;

  std::filesystem::path root_;  // canonical
  Options options_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Entry>> cache_;  // guarded by mu_
};

}  // namespace pantau::http

// SyncDirectory: makes a directory's entries (files created, renamed or removed in it) durable with an
// fsync of the directory itself. Shared by the SQLite store and the vote log (ledger/segment_log).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "core/error.h"

namespace pantau::store {

// Unavailable when the directory cannot be opened or synced ("" is the current directory).
inline Status SyncDirectory(const std::string& dir) {
  const std::string path = dir.empty() ? "." : dir;
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return std::unexpected(Error::Unavailable("storage is unavailable",
                                              fmt::format("cannot open directory {}: {}", path, std::strerror(errno))));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0)
    return std::unexpected(Error::Unavailable("storage is unavailable",
                                              fmt::format("cannot sync directory {}: {}", path, std::strerror(saved))));
  return Ok();
}

}  // namespace pantau::store

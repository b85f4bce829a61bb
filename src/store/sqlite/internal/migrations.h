// The SQLite schema as an ordered list of migrations. Migration i (1-based) takes a database from
// PRAGMA user_version i-1 to i; RunMigrations applies the missing ones, each in its own transaction
// together with the user_version bump, so a crash mid-way leaves a consistent, resumable version.
// Never edit a released migration: append a new one.
#pragma once

#include <span>
#include <string_view>

#include "core/error.h"
#include "store/sqlite/internal/connection.h"

namespace pantau::store::internal {

std::span<const std::string_view> SqliteMigrations();

// FailedPrecondition when the file's user_version is newer than this program knows.
Status RunMigrations(Connection& writer);
// For a file opened read-only, which cannot be migrated: FailedPrecondition unless its schema is
// exactly the one this program writes.
Status RequireCurrentSchema(Connection& reader);

}  // namespace pantau::store::internal

#include "store/sqlite/internal/migrations.h"

#include <fmt/format.h>

#include <array>

namespace pantau::store::internal {
namespace {

// Enum-valued columns hold EnumTable names ("open", "mobile", ...); times are Unix milliseconds (UTC);
// hashes are 32-byte BLOBs. STRICT tables refuse values of the wrong type.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE polls (
  id            TEXT PRIMARY KEY NOT NULL,
  title         TEXT NOT NULL,
  region        TEXT NOT NULL,
  kind          TEXT NOT NULL,
  opens_at_ms   INTEGER NOT NULL,
  closes_at_ms  INTEGER NOT NULL,
  visibility    TEXT NOT NULL,
  tier          TEXT NOT NULL,
  methodology   TEXT NOT NULL,
  owner_name    TEXT NOT NULL,
  owner_url     TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX polls_by_created ON polls (created_at_ms DESC, id);

CREATE TABLE poll_options (
  poll_id   TEXT NOT NULL REFERENCES polls (id),
  position  INTEGER NOT NULL,
  number    INTEGER NOT NULL,
  name      TEXT NOT NULL,
  photo_url TEXT NOT NULL,
  PRIMARY KEY (poll_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE poll_secrets (
  poll_id        TEXT PRIMARY KEY NOT NULL REFERENCES polls (id),
  owner_key_hash TEXT NOT NULL,
  ip_hash_key    BLOB NOT NULL
) STRICT;

CREATE TABLE votes (
  poll_id          TEXT NOT NULL REFERENCES polls (id),
  seq              INTEGER NOT NULL CHECK (seq >= 1),
  time_ms          INTEGER NOT NULL,
  choice           INTEGER NOT NULL,
  tier             TEXT NOT NULL,
  device_id        TEXT NOT NULL,
  prefix           TEXT NOT NULL,
  ip_hash          TEXT NOT NULL,
  asn              INTEGER NOT NULL,
  network_class    TEXT NOT NULL,
  ua_browser       TEXT NOT NULL,
  ua_os            TEXT NOT NULL,
  ua_device        TEXT NOT NULL,
  share_token      TEXT NOT NULL,
  referrer_host    TEXT NOT NULL,
  panel_token_hash TEXT NOT NULL,
  prev_hash        BLOB NOT NULL CHECK (length(prev_hash) = 32),
  entry_hash       BLOB NOT NULL CHECK (length(entry_hash) = 32),
  PRIMARY KEY (poll_id, seq)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX votes_by_entry_hash ON votes (poll_id, entry_hash);
-- A panel token is spent at most once, even if a caller bypasses panel_tokens.
CREATE UNIQUE INDEX votes_by_panel_token ON votes (poll_id, panel_token_hash) WHERE panel_token_hash <> '';

CREATE TABLE panel_tokens (
  poll_id    TEXT NOT NULL REFERENCES polls (id),
  token_hash TEXT NOT NULL,
  used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
  PRIMARY KEY (poll_id, token_hash)
) STRICT, WITHOUT ROWID;
)sql";

// Receipts are found through the first 8 bytes of the entry hash: a far smaller index than (poll id,
// 32-byte hash), and the one index a vote insert updates in random order, so it sets what writing votes
// costs (about half of it with the v1 index). The (poll_id, seq) key stays the uniqueness guarantee:
// an entry hash commits to its seq.
constexpr std::string_view kV2 = R"sql(
DROP INDEX votes_by_entry_hash;
CREATE INDEX votes_by_receipt ON votes (substr(entry_hash, 1, 8));
)sql";

// v3: settings a layer above keeps with the data (Store::GetSetting), e.g. the id of the vote log.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

constexpr std::array<std::string_view, 3> kMigrations{kV1, kV2, kV3};

Status RequireKnownSchema(int64_t current) {
  if (current > static_cast<int64_t>(kMigrations.size()))
    return std::unexpected(Error::FailedPrecondition(
        "the database was written by a newer version of pantau", "schema-too-new"));
  return Ok();
}

}  // namespace

std::span<const std::string_view> SqliteMigrations() { return kMigrations; }

Status RequireCurrentSchema(Connection& reader) {
  PANTAU_ASSIGN_OR_RETURN(const int64_t current, reader.QueryInt("PRAGMA user_version"));
  PANTAU_RETURN_IF_ERROR(RequireKnownSchema(current));
  if (current < static_cast<int64_t>(kMigrations.size()))
    return std::unexpected(Error::FailedPrecondition(
        "the database was written by an older version of pantau and cannot be upgraded while opened read-only",
        fmt::format("schema version {} of {}; `pantau serve` upgrades it", current, kMigrations.size())));
  return Ok();
}

Status RunMigrations(Connection& writer) {
  PANTAU_ASSIGN_OR_RETURN(const int64_t current, writer.QueryInt("PRAGMA user_version"));
  PANTAU_RETURN_IF_ERROR(RequireKnownSchema(current));
  const auto known = static_cast<int64_t>(kMigrations.size());
  for (int64_t version = current + 1; version <= known; ++version) {
    PANTAU_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(writer, Transaction::Kind::kWrite));
    PANTAU_RETURN_IF_ERROR(writer.Exec(kMigrations[static_cast<size_t>(version - 1)]));
    PANTAU_RETURN_IF_ERROR(writer.Exec(fmt::format("PRAGMA user_version = {}", version)));
    PANTAU_RETURN_IF_ERROR(tx.Commit());
  }
  return Ok();
}

}  // namespace pantau::store::internal

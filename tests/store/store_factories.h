// Store factories for the typed contract suite (store_contract_test.cc). A factory owns one backing
// storage: the first Open() yields a store over empty storage, later calls reopen the same storage (the
// durability tests drop the store and reopen). A PostgreSQL factory joins kStoreFactories later,
// skipping itself when no server is configured. The journaled store (votes in the vote log, the rest in
// SQLite, as `pantau serve` runs it) is held to the same contract.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ledger/journaled_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "store/temp_dir.h"

namespace pantau::testing_support {

class SqliteStoreFactory {
 public:
  static constexpr const char* kName = "Sqlite";
  // Empty when the backend can be tested here; otherwise the reason to skip.
  static std::string Unavailable() { return {}; }

  // nullptr (with a recorded failure) when the store cannot be opened.
  std::unique_ptr<store::Store> Open() {
    auto store = store::SqliteStore::Open(dir_.File("pantau.db"));
    if (!store) {
      ADD_FAILURE() << "SqliteStore::Open: " << store.error().ToLogString();
      return nullptr;
    }
    return std::move(*store);
  }

 private:
  TempDir dir_;
};

class JournaledSqliteStoreFactory {
 public:
  static constexpr const char* kName = "JournaledSqlite";
  static std::string Unavailable() { return {}; }

  std::unique_ptr<store::Store> Open() {
    auto db = store::SqliteStore::Open(dir_.File("pantau.db"));
    if (!db) {
      ADD_FAILURE() << "SqliteStore::Open: " << db.error().ToLogString();
      return nullptr;
    }
    // Small segments, so the contract's batches (and reads) also cross segment boundaries.
    ledger::JournaledStore::Options options;
    options.log.segment_bytes = 64 << 10;
    auto store = ledger::JournaledStore::Open(std::move(*db), dir_.File("pantau.db-ledger"), options);
    if (!store) {
      ADD_FAILURE() << "JournaledStore::Open: " << store.error().ToLogString();
      return nullptr;
    }
    return std::move(*store);
  }

 private:
  TempDir dir_;
};

}  // namespace pantau::testing_support

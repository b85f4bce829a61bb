// Store factories for the typed contract suite (store_contract_test.cc). A factory owns one backing
// storage: the first Open() yields a store over empty storage, later calls reopen the same storage (the
// durability tests drop the store and reopen). A PostgreSQL factory joins kStoreFactories later,
// skipping itself when no server is configured.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

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

}  // namespace pantau::testing_support

// ReaderPool: read-only connections to one database, lent to one thread at a time. Reads in WAL mode
// never wait for the writer, and a caller holding a lease (e.g. inside a scan visitor) can borrow
// another, so nested reads cannot deadlock. Thread-safe.
//   PANTAU_ASSIGN_OR_RETURN(auto reader, pool.Acquire());
//   reader->Prepare(...);                        // back to the pool when `reader` dies
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "store/sqlite/internal/connection.h"

namespace pantau::store::internal {

class ReaderPool {
 public:
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->Release(std::move(conn_));
    }
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Keeps up to `max_idle` connections open between uses; opens more on demand, as `role` (kReader, or
  // kReadOnly for a file that must not change).
  ReaderPool(std::string path, size_t max_idle, Connection::Role role = Connection::Role::kReader)
      : path_(std::move(path)), max_idle_(max_idle), role_(role) {}

  // An idle connection, or a newly opened one (errors from opening are returned).
  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> conn);

  const std::string path_;
  const size_t max_idle_;
  const Connection::Role role_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace pantau::store::internal

#include "store/sqlite/internal/reader_pool.h"

namespace pantau::store::internal {

Result<ReaderPool::Lease> ReaderPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  PANTAU_ASSIGN_OR_RETURN(auto conn, Connection::Open(path_, role_));
  return Lease(this, std::move(conn));
}

void ReaderPool::Release(std::unique_ptr<Connection> conn) {
  if (conn->in_transaction()) return;  // leases never leave one open; if one did, drop the connection
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace pantau::store::internal

// RequestArena: a per-connection bump allocator for one request's header fields and body, so that
// parsing a typical request costs no heap allocation. Memory is handed out from an inline buffer and
// only reclaimed by Reset() at the start of the next request, when nothing of the previous one is
// alive (the parser and its message live inside one loop iteration). Larger requests fall back to
// the heap. Confined to the connection's executor, like everything else of a connection.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <new>

namespace pantau::http::internal {

class RequestArena {
 public:
  static constexpr std::size_t kBytes = 2048;

  void* Allocate(std::size_t n, std::size_t align) {
    std::size_t offset = (used_ + align - 1) & ~(align - 1);
    if (offset + n <= kBytes) {
      used_ = offset + n;
      return buffer_.data() + offset;
    }
    return ::operator new(n, std::align_val_t(align));
  }
  void Deallocate(void* p, std::size_t n, std::size_t align) {
    auto* b = static_cast<std::byte*>(p);
    if (b >= buffer_.data() && b < buffer_.data() + kBytes) return;  // reclaimed by Reset
    ::operator delete(p, n, std::align_val_t(align));
  }
  void Reset() { used_ = 0; }

 private:
  alignas(std::max_align_t) std::array<std::byte, kBytes> buffer_;
  std::size_t used_ = 0;
};

template <class T>
class ArenaAllocator {
 public:
  using value_type = T;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;

  explicit ArenaAllocator(RequestArena& arena) noexcept : arena_(&arena) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena_(other.arena()) {}

  T* allocate(std::size_t n) {
    return static_cast<T*>(arena_->Allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { arena_->Deallocate(p, n * sizeof(T), alignof(T)); }

  RequestArena* arena() const noexcept { return arena_; }
  template <class U>
  bool operator==(const ArenaAllocator<U>& o) const noexcept { return arena_ == o.arena(); }

 private:
  RequestArena* arena_;
};

}  // namespace pantau::http::internal

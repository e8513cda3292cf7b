// Replacement global operator new/delete that count allocations while an alloc_scope is open.
// They use malloc/free, so they also work under ASan (which intercepts malloc) and with
// -fno-exceptions (a failed throwing new then aborts instead of throwing std::bad_alloc).
#include "alloc_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> g_open_scopes{0};
std::atomic<std::size_t> g_allocations{0};

void note_allocation() noexcept {
  if (g_open_scopes.load() != 0) {
    ++g_allocations;
  }
}

// Returns nullptr when memory stays exhausted after the new_handler (if any) has had its say.
void* allocate(std::size_t size, std::size_t alignment) noexcept {
  note_allocation();
  if (size == 0) {
    size = 1;
  }
  if (alignment < sizeof(void*)) {
    alignment = sizeof(void*);
  }
  for (;;) {
    void* p = nullptr;
    if (alignment <= alignof(std::max_align_t)) {
      p = std::malloc(size);
    } else {
      // aligned_alloc wants a size that is a multiple of the alignment.
      p = std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
    }
    if (p != nullptr) {
      return p;
    }
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      return nullptr;
    }
    handler();  // may throw std::bad_alloc, free memory, or terminate
  }
}

void* allocate_or_fail(std::size_t size, std::size_t alignment) {
  if (void* p = allocate(size, alignment)) {
    return p;
  }
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
  throw std::bad_alloc();
#else
  std::abort();
#endif
}

constexpr std::size_t kDefault = alignof(std::max_align_t);

}  // namespace

namespace dockimg_test {

alloc_scope::alloc_scope() noexcept : start_(g_allocations.load()) { ++g_open_scopes; }

alloc_scope::~alloc_scope() { --g_open_scopes; }

std::size_t alloc_scope::count() const noexcept { return g_allocations.load() - start_; }

std::size_t allocation_count() noexcept { return g_allocations.load(); }

}  // namespace dockimg_test

void* operator new(std::size_t size) { return allocate_or_fail(size, kDefault); }
void* operator new[](std::size_t size) { return allocate_or_fail(size, kDefault); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size, kDefault);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size, kDefault);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return allocate_or_fail(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return allocate_or_fail(size, static_cast<std::size_t>(alignment));
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return allocate(size, static_cast<std::size_t>(alignment));
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

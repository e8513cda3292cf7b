// Allocation counting for tests: alloc_counter.cpp replaces every global operator new/delete
// (plain, array, sized, aligned, nothrow) with malloc/free-based versions that count the calls
// to operator new made while at least one alloc_scope is open, from any thread.
//
// doctest allocates inside CHECK, so open a scope around the code under test only and assert
// after reading the count:
//
//   std::size_t n = 0;
//   {
//     dockimg_test::alloc_scope scope;
//     run_code_under_test();
//     n = scope.count();
//   }
//   CHECK(n == 0);
#ifndef DOCKIMG_TESTS_ALLOC_COUNTER_HPP
#define DOCKIMG_TESTS_ALLOC_COUNTER_HPP

#include <cstddef>

namespace dockimg_test {

/// Counts the global operator new calls made between its construction and count() (or its end).
class alloc_scope {
 public:
  alloc_scope() noexcept;
  ~alloc_scope();
  alloc_scope(const alloc_scope&) = delete;
  alloc_scope& operator=(const alloc_scope&) = delete;

  /// Allocations counted since this scope opened (other threads' included).
  [[nodiscard]] std::size_t count() const noexcept;

 private:
  std::size_t start_;
};

/// All allocations counted so far, inside any scope; never reset.
[[nodiscard]] std::size_t allocation_count() noexcept;

}  // namespace dockimg_test

#endif  // DOCKIMG_TESTS_ALLOC_COUNTER_HPP

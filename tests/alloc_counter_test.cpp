// The allocation counter counts what it should, and only inside a scope.
#include "alloc_counter.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <new>
#include <string>

namespace {

// Pointers stored here escape, so the compiler may not elide the allocations that produced them.
void* volatile g_sink = nullptr;

struct alignas(64) over_aligned {
  unsigned char bytes[64];
};

}  // namespace

TEST_SUITE("alloc_counter") {
  TEST_CASE("a new int inside a scope counts one allocation") {
    std::size_t counted = 0;
    int* p = nullptr;
    {
      dockimg_test::alloc_scope scope;
      p = new int(42);
      g_sink = p;
      counted = scope.count();
    }
    delete p;
    CHECK(counted == 1);
  }

  TEST_CASE("a 100-character std::string allocates") {
    std::size_t counted = 0;
    {
      dockimg_test::alloc_scope scope;
      std::string text(100, 'x');
      g_sink = text.data();
      counted = scope.count();
    }
    CHECK(counted >= 1);
  }

  TEST_CASE("array and nothrow and over-aligned new are counted") {
    std::size_t counted = 0;
    std::size_t misalignment = 1;
    {
      dockimg_test::alloc_scope scope;
      char* array = new char[10];
      g_sink = array;
      delete[] array;
      int* nothrow = new (std::nothrow) int(1);
      g_sink = nothrow;
      delete nothrow;
      auto* aligned = new over_aligned();
      g_sink = aligned;
      misalignment = reinterpret_cast<std::size_t>(aligned) % alignof(over_aligned);
      delete aligned;
      counted = scope.count();
    }
    CHECK(counted == 3);
    CHECK(misalignment == 0);
  }

  TEST_CASE("nothing is counted outside a scope") {
    const std::size_t before = dockimg_test::allocation_count();
    int* p = new int(7);
    g_sink = p;
    delete p;
    std::string text(100, 'y');
    g_sink = text.data();
    CHECK(dockimg_test::allocation_count() == before);
  }

  TEST_CASE("nested scopes each count from their own start") {
    std::size_t outer_count = 0;
    std::size_t inner_count = 0;
    {
      dockimg_test::alloc_scope outer;
      int* first = new int(1);
      g_sink = first;
      {
        dockimg_test::alloc_scope inner;
        int* second = new int(2);
        g_sink = second;
        delete second;
        inner_count = inner.count();
      }
      delete first;
      outer_count = outer.count();
    }
    CHECK(inner_count == 1);
    CHECK(outer_count == 2);
  }
}

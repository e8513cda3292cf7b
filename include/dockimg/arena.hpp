// SPDX-License-Identifier: Apache-2.0
/// @file arena.hpp
/// @brief Caller-owned storage for parse results: the parsers never allocate, they carve their
/// records and materialised strings out of an arena the caller hands them.
#ifndef DOCKIMG_ARENA_HPP
#define DOCKIMG_ARENA_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "config.hpp"

DOCKIMG_BEGIN_NAMESPACE

/// A bump allocator over a caller-supplied block of memory.
///
/// Records (fixed-size objects) are taken from the front and grow upwards; text is taken from the
/// back and grows downwards. Nothing is ever freed individually: `reset()` makes the whole block
/// available again (invalidating every view into it). An arena never calls `operator new`.
///
/// Lifetime: the memory block must outlive the arena and every result parsed into it.
class arena {
 public:
  /// An arena without memory: every request fails.
  constexpr arena() noexcept = default;
  /// An arena over `size` bytes at `data`.
  arena(void* data, std::size_t size) noexcept
      : begin_(static_cast<unsigned char*>(data)),
        front_(begin_),
        back_(begin_ + size),
        end_(begin_ + size) {}

  /// Total bytes of the block.
  [[nodiscard]] std::size_t capacity() const noexcept { return static_cast<std::size_t>(end_ - begin_); }
  /// Bytes handed out so far (front and back together).
  [[nodiscard]] std::size_t used() const noexcept {
    return static_cast<std::size_t>((front_ - begin_) + (end_ - back_));
  }
  /// Bytes still free between the two ends.
  [[nodiscard]] std::size_t available() const noexcept { return static_cast<std::size_t>(back_ - front_); }
  /// Makes the whole block available again; every view into it becomes invalid.
  void reset() noexcept {
    front_ = begin_;
    back_ = end_;
  }

  /// Takes room for `n` objects of type `T` from the front, or returns nullptr when it does not fit.
  /// Consecutive requests for the same `T` with nothing in between are contiguous.
  template <class T>
  [[nodiscard]] T* make_records(std::size_t n) noexcept {
    static_assert(std::is_trivially_destructible_v<T>, "arena records are never destroyed");
    const auto addr = reinterpret_cast<std::uintptr_t>(front_);
    const std::uintptr_t aligned = (addr + (alignof(T) - 1)) & ~static_cast<std::uintptr_t>(alignof(T) - 1);
    unsigned char* p = front_ + (aligned - addr);
    if (p > back_ || static_cast<std::size_t>(back_ - p) / sizeof(T) < n) return nullptr;
    front_ = p + n * sizeof(T);
    return reinterpret_cast<T*>(p);
  }

  /// Gives back the last `n` records of type `T` taken from the front (they must be the last taken).
  template <class T>
  void drop_records(std::size_t n) noexcept {
    front_ -= n * sizeof(T);
  }

  /// Takes `n` bytes of text from the back, or returns nullptr when they do not fit.
  [[nodiscard]] char* make_text(std::size_t n) noexcept {
    if (static_cast<std::size_t>(back_ - front_) < n) return nullptr;
    back_ -= n;
    return reinterpret_cast<char*>(back_);
  }

  /// Takes room for `n` objects of type `T` from the back (scratch space that is never given back
  /// individually), or returns nullptr.
  template <class T>
  [[nodiscard]] T* make_scratch(std::size_t n) noexcept {
    static_assert(std::is_trivially_destructible_v<T>, "arena records are never destroyed");
    if (n > static_cast<std::size_t>(back_ - front_) / sizeof(T)) return nullptr;
    auto addr = reinterpret_cast<std::uintptr_t>(back_) - n * sizeof(T);
    addr &= ~static_cast<std::uintptr_t>(alignof(T) - 1);
    auto* p = reinterpret_cast<unsigned char*>(addr);
    if (p < front_) return nullptr;
    back_ = p;
    return reinterpret_cast<T*>(p);
  }

 private:
  unsigned char* begin_ = nullptr;
  unsigned char* front_ = nullptr;
  unsigned char* back_ = nullptr;
  unsigned char* end_ = nullptr;
};

DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_ARENA_HPP

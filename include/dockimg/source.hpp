// SPDX-License-Identifier: Apache-2.0
/// @file source.hpp
/// @brief Byte ranges, line:column positions and non-owning list views shared by every parser.
#ifndef DOCKIMG_SOURCE_HPP
#define DOCKIMG_SOURCE_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config.hpp"

DOCKIMG_BEGIN_NAMESPACE

/// A half-open byte range `[begin, end)` of a source text.
struct source_range {
  std::uint32_t begin = 0;  ///< offset of the first byte
  std::uint32_t end = 0;    ///< offset one past the last byte

  /// Number of bytes covered.
  [[nodiscard]] constexpr std::uint32_t size() const noexcept { return end - begin; }
  /// True when the range covers no byte (it still names a position).
  [[nodiscard]] constexpr bool empty() const noexcept { return begin == end; }
};

/// A 1-based line and 1-based column. Columns count bytes (UTF-8 code units) from the line start.
struct source_position {
  std::uint32_t line = 0;    ///< 1-based line number; lines end at `\n` only
  std::uint32_t column = 0;  ///< 1-based byte column within the line
};

/// Converts byte offsets of one source text to line:column positions without allocating.
///
/// It remembers the last position it computed, so a series of increasing offsets (the usual case
/// when printing diagnostics or instructions in order) costs one pass over the text in total.
/// Lifetime: the text must outlive the locator.
class source_locator {
 public:
  /// A locator for `text`.
  constexpr explicit source_locator(std::string_view text DOCKIMG_LIFETIMEBOUND) noexcept
      : text_(text) {}

  /// The position of byte `offset` (clamped to the text size; the end of the text is a valid position).
  [[nodiscard]] constexpr source_position locate(std::uint32_t offset) noexcept {
    if (offset > text_.size()) offset = static_cast<std::uint32_t>(text_.size());
    if (offset < cursor_) {
      cursor_ = 0;
      line_ = 1;
      line_start_ = 0;
    }
    while (cursor_ < offset) {  // newline to newline (string_view::find is memchr at run time)
      const std::size_t nl = text_.find('\n', cursor_);
      if (nl == std::string_view::npos || nl >= offset) {
        cursor_ = offset;
        break;
      }
      ++line_;
      line_start_ = static_cast<std::uint32_t>(nl + 1);
      cursor_ = line_start_;
    }
    return {line_, offset - line_start_ + 1};
  }

 private:
  std::string_view text_;
  std::uint32_t cursor_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t line_start_ = 0;
};

/// A read-only view of `size()` contiguous objects living in storage owned elsewhere.
///
/// Lifetime: valid while the storage it points into (usually an arena) is alive and unchanged.
template <class T>
class list_view {
 public:
  /// Element type.
  using value_type = T;
  /// Iterator type (a pointer).
  using iterator = const T*;

  /// An empty list.
  constexpr list_view() noexcept = default;
  /// A view of `size` objects starting at `data`.
  constexpr list_view(const T* data, std::size_t size) noexcept : data_(data), size_(size) {}

  /// First element.
  [[nodiscard]] constexpr const T* begin() const noexcept { return data_; }
  /// One past the last element.
  [[nodiscard]] constexpr const T* end() const noexcept { return data_ + size_; }
  /// Number of elements.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  /// True when there is no element.
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  /// Element `i` (precondition: `i < size()`).
  [[nodiscard]] constexpr const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  /// First element (precondition: not empty).
  [[nodiscard]] constexpr const T& front() const noexcept { return data_[0]; }
  /// Last element (precondition: not empty).
  [[nodiscard]] constexpr const T& back() const noexcept { return data_[size_ - 1]; }
  /// Pointer to the first element.
  [[nodiscard]] constexpr const T* data() const noexcept { return data_; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_SOURCE_HPP

// SPDX-License-Identifier: Apache-2.0
/// @file go_path.hpp
/// @brief Go's `path.Clean` (also `filepath.Clean` on Unix), shared by the .dockerignore reader,
/// the dispatcher and the platform parser.
#ifndef DOCKIMG_DETAIL_GO_PATH_HPP
#define DOCKIMG_DETAIL_GO_PATH_HPP

#include <cstddef>
#include <string_view>

#include "../config.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace detail {

/// Go's `path.Clean(in)` written to `out` (at least `in.size() + 1` bytes; `out` may be
/// `in.data()`: the writes never overtake the reads). Returns the cleaned length (at least 1).
constexpr std::size_t go_path_clean(std::string_view in, char* out) noexcept {
  if (in.empty()) {
    out[0] = '.';
    return 1;
  }
  const bool rooted = in[0] == '/';
  const std::size_t n = in.size();
  std::size_t r = 0;
  std::size_t w = 0;
  std::size_t dotdot = 0;
  if (rooted) {
    out[w++] = '/';
    r = 1;
    dotdot = 1;
  }
  while (r < n) {
    if (in[r] == '/') {
      ++r;
    } else if (in[r] == '.' && (r + 1 == n || in[r + 1] == '/')) {
      ++r;
    } else if (in[r] == '.' && in[r + 1] == '.' && (r + 2 == n || in[r + 2] == '/')) {
      r += 2;
      if (w > dotdot) {
        --w;
        while (w > dotdot && out[w] != '/') --w;
      } else if (!rooted) {
        if (w > 0) out[w++] = '/';
        out[w++] = '.';
        out[w++] = '.';
        dotdot = w;
      }
    } else {
      if ((rooted && w != 1) || (!rooted && w != 0)) out[w++] = '/';
      for (; r < n && in[r] != '/'; ++r) out[w++] = in[r];
    }
  }
  if (w == 0) out[w++] = '.';
  return w;
}

}  // namespace detail
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_GO_PATH_HPP

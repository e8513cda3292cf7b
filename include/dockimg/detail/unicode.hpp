// SPDX-License-Identifier: Apache-2.0
/// @file detail/unicode.hpp
/// @brief UTF-8 decoding and the character classes of Go's `unicode`, `unicode/utf8` and `strconv`
/// packages, which BuildKit's parser and shell lexer rely on. Internal.
#ifndef DOCKIMG_DETAIL_UNICODE_HPP
#define DOCKIMG_DETAIL_UNICODE_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../config.hpp"
#include "unicode_tables.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace detail {

/// The replacement character U+FFFD, what Go decodes an invalid byte to.
inline constexpr char32_t replacement_char = 0xFFFD;

/// A decoded code point and the number of bytes it occupied.
struct decoded_rune {
  char32_t rune;       ///< the code point, or U+FFFD for an invalid sequence
  std::uint32_t size;  ///< bytes consumed: 1 for an invalid byte, 0 at the end of input
};

/// Decodes the first UTF-8 sequence of `s` exactly as Go's `utf8.DecodeRuneInString`:
/// an invalid, overlong, surrogate or out-of-range sequence yields {U+FFFD, 1}.
[[nodiscard]] constexpr decoded_rune decode_rune(std::string_view s) noexcept {
  if (s.empty()) return {replacement_char, 0};
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  auto cont = [&](std::size_t i) -> int {
    if (i >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    const int c1 = cont(1);
    if (c1 < 0) return {replacement_char, 1};
    return {static_cast<char32_t>(((b0 & 0x1Fu) << 6) | static_cast<unsigned>(c1)), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (s.size() < 2) return {replacement_char, 1};
    const auto b1 = static_cast<unsigned char>(s[1]);
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;
    if (b1 < lo || b1 > hi) return {replacement_char, 1};
    const int c2 = cont(2);
    if (c2 < 0) return {replacement_char, 1};
    return {static_cast<char32_t>(((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) |
                                  static_cast<unsigned>(c2)),
            3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (s.size() < 2) return {replacement_char, 1};
    const auto b1 = static_cast<unsigned char>(s[1]);
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (b1 < lo || b1 > hi) return {replacement_char, 1};
    const int c2 = cont(2);
    if (c2 < 0) return {replacement_char, 1};
    const int c3 = cont(3);
    if (c3 < 0) return {replacement_char, 1};
    return {static_cast<char32_t>(((b0 & 0x07u) << 18) | ((b1 & 0x3Fu) << 12) |
                                  (static_cast<unsigned>(c2) << 6) | static_cast<unsigned>(c3)),
            4};
  }
  return {replacement_char, 1};
}

/// Number of bytes `encode_rune` writes for `r` (invalid code points become U+FFFD: 3 bytes).
[[nodiscard]] constexpr std::size_t rune_length(char32_t r) noexcept {
  if (r < 0x80) return 1;
  if (r < 0x800) return 2;
  if ((r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF) return 3;
  if (r < 0x10000) return 3;
  return 4;
}

/// Writes the UTF-8 encoding of `r` to `out` (room for 4 bytes needed) as Go's `utf8.EncodeRune`:
/// surrogates and values above U+10FFFF are written as U+FFFD. Returns the bytes written.
constexpr std::size_t encode_rune(char32_t r, char* out) noexcept {
  if ((r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF) r = replacement_char;
  if (r < 0x80) {
    out[0] = static_cast<char>(r);
    return 1;
  }
  if (r < 0x800) {
    out[0] = static_cast<char>(0xC0 | (r >> 6));
    out[1] = static_cast<char>(0x80 | (r & 0x3F));
    return 2;
  }
  if (r < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (r >> 12));
    out[1] = static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (r & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (r >> 18));
  out[1] = static_cast<char>(0x80 | ((r >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((r >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (r & 0x3F));
  return 4;
}

/// Bit `c & 31` of `latin1_space_bits[c >> 5]` says whether byte `c` is a `unicode.IsSpace` rune.
inline constexpr std::uint32_t latin1_space_bits[8] = {
    0x00003E00u,  // \t \n \v \f \r
    0x00000001u,  // ' '
    0, 0,
    0x00000020u,  // U+0085
    0x00000001u,  // U+00A0
    0, 0};

/// Go's `unicode.IsSpace`: the ASCII/Latin-1 spaces plus the White_Space code points above U+00FF.
[[nodiscard]] constexpr bool is_space(char32_t r) noexcept {
  if (r <= 0xFF) return ((latin1_space_bits[r >> 5] >> (r & 31)) & 1u) != 0;
  return r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 ||
         r == 0x202F || r == 0x205F || r == 0x3000;
}

/// `unicode.IsSpace(rune(b))` for one byte, as BuildKit's flag splitter tests bytes: 0x85 and 0xA0
/// count even inside a multi-byte sequence.
[[nodiscard]] constexpr bool is_space_byte(unsigned char b) noexcept { return is_space(b); }

/// The regular expression class `[\t\v\f\r ]` (BuildKit's `reWhitespace`): ASCII, no newline.
[[nodiscard]] constexpr bool is_ascii_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/// Binary search in a sorted range table.
template <std::size_t N>
[[nodiscard]] constexpr bool in_ranges(const code_range (&table)[N], char32_t r) noexcept {
  std::size_t lo = 0;
  std::size_t hi = N;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (r < table[mid].lo) {
      hi = mid;
    } else if (r > table[mid].hi) {
      lo = mid + 1;
    } else {
      return true;
    }
  }
  return false;
}

/// Go's `unicode.IsLetter` (general category L).
[[nodiscard]] constexpr bool is_letter(char32_t r) noexcept {
  if (r < 0x80) return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
  return in_ranges(letter_ranges, r);
}

/// Go's `unicode.IsDigit` (general category Nd).
[[nodiscard]] constexpr bool is_digit(char32_t r) noexcept {
  if (r < 0x80) return r >= '0' && r <= '9';
  return in_ranges(digit_ranges, r);
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and U+0020.
[[nodiscard]] constexpr bool is_print(char32_t r) noexcept {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  return in_ranges(print_ranges, r);
}

/// Looks `r` up in a sorted pair table; returns `r` when absent.
template <std::size_t N>
[[nodiscard]] constexpr char32_t map_rune(const code_pair (&table)[N], char32_t r) noexcept {
  std::size_t lo = 0;
  std::size_t hi = N;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (r < table[mid].from) {
      hi = mid;
    } else if (r > table[mid].from) {
      lo = mid + 1;
    } else {
      return table[mid].to;
    }
  }
  return r;
}

/// Go's `unicode.ToLower` (simple case mapping).
[[nodiscard]] constexpr char32_t to_lower(char32_t r) noexcept {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  return map_rune(lower_pairs, r);
}

/// Go's `unicode.ToUpper` (simple case mapping).
[[nodiscard]] constexpr char32_t to_upper(char32_t r) noexcept {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  return map_rune(upper_pairs, r);
}

/// Go's `unicode.SimpleFold`: the next rune of the case-folding orbit of `r` (`r` itself when it
/// has no other case).
[[nodiscard]] constexpr char32_t simple_fold(char32_t r) noexcept {
  if (r > 0x10FFFF) return r;
  const char32_t orbit = map_rune(fold_orbit_pairs, r);
  if (orbit != r) return orbit;
  const char32_t l = to_lower(r);
  if (l != r) return l;
  return to_upper(r);
}

/// Go's `strings.EqualFold`: equal under simple Unicode case folding (invalid UTF-8 bytes compare
/// as U+FFFD).
[[nodiscard]] constexpr bool equal_fold(std::string_view s, std::string_view t) noexcept {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < s.size() && j < t.size()) {
    char32_t sr = 0;
    char32_t tr = 0;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      sr = static_cast<unsigned char>(s[i]);
      ++i;
    } else {
      const decoded_rune d = decode_rune(s.substr(i));
      sr = d.rune;
      i += d.size;
    }
    if (static_cast<unsigned char>(t[j]) < 0x80) {
      tr = static_cast<unsigned char>(t[j]);
      ++j;
    } else {
      const decoded_rune d = decode_rune(t.substr(j));
      tr = d.rune;
      j += d.size;
    }
    if (tr == sr) continue;
    if (tr < sr) {
      const char32_t x = tr;
      tr = sr;
      sr = x;
    }
    if (tr < 0x80) {
      if (sr >= 'A' && sr <= 'Z' && tr == sr + 'a' - 'A') continue;
      return false;
    }
    char32_t r = simple_fold(sr);
    while (r != sr && r < tr) r = simple_fold(r);
    if (r == tr) continue;
    return false;
  }
  return i == s.size() && j == t.size();
}

/// ASCII lowercase of one byte.
[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

/// Case-insensitive ASCII comparison of `s` with the lowercase word `lower`.
[[nodiscard]] constexpr bool iequals_ascii(std::string_view s, std::string_view lower) noexcept {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (ascii_lower(s[i]) != lower[i]) return false;
  }
  return true;
}

}  // namespace detail
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_UNICODE_HPP

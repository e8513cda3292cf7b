// SPDX-License-Identifier: Apache-2.0
/// @file detail/go_quote.hpp
/// @brief Go's `strconv.Quote` (and therefore `fmt`'s `%q` of a string), written piecewise to a
/// sink without allocating. BuildKit quotes inputs this way in its error messages. Internal.
#ifndef DOCKIMG_DETAIL_GO_QUOTE_HPP
#define DOCKIMG_DETAIL_GO_QUOTE_HPP

#include <cstddef>
#include <string_view>

#include "../config.hpp"
#include "unicode.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace detail {

/// Writes the escape sequence Go's `strconv.Quote` uses for one decoded rune of a string into
/// `out` (room for 10 bytes) and returns its length, or returns 0 when the rune is written as is.
/// `invalid_byte` is the byte to show as `\xNN` when `d` is an invalid UTF-8 byte (U+FFFD, size 1).
[[nodiscard]] constexpr std::size_t go_quote_escape(decoded_rune d, unsigned char invalid_byte,
                                                    char* out) noexcept {
  constexpr char hex[] = "0123456789abcdef";
  const char32_t r = d.rune;
  if (d.size == 1 && r == replacement_char) {
    out[0] = '\\';
    out[1] = 'x';
    out[2] = hex[invalid_byte >> 4];
    out[3] = hex[invalid_byte & 0xF];
    return 4;
  }
  if (r == '"' || r == '\\') {
    out[0] = '\\';
    out[1] = static_cast<char>(r);
    return 2;
  }
  if (is_print(r)) return 0;
  char letter = 0;
  switch (r) {
    case '\a':
      letter = 'a';
      break;
    case '\b':
      letter = 'b';
      break;
    case '\f':
      letter = 'f';
      break;
    case '\n':
      letter = 'n';
      break;
    case '\r':
      letter = 'r';
      break;
    case '\t':
      letter = 't';
      break;
    case '\v':
      letter = 'v';
      break;
    default:
      break;
  }
  if (letter != 0) {
    out[0] = '\\';
    out[1] = letter;
    return 2;
  }
  if (r < ' ' || r == 0x7F) {
    out[0] = '\\';
    out[1] = 'x';
    out[2] = hex[(r >> 4) & 0xF];
    out[3] = hex[r & 0xF];
    return 4;
  }
  const std::size_t digits = r < 0x10000 ? 4 : 8;
  out[0] = '\\';
  out[1] = r < 0x10000 ? 'u' : 'U';
  for (std::size_t i = 0; i < digits; ++i) {
    out[2 + i] = hex[(r >> (4 * (digits - 1 - i))) & 0xF];
  }
  return 2 + digits;
}

/// Writes Go's `strconv.Quote(s)` to `sink`, which is called with `std::string_view` pieces:
/// the surrounding double quotes, `\"` and `\\`, `\a \b \f \n \r \t \v`, `\xNN` for invalid
/// UTF-8 bytes and other control bytes, `\uNNNN` / `\UNNNNNNNN` for the remaining non-printable
/// runes; printable runes (`strconv.IsPrint`) are written as they are.
template <class Sink>
void write_go_quote(std::string_view s, Sink&& sink) {
  sink(std::string_view("\"", 1));
  std::size_t run = 0;  // start of the pending run of bytes written as they are
  std::size_t i = 0;
  while (i < s.size()) {
    const decoded_rune d = decode_rune(s.substr(i));
    char esc[12] = {};
    const std::size_t n = go_quote_escape(d, static_cast<unsigned char>(s[i]), esc);
    if (n != 0) {
      if (i > run) sink(s.substr(run, i - run));
      sink(std::string_view(esc, n));
      run = i + d.size;
    }
    i += d.size;
  }
  if (s.size() > run) sink(s.substr(run));
  sink(std::string_view("\"", 1));
}

/// The number of bytes `write_go_quote(s, ...)` writes.
[[nodiscard]] constexpr std::size_t go_quoted_size(std::string_view s) noexcept {
  std::size_t total = 2;
  std::size_t i = 0;
  while (i < s.size()) {
    const decoded_rune d = decode_rune(s.substr(i));
    char esc[12] = {};
    const std::size_t n = go_quote_escape(d, static_cast<unsigned char>(s[i]), esc);
    total += n != 0 ? n : d.size;
    i += d.size;
  }
  return total;
}

}  // namespace detail
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_GO_QUOTE_HPP

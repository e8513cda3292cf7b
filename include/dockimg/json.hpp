// SPDX-License-Identifier: Apache-2.0
/// @file json.hpp
/// @brief A strict RFC 8259 JSON reader that allocates nothing: one validating pass writes a
/// compact tape of 16-byte nodes into a caller-supplied arena; `value` views then read types,
/// members, elements, strings and exact numbers, each with its byte range, line:column and
/// JSON Pointer (RFC 6901).
///
/// @code
///   std::vector<unsigned char> mem(dockimg::json::storage_hint(text));
///   dockimg::arena storage(mem.data(), mem.size());
///   dockimg::json::document doc = dockimg::json::parse(text, storage);
///   if (!doc.ok()) { /* doc.error(): code, offset, line:column; doc.write_error_pointer(sink) */ }
///   dockimg::json::value size = doc.root().find("size");
///   if (auto n = size.get_int64(); n.ok()) { ... n.value ... }
/// @endcode
///
/// Policy (RFC 8259 exactly, I-JSON where RFC 8259 leaves a choice):
/// * whitespace is space, TAB, LF and CR only; no comments, trailing commas, single quotes,
///   leading zeros, `+`, `.5`, `NaN`, `Infinity`; nothing but whitespace after the value;
/// * strings: no raw byte below 0x20; escapes `\" \\ \/ \b \f \n \r \t \uXXXX` only; the whole
///   text must be well-formed UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing
///   above U+10FFFF); a `\u` escape naming a lone or reversed UTF-16 surrogate is rejected
///   (`errc::invalid_surrogate`; I-JSON §2.1), a high surrogate escape followed by a low one is
///   one code point;
/// * a UTF-8 byte order mark is an error (`errc::byte_order_mark`) unless `options::allow_bom`;
/// * numbers are checked against the grammar only; magnitude matters only to the typed
///   accessors (`get_int64`, `get_uint64`, `get_double` report `errc::out_of_range`);
/// * nesting deeper than `options::max_depth` (default 1024) is `errc::too_deep`; the parser
///   never recurses, so any limit is safe;
/// * repeated member names are accepted (document order is kept; `find` returns the first)
///   unless `options::reject_duplicate_keys` (I-JSON §2.3), which reports `errc::duplicate_key`
///   at the second occurrence (compared after unescaping).
#ifndef DOCKIMG_JSON_HPP
#define DOCKIMG_JSON_HPP

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "arena.hpp"
#include "config.hpp"
#include "source.hpp"

#if defined(__SSE2__) && defined(__GNUC__) && !defined(DOCKIMG_JSON_NO_SIMD)
#include <emmintrin.h>
/// 1 when the string scanner uses SSE2 (x86-64 baseline); define DOCKIMG_JSON_NO_SIMD to opt out.
#define DOCKIMG_JSON_SSE2 1
#else
/// 0: the string scanner works on eight bytes at a time in portable code.
#define DOCKIMG_JSON_SSE2 0
#endif

DOCKIMG_BEGIN_NAMESPACE

namespace json {

/// Error codes of the parser and of the typed accessors.
enum class errc : std::uint8_t {
  ok = 0,          ///< no error
  unexpected_end,  ///< the text ends where a value, a string end or a bracket is due (also: empty
                   ///< text)
  unexpected_character,  ///< a byte that cannot start or continue the JSON text here
  invalid_literal,       ///< a misspelt `true`, `false` or `null`
  invalid_number,        ///< a number that breaks the grammar (leading zero, missing digits, ...)
  control_character,     ///< a raw byte below 0x20 inside a string
  invalid_escape,        ///< a backslash not followed by `"\/bfnrt` or by `u` and four hex digits
  invalid_surrogate,     ///< a `\u` escape naming a lone or reversed UTF-16 surrogate
  invalid_utf8,          ///< bytes that are not well-formed UTF-8 inside a string
  byte_order_mark,       ///< the text starts with a UTF-8 BOM (see `options::allow_bom`)
  too_deep,              ///< arrays and objects nested deeper than `options::max_depth`
  trailing_content,      ///< something other than whitespace after the top-level value
  duplicate_key,    ///< a member name repeated in one object (`options::reject_duplicate_keys`)
  out_of_storage,   ///< the arena is too small (give it `storage_hint(text)` bytes)
  input_too_large,  ///< the text is 4 GiB or more
  wrong_type,       ///< accessor: the value is not of the requested type
  not_an_integer,  ///< accessor: an integer was requested but the number has a fraction or exponent
  out_of_range,    ///< accessor: the number does not fit the requested type
  buffer_too_small,  ///< accessor: the caller's buffer cannot hold the unescaped string
};

/// The type of a JSON value.
enum class kind : std::uint8_t {
  null,     ///< `null`
  boolean,  ///< `true` or `false`
  number,   ///< a number
  string,   ///< a string
  array,    ///< an array
  object,   ///< an object
};

/// Parser settings.
struct options {
  std::uint32_t max_depth = 1024;      ///< most arrays/objects open at once (0: scalars only)
  bool reject_duplicate_keys = false;  ///< report a repeated member name as `errc::duplicate_key`
  bool allow_bom = false;              ///< skip one leading UTF-8 BOM instead of rejecting it
};

/// Sentinel for "no node" / "no slot" in `parse_error`.
inline constexpr std::uint32_t npos = 0xFFFFFFFFu;

/// A parse error: what, where, and in which value (for the JSON Pointer).
struct parse_error {
  errc code = errc::ok;      ///< what happened
  std::uint32_t offset = 0;  ///< byte offset of the fault (the text size for `unexpected_end`)
  source_position position;  ///< line:column of `offset` (1-based, column in bytes)
  std::uint32_t container =
      npos;  ///< tape index of the innermost open array/object, `npos` at top level
  std::uint32_t slot = npos;  ///< array element index or tape index of the member's key; `npos`:
                              ///< the container itself

  /// True when there is no error.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

/// The result of a typed accessor: a value or an error code.
template <class T>
struct result {
  T value{};             ///< the value (default-constructed on error)
  errc code = errc::ok;  ///< `ok` or why there is no value

  /// True when `value` holds the answer.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
};

/// Writes a short English description of `code` to `sink` (called with `std::string_view` pieces).
template <class Sink>
void write_message(errc code, Sink&& sink) {
  using sv = std::string_view;
  switch (code) {
    case errc::ok:
      sink(sv("ok"));
      break;
    case errc::unexpected_end:
      sink(sv("unexpected end of JSON input"));
      break;
    case errc::unexpected_character:
      sink(sv("unexpected character"));
      break;
    case errc::invalid_literal:
      sink(sv("invalid literal (expected true, false or null)"));
      break;
    case errc::invalid_number:
      sink(sv("invalid number"));
      break;
    case errc::control_character:
      sink(sv("control character in string"));
      break;
    case errc::invalid_escape:
      sink(sv("invalid escape sequence in string"));
      break;
    case errc::invalid_surrogate:
      sink(sv("lone or reversed UTF-16 surrogate escape in string"));
      break;
    case errc::invalid_utf8:
      sink(sv("invalid UTF-8"));
      break;
    case errc::byte_order_mark:
      sink(sv("byte order mark not allowed"));
      break;
    case errc::too_deep:
      sink(sv("arrays and objects nested too deeply"));
      break;
    case errc::trailing_content:
      sink(sv("content after the top-level value"));
      break;
    case errc::duplicate_key:
      sink(sv("duplicate member name"));
      break;
    case errc::out_of_storage:
      sink(sv("the storage given to the parser is too small"));
      break;
    case errc::input_too_large:
      sink(sv("the input is larger than 4 GiB"));
      break;
    case errc::wrong_type:
      sink(sv("value has the wrong type"));
      break;
    case errc::not_an_integer:
      sink(sv("number is not an integer"));
      break;
    case errc::out_of_range:
      sink(sv("number out of range"));
      break;
    case errc::buffer_too_small:
      sink(sv("buffer too small for the string"));
      break;
  }
}

/// Writes `line L, column C: <description>` for `e` to `sink`.
template <class Sink>
void write_message(const parse_error& e, Sink&& sink) {
  char buf[32];
  auto num = [&](std::uint32_t v) {
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    sink(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  };
  sink(std::string_view("line "));
  num(e.position.line);
  sink(std::string_view(", column "));
  num(e.position.column);
  sink(std::string_view(": "));
  write_message(e.code, sink);
}

/// The description of `code` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(errc code) {
  std::string out;
  write_message(code, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

/// The message of `e` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const parse_error& e) {
  std::string out;
  write_message(e, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

namespace detail {

/// One tape entry. Containers are followed by their subtree; an object's children alternate
/// key (a string node with `key_flag`) and value.
struct node {
  std::uint32_t begin;  ///< offset of the first byte (a string's opening quote)
  std::uint32_t end;    ///< offset one past the last byte (a string's closing quote, a bracket)
  std::uint32_t span;   ///< nodes in the subtree, this one included (1 for scalars and keys)
  std::uint32_t meta;   ///< tag (low 4 bits) | flags
};

enum : std::uint32_t {
  tag_null = 0,
  tag_false = 1,
  tag_true = 2,
  tag_number = 3,
  tag_string = 4,
  tag_array = 5,
  tag_object = 6,
  tag_mask = 0xF,
  escapes_flag = 0x10,   // string: contains a backslash
  key_flag = 0x20,       // string: a member name
  negative_flag = 0x40,  // number: starts with '-'
  integer_flag = 0x80,   // number: no fraction, no exponent
};

/// Character classes for the structural scanner.
inline constexpr bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }

inline constexpr int hex_value(unsigned char c) noexcept {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/// Four hex digits at `p` (caller checked there are four bytes), or -1.
inline constexpr std::int32_t hex4(const unsigned char* p) noexcept {
  const int a = hex_value(p[0]), b = hex_value(p[1]), c = hex_value(p[2]), d = hex_value(p[3]);
  if ((a | b | c | d) < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | d;
}

/// A mask whose lowest set bit (little-endian byte order) marks the first of eight bytes that
/// needs attention in a string: < 0x20, '"', '\\' or >= 0x80; 0 when none does. Bits above the
/// lowest may be spurious (borrows), the lowest is exact.
inline std::uint64_t swar_special(std::uint64_t x) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t high = 0x8080808080808080ull;
  const std::uint64_t lt = (x - ones * 0x20) & ~x & high;
  const std::uint64_t q = x ^ (ones * 0x22);
  const std::uint64_t hq = (q - ones) & ~q & high;
  const std::uint64_t b = x ^ (ones * 0x5C);
  const std::uint64_t hb = (b - ones) & ~b & high;
  return lt | hq | hb | (x & high);
}

/// Skips the bytes of a string body that need no attention, sixteen (SSE2) or eight at a time.
inline const unsigned char* skip_plain(const unsigned char* p, const unsigned char* end) noexcept {
#if DOCKIMG_JSON_SSE2
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // signed compare: bytes >= 0x80 are negative, so `< 0x20` also catches them
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                     _mm_cmplt_epi8(x, space));
    const int m = _mm_movemask_epi8(special);
    if (m != 0) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const std::uint64_t m = swar_special(x);
    if (m != 0) return p + (__builtin_ctzll(m) >> 3);
#else
    if (swar_special(x) != 0) break;
#endif
    p += 8;
  }
  return p;
}

/// True for the four JSON whitespace bytes.
inline constexpr bool is_ws(unsigned char c) noexcept {
  return c <= ' ' &&
         ((1ull << c) & ((1ull << ' ') | (1ull << '\n') | (1ull << '\r') | (1ull << '\t'))) != 0;
}

/// Length of the well-formed UTF-8 sequence at `p` (lead byte >= 0x80), or 0 when ill-formed.
inline std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned char c = p[0];
  const auto n = static_cast<std::size_t>(end - p);
  auto cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return p[1] >= lo && p[1] <= hi && cont(p[2]) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return p[1] >= lo && p[1] <= hi && cont(p[2]) && cont(p[3]) ? 4 : 0;
  }
  return 0;
}

/// Appends the UTF-8 form of `cp` at `out`; returns the bytes written.
inline std::size_t put_utf8(std::uint32_t cp, char* out) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

/// Decodes the escape at `raw[i]` (a backslash) of a validated string into `out`; returns the
/// bytes written and advances `i` past the escape.
inline std::size_t decode_escape(std::string_view raw, std::size_t& i, char* out) noexcept {
  const char e = raw[i + 1];
  i += 2;
  switch (e) {
    case 'b':
      out[0] = '\b';
      return 1;
    case 'f':
      out[0] = '\f';
      return 1;
    case 'n':
      out[0] = '\n';
      return 1;
    case 'r':
      out[0] = '\r';
      return 1;
    case 't':
      out[0] = '\t';
      return 1;
    case 'u':
      break;
    default:
      out[0] = e;
      return 1;  // " \ /
  }
  auto cp =
      static_cast<std::uint32_t>(hex4(reinterpret_cast<const unsigned char*>(raw.data() + i)));
  i += 4;
  if (cp >= 0xD800 && cp <= 0xDBFF) {  // validated: a low surrogate escape follows
    const auto lo = static_cast<std::uint32_t>(
        hex4(reinterpret_cast<const unsigned char*>(raw.data() + i + 2)));
    i += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  return put_utf8(cp, out);
}

/// Unescapes the validated string body `raw` into `out` (room for `raw.size()` bytes suffices).
inline std::size_t unescape(std::string_view raw, char* out) noexcept {
  std::size_t o = 0;
  for (std::size_t i = 0; i < raw.size();) {
    const std::size_t bs = raw.find('\\', i);
    const std::size_t stop = bs == std::string_view::npos ? raw.size() : bs;
    std::memcpy(out + o, raw.data() + i, stop - i);
    o += stop - i;
    i = stop;
    if (i < raw.size()) o += decode_escape(raw, i, out + o);
  }
  return o;
}

/// Yields the unescaped bytes of a validated string body one at a time.
class decoded_cursor {
 public:
  /// A cursor over `raw`, decoding escapes when `escaped` (else yielding the bytes as they are).
  explicit decoded_cursor(std::string_view raw, bool escaped = true) noexcept
      : raw_(raw), escaped_(escaped) {}
  /// The next byte (0..255) or -1 at the end.
  int next() noexcept {
    if (pos_ < len_) return static_cast<unsigned char>(buf_[pos_++]);
    if (i_ >= raw_.size()) return -1;
    if (!escaped_ || raw_[i_] != '\\') return static_cast<unsigned char>(raw_[i_++]);
    len_ = decode_escape(raw_, i_, buf_);
    pos_ = 1;
    return static_cast<unsigned char>(buf_[0]);
  }

 private:
  std::string_view raw_;
  bool escaped_;
  std::size_t i_ = 0;
  char buf_[4] = {};
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

/// Three-way comparison of two validated string bodies after unescaping.
inline int compare_decoded(std::string_view a, bool a_esc, std::string_view b,
                           bool b_esc) noexcept {
  if (!a_esc && !b_esc) return a.compare(b);
  decoded_cursor x(a, a_esc), y(b, b_esc);
  for (;;) {
    const int u = x.next(), v = y.next();
    if (u != v) return u < v ? -1 : 1;
    if (u < 0) return 0;
  }
}

/// The body (between the quotes) of string node `n` in `text`.
inline std::string_view string_body(const char* text, const node& n) noexcept {
  return std::string_view(text + n.begin + 1, n.end - n.begin - 2);
}

class parser;

}  // namespace detail

class document;
class value;

/// A read-only view of one value of a parsed document: a pointer into the tape plus the text.
///
/// Lifetime: valid while the text and the arena holding the document are alive and unchanged.
/// A default-constructed or not-found value is invalid (`valid()` false, every accessor answers
/// `wrong_type`, containers look empty).
class value {
 public:
  /// An invalid value.
  constexpr value() noexcept = default;

  /// True when this names a value of a document.
  [[nodiscard]] constexpr bool valid() const noexcept { return n_ != nullptr; }
  /// Same as `valid()`.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return n_ != nullptr; }

  /// The type (precondition: `valid()`).
  [[nodiscard]] kind type() const noexcept {
    switch (tag()) {
      case detail::tag_null:
        return kind::null;
      case detail::tag_false:
      case detail::tag_true:
        return kind::boolean;
      case detail::tag_number:
        return kind::number;
      case detail::tag_string:
        return kind::string;
      case detail::tag_array:
        return kind::array;
      default:
        return kind::object;
    }
  }
  /// True for `null`.
  [[nodiscard]] bool is_null() const noexcept { return n_ && tag() == detail::tag_null; }
  /// True for `true` and `false`.
  [[nodiscard]] bool is_bool() const noexcept {
    return n_ && (tag() == detail::tag_true || tag() == detail::tag_false);
  }
  /// True for a number.
  [[nodiscard]] bool is_number() const noexcept { return n_ && tag() == detail::tag_number; }
  /// True for a number written without fraction and exponent (`-0` included).
  [[nodiscard]] bool is_integer() const noexcept {
    return is_number() && (n_->meta & detail::integer_flag) != 0;
  }
  /// True for a string.
  [[nodiscard]] bool is_string() const noexcept { return n_ && tag() == detail::tag_string; }
  /// True for an array.
  [[nodiscard]] bool is_array() const noexcept { return n_ && tag() == detail::tag_array; }
  /// True for an object.
  [[nodiscard]] bool is_object() const noexcept { return n_ && tag() == detail::tag_object; }

  /// The bytes of the value in the text (a string's quotes and a container's brackets included).
  [[nodiscard]] source_range range() const noexcept {
    return n_ ? source_range{n_->begin, n_->end} : source_range{};
  }
  /// The value's text exactly as written.
  [[nodiscard]] std::string_view text() const noexcept {
    return n_ ? std::string_view(text_ + n_->begin, n_->end - n_->begin) : std::string_view();
  }

  /// The boolean.
  [[nodiscard]] result<bool> get_bool() const noexcept {
    if (!is_bool()) return {false, errc::wrong_type};
    return {tag() == detail::tag_true, errc::ok};
  }

  /// The number as int64: only integers (no fraction or exponent: `1.0` and `1e3` are
  /// `not_an_integer`, as in Go's `encoding/json`); beyond int64 is `out_of_range`. `-0` is 0.
  [[nodiscard]] result<std::int64_t> get_int64() const noexcept {
    bool neg = false;
    std::uint64_t mag = 0;
    const errc e = magnitude(neg, mag);
    if (e != errc::ok) return {0, e};
    constexpr std::uint64_t max =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!neg) {
      if (mag > max) return {0, errc::out_of_range};
      return {static_cast<std::int64_t>(mag), errc::ok};
    }
    if (mag > max + 1) return {0, errc::out_of_range};
    if (mag == max + 1) return {std::numeric_limits<std::int64_t>::min(), errc::ok};
    return {-static_cast<std::int64_t>(mag), errc::ok};
  }

  /// The number as uint64: only integers; any negative number (`-0` included, as Go's
  /// `strconv.ParseUint`) and anything above 2^64-1 is `out_of_range`.
  [[nodiscard]] result<std::uint64_t> get_uint64() const noexcept {
    bool neg = false;
    std::uint64_t mag = 0;
    const errc e = magnitude(neg, mag);
    if (e != errc::ok) return {0, e};
    if (neg) return {0, errc::out_of_range};
    return {mag, errc::ok};
  }

  /// The number as the nearest double (correctly rounded, `std::from_chars`). A magnitude that
  /// rounds beyond the largest double is `out_of_range`; one below the smallest subnormal gives
  /// ±0 (as Go's `strconv.ParseFloat`).
  [[nodiscard]] result<double> get_double() const noexcept {
    if (!is_number()) return {0.0, errc::wrong_type};
    const char* b = text_ + n_->begin;
    const char* e = text_ + n_->end;
    double d = 0.0;
    const auto r = std::from_chars(b, e, d);
    if (r.ec == std::errc()) return {d, errc::ok};
    // out of range: overflow when the first significant digit is at or above 10^0, else underflow
    const bool neg = *b == '-';
    const char* p = neg ? b + 1 : b;
    std::int64_t sci =
        0;  // decimal exponent of the first significant digit, before the exponent part
    bool nonzero = false;
    if (*p != '0') {
      const char* q = p;
      while (q < e && *q >= '0' && *q <= '9') ++q;
      sci = static_cast<std::int64_t>(q - p) - 1;
      nonzero = true;
      p = q;
    } else {
      ++p;
      if (p < e && *p == '.') {
        for (++p; p < e && *p >= '0' && *p <= '9'; ++p) {
          --sci;
          if (*p != '0') {
            nonzero = true;
            break;
          }
        }
      }
    }
    while (p < e && *p != 'e' && *p != 'E') ++p;
    std::int64_t exp = 0;
    if (p < e) {
      ++p;
      bool eneg = false;
      if (*p == '+' || *p == '-') eneg = *p++ == '-';
      for (; p < e; ++p) {
        if (exp < 100000000000) exp = exp * 10 + (*p - '0');
      }
      if (eneg) exp = -exp;
    }
    if (!nonzero || sci + exp < 0) return {neg ? -0.0 : 0.0, errc::ok};
    return {0.0, errc::out_of_range};
  }

  /// The string body exactly as written between the quotes (escapes not decoded).
  [[nodiscard]] std::string_view raw_string() const noexcept {
    return is_string() ? detail::string_body(text_, *n_) : std::string_view();
  }
  /// True when the string contains escapes (`raw_string()` differs from the unescaped string).
  [[nodiscard]] bool has_escapes() const noexcept {
    return is_string() && (n_->meta & detail::escapes_flag) != 0;
  }

  /// The unescaped string: a view of the text when it has no escapes, else unescaped into
  /// `buffer` (`raw_string().size()` bytes always suffice; fewer give `buffer_too_small`).
  [[nodiscard]] result<std::string_view> get_string(char* buffer,
                                                    std::size_t capacity) const noexcept {
    if (n_ == nullptr ||
        (n_->meta & (detail::tag_mask | detail::escapes_flag)) != detail::tag_string) {
      return get_string_slow(buffer, capacity);
    }
    return {detail::string_body(text_, *n_), errc::ok};
  }

  /// The unescaped string: a view of the text when it has no escapes, else unescaped into text
  /// taken from the back of `storage` (`out_of_storage` when it does not fit).
  [[nodiscard]] result<std::string_view> get_string(arena& storage) const noexcept {
    if (!is_string()) return {{}, errc::wrong_type};
    const std::string_view raw = detail::string_body(text_, *n_);
    if ((n_->meta & detail::escapes_flag) == 0) return {raw, errc::ok};
    const std::size_t size = unescaped_size();
    char* out = storage.make_text(size);
    if (out == nullptr) return {{}, errc::out_of_storage};
    std::size_t o = 0;
    detail::decoded_cursor c(raw);
    for (int b = c.next(); b >= 0; b = c.next()) out[o++] = static_cast<char>(b);
    return {std::string_view(out, o), errc::ok};
  }

  /// Bytes of the unescaped string (0 for non-strings).
  [[nodiscard]] std::size_t unescaped_size() const noexcept {
    if (!is_string()) return 0;
    const std::string_view raw = detail::string_body(text_, *n_);
    if ((n_->meta & detail::escapes_flag) == 0) return raw.size();
    std::size_t n = 0;
    detail::decoded_cursor c(raw);
    while (c.next() >= 0) ++n;
    return n;
  }

  /// True when this is a string whose unescaped content equals `s`.
  [[nodiscard]] bool equals(std::string_view s) const noexcept {
    if (!is_string()) return false;
    return detail::compare_decoded(detail::string_body(text_, *n_),
                                   (n_->meta & detail::escapes_flag) != 0, s, false) == 0;
  }

  /// Number of elements (array) or members (object); 0 otherwise. Walks the container.
  [[nodiscard]] std::size_t size() const noexcept {
    if (!is_array() && !is_object()) return 0;
    std::size_t k = 0;
    for (const detail::node *c = n_ + 1, *e = n_ + n_->span; c < e; c += c->span) ++k;
    return tag() == detail::tag_object ? k / 2 : k;
  }

  /// The first member of an object whose unescaped name equals `key`, else an invalid value.
  [[nodiscard]] value find(std::string_view key) const noexcept { return find_impl(key, false); }
  /// The last member of an object whose unescaped name equals `key` (what Go's `encoding/json`
  /// keeps when a name repeats), else an invalid value.
  [[nodiscard]] value find_last(std::string_view key) const noexcept {
    return find_impl(key, true);
  }

  /// Element `i` of an array, else an invalid value. Walks the array.
  [[nodiscard]] value at(std::size_t i) const noexcept {
    if (!is_array()) return {};
    for (const detail::node *c = n_ + 1, *e = n_ + n_->span; c < e; c += c->span, --i) {
      if (i == 0) return value(text_, c);
    }
    return {};
  }

  /// Iterates the elements of an array in document order (empty for anything else).
  class element_range;
  /// Iterates the members of an object in document order (empty for anything else).
  class member_range;
  /// The elements of an array.
  [[nodiscard]] element_range elements() const noexcept;
  /// The members of an object.
  [[nodiscard]] member_range members() const noexcept;

  /// Same value of the same document.
  [[nodiscard]] friend bool operator==(const value& a, const value& b) noexcept {
    return a.n_ == b.n_;
  }
  /// Different values.
  [[nodiscard]] friend bool operator!=(const value& a, const value& b) noexcept {
    return a.n_ != b.n_;
  }

 private:
  friend class document;
  constexpr value(const char* text, const detail::node* n) noexcept : text_(text), n_(n) {}
  [[nodiscard]] std::uint32_t tag() const noexcept { return n_->meta & detail::tag_mask; }
  [[nodiscard]] value find_impl(std::string_view key, bool last) const noexcept;

  result<std::string_view> get_string_slow(char* buffer, std::size_t capacity) const noexcept {
    if (!is_string()) return {{}, errc::wrong_type};
    const std::string_view raw = detail::string_body(text_, *n_);
    if (capacity >= raw.size())
      return {std::string_view(buffer, detail::unescape(raw, buffer)), errc::ok};
    if (unescaped_size() > capacity) return {{}, errc::buffer_too_small};
    std::size_t o = 0;  // a buffer smaller than the raw body but large enough: decode byte by byte
    detail::decoded_cursor c(raw);
    for (int b = c.next(); b >= 0; b = c.next()) buffer[o++] = static_cast<char>(b);
    return {std::string_view(buffer, o), errc::ok};
  }

  errc magnitude(bool& neg, std::uint64_t& mag) const noexcept {
    if (!is_number()) return errc::wrong_type;
    if ((n_->meta & detail::integer_flag) == 0) return errc::not_an_integer;
    const char* p = text_ + n_->begin;
    const char* e = text_ + n_->end;
    neg = *p == '-';
    if (neg) ++p;
    std::uint64_t v = 0;
    for (; p < e; ++p) {
      const auto d = static_cast<std::uint64_t>(*p - '0');
      if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return errc::out_of_range;
      v = v * 10 + d;
    }
    mag = v;
    return errc::ok;
  }

  const char* text_ = nullptr;
  const detail::node* n_ = nullptr;
};

/// A member of an object: its name (a string value) and its value.
struct member {
  json::value key;  ///< the member name (a string: `raw_string()`, `get_string`, `equals`)
  json::value val;  ///< the member value
};

/// The elements of an array, as a forward range of `value`.
class value::element_range {
 public:
  /// Forward iterator over the elements.
  class iterator {
   public:
    /// Iterator traits.
    using value_type = json::value;
    /// Iterator traits.
    using difference_type = std::ptrdiff_t;
    /// The element.
    [[nodiscard]] json::value operator*() const noexcept { return json::value(text_, c_); }
    /// Advances to the next element.
    iterator& operator++() noexcept {
      c_ += c_->span;
      return *this;
    }
    /// Same position.
    [[nodiscard]] bool operator==(const iterator& o) const noexcept { return c_ == o.c_; }
    /// Different position.
    [[nodiscard]] bool operator!=(const iterator& o) const noexcept { return c_ != o.c_; }

   private:
    friend class element_range;
    iterator(const char* text, const detail::node* c) noexcept : text_(text), c_(c) {}
    const char* text_;
    const detail::node* c_;
  };
  /// First element.
  [[nodiscard]] iterator begin() const noexcept { return {text_, b_}; }
  /// Past the last element.
  [[nodiscard]] iterator end() const noexcept { return {text_, e_}; }

 private:
  friend class json::value;
  element_range(const char* text, const detail::node* b, const detail::node* e) noexcept
      : text_(text), b_(b), e_(e) {}
  const char* text_;
  const detail::node* b_;
  const detail::node* e_;
};

/// The members of an object, as a forward range of `member`.
class value::member_range {
 public:
  /// Forward iterator over the members.
  class iterator {
   public:
    /// Iterator traits.
    using value_type = json::member;
    /// Iterator traits.
    using difference_type = std::ptrdiff_t;
    /// The member.
    [[nodiscard]] json::member operator*() const noexcept {
      return {json::value(text_, c_), json::value(text_, c_ + 1)};
    }
    /// Advances to the next member.
    iterator& operator++() noexcept {
      c_ += 1 + c_[1].span;
      return *this;
    }
    /// Same position.
    [[nodiscard]] bool operator==(const iterator& o) const noexcept { return c_ == o.c_; }
    /// Different position.
    [[nodiscard]] bool operator!=(const iterator& o) const noexcept { return c_ != o.c_; }

   private:
    friend class member_range;
    iterator(const char* text, const detail::node* c) noexcept : text_(text), c_(c) {}
    const char* text_;
    const detail::node* c_;
  };
  /// First member.
  [[nodiscard]] iterator begin() const noexcept { return {text_, b_}; }
  /// Past the last member.
  [[nodiscard]] iterator end() const noexcept { return {text_, e_}; }

 private:
  friend class json::value;
  member_range(const char* text, const detail::node* b, const detail::node* e) noexcept
      : text_(text), b_(b), e_(e) {}
  const char* text_;
  const detail::node* b_;
  const detail::node* e_;
};

inline value::element_range value::elements() const noexcept {
  if (!is_array()) return {text_, nullptr, nullptr};
  return {text_, n_ + 1, n_ + n_->span};
}

inline value::member_range value::members() const noexcept {
  if (!is_object()) return {text_, nullptr, nullptr};
  return {text_, n_ + 1, n_ + n_->span};
}

inline value value::find_impl(std::string_view key, bool last) const noexcept {
  if (!is_object()) return {};
  value found;
  for (const detail::node *c = n_ + 1, *e = n_ + n_->span; c < e; c += 1 + c[1].span) {
    const std::string_view body = detail::string_body(text_, *c);
    const bool match = (c->meta & detail::escapes_flag) == 0
                           ? body == key
                           : detail::compare_decoded(body, true, key, false) == 0;
    if (match) {
      found = value(text_, c + 1);
      if (!last) break;
    }
  }
  return found;
}

/// Writes one JSON Pointer reference token for the member name `key_body` (a validated string
/// body, unescaped on the fly when `escaped`): `~` becomes `~0`, `/` becomes `~1`.
template <class Sink>
void write_pointer_token(std::string_view key_body, bool escaped, Sink&& sink) {
  char buf[64];
  std::size_t n = 0;
  auto put = [&](char c) {
    if (n == sizeof buf) {
      sink(std::string_view(buf, n));
      n = 0;
    }
    buf[n++] = c;
  };
  detail::decoded_cursor c(key_body, escaped);
  for (;;) {
    const int b = c.next();
    if (b < 0) break;
    if (b == '~') {
      put('~');
      put('0');
    } else if (b == '/') {
      put('~');
      put('1');
    } else {
      put(static_cast<char>(b));
    }
  }
  if (n != 0) sink(std::string_view(buf, n));
}

/// A parsed JSON text: the tape in the arena, the root value, or the first error.
///
/// Lifetime: refers to the text and to the arena; keep both alive and unchanged.
class document {
 public:
  /// An empty, failed document (code `unexpected_end`).
  constexpr document() noexcept = default;

  /// True when the text parsed.
  [[nodiscard]] constexpr bool ok() const noexcept { return error_.code == errc::ok; }
  /// The error that stopped parsing (code `ok` when none).
  [[nodiscard]] constexpr const parse_error& error() const noexcept { return error_; }
  /// The top-level value (invalid when `!ok()`).
  [[nodiscard]] value root() const noexcept {
    return ok() && count_ != 0 ? value(text_.data(), tape_) : value();
  }
  /// The parsed text.
  [[nodiscard]] constexpr std::string_view text() const noexcept { return text_; }
  /// Tape nodes written (a partial tape on error).
  [[nodiscard]] constexpr std::size_t node_count() const noexcept { return count_; }

  /// The line:column of byte `offset` (one pass over the text up to it).
  [[nodiscard]] source_position locate(std::uint32_t offset) const noexcept {
    source_locator loc(text_);
    return loc.locate(offset);
  }
  /// The line:column of the first byte of `v` (its opening quote or bracket).
  [[nodiscard]] source_position locate(value v) const noexcept { return locate(v.range().begin); }

  /// Sets `key` to the member name of `v` when `v` is the value of an object member (or is a
  /// member name itself); false for the root, array elements and invalid values.
  [[nodiscard]] bool key_of(value v, value& key) const noexcept {
    const std::uint32_t t = index_of(v);
    if (t == npos || t == 0) return false;
    if ((tape_[t].meta & detail::key_flag) != 0) {
      key = v;
      return true;
    }
    if ((tape_[t - 1].meta & detail::key_flag) == 0) return false;
    // a subtree never ends with a member name, so a name just before `v` is `v`'s own
    key = value(text_.data(), tape_ + t - 1);
    return true;
  }

  /// Writes the JSON Pointer (RFC 6901) of `v` to `sink`: `""` for the root, `/a/0/b~1c` below it.
  /// For a member name, the pointer of its value. Walks from the root (O(depth x width)).
  template <class Sink>
  void write_pointer(value v, Sink&& sink) const {
    write_pointer_index(index_of(v), sink);
  }

  /// Writes the JSON Pointer of the value the error occurred in (see `parse_error::slot`).
  template <class Sink>
  void write_error_pointer(Sink&& sink) const {
    if (error_.container == npos || error_.container >= count_) return;
    write_pointer_index(error_.container, sink);
    if (error_.slot == npos) return;
    if ((tape_[error_.container].meta & detail::tag_mask) == detail::tag_array) {
      write_index_token(error_.slot, sink);
    } else if (error_.slot < count_) {
      const detail::node& k = tape_[error_.slot];
      sink(std::string_view("/"));
      write_pointer_token(detail::string_body(text_.data(), k),
                          (k.meta & detail::escapes_flag) != 0, sink);
    }
  }

 private:
  friend class detail::parser;

  [[nodiscard]] std::uint32_t index_of(value v) const noexcept {
    if (v.n_ == nullptr || v.n_ < tape_ || v.n_ >= tape_ + count_) return npos;
    return static_cast<std::uint32_t>(v.n_ - tape_);
  }

  template <class Sink>
  static void write_index_token(std::uint32_t i, Sink&& sink) {
    char buf[16];
    buf[0] = '/';
    const auto r = std::to_chars(buf + 1, buf + sizeof buf, i);
    sink(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  }

  template <class Sink>
  void write_pointer_index(std::uint32_t t, Sink&& sink) const {
    if (t == npos) return;
    std::uint32_t cur = 0;
    while (cur != t) {
      const detail::node& c = tape_[cur];
      const std::uint32_t end = cur + c.span;
      if ((c.meta & detail::tag_mask) == detail::tag_array) {
        std::uint32_t i = 0, k = cur + 1;
        while (k < end && k + tape_[k].span <= t) {
          k += tape_[k].span;
          ++i;
        }
        if (k >= end) return;  // not reachable for a node of this document
        write_index_token(i, sink);
        cur = k;
      } else if ((c.meta & detail::tag_mask) == detail::tag_object) {
        std::uint32_t k = cur + 1;
        while (k + 1 < end && k + 1 + tape_[k + 1].span <= t) k += 1 + tape_[k + 1].span;
        if (k >= end) return;
        const detail::node& key = tape_[k];
        sink(std::string_view("/"));
        write_pointer_token(detail::string_body(text_.data(), key),
                            (key.meta & detail::escapes_flag) != 0, sink);
        if (t == k || k + 1 >= end) return;  // a member name: the pointer of its value
        cur = k + 1;
      } else {
        return;
      }
    }
  }

  std::string_view text_;
  const detail::node* tape_ = nullptr;
  std::uint32_t count_ = 0;
  parse_error error_{errc::unexpected_end, 0, {1, 1}, npos, npos};
};

/// The JSON Pointer of `v` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string pointer(const document& doc, value v) {
  std::string out;
  doc.write_pointer(v, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

/// The JSON Pointer of the value `doc`'s error occurred in, as a `std::string` (convenience;
/// allocates).
[[nodiscard]] inline std::string error_pointer(const document& doc) {
  std::string out;
  doc.write_error_pointer([&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

/// Upper bound of the arena bytes `parse(text, storage, opts)` needs, whatever the text holds:
/// `16 * ((size + 1) / 2 + min(max_depth, size) + 2)` bytes for the tape (16 bytes per value or
/// member name), plus, with `reject_duplicate_keys`, 4 bytes per possible member of the largest
/// object (scratch space given back after use) and alignment slack.
[[nodiscard]] constexpr std::size_t storage_hint(std::string_view text,
                                                 const options& opts = {}) noexcept {
  const std::size_t n = text.size();
  const std::size_t depth = opts.max_depth < n ? opts.max_depth : n;
  const std::size_t nodes = (n + 1) / 2 + depth + 2;
  std::size_t bytes = nodes * sizeof(detail::node) + alignof(detail::node);
  if (opts.reject_duplicate_keys)
    bytes += (nodes / 2 + 1) * sizeof(std::uint32_t) + alignof(std::uint32_t);
  return bytes;
}

namespace detail {

/// The single-pass validating tokenizer behind `json::parse`.
class parser {
 public:
  static document run(std::string_view text, arena& storage, const options& opts) noexcept {
    document doc;
    doc.text_ = text;
    doc.error_ = parse_error{};
    if (text.size() >= 0xFFFFFFFFu) {
      doc.error_ = parse_error{errc::input_too_large, 0, {1, 1}, npos, npos};
      return doc;
    }
    // take every whole node the arena can give; the unused tail is given back at the end
    std::size_t cap = storage.available() / sizeof(node);
    node* tape = nullptr;
    while (cap != 0 && (tape = storage.make_records<node>(cap)) == nullptr) --cap;
    if (cap > 0xFFFFFFF0u) {
      storage.drop_records<node>(cap - 0xFFFFFFF0u);
      cap = 0xFFFFFFF0u;
    }
    parser p(text, tape, static_cast<std::uint32_t>(cap), opts);
    p.parse();
    storage.drop_records<node>(cap - p.count_);
    if (p.err_.code == errc::ok && opts.reject_duplicate_keys) p.check_duplicates(storage);
    doc.tape_ = tape;
    doc.count_ = p.count_;
    doc.error_ = p.err_;
    if (doc.error_.code != errc::ok) {
      doc.error_.position = doc.locate(doc.error_.offset);
      // the partial tape stays readable through write_error_pointer only
    }
    return doc;
  }

 private:
  parser(std::string_view text, node* tape, std::uint32_t cap, const options& opts) noexcept
      : b_(reinterpret_cast<const unsigned char*>(text.data())),
        p_(b_),
        e_(b_ + text.size()),
        tape_(tape),
        cap_(cap),
        opts_(opts) {}

  std::uint32_t off(const unsigned char* p) const noexcept {
    return static_cast<std::uint32_t>(p - b_);
  }

  bool fail(errc code, const unsigned char* at) noexcept {
    err_.code = code;
    err_.offset = off(at);
    err_.container = cur_;
    err_.slot = slot_;
    return false;
  }

  bool push(std::uint32_t begin, std::uint32_t end, std::uint32_t meta,
            const unsigned char* at) noexcept {
    if (count_ == cap_) return fail(errc::out_of_storage, at);
    tape_[count_++] = node{begin, end, 1, meta};
    return true;
  }

  void skip_ws() noexcept {
    while (p_ < e_ && is_ws(*p_)) {
      ++p_;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      // indentation: skip runs of spaces eight at a time
      while (e_ - p_ >= 8) {
        std::uint64_t x;
        std::memcpy(&x, p_, 8);
        x ^= 0x2020202020202020ull;
        if (x != 0) {
          p_ += __builtin_ctzll(x) >> 3;
          break;
        }
        p_ += 8;
      }
#endif
    }
  }

  // Scans the string whose opening quote is at p_; pushes its node.
  bool string(std::uint32_t extra) noexcept {
    const unsigned char* start = p_;
    const unsigned char* p = p_ + 1;
    std::uint32_t flags = extra;
    for (;;) {
      p = skip_plain(p, e_);
      if (p == e_) return fail(errc::unexpected_end, p);
      const unsigned char c = *p;
      if (c == '"') break;
      if (c == '\\') {
        flags |= escapes_flag;
        if (e_ - p < 2) return fail(errc::unexpected_end, e_);
        switch (p[1]) {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            p += 2;
            continue;
          case 'u':
            break;
          default:
            return fail(errc::invalid_escape, p);
        }
        if (e_ - p < 6)
          return fail(hex_tail_ok(p + 2) ? errc::unexpected_end : errc::invalid_escape, p);
        const std::int32_t cp = hex4(p + 2);
        if (cp < 0) return fail(errc::invalid_escape, p);
        if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(errc::invalid_surrogate, p);
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // a low surrogate escape must follow
          if ((e_ - p > 6 && p[6] != '\\') || (e_ - p > 7 && p[7] != 'u'))
            return fail(errc::invalid_surrogate, p);
          if (e_ - p < 12)
            return fail(hex_tail_ok(p + 8) ? errc::unexpected_end : errc::invalid_escape, p + 6);
          const std::int32_t lo = hex4(p + 8);
          if (lo < 0) return fail(errc::invalid_escape, p + 6);
          if (lo < 0xDC00 || lo > 0xDFFF) return fail(errc::invalid_surrogate, p);
          p += 12;
          continue;
        }
        p += 6;
        continue;
      }
      if (c < 0x20) return fail(errc::control_character, p);
      if (c >= 0x80) {
        const std::size_t n = utf8_sequence(p, e_);
        if (n == 0) return fail(errc::invalid_utf8, p);
        p += n;
        continue;
      }
      ++p;
    }
    p_ = p + 1;
    return push(off(start), off(p_), tag_string | flags, start);
  }

  // True when the bytes from `p` to the end are all hex digits (a truncated escape).
  bool hex_tail_ok(const unsigned char* p) const noexcept {
    for (; p < e_; ++p) {
      if (hex_value(*p) < 0) return false;
    }
    return true;
  }

  bool number() noexcept {
    const unsigned char* start = p_;
    const unsigned char* p = p_;
    std::uint32_t flags = integer_flag;
    if (*p == '-') {
      flags |= negative_flag;
      ++p;
    }
    if (p == e_) return fail(errc::unexpected_end, p);
    if (*p == '0') {
      ++p;
      if (p < e_ && is_digit(*p)) return fail(errc::invalid_number, p);
    } else if (is_digit(*p)) {
      while (p < e_ && is_digit(*p)) ++p;
    } else {
      return fail(errc::invalid_number, p);
    }
    if (p < e_ && *p == '.') {
      flags &= ~static_cast<std::uint32_t>(integer_flag);
      ++p;
      if (p == e_) return fail(errc::unexpected_end, p);
      if (!is_digit(*p)) return fail(errc::invalid_number, p);
      while (p < e_ && is_digit(*p)) ++p;
    }
    if (p < e_ && (*p == 'e' || *p == 'E')) {
      flags &= ~static_cast<std::uint32_t>(integer_flag);
      ++p;
      if (p < e_ && (*p == '+' || *p == '-')) ++p;
      if (p == e_) return fail(errc::unexpected_end, p);
      if (!is_digit(*p)) return fail(errc::invalid_number, p);
      while (p < e_ && is_digit(*p)) ++p;
    }
    p_ = p;
    return push(off(start), off(p), tag_number | flags, start);
  }

  bool literal(std::string_view word, std::uint32_t tag) noexcept {
    const unsigned char* start = p_;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (p_ + i == e_) return fail(errc::unexpected_end, e_);
      if (p_[i] != static_cast<unsigned char>(word[i])) return fail(errc::invalid_literal, start);
    }
    p_ += word.size();
    return push(off(start), off(p_), tag, start);
  }

  // Reads `"key" :` with the whitespace around it; the key node becomes the slot.
  bool key() noexcept {
    skip_ws();
    if (p_ == e_) return fail(errc::unexpected_end, p_);
    if (*p_ != '"') return fail(errc::unexpected_character, p_);
    if (!string(key_flag)) return false;
    slot_ = count_ - 1;
    skip_ws();
    if (p_ == e_) return fail(errc::unexpected_end, p_);
    if (*p_ != ':') return fail(errc::unexpected_character, p_);
    ++p_;
    return true;
  }

  // Closes the container `cur_` at the bracket p_ points to.
  void close() noexcept {
    node& c = tape_[cur_];
    const std::uint32_t parent = c.span;
    c.span = count_ - cur_;
    c.end = off(p_) + 1;
    ++p_;
    --depth_;
    cur_ = parent;
    in_array_ = cur_ != npos && (tape_[cur_].meta & tag_mask) == tag_array;
  }

  void parse() noexcept {
    if (e_ - p_ >= 3 && p_[0] == 0xEF && p_[1] == 0xBB && p_[2] == 0xBF) {
      if (!opts_.allow_bom) {
        fail(errc::byte_order_mark, p_);
        return;
      }
      p_ += 3;
    }
    for (;;) {
      // a value is due at p_
      skip_ws();
      if (p_ == e_) {
        fail(errc::unexpected_end, p_);
        break;
      }
      bool ok;
      switch (*p_) {
        case '{':
        case '[': {
          const bool arr = *p_ == '[';
          if (depth_ >= opts_.max_depth) {
            fail(errc::too_deep, p_);
            return finish_error();
          }
          if (!push(off(p_), 0, arr ? tag_array : tag_object, p_)) return finish_error();
          tape_[count_ - 1].span = cur_;  // parent link while open
          cur_ = count_ - 1;
          slot_ = npos;
          in_array_ = arr;
          ++depth_;
          ++p_;
          skip_ws();
          if (p_ < e_ && *p_ == (arr ? ']' : '}')) {
            close();
            ok = true;
            break;
          }
          if (arr) {
            slot_ = 0;
            tape_[cur_].end = 1;  // elements started so far
            continue;
          }
          if (!key()) return finish_error();
          continue;
        }
        case '"':
          ok = string(0);
          break;
        case 't':
          ok = literal("true", tag_true);
          break;
        case 'f':
          ok = literal("false", tag_false);
          break;
        case 'n':
          ok = literal("null", tag_null);
          break;
        default:
          if (*p_ == '-' || is_digit(*p_)) {
            ok = number();
          } else {
            ok = fail(errc::unexpected_character, p_);
          }
          break;
      }
      if (!ok) return finish_error();
      // a value is complete: separators and closing brackets
      for (;;) {
        slot_ = npos;
        skip_ws();
        if (cur_ == npos) {
          if (p_ != e_) {
            fail(errc::trailing_content, p_);
            return finish_error();
          }
          return;
        }
        if (p_ == e_) {
          fail(errc::unexpected_end, p_);
          return finish_error();
        }
        const unsigned char c = *p_;
        if (c == ',') {
          ++p_;
          if (in_array_) {
            slot_ = tape_[cur_].end++;
          } else if (!key()) {
            return finish_error();
          }
          break;
        }
        if (c == (in_array_ ? ']' : '}')) {
          close();
          continue;
        }
        fail(errc::unexpected_character, p_);
        return finish_error();
      }
    }
    finish_error();
  }

  // Closes every open container at the error offset so that the partial tape can be walked.
  void finish_error() noexcept {
    while (cur_ != npos) {
      node& c = tape_[cur_];
      const std::uint32_t parent = c.span;
      c.span = count_ - cur_;
      c.end = err_.offset;
      cur_ = parent;
    }
  }

  bool key_less(std::uint32_t a, std::uint32_t b) const noexcept {
    const char* t = reinterpret_cast<const char*>(b_);
    const int r = compare_decoded(string_body(t, tape_[a]), (tape_[a].meta & escapes_flag) != 0,
                                  string_body(t, tape_[b]), (tape_[b].meta & escapes_flag) != 0);
    return r < 0 || (r == 0 && a < b);
  }

  bool key_equal(std::uint32_t a, std::uint32_t b) const noexcept {
    const char* t = reinterpret_cast<const char*>(b_);
    return compare_decoded(string_body(t, tape_[a]), (tape_[a].meta & escapes_flag) != 0,
                           string_body(t, tape_[b]), (tape_[b].meta & escapes_flag) != 0) == 0;
  }

  // Reports the repeated member name that comes first in the text (its second occurrence).
  void check_duplicates(arena& storage) noexcept {
    std::uint32_t best = npos, best_obj = npos;
    for (std::uint32_t i = 0; i < count_; ++i) {
      if ((tape_[i].meta & tag_mask) != tag_object) continue;
      const std::uint32_t end = i + tape_[i].span;
      std::uint32_t k = 0;
      for (std::uint32_t c = i + 1; c < end; c += 1 + tape_[c + 1].span) ++k;
      if (k < 2) continue;
      if (k <= 16) {
        std::uint32_t keys[16];
        std::uint32_t m = 0;
        for (std::uint32_t c = i + 1; c < end; c += 1 + tape_[c + 1].span) keys[m++] = c;
        for (std::uint32_t b = 1; b < m && keys[b] < best; ++b) {
          for (std::uint32_t a = 0; a < b; ++a) {
            if (key_equal(keys[a], keys[b])) {
              best = keys[b];
              best_obj = i;
              break;
            }
          }
        }
        continue;
      }
      std::uint32_t* keys = storage.make_records<std::uint32_t>(k);
      if (keys == nullptr) {
        err_ = parse_error{errc::out_of_storage, tape_[i].begin, {}, i, npos};
        return;
      }
      std::uint32_t m = 0;
      for (std::uint32_t c = i + 1; c < end; c += 1 + tape_[c + 1].span) keys[m++] = c;
      std::sort(keys, keys + m,
                [this](std::uint32_t a, std::uint32_t b) { return key_less(a, b); });
      for (std::uint32_t j = 1; j < m; ++j) {
        if (keys[j] < best && key_equal(keys[j - 1], keys[j]) &&
            (j < 2 || !key_equal(keys[j - 2], keys[j]))) {
          best = keys[j];
          best_obj = i;
        }
      }
      storage.drop_records<std::uint32_t>(k);
    }
    if (best != npos)
      err_ = parse_error{errc::duplicate_key, tape_[best].begin, {}, best_obj, best};
  }

  const unsigned char* b_;
  const unsigned char* p_;
  const unsigned char* e_;
  node* tape_;
  std::uint32_t cap_;
  std::uint32_t count_ = 0;
  std::uint32_t cur_ = npos;   // innermost open container
  std::uint32_t slot_ = npos;  // what is being parsed in it (see parse_error::slot)
  std::uint32_t depth_ = 0;
  bool in_array_ = false;
  const options& opts_;
  parse_error err_;
};

}  // namespace detail

/// Parses `text` (RFC 8259, the policy in this file's header) into a tape in `storage`.
///
/// Allocates nothing and never recurses; one pass over the text (plus a pass over the tape with
/// `reject_duplicate_keys`). With `storage_hint(text, opts)` bytes available, `out_of_storage`
/// cannot happen. On error the document keeps the partial tape for `write_error_pointer`.
/// @warning the document refers to `text` and `storage`; keep both alive and unchanged.
[[nodiscard]] inline document parse(std::string_view text DOCKIMG_LIFETIMEBOUND,
                                    arena& storage DOCKIMG_LIFETIMEBOUND,
                                    const options& opts = {}) noexcept {
  return detail::parser::run(text, storage, opts);
}

/// Parsing a temporary `std::string` would leave the document dangling: rejected at compile time.
template <class S, std::enable_if_t<std::is_same_v<S, std::string>, int> = 0>
document parse(S&& text, arena& storage, const options& opts = {}) = delete;

}  // namespace json

DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_JSON_HPP

// SPDX-License-Identifier: Apache-2.0
/// @file detail/go_json.hpp
/// @brief The exec-form ("JSON array") decision of BuildKit's Dockerfile parser. Internal.
///
/// BuildKit decides whether the arguments of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `COPY`, `ADD`,
/// `VOLUME` and `HEALTHCHECK CMD` are in exec form by handing the text to Go's
/// `encoding/json.Unmarshal(text, &[]any)` (`parseJSON` in
/// `frontend/dockerfile/parser/line_parsers.go`). This header reproduces that decision and the
/// decoded strings byte for byte, without allocating, without recursion and without exceptions:
///
/// * Go's scanner is strict RFC 8259: whitespace is only space, TAB, LF and CR; no trailing commas,
///   no single quotes, only the escapes `\" \\ \/ \b \f \n \r \t \uXXXX`, no raw byte below 0x20
///   inside a string, nothing but whitespace after the top-level value, and at most 10000 nested
///   arrays/objects.
/// * Every number anywhere in the document goes through `strconv.ParseFloat(s, 64)`; an
///   out-of-range result (overflow to ±Inf) is an `UnmarshalTypeError`, which Go reports after
///   decoding the rest.
/// * Strings are decoded as Go's `unquoteBytes` does: surrogate pairs combine, any other surrogate
///   escape becomes U+FFFD, and each byte of an invalid UTF-8 sequence becomes one U+FFFD.
///
/// The same machinery answers `DetectSyntax`'s JSON form, `json.Unmarshal(text, &map[string]any{})`
/// followed by a lookup of `"syntax"` (`find_json_object_string_member`).
#ifndef DOCKIMG_DETAIL_GO_JSON_HPP
#define DOCKIMG_DETAIL_GO_JSON_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../config.hpp"
#include "unicode.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace detail {

/// The outcome of `parse_json_string_array`.
enum class json_array_status : std::uint8_t {
  ok,                ///< valid JSON, every top-level element a string: exec form
  not_json,          ///< Go's `json.Unmarshal` fails: BuildKit silently falls back to shell form
  not_string_array,  ///< valid JSON, a top-level element not a string: BuildKit's hard parse error
  no_space,          ///< the text is exec form, but `buf`/`out` were too small to hold the result
};

/// One decoded element of an exec-form array.
struct json_string {
  std::string_view value;   ///< the decoded string: a view into the input text or into `buf`
  std::uint32_t raw_begin;  ///< offset of the opening quote within the input text
  std::uint32_t raw_end;    ///< offset one past the closing quote within the input text
};

/// Go's `encoding/json` nesting limit (`maxNestingDepth`): 10000 open arrays/objects are accepted
/// (the top-level array counts as one), the 10001st is a syntax error.
inline constexpr std::size_t go_json_max_depth = 10000;

/// Internals of `parse_json_string_array` and `find_json_object_string_member`.
namespace go_json {

/// `2^1024 - 2^970` in decimal (309 digits): the smallest magnitude that
/// `strconv.ParseFloat(s, 64)` rounds to infinity (it is the midpoint between the largest double
/// and 2^1024, and ties round to the even neighbour 2^1024).
inline constexpr std::string_view float64_overflow_digits =
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977"
    "587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845"
    "817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559"
    "699508093042880177904174497792";

/// JSON whitespace as Go's scanner knows it (`isSpace`): space, TAB, LF, CR only.
[[nodiscard]] constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Whether `c` is an ASCII decimal digit.
[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// The value of a hexadecimal digit, or -1.
[[nodiscard]] constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The four hex digits at `s[i..i+4)` (the caller has checked they exist and are hex).
[[nodiscard]] constexpr char32_t hex4(std::string_view s, std::size_t i) noexcept {
  char32_t r = 0;
  for (std::size_t k = 0; k < 4; ++k) r = r * 16 + static_cast<char32_t>(hex_value(s[i + k]));
  return r;
}

/// Whether `s[i..i+4)` are four hex digits.
[[nodiscard]] constexpr bool is_hex4(std::string_view s, std::size_t i) noexcept {
  if (i > s.size() || s.size() - i < 4) return false;
  for (std::size_t k = 0; k < 4; ++k) {
    if (hex_value(s[i + k]) < 0) return false;
  }
  return true;
}

/// What `scan_number` found.
struct number_scan {
  std::size_t end;  ///< offset one past the token (meaningful only when `valid`)
  bool valid;       ///< the JSON number grammar matched
  bool overflow;    ///< `strconv.ParseFloat(token, 64)` would report ErrRange (±Inf)
};

/// Scans the JSON number starting at `s[i]` (Go's scanner states `stateNeg` … `stateE0`) and
/// decides whether `strconv.ParseFloat` overflows on it.
///
/// ParseFloat's result is correctly rounded, except for two quirks of its exact ("decimal") path
/// that this function reproduces: an exponent is read only until its value reaches 10000
/// (`e < 10000`), and the decimal point of a mantissa with more than 800 significant digits before
/// it is placed after the 800th digit. Its fast paths (exact float arithmetic, Eisel-Lemire) never
/// succeed on a value that the exact path would call an overflow, so the decision reduces to: with
/// the significant digits `D` and the decimal-point position `dp` that Go's `decimal.set` computes,
/// the value `0.D × 10^dp` overflows iff it is at least `float64_overflow_digits` (309 digits),
/// compared digit by digit.
[[nodiscard]] constexpr number_scan scan_number(std::string_view s, std::size_t i) noexcept {
  const std::size_t n = s.size();
  number_scan res{i, false, false};
  if (i < n && s[i] == '-') ++i;
  if (i >= n || !is_digit(s[i])) return res;
  const std::size_t int_begin = i;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(s[i])) ++i;
  }
  const std::size_t int_end = i;
  std::size_t frac_begin = i;
  std::size_t frac_end = i;
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !is_digit(s[i])) return res;
    frac_begin = i;
    while (i < n && is_digit(s[i])) ++i;
    frac_end = i;
  }
  bool exp_negative = false;
  std::int64_t exp_value = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    if (i >= n || !is_digit(s[i])) return res;
    while (i < n && is_digit(s[i])) {
      if (exp_value < 10000) exp_value = exp_value * 10 + (s[i] - '0');  // Go's saturation
      ++i;
    }
  }
  res.end = i;
  res.valid = true;

  // Significant digits D (from the first non-zero digit on) and Go's decimal-point position dp.
  std::int64_t dp = 0;
  std::size_t digit_begin = 0;  // first significant digit, in the integer or the fraction part
  bool in_int = false;
  if (s[int_begin] != '0') {
    const std::size_t int_digits = int_end - int_begin;
    dp = int_digits > 800 ? 800 : static_cast<std::int64_t>(int_digits);
    digit_begin = int_begin;
    in_int = true;
  } else {
    std::size_t k = frac_begin;
    while (k < frac_end && s[k] == '0') ++k;
    if (k == frac_end) return res;  // zero: never out of range, whatever the exponent
    // Fewer leading zeros than input bytes: the count fits an int64.
    dp = -static_cast<std::int64_t>(k - frac_begin);
    digit_begin = k;
  }
  dp += exp_negative ? -exp_value : exp_value;
  constexpr auto threshold_dp = static_cast<std::int64_t>(float64_overflow_digits.size());
  if (dp != threshold_dp) {
    res.overflow = dp > threshold_dp;
    return res;
  }
  // Same magnitude as the threshold: compare the digits, padding D with zeros.
  std::size_t k = digit_begin;
  for (const char t : float64_overflow_digits) {
    if (in_int && k == int_end) {
      k = frac_begin;
      in_int = false;
    }
    const char d = (!in_int && k >= frac_end) ? '0' : s[k];
    if (d != t) {
      res.overflow = d > t;
      return res;
    }
    if (in_int || k < frac_end) ++k;
  }
  res.overflow = true;  // equal to the threshold in its first 309 digits: at or above it
  return res;
}

/// Whether `token`, a complete JSON number, makes `strconv.ParseFloat(token, 64)` fail with
/// ErrRange. Returns false for text that is not exactly one JSON number.
[[nodiscard]] constexpr bool float64_overflows(std::string_view token) noexcept {
  const number_scan r = scan_number(token, 0);
  return r.valid && r.end == token.size() && r.overflow;
}

/// What `scan_string` found.
struct string_scan {
  std::size_t end;    ///< offset one past the closing quote (meaningful only when `valid`)
  bool valid;         ///< the string is well formed for Go's scanner
  bool needs_decode;  ///< it has an escape or invalid UTF-8: the value differs from the bytes
};

/// Scans the JSON string whose opening quote is `s[i]` (Go's `stateInString` and its escape
/// states).
[[nodiscard]] constexpr string_scan scan_string(std::string_view s, std::size_t i) noexcept {
  const std::size_t n = s.size();
  string_scan res{i, false, false};
  ++i;  // opening quote
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') {
      res.end = i + 1;
      res.valid = true;
      return res;
    }
    if (c == '\\') {
      res.needs_decode = true;
      if (i + 1 >= n) return res;
      switch (s[i + 1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          i += 2;
          break;
        case 'u':
          if (!is_hex4(s, i + 2)) return res;
          i += 6;
          break;
        default:
          return res;
      }
    } else if (c < 0x20) {
      return res;
    } else if (c < 0x80) {
      ++i;
    } else {
      // A closing quote is not a continuation byte, so decoding never reaches past the string.
      const decoded_rune d = decode_rune(s.substr(i));
      if (d.size == 1) res.needs_decode = true;  // invalid byte: becomes U+FFFD
      i += d.size;
    }
  }
  return res;
}

/// A bounded writer over the caller's buffer; it stops writing (and says so) when full.
struct writer {
  char* buf;         ///< the caller's buffer (may be null when `size` is 0)
  std::size_t size;  ///< its capacity
  std::size_t used;  ///< bytes written so far
  bool full;         ///< a write did not fit; nothing more is written

  /// Appends one byte if it fits.
  constexpr void put(char c) noexcept {
    if (full) return;
    if (used >= size) {
      full = true;
      return;
    }
    buf[used++] = c;
  }
};

/// A sink that compares what is "written" to it with an expected string instead of storing it.
struct comparer {
  std::string_view want;  ///< the expected bytes
  std::size_t pos;        ///< bytes compared so far
  bool differs;           ///< a byte differed, or there were too many

  /// Compares one more byte.
  constexpr void put(char c) noexcept {
    if (differs) return;
    if (pos >= want.size() || want[pos] != c) {
      differs = true;
      return;
    }
    ++pos;
  }

  /// Whether everything written equals `want`.
  [[nodiscard]] constexpr bool equal() const noexcept { return !differs && pos == want.size(); }
};

/// Writes the UTF-8 encoding of `r` (Go's `utf8.EncodeRune`) to `sink`.
template <class Sink>
constexpr void put_rune(Sink& sink, char32_t r) noexcept {
  char tmp[4] = {};
  const std::size_t len = encode_rune(r, tmp);
  for (std::size_t k = 0; k < len; ++k) sink.put(tmp[k]);
}

/// Decodes the inside of a JSON string (without its quotes, already validated by `scan_string`)
/// into `sink` exactly as Go's `unquoteBytes`.
template <class Sink>
constexpr void decode_string(std::string_view content, Sink& sink) noexcept {
  std::size_t r = 0;
  const std::size_t n = content.size();
  while (r < n) {
    const auto c = static_cast<unsigned char>(content[r]);
    if (c == '\\') {
      const char e = content[r + 1];
      r += 2;
      switch (e) {
        case 'b':
          sink.put('\b');
          break;
        case 'f':
          sink.put('\f');
          break;
        case 'n':
          sink.put('\n');
          break;
        case 'r':
          sink.put('\r');
          break;
        case 't':
          sink.put('\t');
          break;
        case 'u': {
          char32_t rr = hex4(content, r);
          r += 4;
          if (rr >= 0xD800 && rr < 0xE000) {
            // Go's `utf16.DecodeRune(rr, getu4(rest))`: only a high surrogate followed by an
            // escaped low surrogate forms a pair; otherwise this escape alone becomes U+FFFD.
            if (rr < 0xDC00 && n - r >= 6 && content[r] == '\\' && content[r + 1] == 'u' &&
                is_hex4(content, r + 2)) {
              const char32_t rr1 = hex4(content, r + 2);
              if (rr1 >= 0xDC00 && rr1 < 0xE000) {
                put_rune(sink, 0x10000 + (((rr - 0xD800) << 10) | (rr1 - 0xDC00)));
                r += 6;
                break;
              }
            }
            rr = replacement_char;
          }
          put_rune(sink, rr);
          break;
        }
        default:  // '"', '\\', '/'
          sink.put(e);
          break;
      }
    } else if (c < 0x80) {
      sink.put(static_cast<char>(c));
      ++r;
    } else {
      const decoded_rune d = decode_rune(content.substr(r));
      put_rune(sink, d.rune);
      r += d.size;
    }
  }
}

/// What the walker expects next.
enum class expect : std::uint8_t {
  value_or_close,  ///< after `[`: a value or `]`
  value,           ///< at the start, after `,` in an array or after `:` in an object
  key_or_close,    ///< after `{`: a key string or `}`
  key,             ///< after `,` in an object
  colon,           ///< after an object key
  comma_or_close,  ///< after a value inside a container
};

/// The kind of a JSON value, as reported to a walker's visitor.
enum class value_kind : std::uint8_t {
  string,   ///< a string
  number,   ///< a number (in range: an overflow ends the walk)
  literal,  ///< `true`, `false` or `null`
  array,    ///< an array (reported when it opens)
  object,   ///< an object (reported when it opens)
};

/// Checks the whole of `text` as Go's `json.Unmarshal` does before and while decoding: the
/// scanner's grammar and depth limit, trailing text, and `strconv.ParseFloat` overflow of every
/// number. Returns false if Unmarshal would fail for any of these reasons (type mismatches are the
/// visitor's business).
///
/// The visitor sees every value and object key in document order, without recursion:
/// `vis.value(kind, depth, begin, str)` for each value, where `depth` is the number of containers
/// around it (0 for the top-level value), `begin` its offset and `str` the scan of a string value
/// (unused otherwise); `vis.key(depth, begin, str)` for each object key, `depth` counting the
/// object.
template <class Visitor>
[[nodiscard]] constexpr bool walk(std::string_view text, Visitor& vis) noexcept {
  const std::size_t n = text.size();
  // Bit d set: the container at depth d+1 is an object (clear: an array).
  std::uint64_t kinds[(go_json_max_depth + 63) / 64] = {};
  std::size_t depth = 0;
  std::size_t i = 0;
  expect state = expect::value;
  const auto top_is_object = [&]() noexcept {
    const std::size_t d = depth - 1;
    return ((kinds[d / 64] >> (d % 64)) & 1u) != 0;
  };
  for (;;) {
    while (i < n && is_space(text[i])) ++i;
    if (i >= n) return false;
    const char c = text[i];
    switch (state) {
      case expect::comma_or_close: {
        const bool obj = top_is_object();
        if (c == ',') {
          state = obj ? expect::key : expect::value;
          ++i;
          continue;
        }
        if (c != (obj ? '}' : ']')) return false;
        --depth;
        ++i;
        if (depth == 0) break;
        continue;
      }
      case expect::colon:
        if (c != ':') return false;
        state = expect::value;
        ++i;
        continue;
      case expect::key_or_close:
        if (c == '}') {
          --depth;
          ++i;
          state = expect::comma_or_close;
          if (depth == 0) break;
          continue;
        }
        [[fallthrough]];
      case expect::key: {
        if (c != '"') return false;
        const string_scan s = scan_string(text, i);
        if (!s.valid) return false;
        vis.key(depth, i, s);
        i = s.end;
        state = expect::colon;
        continue;
      }
      case expect::value_or_close:
        if (c == ']') {
          --depth;
          ++i;
          state = expect::comma_or_close;
          if (depth == 0) break;
          continue;
        }
        [[fallthrough]];
      case expect::value: {
        state = expect::comma_or_close;
        switch (c) {
          case '[':
          case '{': {
            if (depth >= go_json_max_depth) return false;
            const bool obj = c == '{';
            vis.value(obj ? value_kind::object : value_kind::array, depth, i, string_scan{});
            const std::uint64_t bit = std::uint64_t{1} << (depth % 64);
            if (obj) {
              kinds[depth / 64] |= bit;
            } else {
              kinds[depth / 64] &= ~bit;
            }
            state = obj ? expect::key_or_close : expect::value_or_close;
            ++depth;
            ++i;
            continue;
          }
          case '"': {
            const string_scan s = scan_string(text, i);
            if (!s.valid) return false;
            vis.value(value_kind::string, depth, i, s);
            i = s.end;
            break;
          }
          case 't':
          case 'f':
          case 'n': {
            const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            if (text.substr(i, word.size()) != word) return false;
            vis.value(value_kind::literal, depth, i, string_scan{});
            i += word.size();
            break;
          }
          default: {
            const number_scan num = scan_number(text, i);
            if (!num.valid) return false;
            // Go saves the range error, keeps decoding, and reports it in the end whatever follows.
            if (num.overflow) return false;
            vis.value(value_kind::number, depth, i, string_scan{});
            i = num.end;
            break;
          }
        }
        if (depth == 0) break;  // a scalar top-level value
        continue;
      }
    }
    break;  // the top-level value is complete
  }
  while (i < n && is_space(text[i])) ++i;
  return i == n;
}

/// The visitor of `parse_json_string_array`: checks and collects the top-level array's elements.
struct array_collector {
  std::string_view text;  ///< the whole input
  writer w;               ///< where decoded strings go
  json_string* out;       ///< the caller's element array
  std::size_t max_out;    ///< its capacity
  std::size_t elements;   ///< top-level strings seen so far
  bool non_string;        ///< a top-level element is not a string
  bool no_space;          ///< an element did not fit

  /// Keys play no part here.
  constexpr void key(std::size_t, std::size_t, const string_scan&) noexcept {}

  /// Records a top-level element.
  constexpr void value(value_kind kind, std::size_t depth, std::size_t begin,
                       const string_scan& s) noexcept {
    if (depth != 1 || non_string) return;
    if (kind != value_kind::string) {
      non_string = true;
      return;
    }
    ++elements;
    if (elements > max_out || static_cast<std::uint64_t>(s.end) > 0xFFFFFFFFu) no_space = true;
    if (no_space) return;
    const std::string_view raw = text.substr(begin + 1, s.end - begin - 2);
    std::string_view decoded = raw;
    if (s.needs_decode) {
      const std::size_t start = w.used;
      decode_string(raw, w);
      if (w.full) {
        no_space = true;
        return;
      }
      decoded = std::string_view(w.buf + start, w.used - start);
    }
    out[elements - 1] =
        json_string{decoded, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(s.end)};
  }
};

/// The visitor of `find_json_object_string_member`: finds the last member named `name` of the
/// top-level object, as decoding into a Go `map[string]any` keeps the last duplicate.
struct member_finder {
  std::string_view text;    ///< the whole input
  std::string_view name;    ///< the member name to find (compared after decoding the keys)
  value_kind top;           ///< the kind of the top-level value
  bool pending;             ///< the key just read is `name`
  bool found;               ///< the last `name` member has a string value ...
  std::size_t value_begin;  ///< ... whose opening quote is here
  string_scan value_scan;   ///< ... and whose scan this is

  /// Notes whether a key of the top-level object is `name`.
  constexpr void key(std::size_t depth, std::size_t begin, const string_scan& s) noexcept {
    if (depth != 1) return;
    comparer cmp{name, 0, false};
    decode_string(text.substr(begin + 1, s.end - begin - 2), cmp);
    pending = cmp.equal();
  }

  /// Records the value of a `name` member.
  constexpr void value(value_kind kind, std::size_t depth, std::size_t begin,
                       const string_scan& s) noexcept {
    if (depth == 0) top = kind;
    if (depth != 1 || !pending) return;
    pending = false;
    found = kind == value_kind::string;
    value_begin = begin;
    value_scan = s;
  }
};

}  // namespace go_json

/// Decides, as BuildKit's `parseJSON` does through Go's `json.Unmarshal(text, &[]any)`, whether
/// `text` is an exec-form argument list, and decodes its strings.
///
/// `text` is the argument text after leading Unicode whitespace was trimmed; if it does not start
/// with `[` the result is `not_json`. A string that needs no decoding is a view into `text`; the
/// others are written one after another into `buf` (`json_buffer_bound(text)` bytes always
/// suffice).
/// @return `ok` with `count` elements written to `out`; `not_json` (shell form; `count` = 0);
///   `not_string_array` (BuildKit's "arrays must be comprised of strings only"; `count` = 0); or
///   `no_space` when the result would be `ok` but `max_out` is below the number of elements, `buf`
///   is too small, or an offset does not fit 32 bits (`count` = the number of elements). Nothing is
///   ever written past `buf + buf_size` or `out + max_out`. Allocates nothing; nesting depth is
///   tracked in a fixed bitset, not by recursion.
[[nodiscard]] constexpr json_array_status parse_json_string_array(std::string_view text, char* buf,
                                                                  std::size_t buf_size,
                                                                  json_string* out,
                                                                  std::size_t max_out,
                                                                  std::size_t& count) noexcept {
  count = 0;
  if (text.empty() || text[0] != '[') return json_array_status::not_json;
  go_json::array_collector vis{
      text, go_json::writer{buf, buf_size, 0, false}, out, max_out, 0, false, false};
  if (!go_json::walk(text, vis)) return json_array_status::not_json;
  if (vis.non_string) return json_array_status::not_string_array;
  count = vis.elements;
  return vis.no_space ? json_array_status::no_space : json_array_status::ok;
}

/// The outcome of `find_json_object_string_member`.
enum class json_member_status : std::uint8_t {
  found,      ///< the member exists and its value is a string
  not_found,  ///< Unmarshal fails, no object, no such member, or its value is no string
  no_space,   ///< found, but its decoded value does not fit the buffer
};

/// BuildKit's JSON form of the syntax directive (`parseDirective` in `parser/directives.go`):
/// `json.Unmarshal(text, &map[string]any{})` must succeed, and the member `name` (the last one if
/// the name repeats; keys compare after decoding) must hold a string, which is decoded into
/// `value`.
///
/// Unmarshal fails on any syntax error, trailing text, nesting over 10000 or number overflow
/// anywhere, and on a top-level value that is not an object (`null` decodes to an empty map: not
/// found). A value that needs no decoding is a view into `text`; otherwise it is written to `buf`
/// (`json_buffer_bound(text)` bytes always suffice). Allocates nothing.
[[nodiscard]] constexpr json_member_status find_json_object_string_member(
    std::string_view text, std::string_view name, char* buf, std::size_t buf_size,
    std::string_view& value) noexcept {
  value = {};
  go_json::member_finder vis{text,  name, go_json::value_kind::literal, false,
                             false, 0,    go_json::string_scan{}};
  if (!go_json::walk(text, vis)) return json_member_status::not_found;
  if (vis.top != go_json::value_kind::object || !vis.found) return json_member_status::not_found;
  const std::size_t begin = vis.value_begin;
  const std::string_view raw = text.substr(begin + 1, vis.value_scan.end - begin - 2);
  if (!vis.value_scan.needs_decode) {
    value = raw;
    return json_member_status::found;
  }
  go_json::writer w{buf, buf_size, 0, false};
  go_json::decode_string(raw, w);
  if (w.full) return json_member_status::no_space;
  value = std::string_view(buf, w.used);
  return json_member_status::found;
}

/// `find_json_object_string_member` without a buffer: true when the member is found and its value
/// needs no decoding (no escape, valid UTF-8). A value that would need decoding gives false, unlike
/// BuildKit; pass a buffer to the overload below to decode it.
[[nodiscard]] constexpr bool json_object_string_member(std::string_view text, std::string_view name,
                                                       std::string_view& value) noexcept {
  return find_json_object_string_member(text, name, nullptr, 0, value) == json_member_status::found;
}

/// `find_json_object_string_member` as a yes/no answer, decoding into `buf` when needed.
[[nodiscard]] constexpr bool json_object_string_member(std::string_view text, std::string_view name,
                                                       std::string_view& value, char* buf,
                                                       std::size_t buf_size) noexcept {
  return find_json_object_string_member(text, name, buf, buf_size, value) ==
         json_member_status::found;
}

/// A `buf` size that always suffices for `text`: decoding at most triples a string (one invalid
/// byte becomes the three bytes of U+FFFD; escapes only shrink).
[[nodiscard]] constexpr std::size_t json_buffer_bound(std::string_view text) noexcept {
  return text.size() > SIZE_MAX / 3 ? SIZE_MAX : 3 * text.size();
}

/// An `out` element count that always suffices for `text`: every element takes at least three bytes
/// (two quotes and a separator), plus the opening bracket.
[[nodiscard]] constexpr std::size_t json_count_bound(std::string_view text) noexcept {
  return text.size() / 3 + 1;
}

}  // namespace detail
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_GO_JSON_HPP

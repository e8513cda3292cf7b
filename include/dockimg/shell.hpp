// SPDX-License-Identifier: Apache-2.0
/// @file shell.hpp
/// @brief BuildKit's shell-word lexer (`frontend/dockerfile/shell/lex.go`): variable expansion
/// (`$name`, `${name}`, `${name:-word}`, `${name#pattern}`, `${name/pattern/replacement}`, ...),
/// quote and escape processing, and word splitting, byte for byte as BuildKit does it.
///
/// Nothing here allocates: results are written into caller buffers, errors are returned as
/// values. `process_word` is BuildKit's `ProcessWord` / `ProcessWordWithMatches`, and
/// `process_words` is `ProcessWords`.
#ifndef DOCKIMG_SHELL_HPP
#define DOCKIMG_SHELL_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config.hpp"
#include "detail/go_quote.hpp"
#include "detail/unicode.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace shell {

/// Lexer settings: the fields of BuildKit's `shell.Lex`.
struct options {
  /// The escape character: `\` (the default) or `` ` `` (the `# escape=` directive).
  char escape = '\\';
  /// `RawQuotes`: keep the quote characters in the result.
  bool raw_quotes = false;
  /// `RawEscapes`: keep the escape characters in the result.
  bool raw_escapes = false;
  /// `SkipProcessQuotes`: quotes are ordinary characters (heredoc bodies).
  bool skip_process_quotes = false;
  /// `SkipUnsetEnv`: an unset variable reference is kept verbatim (`$x`, `${x}`, `${x:-w}`...).
  bool skip_unset_env = false;
};

/// What went wrong. Every BuildKit lexer error has its own code; the last two are dockimg's.
enum class errc : std::uint8_t {
  ok = 0,                     ///< success
  unterminated_single_quote,  ///< `unexpected end of statement while looking for matching
                              ///< single-quote`
  unterminated_double_quote,  ///< `unexpected end of statement while looking for matching
                              ///< double-quote`
  missing_brace,              ///< `syntax error: missing '}'`
  bad_substitution,           ///< `syntax error: bad substitution` (`${}`, `${{`, `${:`)
  missing_slash,              ///< `syntax error: missing '/' in ${}`
  unsupported_modifier,       ///< `unsupported modifier (<m>) in substitution`
  var_unset,  ///< `${v?w}` / `${v:?w}` with `v` unset: `<v>: <w or "is not allowed to be unset">`
  var_empty,  ///< `${v:?w}` with `v` empty: `<v>: <w or "is not allowed to be empty">`
  invalid_pattern,   ///< `invalid pattern (<p>) in substitution: invalid escape '\<c>'`
  nesting_too_deep,  ///< more than `max_nesting` levels of nested `${...}` words (dockimg limit)
  no_space,          ///< a caller buffer (text, words or names) is too small (dockimg)
};

/// The deepest nesting of `${...}` words (`${a:-${b:-...}}`, patterns, replacements) accepted;
/// deeper input fails with `errc::nesting_too_deep` instead of exhausting the stack.
inline constexpr std::size_t max_nesting = 1000;

/// One variable for an `environment` built from key/value pairs.
struct env_var {
  std::string_view key;    ///< the name
  std::string_view value;  ///< the value
};

namespace detail {

/// The code points whose Go `unicode.ToUpper` is not the first code point (in code point order)
/// that lowercases to them, or which have an uppercase mapping but are not such a lowercase.
struct upper_exception {
  char32_t from;  ///< code point
  char32_t to;    ///< its simple uppercase mapping
};
/// Generated from the Unicode 14.0 simple case mappings (UnicodeData.txt fields 12 and 13).
inline constexpr upper_exception upper_exceptions[] = {
    {0xB5, 0x39C},    {0xDF, 0xDF},     {0x131, 0x49},   {0x17F, 0x53},   {0x1C5, 0x1C4},
    {0x1C8, 0x1C7},   {0x1CB, 0x1CA},   {0x1F2, 0x1F1},  {0x345, 0x399},  {0x3C2, 0x3A3},
    {0x3D0, 0x392},   {0x3D1, 0x398},   {0x3D5, 0x3A6},  {0x3D6, 0x3A0},  {0x3F0, 0x39A},
    {0x3F1, 0x3A1},   {0x3F5, 0x395},   {0x1C80, 0x412}, {0x1C81, 0x414}, {0x1C82, 0x41E},
    {0x1C83, 0x421},  {0x1C84, 0x422},  {0x1C85, 0x422}, {0x1C86, 0x42A}, {0x1C87, 0x462},
    {0x1C88, 0xA64A}, {0x1E9B, 0x1E60}, {0x1FBE, 0x399},
};

/// Go's `unicode.ToUpper` (simple case mapping). Non-ASCII runes are found by a linear search,
/// which only Windows-mode key comparisons of non-ASCII names ever pay for.
[[nodiscard]] constexpr char32_t to_upper(char32_t r) noexcept {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  for (const upper_exception& e : upper_exceptions) {
    if (e.from == r) return e.to;
  }
  for (const ::dockimg::detail::code_pair& p : ::dockimg::detail::lower_pairs) {
    if (p.to == r && p.from != r) return p.from;
  }
  return r;
}

}  // namespace detail

/// BuildKit's `EqualEnvKeys`: byte equality, or on Windows `strings.ToUpper(a) ==
/// strings.ToUpper(b)` (Unicode simple uppercase; invalid UTF-8 bytes compare as U+FFFD).
[[nodiscard]] constexpr bool equal_env_keys(std::string_view a, std::string_view b,
                                            bool windows) noexcept {
  if (!windows) return a == b;
  bool ascii = true;
  for (const char c : a) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  for (const char c : b) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (detail::to_upper(static_cast<unsigned char>(a[i])) !=
          detail::to_upper(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const auto da = ::dockimg::detail::decode_rune(a.substr(i));
    const auto db = ::dockimg::detail::decode_rune(b.substr(j));
    if (detail::to_upper(da.rune) != detail::to_upper(db.rune)) return false;
    i += da.size;
    j += db.size;
  }
  return i == a.size() && j == b.size();
}

/// A read-only view of an environment, over storage the caller owns (nothing is copied).
///
/// Lookups follow BuildKit's `EnvsFromSlice`: for `"k=v"` entries the key is the text before
/// the first `=`, a bare `"k"` is set to the empty string, and the last duplicate wins. In
/// Windows mode keys compare case-insensitively (`equal_env_keys`). A default-constructed
/// environment is empty.
class environment {
 public:
  /// A custom lookup: set `*value` and return true when `key` is set.
  using lookup_fn = bool (*)(const void* context, std::string_view key,
                             std::string_view* value) noexcept;

  /// The empty environment.
  constexpr environment() noexcept = default;

  /// A view of `count` `"key=value"` (or bare `"key"`) entries.
  constexpr environment(const std::string_view* entries, std::size_t count,
                        bool windows = false) noexcept
      : entries_(entries), count_(count), kind_(kind::entries), windows_(windows) {}

  /// A view of `count` key/value pairs.
  constexpr environment(const env_var* vars, std::size_t count, bool windows = false) noexcept
      : vars_(vars), count_(count), kind_(kind::pairs), windows_(windows) {}

  /// A custom lookup function and its context (for example the parser's own stage environment).
  constexpr environment(lookup_fn fn, const void* context) noexcept
      : context_(context), fn_(fn), kind_(kind::callback) {}

  /// Whether keys compare the Windows way.
  [[nodiscard]] constexpr bool windows() const noexcept { return windows_; }

  /// Looks `key` up; on success stores the value in `*value` and returns true.
  [[nodiscard]] constexpr bool get(std::string_view key, std::string_view* value) const noexcept {
    switch (kind_) {
      case kind::empty:
        return false;
      case kind::callback:
        return fn_ != nullptr && fn_(context_, key, value);
      case kind::pairs:
        for (std::size_t i = count_; i-- > 0;) {
          if (equal_env_keys(vars_[i].key, key, windows_)) {
            *value = vars_[i].value;
            return true;
          }
        }
        return false;
      case kind::entries:
        for (std::size_t i = count_; i-- > 0;) {
          const std::string_view e = entries_[i];
          const std::size_t eq = e.find('=');
          const std::string_view k = eq == std::string_view::npos ? e : e.substr(0, eq);
          if (equal_env_keys(k, key, windows_)) {
            *value = eq == std::string_view::npos ? std::string_view() : e.substr(eq + 1);
            return true;
          }
        }
        return false;
    }
    return false;
  }

 private:
  enum class kind : unsigned char { empty, entries, pairs, callback };
  const std::string_view* entries_ = nullptr;
  const env_var* vars_ = nullptr;
  const void* context_ = nullptr;
  lookup_fn fn_ = nullptr;
  std::size_t count_ = 0;
  kind kind_ = kind::empty;
  bool windows_ = false;
};

/// The details an error message needs. Views point into the input or into the caller's buffer
/// of the failed call, so they are valid while those are.
struct error_detail {
  /// What went wrong.
  errc code = errc::ok;
  /// `var_unset` / `var_empty`: the variable name.
  std::string_view name;
  /// `var_unset` / `var_empty`: the expanded custom message (empty: BuildKit's default text);
  /// `invalid_pattern`: the pattern as BuildKit prints it (reversed for `%` and `%%`).
  std::string_view text;
  /// `invalid_pattern`: the character after the backslash (U+FFFD at the end of the pattern).
  char32_t rune = 0;
  /// `unsupported_modifier`: the modifier, UTF-8 encoded (one or two characters).
  char modifier[8] = {};
  /// The number of bytes used in `modifier`.
  std::uint8_t modifier_size = 0;

  /// The modifier as a string.
  [[nodiscard]] constexpr std::string_view modifier_text() const noexcept {
    return std::string_view(modifier, modifier_size);
  }
};

/// The result of `process_word`.
struct word_result {
  /// `errc::ok`, or the error (details in `error`).
  errc code = errc::ok;
  /// The expanded word, a view into the caller's output buffer.
  std::string_view word;
  /// How many names were stored in the caller's `matched` array.
  std::size_t matched_count = 0;
  /// How many names were stored in the caller's `unmatched` array.
  std::size_t unmatched_count = 0;
  /// The details for the error message.
  error_detail error;

  /// True on success.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
};

/// The result of `process_words`.
struct words_result {
  /// `errc::ok`, or the error (details in `error`).
  errc code = errc::ok;
  /// How many words were stored in the caller's array.
  std::size_t count = 0;
  /// The details for the error message.
  error_detail error;

  /// True on success.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
};

namespace detail {

namespace u = ::dockimg::detail;

/// What the scanner returns at the end of the input (Go's `scanner.EOF`); encodes as U+FFFD.
inline constexpr char32_t eof_rune = 0xFFFFFFFFu;
/// "Not found".
inline constexpr std::size_t npos = static_cast<std::size_t>(-1);
/// Compiled glob patterns are UTF-8 literals plus these two bytes, which UTF-8 never uses.
inline constexpr char pat_any = static_cast<char>(0xFE);
/// See `pat_any`: the `*` wildcard.
inline constexpr char pat_star = static_cast<char>(0xFF);

/// The text searched by the glob matcher, read forwards with Go's decoding (invalid byte = U+FFFD).
struct forward_text {
  std::string_view s;  ///< the text
  [[nodiscard]] constexpr std::size_t size() const noexcept { return s.size(); }
  [[nodiscard]] constexpr u::decoded_rune at(std::size_t p) const noexcept {
    return u::decode_rune(s.substr(p));
  }
  /// The byte that is the whole rune at p when it is ASCII (below 0x80).
  [[nodiscard]] constexpr unsigned char edge_byte(std::size_t p) const noexcept {
    return static_cast<unsigned char>(s[p]);
  }
};

/// A valid UTF-8 text read backwards rune by rune: BuildKit's `reverseString` without the copy.
/// Position p designates the rune that ends p bytes before the end.
struct reversed_text {
  std::string_view s;  ///< the text, valid UTF-8
  [[nodiscard]] constexpr std::size_t size() const noexcept { return s.size(); }
  [[nodiscard]] constexpr u::decoded_rune at(std::size_t p) const noexcept {
    const std::size_t end = s.size() - p;
    std::size_t b = end - 1;
    while (b > 0 && end - b < 4 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    const u::decoded_rune d = u::decode_rune(s.substr(b, end - b));
    return {d.rune, static_cast<std::uint32_t>(end - b)};
  }
  /// The byte that is the whole rune at p when it is ASCII (below 0x80).
  [[nodiscard]] constexpr unsigned char edge_byte(std::size_t p) const noexcept {
    return static_cast<unsigned char>(s[s.size() - p - 1]);
  }
};

/// Index of the next `*` at or after `from` in a compiled pattern, or its size.
[[nodiscard]] constexpr std::size_t find_star(std::string_view c, std::size_t from) noexcept {
  while (from < c.size() && c[from] != pat_star) ++from;
  return from;
}

/// Start of the segment that ends at `seg_end`: just after the previous `*`, but not before `lo`.
[[nodiscard]] constexpr std::size_t segment_start(std::string_view c, std::size_t lo,
                                                  std::size_t seg_end) noexcept {
  std::size_t i = seg_end;
  while (i > lo && c[i - 1] != pat_star) --i;
  return i;
}

/// Number of elements before the first literal newline in segment [b, e), or npos.
[[nodiscard]] constexpr std::size_t newline_offset(std::string_view c, std::size_t b,
                                                   std::size_t e) noexcept {
  std::size_t n = 0;
  while (b < e) {
    if (c[b] == '\n') return n;
    if (c[b] == pat_any) {
      ++b;
    } else {
      b += u::decode_rune(c.substr(b, e - b)).size;
    }
    ++n;
  }
  return npos;
}

/// Matches segment [b, e) of a compiled pattern at text position t; returns the end or npos.
template <class Text>
[[nodiscard]] constexpr std::size_t match_segment(std::string_view c, std::size_t b, std::size_t e,
                                                  const Text& x, std::size_t t) noexcept {
  while (b < e) {
    if (t >= x.size()) return npos;
    const auto pb = static_cast<unsigned char>(c[b]);
    const unsigned char tb = x.edge_byte(t);
    if (tb < 0x80 && (pb < 0x80 || c[b] == pat_any)) {  // both ASCII (or '?'): the fast path
      if (pb < 0x80 ? pb != tb : tb == '\n') return npos;
      ++b;
      ++t;
      continue;
    }
    const u::decoded_rune r = x.at(t);
    if (c[b] == pat_any) {
      if (r.rune == '\n') return npos;
      ++b;
    } else {
      const u::decoded_rune p = u::decode_rune(c.substr(b, e - b));
      if (p.rune != r.rune) return npos;
      b += p.size;
    }
    t += r.size;
  }
  return t;
}

/// Position of the first newline at or after t, or the size of the text.
template <class Text>
[[nodiscard]] constexpr std::size_t next_newline(const Text& x, std::size_t t) noexcept {
  while (t < x.size()) {
    const u::decoded_rune r = x.at(t);
    if (r.rune == '\n') return t;
    t += r.size;
  }
  return x.size();
}

/// The leftmost-first match of `^pattern` at s with lazy stars (Go's `.*?`): every star takes
/// the fewest characters that still let the rest match. Returns the match end or npos.
template <class Text>
[[nodiscard]] constexpr std::size_t match_lazy(std::string_view c, const Text& x,
                                               std::size_t s) noexcept {
  std::size_t e = find_star(c, 0);
  std::size_t pos = match_segment(c, 0, e, x, s);
  if (pos == npos) return npos;
  // Taking the earliest occurrence of each segment is optimal: a later one never leaves more
  // room for the rest, because a star cannot cross a newline and segments without a literal
  // newline never contain one, while a segment with one has a single possible position.
  while (e < c.size()) {
    const std::size_t b = e + 1;
    e = find_star(c, b);
    std::size_t t = pos;
    for (;;) {
      const std::size_t r = match_segment(c, b, e, x, t);
      if (r != npos) {
        pos = r;
        break;
      }
      if (t >= x.size()) return npos;
      const u::decoded_rune d = x.at(t);
      if (d.rune == '\n') return npos;
      t += d.size;
    }
  }
  return pos;
}

/// The leftmost-first match of `^pattern` at s with greedy stars (Go's `.*`): each star in turn
/// takes the most characters that still let the rest match. Returns the match end or npos.
///
/// Stars never cross a newline, so a segment holding a literal newline is pinned to the first
/// newline after the previous pinned point; between pins, the newline-free segments are placed
/// as far right as possible (last occurrences, right to left), which is what backtracking finds.
template <class Text>
[[nodiscard]] constexpr std::size_t match_greedy(std::string_view c, const Text& x,
                                                 std::size_t s) noexcept {
  std::size_t e = find_star(c, 0);
  std::size_t pos = match_segment(c, 0, e, x, s);
  if (pos == npos) return npos;
  while (e < c.size()) {
    const std::size_t g_begin = e + 1;
    std::size_t anchor_b = npos;
    std::size_t anchor_e = npos;
    std::size_t nl_off = npos;
    for (std::size_t b = g_begin;;) {
      const std::size_t se = find_star(c, b);
      const std::size_t off = newline_offset(c, b, se);
      if (off != npos) {
        anchor_b = b;
        anchor_e = se;
        nl_off = off;
        break;
      }
      if (se == c.size()) break;
      b = se + 1;
    }
    const std::size_t nl = next_newline(x, pos);
    std::size_t bound = nl;
    if (anchor_b != npos) {
      if (nl >= x.size()) return npos;
      std::size_t runes = 0;
      for (std::size_t t = pos; t < nl; t += x.at(t).size) ++runes;
      if (runes < nl_off) return npos;
      bound = pos;
      for (std::size_t k = runes - nl_off; k > 0; --k) bound += x.at(bound).size;
    }
    std::size_t chain_end = npos;
    if (anchor_b == npos || anchor_b > g_begin) {
      std::size_t seg_e = anchor_b != npos ? anchor_b - 1 : c.size();
      std::size_t hi = bound;
      for (;;) {
        const std::size_t seg_b = segment_start(c, g_begin, seg_e);
        std::size_t last = npos;
        std::size_t last_end = npos;
        for (std::size_t t = pos;;) {
          const std::size_t r = match_segment(c, seg_b, seg_e, x, t);
          if (r != npos && r <= hi) {
            last = t;
            last_end = r;
          }
          if (t >= hi) break;
          t += x.at(t).size;
        }
        if (last == npos) return npos;
        if (chain_end == npos) chain_end = last_end;
        hi = last;
        if (seg_b == g_begin) break;
        seg_e = seg_b - 1;
      }
    }
    if (anchor_b == npos) return chain_end;
    pos = match_segment(c, anchor_b, anchor_e, x, bound);
    if (pos == npos) return npos;
    e = anchor_e;
  }
  return pos;
}

/// Go's unanchored leftmost-first search for a greedy compiled pattern, starting at `from`.
template <class Text>
[[nodiscard]] constexpr bool search_greedy(std::string_view c, const Text& x, std::size_t from,
                                           std::size_t* a, std::size_t* b) noexcept {
  const std::size_t e0 = find_star(c, 0);
  const bool has_star = e0 < c.size();
  // If the part after the first segment cannot match from v, it cannot match from any later
  // position reachable from v without crossing a newline either: remember the last failure.
  std::size_t fail_v = npos;
  std::size_t fail_nl = 0;
  for (std::size_t s = from;;) {
    const std::size_t v = match_segment(c, 0, e0, x, s);
    if (v != npos) {
      if (!has_star) {
        *a = s;
        *b = v;
        return true;
      }
      if (fail_v == npos || v < fail_v || v > fail_nl) {
        const std::size_t r = match_greedy(c, x, s);
        if (r != npos) {
          *a = s;
          *b = r;
          return true;
        }
        fail_v = v;
        fail_nl = next_newline(x, v);
      }
    }
    if (s >= x.size()) return false;
    s += x.at(s).size;
  }
}

/// The expansion engine: one instance per call of `process_word` / `process_words`.
class lexer {
 public:
  lexer(std::string_view input, const environment& env, const options& opt, char* buf,
        std::size_t cap) noexcept
      : in_(input),
        env_(&env),
        esc_(static_cast<unsigned char>(opt.escape)),
        raw_quotes_(opt.raw_quotes),
        skip_quotes_(opt.skip_process_quotes),
        skip_unset_(opt.skip_unset_env),
        raw_escapes_(opt.raw_escapes),
        buf_(buf != nullptr ? buf : dummy_),
        cap_(buf != nullptr ? cap : 0) {
    // Go's text/scanner drops a byte order mark at the very start.
    if (in_.size() >= 3 && static_cast<unsigned char>(in_[0]) == 0xEF &&
        static_cast<unsigned char>(in_[1]) == 0xBB && static_cast<unsigned char>(in_[2]) == 0xBF) {
      pos_ = 3;
    }
  }

  /// Arrays that receive the matched / unmatched names (null: not collected).
  void collect_names(std::string_view* matched, std::size_t max_matched,
                     std::string_view* unmatched, std::size_t max_unmatched) noexcept {
    matched_ = matched;
    max_matched_ = max_matched;
    unmatched_ = unmatched;
    max_unmatched_ = max_unmatched;
  }

  /// `ProcessWord`: the expanded word.
  [[nodiscard]] bool run_word(std::string_view* out) noexcept {
    return stop_on(eof_rune, raw_escapes_, out);
  }

  /// `ProcessWords`: the split words.
  [[nodiscard]] bool run_words(std::string_view* words, std::size_t max_words) noexcept {
    words_mode_ = true;
    words_ = words;
    max_words_ = max_words;
    std::string_view unused;
    return stop_on(eof_rune, raw_escapes_, &unused);
  }

  /// The error of the last failed run.
  [[nodiscard]] const error_detail& error() const noexcept { return err_; }
  /// Names stored in the matched array.
  [[nodiscard]] std::size_t matched_count() const noexcept { return n_matched_; }
  /// Names stored in the unmatched array.
  [[nodiscard]] std::size_t unmatched_count() const noexcept { return n_unmatched_; }
  /// Words stored by run_words.
  [[nodiscard]] std::size_t word_count() const noexcept { return n_words_; }

 private:
  // ---- errors --------------------------------------------------------------------------------
  bool fail(errc code) noexcept {
    err_ = error_detail{};
    err_.code = code;
    return false;
  }
  bool fail_modifier(const char* chs, std::size_t n) noexcept {
    fail(errc::unsupported_modifier);
    for (std::size_t i = 0; i < n; ++i) err_.modifier[i] = chs[i];
    err_.modifier_size = static_cast<std::uint8_t>(n);
    return false;
  }
  /// A nested word failed: at the end of the input BuildKit reports the missing delimiter instead.
  bool nested_fail(errc code) noexcept {
    if (err_.code != errc::no_space && err_.code != errc::nesting_too_deep && peek() == eof_rune) {
      fail(code);
    }
    return false;
  }

  // ---- scanner (Go text/scanner: invalid bytes read as U+FFFD, NUL passes) -----------------
  [[nodiscard]] char32_t peek() const noexcept {
    if (pos_ >= in_.size()) return eof_rune;
    const auto c = static_cast<unsigned char>(in_[pos_]);
    if (c < 0x80) return c;
    return u::decode_rune(in_.substr(pos_)).rune;
  }
  char32_t next() noexcept {
    if (pos_ >= in_.size()) return eof_rune;
    const auto c = static_cast<unsigned char>(in_[pos_]);
    if (c < 0x80) {
      ++pos_;
      return c;
    }
    const u::decoded_rune d = u::decode_rune(in_.substr(pos_));
    pos_ += d.size;
    return d.rune;
  }

  // ---- the output stack ----------------------------------------------------------------------
  [[nodiscard]] std::string_view view(std::size_t from, std::size_t to) const noexcept {
    return std::string_view(buf_ + from, to - from);
  }
  /// Appends s at the top of the stack; s may lie anywhere, including above the top.
  bool append(std::string_view s) noexcept {
    if (s.empty()) return true;
    if (s.size() > cap_ - top_) return fail(errc::no_space);
    char* dst = buf_ + top_;
    if (s.data() != dst) std::memmove(dst, s.data(), s.size());
    top_ += s.size();
    return true;
  }
  bool append_rune(char32_t r) noexcept {
    if (r < 0x80) {  // ASCII, the usual case: one byte, nothing to encode
      if (top_ >= cap_) return fail(errc::no_space);
      buf_[top_++] = static_cast<char>(r);
      return true;
    }
    char tmp[4] = {};
    const std::size_t n = u::encode_rune(r, tmp);
    return append(std::string_view(tmp, n));
  }

  // ---- the words of ProcessWords (BuildKit's shared sw.wordsBuffer) -------------------------
  bool push_word() noexcept {
    if (n_words_ >= max_words_) return fail(errc::no_space);
    words_[n_words_++] = view(word_start_, word_end_);
    word_start_ = word_end_;
    return true;
  }
  bool word_put(const char* p, std::size_t n) noexcept {
    if (n > cap_ - word_end_) return fail(errc::no_space);
    char* dst = buf_ + word_end_;
    if (n != 0 && p != dst) std::memmove(dst, p, n);
    word_end_ += n;
    top_ = word_end_;
    return true;
  }
  bool word_raw_rune(char32_t r) noexcept {
    char tmp[4] = {};
    const std::size_t n = u::encode_rune(r, tmp);
    return word_put(tmp, n);
  }
  /// `addChar`: whitespace ends the current word, anything else is appended.
  bool word_rune(char32_t r) noexcept {
    if (u::is_space(r)) {
      if (word_end_ != word_start_) return push_word();
      top_ = word_end_;
      return true;
    }
    return word_raw_rune(r);
  }
  /// `addRawString`.
  bool word_raw_string(std::string_view s) noexcept {
    const bool ok = word_put(s.data(), s.size());
    top_ = word_end_;
    return ok;
  }
  /// `addString`: rune by rune through `addChar` (invalid bytes become U+FFFD).
  bool word_string(std::string_view s) noexcept {
    // s may sit in the buffer above the current word; writing never overtakes reading except
    // where an invalid byte grows into three, so first move s up by that much.
    if (!s.empty() && s.data() >= buf_ && s.data() < buf_ + cap_) {
      std::size_t invalid = 0;
      for (std::size_t i = 0; i < s.size();) {
        const u::decoded_rune d = u::decode_rune(s.substr(i));
        if (d.size == 1 && d.rune == u::replacement_char) ++invalid;
        i += d.size;
      }
      if (invalid != 0) {
        const auto at = static_cast<std::size_t>(s.data() - buf_);
        if (2 * invalid > cap_ - at - s.size()) return fail(errc::no_space);
        std::memmove(buf_ + at + 2 * invalid, s.data(), s.size());
        s = view(at + 2 * invalid, at + 2 * invalid + s.size());
      }
    }
    for (std::size_t i = 0; i < s.size();) {
      const u::decoded_rune d = u::decode_rune(s.substr(i));
      i += d.size;
      if (!word_rune(d.rune)) return false;
    }
    top_ = word_end_;
    return true;
  }

  // ---- names ---------------------------------------------------------------------------------
  bool record(std::string_view name, bool found) noexcept {
    std::string_view* set = found ? matched_ : unmatched_;
    if (set == nullptr) return true;
    std::size_t& n = found ? n_matched_ : n_unmatched_;
    const std::size_t max = found ? max_matched_ : max_unmatched_;
    for (std::size_t i = 0; i < n; ++i) {
      if (set[i] == name) return true;
    }
    if (n >= max) return fail(errc::no_space);
    set[n++] = name;
    return true;
  }
  /// `getEnv`: the lookup, recorded as matched or unmatched.
  bool lookup(std::string_view name, std::string_view* value, bool* found) noexcept {
    *value = std::string_view();
    *found = env_->get(name, value);
    if (!*found) *value = std::string_view();
    return record(name, *found);
  }

  // ---- processStopOn -------------------------------------------------------------------------
  [[nodiscard]] bool is_special(char32_t ch) const noexcept {
    return ch == '$' || ch == '<' || (!skip_quotes_ && (ch == '\'' || ch == '"'));
  }

  bool stop_on(char32_t stop, bool raw, std::string_view* out) noexcept {
    if (depth_ >= max_nesting) return fail(errc::nesting_too_deep);
    ++depth_;
    const bool saved = raw_escapes_;
    raw_escapes_ = raw;
    const bool ok = stop_on_body(stop, out);
    raw_escapes_ = saved;
    --depth_;
    return ok;
  }

  bool stop_on_body(char32_t stop, std::string_view* out) noexcept {
    const bool words = words_mode_ && depth_ == 1;
    // Every processStopOn call resets the words buffer shared by all levels.
    if (words_mode_ && depth_ > 1) word_end_ = word_start_;
    const std::size_t start = top_;
    for (;;) {
      char32_t ch = peek();
      if (ch == eof_rune) break;
      if (stop != eof_rune && ch == stop) {
        next();
        *out = view(start, top_);
        return true;
      }
      if (is_special(ch)) {
        std::string_view tmp;
        bool ok = false;
        if (ch == '$') {
          ok = dollar(&tmp);
        } else if (ch == '<') {
          ok = possible_heredoc(&tmp);
        } else if (ch == '\'') {
          ok = single_quote(&tmp);
        } else {
          ok = double_quote(&tmp);
        }
        if (!ok) return false;
        if (words) {
          ok = ch == '$' ? word_string(tmp) : word_raw_string(tmp);
        } else {
          ok = append(tmp);
        }
        if (!ok) return false;
        continue;
      }
      ch = next();
      if (ch == esc_) {
        if (raw_escapes_ && !(words ? word_raw_rune(ch) : append_rune(ch))) return false;
        ch = next();
        if (ch == eof_rune) break;
        if (!(words ? word_raw_rune(ch) : append_rune(ch))) return false;
      } else if (!(words ? word_rune(ch) : append_rune(ch))) {
        return false;
      }
    }
    // The callers replace this error with the one for their missing delimiter.
    if (stop != eof_rune) return fail(errc::missing_brace);
    if (words && word_end_ != word_start_ && !push_word()) return false;
    *out = view(start, top_);
    return true;
  }

  // ---- quotes and `<<` ---------------------------------------------------------------------
  bool single_quote(std::string_view* out) noexcept {
    const std::size_t base = top_;
    char32_t ch = next();
    if (raw_quotes_ && !append_rune(ch)) return false;
    for (;;) {
      ch = next();
      if (ch == eof_rune) return fail(errc::unterminated_single_quote);
      if (ch == '\'') {
        if (raw_quotes_ && !append_rune(ch)) return false;
        break;
      }
      if (!append_rune(ch)) return false;
    }
    *out = view(base, top_);
    top_ = base;
    return true;
  }

  bool double_quote(std::string_view* out) noexcept {
    const std::size_t base = top_;
    char32_t ch = next();
    if (raw_quotes_ && !append_rune(ch)) return false;
    for (;;) {
      ch = peek();
      if (ch == eof_rune) return fail(errc::unterminated_double_quote);
      if (ch == '"') {
        next();
        if (raw_quotes_ && !append_rune(ch)) return false;
        break;
      }
      if (ch == '$') {
        std::string_view value;
        if (!dollar(&value) || !append(value)) return false;
        continue;
      }
      ch = next();
      if (ch == esc_) {
        if (raw_escapes_ && !append_rune(ch)) return false;
        const char32_t p = peek();
        if (p == eof_rune) continue;  // the loop then reports the missing quote
        if (p == '"' || p == '$' || p == esc_) ch = next();
      }
      if (!append_rune(ch)) return false;
    }
    *out = view(base, top_);
    top_ = base;
    return true;
  }

  bool possible_heredoc(std::string_view* out) noexcept {
    const std::size_t start = pos_;
    next();
    if (peek() == '<') {
      next();
      for (char32_t ch = peek(); ch == '\t' || ch == '\r' || ch == ' '; ch = peek()) next();
    }
    *out = in_.substr(start, pos_ - start);
    return true;
  }

  // ---- `$` ---------------------------------------------------------------------------------
  std::string_view read_name() noexcept {
    const std::size_t start = pos_;
    const char32_t first = peek();
    if (first == eof_rune) return {};
    if (u::is_digit(first)) {
      while (peek() != eof_rune && u::is_digit(peek())) next();
      return in_.substr(start, pos_ - start);
    }
    if (first == '@' || first == '*' || first == '#' || first == '?' || first == '-' ||
        first == '$' || first == '!' || first == '0') {
      next();
      return in_.substr(start, pos_ - start);
    }
    for (char32_t ch = peek(); ch != eof_rune; ch = peek()) {
      if (!u::is_letter(ch) && !u::is_digit(ch) && ch != '_') break;
      next();
    }
    return in_.substr(start, pos_ - start);
  }

  bool dollar(std::string_view* out) noexcept {
    const std::size_t base = top_;
    const std::size_t dpos = pos_;
    next();  // '$'
    if (peek() != '{') {
      const std::string_view name = read_name();
      if (name.empty()) {
        *out = std::string_view("$", 1);
        return true;
      }
      std::string_view value;
      bool found = false;
      if (!lookup(name, &value, &found)) return false;
      *out = (!found && skip_unset_) ? in_.substr(dpos, pos_ - dpos) : value;
      return true;
    }
    next();  // '{'
    const char32_t first = peek();
    if (first == eof_rune) return fail(errc::missing_brace);
    if (first == '{' || first == '}' || first == ':') return fail(errc::bad_substitution);
    const std::string_view name = read_name();
    char32_t ch = next();
    char chs[8] = {};
    std::size_t chs_size = u::encode_rune(ch, chs);
    if (ch == '}') {
      std::string_view value;
      bool found = false;
      if (!lookup(name, &value, &found)) return false;
      *out = (!found && skip_unset_) ? in_.substr(dpos, pos_ - dpos) : value;
      return true;
    }
    if (ch == '/') return replace(name, base, out);
    bool null_is_unset = false;
    if (ch == ':') {
      null_is_unset = true;
      ch = next();
      chs_size += u::encode_rune(ch, chs + chs_size);
    } else if (ch != '+' && ch != '-' && ch != '?' && ch != '#' && ch != '%') {
      return fail_modifier(chs, chs_size);
    }
    const bool raw = ch == '#' || ch == '%';
    if (null_is_unset && raw) return fail_modifier(chs, chs_size);
    std::string_view word;
    if (!stop_on('}', raw, &word)) return nested_fail(errc::missing_brace);

    std::string_view value;
    bool set = false;
    if (!lookup(name, &value, &set)) return false;
    if (skip_unset_ && !set) {
      // "${" name chs word "}", built around the word in place.
      const std::size_t prefix = 2 + name.size() + chs_size;
      const std::size_t total = prefix + word.size() + 1;
      if (total > cap_ - base) return fail(errc::no_space);
      if (!word.empty()) std::memmove(buf_ + base + prefix, word.data(), word.size());
      buf_[base] = '$';
      buf_[base + 1] = '{';
      if (!name.empty()) std::memcpy(buf_ + base + 2, name.data(), name.size());
      std::memcpy(buf_ + base + 2 + name.size(), chs, chs_size);
      buf_[base + total - 1] = '}';
      *out = view(base, base + total);
      top_ = base;
      return true;
    }
    const bool empty_is_unset = !set || (null_is_unset && value.empty());
    bool ok = true;
    switch (ch) {
      case '-':
        *out = empty_is_unset ? word : value;
        break;
      case '+':
        *out = empty_is_unset ? std::string_view() : word;
        break;
      case '?':
        if (!set || (null_is_unset && value.empty())) {
          fail(!set ? errc::var_unset : errc::var_empty);
          err_.name = name;
          err_.text = word;
          ok = false;
        } else {
          *out = value;
        }
        break;
      case '#':
      case '%': {
        bool greedy = false;
        if (!word.empty() && static_cast<unsigned char>(word[0]) == ch) {
          greedy = true;
          word.remove_prefix(1);
        }
        ok = ch == '%' ? trim_suffix(word, value, greedy, out)
                       : trim_prefix(word, value, greedy, out);
        break;
      }
      default:
        ok = fail_modifier(chs, chs_size);
        break;
    }
    top_ = base;
    return ok;
  }

  // ---- glob patterns -------------------------------------------------------------------------
  /// `convertShellPatternToRegex`, into the compact form the matcher reads, at the stack top.
  bool compile(std::string_view pattern, std::string_view* out) noexcept {
    const std::size_t start = top_;
    std::size_t i = 0;
    if (pattern.size() >= 3 && static_cast<unsigned char>(pattern[0]) == 0xEF &&
        static_cast<unsigned char>(pattern[1]) == 0xBB &&
        static_cast<unsigned char>(pattern[2]) == 0xBF) {
      i = 3;  // text/scanner drops a leading byte order mark here too
    }
    while (i < pattern.size()) {
      const u::decoded_rune d = u::decode_rune(pattern.substr(i));
      i += d.size;
      bool ok = true;
      if (d.rune == '*') {
        ok = append(std::string_view(&pat_star, 1));
      } else if (d.rune == '?') {
        ok = append(std::string_view(&pat_any, 1));
      } else if (d.rune == '\\') {
        char32_t tok = eof_rune;
        if (i < pattern.size()) {
          const u::decoded_rune n = u::decode_rune(pattern.substr(i));
          if (n.rune == '}' || n.rune == '/') continue;  // the backslash is dropped
          tok = n.rune;
          i += n.size;
        }
        if (tok != '*' && tok != '?' && tok != '\\') {
          fail(errc::invalid_pattern);
          err_.text = pattern;
          err_.rune = tok == eof_rune ? u::replacement_char : tok;
          return false;
        }
        ok = append_rune(tok);
      } else {
        ok = append_rune(d.rune);
      }
      if (!ok) return false;
    }
    *out = view(start, top_);
    return true;
  }

  /// `reversePattern`: runes in reverse order, but `\x` pairs kept in order. At the stack top.
  bool reverse_pattern(std::string_view p, std::string_view* out) noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i < p.size();) {
      const u::decoded_rune d = u::decode_rune(p.substr(i));
      total += u::rune_length(d.rune);
      i += d.size;
    }
    if (total > cap_ - top_) return fail(errc::no_space);
    const std::size_t start = top_;
    std::size_t w = start + total;
    for (std::size_t i = 0; i < p.size();) {
      const u::decoded_rune d = u::decode_rune(p.substr(i));
      i += d.size;
      if (d.rune == '\\' && i < p.size()) {
        const u::decoded_rune n = u::decode_rune(p.substr(i));
        i += n.size;
        w -= 1 + u::rune_length(n.rune);
        buf_[w] = '\\';
        u::encode_rune(n.rune, buf_ + w + 1);
      } else {
        w -= u::rune_length(d.rune);
        u::encode_rune(d.rune, buf_ + w);
      }
    }
    top_ = start + total;
    *out = view(start, top_);
    return true;
  }

  bool trim_prefix(std::string_view pattern, std::string_view value, bool greedy,
                   std::string_view* out) noexcept {
    std::string_view c;
    if (!compile(pattern, &c)) return false;
    const forward_text x{value};
    const std::size_t e = greedy ? match_greedy(c, x, 0) : match_lazy(c, x, 0);
    *out = e == npos ? value : value.substr(e);
    return true;
  }

  bool trim_suffix(std::string_view pattern, std::string_view value, bool greedy,
                   std::string_view* out) noexcept {
    std::string_view reversed;
    if (!reverse_pattern(pattern, &reversed)) return false;
    std::string_view c;
    if (!compile(reversed, &c)) return false;
    // reverseString turns invalid bytes into U+FFFD, so the result is normalised too.
    bool valid = true;
    for (std::size_t i = 0; i < value.size() && valid;) {
      const u::decoded_rune d = u::decode_rune(value.substr(i));
      valid = !(d.size == 1 && d.rune == u::replacement_char);
      i += d.size;
    }
    std::string_view text = value;
    if (!valid) {
      const std::size_t start = top_;
      for (std::size_t i = 0; i < value.size();) {
        const u::decoded_rune d = u::decode_rune(value.substr(i));
        if (!append_rune(d.rune)) return false;
        i += d.size;
      }
      text = view(start, top_);
    }
    const reversed_text x{text};
    const std::size_t e = greedy ? match_greedy(c, x, 0) : match_lazy(c, x, 0);
    *out = e == npos ? text : text.substr(0, text.size() - e);
    return true;
  }

  /// Go's `Regexp.Expand` of a template for a pattern without groups: `$0`/`${0}` is the match.
  bool expand(std::string_view tmpl, std::string_view match) noexcept {
    std::size_t i = 0;
    while (i < tmpl.size()) {
      const std::size_t d = tmpl.find('$', i);
      if (d == std::string_view::npos) break;
      if (!append(tmpl.substr(i, d - i))) return false;
      i = d + 1;
      if (i < tmpl.size() && tmpl[i] == '$') {
        if (!append(std::string_view("$", 1))) return false;
        ++i;
        continue;
      }
      std::size_t j = i;
      const bool brace = j < tmpl.size() && tmpl[j] == '{';
      if (brace) ++j;
      const std::size_t name_b = j;
      while (j < tmpl.size()) {
        const u::decoded_rune r = u::decode_rune(tmpl.substr(j));
        if (!u::is_letter(r.rune) && !u::is_digit(r.rune) && r.rune != '_') break;
        j += r.size;
      }
      if (j == name_b || (brace && (j >= tmpl.size() || tmpl[j] != '}'))) {
        if (!append(std::string_view("$", 1))) return false;  // malformed: a literal '$'
        continue;
      }
      const std::string_view name = tmpl.substr(name_b, j - name_b);
      if (brace) ++j;
      i = j;
      long num = 0;
      for (const char ch : name) {
        if (ch < '0' || ch > '9' || num >= 100000000) {
          num = -1;
          break;
        }
        num = num * 10 + (ch - '0');
      }
      if (name[0] == '0' && name.size() > 1) num = -1;
      if (num == 0 && !append(match)) return false;
    }
    return append(tmpl.substr(i));
  }

  bool replace(std::string_view name, std::size_t base, std::string_view* out) noexcept {
    const bool all = peek() == '/';
    if (all) next();
    std::string_view pattern;
    if (!stop_on('/', true, &pattern)) return nested_fail(errc::missing_slash);
    std::string_view replacement;
    if (!stop_on('}', true, &replacement)) return nested_fail(errc::missing_brace);
    std::string_view value;
    bool set = false;
    if (!lookup(name, &value, &set)) return false;
    if (skip_unset_ && !set) {
      // "${" name "/" pattern "/" replacement "}" (a `//` comes out as one '/'), in place.
      const std::size_t prefix = 3 + name.size();
      const std::size_t total = prefix + pattern.size() + 1 + replacement.size() + 1;
      if (total > cap_ - base) return fail(errc::no_space);
      if (!replacement.empty()) {
        std::memmove(buf_ + base + prefix + pattern.size() + 1, replacement.data(),
                     replacement.size());
      }
      if (!pattern.empty()) std::memmove(buf_ + base + prefix, pattern.data(), pattern.size());
      buf_[base] = '$';
      buf_[base + 1] = '{';
      if (!name.empty()) std::memcpy(buf_ + base + 2, name.data(), name.size());
      buf_[base + 2 + name.size()] = '/';
      buf_[base + prefix + pattern.size()] = '/';
      buf_[base + total - 1] = '}';
      *out = view(base, base + total);
      top_ = base;
      return true;
    }
    std::string_view c;
    if (!compile(pattern, &c)) return false;
    const forward_text x{value};
    const std::size_t start = top_;
    bool ok = true;
    if (!all) {
      std::size_t a = 0;
      std::size_t b = 0;
      if (!search_greedy(c, x, 0, &a, &b)) {
        *out = value;
        top_ = base;
        return true;
      }
      ok = append(value.substr(0, a)) && append(replacement) && append(value.substr(b));
    } else {
      // Go's Regexp.ReplaceAllString loop.
      std::size_t last_end = 0;
      std::size_t search = 0;
      while (ok && search <= value.size()) {
        std::size_t a = 0;
        std::size_t b = 0;
        if (!search_greedy(c, x, search, &a, &b)) break;
        ok = append(value.substr(last_end, a - last_end));
        if (ok && (b > last_end || a == 0)) ok = expand(replacement, value.substr(a, b - a));
        last_end = b;
        const std::size_t width = search < value.size() ? x.at(search).size : 0;
        if (search + width > b) {
          search += width;
        } else if (search + 1 > b) {
          ++search;
        } else {
          search = b;
        }
      }
      ok = ok && append(value.substr(last_end));
    }
    if (!ok) return false;
    *out = view(start, top_);
    top_ = base;
    return true;
  }

  // ---- state ---------------------------------------------------------------------------------
  std::string_view in_;
  std::size_t pos_ = 0;
  const environment* env_;
  char32_t esc_;
  bool raw_quotes_;
  bool skip_quotes_;
  bool skip_unset_;
  bool raw_escapes_;
  bool words_mode_ = false;
  char dummy_[1] = {};
  char* buf_;
  std::size_t cap_;
  std::size_t top_ = 0;
  std::string_view* words_ = nullptr;
  std::size_t max_words_ = 0;
  std::size_t n_words_ = 0;
  std::size_t word_start_ = 0;
  std::size_t word_end_ = 0;
  std::string_view* matched_ = nullptr;
  std::size_t max_matched_ = 0;
  std::size_t n_matched_ = 0;
  std::string_view* unmatched_ = nullptr;
  std::size_t max_unmatched_ = 0;
  std::size_t n_unmatched_ = 0;
  std::size_t depth_ = 0;
  error_detail err_;
};

}  // namespace detail

/// `scratch_bound` for an input of `input_size` bytes (usable for array bounds).
[[nodiscard]] constexpr std::size_t scratch_bound(std::size_t input_size) noexcept {
  constexpr std::size_t slack = 64;
  constexpr std::size_t max = static_cast<std::size_t>(-1);
  if (input_size > (max - slack) / 9) return max;
  return 9 * input_size + slack;
}

/// A buffer size that always suffices for `input` with an *empty* environment, both for the
/// output buffer of `process_word` and for the scratch buffer of `process_words` (the parser's
/// use: heredoc detection). With variables set, results can be longer than any bound derived from
/// the input; on `errc::no_space` retry with a larger buffer.
[[nodiscard]] constexpr std::size_t scratch_bound(std::string_view input) noexcept {
  return scratch_bound(input.size());
}

/// `words_bound` for an input of `input_size` bytes (usable for array bounds).
[[nodiscard]] constexpr std::size_t words_bound(std::size_t input_size) noexcept {
  return input_size / 2 + 1;
}

/// A word count that always suffices for `process_words` on `input` with an empty environment.
[[nodiscard]] constexpr std::size_t words_bound(std::string_view input) noexcept {
  return words_bound(input.size());
}

/// BuildKit's `ProcessWord` / `ProcessWordWithMatches`: expands `input` into `out`.
///
/// The result (`word_result::word`) is a view into `out`. The names of the variables looked up
/// are stored, deduplicated and in order of first lookup, in `matched` (set) and `unmatched`
/// (unset) when those are non-null; like BuildKit this includes names from default words that
/// were not used. Errors: the lexer errors, `no_space` when `out` or a name array is too small
/// (nothing is ever written out of bounds) and `nesting_too_deep`. Never allocates.
[[nodiscard]] inline word_result process_word(std::string_view input, const environment& env,
                                              const options& opt, char* out, std::size_t out_size,
                                              std::string_view* matched = nullptr,
                                              std::size_t max_matched = 0,
                                              std::string_view* unmatched = nullptr,
                                              std::size_t max_unmatched = 0) noexcept {
  detail::lexer lx(input, env, opt, out, out_size);
  lx.collect_names(matched, max_matched, unmatched, max_unmatched);
  word_result r;
  std::string_view w;
  if (!lx.run_word(&w)) {
    r.error = lx.error();
    r.code = r.error.code;
  } else {
    r.word = w;
  }
  r.matched_count = lx.matched_count();
  r.unmatched_count = lx.unmatched_count();
  return r;
}

/// BuildKit's `ProcessWords`: expands `input` and splits it into words (after expansion, on
/// Unicode whitespace outside quotes; empty words are dropped). The words are views into
/// `scratch`, stored in `words`. Errors as for `process_word`. Never allocates.
[[nodiscard]] inline words_result process_words(std::string_view input, const environment& env,
                                                const options& opt, char* scratch,
                                                std::size_t scratch_size, std::string_view* words,
                                                std::size_t max_words) noexcept {
  detail::lexer lx(input, env, opt, scratch, scratch_size);
  words_result r;
  if (!lx.run_words(words, words != nullptr ? max_words : 0)) {
    r.error = lx.error();
    r.code = r.error.code;
    return r;
  }
  r.count = lx.word_count();
  return r;
}

/// Writes the text of an error without BuildKit's `failed to process "<input>": ` prefix.
template <class Sink>
void write_inner_message(const error_detail& e, Sink&& sink) {
  auto s = [&sink](const char* text) { sink(std::string_view(text)); };
  switch (e.code) {
    case errc::ok:
      break;
    case errc::unterminated_single_quote:
      s("unexpected end of statement while looking for matching single-quote");
      break;
    case errc::unterminated_double_quote:
      s("unexpected end of statement while looking for matching double-quote");
      break;
    case errc::missing_brace:
      s("syntax error: missing '}'");
      break;
    case errc::bad_substitution:
      s("syntax error: bad substitution");
      break;
    case errc::missing_slash:
      s("syntax error: missing '/' in ${}");
      break;
    case errc::unsupported_modifier:
      s("unsupported modifier (");
      sink(e.modifier_text());
      s(") in substitution");
      break;
    case errc::var_unset:
    case errc::var_empty:
      sink(e.name);
      s(": ");
      if (!e.text.empty()) {
        sink(e.text);
      } else {
        s(e.code == errc::var_unset ? "is not allowed to be unset" : "is not allowed to be empty");
      }
      break;
    case errc::invalid_pattern: {
      s("invalid pattern (");
      sink(e.text);
      s(") in substitution: invalid escape '\\");
      char tmp[4] = {};
      sink(std::string_view(tmp, ::dockimg::detail::encode_rune(e.rune, tmp)));
      s("'");
      break;
    }
    case errc::nesting_too_deep:
      s("variable expansions nested too deeply");
      break;
    case errc::no_space:
      s("output buffer too small");
      break;
  }
}

/// Writes BuildKit's message for an error of the call that processed `input`:
/// `failed to process "<input, Go-quoted>": <text>`. `sink` receives `std::string_view` pieces.
template <class Sink>
void write_message(std::string_view input, const error_detail& e, Sink&& sink) {
  if (e.code == errc::ok) return;
  sink(std::string_view("failed to process "));
  ::dockimg::detail::write_go_quote(input, sink);
  sink(std::string_view(": "));
  write_inner_message(e, sink);
}

/// `write_message` into a `std::string` (allocates; a convenience outside the parse path).
[[nodiscard]] inline std::string message(std::string_view input, const error_detail& e) {
  std::string s;
  write_message(input, e, [&s](std::string_view piece) { s.append(piece.data(), piece.size()); });
  return s;
}

}  // namespace shell
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_SHELL_HPP

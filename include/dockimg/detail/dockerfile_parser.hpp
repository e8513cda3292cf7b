// SPDX-License-Identifier: Apache-2.0
/// @file detail/dockerfile_parser.hpp
/// @brief Implementation of dockerfile.hpp. Internal: include <dockimg/dockerfile.hpp> instead.
#ifndef DOCKIMG_DETAIL_DOCKERFILE_PARSER_HPP
#define DOCKIMG_DETAIL_DOCKERFILE_PARSER_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "../dockerfile.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

DOCKIMG_BEGIN_NAMESPACE
namespace dockerfile {
namespace detail_text {

#if defined(__GNUC__) || defined(__clang__)
#define DOCKIMG_DF_ALWAYS_INLINE __attribute__((always_inline))
#else
#define DOCKIMG_DF_ALWAYS_INLINE
#endif

using std::size_t;
using std::string_view;

/// `s.substr(pos, n)` without the bounds check (callers guarantee `pos + n <= s.size()`).
constexpr string_view sub(string_view s, size_t pos, size_t n) noexcept { return string_view(s.data() + pos, n); }

/// `s.substr(pos)` without the bounds check (callers guarantee `pos <= s.size()`).
constexpr string_view tail(string_view s, size_t pos) noexcept { return string_view(s.data() + pos, s.size() - pos); }

/// `unicode.IsSpace` of one byte taken as a rune (so 0x85 and 0xA0 count), as a table lookup.
constexpr bool space_byte(unsigned char c) noexcept {
  return ((dockimg::detail::latin1_space_bits[c >> 5] >> (c & 31)) & 1u) != 0;
}

/// `unicode.IsSpace` with the Latin-1 range inlined.
constexpr bool space_rune(char32_t r) noexcept {
  return r <= 0xFF ? space_byte(static_cast<unsigned char>(r)) : dockimg::detail::is_space(r);
}

/// True during constant evaluation (the block scans below are runtime-only).
constexpr bool constant_evaluation() noexcept {
#if defined(__GNUC__) || defined(__clang__) || defined(_MSC_VER)
  return __builtin_is_constant_evaluated();
#else
  return true;
#endif
}

/// Index of the lowest set bit of a non-zero mask.
inline int lowest_bit(std::uint64_t m) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_ctzll(m);
#else
  int n = 0;
  while ((m & 1u) == 0) {
    m >>= 1;
    ++n;
  }
  return n;
#endif
}

/// Eight bytes at `p` as an integer (unaligned load).
inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

/// `space_prefix` past the ASCII fast path: decodes runes from `i` on.
constexpr size_t space_prefix_from(string_view s, size_t i) noexcept {
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (!space_byte(c)) break;
      ++i;
      continue;
    }
    const auto d = dockimg::detail::decode_rune(detail_text::tail(s, i));
    if (d.size == 1 || !space_rune(d.rune)) break;
    i += d.size;
  }
  return i;
}

/// `space_prefix` once the indentation (`i` bytes of spaces and tabs) is skipped.
inline size_t space_prefix_after(string_view s, size_t i) noexcept {
  if (i == s.size()) return i;
  const auto c = static_cast<unsigned char>(s[i]);
  if (c > ' ' && c < 0x80) return i;
  return space_prefix_from(s, i);
}

/// `space_prefix` past its first byte.
inline size_t space_prefix_slow(string_view s) noexcept {
  // Indentation: a run of spaces and tabs, sixteen bytes at a time where SSE2 is available.
  size_t i = 0;
  const size_t n = s.size();
#if defined(__SSE2__)
  const __m128i sp = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const auto m = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab))));
    if (m != 0xFFFFu) return space_prefix_after(s, i + static_cast<size_t>(lowest_bit(~m)));
  }
#endif
  while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
  return space_prefix_after(s, i);
}

/// Bytes of leading `unicode.IsSpace` runes (Go `TrimLeftFunc(s, unicode.IsSpace)`).
DOCKIMG_DF_ALWAYS_INLINE inline size_t space_prefix(string_view s) noexcept {
  // Fast path: most strings start with a printable ASCII character.
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c > ' ' && c < 0x80) return 0;
  return space_prefix_slow(s);
}
#undef DOCKIMG_DF_ALWAYS_INLINE

/// True for bytes the word splitter must look at: non-ASCII, spaces, quotes and both escapes.
constexpr bool word_special(unsigned char c) noexcept {
  return c >= 0x80 || c <= ' ' || c == '"' || c == '\'' || c == '\\' || c == '`';
}

/// The first index at or after `p` (and before `n`) of a `word_special` byte, or `n`: sixteen
/// bytes at a time where SSE2 is available.
inline size_t skip_plain(const char* s, size_t p, size_t n) noexcept {
#if defined(__SSE2__)
  const __m128i low = _mm_set1_epi8(0x21);  // signed: bytes >= 0x80 are negative, below too
  const __m128i dq = _mm_set1_epi8('"');
  const __m128i sq = _mm_set1_epi8('\'');
  const __m128i bs = _mm_set1_epi8('\\');
  const __m128i bt = _mm_set1_epi8('`');
  while (p + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + p));
    const __m128i q = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dq), _mm_cmpeq_epi8(v, sq)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, bs), _mm_cmpeq_epi8(v, bt)));
    const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(q, _mm_cmplt_epi8(v, low))));
    if (m != 0) return p + static_cast<size_t>(lowest_bit(m));
    p += 16;
  }
#endif
  while (p < n && !word_special(static_cast<unsigned char>(s[p]))) ++p;
  return p;
}

/// The first index at or after `p` of an ASCII blank (`[\t\v\f\r ]`, BuildKit's splitCommand
/// and whitespace-list separators), or `s.size()`.
inline size_t find_blank(string_view s, size_t p) noexcept {
  const size_t n = s.size();
#if defined(__SSE2__)
  const __m128i sp = _mm_set1_epi8(' ');
  const __m128i b8 = _mm_set1_epi8(8);
  const __m128i b14 = _mm_set1_epi8(14);
  const __m128i nl = _mm_set1_epi8('\n');
  while (p + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + p));
    const __m128i ctl = _mm_andnot_si128(_mm_cmpeq_epi8(v, nl),
                                         _mm_and_si128(_mm_cmpgt_epi8(v, b8), _mm_cmplt_epi8(v, b14)));
    const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(ctl, _mm_cmpeq_epi8(v, sp))));
    if (m != 0) return p + static_cast<size_t>(lowest_bit(m));
    p += 16;
  }
#endif
  while (p < n && !dockimg::detail::is_ascii_blank(s[p])) ++p;
  return p;
}

/// True when `s` has a byte >= 0x80 (eight bytes at a time).
inline bool has_non_ascii(string_view s) noexcept {
  size_t i = 0;
  std::uint64_t acc = 0;
  for (; i + 8 <= s.size(); i += 8) acc |= load8(s.data() + i);
  for (; i < s.size(); ++i) acc |= static_cast<unsigned char>(s[i]);
  return (acc & 0x8080808080808080ull) != 0;
}

/// `space_suffix` without the fast path.
constexpr size_t space_suffix_slow(string_view s) noexcept {
  size_t end = s.size();
  while (end > 0) {
    const auto c = static_cast<unsigned char>(s[end - 1]);
    if (c < 0x80) {
      if (!space_byte(c)) break;
      --end;
      continue;
    }
    // Go's utf8.DecodeLastRuneInString.
    size_t start = end - 1;
    const size_t lim = end >= 4 ? end - 4 : 0;
    while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    const auto d = dockimg::detail::decode_rune(s.substr(start, end - start));
    if (start + d.size != end || d.size == 1 || !space_rune(d.rune)) break;
    end = start;
  }
  return s.size() - end;
}

/// Bytes of trailing `unicode.IsSpace` runes (Go `TrimRightFunc(s, unicode.IsSpace)`).
constexpr size_t space_suffix(string_view s) noexcept {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s.back());
  if (c > ' ' && c < 0x80) return 0;  // the usual case: nothing to trim
  return space_suffix_slow(s);
}

/// Finds the newlines of a text in order, 64 bytes at a time: each block of the source is scanned
/// once into a bit mask, and every line end is then a count-trailing-zeros away (lines are short,
/// so this beats a `memchr` call per line).
class newline_finder {
 public:
  explicit newline_finder(string_view s) noexcept : s_(s) {}

  /// Offset of the next `\n` (each is returned once, in order), or the size of the text.
  size_t next() noexcept {
    while (mask_ == 0) {
      if (next_block_ >= s_.size()) return s_.size();
      load(next_block_);
      next_block_ += 64;
    }
    const size_t at = next_block_ - 64 + static_cast<size_t>(lowest_bit(mask_));
    mask_ &= mask_ - 1;
    return at;
  }

 private:
  void load(size_t block) noexcept {
    const char* p = s_.data() + block;
    const size_t n = s_.size() - block < 64 ? s_.size() - block : 64;
#if defined(__SSE2__)
    char tail[64];
    if (n < 64) {  // the last, partial block: scan a zero-padded copy
      std::memset(tail, 0, sizeof(tail));
      std::memcpy(tail, p, n);
      p = tail;
    }
    const __m128i nl = _mm_set1_epi8('\n');
    std::uint64_t m = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      m |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))))
           << (16 * k);
    }
    mask_ = m;
#else
    std::uint64_t m = 0;
    for (size_t k = 0; k < n; ++k) m |= static_cast<std::uint64_t>(p[k] == '\n') << k;
    mask_ = m;
#endif
  }

  string_view s_;
  size_t next_block_ = 0;
  std::uint64_t mask_ = 0;
};

/// Go `bytes.TrimRight(s, "\r\n")`.
constexpr string_view trim_newline(string_view s) noexcept {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

/// BuildKit's `isComment`: the first non-space byte is `#`.
inline bool is_comment(string_view s) noexcept {
  const size_t i = space_prefix(s);
  return i < s.size() && s[i] == '#';
}

/// RE2 `\s`: `[\t\n\f\r ]`.
constexpr bool is_re_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/// True when `s` contains an invalid UTF-8 sequence.
inline bool has_invalid_utf8(string_view s) noexcept {
  if (!has_non_ascii(s)) return false;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const auto d = dockimg::detail::decode_rune(detail_text::tail(s, i));
    if (d.size == 1) return true;
    i += d.size;
  }
  return false;
}

/// Length of `s` once every invalid byte is replaced by U+FFFD.
constexpr size_t sanitized_length(string_view s) noexcept {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      ++n;
      continue;
    }
    const auto d = dockimg::detail::decode_rune(detail_text::tail(s, i));
    n += d.size == 1 ? 3 : d.size;
    i += d.size;
  }
  return n;
}

/// Writes `s` with every invalid byte replaced by U+FFFD; returns the bytes written.
inline size_t sanitize(string_view s, char* out) noexcept {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out[n++] = s[i++];
      continue;
    }
    const auto d = dockimg::detail::decode_rune(detail_text::tail(s, i));
    if (d.size == 1) {
      n += dockimg::detail::encode_rune(dockimg::detail::replacement_char, out + n);
    } else {
      std::memcpy(out + n, s.data() + i, d.size);
      n += d.size;
    }
    i += d.size;
  }
  return n;
}

/// Result of matching BuildKit's directive regexp `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
struct directive_parts {
  bool matched = false;
  string_view key;
  size_t value_begin = 0;
  size_t value_end = 0;
};

/// Matches the directive regexp against `s` (the text after the comment prefix and spaces).
constexpr directive_parts match_directive(string_view s) noexcept {
  directive_parts r;
  const size_t n = s.size();
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto alnum = [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); };
  if (n == 0 || !alpha(s[0])) return r;
  size_t i = 1;
  while (i < n && alnum(s[i])) ++i;
  r.key = s.substr(0, i);
  size_t j = i;
  while (j < n && is_re_space(s[j])) ++j;
  if (j >= n || s[j] != '=') return r;
  ++j;
  size_t k = j;
  while (k < n && is_re_space(s[k])) ++k;
  if (k < n) {
    size_t e = n;
    while (e > k && is_re_space(s[e - 1])) --e;
    r.value_begin = k;
    r.value_end = e;
  } else if (j < n) {
    // Only whitespace after '=': the lazy `.+?` still takes one character (the last one).
    r.value_begin = n - 1;
    r.value_end = n;
  } else {
    return r;
  }
  r.matched = true;
  return r;
}

}  // namespace detail_text

/// parseWords: splits on Unicode spaces outside quotes; words keep quotes and escapes.
/// Calls `f(begin, end)` with offsets into `s` for each word (trailing lone escape excluded).
template <class F>
constexpr bool split_words(std::string_view s, char esc, F&& f) noexcept {
using std::size_t;
  const size_t n = s.size();
  size_t p = 0;
  for (;;) {
    // inSpaces
    for (;;) {
      if (p == n) return true;
      const auto d = static_cast<unsigned char>(s[p]) < 0x80
                         ? dockimg::detail::decoded_rune{static_cast<unsigned char>(s[p]), 1}
                         : dockimg::detail::decode_rune(detail_text::tail(s, p));
      if (!detail_text::space_rune(d.rune)) break;
      p += d.size;
    }
    const size_t start = p;
    size_t stop = n;
    bool in_quote = false;
    char32_t quote = 0;
    bool ended = false;
    while (p < n) {
      // Fast path: ASCII bytes that are neither space, quote nor an escape character.
      if (!detail_text::word_special(static_cast<unsigned char>(s[p]))) {
        p = detail_text::constant_evaluation() ? p + 1 : detail_text::skip_plain(s.data(), p + 1, n);
        continue;
      }
      auto d = static_cast<unsigned char>(s[p]) < 0x80
                   ? dockimg::detail::decoded_rune{static_cast<unsigned char>(s[p]), 1}
                   : dockimg::detail::decode_rune(detail_text::tail(s, p));
      const char32_t ch = d.rune;
      if (!in_quote) {
        if (detail_text::space_rune(ch)) {
          stop = p;
          p += d.size;
          ended = true;
          break;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          in_quote = true;
        }
        if (ch == static_cast<unsigned char>(esc)) {
          if (p + d.size == n) {
            stop = p;
            p = n;
            break;
          }
          p += d.size;
          d = dockimg::detail::decode_rune(detail_text::tail(s, p));
        }
        p += d.size;
      } else {
        if (ch == quote) in_quote = false;
        if (ch == static_cast<unsigned char>(esc) && quote != '\'') {
          if (p + d.size == n) {
            stop = p;
            p = n;
            break;
          }
          p += d.size;
          d = dockimg::detail::decode_rune(detail_text::tail(s, p));
        }
        p += d.size;
      }
    }
    if (stop > start) {
      if (!f(start, stop)) return false;
    }
    if (!ended) return true;
  }
}

inline heredoc_word_result parse_heredoc_word(std::string_view w, arena& scratch) noexcept {
  using std::size_t;
  using std::string_view;
  heredoc_word_result res;
  size_t i = 0;
  while (i < w.size() && w[i] >= '0' && w[i] <= '9') ++i;
  const string_view digits = w.substr(0, i);
  if (w.substr(i, 2) != "<<") return res;
  i += 2;
  bool chomp = false;
  if (i < w.size() && w[i] == '-') {
    chomp = true;
    ++i;
  }
  while (i < w.size() && detail_text::is_re_space(w[i])) ++i;
  const string_view rest = w.substr(i);
  if (rest.empty() || rest.find('<') != string_view::npos) return res;
  res.rest = rest;
  std::uint64_t fd = 0;
  for (char c : digits) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (fd > (UINT64_MAX - d) / 10) {  // Go's ParseUint saturates on overflow
      fd = UINT64_MAX;
      break;
    }
    fd = fd * 10 + d;
  }
  // Small names (the usual case) are lexed on the stack; only the name is kept in the arena.
  constexpr size_t small = 128;
  char stack_buf[2][shell::scratch_bound(small)];
  string_view stack_words[2][shell::words_bound(small) + 1];
  const size_t max_words = shell::words_bound(rest) + 1;
  const size_t cap = shell::scratch_bound(rest);
  const bool on_stack = rest.size() <= small;
  string_view* words = on_stack ? stack_words[0] : scratch.make_scratch<string_view>(max_words);
  string_view* raw_words = on_stack ? stack_words[1] : scratch.make_scratch<string_view>(max_words);
  char* buf1 = on_stack ? stack_buf[0] : scratch.make_text(cap);
  char* buf2 = on_stack ? stack_buf[1] : scratch.make_text(cap);
  if (words == nullptr || raw_words == nullptr || buf1 == nullptr || buf2 == nullptr) {
    res.status = heredoc_status::out_of_storage;
    return res;
  }
  shell::options opt;
  opt.escape = '\\';
  opt.skip_unset_env = true;
  const shell::environment env{};
  const auto r1 = shell::process_words(rest, env, opt, buf1, cap, words, max_words);
  if (r1.code != shell::errc::ok) {
    res.status = heredoc_status::lex_error;
    res.lexer = r1;
    return res;
  }
  if (r1.count != 1) return res;
  opt.raw_quotes = true;
  const auto r2 = shell::process_words(rest, env, opt, buf2, cap, raw_words, max_words);
  if (r2.code != shell::errc::ok) {
    res.status = heredoc_status::lex_error;
    res.lexer = r2;
    return res;
  }
  if (r2.count != 1) {
    res.status = heredoc_status::inconsistent;
    return res;
  }
  string_view name = words[0];
  if (on_stack) {
    char* keep = scratch.make_text(name.size());
    if (keep == nullptr && !name.empty()) {
      res.status = heredoc_status::out_of_storage;
      return res;
    }
    if (!name.empty()) std::memcpy(keep, name.data(), name.size());
    name = string_view(keep, name.size());
  }
  auto quotes = [](string_view x) {
    size_t q = 0;
    for (char c : x) q += (c == '\'' || c == '"') ? 1 : 0;
    return q;
  };
  res.status = heredoc_status::heredoc;
  res.value.name = name;
  res.value.fd = fd;
  res.value.chomp = chomp;
  res.value.expand = quotes(words[0]) == quotes(raw_words[0]);
  return res;
}

inline std::size_t chomp_heredoc(std::string_view content, char* out) noexcept {
  std::size_t n = 0;
  bool at_line_start = true;
  for (char c : content) {
    if (at_line_start && c == '\t') continue;
    at_line_start = c == '\n';
    out[n++] = c;
  }
  return n;
}


template <class F>
heredoc_word_result find_heredocs(std::string_view line, arena& scratch, F&& on_heredoc) noexcept {
  heredoc_word_result res;
  shell::options opt;
  opt.escape = '\\';
  opt.raw_quotes = true;
  opt.raw_escapes = true;
  opt.skip_unset_env = true;
  const std::size_t cap = shell::scratch_bound(line);
  char* buf = scratch.make_text(cap);
  const std::size_t max_words = shell::words_bound(line) + 1;
  auto* words = scratch.make_scratch<std::string_view>(max_words);
  if ((buf == nullptr && cap > 0) || words == nullptr) {
    res.status = heredoc_status::out_of_storage;
    return res;
  }
  const shell::environment env{};
  const auto r = shell::process_words(line, env, opt, buf, cap, words, max_words);
  if (r.code != shell::errc::ok) return res;  // lexer errors disable heredocs silently
  for (std::size_t i = 0; i < r.count; ++i) {
    const auto h = parse_heredoc_word(words[i], scratch);
    if (h.status == heredoc_status::not_heredoc) continue;
    if (h.status != heredoc_status::heredoc) return h;
    res.status = heredoc_status::heredoc;
    if (!on_heredoc(h.value)) {
      res.status = heredoc_status::out_of_storage;
      return res;
    }
  }
  return res;
}

/// The parser proper (also the one place allowed to fill instructions and documents).
struct detail_parser_access {
  using size_t = std::size_t;
  using string_view = std::string_view;

  static constexpr size_t max_line = 65535;

  struct phys_line {
    size_t begin = 0;
    size_t end = 0;
  };

  string_view src;
  arena& mem;
  detail_text::newline_finder newlines;
  document doc;
  size_t pos = 0;
  std::uint32_t current_line = 0;
  bool scanner_error = false;
  bool directives_done = false;
  bool seen_syntax = false;
  bool seen_escape = false;
  bool seen_check = false;
  char esc = '\\';

  // Per-instruction state.
  string_view line;                 // the joined logical line
  const line_piece* pieces = nullptr;
  size_t n_pieces = 0;
  std::uint32_t start_line = 0;
  instruction* last = nullptr;
  comment* comments = nullptr;
  size_t n_comments = 0;
  directive* directives = nullptr;

  detail_parser_access(string_view s, arena& a) noexcept : src(s), mem(a), newlines(s) { doc.source_ = s; }

  // --- errors --------------------------------------------------------------------------------

  bool fail(errc code, std::uint32_t l0, std::uint32_t l1, source_range r, string_view detail = {}) noexcept {
    if (doc.error_.code != errc::ok) return false;
    doc.error_.code = code;
    doc.error_.level = severity::error;
    doc.error_.start_line = l0;
    doc.error_.end_line = l1 < l0 ? l0 : l1;
    doc.error_.range = r;
    doc.error_.detail = detail;
    return false;
  }
  bool oom() noexcept { return fail(errc::out_of_storage, current_line, current_line, {}); }

  // --- physical lines (bufio.Scanner with BuildKit's scanLines) -------------------------------

  bool next_line(phys_line& l) noexcept {
    if (scanner_error || pos >= src.size()) return false;
    const size_t e = newlines.next();
    if (e - pos > max_line) {
      scanner_error = true;
      return false;
    }
    l.begin = pos;
    l.end = e;
    pos = e < src.size() ? e + 1 : e;
    return true;
  }
  string_view text(const phys_line& l) const noexcept { return detail_text::sub(src, l.begin, l.end - l.begin); }
  std::uint32_t off(const char* p) const noexcept { return static_cast<std::uint32_t>(p - src.data()); }

  // --- joined-line positions --------------------------------------------------------------------

  std::uint32_t map(size_t joined) const noexcept {
    if (n_pieces == 1) {
      return static_cast<std::uint32_t>(pieces[0].source_offset + (joined < pieces[0].size ? joined : pieces[0].size));
    }
    if (n_pieces == 0) return 0;
    // The last piece that starts at or before `joined`: the first or the last piece (the usual
    // cases: an instruction's first and last words), else a binary search (pieces can be many).
    size_t lo = 0;
    size_t hi = n_pieces;
    if (joined < pieces[1].joined_offset) {
      hi = 1;
    } else if (pieces[n_pieces - 1].joined_offset <= joined) {
      lo = n_pieces - 1;
    }
    while (hi - lo > 1) {
      const size_t mid = lo + (hi - lo) / 2;
      if (pieces[mid].joined_offset <= joined) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    size_t d = joined - pieces[lo].joined_offset;
    if (d > pieces[lo].size) d = pieces[lo].size;
    return static_cast<std::uint32_t>(pieces[lo].source_offset + d);
  }
  source_range map_range(size_t b, size_t e) const noexcept {
    if (e <= b) {
      const auto p = map(b);
      return {p, p};
    }
    return {map(b), map(e - 1) + 1};
  }
  size_t joff(string_view s) const noexcept { return static_cast<size_t>(s.data() - line.data()); }

  // --- directives ----------------------------------------------------------------------------

  /// BuildKit's possibleParserDirective on a left-trimmed line; returns false on error.
  bool directive_line(string_view token, bool& is_directive) noexcept {
    is_directive = false;
    if (directives_done) return true;
    if (token.empty() || token[0] != '#') {
      directives_done = true;
      return true;
    }
    string_view rest = token.substr(1);
    rest.remove_prefix(detail_text::space_prefix(rest));
    const auto m = detail_text::match_directive(rest);
    if (!m.matched) {
      directives_done = true;
      return true;
    }
    string_view name;
    bool* seen = nullptr;
    if (dockimg::detail::iequals_ascii(m.key, "syntax")) {
      name = "syntax";
      seen = &seen_syntax;
    } else if (dockimg::detail::iequals_ascii(m.key, "escape")) {
      name = "escape";
      seen = &seen_escape;
    } else if (dockimg::detail::iequals_ascii(m.key, "check")) {
      name = "check";
      seen = &seen_check;
    } else {
      directives_done = true;
      return true;
    }
    const string_view value = rest.substr(m.value_begin, m.value_end - m.value_begin);
    const source_range vr{off(value.data()), off(value.data()) + static_cast<std::uint32_t>(value.size())};
    if (*seen) {
      return fail(errc::duplicate_directive, current_line, current_line, {off(token.data()), off(token.data())}, name);
    }
    *seen = true;
    if (name == "escape") {
      if (value != "`" && value != "\\") {
        return fail(errc::invalid_escape_token, current_line, current_line, vr, value);
      }
      esc = value[0];
    }
    auto* d = mem.make_scratch<directive>(1);
    if (d == nullptr) return oom();
    // Directives are few: keep them as a list that grows downwards, reversed at the end.
    *d = directive{name, value, current_line + 1, vr};
    directives = d;
    ++doc.n_directives_;
    is_directive = true;
    return true;
  }

  // --- the main loop -------------------------------------------------------------------------

  document run() noexcept {
    if (src.size() >= 0xFFFFFFF0u) return finish(fail(errc::input_too_large, 0, 0, {}));
    phys_line l;
    while (next_line(l)) {
      if (current_line == 0 && src.substr(l.begin, 3) == "\xEF\xBB\xBF" && l.end - l.begin >= 3) l.begin += 3;
      const string_view raw = text(l);
      const size_t lead = detail_text::space_prefix(raw);
      const bool comment_line = lead < raw.size() && raw[lead] == '#';
      if (comment_line) {
        string_view c = raw.substr(1);
        c.remove_prefix(detail_text::space_prefix(c));
        c.remove_suffix(detail_text::space_suffix(c));
        if (c.empty()) {
          n_comments = 0;
          comments = nullptr;
        } else {
          // Consecutive comment records are contiguous: nothing else is taken from the front
          // between two comment lines (a directive's record lives at the back).
          comment* rec = mem.make_records<comment>(1);
          if (rec == nullptr) return finish(oom());
          if (comments == nullptr) comments = rec;
          *rec = comment{c, {off(c.data()), off(c.data()) + static_cast<std::uint32_t>(c.size())}, current_line + 1};
          ++n_comments;
        }
      }
      string_view token = detail_text::trim_newline(raw);
      token.remove_prefix(lead < token.size() ? lead : token.size());
      bool is_directive = false;
      if (!directive_line(token, is_directive)) return finish(false);
      if (is_directive && n_comments > 0) {
        --n_comments;
        mem.drop_records<comment>(1);  // the directive's comment was the last record taken
      }
      if (comment_line) token = token.substr(0, 0);
      ++current_line;
      start_line = current_line;
      bool eol = true;
      token = trim_continuation(token, eol);
      if (eol && token.empty()) continue;
      if (!read_instruction(token, eol)) return finish(false);
    }
    if (doc.first_ == nullptr) {
      fail(errc::no_instructions, current_line, current_line, {static_cast<std::uint32_t>(src.size()), static_cast<std::uint32_t>(src.size())});
    } else if (scanner_error) {
      const auto p = static_cast<std::uint32_t>(pos);
      fail(errc::line_too_long, current_line, current_line, {p, p});
    }
    return finish(true);
  }

  document finish(bool) noexcept {
    finish_directives();
    doc.escape_ = esc;
    return doc;
  }

  void finish_directives() noexcept {
    // make_scratch hands out decreasing addresses: the list is stored last-first. Reverse it.
    if (doc.n_directives_ == 0) return;
    directive* d = directives;
    for (size_t i = 0, j = doc.n_directives_ - 1; i < j; ++i, --j) {
      const directive t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
    doc.directives_ = d;
  }

  /// BuildKit's line-continuation regexp `([^e])e[ \t]*$|^e[ \t]*$` replaced by `$1`.
  string_view trim_continuation(string_view s, bool& eol) const noexcept {
    size_t k = s.size();
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t')) --k;
    eol = true;
    if (k == 0 || s[k - 1] != esc) return s;
    if (k >= 2 && s[k - 2] == esc) return s;
    eol = false;
    return detail_text::sub(s, 0, k - 1);
  }

  bool read_instruction(string_view first, bool eol) noexcept {
    // Pieces of the logical line.
    line_piece* pc = mem.make_records<line_piece>(1);
    if (pc == nullptr) return oom();
    pc[0] = line_piece{0, off(first.data()), static_cast<std::uint32_t>(first.size())};
    size_t np = 1;
    // The pieces of continuation lines are written straight after the first one (nothing else is
    // taken from the arena meanwhile) and committed once at the end.
    const size_t room = 1 + mem.available() / sizeof(line_piece);
    size_t total = first.size();
    bool has_empty = false;
    std::uint32_t empty_at = 0;
    phys_line c;
    while (!eol && next_line(c)) {
      const string_view craw = text(c);
      ++current_line;
      const size_t lead = detail_text::space_prefix(craw);
      if (lead < craw.size() && craw[lead] == '#') continue;  // isComment: dropped silently
      string_view t;
      const char end_byte = craw.empty() ? '\0' : craw.back();
      if (end_byte > ' ' && end_byte != esc) {
        // The usual last line: nothing to trim (and not empty: it ends with a printable byte).
        t = craw;
        eol = true;
      } else if (end_byte == esc && craw.size() >= 2 && craw[craw.size() - 2] != esc) {
        // The usual continued line: it ends with the escape character.
        t = detail_text::sub(craw, 0, craw.size() - 1);
      } else {
        t = detail_text::trim_newline(craw);
        if (lead >= t.size()) {
          if (!has_empty) empty_at = static_cast<std::uint32_t>(c.begin);
          has_empty = true;
          continue;
        }
        t = trim_continuation(t, eol);
      }
      if (np == room) return oom();
      pc[np] = line_piece{static_cast<std::uint32_t>(total), off(t.data()), static_cast<std::uint32_t>(t.size())};
      ++np;
      total += t.size();
    }
    if (np > 1 && mem.make_records<line_piece>(np - 1) != pc + 1) return oom();
    pieces = pc;
    n_pieces = np;
    if (np == 1) {
      line = first;
    } else {
      char* buf = mem.make_text(total);
      if (buf == nullptr && total > 0) return oom();
      for (size_t i = 0; i < np; ++i) {
        if (pc[i].size > 0) std::memcpy(buf + pc[i].joined_offset, src.data() + pc[i].source_offset, pc[i].size);
      }
      line = string_view(buf, total);
    }
    const std::uint32_t warn_line = has_empty ? current_line : 0;

    instruction* node = parse_node(line, 0);
    if (node == nullptr) {
      if (doc.error_.code == errc::ok) oom();
      doc.error_.start_line = start_line;
      doc.error_.end_line = current_line;
      return false;
    }
    node->comments_ = comments;
    node->n_comments_ = static_cast<std::uint32_t>(n_comments);
    node->pieces_ = pc;
    node->n_pieces_ = static_cast<std::uint32_t>(np);
    node->warning_line_ = warn_line;
    node->warning_offset_ = empty_at;
    if (warn_line != 0) ++doc.n_warnings_;
    node->start_line_ = start_line;

    if (can_contain_heredoc(*node) && line.find("<<") != string_view::npos) {
      if (!read_heredocs(*node)) return false;
    }
    node->end_line_ = current_line;
    // Source range: keyword start to the end of the last line consumed.
    size_t end = pos;
    if (end > 0 && end <= src.size() && src[end - 1] == '\n') --end;
    node->range_ = {node->name_range_.begin, static_cast<std::uint32_t>(end)};
    if (doc.first_ == nullptr) doc.first_ = node;
    if (last != nullptr) last->next_ = node;
    last = node;
    doc.last_ = node;
    ++doc.size_;
    comments = nullptr;
    n_comments = 0;
    return true;
  }

  static bool can_contain_heredoc(const instruction& n) noexcept {
    const instruction* t = &n;
    if (n.kind_ == keyword::onbuild && n.trigger_ != nullptr) t = n.trigger_;
    if (t->kind_ != keyword::run && t->kind_ != keyword::copy && t->kind_ != keyword::add) return false;
    return !t->json_;
  }

  // --- node construction (newNodeFromLine and the dispatch table) -----------------------------

  /// Parses `s` (a substring of `line`) into a node, iteratively for ONBUILD chains.
  instruction* parse_node(string_view s, int /*depth*/) noexcept {
    instruction* top = nullptr;
    instruction* parent = nullptr;
    for (;;) {
      instruction* n = mem.make_records<instruction>(1);
      if (n == nullptr) return nullptr;
      *n = instruction();
      n->original_ = s;
      if (parent != nullptr) parent->trigger_ = n;
      if (top == nullptr) top = n;
      // splitCommand: TrimSpace, then split at the first run of [\t\v\f\r ].
      string_view t = s;
      t.remove_prefix(detail_text::space_prefix(t));
      t.remove_suffix(detail_text::space_suffix(t));
      const size_t k = detail_text::find_blank(t, 0);
      n->name_ = detail_text::sub(t, 0, k);
      n->name_range_ = map_range(joff(t), joff(t) + k);
      n->kind_ = keyword_from(n->name_);
      string_view args;
      if (k < t.size()) {
        size_t m = k;
        while (m < t.size() && dockimg::detail::is_ascii_blank(t[m])) ++m;
        const string_view rest = detail_text::tail(t, m);
        size_t args_at = 0;
        if (!extract_flags(*n, rest, args_at)) return nullptr;
        args = detail_text::tail(rest, args_at);
        args.remove_prefix(detail_text::space_prefix(args));
        args.remove_suffix(detail_text::space_suffix(args));
      }
      if (n->kind_ == keyword::onbuild) {
        if (args.empty()) return top;
        parent = n;
        s = args;
        continue;
      }
      if (!dispatch(*n, args)) return nullptr;
      return top;
    }
  }

  // extractBuilderFlags, byte by byte.
  struct flag_scan {
    size_t end = 0;
    size_t out_len = 0;
    bool plain = true;
    bool at_space = false;
  };

  flag_scan scan_flag(string_view s, size_t p, char* out) const noexcept {
    flag_scan r;
    bool in_quote = false;
    char quote = 0;
    const size_t n = s.size();
    auto emit = [&](unsigned char ch) {
      if (ch >= 0x80) {
        r.plain = false;
        if (out) {
          out[r.out_len] = static_cast<char>(0xC0 | (ch >> 6));
          out[r.out_len + 1] = static_cast<char>(0x80 | (ch & 0x3F));
        }
        r.out_len += 2;
      } else {
        if (out) out[r.out_len] = static_cast<char>(ch);
        r.out_len += 1;
      }
    };
    for (; p <= n; ++p) {
      if (p == n) {
        r.end = n;
        return r;
      }
      auto ch = static_cast<unsigned char>(s[p]);
      if (!in_quote) {
        if (!detail_text::word_special(ch)) {
          // A run of printable ASCII that is neither a quote nor an escape is copied as is.
          const size_t q = detail_text::skip_plain(s.data(), p + 1, n);
          if (out) std::memcpy(out + r.out_len, s.data() + p, q - p);
          r.out_len += q - p;
          p = q - 1;
          continue;
        }
        if (detail_text::space_byte(ch)) {
          r.end = p;
          r.at_space = true;
          return r;
        }
        if (ch == '\'' || ch == '"') {
          quote = static_cast<char>(ch);
          in_quote = true;
          r.plain = false;
          continue;
        }
        if (ch == static_cast<unsigned char>(esc)) {
          r.plain = false;
          if (p + 1 == n) continue;
          ++p;
          ch = static_cast<unsigned char>(s[p]);
        }
        emit(ch);
      } else {
        if (ch == static_cast<unsigned char>(quote)) {
          in_quote = false;
          continue;
        }
        if (ch == static_cast<unsigned char>(esc)) {
          r.plain = false;
          if (p + 1 == n) {
            in_quote = false;
            continue;
          }
          ++p;
          ch = static_cast<unsigned char>(s[p]);
        }
        emit(ch);
      }
    }
    r.end = n;
    return r;
  }

  bool extract_flags(instruction& n, string_view s, size_t& args_at) noexcept {
    flag* first = nullptr;
    size_t count = 0;
    size_t p = 0;
    const size_t len = s.size();
    for (;;) {
      while (p < len && detail_text::space_byte(static_cast<unsigned char>(s[p]))) ++p;
      if (p == len) {
        args_at = len;
        break;
      }
      if (!(s[p] == '-' && p + 1 < len && s[p + 1] == '-')) {
        args_at = p;
        break;
      }
      const flag_scan f = scan_flag(s, p, nullptr);
      string_view value;
      if (f.plain) {
        value = detail_text::sub(s, p, f.end - p);
      } else {
        char* buf = mem.make_text(f.out_len);
        if (buf == nullptr) return oom();
        scan_flag(s, p, buf);
        value = string_view(buf, f.out_len);
      }
      const size_t word_begin = p;
      p = f.end;
      if (value == "--") {
        args_at = f.at_space ? p : len;
        break;
      }
      flag* rec = mem.make_records<flag>(1);
      if (rec == nullptr) return oom();
      if (first == nullptr) first = rec;
      *rec = flag{value, map_range(joff(s) + word_begin, joff(s) + p)};
      ++count;
      if (!f.at_space) {
        args_at = len;
        break;
      }
    }
    n.flags_ = first;
    n.n_flags_ = static_cast<std::uint32_t>(count);
    return true;
  }

  // --- argument parsers --------------------------------------------------------------------------

  word* push_word(instruction& n, string_view value, source_range r) noexcept {
    word* w = mem.make_records<word>(1);
    if (w == nullptr) return nullptr;
    *w = word{value, r};
    if (n.args_ == nullptr) n.args_ = w;
    ++n.n_args_;
    return w;
  }
  bool push_slice(instruction& n, string_view value) noexcept {
    const size_t b = joff(value);
    return push_word(n, value, map_range(b, b + value.size())) != nullptr || oom();
  }

  bool dispatch(instruction& n, string_view args) noexcept {
    switch (n.kind_) {
      case keyword::add:
      case keyword::copy:
      case keyword::volume: return parse_maybe_json_to_list(n, args);
      case keyword::cmd:
      case keyword::entrypoint:
      case keyword::run:
      case keyword::shell: return parse_maybe_json(n, args);
      case keyword::expose:
      case keyword::from: return parse_whitespace_list(n, args);
      case keyword::env: return parse_name_val(n, args, "ENV");
      case keyword::label: return parse_name_val(n, args, "LABEL");
      case keyword::arg: return parse_name_or_name_val(n, args);
      case keyword::maintainer:
      case keyword::stopsignal:
      case keyword::user:
      case keyword::workdir:
        if (args.empty()) return true;
        return push_slice(n, args);
      case keyword::healthcheck: return parse_health(n, args);
      case keyword::onbuild: return true;  // handled by parse_node
      case keyword::unknown:
      default: {
        // parseIgnore: one empty node.
        const auto at = n.name_range_.end;
        return push_word(n, string_view(), {at, at}) != nullptr || oom();
      }
    }
  }

  bool parse_whitespace_list(instruction& n, string_view s) noexcept {
    if (s.empty()) return true;
    size_t i = 0;
    for (;;) {
      size_t j = detail_text::find_blank(s, i);
      if (!push_slice(n, detail_text::sub(s, i, j - i))) return false;
      if (j == s.size()) return true;
      while (j < s.size() && dockimg::detail::is_ascii_blank(s[j])) ++j;
      i = j;
    }
  }

  enum class json_outcome { ok, not_json, error };

  json_outcome parse_json(instruction& n, string_view s) noexcept {
    s.remove_prefix(detail_text::space_prefix(s));
    if (s.empty() || s[0] != '[') return json_outcome::not_json;
    const size_t cap = dockimg::detail::json_buffer_bound(s);
    const size_t max = dockimg::detail::json_count_bound(s);
    char* buf = mem.make_text(cap);
    auto* out = mem.make_scratch<dockimg::detail::json_string>(max);
    if ((buf == nullptr && cap > 0) || (out == nullptr && max > 0)) {
      oom();
      return json_outcome::error;
    }
    size_t count = 0;
    const auto st = dockimg::detail::parse_json_string_array(s, buf, cap, out, max, count);
    switch (st) {
      case dockimg::detail::json_array_status::ok: break;
      case dockimg::detail::json_array_status::not_json: return json_outcome::not_json;
      case dockimg::detail::json_array_status::not_string_array: {
        const size_t b = joff(s);
        fail(errc::json_not_string_array, start_line, current_line, map_range(b, b + s.size()));
        return json_outcome::error;
      }
      default: oom(); return json_outcome::error;
    }
    const size_t base = joff(s);
    for (size_t i = 0; i < count; ++i) {
      if (push_word(n, out[i].value, map_range(base + out[i].raw_begin, base + out[i].raw_end)) == nullptr) {
        oom();
        return json_outcome::error;
      }
    }
    n.json_ = true;
    return json_outcome::ok;
  }

  bool parse_maybe_json(instruction& n, string_view s) noexcept {
    if (s.empty()) return true;
    switch (parse_json(n, s)) {
      case json_outcome::ok: return true;
      case json_outcome::error: return false;
      case json_outcome::not_json: break;
    }
    return push_slice(n, s);
  }

  bool parse_maybe_json_to_list(instruction& n, string_view s) noexcept {
    switch (parse_json(n, s)) {
      case json_outcome::ok: return true;
      case json_outcome::error: return false;
      case json_outcome::not_json: break;
    }
    return parse_whitespace_list(n, s);
  }

  bool parse_health(instruction& n, string_view s) noexcept {
    size_t sep = 0;
    while (sep < s.size() && !detail_text::space_byte(static_cast<unsigned char>(s[sep]))) ++sep;
    size_t next = sep;
    while (next < s.size() && detail_text::space_byte(static_cast<unsigned char>(s[next]))) ++next;
    if (sep == 0) return true;
    if (!push_slice(n, detail_text::sub(s, 0, sep))) return false;
    return parse_maybe_json(n, detail_text::tail(s, next));
  }

  template <class F>
  bool for_each_word(string_view s, F&& f) const noexcept {
    return split_words(s, esc, static_cast<F&&>(f));
  }

  /// A parseWords word as a value: a slice of `s`, or a sanitised copy when it has invalid UTF-8.
  bool word_value(string_view s, size_t b, size_t e, string_view& out) noexcept {
    const string_view raw = detail_text::sub(s, b, e - b);
    if (!detail_text::has_invalid_utf8(raw)) {
      out = raw;
      return true;
    }
    const size_t len = detail_text::sanitized_length(raw);
    char* buf = mem.make_text(len);
    if (buf == nullptr) return oom();
    detail_text::sanitize(raw, buf);
    out = string_view(buf, len);
    return true;
  }

  bool parse_name_or_name_val(instruction& n, string_view s) noexcept {
    const size_t base = joff(s);
    return for_each_word(s, [&](size_t b, size_t e) {
      string_view v;
      if (!word_value(s, b, e, v)) return false;
      return push_word(n, v, map_range(base + b, base + e)) != nullptr || oom();
    });
  }

  bool parse_name_val(instruction& n, string_view s, string_view key) noexcept {
    const size_t base = joff(s);
    // Is there a word at all, and does the first one contain '='?
    bool any = false;
    bool first_has_eq = false;
    for_each_word(s, [&](size_t b, size_t e) {
      any = true;
      first_has_eq = detail_text::sub(s, b, e - b).find('=') != string_view::npos;
      return false;
    });
    if (!any) return true;
    if (!first_has_eq) {
      size_t k = 0;
      while (k < s.size() && !dockimg::detail::is_ascii_blank(s[k])) ++k;
      if (k == s.size()) {
        return fail(errc::needs_two_arguments, start_line, current_line, map_range(base, base + s.size()), key);
      }
      size_t m = k;
      while (m < s.size() && dockimg::detail::is_ascii_blank(s[m])) ++m;
      if (!push_slice(n, detail_text::sub(s, 0, k)) || !push_slice(n, detail_text::tail(s, m))) return false;
      const auto at = map(base + s.size());
      return push_word(n, string_view(), {at, at}) != nullptr || oom();
    }
    return for_each_word(s, [&](size_t b, size_t e) {
      string_view v;
      if (!word_value(s, b, e, v)) return false;
      const size_t eq = v.find('=');
      if (eq == string_view::npos) {
        return fail(errc::missing_equals, start_line, current_line, map_range(base + b, base + e), v);
      }
      // The value is the word itself unless invalid UTF-8 was replaced.
      const size_t raw_eq = v.data() == s.data() + b ? eq : detail_text::sub(s, b, e - b).find('=');
      word* w = mem.make_records<word>(3);
      if (w == nullptr) return oom();
      w[0] = word{detail_text::sub(v, 0, eq), map_range(base + b, base + b + raw_eq)};
      w[1] = word{detail_text::tail(v, eq + 1), map_range(base + b + raw_eq + 1, base + e)};
      w[2] = word{detail_text::sub(v, eq, 1), map_range(base + b + raw_eq, base + b + raw_eq + 1)};
      if (n.args_ == nullptr) n.args_ = w;
      n.n_args_ += 3;
      return true;
    });
  }

  // --- heredocs ------------------------------------------------------------------------------

  bool read_heredocs(instruction& n) noexcept {
    heredoc* first = nullptr;
    size_t count = 0;
    const auto r = find_heredocs(line, mem, [&](const heredoc& h) {
      heredoc* rec = mem.make_records<heredoc>(1);
      if (rec == nullptr) return false;
      if (first == nullptr) first = rec;
      *rec = h;
      ++count;
      return true;
    });
    switch (r.status) {
      case heredoc_status::not_heredoc:
      case heredoc_status::heredoc: break;
      case heredoc_status::lex_error:
        fail(errc::heredoc_lexing, start_line, current_line, {map(0), map(0)}, r.rest);
        doc.error_.lexer = r.lexer;
        return false;
      case heredoc_status::inconsistent:
        return fail(errc::heredoc_inconsistent, start_line, current_line, {map(0), map(0)}, r.rest);
      case heredoc_status::out_of_storage:
      default: return oom();
    }
    n.heredocs_ = first;
    n.n_heredocs_ = static_cast<std::uint32_t>(count);
    for (size_t i = 0; i < count; ++i) {
      heredoc& h = first[i];
      const size_t body = pos;
      bool terminated = false;
      phys_line b;
      h.start_line = current_line + 1;
      while (next_line(b)) {
        ++current_line;
        string_view t = detail_text::trim_newline(text(b));
        if (h.chomp) {
          while (!t.empty() && t.front() == '\t') t.remove_prefix(1);
        }
        if (t == h.name) {
          terminated = true;
          h.content = detail_text::sub(src, body, b.begin - body);
          h.content_range = {static_cast<std::uint32_t>(body), static_cast<std::uint32_t>(b.begin)};
          h.end_line = current_line;
          break;
        }
      }
      if (!terminated) {
        const auto at = static_cast<std::uint32_t>(pos);
        return fail(errc::unterminated_heredoc, start_line, current_line, {n.name_range_.begin, at});
      }
    }
    return true;
  }
};

inline document parse(std::string_view source, arena& storage) noexcept {
  detail_parser_access p(source, storage);
  return p.run();
}

// --- DetectSyntax / ParseDirective -----------------------------------------------------------------

namespace detail_text {

/// DirectiveParser.ParseAll over `text` with comment prefix `prefix`, looking for `key`.
inline directive_match scan_directives(std::string_view key, std::string_view text, std::string_view prefix,
                                       std::uint32_t line) noexcept {
  directive_match m;
  bool seen[3] = {false, false, false};
  size_t p = 0;
  while (p < text.size()) {
    const size_t nl = text.find('\n', p);
    const size_t e = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = text.substr(p, e - p);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);  // bufio.ScanLines drops one \r
    p = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line;
    if (l.substr(0, prefix.size()) != prefix) break;
    l.remove_prefix(prefix.size());
    l.remove_prefix(space_prefix(l));
    const auto d = match_directive(l);
    if (!d.matched) break;
    int idx = -1;
    if (dockimg::detail::iequals_ascii(d.key, "syntax")) idx = 0;
    if (dockimg::detail::iequals_ascii(d.key, "escape")) idx = 1;
    if (dockimg::detail::iequals_ascii(d.key, "check")) idx = 2;
    if (idx < 0) break;
    if (seen[idx]) break;  // an error in ParseAll: stop with what was found
    seen[idx] = true;
    if (dockimg::detail::iequals_ascii(d.key, key)) {
      const std::string_view v = l.substr(d.value_begin, d.value_end - d.value_begin);
      m.found = true;
      m.cmdline = v;
      m.ref = v.substr(0, v.find(' '));
      m.line = line;
      return m;
    }
  }
  return m;
}

/// BuildKit's parseDirective preamble: BOM, then a `#!` first line.
inline std::string_view strip_bom_shebang(std::string_view text, std::uint32_t& line) noexcept {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  line = 0;
  const size_t nl = text.find('\n');
  const std::string_view first = text.substr(0, nl);
  if (first.substr(0, 2) == "#!") {
    line = 1;
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return text;
}

}  // namespace detail_text

inline directive_match find_directive(std::string_view key, std::string_view text) noexcept {
  std::uint32_t line = 0;
  text = detail_text::strip_bom_shebang(text, line);
  return detail_text::scan_directives(key, text, "#", line);
}

inline directive_match detect_syntax(std::string_view text, arena* scratch) noexcept {
  std::uint32_t line = 0;
  text = detail_text::strip_bom_shebang(text, line);
  auto m = detail_text::scan_directives("syntax", text, "#", line);
  if (m.found) return m;
  m = detail_text::scan_directives("syntax", text, "//", line);
  if (m.found) return m;
  std::string_view v;
  char* buf = nullptr;
  std::size_t cap = 0;
  if (scratch != nullptr) {
    cap = text.size() * 3;  // decoding never grows a string by more than three times
    buf = scratch->make_text(cap);
    if (buf == nullptr) cap = 0;
  }
  if (dockimg::detail::find_json_object_string_member(text, "syntax", buf, cap, v) ==
      dockimg::detail::json_member_status::found) {
    m.found = true;
    m.ref = v;
    m.cmdline = v;
    m.line = line;
  }
  return m;
}

// --- Dump ------------------------------------------------------------------------------------------

namespace detail_text {
/// Go `strings.ToLower` of a keyword (invalid bytes become U+FFFD).
template <class Sink>
void write_lower(std::string_view s, Sink& sink) {
  char buf[64];
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    if (n + 4 > sizeof(buf)) {
      sink(std::string_view(buf, n));
      n = 0;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      buf[n++] = dockimg::detail::ascii_lower(s[i]);
      ++i;
      continue;
    }
    const auto d = dockimg::detail::decode_rune(s.substr(i));
    n += dockimg::detail::encode_rune(d.size == 1 ? dockimg::detail::replacement_char : dockimg::detail::to_lower(d.rune), buf + n);
    i += d.size;
  }
  sink(std::string_view(buf, n));
}
}  // namespace detail_text

template <class Sink>
void dump(const instruction& top, Sink&& sink) {
  // Iterative over ONBUILD chains (their depth is bounded only by the input).
  std::size_t depth = 0;
  for (const instruction* ins = &top;; ins = ins->trigger()) {
    // Go's Dump trims the result: an empty keyword leaves no leading space.
    bool need_space = !ins->name().empty();
    detail_text::write_lower(ins->name(), sink);
    if (!ins->flags().empty()) {
      sink(std::string_view(need_space ? " [" : "["));
      need_space = true;
      bool first = true;
      for (const auto& f : ins->flags()) {
        if (!first) sink(std::string_view(" "));
        first = false;
        dockimg::detail::write_go_quote(f.text, sink);
      }
      sink(std::string_view("]"));
    }
    if (ins->trigger() != nullptr) {
      sink(std::string_view(need_space ? " (" : "("));
      ++depth;
      continue;
    }
    for (const auto& w : ins->args()) {
      if (need_space) sink(std::string_view(" "));
      need_space = true;
      dockimg::detail::write_go_quote(w.value, sink);
    }
    break;
  }
  for (; depth > 0; --depth) sink(std::string_view(")"));
}

template <class Sink>
void dump(const document& doc, Sink&& sink) {
  for (const auto& ins : doc.instructions()) {
    sink(std::string_view("("));
    dump(ins, sink);
    sink(std::string_view(")\n"));
  }
}

inline std::string dump_string(const document& doc) {
  std::string out;
  dump(doc, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

}  // namespace dockerfile
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_DOCKERFILE_PARSER_HPP

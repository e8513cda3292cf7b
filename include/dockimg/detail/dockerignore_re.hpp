// SPDX-License-Identifier: Apache-2.0
/// @file dockerignore_re.hpp
/// @brief Internals of the .dockerignore matcher: Go's `strings.TrimSpace` and `filepath.Clean`,
/// the `filepath.Match` syntax check, patternmatcher's pattern-to-regexp translation, and a small
/// allocation-free compiler and Thompson-NFA matcher for the RE2 subset that translation produces.
#ifndef DOCKIMG_DETAIL_DOCKERIGNORE_RE_HPP
#define DOCKIMG_DETAIL_DOCKERIGNORE_RE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../config.hpp"
#include "go_path.hpp"
#include "unicode.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

DOCKIMG_BEGIN_NAMESPACE
namespace detail {
namespace ignore {

/// Go's `strings.TrimSpace` (Unicode White_Space at both ends; U+FEFF is not a space).
[[nodiscard]] constexpr std::string_view trim_space(std::string_view s) noexcept {
  while (!s.empty()) {
    const decoded_rune d = decode_rune(s);
    if (d.size == 1 && d.rune == replacement_char) break;
    if (!is_space(d.rune)) break;
    s.remove_prefix(d.size);
  }
  while (!s.empty()) {
    // find the start of the last rune
    std::size_t start = s.size() - 1;
    std::size_t lim = s.size() >= 4 ? s.size() - 4 : 0;
    while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    decoded_rune d = decode_rune(s.substr(start));
    if (start + d.size != s.size()) {
      d = {replacement_char, 1};
      start = s.size() - 1;
    }
    if (d.size == 1 && d.rune == replacement_char) break;
    if (!is_space(d.rune)) break;
    s.remove_suffix(s.size() - start);
  }
  return s;
}

/// Go's `filepath.Clean` (POSIX). Writes the result to `out` (room for `max(in.size(), 1)` bytes)
/// and returns its length.
constexpr std::size_t clean(std::string_view in, char* out) noexcept { return detail::go_path_clean(in, out); }

/// True when `s` is already what `filepath.Clean` returns (fast check, conservative: may say false
/// for some clean strings such as a leading "..").
[[nodiscard]] constexpr bool looks_clean(std::string_view s) noexcept {
  if (s.empty() || s[0] == '/' || s.back() == '/') return false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      const std::size_t len = i - start;
      if (len == 0) return false;
      if (s[start] == '.' && (len == 1 || (len == 2 && s[start + 1] == '.'))) return false;
      start = i + 1;
    }
  }
  return true;
}

// ------------------------------------------------------------------------------------------------
// filepath.Match syntax check (Go >= 1.16, POSIX)
// ------------------------------------------------------------------------------------------------

/// `getEsc` of filepath.Match: reads one class character; false on a syntax error.
constexpr bool glob_get_esc(std::string_view& chunk) noexcept {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') return false;
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) return false;
  }
  const decoded_rune d = decode_rune(chunk);
  if (d.rune == replacement_char && d.size == 1) return false;
  chunk.remove_prefix(d.size);
  return !chunk.empty();
}

/// The syntax part of `matchChunk`: true when `chunk` is well formed.
constexpr bool glob_chunk_ok(std::string_view chunk) noexcept {
  while (!chunk.empty()) {
    switch (chunk[0]) {
      case '[': {
        chunk.remove_prefix(1);
        if (!chunk.empty() && chunk[0] == '^') chunk.remove_prefix(1);
        int nrange = 0;
        for (;;) {
          if (!chunk.empty() && chunk[0] == ']' && nrange > 0) {
            chunk.remove_prefix(1);
            break;
          }
          if (!glob_get_esc(chunk)) return false;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            if (!glob_get_esc(chunk)) return false;
          }
          ++nrange;
        }
        break;
      }
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) return false;
        chunk.remove_prefix(1);
        break;
      default: chunk.remove_prefix(1); break;
    }
  }
  return true;
}

/// True when `filepath.Match(pattern, ".")` reports no `ErrBadPattern` (every chunk well formed).
[[nodiscard]] constexpr bool glob_syntax_ok(std::string_view p) noexcept {
  while (!p.empty()) {
    while (!p.empty() && p[0] == '*') p.remove_prefix(1);
    bool inrange = false;
    std::size_t i = 0;
    for (; i < p.size(); ++i) {
      const char c = p[i];
      if (c == '\\') {
        if (i + 1 < p.size()) ++i;
      } else if (c == '[') {
        inrange = true;
      } else if (c == ']') {
        inrange = false;
      } else if (c == '*' && !inrange) {
        break;
      }
    }
    if (!glob_chunk_ok(p.substr(0, i))) return false;
    p.remove_prefix(i);
  }
  return true;
}

// ------------------------------------------------------------------------------------------------
// patternmatcher's translation (compile): match type and RE2 source
// ------------------------------------------------------------------------------------------------

/// patternmatcher's match types.
enum class kind : std::uint8_t { exact, prefix, suffix, regexp };

/// Builds patternmatcher's regexp source for `p` into `out` (nullptr: only count) and returns its
/// length; `type` receives the match type. Room needed: at most `5 * p.size() + 2` bytes.
constexpr std::size_t translate(std::string_view p, char* out, kind& type) noexcept {
  std::size_t w = 0;
  auto put = [&](std::string_view s) {
    if (out != nullptr) {
      for (std::size_t k = 0; k < s.size(); ++k) out[w + k] = s[k];
    }
    w += s.size();
  };
  auto put_rune = [&](char32_t r) {
    char buf[4] = {};
    const std::size_t n = encode_rune(r, buf);
    put(std::string_view(buf, n));
  };
  put("^");
  kind t = kind::exact;
  std::size_t pos = 0;
  // text/scanner: runes, invalid bytes become U+FFFD, a BOM first is skipped
  auto peek = [&]() -> std::int32_t {
    if (pos >= p.size()) return -1;
    return static_cast<std::int32_t>(decode_rune(p.substr(pos)).rune);
  };
  auto next = [&]() -> std::int32_t {
    if (pos >= p.size()) return -1;
    const decoded_rune d = decode_rune(p.substr(pos));
    pos += d.size;
    return static_cast<std::int32_t>(d.rune);
  };
  if (peek() == 0xFEFF) next();
  for (int i = 0; peek() != -1; ++i) {
    const std::int32_t ch = next();
    if (ch == '*') {
      if (peek() == '*') {
        next();
        if (peek() == '/') next();
        if (peek() == -1) {
          if (t == kind::exact) {
            t = kind::prefix;
          } else {
            put(".*");
            t = kind::regexp;
          }
        } else {
          put("(.*/)?");
          t = kind::regexp;
        }
        if (i == 0) t = kind::suffix;
      } else {
        put("[^/]*");
        t = kind::regexp;
      }
    } else if (ch == '?') {
      put("[^/]");
      t = kind::regexp;
    } else if (ch == '.' || ch == '+' || ch == '(' || ch == ')' || ch == '$') {
      put("\\");
      put_rune(static_cast<char32_t>(ch));
    } else if (ch == '\\') {
      if (peek() != -1) {
        put("\\");
        put_rune(static_cast<char32_t>(next()));
        t = kind::regexp;
      } else {
        put("\\");
      }
    } else if (ch == '[' || ch == ']') {
      put_rune(static_cast<char32_t>(ch));
      t = kind::regexp;
    } else {
      put_rune(static_cast<char32_t>(ch));
    }
  }
  if (t == kind::regexp) put("$");
  type = t;
  return w;
}

// ------------------------------------------------------------------------------------------------
// The RE2-subset program
// ------------------------------------------------------------------------------------------------

/// Instruction opcodes.
enum class op : std::uint8_t { rune, cls, ncls, any_not_nl, split, jmp, begin_text, end_text, word_b, not_word_b, match };

/// One instruction. `a`/`b`: rune, range offset and count, or jump targets.
struct inst {
  op code = op::match;  ///< opcode
  std::uint32_t a = 0;  ///< rune / first range / first target
  std::uint32_t b = 0;  ///< range count / second target
};

/// A closed range of code points.
struct rune_range {
  char32_t lo;  ///< first
  char32_t hi;  ///< last
};

/// What the regexp compiler reports.
enum class re_status : std::uint8_t { ok, bad, unsupported, too_large };

/// Largest program the matcher runs with stack-only state (instructions).
inline constexpr std::uint32_t max_program = 4096;

/// Compiles the RE2 source `re` (as produced by `translate`) into a program. With null `prog`
/// and `ranges` it only counts (`ninst`, `nranges`).
class re_compiler {
 public:
  /// Sets up a compiler over `re` writing to the given buffers (or counting when null).
  constexpr re_compiler(std::string_view re, inst* prog, rune_range* ranges) noexcept
      : s_(re), prog_(prog), ranges_(ranges) {}

  /// Runs the compiler.
  constexpr re_status run() noexcept {
    parse_alternation(0);
    if (status_ == re_status::ok && pos_ < s_.size()) status_ = re_status::bad;  // unmatched ')'
    emit({op::match, 0, 0});
    return status_;
  }
  /// Instructions emitted (or counted).
  [[nodiscard]] constexpr std::uint32_t ninst() const noexcept { return n_; }
  /// Ranges emitted (or counted).
  [[nodiscard]] constexpr std::uint32_t nranges() const noexcept { return nr_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  inst* prog_;
  rune_range* ranges_;
  std::uint32_t n_ = 0;
  std::uint32_t nr_ = 0;
  re_status status_ = re_status::ok;

  constexpr void fail(re_status st) noexcept {
    if (status_ == re_status::ok) status_ = st;
  }
  constexpr std::uint32_t emit(inst i) noexcept {
    if (prog_ != nullptr) prog_[n_] = i;
    return n_++;
  }
  constexpr void insert_at(std::uint32_t at, inst i) noexcept {
    if (prog_ != nullptr) {
      for (std::uint32_t k = n_; k > at; --k) {
        inst moved = prog_[k - 1];
        if (moved.code == op::split || moved.code == op::jmp) {
          if (moved.a >= at) ++moved.a;
          if (moved.code == op::split && moved.b >= at) ++moved.b;
        }
        prog_[k] = moved;
      }
      prog_[at] = i;
    }
    ++n_;
  }
  constexpr void set_a(std::uint32_t at, std::uint32_t v) noexcept {
    if (prog_ != nullptr) prog_[at].a = v;
  }
  constexpr void set_b(std::uint32_t at, std::uint32_t v) noexcept {
    if (prog_ != nullptr) prog_[at].b = v;
  }
  constexpr void add_range(char32_t lo, char32_t hi) noexcept {
    if (ranges_ != nullptr) ranges_[nr_] = {lo, hi};
    ++nr_;
  }
  [[nodiscard]] constexpr bool at_end() const noexcept { return pos_ >= s_.size(); }
  [[nodiscard]] constexpr char peek() const noexcept { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  constexpr char32_t next_rune() noexcept {
    const decoded_rune d = decode_rune(s_.substr(pos_));
    pos_ += d.size == 0 ? 1 : d.size;
    return d.rune;
  }

  constexpr void parse_alternation(int depth) noexcept {
    if (depth > 1000) {
      fail(re_status::bad);
      return;
    }
    std::uint32_t start = n_;
    parse_concat(depth);
    if (peek() != '|' || status_ != re_status::ok) return;
    // jumps to patch to the end: chained through their `a` fields (0 ends the chain, offset +1)
    std::uint32_t chain = 0;
    while (peek() == '|' && status_ == re_status::ok) {
      ++pos_;
      insert_at(start, {op::split, start + 1, 0});
      const std::uint32_t j = emit({op::jmp, chain, 0});
      chain = j + 1;
      set_b(start, n_);
      start = n_;
      parse_concat(depth);
    }
    while (chain != 0) {
      const std::uint32_t j = chain - 1;
      const std::uint32_t nxt = prog_ != nullptr ? prog_[j].a : 0;
      set_a(j, n_);
      chain = nxt;
    }
  }

  /// Parses `{n}`, `{n,}`, `{n,m}` at pos_; true when it is a repetition (then pos_ moves past it).
  constexpr bool repeat_syntax(int& lo, int& hi) noexcept {
    std::size_t i = pos_ + 1;
    auto number = [&](int& v) {
      const std::size_t st = i;
      v = 0;
      while (i < s_.size() && s_[i] >= '0' && s_[i] <= '9') {
        if (v <= 100000) v = v * 10 + (s_[i] - '0');
        ++i;
      }
      if (i == st) return false;
      if (i - st > 1 && s_[st] == '0') return false;
      return true;
    };
    if (!number(lo)) return false;
    hi = lo;
    if (i < s_.size() && s_[i] == ',') {
      ++i;
      hi = -1;
      if (i < s_.size() && s_[i] != '}') {
        if (!number(hi)) return false;
      }
    }
    if (i >= s_.size() || s_[i] != '}') return false;
    pos_ = i + 1;
    return true;
  }

  /// Copies instructions [from, from + len) to the end, shifting their jump targets.
  constexpr void copy_code(std::uint32_t from, std::uint32_t len) noexcept {
    const std::uint32_t delta = n_ - from;
    for (std::uint32_t k = 0; k < len; ++k) {
      if (n_ >= max_program * 2) {
        fail(re_status::unsupported);
        return;
      }
      if (prog_ != nullptr) {
        inst c = prog_[from + k];
        if (c.code == op::split || c.code == op::jmp) {
          c.a += delta;
          if (c.code == op::split) c.b += delta;
        }
        prog_[n_] = c;
      }
      ++n_;
    }
  }

  /// Expands `atom{lo,hi}` (hi < 0: unbounded) in place, as RE2's simplification does.
  constexpr void repeat(std::uint32_t atom_start, int lo, int hi) noexcept {
    const std::uint32_t len = n_ - atom_start;
    if (lo == 0 && hi == 0) {
      n_ = atom_start;
      emit({op::jmp, n_ + 1, 0});
      return;
    }
    // required copies: the atom itself is the first one
    if (lo == 0) {
      if (hi < 0) {
        insert_at(atom_start, {op::split, atom_start + 1, 0});
        emit({op::jmp, atom_start, 0});
        set_b(atom_start, n_);
        return;
      }
      insert_at(atom_start, {op::split, atom_start + 1, 0});
      set_b(atom_start, n_);
      lo = 1;
      hi -= 1;
      for (int k = 0; k < hi && status_ == re_status::ok; ++k) {
        const std::uint32_t at = n_;
        emit({op::split, at + 1, 0});
        copy_code(atom_start + 1, len);
        set_b(at, n_);
      }
      return;
    }
    for (int k = 1; k < lo && status_ == re_status::ok; ++k) copy_code(atom_start, len);
    if (hi < 0) {
      // one more copy under a star
      const std::uint32_t at = n_;
      emit({op::split, at + 1, 0});
      copy_code(atom_start, len);
      emit({op::jmp, at, 0});
      set_b(at, n_);
      return;
    }
    for (int k = lo; k < hi && status_ == re_status::ok; ++k) {
      const std::uint32_t at = n_;
      emit({op::split, at + 1, 0});
      copy_code(atom_start, len);
      set_b(at, n_);
    }
  }

  constexpr void parse_concat(int depth) noexcept {
    bool have_atom = false;
    bool last_repeat = false;
    std::uint32_t atom_start = n_;
    while (!at_end() && status_ == re_status::ok) {
      const char c = peek();
      if (c == '|') return;
      if (c == ')') {
        if (depth == 0) fail(re_status::bad);
        return;
      }
      if (c == '*' || c == '+' || c == '?') {
        ++pos_;
        if (!have_atom) {
          fail(re_status::bad);
          return;
        }
        if (peek() == '?') ++pos_;  // non-greedy: same language
        if (last_repeat) {
          fail(re_status::bad);
          return;
        }
        if (c == '*') {
          insert_at(atom_start, {op::split, atom_start + 1, 0});
          emit({op::jmp, atom_start, 0});
          set_b(atom_start, n_);
        } else if (c == '+') {
          emit({op::split, atom_start, n_ + 1});
        } else {
          insert_at(atom_start, {op::split, atom_start + 1, 0});
          set_b(atom_start, n_);
        }
        last_repeat = true;
        continue;
      }
      if (c == '{') {
        const std::size_t save = pos_;
        int lo = 0, hi = 0;
        if (repeat_syntax(lo, hi)) {
          if (peek() == '?') ++pos_;
          if (!have_atom || last_repeat || lo > 1000 || hi > 1000 || (hi >= 0 && hi < lo)) {
            fail(re_status::bad);
            return;
          }
          repeat(atom_start, lo, hi);
          if (status_ != re_status::ok) return;
          last_repeat = true;
          continue;
        }
        pos_ = save;
      }
      last_repeat = false;
      atom_start = n_;
      have_atom = true;
      if (c == '(') {
        ++pos_;
        parse_alternation(depth + 1);
        if (status_ != re_status::ok) return;
        if (peek() != ')') {
          fail(re_status::bad);
          return;
        }
        ++pos_;
      } else if (c == '[') {
        parse_class();
      } else if (c == '.') {
        ++pos_;
        emit({op::any_not_nl, 0, 0});
      } else if (c == '^') {
        ++pos_;
        emit({op::begin_text, 0, 0});
      } else if (c == '$') {
        ++pos_;
        emit({op::end_text, 0, 0});
      } else if (c == '\\') {
        parse_backslash();
      } else {
        const char32_t r = next_rune();
        emit({op::rune, static_cast<std::uint32_t>(r), 0});
      }
    }
  }

  /// Go's `parseEscape` after the backslash: a literal rune, or false on error.
  constexpr bool parse_escape(char32_t& out) noexcept {
    if (at_end()) return false;
    const char32_t c = next_rune();
    switch (c) {
      case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        if (at_end() || peek() < '0' || peek() > '7') return false;
        [[fallthrough]];
      case '0': {
        char32_t r = c - '0';
        for (int k = 1; k < 3; ++k) {
          if (at_end() || peek() < '0' || peek() > '7') break;
          r = r * 8 + static_cast<char32_t>(peek() - '0');
          ++pos_;
        }
        out = r;
        return true;
      }
      case 'x': {
        auto hex = [](char h) -> int {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        if (at_end()) return false;
        if (peek() == '{') {
          ++pos_;
          std::uint32_t r = 0;
          int nd = 0;
          while (!at_end() && peek() != '}') {
            const int v = hex(peek());
            if (v < 0) return false;
            r = r * 16 + static_cast<std::uint32_t>(v);
            if (r > 0x10FFFF) return false;
            ++pos_;
            ++nd;
          }
          if (at_end() || nd == 0) return false;
          ++pos_;
          out = r;
          return true;
        }
        if (pos_ + 1 >= s_.size()) return false;
        const int h1 = hex(s_[pos_]), h2 = hex(s_[pos_ + 1]);
        if (h1 < 0 || h2 < 0) return false;
        pos_ += 2;
        out = static_cast<char32_t>(h1 * 16 + h2);
        return true;
      }
      case 'a': out = 7; return true;
      case 'f': out = 12; return true;
      case 'n': out = 10; return true;
      case 'r': out = 13; return true;
      case 't': out = 9; return true;
      case 'v': out = 11; return true;
      default:
        if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
          out = c;
          return true;
        }
        return false;
    }
  }

  /// Adds the ranges of a Perl class letter (`d`, `s`, `w`, upper case negated); false if not one.
  constexpr bool perl_class(char letter) noexcept {
    switch (letter) {
      case 'd': add_range('0', '9'); return true;
      case 'D': add_range(0, '0' - 1); add_range('9' + 1, 0x10FFFF); return true;
      case 's': add_range('\t', '\n'); add_range('\f', '\r'); add_range(' ', ' '); return true;
      case 'S': add_range(0, '\t' - 1); add_range('\v', '\v'); add_range('\r' + 1, ' ' - 1); add_range(' ' + 1, 0x10FFFF); return true;
      case 'w': add_range('0', '9'); add_range('A', 'Z'); add_range('_', '_'); add_range('a', 'z'); return true;
      case 'W': add_range(0, '0' - 1); add_range('9' + 1, 'A' - 1); add_range('Z' + 1, '_' - 1); add_range('`', '`'); add_range('z' + 1, 0x10FFFF); return true;
      default: return false;
    }
  }

  /// Adds a POSIX class `[:name:]` or `[:^name:]`; false if the name is unknown.
  constexpr bool posix_class(std::string_view name) noexcept {
    bool neg = false;
    if (!name.empty() && name[0] == '^') {
      neg = true;
      name.remove_prefix(1);
    }
    rune_range tmp[6] = {};
    int k = 0;
    auto r = [&](char32_t lo, char32_t hi) { tmp[k++] = {lo, hi}; };
    if (name == "alnum") { r('0', '9'); r('A', 'Z'); r('a', 'z'); }
    else if (name == "alpha") { r('A', 'Z'); r('a', 'z'); }
    else if (name == "ascii") { r(0, 0x7F); }
    else if (name == "blank") { r('\t', '\t'); r(' ', ' '); }
    else if (name == "cntrl") { r(0, 0x1F); r(0x7F, 0x7F); }
    else if (name == "digit") { r('0', '9'); }
    else if (name == "graph") { r('!', '~'); }
    else if (name == "lower") { r('a', 'z'); }
    else if (name == "print") { r(' ', '~'); }
    else if (name == "punct") { r('!', '/'); r(':', '@'); r('[', '`'); r('{', '~'); }
    else if (name == "space") { r('\t', '\r'); r(' ', ' '); }
    else if (name == "upper") { r('A', 'Z'); }
    else if (name == "word") { r('0', '9'); r('A', 'Z'); r('_', '_'); r('a', 'z'); }
    else if (name == "xdigit") { r('0', '9'); r('A', 'F'); r('a', 'f'); }
    else return false;
    if (!neg) {
      for (int i = 0; i < k; ++i) add_range(tmp[i].lo, tmp[i].hi);
    } else {
      char32_t lo = 0;
      for (int i = 0; i < k; ++i) {
        if (tmp[i].lo > lo) add_range(lo, tmp[i].lo - 1);
        lo = tmp[i].hi + 1;
      }
      if (lo <= 0x10FFFF) add_range(lo, 0x10FFFF);
    }
    return true;
  }

  constexpr void parse_class() noexcept {
    ++pos_;  // [
    bool negated = false;
    if (peek() == '^' && !at_end()) {
      negated = true;
      ++pos_;
    }
    const std::uint32_t first_range = nr_;
    bool first = true;
    while (at_end() || peek() != ']' || first) {
      if (at_end()) {
        fail(re_status::bad);
        return;
      }
      first = false;
      // POSIX [:name:]: Go searches the rest of the whole expression for ":]"
      if (s_.size() - pos_ > 2 && s_[pos_] == '[' && s_[pos_ + 1] == ':') {
        const std::size_t close = s_.find(":]", pos_ + 2);
        if (close != std::string_view::npos) {
          if (!posix_class(s_.substr(pos_ + 2, close - pos_ - 2))) {
            fail(re_status::bad);
            return;
          }
          pos_ = close + 2;
          continue;
        }
      }
      if (peek() == '\\' && pos_ + 1 < s_.size()) {
        const char e = s_[pos_ + 1];
        if (e == 'p' || e == 'P') {
          fail(re_status::unsupported);
          return;
        }
        if (perl_class(e)) {
          pos_ += 2;
          continue;
        }
      }
      char32_t lo = 0;
      if (!class_char(lo)) return;
      char32_t hi = lo;
      if (s_.size() - pos_ >= 2 && s_[pos_] == '-' && s_[pos_ + 1] != ']') {
        ++pos_;
        if (!class_char(hi)) return;
        if (hi < lo) {
          fail(re_status::bad);
          return;
        }
      }
      add_range(lo, hi);
    }
    ++pos_;  // ]
    emit({negated ? op::ncls : op::cls, first_range, nr_ - first_range});
  }

  constexpr bool class_char(char32_t& out) noexcept {
    if (at_end()) {
      fail(re_status::bad);
      return false;
    }
    if (peek() == '\\') {
      ++pos_;
      if (!parse_escape(out)) {
        fail(re_status::bad);
        return false;
      }
      return true;
    }
    out = next_rune();
    return true;
  }

  constexpr void parse_backslash() noexcept {
    if (pos_ + 1 >= s_.size()) {
      fail(re_status::bad);
      return;
    }
    const char e = s_[pos_ + 1];
    switch (e) {
      case 'A': pos_ += 2; emit({op::begin_text, 0, 0}); return;
      case 'z': pos_ += 2; emit({op::end_text, 0, 0}); return;
      case 'b': pos_ += 2; emit({op::word_b, 0, 0}); return;
      case 'B': pos_ += 2; emit({op::not_word_b, 0, 0}); return;
      case 'C': fail(re_status::bad); return;
      case 'Q': {
        pos_ += 2;
        const std::size_t end = s_.find("\\E", pos_);
        const std::size_t stop = end == std::string_view::npos ? s_.size() : end;
        bool any = false;
        while (pos_ < stop) {
          const char32_t r = next_rune();
          emit({op::rune, static_cast<std::uint32_t>(r), 0});
          any = true;
        }
        if (end != std::string_view::npos) pos_ = end + 2;
        if (any) return;
        // \Q\E: nothing; Go then treats a following repetition as missing its argument only
        // when nothing precedes; keep it simple and treat it as an empty atom
        emit({op::jmp, n_ + 1, 0});
        return;
      }
      case 'p': case 'P': fail(re_status::unsupported); return;
      default: break;
    }
    const std::uint32_t first_range = nr_;
    if (perl_class(e)) {
      pos_ += 2;
      emit({op::cls, first_range, nr_ - first_range});
      return;
    }
    ++pos_;
    char32_t r = 0;
    if (!parse_escape(r)) {
      fail(re_status::bad);
      return;
    }
    emit({op::rune, static_cast<std::uint32_t>(r), 0});
  }
};

/// ASCII word character, as RE2's `\b`.
[[nodiscard]] constexpr bool is_word(char32_t r) noexcept {
  return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_';
}

/// Runs `prog` (ninst <= max_program) over `text` as Go's `Regexp.MatchString` (unanchored search).
/// With `prefixes`, true when it matches `text[:k]` for some `k` that is the end of `text` or the
/// position of a `/` (the parent directories of a path, in one pass).
[[nodiscard]] inline bool re_match(const inst* prog, std::uint32_t ninst, const rune_range* ranges,
                                   std::string_view text, bool prefixes = false) noexcept {
  constexpr std::uint32_t words = max_program / 64;
  std::uint64_t cur[words];
  std::uint64_t seeds[words];
  std::uint32_t stack[2 * max_program + 2];
  const std::uint32_t nw = (ninst + 63) / 64;
  for (std::uint32_t w = 0; w < nw; ++w) seeds[w] = 0;
  const bool anchored = ninst > 0 && prog[0].code == op::begin_text;
  char32_t prev = 0xFFFFFFFFu;  // none
  std::size_t pos = 0;
  for (;;) {
    const decoded_rune nd = decode_rune(text.substr(pos));
    const bool at_end = pos >= text.size();
    const bool prev_word = prev != 0xFFFFFFFFu && is_word(prev);
    const bool next_word = !at_end && is_word(nd.rune);
    // closure of seeds (+ start) into cur
    for (std::uint32_t w = 0; w < nw; ++w) cur[w] = 0;
    std::uint32_t sp = 0;
    bool any_seed = false;
    // the epsilon closure of what is on the stack, into cur; true when it reaches `match`
    // (`set` receives the states; `end`/`next` are the end-of-text and next-is-word context)
    auto drain = [&](std::uint64_t* set, bool end, bool next) noexcept -> bool {
      while (sp > 0) {
        const std::uint32_t pc = stack[--sp];
        std::uint64_t& word = set[pc / 64];
        const std::uint64_t m = std::uint64_t{1} << (pc % 64);
        if ((word & m) != 0) continue;
        word |= m;
        const inst& in = prog[pc];
        switch (in.code) {
          case op::jmp: stack[sp++] = in.a; break;
          case op::split: stack[sp++] = in.b; stack[sp++] = in.a; break;
          case op::begin_text: if (pos == 0) stack[sp++] = pc + 1; break;
          case op::end_text: if (end) stack[sp++] = pc + 1; break;
          case op::word_b: if (prev_word != next) stack[sp++] = pc + 1; break;
          case op::not_word_b: if (prev_word == next) stack[sp++] = pc + 1; break;
          case op::match: return true;
          default: break;
        }
      }
      return false;
    };
    for (std::uint32_t w = 0; w < nw; ++w) {
      std::uint64_t bits = seeds[w];
      while (bits != 0) {
        const auto b = static_cast<std::uint32_t>(__builtin_ctzll(bits));
        bits &= bits - 1;
        stack[sp++] = w * 64 + b;
        any_seed = true;
        // the closure drains the stack; bounded by ninst since each pc is pushed once here
        if (drain(cur, at_end, next_word)) return true;
      }
    }
    if (!anchored || pos == 0) {
      stack[sp++] = 0;
      if (drain(cur, at_end, next_word)) return true;
    } else if (!any_seed) {
      return false;
    }
    if (at_end) return false;
    if (prefixes && text[pos] == '/') {
      // would the text end here? the same closure with the end-of-text context
      std::uint64_t tmp[words];
      for (std::uint32_t w = 0; w < nw; ++w) tmp[w] = 0;
      for (std::uint32_t w = 0; w < nw; ++w) {
        std::uint64_t bits = seeds[w];
        while (bits != 0) {
          const auto b = static_cast<std::uint32_t>(__builtin_ctzll(bits));
          bits &= bits - 1;
          stack[sp++] = w * 64 + b;
        }
      }
      if (!anchored || pos == 0) stack[sp++] = 0;
      if (drain(tmp, true, false)) return true;
    }
    // step over one rune
    const char32_t r = nd.rune;
    for (std::uint32_t w = 0; w < nw; ++w) seeds[w] = 0;
    for (std::uint32_t w = 0; w < nw; ++w) {
      std::uint64_t bits = cur[w];
      while (bits != 0) {
        const auto b = static_cast<std::uint32_t>(__builtin_ctzll(bits));
        bits &= bits - 1;
        const std::uint32_t pc = w * 64 + b;
        const inst& in = prog[pc];
        bool ok = false;
        switch (in.code) {
          case op::rune: ok = in.a == r; break;
          case op::any_not_nl: ok = r != '\n'; break;
          case op::cls:
          case op::ncls: {
            bool hit = false;
            for (std::uint32_t k = 0; k < in.b; ++k) {
              if (ranges[in.a + k].lo <= r && r <= ranges[in.a + k].hi) {
                hit = true;
                break;
              }
            }
            ok = hit != (in.code == op::ncls);
            break;
          }
          default: break;
        }
        if (ok) seeds[(pc + 1) / 64] |= std::uint64_t{1} << ((pc + 1) % 64);
      }
    }
    prev = r;
    pos += nd.size;
  }
}

#if defined(__GNUC__) || defined(__clang__)
#define DOCKIMG_IGNORE_INLINE __attribute__((always_inline)) inline
#else
#define DOCKIMG_IGNORE_INLINE inline
#endif

/// Bit i set when `s[i]` is `/` (n <= 64).
[[nodiscard]] DOCKIMG_IGNORE_INLINE std::uint64_t slash_bits(const char* s, std::size_t n) noexcept {
  std::uint64_t m = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i sl = _mm_set1_epi8('/');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    m |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, sl)))} << i;
  }
  if (i < n && n >= 16) {
    // one load ending at n, overlapping what was already looked at
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + n - 16));
    const std::uint64_t t = static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, sl)));
    m |= (t >> (16 - (n - i))) << i;
    i = n;
  }
#endif
  for (; i < n; ++i) m |= std::uint64_t{s[i] == '/'} << i;
  return m;
}

/// True when the `n` bytes at `a` and `b` are equal (short strings; no library call).
[[nodiscard]] DOCKIMG_IGNORE_INLINE bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
  while (n >= 8) {
    std::uint64_t x = 0, y = 0;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  if (n >= 4) {
    std::uint32_t x = 0, y = 0, z = 0, w = 0;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    std::memcpy(&z, a + n - 4, 4);
    std::memcpy(&w, b + n - 4, 4);
    return x == y && z == w;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------------------
// Simple globs: the regexps `translate` builds from ASCII patterns without escapes, `{`, `|` or
// `^` outside classes, matched directly over bytes (same answers as the program)
// ------------------------------------------------------------------------------------------------

/// Token kinds of a simple glob.
enum class gtok : std::uint8_t {
  lit,          ///< literal ASCII bytes
  star,         ///< `[^/]*`
  cls,          ///< one rune in (or, negated, not in) an ASCII set; `?` is `[^/]`
  dstar_slash,  ///< `(.*/)?`
  dstar_end,    ///< `.*` (always last)
};

/// One token of a simple glob.
struct glob_token {
  gtok kind = gtok::lit;    ///< what it matches
  bool negated = false;     ///< `cls`: the set is negated
  bool tail_no_slash = false;  ///< no token after this one can match a `/`
  std::uint32_t off = 0;    ///< `lit`: offset of the bytes in the pattern text
  std::uint32_t len = 0;    ///< `lit`: number of bytes
  std::uint64_t set[2] = {0, 0};  ///< `cls`: the ASCII members
};

/// Splits pattern text `p` (the cleaned glob, a regexp-type pattern) into simple-glob tokens
/// written to `out` (nullptr: only count). Returns the count, or 0 when the pattern is not simple.
constexpr std::uint32_t simple_glob(std::string_view p, glob_token* out) noexcept {
  std::uint32_t n = 0;
  auto emit = [&](const glob_token& t) {
    if (out != nullptr) out[n] = t;
    ++n;
  };
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\\' || c == '{' || c == '}' || c == '|' || c == '^' ||
        c == ']' || c == '\0') {
      return 0;
    }
    if (c == '*') {
      glob_token t;
      if (i + 1 < p.size() && p[i + 1] == '*') {
        i += 2;
        if (i < p.size() && p[i] == '/') ++i;
        t.kind = i == p.size() ? gtok::dstar_end : gtok::dstar_slash;
      } else {
        ++i;
        t.kind = gtok::star;
      }
      emit(t);
    } else if (c == '?') {
      glob_token t;
      t.kind = gtok::cls;
      t.negated = true;
      t.set[0] = std::uint64_t{1} << '/';
      emit(t);
      ++i;
    } else if (c == '[') {
      glob_token t;
      t.kind = gtok::cls;
      ++i;
      if (i < p.size() && p[i] == '^') {
        t.negated = true;
        ++i;
      }
      bool closed = false;
      bool first = true;
      while (i < p.size()) {
        const char a = p[i];
        if (a == ']' && !first) {
          closed = true;
          ++i;
          break;
        }
        first = false;
        if (static_cast<unsigned char>(a) >= 0x80 || a == '\\' || a == '[' || a == ']' || a == '-' || a == '\0') return 0;
        char b = a;
        if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
          b = p[i + 2];
          if (static_cast<unsigned char>(b) >= 0x80 || b == '\\' || b == '[' || b == ']' || b == '\0' || b < a) return 0;
          i += 3;
        } else {
          ++i;
        }
        for (int x = a; x <= b; ++x) t.set[x / 64] |= std::uint64_t{1} << (x % 64);
      }
      if (!closed) return 0;
      emit(t);
    } else {
      const std::size_t from = i;
      while (i < p.size() && p[i] != '*' && p[i] != '?' && p[i] != '[') {
        const char a = p[i];
        if (static_cast<unsigned char>(a) >= 0x80 || a == '\\' || a == '{' || a == '}' || a == '|' || a == '^' ||
            a == ']' || a == '\0') {
          return 0;
        }
        ++i;
      }
      glob_token t;
      t.kind = gtok::lit;
      t.off = static_cast<std::uint32_t>(from);
      t.len = static_cast<std::uint32_t>(i - from);
      emit(t);
    }
  }
  if (out != nullptr) {
    bool slash_free = true;
    for (std::uint32_t k = n; k-- > 0;) {
      out[k].tail_no_slash = slash_free;
      const glob_token& t = out[k];
      if (t.kind == gtok::dstar_slash || t.kind == gtok::dstar_end) slash_free = false;
      if (t.kind == gtok::cls && (((t.set[0] >> '/') & 1u) != 0) != t.negated) slash_free = false;
      for (std::uint32_t b = 0; t.kind == gtok::lit && b < t.len; ++b) {
        if (p[t.off + b] == '/') slash_free = false;
      }
    }
  }
  return n;
}

/// True when `s` holds no byte >= 0x80.
[[nodiscard]] constexpr bool is_ascii(std::string_view s) noexcept {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

/// True when the simple glob `t` (`nt` tokens over pattern text `pat`) matches all of `s`. When a
/// `cls` token follows a `star`, `s` must be ASCII (a `star` may stop inside a multi-byte rune).
[[nodiscard]] inline bool glob_match(const glob_token* t, std::uint32_t nt, const char* pat, const char* s,
                                     std::size_t n) noexcept {
  while (nt > 0) {
    switch (t->kind) {
      case gtok::lit:
        if (n < t->len || !same_bytes(s, pat + t->off, t->len)) return false;
        s += t->len;
        n -= t->len;
        break;
      case gtok::cls: {
        if (n == 0) return false;
        const auto c = static_cast<unsigned char>(*s);
        if (c < 0x80) {
          if ((((t->set[c / 64] >> (c % 64)) & 1u) != 0) == t->negated) return false;
          ++s;
          --n;
        } else {
          if (!t->negated) return false;
          const std::size_t size = decode_rune(std::string_view(s, n)).size;
          s += size;
          n -= size;
        }
        break;
      }
      case gtok::star: {
        std::size_t lim = 0;
        while (lim < n && s[lim] != '/') ++lim;
        if (nt == 1) return lim == n;
        const glob_token* nx = t + 1;
        if (nt == 2 && nx->kind == gtok::lit) {
          // `*lit` at the end: the star takes everything before the literal
          return n >= nx->len && lim >= n - nx->len && same_bytes(s + n - nx->len, pat + nx->off, nx->len);
        }
        if (nx->kind == gtok::lit) {
          const char f = pat[nx->off];
          for (std::size_t l = 0; l <= lim; ++l) {
            if (l < n && s[l] == f && glob_match(nx, nt - 1, pat, s + l, n - l)) return true;
          }
          return false;
        }
        for (std::size_t l = 0; l <= lim; ++l) {
          if (glob_match(nx, nt - 1, pat, s + l, n - l)) return true;
        }
        return false;
      }
      case gtok::dstar_slash: {
        if (t->tail_no_slash) {
          // what follows cannot match a '/': it starts after the last one
          std::size_t l = n;
          while (l > 0 && s[l - 1] != '/') --l;
          if (l > 0 && std::memchr(s, '\n', l) != nullptr) return false;
          return glob_match(t + 1, nt - 1, pat, s + l, n - l);
        }
        if (glob_match(t + 1, nt - 1, pat, s, n)) return true;
        for (std::size_t l = 0; l < n; ++l) {
          if (s[l] == '\n') return false;
          if (s[l] == '/' && glob_match(t + 1, nt - 1, pat, s + l + 1, n - l - 1)) return true;
        }
        return false;
      }
      case gtok::dstar_end: return n == 0 || std::memchr(s, '\n', n) == nullptr;
    }
    ++t;
    --nt;
  }
  return n == 0;
}

// ------------------------------------------------------------------------------------------------
// The query index: which patterns a point query needs to look at
// ------------------------------------------------------------------------------------------------

/// Largest number of 64-bit mask words the index supports (patterns: 64 times this).
inline constexpr std::uint32_t max_index_words = 64;
/// Most `/` a path may hold for the indexed point query (deeper paths take the plain scan).
inline constexpr std::uint32_t max_index_slashes = 255;

/// Bucket of two bytes (hashed to 256): the last two bytes of a candidate string (the path or a
/// parent; `c1` is 0 for a one-byte string), or the first two bytes at a position (`c2` is 0 at
/// the last byte).
[[nodiscard]] constexpr std::uint32_t pair_key(unsigned char c1, unsigned char c2) noexcept {
  return (static_cast<std::uint32_t>(c1) * 37u + static_cast<std::uint32_t>(c2)) & 0xFFu;
}

/// Pattern masks built by `compile` (in its arena) from the patterns alone. A pattern can only
/// match a path or one of its parents when its bit is set in `start` for the first two bytes of
/// the path, in `end` for the last two bytes of one of the candidate strings (or in `no_end`), and
/// in `comp` for the first two bytes of one of the path's components (or in `no_comp`).
struct query_index {
  std::uint32_t words = 0;                 ///< 64-bit words per mask
  const std::uint64_t* start = nullptr;    ///< 256 masks (`words` each), by `pair_key` of the path's first bytes
  const std::uint64_t* end = nullptr;      ///< 256 masks, by `pair_key` of a candidate's last two bytes
  const std::uint64_t* comp = nullptr;     ///< 256 masks, by `pair_key` of a component's first two bytes
  const std::uint64_t* no_end = nullptr;   ///< one mask: patterns without an `end` requirement
  const std::uint64_t* no_comp = nullptr;  ///< one mask: patterns without a `comp` requirement
};

/// Bytes of arena a `query_index` over `n` patterns takes (with alignment slack).
[[nodiscard]] constexpr std::size_t index_bytes(std::size_t n) noexcept {
  const std::size_t words = (n + 63) / 64;
  return sizeof(query_index) + words * 8 * (3 * 256 + 2) + 32;
}


}  // namespace ignore
}  // namespace detail
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_DOCKERIGNORE_RE_HPP

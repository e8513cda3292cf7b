// SPDX-License-Identifier: Apache-2.0
/// @file dockerignore.hpp
/// @brief `.dockerignore` as Docker reads and applies it: moby/patternmatcher v0.6.1's
/// `ignorefile.ReadAll`, `New`, `MatchesOrParentMatches` and `MatchesUsingParentResults`, with
/// caller-owned storage and no allocation, plus the build-context walk (POSIX I/O, kept apart).
///
/// @code
///   std::vector<unsigned char> mem(dockimg::dockerignore::storage_hint(text));
///   dockimg::arena storage(mem.data(), mem.size());
///   auto read = dockimg::dockerignore::read_all(text, storage);        // ignorefile.ReadAll
///   auto built = dockimg::dockerignore::compile(read.patterns, storage); // patternmatcher.New
///   if (!built.ok()) { /* built.err: code, pattern index, source range */ }
///   auto r = built.matcher.matches_or_parent_matches("node_modules/x/index.js");
///   if (r.ok() && r.excluded) { ... }
/// @endcode
#ifndef DOCKIMG_DOCKERIGNORE_HPP
#define DOCKIMG_DOCKERIGNORE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__unix__) || defined(__APPLE__)
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>
#endif

#include "arena.hpp"
#include "config.hpp"
#include "detail/dockerignore_re.hpp"
#include "detail/unicode.hpp"
#include "source.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace dockerignore {

/// Error codes (Docker's texts from `message`).
enum class errc : std::uint8_t {
  ok = 0,              ///< no error
  line_too_long,       ///< `bufio.Scanner: token too long` (a line of 64 KiB or more)
  bad_pattern,         ///< `syntax error in pattern` (filepath.ErrBadPattern)
  illegal_exclusion,   ///< `illegal exclusion pattern: "!"`
  unsupported_pattern, ///< an RE2 construct dockimg does not run (`{n,m}` repetition, `\p` classes); not a Docker error
  path_too_long,       ///< a path whose parent needs cleaning is over 4096 bytes; not a Docker error
  out_of_storage,      ///< the arena is too small; not a Docker error
};

/// Docker's message for `code` (dockimg's own wording for the codes Docker does not have).
[[nodiscard]] constexpr std::string_view message(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::line_too_long: return "bufio.Scanner: token too long";
    case errc::bad_pattern: return "syntax error in pattern";
    case errc::illegal_exclusion: return "illegal exclusion pattern: \"!\"";
    case errc::unsupported_pattern: return "pattern uses an RE2 construct dockimg does not support";
    case errc::path_too_long: return "path too long";
    case errc::out_of_storage: return "the storage given to the matcher is too small";
  }
  return "unknown error";
}

/// An error with where it comes from.
struct error {
  errc code = errc::ok;                 ///< what happened
  std::uint32_t pattern = UINT32_MAX;   ///< index of the pattern string at fault (UINT32_MAX: none)
  source_range range;                   ///< bytes of the .dockerignore at fault (when read by `read_all`)

  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

/// One pattern as `ignorefile.ReadAll` returns it (`!` kept in front of exceptions).
struct pattern_line {
  std::string_view text;  ///< the pattern string (in the arena or in the source)
  source_range range;     ///< the trimmed source bytes it came from
};

/// The result of `read_all`.
struct read_result {
  list_view<pattern_line> patterns;  ///< the patterns, in file order
  error err;                         ///< `line_too_long` or `out_of_storage`

  /// True when reading succeeded.
  [[nodiscard]] constexpr bool ok() const noexcept { return err.code == errc::ok; }
};

/// Bytes of arena that always suffice for `read_all(text)` followed by `compile` of its result.
/// (A `{n,m}` repetition can expand a pattern's program up to `detail::ignore::max_program`
/// instructions, so lines holding a `{` are counted at that size.)
[[nodiscard]] constexpr std::size_t storage_hint(std::string_view text) noexcept {
  std::size_t brace_lines = 0;
  std::size_t lines = 1;
  bool brace = false;
  for (const char c : text) {
    if (c == '{') brace = true;
    if (c == '\n') {
      brace_lines += brace ? 1 : 0;
      brace = false;
      ++lines;
    }
  }
  brace_lines += brace ? 1 : 0;
  return 232 * text.size() + 1024 + detail::ignore::index_bytes(lines) +
         brace_lines * (detail::ignore::max_program * sizeof(detail::ignore::inst) + 64);
}

/// Bytes of arena that always suffice for `compile` of `n` pattern strings of `bytes` bytes in all
/// (a generous bound: it assumes every pattern may hold a `{n,m}` repetition; see the other overload).
[[nodiscard]] constexpr std::size_t storage_hint(std::size_t n, std::size_t bytes) noexcept {
  const std::size_t braces = n < bytes / 3 ? n : bytes / 3;
  return 232 * (bytes + n) + 1024 + detail::ignore::index_bytes(n) +
         braces * (detail::ignore::max_program * sizeof(detail::ignore::inst) + 64);
}

/// Reads a `.dockerignore` exactly as `ignorefile.ReadAll` (v0.6.1): lines split at `\n` (one `\r`
/// before it dropped), a UTF-8 BOM dropped from the first line, `#` in column 1 a comment,
/// Unicode TrimSpace, `!` exceptions, `filepath.Clean`, one leading `/` removed. A line of 64 KiB
/// or more fails the whole read, as Go's scanner does.
[[nodiscard]] inline read_result read_all(std::string_view text, arena& storage) noexcept {
  read_result out;
  if (text.size() > 0xFFFFFFF0u) {
    out.err = {errc::line_too_long, UINT32_MAX, {0, 0}};
    return out;
  }
  // first pass: count lines and check lengths
  std::size_t nlines = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (end - pos >= 65536) {
      out.err = {errc::line_too_long, UINT32_MAX,
                 {static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(end)}};
      return out;
    }
    ++nlines;
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  pattern_line* lines = storage.make_records<pattern_line>(nlines);
  if (lines == nullptr && nlines > 0) {
    out.err = {errc::out_of_storage, UINT32_MAX, {0, 0}};
    return out;
  }
  std::size_t count = 0;
  bool first = true;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    const std::size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    std::size_t b = pos;
    if (end > b && text[end - 1] == '\r') --end;
    if (first && end - b >= 3 && text.substr(b, 3) == "\xEF\xBB\xBF") b += 3;
    first = false;
    pos = next;
    std::string_view line = text.substr(b, end - b);
    if (!line.empty() && line[0] == '#') continue;
    line = detail::ignore::trim_space(line);
    if (line.empty()) continue;
    const auto range_begin = static_cast<std::uint32_t>(line.data() - text.data());
    const auto range_end = static_cast<std::uint32_t>(range_begin + line.size());
    const bool invert = line[0] == '!';
    if (invert) line = detail::ignore::trim_space(line.substr(1));
    char* buf = storage.make_text(line.size() + 2);
    if (buf == nullptr) {
      out.err = {errc::out_of_storage, UINT32_MAX, {range_begin, range_end}};
      return out;
    }
    std::size_t w = 0;
    if (invert) buf[w++] = '!';
    if (!line.empty()) {
      const std::size_t n = detail::ignore::clean(line, buf + w);
      if (n > 1 && buf[w] == '/') {
        std::memmove(buf + w, buf + w + 1, n - 1);
        w += n - 1;
      } else {
        w += n;
      }
    }
    lines[count++] = {std::string_view(buf, w), {range_begin, range_end}};
  }
  if (count < nlines) storage.drop_records<pattern_line>(nlines - count);
  out.patterns = list_view<pattern_line>(lines, count);
  return out;
}

/// patternmatcher's match types (`exactMatch` ... `regexpMatch`).
using match_type = detail::ignore::kind;

/// One compiled pattern.
struct pattern {
  std::string_view text;      ///< the cleaned pattern without its `!` (patternmatcher's `String()`)
  std::string_view regexp;    ///< the RE2 source patternmatcher builds (regexp type only)
  const detail::ignore::inst* program = nullptr;          ///< compiled program (regexp type only)
  const detail::ignore::rune_range* ranges = nullptr;     ///< class ranges of the program
  std::uint32_t program_size = 0;  ///< instructions
  std::uint32_t dirs = 0;          ///< number of `/`-separated components (deprecated `Matches`)
  std::uint32_t source = 0;        ///< index of the pattern string it came from
  match_type type = match_type::exact;  ///< the match type patternmatcher chooses
  bool exclusion = false;          ///< it started with `!`
  errc lazy_error = errc::ok;      ///< error reported when the pattern is evaluated (RE2 rejects it)
  std::string_view need_prefix;    ///< bytes every match of the program starts with (regexp type)
  std::string_view need_suffix;    ///< bytes every match of the program ends with (regexp type)
  std::string_view need_infix;     ///< bytes every match of the program contains (regexp type)
  const detail::ignore::glob_token* glob = nullptr;  ///< the program as a simple glob (regexp type; may be null)
  std::uint32_t glob_size = 0;     ///< tokens in `glob`
  bool glob_ascii = false;         ///< `glob` only applies to ASCII paths (a class follows a star)

  /// Matches one string as patternmatcher's `Pattern.match` (no cleaning); sets `err` on a lazy error.
  [[nodiscard]] bool match(std::string_view path, errc& err) const noexcept {
    using detail::ignore::kind;
    switch (type) {
      case kind::exact: return path == text;
      case kind::prefix: {
        const std::string_view pre = text.substr(0, text.size() - 2);
        return path.substr(0, pre.size()) == pre;
      }
      case kind::suffix: {
        const std::string_view suf = text.substr(2);
        if (path.size() >= suf.size() && path.substr(path.size() - suf.size()) == suf) return true;
        return !suf.empty() && suf[0] == '/' && path == suf.substr(1);
      }
      case kind::regexp:
        if (lazy_error != errc::ok) {
          err = lazy_error;
          return false;
        }
        if (path.size() < need_prefix.size() + need_suffix.size()) return false;
        if (!need_suffix.empty() &&
            std::memcmp(path.data() + path.size() - need_suffix.size(), need_suffix.data(), need_suffix.size()) != 0) {
          return false;
        }
        if (!need_prefix.empty() && std::memcmp(path.data(), need_prefix.data(), need_prefix.size()) != 0) {
          return false;
        }
        if (!need_infix.empty() && path.find(need_infix) == std::string_view::npos) return false;
        if (glob != nullptr && (!glob_ascii || detail::ignore::is_ascii(path))) {
          return detail::ignore::glob_match(glob, glob_size, text.data(), path.data(), path.size());
        }
        return detail::ignore::re_match(program, program_size, ranges, path);
    }
    return false;
  }
};

/// The answer of a query.
struct match_result {
  bool excluded = false;  ///< true: the path is not sent (a pattern excludes it or a parent)
  errc err = errc::ok;    ///< a lazy pattern error (then `excluded` is false), or `path_too_long`
  std::uint32_t pattern = UINT32_MAX;  ///< the pattern at fault when `err` is set

  /// True when no error happened.
  [[nodiscard]] constexpr bool ok() const noexcept { return err == errc::ok; }
};

/// A compiled pattern list (patternmatcher's `PatternMatcher`). Lives in the arena given to
/// `compile`; copying it copies a view. Queries are `const`, allocate nothing and are thread-safe.
/// `compile` also builds a query index (pattern masks keyed by the bytes a match must start or end
/// with): a point query then tries only the patterns the index lets through, from the last one
/// down, and the walk form only those and the parent's; answers are those of the plain scan.
class matcher {
 public:
  /// A matcher with no patterns (excludes nothing).
  constexpr matcher() noexcept = default;
  /// A matcher over compiled patterns (point queries scan every pattern).
  constexpr matcher(const pattern* p, std::size_t n, bool exclusions) noexcept
      : patterns_(p, n), exclusions_(exclusions) {}
  /// A matcher over compiled patterns with the query index `compile` builds (may be null).
  constexpr matcher(const pattern* p, std::size_t n, bool exclusions,
                    const detail::ignore::query_index* index) noexcept
      : patterns_(p, n), exclusions_(exclusions), index_(index) {}

  /// The patterns, in order.
  [[nodiscard]] constexpr list_view<pattern> patterns() const noexcept { return patterns_; }
  /// True when any pattern is an exception (`Exclusions()`).
  [[nodiscard]] constexpr bool exclusions() const noexcept { return exclusions_; }
  /// Number of 64-bit words a walk's per-pattern match bits need.
  [[nodiscard]] constexpr std::size_t bit_words() const noexcept { return (patterns_.size() + 63) / 64; }

  /// `MatchesOrParentMatches(path)`: the last pattern that matches the path or one of its parents
  /// decides (exceptions keep, others exclude). The path is not cleaned; its parents are those of
  /// `filepath.Dir(path)`.
  [[nodiscard]] match_result matches_or_parent_matches(std::string_view path) const noexcept {
    if (index_ != nullptr) {
      const int r = indexed_query(path);
      if (r >= 0) {
        match_result res;
        res.excluded = r != 0;
        return res;
      }
    }
    return evaluate(path, nullptr, nullptr, false);
  }

  /// `MatchesUsingParentResults(path, parent)`: the walk form. `parent` holds the bits the parent
  /// directory's call wrote (`bit_words()` words), or is null for "no information" (top level, or a
  /// lone query: then it equals the point query). `bits` (`bit_words()` words, may be null)
  /// receives this path's bits, for its children.
  [[nodiscard]] match_result matches_using_parent_results(std::string_view path, const std::uint64_t* parent,
                                                          std::uint64_t* bits) const noexcept {
    return evaluate(path, parent, bits, false);
  }

  /// The deprecated `Matches`: only the ancestor at the depth of each pattern's component count
  /// is tested (still used by the classic CLI to force-include the Dockerfile).
  [[nodiscard]] match_result matches_deprecated(std::string_view path) const noexcept {
    return evaluate(path, nullptr, nullptr, true);
  }

 private:
  list_view<pattern> patterns_;
  bool exclusions_ = false;
  const detail::ignore::query_index* index_ = nullptr;

  /// The point query through the index: 1 excluded, 0 kept, -1 when the path needs the plain scan
  /// (empty, rooted, a parent that is not clean, too deep). Without lazy errors (the index is only
  /// built then), the plain scan's answer is "the last pattern matching the path or a parent
  /// decides", so the patterns the index lets through are tried from the last one down.
  int indexed_query(std::string_view path) const noexcept {
    return index_->words == 1 ? indexed_query_n<true>(path) : indexed_query_n<false>(path);
  }

  /// `indexed_query` for one mask word (`Single`) or any number.
  template <bool Single>
  int indexed_query_n(std::string_view path) const noexcept {
    namespace di = detail::ignore;
    const di::query_index& ix = *index_;
    const std::size_t n = path.size();
    if (n == 0 || n > 0xFFFFFFFFu) return -1;
    const char* s = path.data();
    const std::uint32_t nw = Single ? 1 : ix.words;
    std::uint64_t endm[Single ? 1 : di::max_index_words];
    std::uint64_t compm[Single ? 1 : di::max_index_words];
    for (std::uint32_t w = 0; w < nw; ++w) {
      endm[w] = ix.no_end[w];
      compm[w] = ix.no_comp[w];
    }
    auto add = [&](const std::uint64_t* table, std::uint32_t key, std::uint64_t* acc) {
      if constexpr (Single) {
        acc[0] |= table[key];
      } else {
        const std::uint64_t* m = table + std::size_t{key} * nw;
        for (std::uint32_t w = 0; w < nw; ++w) acc[w] |= m[w];
      }
    };
    auto byte = [s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    // the candidates are path[:k] for every '/' at k (Dir(path) is clean) and the path itself
    std::uint32_t ends[di::max_index_slashes + 1];
    std::uint32_t nends = 0;
    std::size_t start = 0;
    add(ix.comp, di::pair_key(byte(0), n > 1 ? byte(1) : 0), compm);
    for (std::size_t base = 0; base < n; base += 64) {
      std::uint64_t m = di::slash_bits(s + base, n - base < 64 ? n - base : 64);
      while (m != 0) {
        const std::size_t k = base + static_cast<std::size_t>(__builtin_ctzll(m));
        m &= m - 1;
        const std::size_t len = k - start;
        if (len == 0 || (s[start] == '.' && (len == 1 || (len == 2 && s[start + 1] == '.')))) return -1;
        if (nends == di::max_index_slashes) return -1;
        ends[nends++] = static_cast<std::uint32_t>(k);
        add(ix.end, di::pair_key(k >= 2 ? byte(k - 2) : 0, byte(k - 1)), endm);
        if (k + 1 < n) add(ix.comp, di::pair_key(byte(k + 1), k + 2 < n ? byte(k + 2) : 0), compm);
        start = k + 1;
      }
    }
    ends[nends++] = static_cast<std::uint32_t>(n);
    add(ix.end, di::pair_key(n >= 2 ? byte(n - 2) : 0, byte(n - 1)), endm);
    const std::uint64_t* first = ix.start + std::size_t{di::pair_key(byte(0), n > 1 ? byte(1) : 0)} * nw;
    for (std::uint32_t w = nw; w-- > 0;) {
      std::uint64_t bits = first[w] & endm[w] & compm[w];
      while (bits != 0) {
        const auto b = static_cast<std::uint32_t>(63 - __builtin_clzll(bits));
        bits &= ~(std::uint64_t{1} << b);
        const pattern& p = patterns_[std::size_t{w} * 64 + b];
        if (candidate_match(p, path, ends, nends)) return p.exclusion ? 0 : 1;
      }
    }
    return 0;
  }

  /// True when `p` matches `path[:ends[i]]` for some i (`ends` ascending, the last one the size).
  static bool candidate_match(const pattern& p, std::string_view path, const std::uint32_t* ends,
                              std::uint32_t nends) noexcept {
    using detail::ignore::kind;
    const char* s = path.data();
    switch (p.type) {
      case kind::exact: {
        const std::size_t t = p.text.size();
        if (t > path.size() || (t < path.size() && s[t] != '/')) return false;
        return detail::ignore::same_bytes(s, p.text.data(), t);
      }
      case kind::prefix: {
        const std::size_t t = p.text.size() - 2;
        return t <= path.size() && detail::ignore::same_bytes(s, p.text.data(), t);
      }
      case kind::suffix: {
        const std::string_view suf = p.text.substr(2);
        const std::size_t ns = suf.size();
        if (ns == 0) return true;
        const bool slash = suf[0] == '/';
        for (std::uint32_t i = 0; i < nends; ++i) {
          const std::size_t k = ends[i];
          if (k >= ns && detail::ignore::same_bytes(s + k - ns, suf.data(), ns)) return true;
          if (slash && k == ns - 1 && detail::ignore::same_bytes(s, suf.data() + 1, ns - 1)) return true;
        }
        return false;
      }
      case kind::regexp: {
        const std::size_t np = p.need_prefix.size();
        if (np != 0 && (np > path.size() || !detail::ignore::same_bytes(s, p.need_prefix.data(), np))) return false;
        const std::size_t ns = p.need_suffix.size();
        if (ns != 0) {
          bool any = false;
          for (std::uint32_t i = 0; i < nends && !any; ++i) {
            const std::size_t k = ends[i];
            any = k >= np + ns && detail::ignore::same_bytes(s + k - ns, p.need_suffix.data(), ns);
          }
          if (!any) return false;
        }
        if (!p.need_infix.empty() && path.find(p.need_infix) == std::string_view::npos) return false;
        if (p.glob != nullptr && (!p.glob_ascii || detail::ignore::is_ascii(path))) {
          for (std::uint32_t i = 0; i < nends; ++i) {
            const std::size_t k = ends[i];
            if (k < np + ns) continue;
            if (ns != 0 && !detail::ignore::same_bytes(s + k - ns, p.need_suffix.data(), ns)) continue;
            if (detail::ignore::glob_match(p.glob, p.glob_size, p.text.data(), s, k)) return true;
          }
          return false;
        }
        return detail::ignore::re_match(p.program, p.program_size, p.ranges, path, true);
      }
    }
    return false;
  }


  /// Writes to `out` (`index_->words` words) the patterns the index lets through for `path` as the
  /// only candidate (its parents not included); false when there is no index or the path is empty.
  bool path_mask(std::string_view path, std::uint64_t* out) const noexcept {
    namespace di = detail::ignore;
    if (index_ == nullptr || path.empty() || path.size() > 0xFFFFFFFFu) return false;
    const di::query_index& ix = *index_;
    const std::uint32_t nw = ix.words;
    const char* s = path.data();
    const std::size_t n = path.size();
    auto byte = [s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const std::uint64_t* first = ix.start + std::size_t{di::pair_key(byte(0), n > 1 ? byte(1) : 0)} * nw;
    const std::uint64_t* last = ix.end + std::size_t{di::pair_key(n >= 2 ? byte(n - 2) : 0, byte(n - 1))} * nw;
    const std::uint64_t* comp0 = ix.comp + std::size_t{di::pair_key(byte(0), n > 1 ? byte(1) : 0)} * nw;
    for (std::uint32_t w = 0; w < nw; ++w) out[w] = ix.no_comp[w] | comp0[w];
    for (std::size_t base = 0; base < n; base += 64) {
      std::uint64_t m = di::slash_bits(s + base, n - base < 64 ? n - base : 64);
      while (m != 0) {
        const std::size_t k = base + static_cast<std::size_t>(__builtin_ctzll(m));
        m &= m - 1;
        if (k + 1 >= n) continue;
        const std::uint64_t* c = ix.comp + std::size_t{di::pair_key(byte(k + 1), k + 2 < n ? byte(k + 2) : 0)} * nw;
        for (std::uint32_t w = 0; w < nw; ++w) out[w] |= c[w];
      }
    }
    for (std::uint32_t w = 0; w < nw; ++w) out[w] &= first[w] & (last[w] | ix.no_end[w]);
    return true;
  }

  match_result evaluate(std::string_view path, const std::uint64_t* parent, std::uint64_t* bits,
                        bool deprecated) const noexcept {
    match_result res;
    if (bits != nullptr) {
      for (std::size_t w = 0; w < bit_words(); ++w) bits[w] = 0;
    }
    // the walk form tests the path alone: the index says which patterns cannot match it, and only
    // the patterns set in the parent's bits or let through can change anything
    std::uint64_t only[detail::ignore::max_index_words];
    if (parent != nullptr && !deprecated && path_mask(path, only)) {
      bool matched = false;
      const std::uint32_t nw = index_->words;
      for (std::uint32_t w = 0; w < nw; ++w) {
        std::uint64_t cand = parent[w] | only[w];
        while (cand != 0) {
          const auto b = static_cast<std::uint32_t>(__builtin_ctzll(cand));
          cand &= cand - 1;
          const std::size_t i = std::size_t{w} * 64 + b;
          const pattern& p = patterns_[i];
          bool m = ((parent[w] >> b) & 1u) != 0;
          if (!m) {
            if (p.exclusion != matched) continue;
            errc ignored = errc::ok;  // no lazy errors when there is an index
            m = p.match(path, ignored);
          }
          if (m) {
            if (bits != nullptr) bits[w] |= std::uint64_t{1} << b;
            matched = !p.exclusion;
          }
        }
      }
      res.excluded = matched;
      return res;
    }
    // the parent directory, as filepath.Dir gives it
    char buf[4096];
    std::string_view dir;
    bool has_dir = false;
    bool dir_ready = false;
    auto get_dir = [&]() -> bool {
      if (dir_ready) return true;
      dir_ready = true;
      const std::size_t ls = path.rfind('/');
      if (ls == std::string_view::npos) return true;  // Dir = "."
      const std::string_view raw = path.substr(0, ls);
      if (detail::ignore::looks_clean(raw)) {
        dir = raw;
        has_dir = true;
        return true;
      }
      if (ls + 1 > sizeof buf) {
        res.err = errc::path_too_long;
        return false;
      }
      const std::size_t n = detail::ignore::clean(path.substr(0, ls + 1), buf);
      dir = std::string_view(buf, n);
      has_dir = !(n == 1 && buf[0] == '.');
      return true;
    };
    bool matched = false;
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
      const pattern& p = patterns_[i];
      bool m = false;
      if (parent != nullptr) m = ((parent[i / 64] >> (i % 64)) & 1u) != 0;
      if (!m) {
        if (p.exclusion != matched) continue;
        errc e = errc::ok;
        m = p.match(path, e);
        if (e != errc::ok) {
          res.err = e;
          res.pattern = static_cast<std::uint32_t>(i);
          res.excluded = false;
          return res;
        }
        if (!m && parent == nullptr) {
          if (!get_dir()) {
            res.excluded = false;
            return res;
          }
          if (has_dir) m = deprecated ? match_depth(p, dir) : match_ancestors(p, dir);
        }
      }
      if (bits != nullptr && m) bits[i / 64] |= std::uint64_t{1} << (i % 64);
      if (m) matched = !p.exclusion;
    }
    res.excluded = matched;
    return res;
  }

  /// True when `p` matches one of the prefixes of `dir` split at `/` (errors ignored, as Go).
  static bool match_ancestors(const pattern& p, std::string_view dir) noexcept {
    using detail::ignore::kind;
    switch (p.type) {
      case kind::exact:
        return dir.size() >= p.text.size() && dir.substr(0, p.text.size()) == p.text &&
               (dir.size() == p.text.size() || dir[p.text.size()] == '/');
      case kind::prefix: {
        const std::string_view pre = p.text.substr(0, p.text.size() - 2);
        return dir.substr(0, pre.size()) == pre;
      }
      case kind::suffix: {
        const std::string_view suf = p.text.substr(2);
        const std::size_t ns = suf.size();
        if (ns == 0) return true;
        const char last = suf[ns - 1];
        for (std::size_t k = ns; k <= dir.size(); ++k) {
          if ((k == dir.size() || dir[k] == '/') && dir[k - 1] == last &&
              std::memcmp(dir.data() + k - ns, suf.data(), ns) == 0) {
            return true;
          }
        }
        if (suf[0] != '/') return false;
        return dir.size() >= ns - 1 && std::memcmp(dir.data(), suf.data() + 1, ns - 1) == 0 &&
               (dir.size() == ns - 1 || dir[ns - 1] == '/');
      }
      case kind::regexp: {
        if (p.lazy_error != errc::ok) return false;
        if (dir.size() < p.need_prefix.size() + p.need_suffix.size()) return false;
        if (!p.need_prefix.empty() && std::memcmp(dir.data(), p.need_prefix.data(), p.need_prefix.size()) != 0) {
          return false;
        }
        if (!p.need_suffix.empty()) {
          bool any = false;
          const std::size_t ns = p.need_suffix.size();
          for (std::size_t k = p.need_prefix.size() + ns; k <= dir.size() && !any; ++k) {
            if ((k == dir.size() || dir[k] == '/') && std::memcmp(dir.data() + k - ns, p.need_suffix.data(), ns) == 0) {
              any = true;
            }
          }
          if (!any) return false;
        }
        if (!p.need_infix.empty() && dir.find(p.need_infix) == std::string_view::npos) return false;
        return detail::ignore::re_match(p.program, p.program_size, p.ranges, dir, true);
      }
      default: break;
    }
    errc ignored = errc::ok;
    for (std::size_t k = 0; k <= dir.size(); ++k) {
      if (k == dir.size() || dir[k] == '/') {
        if (p.match(dir.substr(0, k), ignored)) return true;
      }
    }
    return false;
  }

  /// The deprecated rule: the prefix of `dir` with `p.dirs` components, if `dir` has that many.
  static bool match_depth(const pattern& p, std::string_view dir) noexcept {
    std::size_t comps = 1;
    for (char c : dir) comps += c == '/' ? 1 : 0;
    if (p.dirs > comps) return false;
    std::size_t seen = 0;
    std::size_t k = 0;
    for (; k < dir.size(); ++k) {
      if (dir[k] == '/' && ++seen == p.dirs) break;
    }
    errc ignored = errc::ok;
    return p.match(dir.substr(0, k), ignored);
  }
};

/// The result of `compile`.
struct compile_result {
  dockerignore::matcher matcher;  ///< the matcher (empty on error)
  error err;                      ///< `bad_pattern`, `illegal_exclusion` or `out_of_storage`

  /// True when every pattern was accepted.
  [[nodiscard]] constexpr bool ok() const noexcept { return err.code == errc::ok; }
};

namespace detail_compile {
/// Compiles one string (already trimmed and cleaned, `!` removed) into `out`.
inline errc compile_one(std::string_view text, pattern& out, arena& storage) noexcept {
  namespace di = detail::ignore;
  out.text = text;
  std::uint32_t dirs = 1;
  for (char c : text) dirs += c == '/' ? 1 : 0;
  out.dirs = dirs;
  di::kind type = di::kind::exact;
  const std::size_t len = di::translate(text, nullptr, type);
  out.type = type;
  if (type != di::kind::regexp) return errc::ok;
  char* re = storage.make_text(len);
  if (re == nullptr) return errc::out_of_storage;
  di::translate(text, re, type);
  out.regexp = std::string_view(re, len);
  di::re_compiler counter(out.regexp, nullptr, nullptr);
  const di::re_status st = counter.run();
  if (st != di::re_status::ok) {
    out.lazy_error = st == di::re_status::unsupported ? errc::unsupported_pattern : errc::bad_pattern;
    return errc::ok;
  }
  if (counter.ninst() > di::max_program) {
    out.lazy_error = errc::unsupported_pattern;
    return errc::ok;
  }
  auto* prog = storage.make_records<di::inst>(counter.ninst());
  auto* ranges = storage.make_records<di::rune_range>(counter.nranges());
  if (prog == nullptr || (ranges == nullptr && counter.nranges() > 0)) return errc::out_of_storage;
  di::re_compiler real(out.regexp, prog, ranges);
  real.run();
  out.program = prog;
  out.ranges = ranges;
  out.program_size = real.ninst();
  // literal prefilters: only for a single anchored alternative (no '|' anywhere in the source)
  const std::uint32_t n = real.ninst();
  if (out.regexp.find('|') == std::string_view::npos && n >= 3 && prog[0].code == di::op::begin_text &&
      prog[n - 2].code == di::op::end_text) {
    auto plain = [&](std::uint32_t k) { return prog[k].code == di::op::rune && prog[k].a != 0xFFFD; };
    std::uint32_t pe = 1;
    while (pe < n - 2 && plain(pe)) ++pe;
    std::uint32_t ss = n - 2;
    while (ss > pe && plain(ss - 1)) --ss;
    // a forward jump into (or past) the suffix run makes the runes before its target optional
    for (std::uint32_t k = 0; k < ss; ++k) {
      const auto& in = prog[k];
      if (in.code == di::op::jmp || in.code == di::op::split) {
        if (in.a > ss && in.a <= n - 2) ss = in.a;
        if (in.code == di::op::split && in.b > ss && in.b <= n - 2) ss = in.b;
      }
    }
    auto encode = [&](std::uint32_t from, std::uint32_t to, std::string_view& dst) -> bool {
      std::size_t bytes = 0;
      for (std::uint32_t k = from; k < to; ++k) bytes += detail::rune_length(prog[k].a);
      if (bytes == 0) return true;
      char* t = storage.make_text(bytes);
      if (t == nullptr) return false;
      std::size_t w = 0;
      for (std::uint32_t k = from; k < to; ++k) w += detail::encode_rune(prog[k].a, t + w);
      dst = std::string_view(t, w);
      return true;
    };
    if (!encode(1, pe, out.need_prefix) || !encode(ss, n - 2, out.need_suffix)) return errc::out_of_storage;
    // the longest run of runes no forward jump can skip: every match contains it
    std::uint32_t best_from = 0, best_len = 0, run_from = 0, run_len = 0;
    for (std::uint32_t k = 1; k < n - 2; ++k) {
      bool skippable = false;
      for (std::uint32_t e = 0; e < k && !skippable; ++e) {
        const auto& in = prog[e];
        if (in.code == di::op::jmp && in.a > k) skippable = true;
        if (in.code == di::op::split && (in.a > k || in.b > k)) skippable = true;
      }
      if (!skippable && plain(k)) {
        if (run_len == 0) run_from = k;
        ++run_len;
        if (run_len > best_len) {
          best_len = run_len;
          best_from = run_from;
        }
      } else {
        run_len = 0;
      }
    }
    if (best_len > 1 && !encode(best_from, best_from + best_len, out.need_infix)) return errc::out_of_storage;
  }
  // the simple-glob form (bounded backtracking: at most three stars)
  const std::uint32_t ntok = di::simple_glob(text, nullptr);
  if (ntok > 0) {
    auto* toks = storage.make_records<di::glob_token>(ntok);
    if (toks == nullptr) return errc::out_of_storage;
    di::simple_glob(text, toks);
    std::uint32_t stars = 0;
    bool star_seen = false, ascii = false;
    for (std::uint32_t k = 0; k < ntok; ++k) {
      if (toks[k].kind == di::gtok::star || toks[k].kind == di::gtok::dstar_slash) ++stars;
      if (toks[k].kind == di::gtok::star) star_seen = true;
      if (toks[k].kind == di::gtok::cls && star_seen) ascii = true;
    }
    if (stars <= 3) {
      out.glob = toks;
      out.glob_size = ntok;
      out.glob_ascii = ascii;
    }
  }
  return errc::ok;
}

/// The literal every string `p` matches must end with (empty: none known).
inline std::string_view required_end(const pattern& p) noexcept {
  using detail::ignore::kind;
  switch (p.type) {
    case kind::exact: return p.text;
    case kind::prefix: return {};
    case kind::suffix: {
      const std::string_view suf = p.text.substr(2);
      return !suf.empty() && suf[0] == '/' ? suf.substr(1) : suf;
    }
    case kind::regexp: return p.need_suffix;
  }
  return {};
}

/// The literal every string `p` matches must start with (empty: none known).
inline std::string_view required_start(const pattern& p) noexcept {
  using detail::ignore::kind;
  switch (p.type) {
    case kind::exact: return p.text;
    case kind::prefix: return p.text.substr(0, p.text.size() - 2);
    case kind::suffix: return {};
    case kind::regexp: return p.need_prefix;
  }
  return {};
}

/// The literal that must start at position 0 or right after a `/` of every string `p` matches
/// (`**/lit...`; empty: none known).
inline std::string_view required_component(const pattern& p) noexcept {
  using detail::ignore::kind;
  using detail::ignore::gtok;
  if (p.type == kind::suffix) {
    const std::string_view suf = p.text.substr(2);
    return !suf.empty() && suf[0] == '/' ? suf.substr(1) : std::string_view();
  }
  if (p.type == kind::regexp && p.glob != nullptr && p.glob_size >= 2 && p.glob[0].kind == gtok::dstar_slash &&
      p.glob[1].kind == gtok::lit) {
    return p.text.substr(p.glob[1].off, p.glob[1].len);
  }
  return {};
}

/// Sets `bit` (word `w`) in every `pair_key` bucket of `table` that two bytes starting with
/// `lit` (`front`) or ending with it (`!front`) can fall into; false when `lit` is empty.
inline bool mark_pairs(std::uint64_t* table, std::uint32_t nw, std::size_t w, std::uint64_t bit,
                       std::string_view lit, bool front) noexcept {
  namespace di = detail::ignore;
  if (lit.empty()) return false;
  if (lit.size() >= 2) {
    const auto a = static_cast<unsigned char>(front ? lit[0] : lit[lit.size() - 2]);
    const auto b = static_cast<unsigned char>(front ? lit[1] : lit[lit.size() - 1]);
    table[std::size_t{di::pair_key(a, b)} * nw + w] |= bit;
    return true;
  }
  const auto c = static_cast<unsigned char>(lit[0]);
  for (std::uint32_t x = 0; x < 256; ++x) {
    const auto other = static_cast<unsigned char>(x);
    table[std::size_t{front ? di::pair_key(c, other) : di::pair_key(other, c)} * nw + w] |= bit;
  }
  return true;
}

/// For a simple glob ending in a plain ASCII class: marks the buckets of the last two bytes of the
/// strings it matches; false when the glob does not end so.
inline bool mark_class_end(const pattern& p, std::uint64_t* table, std::uint32_t nw, std::size_t w,
                           std::uint64_t bit) noexcept {
  namespace di = detail::ignore;
  if (p.glob == nullptr || p.glob_size == 0) return false;
  const di::glob_token& last = p.glob[p.glob_size - 1];
  if (last.kind != di::gtok::cls || last.negated) return false;
  const di::glob_token* prev = p.glob_size >= 2 ? &p.glob[p.glob_size - 2] : nullptr;
  for (std::uint32_t c2 = 0; c2 < 128; ++c2) {
    if (((last.set[c2 / 64] >> (c2 % 64)) & 1u) == 0) continue;
    for (std::uint32_t c1 = 0; c1 < 256; ++c1) {
      bool ok = true;
      if (prev != nullptr && prev->kind == di::gtok::lit) {
        ok = c1 == static_cast<unsigned char>(p.text[prev->off + prev->len - 1]);
      } else if (prev != nullptr && prev->kind == di::gtok::cls && !prev->negated) {
        ok = c1 < 128 && ((prev->set[c1 / 64] >> (c1 % 64)) & 1u) != 0;
      }
      if (ok) {
        table[std::size_t{di::pair_key(static_cast<unsigned char>(c1), static_cast<unsigned char>(c2))} * nw + w] |=
            bit;
      }
    }
  }
  return true;
}

/// Builds the point-query index over `pats` in `storage` (null with `ok` set when the patterns do
/// not allow one: a lazy error, or too many patterns).
inline const detail::ignore::query_index* build_index(const pattern* pats, std::size_t n, arena& storage,
                                                      bool& ok) noexcept {
  namespace di = detail::ignore;
  ok = true;
  if (n == 0 || n > std::size_t{di::max_index_words} * 64) return nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    if (pats[i].lazy_error != errc::ok) return nullptr;
  }
  const auto nw = static_cast<std::uint32_t>((n + 63) / 64);
  const std::size_t total = std::size_t{nw} * (3 * 256 + 2);
  auto* ix = storage.make_records<di::query_index>(1);
  std::uint64_t* masks = storage.make_records<std::uint64_t>(total);
  if (ix == nullptr || masks == nullptr) {
    ok = false;
    return nullptr;
  }
  for (std::size_t k = 0; k < total; ++k) masks[k] = 0;
  std::uint64_t* start = masks;
  std::uint64_t* end = start + std::size_t{nw} * 256;
  std::uint64_t* comp = end + std::size_t{nw} * 256;
  std::uint64_t* no_end = comp + std::size_t{nw} * 256;
  std::uint64_t* no_comp = no_end + nw;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t w = i / 64;
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    if (!mark_pairs(start, nw, w, bit, required_start(pats[i]), true)) {
      for (std::size_t c = 0; c < 256; ++c) start[c * nw + w] |= bit;
    }
    if (!mark_pairs(end, nw, w, bit, required_end(pats[i]), false) && !mark_class_end(pats[i], end, nw, w, bit)) {
      no_end[w] |= bit;
    }
    if (!mark_pairs(comp, nw, w, bit, required_component(pats[i]), true)) no_comp[w] |= bit;
  }
  ix->words = nw;
  ix->start = start;
  ix->end = end;
  ix->comp = comp;
  ix->no_end = no_end;
  ix->no_comp = no_comp;
  return ix;
}
}  // namespace detail_compile

/// `patternmatcher.New(patterns)`: trims, cleans (the whole string, `!` included), rejects `!`
/// alone and what `filepath.Match` rejects, and compiles each pattern. Patterns that pass those
/// checks but that RE2 rejects fail lazily, when a query evaluates them (`pattern::lazy_error`).
/// `get(i)` returns the i-th string for i < n.
template <class Get>
[[nodiscard]] compile_result compile_with(std::size_t n, Get&& get, arena& storage) noexcept {
  compile_result out;
  pattern* pats = storage.make_records<pattern>(n);
  if (pats == nullptr && n > 0) {
    out.err.code = errc::out_of_storage;
    return out;
  }
  std::size_t count = 0;
  bool exclusions = false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view raw = detail::ignore::trim_space(get(i));
    if (raw.empty()) continue;
    char* buf = storage.make_text(raw.size() + 1);
    if (buf == nullptr) {
      out.err = {errc::out_of_storage, static_cast<std::uint32_t>(i), {}};
      return out;
    }
    std::string_view p(buf, detail::ignore::clean(raw, buf));
    pattern& pat = pats[count];
    pat = pattern{};
    pat.source = static_cast<std::uint32_t>(i);
    if (p[0] == '!') {
      if (p.size() == 1) {
        out.err = {errc::illegal_exclusion, static_cast<std::uint32_t>(i), {}};
        return out;
      }
      pat.exclusion = true;
      exclusions = true;
      p.remove_prefix(1);
    }
    if (!detail::ignore::glob_syntax_ok(p)) {
      out.err = {errc::bad_pattern, static_cast<std::uint32_t>(i), {}};
      return out;
    }
    pat.text = p;
    ++count;
  }
  // programs are allocated after the pattern array so that the array stays contiguous
  for (std::size_t k = 0; k < count; ++k) {
    const errc e = detail_compile::compile_one(pats[k].text, pats[k], storage);
    if (e != errc::ok) {
      out.err = {e, pats[k].source, {}};
      return out;
    }
  }
  bool index_ok = true;
  const detail::ignore::query_index* index = detail_compile::build_index(pats, count, storage, index_ok);
  if (!index_ok) {
    out.err.code = errc::out_of_storage;
    return out;
  }
  out.matcher = matcher(pats, count, exclusions, index);
  return out;
}

/// `compile` over an array of strings.
[[nodiscard]] inline compile_result compile(const std::string_view* patterns, std::size_t n,
                                            arena& storage) noexcept {
  return compile_with(n, [&](std::size_t i) { return patterns[i]; }, storage);
}

/// `compile` over what `read_all` returned; errors carry the source range of the line.
[[nodiscard]] inline compile_result compile(list_view<pattern_line> lines, arena& storage) noexcept {
  compile_result r = compile_with(lines.size(), [&](std::size_t i) { return lines[i].text; }, storage);
  if (!r.ok() && r.err.pattern < lines.size()) r.err.range = lines[r.err.pattern].range;
  return r;
}

/// Evaluates every pattern once against nothing in particular: returns the first pattern whose
/// lazy error Docker would report when it is reached (useful for linting; Docker itself only
/// reports it when a query reaches the pattern).
[[nodiscard]] inline error first_lazy_error(const matcher& m) noexcept {
  for (std::size_t i = 0; i < m.patterns().size(); ++i) {
    if (m.patterns()[i].lazy_error != errc::ok) {
      return {m.patterns()[i].lazy_error, m.patterns()[i].source, {}};
    }
  }
  return {};
}

/// fsutil's pruning rule for an excluded directory `dir` (BuildKit's context transfer): true when
/// the walk may skip everything below it. Exceptions with glob characters (after stripping one
/// trailing `/**` and then one `/*`) disable pruning entirely.
[[nodiscard]] inline bool buildkit_may_prune(const matcher& m, std::string_view dir) noexcept {
  if (!m.exclusions()) return true;
  for (const pattern& p : m.patterns()) {
    if (!p.exclusion) continue;
    std::string_view s = p.text;
    if (s.size() >= 3 && s.substr(s.size() - 3) == "/**") s.remove_suffix(3);
    if (s.size() >= 2 && s.substr(s.size() - 2) == "/*") s.remove_suffix(2);
    if (s.find_first_of("*[]?^\\") != std::string_view::npos) return false;
  }
  for (const pattern& p : m.patterns()) {
    if (!p.exclusion) continue;
    std::string_view s = p.text;
    if (s.size() >= 3 && s.substr(s.size() - 3) == "/**") s.remove_suffix(3);
    if (s.size() >= 2 && s.substr(s.size() - 2) == "/*") s.remove_suffix(2);
    // strings.HasPrefix(s + "/", dir + "/")
    if (s.size() + 1 >= dir.size() + 1 && s.substr(0, dir.size()) == dir &&
        (s.size() == dir.size() || s[dir.size()] == '/')) {
      return false;
    }
  }
  return true;
}


#if defined(__unix__) || defined(__APPLE__)
/// What `walk_context_posix` reports for each entry.
struct context_entry {
  std::string_view path;    ///< relative, `/`-separated
  bool directory = false;   ///< a directory (otherwise a file, symlink or other)
  std::uint64_t size = 0;   ///< bytes (regular files; 0 otherwise)
  bool sent = false;        ///< true: part of the build context
  bool pruned = false;      ///< an excluded directory the builder does not even enter
};

/// The result of `walk_context_posix`.
struct context_walk_result {
  errc code = errc::ok;     ///< a pattern error met during the walk (`failed to match excludepatterns`)
  int os_error = 0;         ///< errno of a failed read of a directory that is sent (0: none)
  std::string failed_path;  ///< the path that failed

  /// True when the walk completed.
  [[nodiscard]] bool ok() const noexcept { return code == errc::ok && os_error == 0; }
};

namespace detail_walk {
struct frame {
  std::string path;
  std::vector<std::uint64_t> bits;
  bool emitted = false;
};

template <class Callback>
bool walk_dir(const std::string& abs, const std::string& rel, const matcher& m, std::vector<frame>& stack,
              Callback& cb, context_walk_result& res, bool dir_sent) {
  DIR* d = ::opendir(abs.c_str());
  if (d == nullptr) {
    if (dir_sent) {
      res.os_error = errno;
      res.failed_path = rel;
      return false;
    }
    return true;  // fsutil ignores read errors of skipped directories
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    names.emplace_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  std::vector<std::uint64_t> bits(m.bit_words() + 1);
  for (const std::string& name : names) {
    const std::string path = rel.empty() ? name : rel + "/" + name;
    const std::string full = abs + "/" + name;
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) continue;
    const bool is_dir = S_ISDIR(st.st_mode);
    const std::uint64_t size = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
    const match_result r =
        m.matches_using_parent_results(path, stack.empty() ? nullptr : stack.back().bits.data(), bits.data());
    if (!r.ok()) {
      res.code = r.err;
      res.failed_path = path;
      return false;
    }
    if (r.excluded) {
      if (is_dir && buildkit_may_prune(m, path)) {
        cb(context_entry{path, true, 0, false, true});
        continue;
      }
      cb(context_entry{path, is_dir, size, false, false});
    } else {
      for (frame& f : stack) {
        if (!f.emitted) {
          cb(context_entry{f.path, true, 0, true, false});
          f.emitted = true;
        }
      }
      cb(context_entry{path, is_dir, size, true, false});
    }
    if (is_dir) {
      stack.push_back(frame{path, bits, !r.excluded});
      const bool ok = walk_dir(full, path, m, stack, cb, res, !r.excluded);
      stack.pop_back();
      if (!ok) return false;
    }
  }
  return true;
}
}  // namespace detail_walk

/// Walks the build context under `dir` the way BuildKit's client (fsutil FilterFS) does: lexical
/// depth-first order, `MatchesUsingParentResults` threaded through a stack, excluded directories
/// pruned only when no exception could re-include something below them, and excluded parents of a
/// re-included entry reported (as sent) just before it. Calls `cb(const context_entry&)` for every
/// entry it looks at. This function does I/O (opendir/readdir/lstat) and allocates; the matcher
/// itself does not.
template <class Callback>
context_walk_result walk_context_posix(const std::string& dir, const matcher& m, Callback&& cb) {
  context_walk_result res;
  std::vector<detail_walk::frame> stack;
  detail_walk::walk_dir(dir, std::string(), m, stack, cb, res, true);
  return res;
}
#endif

}  // namespace dockerignore
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DOCKERIGNORE_HPP

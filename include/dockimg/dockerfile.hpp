// SPDX-License-Identifier: Apache-2.0
/// @file dockerfile.hpp
/// @brief The Dockerfile parser: BuildKit's `frontend/dockerfile/parser` reproduced byte for byte,
/// with source positions for everything and no heap allocation.
///
/// @code
///   std::vector<unsigned char> mem(dockimg::dockerfile::storage_hint(text));
///   dockimg::arena storage(mem.data(), mem.size());
///   dockimg::dockerfile::document doc = dockimg::dockerfile::parse(text, storage);
///   if (!doc.ok()) { /* doc.error(): code, BuildKit line, exact byte range, message */ }
///   for (const auto& ins : doc.instructions()) { ins.kind(); ins.args(); ins.flags(); ... }
/// @endcode
///
/// @see https://docs.docker.com/reference/dockerfile/
#ifndef DOCKIMG_DOCKERFILE_HPP
#define DOCKIMG_DOCKERFILE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>

#include "arena.hpp"
#include "config.hpp"
#include "detail/go_json.hpp"
#include "detail/go_quote.hpp"
#include "detail/unicode.hpp"
#include "shell.hpp"
#include "source.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace dockerfile {

// ------------------------------------------------------------------------------------------------
// Keywords
// ------------------------------------------------------------------------------------------------

/// The instructions BuildKit's parser knows. Anything else parses as `unknown` (an error only at
/// the instruction layer, as in BuildKit).
enum class keyword : std::uint8_t {
  unknown,      ///< not an instruction BuildKit knows
  add,          ///< ADD
  arg,          ///< ARG
  cmd,          ///< CMD
  copy,         ///< COPY
  entrypoint,   ///< ENTRYPOINT
  env,          ///< ENV
  expose,       ///< EXPOSE
  from,         ///< FROM
  healthcheck,  ///< HEALTHCHECK
  label,        ///< LABEL
  maintainer,   ///< MAINTAINER
  onbuild,      ///< ONBUILD
  run,          ///< RUN
  shell,        ///< SHELL
  stopsignal,   ///< STOPSIGNAL
  user,         ///< USER
  volume,       ///< VOLUME
  workdir,      ///< WORKDIR
};

namespace detail_keywords {
/// Upper-case spellings, indexed by `keyword`.
inline constexpr std::string_view names[] = {
    "",      "ADD",        "ARG",  "CMD",    "COPY",  "ENTRYPOINT", "ENV",
    "EXPOSE", "FROM",      "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN",
    "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"};

/// True when the `name.size()` bytes at `s` spell the upper-case `name` ignoring ASCII case.
/// Every keyword is made of letters, and `c | 0x20` equals a lower-case letter only when `c` is that
/// letter in either case, so folding each byte with `| 0x20` is an exact case-insensitive match.
[[nodiscard]] constexpr bool equal_fold(const char* s, std::string_view name) noexcept {
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (static_cast<char>(name[i] | 0x20) != static_cast<char>(s[i] | 0x20)) return false;
  }
  return true;
}

/// Finds the keyword spelled by `s` (n bytes) ignoring ASCII case: the length and the first
/// letter (the second for ADD/ARG) pick the only candidate, then one comparison decides. Bytes
/// >= 0x80 never match.
[[nodiscard]] constexpr keyword match_lower(const char* s, std::size_t n) noexcept {
  if (n < 3 || n > 11) return keyword::unknown;
  const char c0 = static_cast<char>(s[0] | 0x20);
  keyword k = keyword::unknown;
  switch (n) {
    case 3:
      k = c0 == 'a'   ? ((s[1] | 0x20) == 'd' ? keyword::add : keyword::arg)
          : c0 == 'c' ? keyword::cmd
          : c0 == 'e' ? keyword::env
          : c0 == 'r' ? keyword::run
                      : keyword::unknown;
      break;
    case 4:
      k = c0 == 'c' ? keyword::copy : c0 == 'f' ? keyword::from : c0 == 'u' ? keyword::user : keyword::unknown;
      break;
    case 5: k = c0 == 'l' ? keyword::label : c0 == 's' ? keyword::shell : keyword::unknown; break;
    case 6: k = c0 == 'e' ? keyword::expose : c0 == 'v' ? keyword::volume : keyword::unknown; break;
    case 7: k = c0 == 'o' ? keyword::onbuild : c0 == 'w' ? keyword::workdir : keyword::unknown; break;
    case 10:
      k = c0 == 'e'   ? keyword::entrypoint
          : c0 == 'm' ? keyword::maintainer
          : c0 == 's' ? keyword::stopsignal
                      : keyword::unknown;
      break;
    case 11: k = keyword::healthcheck; break;
    default: break;
  }
  if (k == keyword::unknown || !equal_fold(s, names[static_cast<std::size_t>(k)])) return keyword::unknown;
  return k;
}
}  // namespace detail_keywords

/// The canonical upper-case spelling of a keyword ("" for `unknown`).
[[nodiscard]] constexpr std::string_view to_string(keyword k) noexcept {
  return detail_keywords::names[static_cast<std::size_t>(k)];
}

/// Looks a keyword up the way BuildKit does: Unicode lower-casing (Go `strings.ToLower`), then an
/// exact match, so `FrOm` is FROM and even `WOR\u212ADIR` (KELVIN SIGN) is WORKDIR.
[[nodiscard]] constexpr keyword keyword_from(std::string_view name) noexcept {
  // Fast path: a keyword spelled in ASCII. A byte >= 0x80 never matches a letter, so only a name
  // that is not a keyword as written needs the Unicode lowering below.
  const keyword k = detail_keywords::match_lower(name.data(), name.size());
  if (k != keyword::unknown) return k;
  bool ascii = true;
  for (const char c : name) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return keyword::unknown;
  char low[12] = {};
  std::size_t n = 0;
  for (std::size_t i = 0; i < name.size();) {
    if (n >= sizeof(low)) return keyword::unknown;
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      low[n++] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      ++i;
      continue;
    }
    const auto d = detail::decode_rune(name.substr(i));
    const char32_t r = detail::to_lower(d.rune);
    if (r >= 0x80 || d.size == 1) return keyword::unknown;
    low[n++] = static_cast<char>(r);
    i += d.size;
  }
  return detail_keywords::match_lower(low, n);
}

// ------------------------------------------------------------------------------------------------
// Result types
// ------------------------------------------------------------------------------------------------

struct detail_parser_access;

/// One argument value of an instruction (one node of BuildKit's `Next` chain).
///
/// For ENV and LABEL the values come in triples `key, value, separator` (`"="`, or `""` for the
/// legacy `KEY value` form), exactly as in BuildKit's AST. Lifetime: the source and the arena.
struct word {
  std::string_view value;  ///< the value BuildKit stores (JSON strings decoded, quotes of ENV/ARG kept)
  source_range range;      ///< the source bytes it was read from
};

/// A `--name[=value]` flag as BuildKit's flag splitter returns it (quotes and escapes removed).
struct flag {
  std::string_view text;  ///< the whole flag, e.g. `--mount=type=cache,target=/x`
  source_range range;     ///< the source bytes of the flag word

  /// The name without the leading `--` and without the value (`mount`).
  [[nodiscard]] constexpr std::string_view name() const noexcept {
    const std::string_view s = text.substr(2);
    return s.substr(0, s.find('='));
  }
  /// True when the flag has `=` (even with an empty value).
  [[nodiscard]] constexpr bool has_value() const noexcept { return text.find('=') != std::string_view::npos; }
  /// The text after the first `=` ("" when there is none).
  [[nodiscard]] constexpr std::string_view value() const noexcept {
    const auto eq = text.find('=');
    return eq == std::string_view::npos ? std::string_view() : text.substr(eq + 1);
  }
};

/// A here-document attached to a RUN, COPY or ADD instruction (or an ONBUILD of one).
struct heredoc {
  std::string_view name;     ///< the terminator word, quotes removed (`EOF` for `<<'EOF'`)
  std::string_view content;  ///< the body lines, raw, with their line terminators; never chomped
  std::uint64_t fd = 0;      ///< the file descriptor before `<<` (`3<<EOF`), 0 by default
  bool expand = true;        ///< false when any part of the name was quoted
  bool chomp = false;        ///< true for `<<-` (leading tabs are stripped when the body is used)
  source_range content_range;    ///< where the body lies in the source
  std::uint32_t start_line = 0;  ///< the first body line (1-based)
  std::uint32_t end_line = 0;    ///< the terminator line (1-based)
};

/// A comment line collected before an instruction (BuildKit's `PrevComment`).
struct comment {
  std::string_view text;   ///< the comment text as BuildKit keeps it (after `#`, trimmed)
  source_range range;      ///< the source bytes of `text`
  std::uint32_t line = 0;  ///< 1-based line of the comment
};

/// One piece of a logical line: a run of source bytes copied into the joined text.
struct line_piece {
  std::uint32_t joined_offset = 0;  ///< offset of the piece in `instruction::original()`
  std::uint32_t source_offset = 0;  ///< offset of the same bytes in the source
  std::uint32_t size = 0;           ///< number of bytes
};

/// A parser directive (`# syntax=`, `# escape=`, `# check=`) from the top of the file.
struct directive {
  std::string_view name;   ///< lower-case name: `syntax`, `escape` or `check`
  std::string_view value;  ///< the value, trimmed as BuildKit trims it
  std::uint32_t line = 0;  ///< 1-based line
  source_range range;      ///< the source bytes of the value
};

/// Error and warning codes of the parser layer.
enum class errc : std::uint8_t {
  ok = 0,                  ///< no error
  no_instructions,         ///< `file with no instructions`
  line_too_long,           ///< `dockerfile line greater than max allowed size of 65535`
  unterminated_heredoc,    ///< `unterminated heredoc`
  json_not_string_array,   ///< `when using JSON array syntax, arrays must be comprised of strings only`
  needs_two_arguments,     ///< `ENV must have two arguments` / `LABEL must have two arguments`
  missing_equals,          ///< `Syntax error - can't find = in "x". Must be of the form: name=value`
  duplicate_directive,     ///< `only one escape parser directive can be used`
  invalid_escape_token,    ///< `invalid escape token 'x' does not match ` or \`
  heredoc_lexing,          ///< a heredoc name the shell lexer rejects (`failed to process ...`)
  heredoc_inconsistent,    ///< `internal lexing of heredoc produced inconsistent results: ...`
  out_of_storage,          ///< the arena is too small (not a BuildKit error: retry with more)
  input_too_large,         ///< the input exceeds 4 GiB (not a BuildKit error)
  empty_continuation_line, ///< warning: `Empty continuation line found in: ...`
};

/// Severity of a diagnostic.
enum class severity : std::uint8_t {
  error,    ///< parsing stopped
  warning,  ///< parsing went on
};

/// An error or warning with BuildKit's location and an exact byte range.
struct diagnostic {
  errc code = errc::ok;               ///< what happened
  dockerfile::severity level = severity::error;  ///< error or warning
  std::uint32_t start_line = 0;       ///< BuildKit's location (first line; 0-based for directive errors, as BuildKit)
  std::uint32_t end_line = 0;         ///< BuildKit's location (last line)
  source_range range;                 ///< the bytes at fault (start of the logical line for whole-line errors)
  std::string_view detail;            ///< the variable part of the message (a word, a key, a value)
  shell::words_result lexer;          ///< the shell lexer's error, for `heredoc_lexing`

  /// True when this is a real diagnostic (code is not `ok`).
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

/// Writes BuildKit's message for `d` to `sink` (called with `std::string_view` pieces).
template <class Sink>
void write_message(const diagnostic& d, Sink&& sink) {
  using sv = std::string_view;
  switch (d.code) {
    case errc::ok: sink(sv("ok")); break;
    case errc::no_instructions: sink(sv("file with no instructions")); break;
    case errc::line_too_long: sink(sv("dockerfile line greater than max allowed size of 65535")); break;
    case errc::unterminated_heredoc: sink(sv("unterminated heredoc")); break;
    case errc::json_not_string_array:
      sink(sv("when using JSON array syntax, arrays must be comprised of strings only"));
      break;
    case errc::needs_two_arguments:
      sink(d.detail);
      sink(sv(" must have two arguments"));
      break;
    case errc::missing_equals:
      sink(sv("Syntax error - can't find = in "));
      detail::write_go_quote(d.detail, sink);
      sink(sv(". Must be of the form: name=value"));
      break;
    case errc::duplicate_directive:
      sink(sv("only one "));
      sink(d.detail);
      sink(sv(" parser directive can be used"));
      break;
    case errc::invalid_escape_token:
      sink(sv("invalid escape token '"));
      sink(d.detail);
      sink(sv("' does not match ` or \\"));
      break;
    case errc::heredoc_lexing: shell::write_message(d.detail, d.lexer.error, sink); break;
    case errc::heredoc_inconsistent:
      sink(sv("internal lexing of heredoc produced inconsistent results: "));
      sink(d.detail);
      break;
    case errc::out_of_storage: sink(sv("the storage given to the parser is too small")); break;
    case errc::input_too_large: sink(sv("the input is larger than 4 GiB")); break;
    case errc::empty_continuation_line:
      sink(sv("Empty continuation line found in: "));
      sink(d.detail);
      break;
  }
}

/// BuildKit's message for `d` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const diagnostic& d) {
  std::string out;
  write_message(d, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

/// One instruction: BuildKit's `Node` with positions.
///
/// Lifetime: valid while the source text and the arena it was parsed into are alive and unchanged.
class instruction {
 public:
  /// The instruction kind (`unknown` for keywords BuildKit does not know).
  [[nodiscard]] constexpr dockerfile::keyword kind() const noexcept { return kind_; }
  /// The keyword as written (`FrOm`), BuildKit's `Node.Value`.
  [[nodiscard]] constexpr std::string_view name() const noexcept { return name_; }
  /// The logical line after joining continuations: BuildKit's `Node.Original`.
  [[nodiscard]] constexpr std::string_view original() const noexcept { return original_; }
  /// The flags before the arguments, BuildKit's `Node.Flags`.
  [[nodiscard]] constexpr list_view<flag> flags() const noexcept { return {flags_, n_flags_}; }
  /// The argument values, BuildKit's `Next` chain (empty for ONBUILD; see trigger()).
  [[nodiscard]] constexpr list_view<word> args() const noexcept { return {args_, n_args_}; }
  /// Here-documents, in order of appearance.
  [[nodiscard]] constexpr list_view<heredoc> heredocs() const noexcept { return {heredocs_, n_heredocs_}; }
  /// Comments collected since the previous instruction, BuildKit's `PrevComment`.
  [[nodiscard]] constexpr list_view<comment> comments() const noexcept { return {comments_, n_comments_}; }
  /// The source pieces `original()` was joined from (one piece when there was no continuation).
  [[nodiscard]] constexpr list_view<line_piece> pieces() const noexcept { return {pieces_, n_pieces_}; }
  /// True for the exec (JSON array) form; BuildKit's `Attributes["json"]`.
  [[nodiscard]] constexpr bool json() const noexcept { return json_; }
  /// For ONBUILD: the trigger instruction (nullptr otherwise, or when ONBUILD has no argument).
  [[nodiscard]] constexpr const instruction* trigger() const noexcept { return trigger_; }
  /// First physical line (1-based); 0 for an ONBUILD trigger, as in BuildKit.
  [[nodiscard]] constexpr std::uint32_t start_line() const noexcept { return start_line_; }
  /// Last physical line consumed, heredoc bodies included; 0 for an ONBUILD trigger.
  [[nodiscard]] constexpr std::uint32_t end_line() const noexcept { return end_line_; }
  /// Source bytes from the keyword to the end of the last line consumed.
  [[nodiscard]] constexpr source_range range() const noexcept { return range_; }
  /// Source bytes of the keyword.
  [[nodiscard]] constexpr source_range name_range() const noexcept { return name_range_; }
  /// True when empty continuation lines were skipped inside this instruction (BuildKit warns).
  [[nodiscard]] constexpr bool has_empty_continuation() const noexcept { return warning_line_ != 0; }
  /// The `empty_continuation_line` warning for this instruction (code `ok` when there is none).
  /// Its lines are BuildKit's (the instruction's last line); its range is the first empty line.
  [[nodiscard]] constexpr diagnostic warning() const noexcept {
    diagnostic d;
    if (warning_line_ == 0) return d;
    d.code = errc::empty_continuation_line;
    d.level = severity::warning;
    d.start_line = warning_line_;
    d.end_line = warning_line_;
    d.range = {warning_offset_, warning_offset_};
    d.detail = original_;
    return d;
  }
  /// The next top-level instruction (nullptr after the last).
  [[nodiscard]] constexpr const instruction* next() const noexcept { return next_; }

  /// Maps an offset within `original()` to the source offset it was copied from.
  [[nodiscard]] constexpr std::uint32_t source_offset(std::uint32_t joined) const noexcept {
    if (n_pieces_ == 0) return range_.begin;
    std::size_t lo = 0;
    std::size_t hi = n_pieces_;
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (pieces_[mid].joined_offset <= joined) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    const std::uint32_t d = joined - pieces_[lo].joined_offset;
    return pieces_[lo].source_offset + (d < pieces_[lo].size ? d : pieces_[lo].size);
  }

 private:
  friend struct detail_parser_access;
  std::string_view name_;
  std::string_view original_;
  const flag* flags_ = nullptr;
  const word* args_ = nullptr;
  const heredoc* heredocs_ = nullptr;
  const comment* comments_ = nullptr;
  const line_piece* pieces_ = nullptr;
  const instruction* trigger_ = nullptr;
  const instruction* next_ = nullptr;
  std::uint32_t n_flags_ = 0;
  std::uint32_t n_args_ = 0;
  std::uint32_t n_heredocs_ = 0;
  std::uint32_t n_comments_ = 0;
  std::uint32_t n_pieces_ = 0;
  std::uint32_t start_line_ = 0;
  std::uint32_t end_line_ = 0;
  std::uint32_t warning_line_ = 0;
  std::uint32_t warning_offset_ = 0;
  source_range range_;
  source_range name_range_;
  dockerfile::keyword kind_ = keyword::unknown;
  bool json_ = false;
};

/// A forward range over the top-level instructions of a document.
class instruction_range {
 public:
  /// Forward iterator over instructions.
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;  ///< forward only
    using value_type = instruction;                        ///< element type
    using difference_type = std::ptrdiff_t;                ///< distance type
    using pointer = const instruction*;                    ///< pointer type
    using reference = const instruction&;                  ///< reference type
    /// The end iterator.
    constexpr iterator() noexcept = default;
    /// An iterator at `p`.
    constexpr explicit iterator(const instruction* p) noexcept : p_(p) {}
    /// The current instruction.
    constexpr reference operator*() const noexcept { return *p_; }
    /// The current instruction.
    constexpr pointer operator->() const noexcept { return p_; }
    /// Advances to the next instruction.
    constexpr iterator& operator++() noexcept {
      p_ = p_->next();
      return *this;
    }
    /// Advances, returning the previous position.
    constexpr iterator operator++(int) noexcept {
      iterator t = *this;
      p_ = p_->next();
      return t;
    }
    /// Equality.
    friend constexpr bool operator==(iterator a, iterator b) noexcept { return a.p_ == b.p_; }
    /// Inequality.
    friend constexpr bool operator!=(iterator a, iterator b) noexcept { return a.p_ != b.p_; }

   private:
    const instruction* p_ = nullptr;
  };
  /// A range starting at `first` with `size` instructions.
  constexpr instruction_range(const instruction* first, std::size_t size) noexcept
      : first_(first), size_(size) {}
  /// The first instruction.
  [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(first_); }
  /// The end.
  [[nodiscard]] constexpr iterator end() const noexcept { return iterator(); }
  /// Number of instructions.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  /// True when there is none.
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }

 private:
  const instruction* first_;
  std::size_t size_;
};

/// The result of parsing one Dockerfile: instructions, directives, warnings and the first error.
///
/// As in BuildKit, parsing stops at the first error. Unlike BuildKit, the instructions parsed
/// before the error stay available (BuildKit itself keeps them only for the line-length error).
/// Lifetime: valid while the source text and the arena are alive and unchanged.
class document {
 public:
  /// The text that was parsed.
  [[nodiscard]] constexpr std::string_view source() const noexcept { return source_; }
  /// True when parsing succeeded (warnings allowed).
  [[nodiscard]] constexpr bool ok() const noexcept { return error_.code == errc::ok; }
  /// The error that stopped parsing (code `ok` when none).
  [[nodiscard]] constexpr const diagnostic& error() const noexcept { return error_; }
  /// The escape character in effect (`\` or `` ` ``).
  [[nodiscard]] constexpr char escape() const noexcept { return escape_; }
  /// The top-level instructions, in order.
  [[nodiscard]] constexpr instruction_range instructions() const noexcept { return {first_, size_}; }
  /// The parser directives at the top of the file.
  [[nodiscard]] constexpr list_view<directive> directives() const noexcept { return {directives_, n_directives_}; }
  /// The directive named `name` (`syntax`, `escape`, `check`), or nullptr.
  [[nodiscard]] constexpr const directive* find_directive(std::string_view name) const noexcept {
    for (const auto& d : directives()) {
      if (d.name == name) return &d;
    }
    return nullptr;
  }
  /// Number of `empty_continuation_line` warnings (one per affected instruction).
  [[nodiscard]] constexpr std::size_t warning_count() const noexcept { return n_warnings_; }
  /// Calls `f(diagnostic)` for each warning, in order.
  template <class F>
  constexpr void for_each_warning(F&& f) const {
    for (const instruction* p = first_; p != nullptr; p = p->next()) {
      if (p->has_empty_continuation()) f(p->warning());
    }
  }
  /// First line of the first instruction (BuildKit's root `StartLine`), 0 when none.
  [[nodiscard]] constexpr std::uint32_t start_line() const noexcept { return first_ ? first_->start_line() : 0; }
  /// Last line of the last instruction (BuildKit's root `EndLine`), 0 when none.
  [[nodiscard]] constexpr std::uint32_t end_line() const noexcept { return last_ ? last_->end_line() : 0; }

 private:
  friend struct detail_parser_access;
  std::string_view source_;
  const instruction* first_ = nullptr;
  const instruction* last_ = nullptr;
  std::size_t size_ = 0;
  const directive* directives_ = nullptr;
  std::size_t n_directives_ = 0;
  std::size_t n_warnings_ = 0;
  diagnostic error_;
  char escape_ = '\\';
};

/// An arena size that is always enough to parse `source` in one go: a generous bound, useful to
/// size a reusable buffer once. `parse` reports `errc::out_of_storage` when a smaller arena runs out.
[[nodiscard]] constexpr std::size_t storage_hint(std::string_view source) noexcept {
  return 128 * source.size() + 4096;
}

/// Parses a Dockerfile exactly as BuildKit's `parser.Parse` does.
///
/// Allocates nothing: instructions, lists and every string BuildKit would build (joined
/// continuation lines, unquoted flags, decoded JSON strings) live in `source` or in `storage`.
/// @return the document; check `ok()`. Error codes: every `errc` except `empty_continuation_line`.
/// @warning the returned document refers to `source` and `storage`; keep both alive and unchanged.
[[nodiscard]] document parse(std::string_view source DOCKIMG_LIFETIMEBOUND, arena& storage DOCKIMG_LIFETIMEBOUND) noexcept;

/// Parsing a temporary `std::string` would leave the document dangling: rejected at compile time.
template <class S, std::enable_if_t<std::is_same_v<S, std::string>, int> = 0>
document parse(S&& source, arena& storage) = delete;

// ------------------------------------------------------------------------------------------------
// BuildKit's DetectSyntax / ParseDirective
// ------------------------------------------------------------------------------------------------

/// Result of `detect_syntax` / `find_directive`.
struct directive_match {
  bool found = false;          ///< true when the directive was found
  std::string_view ref;        ///< the value up to its first space (the frontend image reference)
  std::string_view cmdline;    ///< the whole value
  std::uint32_t line = 0;      ///< BuildKit's line (1-based; counts a skipped shebang)
};

/// BuildKit's `ParseDirective(key, dt)`: finds `# key=value` at the top of `text` (BOM and a
/// `#!` shebang line are skipped first). Used for `check` and `syntax` before parsing.
[[nodiscard]] directive_match find_directive(std::string_view key, std::string_view text) noexcept;

/// BuildKit's `DetectSyntax(dt)`: like `find_directive("syntax", ...)`, but also accepts
/// `//syntax=...` lines and a whole-file JSON object `{"syntax": "..."}`. A JSON value that needs
/// decoding (escapes, invalid UTF-8) is decoded into `scratch`; without `scratch` such a value is
/// reported as not found.
[[nodiscard]] directive_match detect_syntax(std::string_view text, arena* scratch = nullptr) noexcept;

// ------------------------------------------------------------------------------------------------
// The building blocks, for tools that need them alone
// ------------------------------------------------------------------------------------------------

/// BuildKit's ENV/LABEL/ARG word splitter (`parseWords`): splits `text` on Unicode spaces outside
/// quotes, keeping quotes and escapes in the words (expansion removes them later). Calls
/// `f(begin, end)` with byte offsets into `text` for each word (a trailing lone escape is not part
/// of the last word); `f` returns false to stop. BuildKit replaces invalid UTF-8 in the words by
/// U+FFFD. Returns false when `f` stopped the split.
template <class F>
constexpr bool split_words(std::string_view text, char escape, F&& f) noexcept;

/// What `parse_heredoc_word` found.
enum class heredoc_status : std::uint8_t {
  not_heredoc,     ///< the word is not a heredoc operator
  heredoc,         ///< a heredoc (see `heredoc_word_result::value`)
  lex_error,       ///< the name does not lex (BuildKit fails the parse)
  inconsistent,    ///< the two lexings of the name disagree (BuildKit fails the parse)
  out_of_storage,  ///< the scratch arena is too small
};

/// Result of `parse_heredoc_word` / `find_heredocs`.
struct heredoc_word_result {
  heredoc_status status = heredoc_status::not_heredoc;  ///< the outcome
  heredoc value;               ///< name, fd, expand and chomp (content is filled by the parser)
  std::string_view rest;       ///< the text after `<<` (the name as written), for error messages
  shell::words_result lexer;   ///< the lexer error for `lex_error`
};

/// BuildKit's `ParseHeredoc(word)`: is `word` (one word of the lexed line) a heredoc operator
/// such as `<<EOF`, `<<-'EOF'`, `3<<EOF`? Uses `scratch` for the shell lexer.
[[nodiscard]] heredoc_word_result parse_heredoc_word(std::string_view word, arena& scratch) noexcept;

/// The result refers to the word: a temporary `std::string` is rejected at compile time.
template <class S, std::enable_if_t<std::is_same_v<S, std::string>, int> = 0>
heredoc_word_result parse_heredoc_word(S&& word, arena& scratch) = delete;

/// BuildKit's `heredocsFromLine`: lexes a whole logical line and calls `f(const heredoc&)` for
/// every heredoc operator in it, in order (`f` returns false to stop with `out_of_storage`).
/// Returns the first hard error, else status `heredoc` when any was found, else `not_heredoc`.
template <class F>
heredoc_word_result find_heredocs(std::string_view line, arena& scratch, F&& f) noexcept;

/// BuildKit's `ChompHeredocContent`: writes `content` without the tabs that start each line into
/// `out` (room for `content.size()` bytes) and returns the bytes written.
std::size_t chomp_heredoc(std::string_view content, char* out) noexcept;

// ------------------------------------------------------------------------------------------------
// Dump (the format of BuildKit's testfiles/*/result)
// ------------------------------------------------------------------------------------------------

/// Writes BuildKit's `Node.Dump()` of one instruction (without the surrounding parentheses).
template <class Sink>
void dump(const instruction& ins, Sink&& sink);

/// Writes BuildKit's `Dump()` of the whole AST plus the final newline: one `(...)` line per
/// instruction, exactly the content of BuildKit's `testfiles/*/result`.
template <class Sink>
void dump(const document& doc, Sink&& sink);

/// `dump(doc)` as a `std::string` (convenience; allocates).
[[nodiscard]] std::string dump_string(const document& doc);

}  // namespace dockerfile
DOCKIMG_END_NAMESPACE

#include "detail/dockerfile_parser.hpp"

#endif  // DOCKIMG_DOCKERFILE_HPP

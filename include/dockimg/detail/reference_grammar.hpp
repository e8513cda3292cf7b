// SPDX-License-Identifier: Apache-2.0
/// @file detail/reference_grammar.hpp
/// @brief Internals of reference.hpp and platform.hpp: the distribution/reference regexps as
/// hand-written anchored scanners, go-digest's `Digest.Validate`, and Go's `strings.ToLower`
/// compared and written without allocating. Internal.
#ifndef DOCKIMG_DETAIL_REFERENCE_GRAMMAR_HPP
#define DOCKIMG_DETAIL_REFERENCE_GRAMMAR_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../config.hpp"
#include "unicode.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace detail {
namespace refgram {

/// `[a-z0-9]`
[[nodiscard]] constexpr bool is_lower_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
/// `[A-Za-z0-9]`
[[nodiscard]] constexpr bool is_alnum(char c) noexcept {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
/// `[A-Za-z]`
[[nodiscard]] constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/// `[0-9]`
[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
/// `[[:xdigit:]]`
[[nodiscard]] constexpr bool is_xdigit(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/// `\w` (ASCII word character).
[[nodiscard]] constexpr bool is_word(char c) noexcept { return is_alnum(c) || c == '_'; }

/// A string seen through ASCII lower-casing (used for the "would the lower-cased input match"
/// check of `reference.Parse` on ASCII inputs).
struct lower_seq {
  std::string_view s;  ///< the underlying text
  /// Length in bytes.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return s.size(); }
  /// Byte `i`, lower-cased.
  [[nodiscard]] constexpr char operator[](std::size_t i) const noexcept { return ascii_lower(s[i]); }
};

/// A string as it is.
struct plain_seq {
  std::string_view s;  ///< the text
  /// Length in bytes.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return s.size(); }
  /// Byte `i`.
  [[nodiscard]] constexpr char operator[](std::size_t i) const noexcept { return s[i]; }
};

/// `pathComponent` = `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*` over `[b, e)`.
template <class Seq>
[[nodiscard]] constexpr bool path_component(const Seq& s, std::size_t b, std::size_t e) noexcept {
  std::size_t i = b;
  if (i >= e || !is_lower_alnum(s[i])) return false;
  while (i < e) {
    while (i < e && is_lower_alnum(s[i])) ++i;
    if (i == e) return true;
    const char c = s[i];
    if (c == '.') {
      ++i;
    } else if (c == '_') {
      ++i;
      if (i < e && s[i] == '_') ++i;
    } else if (c == '-') {
      while (i < e && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (i >= e || !is_lower_alnum(s[i])) return false;
  }
  return true;
}

/// `remoteName` = pathComponent (`/` pathComponent)* over `[b, e)`.
template <class Seq>
[[nodiscard]] constexpr bool remote_name(const Seq& s, std::size_t b, std::size_t e) noexcept {
  std::size_t start = b;
  for (std::size_t i = b; i <= e; ++i) {
    if (i == e || s[i] == '/') {
      if (!path_component(s, start, i)) return false;
      start = i + 1;
    }
  }
  return true;
}

/// `domainAndPort` = host (`:` [0-9]+)? with host = domain-name | `[` ipv6 `]`, over `[b, e)`.
template <class Seq>
[[nodiscard]] constexpr bool domain_and_port(const Seq& s, std::size_t b, std::size_t e) noexcept {
  std::size_t i = b;
  if (i >= e) return false;
  if (s[i] == '[') {
    ++i;
    const std::size_t start = i;
    while (i < e && (is_xdigit(s[i]) || s[i] == ':')) ++i;
    if (i == start || i >= e || s[i] != ']') return false;
    ++i;
  } else {
    // domainNameComponent ('.' domainNameComponent)*: alnum at both ends, '-' inside.
    for (;;) {
      if (i >= e || !is_alnum(s[i])) return false;
      std::size_t last = i;
      ++i;
      while (i < e && (is_alnum(s[i]) || s[i] == '-')) {
        if (s[i] != '-') last = i;
        ++i;
      }
      if (last + 1 != i) return false;  // ended in '-'
      if (i < e && s[i] == '.') {
        ++i;
        continue;
      }
      break;
    }
  }
  if (i == e) return true;
  if (s[i] != ':') return false;
  ++i;
  if (i >= e) return false;
  while (i < e && is_digit(s[i])) ++i;
  return i == e;
}

/// The tag regexp `[\w][\w.-]{0,127}` over `[b, e)`.
template <class Seq>
[[nodiscard]] constexpr bool tag(const Seq& s, std::size_t b, std::size_t e) noexcept {
  if (b >= e || e - b > 128 || !is_word(s[b])) return false;
  for (std::size_t i = b + 1; i < e; ++i) {
    if (!is_word(s[i]) && s[i] != '.' && s[i] != '-') return false;
  }
  return true;
}

/// The reference digest regexp `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`.
template <class Seq>
[[nodiscard]] constexpr bool digest_pat(const Seq& s, std::size_t b, std::size_t e) noexcept {
  std::size_t i = b;
  for (;;) {
    if (i >= e || !is_alpha(s[i])) return false;
    ++i;
    while (i < e && is_alnum(s[i])) ++i;
    if (i < e && (s[i] == '-' || s[i] == '_' || s[i] == '+' || s[i] == '.')) {
      ++i;
      continue;
    }
    break;
  }
  if (i >= e || s[i] != ':') return false;
  ++i;
  if (e - i < 32) return false;
  for (; i < e; ++i) {
    if (!is_xdigit(s[i])) return false;
  }
  return true;
}

/// Where the domain/path split of `anchoredNameRegexp` lies.
struct name_split {
  bool ok = false;          ///< the name matched
  std::size_t path_at = 0;  ///< start of the path (0: no domain; else the domain is [0, path_at - 1))
};

/// `^(?:(domainAndPort)/)?(remoteName)$` over `[b, e)`: the optional domain group is preferred,
/// as in Go's leftmost-first submatch semantics.
template <class Seq>
[[nodiscard]] constexpr name_split split_name(const Seq& s, std::size_t b, std::size_t e) noexcept {
  std::size_t slash = b;
  while (slash < e && s[slash] != '/') ++slash;
  if (slash < e && domain_and_port(s, b, slash) && remote_name(s, slash + 1, e)) {
    return {true, slash + 1 - b};
  }
  if (remote_name(s, b, e)) return {true, 0};
  return {};
}

/// The capture groups of `referenceRegexp` (offsets; npos when absent).
struct reference_match {
  bool ok = false;                          ///< the whole input matched
  std::size_t name_end = 0;                 ///< the name is [0, name_end)
  std::size_t tag_at = std::string_view::npos;     ///< start of the tag (after ':')
  std::size_t tag_end = std::string_view::npos;    ///< end of the tag
  std::size_t digest_at = std::string_view::npos;  ///< start of the digest (after '@'); it runs to the end
};

/// `^(namePat)(?::(tag))?(?:@(digestPat))?$`. Names, tags and digests contain no `@`, tags no
/// `:` or `/`, and a name ends in a path component, so the decomposition is unique.
template <class Seq>
[[nodiscard]] constexpr reference_match match_reference(const Seq& s) noexcept {
  reference_match m;
  const std::size_t n = s.size();
  std::size_t at = 0;
  while (at < n && s[at] != '@') ++at;
  std::size_t pre = at;
  if (at < n) {
    if (!digest_pat(s, at + 1, n)) return m;
    m.digest_at = at + 1;
  }
  std::size_t colon = std::string_view::npos;
  for (std::size_t i = pre; i > 0; --i) {
    const char c = s[i - 1];
    if (c == '/') break;
    if (c == ':') {
      colon = i - 1;
      break;
    }
  }
  if (colon != std::string_view::npos) {
    if (!tag(s, colon + 1, pre)) return m;
    m.tag_at = colon + 1;
    m.tag_end = pre;
    pre = colon;
  }
  if (!split_name(s, 0, pre).ok) return m;
  m.name_end = pre;
  m.ok = true;
  return m;
}

/// `^[a-f0-9]{64}$`
[[nodiscard]] constexpr bool identifier(std::string_view s) noexcept {
  if (s.size() != 64) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

/// go-digest's verdicts.
enum class digest_status : std::uint8_t {
  ok,              ///< valid
  invalid_format,  ///< `invalid checksum digest format`
  invalid_length,  ///< `invalid checksum digest length`
  unsupported,     ///< `unsupported digest algorithm`
};

/// go-digest's `DigestRegexpAnchored`: `^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`.
[[nodiscard]] constexpr bool go_digest_grammar(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  for (;;) {
    if (i >= n || !is_lower_alnum(s[i])) return false;
    while (i < n && is_lower_alnum(s[i])) ++i;
    if (i < n && (s[i] == '.' || s[i] == '+' || s[i] == '_' || s[i] == '-')) {
      ++i;
      continue;
    }
    break;
  }
  if (i >= n || s[i] != ':') return false;
  ++i;
  if (i >= n) return false;
  for (; i < n; ++i) {
    if (!is_alnum(s[i]) && s[i] != '=' && s[i] != '_' && s[i] != '-') return false;
  }
  return true;
}

/// go-digest's `Digest.Validate` with the default registrations of go-digest HEAD (sha256 and
/// sha512 available): split at the first `:`, then the length, then lowercase hex.
[[nodiscard]] constexpr digest_status validate_digest(std::string_view s) noexcept {
  const std::size_t i = s.find(':');
  if (i == std::string_view::npos || i == 0 || i + 1 == s.size()) return digest_status::invalid_format;
  const std::string_view alg = s.substr(0, i);
  const std::string_view enc = s.substr(i + 1);
  std::size_t size = 0;
  if (alg == "sha256") {
    size = 32;
  } else if (alg == "sha512") {
    size = 64;
  } else {
    return go_digest_grammar(s) ? digest_status::unsupported : digest_status::invalid_format;
  }
  if (enc.size() != 2 * size) return digest_status::invalid_length;
  for (const char c : enc) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return digest_status::invalid_format;
  }
  return digest_status::ok;
}

/// True when Go's `strings.ToLower(s) != s`: an ASCII capital, an invalid UTF-8 byte (replaced
/// by U+FFFD) or a rune whose simple lower-case mapping differs.
[[nodiscard]] constexpr bool changes_under_lower(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b >= 'A' && b <= 'Z') return true;
      ++i;
      continue;
    }
    const decoded_rune d = decode_rune(s.substr(i));
    if (d.size == 1) return true;  // invalid byte
    if (to_lower(d.rune) != d.rune) return true;
    i += d.size;
  }
  return false;
}

/// The bytes of Go's `strings.ToLower(s)` (or of `s` itself when `lower` is false), produced one
/// rune at a time without allocating.
class lower_stream {
 public:
  /// A stream over `s`, lower-cased when `lower`.
  constexpr lower_stream(std::string_view s, bool lower) noexcept : s_(s), lower_(lower) {}
  /// True when every byte was produced.
  [[nodiscard]] constexpr bool done() const noexcept { return pos_ == len_ && i_ >= s_.size(); }
  /// The next byte (precondition: `!done()`).
  constexpr char next() noexcept {
    if (pos_ == len_) fill();
    return buf_[pos_++];
  }

 private:
  constexpr void fill() noexcept {
    pos_ = 0;
    const auto b = static_cast<unsigned char>(s_[i_]);
    if (!lower_ || b < 0x80) {
      buf_[0] = lower_ ? ascii_lower(s_[i_]) : s_[i_];
      len_ = 1;
      ++i_;
      return;
    }
    const decoded_rune d = decode_rune(s_.substr(i_));
    const char32_t r = d.size == 1 ? replacement_char : to_lower(d.rune);
    len_ = encode_rune(r, buf_);
    i_ += d.size;
  }

  std::string_view s_;
  bool lower_;
  std::size_t i_ = 0;
  char buf_[4] = {};
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
};

/// `ToLower(a) == ToLower(b)`, each side lower-cased only when its flag says so.
[[nodiscard]] constexpr bool lower_equal(std::string_view a, bool la, std::string_view b, bool lb) noexcept {
  if (!la && !lb) return a == b;
  lower_stream x(a, la);
  lower_stream y(b, lb);
  while (!x.done() && !y.done()) {
    if (x.next() != y.next()) return false;
  }
  return x.done() && y.done();
}

/// The length of Go's `strings.ToLower(s)`.
[[nodiscard]] constexpr std::size_t lower_size(std::string_view s) noexcept {
  std::size_t n = 0;
  lower_stream x(s, true);
  while (!x.done()) {
    (void)x.next();
    ++n;
  }
  return n;
}

/// Writes Go's `strings.ToLower(s)` to `out` (room for `lower_size(s)` bytes).
constexpr void write_lower(std::string_view s, char* out) noexcept {
  lower_stream x(s, true);
  std::size_t n = 0;
  while (!x.done()) out[n++] = x.next();
}

}  // namespace refgram
}  // namespace detail
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_REFERENCE_GRAMMAR_HPP

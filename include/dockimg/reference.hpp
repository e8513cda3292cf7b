// SPDX-License-Identifier: Apache-2.0
/// @file reference.hpp
/// @brief Image references as distribution/reference (v0.6+, HEAD 0965666) parses them:
/// `Parse`, `ParseNormalizedNamed` (Docker Hub normalisation), `ParseDockerRef`,
/// `ParseAnyReference`, `ParseNamed`, `WithName`/`WithTag`/`WithDigest`, `TagNameOnly`,
/// `TrimNamed` and the familiar forms, with upstream's error texts. Digests inside references are
/// validated as go-digest HEAD does (sha256 and sha512 registered).
///
/// Nothing allocates: `parse` returns views into its input; the functions that build a new
/// string (normalisation, composition) write it into a caller-supplied arena.
///
/// @code
///   char mem[512];
///   dockimg::arena storage(mem, sizeof mem);
///   auto r = dockimg::reference::parse_docker_ref("ubuntu", storage);
///   if (r.ok()) { r.value.string; /* docker.io/library/ubuntu:latest */ r.value.familiar_name(); /* ubuntu */ }
///   else        { std::string text = dockimg::reference::message(r.err); }
/// @endcode
#ifndef DOCKIMG_REFERENCE_HPP
#define DOCKIMG_REFERENCE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "arena.hpp"
#include "config.hpp"
#include "detail/reference_grammar.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace reference {

/// Maximum length of a repository path (`RepositoryNameTotalLengthMax`; the domain is not counted).
inline constexpr std::size_t name_total_length_max = 255;
/// Docker Hub's canonical domain (`defaultDomain`).
inline constexpr std::string_view default_domain = "docker.io";
/// Docker Hub's legacy domain, canonicalised to `default_domain` (`legacyDefaultDomain`).
inline constexpr std::string_view legacy_default_domain = "index.docker.io";
/// Namespace of Docker Hub's official images (`officialRepoPrefix`).
inline constexpr std::string_view official_repo_prefix = "library/";
/// The tag `TagNameOnly` adds (`defaultTag`).
inline constexpr std::string_view default_tag = "latest";

/// Error codes; `write_message` gives upstream's exact text.
enum class errc : std::uint8_t {
  ok = 0,                   ///< no error
  invalid_format,           ///< `invalid reference format` (ErrReferenceInvalidFormat)
  tag_invalid_format,       ///< `invalid tag format` (ErrTagInvalidFormat)
  digest_invalid_format,    ///< `invalid digest format` (ErrDigestInvalidFormat of the reference package)
  name_contains_uppercase,  ///< `repository name must be lowercase` (ErrNameContainsUppercase)
  name_empty,               ///< `repository name must have at least one component` (ErrNameEmpty)
  name_too_long,            ///< `repository name must not be more than 255 characters` (ErrNameTooLong)
  name_not_canonical,       ///< `repository name must be canonical` (ErrNameNotCanonical)
  checksum_format,          ///< `invalid checksum digest format` (go-digest ErrDigestInvalidFormat)
  checksum_length,          ///< `invalid checksum digest length` (go-digest ErrDigestInvalidLength)
  checksum_unsupported,     ///< `unsupported digest algorithm` (go-digest ErrDigestUnsupported)
  hex_name,                 ///< `invalid repository name (<detail>), cannot specify 64-byte hexadecimal strings`
  remote_uppercase,         ///< `invalid reference format: repository name (<detail>) must be lowercase`
  out_of_storage,           ///< the arena is too small (not an upstream error)
};

/// An error: its code and, for `hex_name` and `remote_uppercase`, the text the message quotes
/// (`detail_prefix` + `detail`, e.g. `library/` + `Foo`).
struct error {
  errc code = errc::ok;              ///< what happened
  std::string_view detail_prefix;    ///< first part of the quoted text (a static string or empty)
  std::string_view detail;           ///< second part of the quoted text (a view into the input)

  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

/// The fixed part of the message of `code` (the whole message except for `hex_name` and
/// `remote_uppercase`, whose message also quotes the input).
[[nodiscard]] constexpr std::string_view message(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_format: return "invalid reference format";
    case errc::tag_invalid_format: return "invalid tag format";
    case errc::digest_invalid_format: return "invalid digest format";
    case errc::name_contains_uppercase: return "repository name must be lowercase";
    case errc::name_empty: return "repository name must have at least one component";
    case errc::name_too_long: return "repository name must not be more than 255 characters";
    case errc::name_not_canonical: return "repository name must be canonical";
    case errc::checksum_format: return "invalid checksum digest format";
    case errc::checksum_length: return "invalid checksum digest length";
    case errc::checksum_unsupported: return "unsupported digest algorithm";
    case errc::hex_name: return "cannot specify 64-byte hexadecimal strings";
    case errc::remote_uppercase: return "must be lowercase";
    case errc::out_of_storage: return "out of storage (give the arena more memory)";
  }
  return "unknown error";
}

/// Writes upstream's message for `e` to `sink` (called with `std::string_view` pieces).
template <class Sink>
void write_message(const error& e, Sink&& sink) {
  switch (e.code) {
    case errc::hex_name:
      sink(std::string_view("invalid repository name ("));
      sink(e.detail_prefix);
      sink(e.detail);
      sink(std::string_view("), cannot specify 64-byte hexadecimal strings"));
      return;
    case errc::remote_uppercase:
      sink(std::string_view("invalid reference format: repository name ("));
      sink(e.detail_prefix);
      sink(e.detail);
      sink(std::string_view(") must be lowercase"));
      return;
    default: sink(message(e.code)); return;
  }
}

/// Upstream's message for `e` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const error& e) {
  std::string out;
  write_message(e, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

/// A parsed reference. All views point into one contiguous `string`:
/// `string` = `name` [`:` `tag`] [`@` `digest`], `name` = [`domain` `/`] `path`. A digest-only
/// reference (from `parse_any_reference`) has an empty name and `string` = `digest`.
struct ref {
  std::string_view string;  ///< the canonical string (`String()`)
  std::string_view name;    ///< `Name()`: domain and path (empty for a digest-only reference)
  std::string_view domain;  ///< `Domain()` (may be empty)
  std::string_view path;    ///< `Path()`
  std::string_view tag;     ///< `Tag()` (empty: untagged)
  std::string_view digest;  ///< `Digest()` (empty: no digest)

  /// True when the reference has a name (`reference.Named`).
  [[nodiscard]] constexpr bool named() const noexcept { return !name.empty(); }
  /// True when the reference has a tag (`reference.Tagged`).
  [[nodiscard]] constexpr bool tagged() const noexcept { return !tag.empty(); }
  /// True when the reference has a digest (`reference.Digested`).
  [[nodiscard]] constexpr bool digested() const noexcept { return !digest.empty(); }
  /// `IsNameOnly`: named, without tag or digest.
  [[nodiscard]] constexpr bool name_only() const noexcept { return named() && !tagged() && !digested(); }

  /// `FamiliarName`: `docker.io/` dropped, and `library/` when one component follows it.
  [[nodiscard]] constexpr std::string_view familiar_name() const noexcept {
    if (domain != default_domain) return name;
    std::string_view p = path;
    if (p.substr(0, official_repo_prefix.size()) == official_repo_prefix &&
        p.substr(official_repo_prefix.size()).find('/') == std::string_view::npos) {
      p.remove_prefix(official_repo_prefix.size());
    }
    return p;
  }
  /// `FamiliarString`: the familiar name with the tag and digest (a suffix of `string`).
  [[nodiscard]] constexpr std::string_view familiar_string() const noexcept {
    return string.substr(name.size() - familiar_name().size());
  }
};

/// A reference or an error.
struct result {
  ref value;  ///< the reference (empty on error)
  error err;  ///< the error (code ok on success)

  /// True when parsing succeeded.
  [[nodiscard]] constexpr bool ok() const noexcept { return err.code == errc::ok; }
};

/// Internals of this header.
namespace detail_ref {

/// The reference error for a go-digest verdict.
[[nodiscard]] constexpr errc from_digest(detail::refgram::digest_status st) noexcept {
  using st_t = detail::refgram::digest_status;
  switch (st) {
    case st_t::ok: return errc::ok;
    case st_t::invalid_format: return errc::checksum_format;
    case st_t::invalid_length: return errc::checksum_length;
    case st_t::unsupported: return errc::checksum_unsupported;
  }
  return errc::checksum_format;
}

/// A result holding only the error `c`.
constexpr result fail(errc c) noexcept {
  result r;
  r.err.code = c;
  return r;
}

/// Fills the views of a reference laid out as name[:tag][@digest] in `s`.
constexpr ref layout(std::string_view s, std::size_t domain_len, std::size_t name_len, std::size_t tag_len,
                     std::size_t digest_len) noexcept {
  ref r;
  r.string = s;
  r.name = s.substr(0, name_len);
  if (domain_len != 0) {
    r.domain = s.substr(0, domain_len);
    r.path = s.substr(domain_len + 1, name_len - domain_len - 1);
  } else {
    r.path = r.name;
  }
  if (tag_len != 0) r.tag = s.substr(name_len + 1, tag_len);
  if (digest_len != 0) r.digest = s.substr(s.size() - digest_len);
  return r;
}

/// Writes name[:tag][@digest] into the arena and lays the views out over it.
inline result build(std::string_view domain, std::string_view path, std::string_view tag,
                    std::string_view digest, arena& storage) noexcept {
  const std::size_t name_len = domain.empty() ? path.size() : domain.size() + 1 + path.size();
  const std::size_t total = name_len + (tag.empty() ? 0 : tag.size() + 1) + (digest.empty() ? 0 : digest.size() + 1);
  char* out = storage.make_text(total);
  if (out == nullptr && total != 0) return fail(errc::out_of_storage);
  std::size_t n = 0;
  auto put = [&](std::string_view x) {
    if (!x.empty()) std::memcpy(out + n, x.data(), x.size());
    n += x.size();
  };
  if (!domain.empty()) {
    put(domain);
    put("/");
  }
  put(path);
  if (!tag.empty()) {
    put(":");
    put(tag);
  }
  if (!digest.empty()) {
    put("@");
    put(digest);
  }
  result r;
  r.value = layout(std::string_view(out, total), domain.size(), name_len, tag.size(), digest.size());
  return r;
}

/// Whether `strings.ToLower(s)` matches the reference regexp (the ErrNameContainsUppercase test).
inline bool lower_matches(std::string_view s) noexcept {
  namespace g = detail::refgram;
  bool ascii = true;
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return g::match_reference(g::lower_seq{s}).ok;
  // Only U+0130 and U+212A lower-case to ASCII (`i`, `k`); any other non-ASCII rune survives
  // lower-casing and cannot match the ASCII-only regexp.
  char buf[4096];
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    char c = 0;
    if (b < 0x80) {
      c = detail::ascii_lower(s[i]);
      ++i;
    } else if (s.substr(i, 2) == "\xC4\xB0") {
      c = 'i';
      i += 2;
    } else if (s.substr(i, 3) == "\xE2\x84\xAA") {
      c = 'k';
      i += 3;
    } else {
      return false;
    }
    if (n == sizeof buf) return false;  // beyond dockimg's limit: reported as invalid format
    buf[n++] = c;
  }
  return g::match_reference(g::plain_seq{std::string_view(buf, n)}).ok;
}

}  // namespace detail_ref

/// `reference.Parse`: no normalisation; every view points into `s`. Errors: `name_empty`,
/// `invalid_format`, `name_contains_uppercase`, `name_too_long` (path over 255), and go-digest's
/// `checksum_*` for the digest.
[[nodiscard]] inline result parse(std::string_view s) noexcept {
  namespace g = detail::refgram;
  if (s.empty()) return detail_ref::fail(errc::name_empty);
  const g::reference_match m = g::match_reference(g::plain_seq{s});
  if (!m.ok) {
    if (detail_ref::lower_matches(s)) {
      // `sl != s` holds: s failed and its lower-cased form matched.
      return detail_ref::fail(errc::name_contains_uppercase);
    }
    return detail_ref::fail(errc::invalid_format);
  }
  const g::name_split ns = g::split_name(g::plain_seq{s}, 0, m.name_end);
  const std::size_t path_len = m.name_end - ns.path_at;
  if (path_len > name_total_length_max) return detail_ref::fail(errc::name_too_long);
  std::size_t digest_len = 0;
  if (m.digest_at != std::string_view::npos) {
    const errc c = detail_ref::from_digest(g::validate_digest(s.substr(m.digest_at)));
    if (c != errc::ok) return detail_ref::fail(c);
    digest_len = s.size() - m.digest_at;
  }
  const std::size_t tag_len = m.tag_at == std::string_view::npos ? 0 : m.tag_end - m.tag_at;
  result r;
  r.value = detail_ref::layout(s, ns.path_at == 0 ? 0 : ns.path_at - 1, m.name_end, tag_len, digest_len);
  return r;
}

/// Arena bytes that always suffice for one call of any function of this header on `s`, or for
/// composing (`with_tag`, `with_digest`) a reference read from `s` with a tag or digest of
/// `extra` bytes.
[[nodiscard]] constexpr std::size_t storage_hint(std::string_view s, std::size_t extra = 0) noexcept {
  return 2 * (s.size() + 32) + extra;
}

/// `ParseNormalizedNamed`: Docker's familiar names made canonical (`docker.io/`, `library/`,
/// `index.docker.io` → `docker.io`); the canonical string is written into `storage`.
/// Besides `parse`'s errors: `hex_name` (a 64-hex input), `remote_uppercase`, `out_of_storage`.
[[nodiscard]] inline result parse_normalized_named(std::string_view s, arena& storage) noexcept {
  namespace g = detail::refgram;
  if (g::identifier(s)) {
    result r = detail_ref::fail(errc::hex_name);
    r.err.detail = s;
    return r;
  }
  // splitDockerDomain
  std::string_view domain;
  std::string_view prefix;  // "library/" or empty
  std::string_view remainder;
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    domain = default_domain;
    prefix = official_repo_prefix;
    remainder = s;
  } else {
    const std::string_view first = s.substr(0, slash);
    const std::string_view rest = s.substr(slash + 1);
    if (first == "localhost") {
      domain = first;
      remainder = rest;
    } else if (first == legacy_default_domain) {
      domain = default_domain;
      remainder = rest;
    } else if (first.find_first_of(".:") != std::string_view::npos || g::changes_under_lower(first)) {
      domain = first;
      remainder = rest;
    } else {
      domain = default_domain;
      remainder = s;
    }
    if (domain == default_domain && remainder.find('/') == std::string_view::npos) prefix = official_repo_prefix;
  }
  // The remote name up to the first ':' must be lower-case.
  const std::string_view remote = remainder.substr(0, remainder.find(':'));
  if (g::changes_under_lower(remote)) {  // the "library/" prefix is lower-case
    result r = detail_ref::fail(errc::remote_uppercase);
    r.err.detail_prefix = prefix;
    r.err.detail = remote;
    return r;
  }
  const std::size_t total = domain.size() + 1 + prefix.size() + remainder.size();
  char* out = storage.make_text(total);
  if (out == nullptr) return detail_ref::fail(errc::out_of_storage);
  std::memcpy(out, domain.data(), domain.size());
  out[domain.size()] = '/';
  if (!prefix.empty()) std::memcpy(out + domain.size() + 1, prefix.data(), prefix.size());
  if (!remainder.empty()) std::memcpy(out + domain.size() + 1 + prefix.size(), remainder.data(), remainder.size());
  result r = parse(std::string_view(out, total));
  // Parse of a string holding "/" always yields a name (or an error); no "has no name" case.
  return r;
}

/// `WithName`: a name-only reference over `name` (views into it). Errors: `invalid_format`,
/// `name_too_long`.
[[nodiscard]] inline result with_name(std::string_view name) noexcept {
  namespace g = detail::refgram;
  const g::name_split ns = g::split_name(g::plain_seq{name}, 0, name.size());
  if (!ns.ok) return detail_ref::fail(errc::invalid_format);
  if (name.size() - ns.path_at > name_total_length_max) return detail_ref::fail(errc::name_too_long);
  result r;
  r.value = detail_ref::layout(name, ns.path_at == 0 ? 0 : ns.path_at - 1, name.size(), 0, 0);
  return r;
}

/// `WithTag`: `name` with its tag replaced by `tag` (a digest is kept), written into `storage`.
/// Error: `tag_invalid_format`, `out_of_storage`.
[[nodiscard]] inline result with_tag(const ref& name, std::string_view tag, arena& storage) noexcept {
  namespace g = detail::refgram;
  if (!g::tag(g::plain_seq{tag}, 0, tag.size())) return detail_ref::fail(errc::tag_invalid_format);
  return detail_ref::build(name.domain, name.path, tag, name.digest, storage);
}

/// `WithDigest`: `name` with `digest` (only the reference digest regexp is checked; a tag is
/// kept), written into `storage`. Error: `digest_invalid_format`, `out_of_storage`.
[[nodiscard]] inline result with_digest(const ref& name, std::string_view digest, arena& storage) noexcept {
  namespace g = detail::refgram;
  if (!g::digest_pat(g::plain_seq{digest}, 0, digest.size())) return detail_ref::fail(errc::digest_invalid_format);
  return detail_ref::build(name.domain, name.path, name.tag, digest, storage);
}

/// `TrimNamed`: the name alone (a view; no storage needed).
[[nodiscard]] constexpr ref trim_named(const ref& r) noexcept {
  ref out;
  out.string = r.name;
  out.name = r.name;
  out.domain = r.domain;
  out.path = r.path;
  return out;
}

/// `TagNameOnly`: adds the tag `latest` to a name-only reference (written into `storage`);
/// other references are returned as they are.
[[nodiscard]] inline result tag_name_only(const ref& r, arena& storage) noexcept {
  if (!r.name_only()) {
    result out;
    out.value = r;
    return out;
  }
  return detail_ref::build(r.domain, r.path, default_tag, {}, storage);
}

/// `ParseDockerRef`: normalised, `:latest` added to name-only references, the tag dropped when
/// a digest is present.
[[nodiscard]] inline result parse_docker_ref(std::string_view s, arena& storage) noexcept {
  result r = parse_normalized_named(s, storage);
  if (!r.ok()) return r;
  if (r.value.tagged() && r.value.digested()) {
    return detail_ref::build(r.value.domain, r.value.path, {}, r.value.digest, storage);
  }
  return tag_name_only(r.value, storage);
}

/// `ParseAnyReference`: a 64-hex identifier becomes the digest reference `sha256:<hex>`; a valid
/// digest becomes a digest reference; anything else goes through `parse_normalized_named`.
[[nodiscard]] inline result parse_any_reference(std::string_view s, arena& storage) noexcept {
  namespace g = detail::refgram;
  if (g::identifier(s)) {
    char* out = storage.make_text(7 + s.size());
    if (out == nullptr) return detail_ref::fail(errc::out_of_storage);
    std::memcpy(out, "sha256:", 7);
    std::memcpy(out + 7, s.data(), s.size());
    result r;
    r.value.string = r.value.digest = std::string_view(out, 7 + s.size());
    return r;
  }
  if (g::validate_digest(s) == g::digest_status::ok) {
    result r;
    r.value.string = r.value.digest = s;
    return r;
  }
  return parse_normalized_named(s, storage);
}

/// `ParseNamed`: `parse_normalized_named`, but the input must already be canonical
/// (`name_not_canonical` otherwise).
[[nodiscard]] inline result parse_named(std::string_view s, arena& storage) noexcept {
  result r = parse_normalized_named(s, storage);
  if (r.ok() && r.value.string != s) return detail_ref::fail(errc::name_not_canonical);
  return r;
}

/// The regexp-level predicates of distribution/reference, anchored.
namespace grammar {

/// `DomainRegexp` anchored: host (domain name or `[ipv6]`) with an optional `:port`.
[[nodiscard]] constexpr bool is_domain_and_port(std::string_view s) noexcept {
  return detail::refgram::domain_and_port(
      detail::refgram::plain_seq{s}, 0, s.size());
}
/// The tag regexp, anchored: `[\w][\w.-]{0,127}`.
[[nodiscard]] constexpr bool is_tag(std::string_view s) noexcept {
  return detail::refgram::tag(detail::refgram::plain_seq{s},
                                                          0, s.size());
}
/// The reference digest regexp, anchored (at least 32 hex digits; not go-digest's validation).
[[nodiscard]] constexpr bool is_digest(std::string_view s) noexcept {
  return detail::refgram::digest_pat(
      detail::refgram::plain_seq{s}, 0, s.size());
}
/// `anchoredIdentifierRegexp`: 64 lowercase hex digits.
[[nodiscard]] constexpr bool is_identifier(std::string_view s) noexcept {
  return detail::refgram::identifier(s);
}

/// The submatches of `anchoredNameRegexp`.
struct name_parts {
  bool matched = false;     ///< the name matched
  std::string_view domain;  ///< domain (and port), possibly empty
  std::string_view path;    ///< the remote name
};

/// `anchoredNameRegexp`: `^(?:(domainAndPort)/)?(remoteName)$`.
[[nodiscard]] constexpr name_parts split_name(std::string_view s) noexcept {
  const auto ns = detail::refgram::split_name(
      detail::refgram::plain_seq{s}, 0, s.size());
  name_parts p;
  if (!ns.ok) return p;
  p.matched = true;
  if (ns.path_at != 0) p.domain = s.substr(0, ns.path_at - 1);
  p.path = s.substr(ns.path_at);
  return p;
}

/// The submatches of `ReferenceRegexp`.
struct reference_parts {
  bool matched = false;     ///< the reference matched
  std::string_view name;    ///< the name
  std::string_view tag;     ///< the tag (empty when absent)
  std::string_view digest;  ///< the digest (empty when absent)
};

/// `ReferenceRegexp`: `^(name)(?::(tag))?(?:@(digest))?$` (no digest validation).
[[nodiscard]] constexpr reference_parts match_reference(std::string_view s) noexcept {
  const auto m = detail::refgram::match_reference(
      detail::refgram::plain_seq{s});
  reference_parts p;
  if (!m.ok) return p;
  p.matched = true;
  p.name = s.substr(0, m.name_end);
  if (m.tag_at != std::string_view::npos) p.tag = s.substr(m.tag_at, m.tag_end - m.tag_at);
  if (m.digest_at != std::string_view::npos) p.digest = s.substr(m.digest_at);
  return p;
}

}  // namespace grammar

}  // namespace reference
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_REFERENCE_HPP

// SPDX-License-Identifier: Apache-2.0
/// @file oci.hpp
/// @brief OCI image-spec v1.1 and Docker schema 2 documents: media types, validation of
/// descriptors, manifests, indexes, image configs and layout headers with the JSON Pointer and the
/// rule of every failure, and typed zero-copy views of their fields (including the mapping of
/// config `history` entries to layers).
///
/// @code
///   std::vector<unsigned char> mem(dockimg::json::storage_hint(text));
///   dockimg::arena storage(mem.data(), mem.size());
///   const dockimg::oci::checked c = dockimg::oci::check(text, storage);  // kind from the content
///   if (!c.ok()) std::string why = dockimg::oci::message(c);  // "/layers/0/size: ..."
///   const dockimg::oci::manifest m(c.doc.root());
///   for (const auto& layer : m.layers()) { layer.size(); layer.digest(); }
/// @endcode
///
/// Validation is strict to the specification (what `cases.jsonl` calls "valid"): the image-spec
/// JSON schemas with the Go decoding rules behind them (int64 sizes, padded standard base64),
/// the MUSTs of the prose the upstream validator skips (registered digest rules inside every
/// descriptor, I-JSON duplicate names, exact top-level media types, `artifactType` for the empty
/// config), and what distribution accepts for Docker documents. `null` is "absent" for optional
/// config fields, as config.md says. Nothing here allocates.
#ifndef DOCKIMG_OCI_HPP
#define DOCKIMG_OCI_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "arena.hpp"
#include "config.hpp"
#include "digest.hpp"
#include "json.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace oci {

// ------------------------------------------------------------------------------------------------
// Media types
// ------------------------------------------------------------------------------------------------

/// The media types of the OCI image-spec and of Docker's image formats.
namespace media_types {
inline constexpr std::string_view descriptor = "application/vnd.oci.descriptor.v1+json";  ///< descriptor
inline constexpr std::string_view layout_header = "application/vnd.oci.layout.header.v1+json";  ///< `oci-layout`
inline constexpr std::string_view index = "application/vnd.oci.image.index.v1+json";  ///< image index
inline constexpr std::string_view manifest = "application/vnd.oci.image.manifest.v1+json";  ///< image manifest
inline constexpr std::string_view config = "application/vnd.oci.image.config.v1+json";  ///< image config
inline constexpr std::string_view layer = "application/vnd.oci.image.layer.v1.tar";  ///< layer, uncompressed
inline constexpr std::string_view layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";  ///< layer, gzip
inline constexpr std::string_view layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";  ///< layer, zstd
inline constexpr std::string_view empty = "application/vnd.oci.empty.v1+json";  ///< the `{}` blob
inline constexpr std::string_view docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";  ///< Docker schema 2 manifest
inline constexpr std::string_view docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";  ///< Docker manifest list
inline constexpr std::string_view docker_config =
    "application/vnd.docker.container.image.v1+json";  ///< Docker container config
inline constexpr std::string_view docker_layer_gzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";  ///< Docker layer, gzip
inline constexpr std::string_view docker_foreign_layer_gzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";  ///< Docker foreign layer (needs urls)
}  // namespace media_types

/// What a media type names.
enum class media_kind : std::uint8_t {
  unknown,        ///< not a type of the image formats (opaque content)
  descriptor,     ///< a descriptor document
  layout_header,  ///< the `oci-layout` file
  index,          ///< an OCI image index or a Docker manifest list
  manifest,       ///< an OCI image manifest or a Docker schema 2 manifest
  config,         ///< an OCI image config or a Docker container config
  layer,          ///< a filesystem layer (any compression)
  empty,          ///< the empty `{}` blob
  schema1,        ///< a Docker schema 1 manifest (removed)
  plugin_config,  ///< a Docker plugin config
  attestation,    ///< an in-toto attestation blob (BuildKit)
};

/// Compression of a layer media type.
enum class compression : std::uint8_t {
  none,  ///< plain tar (or not a layer)
  gzip,  ///< gzip
  zstd,  ///< zstd
};

/// What `classify` says about a media type.
struct media_info {
  media_kind kind = media_kind::unknown;  ///< what it names
  bool docker = false;                    ///< a Docker (not OCI) type
  bool distributable = true;              ///< false for foreign and non-distributable layers
  bool deprecated = false;                ///< deprecated by its specification
  compression compressed = compression::none;  ///< layer compression
};

/// Classifies a media type (the complete lists of image-spec media-types.md and of Docker's
/// formats; anything else is `unknown`). Comparison is exact, as registries compare.
[[nodiscard]] constexpr media_info classify(std::string_view t) noexcept {
  struct entry {
    std::string_view name;
    media_info info;
  };
  constexpr entry table[] = {
      {"application/vnd.oci.descriptor.v1+json", {media_kind::descriptor, false, true, false, compression::none}},
      {"application/vnd.oci.layout.header.v1+json", {media_kind::layout_header, false, true, false, compression::none}},
      {"application/vnd.oci.image.index.v1+json", {media_kind::index, false, true, false, compression::none}},
      {"application/vnd.oci.image.manifest.v1+json", {media_kind::manifest, false, true, false, compression::none}},
      {"application/vnd.oci.image.config.v1+json", {media_kind::config, false, true, false, compression::none}},
      {"application/vnd.oci.image.layer.v1.tar", {media_kind::layer, false, true, false, compression::none}},
      {"application/vnd.oci.image.layer.v1.tar+gzip", {media_kind::layer, false, true, false, compression::gzip}},
      {"application/vnd.oci.image.layer.v1.tar+zstd", {media_kind::layer, false, true, false, compression::zstd}},
      {"application/vnd.oci.empty.v1+json", {media_kind::empty, false, true, false, compression::none}},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar",
       {media_kind::layer, false, false, true, compression::none}},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
       {media_kind::layer, false, false, true, compression::gzip}},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
       {media_kind::layer, false, false, true, compression::zstd}},
      {"application/vnd.docker.distribution.manifest.v2+json", {media_kind::manifest, true, true, false, compression::none}},
      {"application/vnd.docker.distribution.manifest.list.v2+json",
       {media_kind::index, true, true, false, compression::none}},
      {"application/vnd.docker.container.image.v1+json", {media_kind::config, true, true, false, compression::none}},
      {"application/vnd.docker.image.rootfs.diff.tar.gzip", {media_kind::layer, true, true, false, compression::gzip}},
      {"application/vnd.docker.image.rootfs.diff.tar", {media_kind::layer, true, true, false, compression::none}},
      {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
       {media_kind::layer, true, false, true, compression::gzip}},
      {"application/vnd.docker.image.rootfs.foreign.diff.tar", {media_kind::layer, true, false, true, compression::none}},
      {"application/vnd.docker.plugin.v1+json", {media_kind::plugin_config, true, true, false, compression::none}},
      {"application/vnd.docker.distribution.manifest.v1+json", {media_kind::schema1, true, true, true, compression::none}},
      {"application/vnd.docker.distribution.manifest.v1+prettyjws",
       {media_kind::schema1, true, true, true, compression::none}},
      {"application/vnd.in-toto+json", {media_kind::attestation, false, true, false, compression::none}},
  };
  for (const entry& e : table) {
    if (e.name == t) return e.info;
  }
  return {};
}

// ------------------------------------------------------------------------------------------------
// Documents and rules
// ------------------------------------------------------------------------------------------------

/// The kinds of document `check` validates.
enum class document_kind : std::uint8_t {
  unknown,               ///< not recognised
  descriptor,            ///< `application/vnd.oci.descriptor.v1+json`
  manifest,              ///< OCI image manifest
  index,                 ///< OCI image index
  config,                ///< OCI image config
  layout,                ///< `oci-layout`
  docker_manifest,       ///< Docker schema 2 manifest
  docker_manifest_list,  ///< Docker manifest list
  docker_config,         ///< Docker container config
};

/// The media type of a document kind ("" for `unknown`).
[[nodiscard]] constexpr std::string_view media_type_of(document_kind k) noexcept {
  switch (k) {
    case document_kind::descriptor: return media_types::descriptor;
    case document_kind::manifest: return media_types::manifest;
    case document_kind::index: return media_types::index;
    case document_kind::config: return media_types::config;
    case document_kind::layout: return media_types::layout_header;
    case document_kind::docker_manifest: return media_types::docker_manifest;
    case document_kind::docker_manifest_list: return media_types::docker_manifest_list;
    case document_kind::docker_config: return media_types::docker_config;
    case document_kind::unknown: break;
  }
  return {};
}

/// The document kind of a media type (`unknown` for other types).
[[nodiscard]] constexpr document_kind kind_of(std::string_view media_type) noexcept {
  for (auto k : {document_kind::descriptor, document_kind::manifest, document_kind::index, document_kind::config,
                 document_kind::layout, document_kind::docker_manifest, document_kind::docker_manifest_list,
                 document_kind::docker_config}) {
    if (media_type_of(k) == media_type) return k;
  }
  return document_kind::unknown;
}

/// Where a rule comes from.
enum class level : std::uint8_t {
  schema,    ///< the image-spec JSON schemas and the Go decoding behind the upstream validator
  spec,      ///< a MUST of the specification prose that the upstream validator does not check
  registry,  ///< what distribution/distribution accepts
};

/// The rules a document can break. `write_message` gives each its text.
enum class rule : std::uint8_t {
  ok = 0,                   ///< no violation
  json_syntax,              ///< the text is not JSON (see `checked::doc.error()`)
  duplicate_member,         ///< I-JSON: a member name repeats in one object
  wrong_type,               ///< the value has the wrong JSON type (`expected` says which)
  not_int64,                ///< a number that Go cannot decode into int64 (fraction, exponent, range)
  required,                 ///< a required member is missing (`member` says which)
  media_type_pattern,       ///< not `type/subtype` of RFC 6838 restricted names, 1-127 characters each
  digest_invalid,           ///< the digest breaks the grammar or a registered algorithm's rule
  negative_size,            ///< `size` is negative
  base64,                   ///< `data` is not standard, padded base64
  data_size,                ///< `data` decodes to a length other than `size`
  uri,                      ///< not an absolute URI (RFC 3986, with a scheme)
  date_time,                ///< not an RFC 3339 date-time
  schema_version,           ///< `schemaVersion` is not 2
  min_items,                ///< `layers` is empty
  media_type_mismatch,      ///< the top-level `mediaType` differs from the document's type
  artifact_type_required,   ///< the config is the empty type but `artifactType` is missing
  rootfs_type,              ///< `rootfs.type` is not `layers`
  env_entry,                ///< a `config.Env` entry is not `NAME=value`
  layout_version,           ///< `imageLayoutVersion` is not `1.0.0`
  unexpected_member,        ///< a manifest with `manifests`, an index with `config`/`layers`
  media_type_required,      ///< a Docker manifest or list without `mediaType`
  foreign_layer_urls,       ///< a Docker foreign layer without `urls`
  foreign_layer_url,        ///< a foreign layer URL that is not http(s) or has a fragment
  unknown_kind,             ///< the kind of document cannot be told from its content
};

/// The level a rule belongs to (the digest and size rules depend on where they apply: see
/// `violation::level`).
struct violation {
  rule code = rule::ok;             ///< what is wrong
  oci::level level = level::schema;  ///< where the rule comes from
  json::value at;                   ///< the value at fault (for `required`: the object)
  std::string_view member;          ///< `required`/`unexpected_member`: the member name
  std::string_view expected;        ///< `wrong_type`: the expected type; other rules: a detail
  digest::errc digest_error = digest::errc::ok;  ///< `digest_invalid`: go-digest's class

  /// True when this is a real violation.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != rule::ok; }
};

/// Options of `validate`.
struct validate_options {
  bool spec_rules = true;      ///< also the `spec` level (prose MUSTs)
  bool registry_rules = true;  ///< also the `registry` level (distribution)
};

// ------------------------------------------------------------------------------------------------
// String rules (public: useful alone)
// ------------------------------------------------------------------------------------------------

/// The descriptor `mediaType` pattern: `^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/` the same again
/// `$` (no parameters).
[[nodiscard]] constexpr bool is_media_type(std::string_view s) noexcept {
  auto part = [](std::string_view p) {
    if (p.empty() || p.size() > 127) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const char c = p[i];
      const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (i == 0 && !alnum) return false;
      if (!alnum && std::string_view("!#$&^_.+-").find(c) == std::string_view::npos) return false;
    }
    return true;
  };
  const std::size_t slash = s.find('/');
  return slash != std::string_view::npos && part(s.substr(0, slash)) && part(s.substr(slash + 1));
}

/// Decoded length of standard base64 with padding, as Go's `base64.StdEncoding` decodes a JSON
/// `[]byte` (`\r` and `\n` are skipped); -1 when the text is not valid.
[[nodiscard]] constexpr std::int64_t base64_decoded_size(std::string_view s) noexcept {
  std::size_t n = 0;  // significant characters
  std::size_t pad = 0;
  for (char c : s) {
    if (c == '\r' || c == '\n') continue;
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                       c == '/';
    if (c == '=') {
      ++pad;
    } else if (!alpha || pad != 0) {
      return -1;
    }
    ++n;
  }
  if (n % 4 != 0 || pad > 2) return -1;
  // the last quantum before the padding must not carry stray bits (Go's strict mode is off for
  // StdEncoding: trailing bits are ignored), so only the count matters
  return static_cast<std::int64_t>(n / 4 * 3 - pad);
}

/// An absolute URI (RFC 3986 `scheme ":" hier-part`): a scheme of a letter then letters, digits,
/// `+`, `-`, `.`; no spaces, controls or malformed `%` escapes in the rest.
[[nodiscard]] constexpr bool is_absolute_uri(std::string_view s) noexcept {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (i == 0 ? !letter : !(letter || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) return false;
  }
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  for (std::size_t i = colon + 1; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
        c == '{' || c == '|' || c == '}') {
      return false;
    }
    if (c == '%') {
      if (i + 2 >= s.size() || !hex(s[i + 1]) || !hex(s[i + 2])) return false;
    }
  }
  return true;
}

/// An RFC 3339 `date-time` (`2015-10-31T22:22:56.015925234Z`, `...+02:00`; `T`/`Z` in either case),
/// with real calendar dates and leap seconds allowed.
[[nodiscard]] constexpr bool is_date_time(std::string_view s) noexcept {
  auto digits = [&](std::size_t at, std::size_t n, int& v) {
    if (at + n > s.size()) return false;
    v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(5, 2, month) || s[7] != '-' ||
      !digits(8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(11, 2, hour) || s[13] != ':' ||
      !digits(14, 2, minute) || s[16] != ':' || !digits(17, 2, second)) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > days[month - 1] || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  int oh = 0, om = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-') && digits(i + 1, 2, oh) && i + 3 < s.size() && s[i + 3] == ':' &&
      digits(i + 4, 2, om)) {
    return i + 6 == s.size() && oh <= 23 && om <= 59;
  }
  return false;
}

/// A `config.Env` entry as the upstream validator checks it: Go's `^[^=]+=.*$` (a non-empty name;
/// the value may not contain a newline, since `.` does not match one).
[[nodiscard]] constexpr bool is_env_entry(std::string_view s) noexcept {
  const std::size_t eq = s.find('=');
  return eq != std::string_view::npos && eq > 0 && s.find('\n', eq) == std::string_view::npos;
}

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

namespace detail_oci {

using sv = std::string_view;

/// Reports violations; stops after the first when `first_only`.
struct reporter {
  const validate_options* opt = nullptr;
  void* ctx = nullptr;
  bool (*emit)(void* ctx, const violation& v) = nullptr;  // returns false to stop
  bool stopped = false;
  std::size_t count = 0;

  bool report(const violation& v) noexcept {
    if (stopped) return false;
    if (v.level == level::spec && !opt->spec_rules) return true;
    if (v.level == level::registry && !opt->registry_rules) return true;
    ++count;
    if (!emit(ctx, v)) stopped = true;
    return !stopped;
  }
  bool fail(rule r, level l, json::value at, sv member = {}, sv expected = {}) noexcept {
    violation v;
    v.code = r;
    v.level = l;
    v.at = at;
    v.member = member;
    v.expected = expected;
    return report(v);
  }
};

/// A member of an object, or invalid; `null` counts as absent when `null_is_absent`.
inline json::value get(json::value obj, sv key, bool null_is_absent = false) noexcept {
  const json::value v = obj.find_last(key);  // Go keeps the last of repeated names
  if (null_is_absent && v.valid() && v.is_null()) return {};
  return v;
}

/// One pass over an object's members: `out[i]` gets the last member named `keys[i]` (invalid
/// when absent; `null` is absent when `null_is_absent`). Cheaper than one `find_last` per key.
template <std::size_t N>
inline void collect(json::value obj, const sv (&keys)[N], json::value (&out)[N], bool null_is_absent = false) noexcept {
  for (std::size_t i = 0; i < N; ++i) out[i] = json::value();
  for (const json::member& m : obj.members()) {
    const sv raw = m.key.raw_string();
    const bool esc = m.key.has_escapes();
    for (std::size_t i = 0; i < N; ++i) {
      if (esc ? m.key.equals(keys[i]) : raw == keys[i]) {
        out[i] = (null_is_absent && m.val.is_null()) ? json::value() : m.val;
        break;
      }
    }
  }
}

inline bool expect_string(reporter& r, json::value v) noexcept {
  if (v.is_string()) return true;
  r.fail(rule::wrong_type, level::schema, v, {}, "string");
  return false;
}

/// A required member; reports `required` when missing.
inline json::value require(reporter& r, json::value obj, sv key) noexcept {
  const json::value v = get(obj, key);
  if (!v.valid()) r.fail(rule::required, level::schema, obj, key);
  return v;
}

/// String content for rule checks: raw when unescaped, else decoded into a bounded stack buffer
/// (longer escaped strings are checked on their raw text, which only matters for pathological
/// input).
struct text_buf {
  char buf[512];
  sv get(json::value v) noexcept {
    if (!v.has_escapes()) return v.raw_string();
    const auto r = v.get_string(buf, sizeof buf);
    return r.ok() ? r.value : v.raw_string();
  }
};

inline void check_media_type(reporter& r, json::value v) noexcept {
  if (!expect_string(r, v)) return;
  text_buf t;
  if (!is_media_type(t.get(v))) r.fail(rule::media_type_pattern, level::schema, v);
}

inline void check_digest(reporter& r, json::value v, bool standalone) noexcept {
  if (!expect_string(r, v)) return;
  text_buf t;
  const digest::parse_result p = digest::parse(t.get(v));
  if (p.ok()) return;
  violation x;
  x.code = rule::digest_invalid;
  // the grammar is in every schema; the registered algorithms' rules only in the standalone
  // descriptor's Go pre-check
  x.level = p.err.code == digest::errc::bad_format ? level::schema : (standalone ? level::schema : level::spec);
  x.at = v;
  x.digest_error = p.err.code;
  r.report(x);
}

inline void check_string_map(reporter& r, json::value v) noexcept {
  if (!v.is_object()) {
    r.fail(rule::wrong_type, level::schema, v, {}, "object of strings");
    return;
  }
  for (const json::member& m : v.members()) {
    if (!m.val.is_string()) r.fail(rule::wrong_type, level::schema, m.val, {}, "string");
  }
}

inline void check_string_array(reporter& r, json::value v) noexcept {
  if (!v.is_array()) {
    r.fail(rule::wrong_type, level::schema, v, {}, "array of strings");
    return;
  }
  for (const json::value e : v.elements()) (void)expect_string(r, e);
}

inline void check_platform(reporter& r, json::value p) noexcept {
  if (!p.is_object()) {
    r.fail(rule::wrong_type, level::schema, p, {}, "object");
    return;
  }
  if (const json::value a = require(r, p, "architecture"); a.valid()) (void)expect_string(r, a);
  if (const json::value o = require(r, p, "os"); o.valid()) (void)expect_string(r, o);
  if (const json::value v = get(p, "os.version"); v.valid()) (void)expect_string(r, v);
  if (const json::value v = get(p, "variant"); v.valid()) (void)expect_string(r, v);
  if (const json::value v = get(p, "os.features"); v.valid()) check_string_array(r, v);
  if (const json::value v = get(p, "features"); v.valid()) check_string_array(r, v);
}

/// Where a descriptor sits (the rules differ slightly).
enum class place : std::uint8_t { standalone, manifest, index };

inline void check_descriptor(reporter& r, json::value d, place where, bool docker_foreign_rules) noexcept {
  if (!d.is_object()) {
    r.fail(rule::wrong_type, level::schema, d, {}, "object (descriptor)");
    return;
  }
  static constexpr sv keys[] = {"mediaType", "digest", "size", "urls", "annotations", "data", "artifactType", "platform"};
  json::value f[8];
  collect(d, keys, f);
  auto required = [&](std::size_t i) {
    if (!f[i].valid()) r.fail(rule::required, level::schema, d, keys[i]);
    return f[i];
  };
  if (const json::value mt = required(0); mt.valid()) check_media_type(r, mt);
  if (const json::value dg = required(1); dg.valid()) check_digest(r, dg, where == place::standalone);
  std::int64_t size = -1;
  bool have_size = false;
  if (const json::value sz = required(2); sz.valid()) {
    if (!sz.is_number()) {
      r.fail(rule::wrong_type, level::schema, sz, {}, "integer");
    } else {
      const auto n = sz.get_int64();
      if (!n.ok()) {
        r.fail(rule::not_int64, level::schema, sz);
      } else if (n.value < 0) {
        // image-index-schema types manifests[].size as a plain int64 (no minimum)
        r.fail(rule::negative_size, where == place::index ? level::spec : level::schema, sz);
      } else {
        size = n.value;
        have_size = true;
      }
    }
  }
  if (const json::value u = f[3]; u.valid()) {
    if (!u.is_array()) {
      r.fail(rule::wrong_type, level::schema, u, {}, "array of strings");
    } else {
      for (const json::value e : u.elements()) {
        if (!expect_string(r, e)) continue;
        text_buf t;
        if (!is_absolute_uri(t.get(e))) r.fail(rule::uri, level::schema, e);
      }
    }
  }
  if (const json::value a = f[4]; a.valid()) check_string_map(r, a);
  if (const json::value data = f[5]; data.valid()) {
    if (expect_string(r, data)) {
      text_buf t;
      const std::int64_t n = base64_decoded_size(t.get(data));
      if (n < 0) {
        r.fail(rule::base64, level::schema, data);
      } else if (have_size && n != size) {
        r.fail(rule::data_size, level::spec, data);
      }
    }
  }
  if (const json::value at = f[6]; at.valid()) check_media_type(r, at);
  if (const json::value p = f[7]; p.valid()) check_platform(r, p);
  if (docker_foreign_rules) {
    const json::value mt = f[0];
    const media_info info = classify(mt.raw_string());
    if (mt.is_string() && info.kind == media_kind::layer && info.docker && !info.distributable) {
      const json::value u = f[3];
      if (!u.is_array() || u.size() == 0) {
        r.fail(rule::foreign_layer_urls, level::registry, d, "urls");
      } else {
        for (const json::value e : u.elements()) {
          text_buf t;
          const sv url = t.get(e);
          const bool http = url.substr(0, 7) == "http://" || url.substr(0, 8) == "https://";
          if (!e.is_string() || !http || url.find('#') != sv::npos) r.fail(rule::foreign_layer_url, level::registry, e);
        }
      }
    }
  }
}

inline void check_schema_version(reporter& r, json::value root) noexcept {
  const json::value v = require(r, root, "schemaVersion");
  if (!v.valid()) return;
  if (!v.is_number()) {
    r.fail(rule::wrong_type, level::schema, v, {}, "integer");
    return;
  }
  const auto n = v.get_int64();
  if (!n.ok()) {
    r.fail(rule::not_int64, level::schema, v);
  } else if (n.value != 2) {
    r.fail(rule::schema_version, level::schema, v);
  }
}

/// The top-level `mediaType`: pattern (schema), then the exact type (spec for OCI; required and
/// exact for Docker, as distribution decides).
inline void check_top_media_type(reporter& r, json::value root, sv want, bool docker) noexcept {
  const json::value mt = get(root, "mediaType");
  if (!mt.valid()) {
    if (docker) r.fail(rule::media_type_required, level::registry, root, "mediaType");
    return;
  }
  check_media_type(r, mt);
  if (mt.is_string() && !mt.equals(want)) {
    r.fail(rule::media_type_mismatch, docker ? level::registry : level::spec, mt, {}, want);
  }
}

inline void check_manifest(reporter& r, json::value root, bool docker) noexcept {
  if (!root.is_object()) {
    r.fail(rule::wrong_type, level::schema, root, {}, "object");
    return;
  }
  check_schema_version(r, root);
  check_top_media_type(r, root, docker ? media_types::docker_manifest : media_types::manifest, docker);
  const json::value artifact = get(root, "artifactType");
  if (artifact.valid()) check_media_type(r, artifact);
  if (const json::value cfg = require(r, root, "config"); cfg.valid()) {
    check_descriptor(r, cfg, place::manifest, false);
    if (!artifact.valid() && get(cfg, "mediaType").equals(media_types::empty)) {
      r.fail(rule::artifact_type_required, level::spec, root, "artifactType");
    }
  }
  if (const json::value layers = require(r, root, "layers"); layers.valid()) {
    if (!layers.is_array()) {
      r.fail(rule::wrong_type, level::schema, layers, {}, "array of descriptors");
    } else {
      if (layers.size() == 0) r.fail(rule::min_items, level::schema, layers);
      for (const json::value l : layers.elements()) check_descriptor(r, l, place::manifest, docker);
    }
  }
  if (const json::value s = get(root, "subject"); s.valid()) check_descriptor(r, s, place::manifest, false);
  if (const json::value a = get(root, "annotations"); a.valid()) check_string_map(r, a);
  if (get(root, "manifests").valid()) r.fail(rule::unexpected_member, level::registry, root, "manifests");
}

inline void check_index(reporter& r, json::value root, bool docker) noexcept {
  if (!root.is_object()) {
    r.fail(rule::wrong_type, level::schema, root, {}, "object");
    return;
  }
  check_schema_version(r, root);
  check_top_media_type(r, root, docker ? media_types::docker_manifest_list : media_types::index, docker);
  if (const json::value at = get(root, "artifactType"); at.valid()) check_media_type(r, at);
  if (const json::value ms = require(r, root, "manifests"); ms.valid()) {
    if (!ms.is_array()) {
      r.fail(rule::wrong_type, level::schema, ms, {}, "array of descriptors");
    } else {
      for (const json::value m : ms.elements()) check_descriptor(r, m, place::index, false);
    }
  }
  if (const json::value s = get(root, "subject"); s.valid()) check_descriptor(r, s, place::manifest, false);
  if (const json::value a = get(root, "annotations"); a.valid()) check_string_map(r, a);
  for (sv m : {sv("config"), sv("layers")}) {
    if (get(root, m).valid()) r.fail(rule::unexpected_member, level::registry, root, m);
  }
}

/// An object whose values are objects (`ExposedPorts`, `Volumes`: Go `map[string]struct{}`).
inline void check_set(reporter& r, json::value v) noexcept {
  if (!v.is_object()) {
    r.fail(rule::wrong_type, level::schema, v, {}, "object of empty objects");
    return;
  }
  for (const json::member& m : v.members()) {
    if (!m.val.is_object()) r.fail(rule::wrong_type, level::schema, m.val, {}, "object");
  }
}

inline void check_optional_string(reporter& r, json::value obj, sv key) noexcept {
  if (const json::value v = get(obj, key, true); v.valid()) (void)expect_string(r, v);
}

inline void check_config(reporter& r, json::value root) noexcept {
  if (!root.is_object()) {
    r.fail(rule::wrong_type, level::schema, root, {}, "object");
    return;
  }
  if (const json::value c = get(root, "created", true); c.valid() && expect_string(r, c)) {
    text_buf t;
    if (!is_date_time(t.get(c))) r.fail(rule::date_time, level::schema, c);
  }
  check_optional_string(r, root, "author");
  if (const json::value a = require(r, root, "architecture"); a.valid()) (void)expect_string(r, a);
  if (const json::value o = require(r, root, "os"); o.valid()) (void)expect_string(r, o);
  check_optional_string(r, root, "os.version");
  check_optional_string(r, root, "variant");
  if (const json::value f = get(root, "os.features", true); f.valid()) check_string_array(r, f);
  if (const json::value cfg = get(root, "config", true); cfg.valid()) {
    if (!cfg.is_object()) {
      r.fail(rule::wrong_type, level::schema, cfg, {}, "object");
    } else {
      for (sv k : {sv("User"), sv("WorkingDir"), sv("StopSignal")}) check_optional_string(r, cfg, k);
      if (const json::value p = get(cfg, "ExposedPorts", true); p.valid()) check_set(r, p);
      if (const json::value v = get(cfg, "Volumes", true); v.valid()) check_set(r, v);
      if (const json::value l = get(cfg, "Labels", true); l.valid()) check_string_map(r, l);
      for (sv k : {sv("Entrypoint"), sv("Cmd")}) {
        if (const json::value v = get(cfg, k, true); v.valid()) check_string_array(r, v);
      }
      if (const json::value e = get(cfg, "Env", true); e.valid()) {
        if (!e.is_array()) {
          r.fail(rule::wrong_type, level::schema, e, {}, "array of strings");
        } else {
          for (const json::value x : e.elements()) {
            if (!expect_string(r, x)) continue;
            text_buf t;
            if (!is_env_entry(t.get(x))) r.fail(rule::env_entry, level::schema, x);
          }
        }
      }
      if (const json::value b = get(cfg, "ArgsEscaped", true); b.valid() && !b.is_bool()) {
        r.fail(rule::wrong_type, level::schema, b, {}, "boolean");
      }
      for (sv k : {sv("Memory"), sv("MemorySwap"), sv("CpuShares")}) {
        if (const json::value n = get(cfg, k, true); n.valid() && !n.get_int64().ok()) {
          r.fail(n.is_number() ? rule::not_int64 : rule::wrong_type, level::schema, n, {}, "integer");
        }
      }
    }
  }
  if (const json::value fs = require(r, root, "rootfs"); fs.valid()) {
    if (!fs.is_object()) {
      r.fail(rule::wrong_type, level::schema, fs, {}, "object");
    } else {
      if (const json::value t = require(r, fs, "type"); t.valid() && expect_string(r, t) && !t.equals("layers")) {
        r.fail(rule::rootfs_type, level::schema, t);
      }
      if (const json::value ids = require(r, fs, "diff_ids"); ids.valid()) {
        if (!ids.is_array()) {
          r.fail(rule::wrong_type, level::schema, ids, {}, "array of digests");
        } else {
          for (const json::value id : ids.elements()) check_digest(r, id, false);
        }
      }
    }
  }
  if (const json::value h = get(root, "history", true); h.valid()) {
    if (!h.is_array()) {
      r.fail(rule::wrong_type, level::schema, h, {}, "array of objects");
    } else {
      for (const json::value e : h.elements()) {
        if (!e.is_object()) {
          r.fail(rule::wrong_type, level::schema, e, {}, "object");
          continue;
        }
        static constexpr sv hkeys[] = {"created", "author", "created_by", "comment", "empty_layer"};
        json::value hf[5];
        collect(e, hkeys, hf, true);
        if (const json::value c = hf[0]; c.valid() && expect_string(r, c)) {
          text_buf t;
          if (!is_date_time(t.get(c))) r.fail(rule::date_time, level::schema, c);
        }
        for (std::size_t k = 1; k <= 3; ++k) {
          if (hf[k].valid()) (void)expect_string(r, hf[k]);
        }
        if (const json::value b = hf[4]; b.valid() && !b.is_bool()) {
          r.fail(rule::wrong_type, level::schema, b, {}, "boolean");
        }
      }
    }
  }
}

inline void check_layout(reporter& r, json::value root) noexcept {
  if (!root.is_object()) {
    r.fail(rule::wrong_type, level::schema, root, {}, "object");
    return;
  }
  if (const json::value v = require(r, root, "imageLayoutVersion"); v.valid() && expect_string(r, v) &&
                                                                     !v.equals("1.0.0")) {
    r.fail(rule::layout_version, level::schema, v);
  }
}

}  // namespace detail_oci

/// Tells the kind of a document from its content: the top-level `mediaType` when it names one of
/// the kinds, else the members (`manifests` -> index; `config`/`layers` -> manifest; `rootfs` ->
/// config; `imageLayoutVersion` -> layout; `digest` + `size` -> descriptor).
[[nodiscard]] inline document_kind detect_kind(json::value root) noexcept {
  if (!root.is_object()) return document_kind::unknown;
  const json::value mt = root.find_last("mediaType");
  if (mt.is_string()) {
    const document_kind k = kind_of(mt.raw_string());
    if (k != document_kind::unknown && k != document_kind::descriptor) return k;
  }
  const bool has_manifests = root.find("manifests").valid();
  const bool has_image = root.find("config").valid() || root.find("layers").valid();
  if (root.find("schemaVersion").valid() && has_manifests != has_image) {
    return has_manifests ? document_kind::index : document_kind::manifest;
  }
  if (root.find("rootfs").valid()) return document_kind::config;
  if (root.find("imageLayoutVersion").valid()) return document_kind::layout;
  if (root.find("digest").valid() && root.find("size").valid()) return document_kind::descriptor;
  return document_kind::unknown;
}

/// Validates a parsed document as `kind` and calls `on_violation(const violation&)` for each
/// violation (return false from it to stop). Returns the number reported. Duplicate member names
/// are checked by `check` (they need the parser's help).
template <class F>
std::size_t validate(json::value root, document_kind kind, const validate_options& opt, F&& on_violation) noexcept {
  using F0 = std::remove_reference_t<F>;
  detail_oci::reporter r;
  r.opt = &opt;
  r.ctx = static_cast<void*>(&on_violation);
  r.emit = [](void* ctx, const violation& v) -> bool { return (*static_cast<F0*>(ctx))(v); };
  switch (kind) {
    case document_kind::descriptor: detail_oci::check_descriptor(r, root, detail_oci::place::standalone, false); break;
    case document_kind::manifest: detail_oci::check_manifest(r, root, false); break;
    case document_kind::docker_manifest: detail_oci::check_manifest(r, root, true); break;
    case document_kind::index: detail_oci::check_index(r, root, false); break;
    case document_kind::docker_manifest_list: detail_oci::check_index(r, root, true); break;
    case document_kind::config:
    case document_kind::docker_config: detail_oci::check_config(r, root); break;
    case document_kind::layout: detail_oci::check_layout(r, root); break;
    case document_kind::unknown: r.fail(rule::unknown_kind, level::schema, root); break;
  }
  return r.count;
}

/// The result of `check`: the parsed document, its kind and the first violation.
struct checked {
  json::document doc;                          ///< the parsed text (its error for `json_syntax`)
  document_kind kind = document_kind::unknown;  ///< the kind validated as
  violation first;                             ///< the first violation (`rule::ok` when valid)
  std::size_t count = 0;                       ///< violations found (`check` stops at the first)

  /// True when the document is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return first.code == rule::ok; }
};

/// Parses `text` (duplicate names rejected, as I-JSON requires) and validates it as `kind`
/// (`unknown`: `detect_kind`). The tape lives in `storage` (`json::storage_hint(text)` bytes).
[[nodiscard]] inline checked check(std::string_view text DOCKIMG_LIFETIMEBOUND, arena& storage DOCKIMG_LIFETIMEBOUND,
                                   document_kind kind = document_kind::unknown,
                                   const validate_options& opt = {}) noexcept {
  checked c;
  json::options jo;
  jo.reject_duplicate_keys = opt.spec_rules;  // I-JSON: objects MUST NOT repeat a name
  c.doc = json::parse(text, storage, jo);
  if (!c.doc.ok()) {
    c.first.code = c.doc.error().code == json::errc::duplicate_key ? rule::duplicate_member : rule::json_syntax;
    c.first.level = c.first.code == rule::duplicate_member ? level::spec : level::schema;
    c.count = 1;
    return c;
  }
  c.kind = kind == document_kind::unknown ? detect_kind(c.doc.root()) : kind;
  c.count = validate(c.doc.root(), c.kind, opt, [&](const violation& v) {
    c.first = v;
    return false;
  });
  return c;
}

/// The rule's text.
[[nodiscard]] constexpr std::string_view rule_text(rule r) noexcept {
  switch (r) {
    case rule::ok: return "valid";
    case rule::json_syntax: return "not valid JSON";
    case rule::duplicate_member: return "duplicate member name (I-JSON)";
    case rule::wrong_type: return "wrong type";
    case rule::not_int64: return "must be an integer that fits int64 (no fraction or exponent)";
    case rule::required: return "required";
    case rule::media_type_pattern: return "not a media type (type/subtype, no parameters)";
    case rule::digest_invalid: return "invalid digest";
    case rule::negative_size: return "size must not be negative";
    case rule::base64: return "data must be standard base64 with padding";
    case rule::data_size: return "data does not decode to size bytes";
    case rule::uri: return "not an absolute URI";
    case rule::date_time: return "not an RFC 3339 date-time";
    case rule::schema_version: return "schemaVersion must be 2";
    case rule::min_items: return "must have at least one layer";
    case rule::media_type_mismatch: return "mediaType must be ";
    case rule::artifact_type_required: return "required when config.mediaType is the empty media type";
    case rule::rootfs_type: return "rootfs.type must be \"layers\"";
    case rule::env_entry: return "Env entries must be NAME=value";
    case rule::layout_version: return "imageLayoutVersion must be \"1.0.0\"";
    case rule::unexpected_member: return "not allowed in this kind of document";
    case rule::media_type_required: return "required for Docker documents";
    case rule::foreign_layer_urls: return "a foreign layer needs urls";
    case rule::foreign_layer_url: return "foreign layer URLs must be http(s) without a fragment";
    case rule::unknown_kind: return "cannot tell what kind of document this is";
  }
  return "?";
}

/// Writes `POINTER: RULE` for `v` (JSON Pointer of the value at fault; for `required` and
/// `unexpected_member`, of the member) to `sink`.
template <class Sink>
void write_message(const json::document& doc, const violation& v, Sink&& sink) {
  if (v.code == rule::json_syntax) {
    sink(std::string_view("not valid JSON: "));
    json::write_message(doc.error(), sink);
    return;
  }
  if (v.code == rule::duplicate_member) {
    doc.write_error_pointer(sink);
    sink(std::string_view(": "));
    sink(rule_text(v.code));
    return;
  }
  if (v.at.valid()) doc.write_pointer(v.at, sink);
  if (!v.member.empty()) {
    sink(std::string_view("/"));
    for (char c : v.member) {
      if (c == '~') {
        sink(std::string_view("~0"));
      } else if (c == '/') {
        sink(std::string_view("~1"));
      } else {
        sink(std::string_view(&c, 1));
      }
    }
  }
  sink(std::string_view(": "));
  sink(rule_text(v.code));
  if (v.code == rule::wrong_type) {
    sink(std::string_view(" (expected "));
    sink(v.expected);
    sink(std::string_view(")"));
  } else if (v.code == rule::media_type_mismatch) {
    sink(v.expected);
  } else if (v.code == rule::digest_invalid) {
    sink(std::string_view(" ("));
    sink(digest::message(v.digest_error));
    sink(std::string_view(")"));
  }
}

/// The message of `c` (`valid` or `POINTER: RULE`) as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const checked& c) {
  std::string out;
  write_message(c.doc, c.first, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

// ------------------------------------------------------------------------------------------------
// Typed views (over a validated document; zero-copy)
// ------------------------------------------------------------------------------------------------
//
// String accessors return the raw JSON string body: escape sequences are not decoded (the
// fields below practically never contain any; `json::value::get_string` decodes one when
// `has_escapes()`). Missing members give "" / -1 / invalid values.

/// A platform object (index `manifests[].platform`, or the top level of a config).
class platform_view {
 public:
  /// A view of `v` (an object).
  constexpr explicit platform_view(json::value v = {}) noexcept : v_(v) {}
  /// The JSON object.
  [[nodiscard]] constexpr json::value node() const noexcept { return v_; }
  /// True when there is a platform object.
  [[nodiscard]] bool present() const noexcept { return v_.is_object(); }
  /// `architecture`.
  [[nodiscard]] std::string_view architecture() const noexcept { return v_.find_last("architecture").raw_string(); }
  /// `os`.
  [[nodiscard]] std::string_view os() const noexcept { return v_.find_last("os").raw_string(); }
  /// `os.version`.
  [[nodiscard]] std::string_view os_version() const noexcept { return v_.find_last("os.version").raw_string(); }
  /// `variant`.
  [[nodiscard]] std::string_view variant() const noexcept { return v_.find_last("variant").raw_string(); }
  /// `os.features` (an array of strings, or invalid).
  [[nodiscard]] json::value os_features() const noexcept { return v_.find_last("os.features"); }

 private:
  json::value v_;
};

/// A descriptor.
class descriptor_view {
 public:
  /// A view of `v` (an object).
  constexpr explicit descriptor_view(json::value v = {}) noexcept : v_(v) {}
  /// The JSON object.
  [[nodiscard]] constexpr json::value node() const noexcept { return v_; }
  /// `mediaType`.
  [[nodiscard]] std::string_view media_type() const noexcept { return v_.find_last("mediaType").raw_string(); }
  /// `digest`.
  [[nodiscard]] std::string_view digest() const noexcept { return v_.find_last("digest").raw_string(); }
  /// `size` (-1 when missing or not an int64).
  [[nodiscard]] std::int64_t size() const noexcept {
    const auto r = v_.find_last("size").get_int64();
    return r.ok() ? r.value : -1;
  }
  /// `artifactType`.
  [[nodiscard]] std::string_view artifact_type() const noexcept { return v_.find_last("artifactType").raw_string(); }
  /// `urls` (array of strings, or invalid).
  [[nodiscard]] json::value urls() const noexcept { return v_.find_last("urls"); }
  /// `annotations` (object, or invalid).
  [[nodiscard]] json::value annotations() const noexcept { return v_.find_last("annotations"); }
  /// One annotation ("" when absent).
  [[nodiscard]] std::string_view annotation(std::string_view key) const noexcept {
    return annotations().find_last(key).raw_string();
  }
  /// `data` (base64 string, or invalid).
  [[nodiscard]] json::value data() const noexcept { return v_.find_last("data"); }
  /// `platform`.
  [[nodiscard]] platform_view platform() const noexcept { return platform_view(v_.find_last("platform")); }
  /// What `mediaType` names.
  [[nodiscard]] media_info info() const noexcept { return classify(media_type()); }
  /// True for BuildKit's attestation entries of an index (`unknown/unknown` platform with the
  /// `vnd.docker.reference.type: attestation-manifest` annotation).
  [[nodiscard]] bool is_attestation() const noexcept {
    return annotation("vnd.docker.reference.type") == "attestation-manifest" ||
           (platform().os() == "unknown" && platform().architecture() == "unknown");
  }

 private:
  json::value v_;
};

/// The descriptors of an array, as a forward range of `descriptor_view`.
class descriptor_range {
 public:
  /// Iterator over the descriptors.
  class iterator {
   public:
    /// Wraps an element iterator.
    explicit iterator(json::value::element_range::iterator it) noexcept : it_(it) {}
    /// The descriptor.
    [[nodiscard]] descriptor_view operator*() const noexcept { return descriptor_view(*it_); }
    /// Next.
    iterator& operator++() noexcept {
      ++it_;
      return *this;
    }
    /// Same position.
    [[nodiscard]] bool operator==(const iterator& o) const noexcept { return it_ == o.it_; }
    /// Different position.
    [[nodiscard]] bool operator!=(const iterator& o) const noexcept { return !(it_ == o.it_); }

   private:
    json::value::element_range::iterator it_;
  };
  /// The descriptors of `array`.
  explicit descriptor_range(json::value array) noexcept : r_(array.elements()), n_(array.size()) {}
  /// First.
  [[nodiscard]] iterator begin() const noexcept { return iterator(r_.begin()); }
  /// Past the last.
  [[nodiscard]] iterator end() const noexcept { return iterator(r_.end()); }
  /// How many.
  [[nodiscard]] std::size_t size() const noexcept { return n_; }

 private:
  json::value::element_range r_;
  std::size_t n_;
};

/// An image manifest (OCI or Docker schema 2).
class manifest_view {
 public:
  /// A view of `root` (an object).
  constexpr explicit manifest_view(json::value root = {}) noexcept : v_(root) {}
  /// The JSON object.
  [[nodiscard]] constexpr json::value node() const noexcept { return v_; }
  /// `mediaType` ("" when absent).
  [[nodiscard]] std::string_view media_type() const noexcept { return v_.find_last("mediaType").raw_string(); }
  /// The artifact type: `artifactType`, else `config.mediaType` (image-spec's guidance).
  [[nodiscard]] std::string_view artifact_type() const noexcept {
    const std::string_view a = v_.find_last("artifactType").raw_string();
    return a.empty() ? config().media_type() : a;
  }
  /// `config`.
  [[nodiscard]] descriptor_view config() const noexcept { return descriptor_view(v_.find_last("config")); }
  /// `layers`.
  [[nodiscard]] descriptor_range layers() const noexcept { return descriptor_range(v_.find_last("layers")); }
  /// `subject` (invalid node when absent).
  [[nodiscard]] descriptor_view subject() const noexcept { return descriptor_view(v_.find_last("subject")); }
  /// `annotations`.
  [[nodiscard]] json::value annotations() const noexcept { return v_.find_last("annotations"); }
  /// Sum of the layers' sizes (the compressed size of the image's filesystem).
  [[nodiscard]] std::int64_t layers_size() const noexcept {
    std::int64_t total = 0;
    for (const descriptor_view d : layers()) total += d.size() > 0 ? d.size() : 0;
    return total;
  }

 private:
  json::value v_;
};

/// An image index (OCI) or manifest list (Docker).
class index_view {
 public:
  /// A view of `root` (an object).
  constexpr explicit index_view(json::value root = {}) noexcept : v_(root) {}
  /// The JSON object.
  [[nodiscard]] constexpr json::value node() const noexcept { return v_; }
  /// `mediaType`.
  [[nodiscard]] std::string_view media_type() const noexcept { return v_.find_last("mediaType").raw_string(); }
  /// `manifests`.
  [[nodiscard]] descriptor_range manifests() const noexcept { return descriptor_range(v_.find_last("manifests")); }
  /// `annotations`.
  [[nodiscard]] json::value annotations() const noexcept { return v_.find_last("annotations"); }

 private:
  json::value v_;
};

/// One `history` entry of an image config, with the layer it made.
struct history_entry {
  std::size_t index = 0;        ///< position in `history`
  json::value node;             ///< the JSON object
  std::string_view created;     ///< `created`
  std::string_view created_by;  ///< `created_by` (raw JSON string body)
  std::string_view author;      ///< `author`
  std::string_view comment;     ///< `comment`
  bool empty_layer = false;     ///< `empty_layer`: made no layer
  std::int64_t layer = -1;      ///< the layer (index into `rootfs.diff_ids` / manifest `layers`), -1 for none
  std::string_view diff_id;     ///< `rootfs.diff_ids[layer]` ("" for none)
};

/// What `image_config_view::map_history` found.
struct history_summary {
  std::size_t entries = 0;            ///< history entries
  std::size_t non_empty = 0;          ///< entries that made a layer
  std::size_t diff_ids = 0;           ///< `rootfs.diff_ids`
  std::size_t unmapped_diff_ids = 0;  ///< diff IDs no entry claims
  bool too_many_non_empty = false;    ///< `docker history` fails: "too many non-empty layers in History section"
  /// True when every diff ID has exactly one non-empty entry.
  [[nodiscard]] constexpr bool consistent() const noexcept { return non_empty == diff_ids; }
};

/// An image config (OCI or Docker).
class image_config_view {
 public:
  /// A view of `root` (an object).
  constexpr explicit image_config_view(json::value root = {}) noexcept : v_(root) {}
  /// The JSON object.
  [[nodiscard]] constexpr json::value node() const noexcept { return v_; }
  /// The platform fields at the top level.
  [[nodiscard]] platform_view platform() const noexcept { return platform_view(v_); }
  /// `created`.
  [[nodiscard]] std::string_view created() const noexcept { return v_.find_last("created").raw_string(); }
  /// `author`.
  [[nodiscard]] std::string_view author() const noexcept { return v_.find_last("author").raw_string(); }
  /// `config` (execution defaults: `User`, `Env`, `Cmd`, ...), or invalid.
  [[nodiscard]] json::value config() const noexcept { return v_.find_last("config"); }
  /// `rootfs.diff_ids`.
  [[nodiscard]] json::value diff_ids() const noexcept { return v_.find_last("rootfs").find_last("diff_ids"); }
  /// `history`.
  [[nodiscard]] json::value history() const noexcept { return v_.find_last("history"); }

  /// `docker history`'s mapping: oldest first, every entry that is not `empty_layer` takes the
  /// next diff ID. Calls `f(const history_entry&)` for each entry (return false to stop).
  template <class F>
  history_summary map_history(F&& f) const noexcept {
    history_summary s;
    const json::value ids = diff_ids();
    s.diff_ids = ids.size();
    auto id = ids.elements().begin();
    const auto id_end = ids.elements().end();
    std::size_t i = 0;
    for (const json::value h : history().elements()) {
      history_entry e;
      e.index = i++;
      e.node = h;
      e.created = h.find_last("created").raw_string();
      e.created_by = h.find_last("created_by").raw_string();
      e.author = h.find_last("author").raw_string();
      e.comment = h.find_last("comment").raw_string();
      const auto empty = h.find_last("empty_layer").get_bool();
      e.empty_layer = empty.ok() && empty.value;
      ++s.entries;
      if (!e.empty_layer) {
        ++s.non_empty;
        if (id != id_end) {
          e.layer = static_cast<std::int64_t>(s.non_empty - 1);
          e.diff_id = (*id).raw_string();
          ++id;
        } else {
          s.too_many_non_empty = true;
        }
      }
      if (!f(static_cast<const history_entry&>(e))) break;
    }
    s.unmapped_diff_ids = s.non_empty >= s.diff_ids ? 0 : s.diff_ids - s.non_empty;
    return s;
  }

 private:
  json::value v_;
};

/// The instruction of a history `created_by`, as `docker history` users read it: without the
/// classic builder's `/bin/sh -c #(nop) ` and `/bin/sh -c ` prefixes and `|N ARG=v ...` build-arg
/// prefix (a RUN then reads `RUN ...`), and without BuildKit's ` # buildkit` suffix.
[[nodiscard]] constexpr std::string_view instruction_of(std::string_view created_by, bool* is_run = nullptr) noexcept {
  std::string_view s = created_by;
  bool run = false;
  if (!s.empty() && s[0] == '|') {  // "|2 A=b C=d /bin/sh -c cmd"
    const std::size_t sh = s.find(" /bin/sh -c ");
    if (sh != std::string_view::npos) s = s.substr(sh + 1);
  }
  constexpr std::string_view nop = "/bin/sh -c #(nop) ";
  constexpr std::string_view shell = "/bin/sh -c ";
  if (s.substr(0, nop.size()) == nop) {
    s.remove_prefix(nop.size());
  } else if (s.substr(0, shell.size()) == shell) {
    s.remove_prefix(shell.size());
    run = true;
  }
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  constexpr std::string_view bk = " # buildkit";
  if (s.size() >= bk.size() && s.substr(s.size() - bk.size()) == bk) s.remove_suffix(bk.size());
  if (is_run != nullptr) *is_run = run;
  return s;
}

}  // namespace oci
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_OCI_HPP

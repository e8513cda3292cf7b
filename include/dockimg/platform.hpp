// SPDX-License-Identifier: Apache-2.0
/// @file platform.hpp
/// @brief Platform specifiers as containerd/platforms (HEAD 09756f5) reads, normalises, formats,
/// matches and orders them: `Parse`, `Normalize`, `Format`, `FormatAll`, `NewMatcher`, `Only`,
/// `OnlyStrict`, `OnlyOS`, `Ordered`, `Any`, `All`, with upstream's error texts.
///
/// Host dependence is explicit: where upstream reads `runtime.GOOS`/`GOARCH` (a one-component
/// specifier, an empty OS) dockimg takes a `host` argument, by default the platform dockimg was
/// compiled for (`default_host()`).
///
/// Nothing allocates: results are views into the input, static strings or text written into a
/// caller-supplied arena (lower-cased or percent-decoded components, sorted feature lists).
///
/// @code
///   unsigned char mem[1024];
///   dockimg::arena storage(mem, sizeof mem);
///   auto p = dockimg::platforms::parse("linux/arm64", storage);
///   auto want = dockimg::platforms::only(p.value, storage);       // arm64, then arm/v8 … v5
///   dockimg::platforms::platform candidate{"linux", "arm", "v7", {}, {}};
///   bool ok = want.match(candidate);                               // true
/// @endcode
#ifndef DOCKIMG_PLATFORM_HPP
#define DOCKIMG_PLATFORM_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "arena.hpp"
#include "config.hpp"
#include "detail/go_path.hpp"
#include "detail/go_quote.hpp"
#include "detail/reference_grammar.hpp"
#include "source.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace platforms {

/// An OCI platform (`specs.Platform`). All views; the caller keeps what they point to alive.
struct platform {
  std::string_view os;                         ///< `os`
  std::string_view architecture;               ///< `architecture`
  std::string_view variant;                    ///< `variant`
  std::string_view os_version;                 ///< `os.version`
  list_view<std::string_view> os_features;     ///< `os.features`
};

/// What upstream reads from the Go runtime: `runtime.GOOS`, `runtime.GOARCH` and, on 32-bit ARM,
/// the CPU variant (`cpuVariant()`).
struct host {
  std::string_view os;            ///< GOOS, e.g. `linux`
  std::string_view architecture;  ///< GOARCH, e.g. `amd64`
  std::string_view variant;       ///< CPU variant on `arm` (e.g. `v7`); empty elsewhere
};

/// The platform dockimg was compiled for, in Go's names (`unknown` for what Go does not know).
[[nodiscard]] constexpr host default_host() noexcept {
  host h{"unknown", "unknown", ""};
#if defined(__ANDROID__)
  h.os = "android";
#elif defined(__linux__)
  h.os = "linux";
#elif defined(_WIN32)
  h.os = "windows";
#elif defined(__APPLE__)
  h.os = "darwin";
#elif defined(__FreeBSD__)
  h.os = "freebsd";
#elif defined(__NetBSD__)
  h.os = "netbsd";
#elif defined(__OpenBSD__)
  h.os = "openbsd";
#elif defined(__DragonFly__)
  h.os = "dragonfly";
#elif defined(__sun)
  h.os = "solaris";
#elif defined(_AIX)
  h.os = "aix";
#endif
#if defined(__x86_64__) || defined(_M_X64)
  h.architecture = "amd64";
#elif defined(__i386__) || defined(_M_IX86)
  h.architecture = "386";
#elif defined(__aarch64__) || defined(_M_ARM64)
  h.architecture = "arm64";
#elif defined(__arm__) || defined(_M_ARM)
  h.architecture = "arm";
#if defined(__ARM_ARCH) && __ARM_ARCH >= 8
  h.variant = "v8";
#elif defined(__ARM_ARCH) && __ARM_ARCH == 6
  h.variant = "v6";
#elif defined(__ARM_ARCH) && __ARM_ARCH <= 5
  h.variant = "v5";
#else
  h.variant = "v7";
#endif
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  h.architecture = "ppc64le";
#elif defined(__powerpc64__)
  h.architecture = "ppc64";
#elif defined(__s390x__)
  h.architecture = "s390x";
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
  h.architecture = "riscv64";
#elif defined(__loongarch64)
  h.architecture = "loong64";
#elif defined(__wasm__)
  h.architecture = "wasm";
#endif
  return h;
}

/// The OS component regexp of `Parse`, as upstream prints it in its error message.
inline constexpr std::string_view os_regexp =
    R"(^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$)";
/// The regexp the other components of a specifier must match.
inline constexpr std::string_view specifier_regexp = R"(^[A-Za-z0-9_.-]+$)";

/// `isKnownOS`: the GOOS values containerd knows.
[[nodiscard]] constexpr bool is_known_os(std::string_view os) noexcept {
  constexpr std::string_view known[] = {"aix",   "android", "darwin",  "dragonfly", "freebsd", "hurd",
                                        "illumos", "ios",   "js",      "linux",     "nacl",    "netbsd",
                                        "openbsd", "plan9", "solaris", "windows",   "zos"};
  for (const auto k : known) {
    if (k == os) return true;
  }
  return false;
}

/// `isKnownArch`: the GOARCH values containerd knows.
[[nodiscard]] constexpr bool is_known_arch(std::string_view arch) noexcept {
  constexpr std::string_view known[] = {"386",      "amd64",      "amd64p32",    "arm",   "armbe",   "arm64",
                                        "arm64be",  "ppc64",      "ppc64le",     "loong64", "mips",  "mipsle",
                                        "mips64",   "mips64le",   "mips64p32",   "mips64p32le", "ppc", "riscv",
                                        "riscv64",  "s390",       "s390x",       "sparc", "sparc64", "wasm"};
  for (const auto k : known) {
    if (k == arch) return true;
  }
  return false;
}

/// Error codes of `parse` (and `out_of_storage` for every function that writes to an arena).
enum class errc : std::uint8_t {
  ok = 0,                ///< no error
  wildcard,              ///< `"<spec>": wildcards not yet supported: invalid argument`
  invalid_os_component,  ///< `"<part>" is an invalid OS component of "<spec>": OSAndVersion specifier component must match "<re>": invalid argument`
  invalid_component,     ///< `"<part>" is an invalid component of "<spec>": platform specifier component must match "<re>": invalid argument`
  invalid_os_version,    ///< `"<spec>" has an invalid OS version "<version>": invalid URL escape "<esc>"`
  invalid_os_feature,    ///< `"<spec>" has invalid OS features: invalid os feature "<feature>": invalid URL escape "<esc>"`
  unknown_os_or_arch,    ///< `"<spec>": unknown operating system or architecture: invalid argument`
  too_many_components,   ///< `"<spec>": cannot parse platform specifier: invalid argument`
  out_of_storage,        ///< the arena is too small (not an upstream error)
};

/// An error with the strings its message quotes (views into the specifier).
struct error {
  errc code = errc::ok;         ///< what happened
  std::string_view specifier;   ///< the whole specifier
  std::string_view component;   ///< the component, OS version or feature at fault
  std::string_view escape;      ///< the bad percent escape (`invalid_os_version`, `invalid_os_feature`)

  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

/// Writes upstream's message for `e` to `sink` (called with `std::string_view` pieces); strings
/// are quoted as Go's `%q`.
template <class Sink>
void write_message(const error& e, Sink&& sink) {
  namespace d = detail;
  auto q = [&](std::string_view s) { d::write_go_quote(s, sink); };
  auto lit = [&](std::string_view s) { sink(s); };
  switch (e.code) {
    case errc::ok: lit("ok"); return;
    case errc::wildcard:
      q(e.specifier);
      lit(": wildcards not yet supported: invalid argument");
      return;
    case errc::invalid_os_component:
      q(e.component);
      lit(" is an invalid OS component of ");
      q(e.specifier);
      lit(": OSAndVersion specifier component must match ");
      q(os_regexp);
      lit(": invalid argument");
      return;
    case errc::invalid_component:
      q(e.component);
      lit(" is an invalid component of ");
      q(e.specifier);
      lit(": platform specifier component must match ");
      q(specifier_regexp);
      lit(": invalid argument");
      return;
    case errc::invalid_os_version:
      q(e.specifier);
      lit(" has an invalid OS version ");
      q(e.component);
      lit(": invalid URL escape ");
      q(e.escape);
      return;
    case errc::invalid_os_feature:
      q(e.specifier);
      lit(" has invalid OS features: invalid os feature ");
      q(e.component);
      lit(": invalid URL escape ");
      q(e.escape);
      return;
    case errc::unknown_os_or_arch:
      q(e.specifier);
      lit(": unknown operating system or architecture: invalid argument");
      return;
    case errc::too_many_components:
      q(e.specifier);
      lit(": cannot parse platform specifier: invalid argument");
      return;
    case errc::out_of_storage: lit("out of storage (give the arena more memory)"); return;
  }
}

/// Upstream's message for `e` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const error& e) {
  std::string out;
  write_message(e, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

/// A platform or an error.
struct result {
  platform value;  ///< the platform (empty on error)
  error err;       ///< the error (code ok on success)

  /// True when there was no error.
  [[nodiscard]] constexpr bool ok() const noexcept { return err.code == errc::ok; }
};

/// Internals of this header.
namespace detail_platform {

namespace g = detail::refgram;

/// A string compared as Go's `strings.ToLower` of it (when `lower`) without being materialised.
struct lstr {
  std::string_view s;  ///< the text
  bool lower = false;  ///< compare its lower-cased form
};

/// `ToLower(a) == b`.
[[nodiscard]] constexpr bool eq(lstr a, std::string_view b) noexcept { return g::lower_equal(a.s, a.lower, b, false); }
/// `ToLower(a) == ToLower(b)`.
[[nodiscard]] constexpr bool eq(lstr a, lstr b) noexcept { return g::lower_equal(a.s, a.lower, b.s, b.lower); }

/// `normalizeOS` (the result as a lazily lower-cased string).
[[nodiscard]] constexpr lstr norm_os(std::string_view os, const host& h) noexcept {
  if (os.empty()) return {h.os, false};
  if (eq(lstr{os, true}, "macos")) return {"darwin", false};
  return {os, true};
}

/// `normalizeArch` result.
struct arch_variant {
  lstr arch;     ///< normalised architecture
  lstr variant;  ///< normalised variant
};

/// `normalizeArch(arch, variant)`.
[[nodiscard]] constexpr arch_variant norm_arch(std::string_view arch, std::string_view variant) noexcept {
  const lstr a{arch, true};
  const lstr v{variant, true};
  if (eq(a, "i386")) return {{"386", false}, {"", false}};
  if (eq(a, "x86_64") || eq(a, "x86-64") || eq(a, "amd64")) {
    return {{"amd64", false}, eq(v, "v1") ? lstr{"", false} : v};
  }
  if (eq(a, "aarch64") || eq(a, "arm64")) {
    if (eq(v, "8") || eq(v, "v8") || eq(v, "v8.0")) return {{"arm64", false}, {"", false}};
    if (eq(v, "9") || eq(v, "9.0") || eq(v, "v9.0")) return {{"arm64", false}, {"v9", false}};
    return {{"arm64", false}, v};
  }
  if (eq(a, "armhf")) return {{"arm", false}, {"v7", false}};
  if (eq(a, "armel")) return {{"arm", false}, {"v6", false}};
  if (eq(a, "arm")) {
    if (variant.empty() || eq(v, "7")) return {{"arm", false}, {"v7", false}};
    if (eq(v, "5")) return {{"arm", false}, {"v5", false}};
    if (eq(v, "6")) return {{"arm", false}, {"v6", false}};
    if (eq(v, "8")) return {{"arm", false}, {"v8", false}};
    return {{"arm", false}, v};
  }
  return {a, v};
}

/// Writes an lstr as a plain string: a view when lower-casing changes nothing, else arena text.
/// Returns false when the arena is too small.
inline bool materialise(lstr x, std::string_view& out, arena& storage) noexcept {
  if (!x.lower || !g::changes_under_lower(x.s)) {
    out = x.s;
    return true;
  }
  const std::size_t n = g::lower_size(x.s);
  char* p = storage.make_text(n);
  if (p == nullptr) return false;
  g::write_lower(x.s, p);
  out = std::string_view(p, n);
  return true;
}

/// True when every feature of `cand` (but the one at `skip`) is one of `have`, which is sorted
/// (normalised): set inclusion, what upstream's merge over sorted, de-duplicated lists decides.
[[nodiscard]] inline bool features_subset(list_view<std::string_view> cand, std::size_t skip,
                                          list_view<std::string_view> have) noexcept {
  for (std::size_t i = 0; i < cand.size(); ++i) {
    if (i == skip) continue;
    if (!std::binary_search(have.begin(), have.end(), cand[i])) return false;
  }
  return true;
}

/// `strconv.ParseUint(s, 10, bits)`; false on error.
[[nodiscard]] constexpr bool parse_uint(std::string_view s, std::uint64_t max, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > max) return false;
  }
  out = v;
  return true;
}

/// `windowsOSVersion` (all zero: empty).
struct win_version {
  std::uint8_t major = 0;   ///< major version
  std::uint8_t minor = 0;   ///< minor version
  std::uint16_t build = 0;  ///< build number
  /// True when every part is zero (`isEmpty`).
  [[nodiscard]] constexpr bool empty() const noexcept { return major == 0 && minor == 0 && build == 0; }
};

/// `getWindowsOSVersion`.
[[nodiscard]] constexpr win_version windows_version(std::string_view v) noexcept {
  std::size_t dots = 0;
  for (const char c : v) dots += c == '.' ? 1 : 0;
  if (dots < 2) return {};
  const std::size_t d1 = v.find('.');
  const std::size_t d2 = v.find('.', d1 + 1);
  std::size_t d3 = v.find('.', d2 + 1);
  if (d3 == std::string_view::npos) d3 = v.size();
  std::uint64_t ma = 0, mi = 0, bu = 0;
  if (!parse_uint(v.substr(0, d1), 255, ma) || !parse_uint(v.substr(d1 + 1, d2 - d1 - 1), 255, mi) ||
      !parse_uint(v.substr(d2 + 1, d3 - d2 - 1), 65535, bu)) {
    return {};
  }
  return {static_cast<std::uint8_t>(ma), static_cast<std::uint8_t>(mi), static_cast<std::uint16_t>(bu)};
}

/// `windowsVersionMatcher.Match`: same major.minor; before ltsc2022 the same build, after it a
/// build between the newest LTSC release below the host and the host build.
[[nodiscard]] constexpr bool windows_version_match(win_version host_v, std::string_view v) noexcept {
  if (host_v.empty() || v.empty()) return true;
  const win_version c = windows_version(v);
  if (host_v.major != c.major || host_v.minor != c.minor) return false;
  constexpr std::uint16_t ltsc2022 = 20348;
  constexpr std::uint16_t ltsc2025 = 26100;
  if (host_v.build < ltsc2022) return host_v.build == c.build;
  std::uint16_t supported = ltsc2022;
  if (host_v.build > ltsc2025) {
    supported = ltsc2025;
  }
  return supported <= c.build && c.build <= host_v.build;
}

/// A candidate normalised for comparison (`Normalize(candidate)` without materialising).
struct norm_candidate {
  lstr os;                                   ///< normalised OS
  arch_variant av;                           ///< normalised architecture and variant
};

/// `Normalize(c)` of the fields matching compares.
[[nodiscard]] constexpr norm_candidate normalize_candidate(const platform& c, const host& h) noexcept {
  return {norm_os(c.os, h), norm_arch(c.architecture, c.variant)};
}

/// Index of the first `win32k` feature (the one `windowsStripFeaturesMatcher` removes), or npos.
[[nodiscard]] constexpr std::size_t win32k_index(list_view<std::string_view> f) noexcept {
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "win32k") return i;
  }
  return static_cast<std::size_t>(-1);
}

/// `strconv.Atoi(strings.TrimPrefix(v, "v"))` on 64-bit Go; false on error.
[[nodiscard]] constexpr bool atoi_variant(std::string_view v, std::int64_t& out) noexcept {
  if (!v.empty() && v[0] == 'v') v.remove_prefix(1);
  bool neg = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.empty()) return false;
  std::uint64_t u = 0;
  for (const char c : v) {
    if (c < '0' || c > '9') return false;
    if (u > (UINT64_MAX - 9) / 10) return false;
    u = u * 10 + static_cast<std::uint64_t>(c - '0');
    if (u > static_cast<std::uint64_t>(INT64_MAX) + (neg ? 1u : 0u)) return false;
  }
  out = neg ? (u == static_cast<std::uint64_t>(INT64_MAX) + 1u ? INT64_MIN : -static_cast<std::int64_t>(u))
            : static_cast<std::int64_t>(u);
  return true;
}

/// When `v` (lower-cased) is `"v" + strconv.Itoa(k)` for some k ≥ 1, that k; else 0.
[[nodiscard]] constexpr std::int64_t canonical_v(lstr v) noexcept {
  if (v.s.size() < 2 || v.s.size() > 20) return 0;
  char buf[20] = {};
  for (std::size_t i = 0; i < v.s.size(); ++i) {
    const char c = v.s[i];
    if (static_cast<unsigned char>(c) >= 0x80) return 0;
    buf[i] = v.lower ? detail::ascii_lower(c) : c;
  }
  if (buf[0] != 'v' || buf[1] < '1' || buf[1] > '9') return 0;
  std::uint64_t k = 0;
  for (std::size_t i = 1; i < v.s.size(); ++i) {
    if (buf[i] < '0' || buf[i] > '9') return 0;
    if (k > (static_cast<std::uint64_t>(INT64_MAX) - 9) / 10) return 0;
    k = k * 10 + static_cast<std::uint64_t>(buf[i] - '0');
  }
  return static_cast<std::int64_t>(k);
}

/// One entry of `arm64variantToVersion`.
struct arm64_versions {
  std::string_view key;  ///< the variant
  int majors;            ///< 1 or 2 major versions
  int major[2];          ///< majors, newest first
  int minor[2];          ///< starting minor of each major
};

/// `arm64variantToVersion`.
inline constexpr arm64_versions arm64_table[] = {
    {"v8", 1, {8, 0}, {0, 0}},   {"v8.0", 1, {8, 0}, {0, 0}}, {"v8.1", 1, {8, 0}, {1, 0}},
    {"v8.2", 1, {8, 0}, {2, 0}}, {"v8.3", 1, {8, 0}, {3, 0}}, {"v8.4", 1, {8, 0}, {4, 0}},
    {"v8.5", 1, {8, 0}, {5, 0}}, {"v8.6", 1, {8, 0}, {6, 0}}, {"v8.7", 1, {8, 0}, {7, 0}},
    {"v8.8", 1, {8, 0}, {8, 0}}, {"v8.9", 1, {8, 0}, {9, 0}}, {"v9", 2, {9, 8}, {0, 5}},
    {"v9.0", 2, {9, 8}, {0, 5}}, {"v9.1", 2, {9, 8}, {1, 6}}, {"v9.2", 2, {9, 8}, {2, 7}},
    {"v9.3", 2, {9, 8}, {3, 8}}, {"v9.4", 2, {9, 8}, {4, 9}}, {"v9.5", 2, {9, 8}, {5, 9}},
    {"v9.6", 2, {9, 8}, {6, 9}}, {"v9.7", 2, {9, 8}, {7, 9}},
};

/// The escape check of `url.PathUnescape`: false with the first bad escape (up to 3 bytes) in `bad`.
[[nodiscard]] constexpr bool check_escapes(std::string_view s, std::string_view& bad) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !g::is_xdigit(s[i + 1]) || !g::is_xdigit(s[i + 2])) {
        bad = s.substr(i, 3);
        return false;
      }
      i += 3;
    } else {
      ++i;
    }
  }
  return true;
}

/// Value of one hex digit.
[[nodiscard]] constexpr int unhex(char c) noexcept {
  return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/// Decodes checked `%XX` escapes of `s` into `out` (room for `s.size()` bytes); returns the length.
inline std::size_t unescape(std::string_view s, char* out) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '%') {
      out[n++] = static_cast<char>((unhex(s[i + 1]) << 4) | unhex(s[i + 2]));
      i += 3;
    } else {
      out[n++] = s[i++];
    }
  }
  return n;
}

/// `path.Clean` in place over `[p, p + n)`; returns the cleaned length (at least 1).
inline std::size_t clean_in_place(char* p, std::size_t n) noexcept {
  return detail::go_path_clean(std::string_view(p, n), p);
}

/// Bytes `encodeOSOption(v)` takes.
[[nodiscard]] constexpr std::size_t encoded_size(std::string_view v) noexcept {
  std::size_t n = 0;
  for (const char c : v) n += (c == '%' || c == '+' || c == '(' || c == ')' || c == '/') ? 3 : 1;
  return n;
}

/// Writes `encodeOSOption(v)` at `out`; returns the bytes written.
inline std::size_t encode(std::string_view v, char* out) noexcept {
  std::size_t n = 0;
  for (const char c : v) {
    const char* rep = c == '%' ? "%25" : c == '+' ? "%2B" : c == '(' ? "%28" : c == ')' ? "%29" : c == '/' ? "%2F" : nullptr;
    if (rep != nullptr) {
      std::memcpy(out + n, rep, 3);
      n += 3;
    } else {
      out[n++] = c;
    }
  }
  return n;
}

}  // namespace detail_platform

/// Arena bytes that always suffice for `parse(specifier)` followed by `normalize`, `format`,
/// `format_all` and the construction of each comparer from its result (once each).
[[nodiscard]] constexpr std::size_t storage_hint(std::string_view specifier) noexcept {
  std::size_t plus = 1;
  for (const char c : specifier) plus += c == '+' ? 1 : 0;
  return 16 * specifier.size() + 16 * plus * sizeof(std::string_view) + 512;
}

/// `platforms.Parse`: reads `os[(osversion[+feature]…)][/arch[/variant]]` (or a bare OS or
/// architecture, completed from `h`), normalising OS, architecture and variant as upstream.
/// Lower-cased or percent-decoded text and the feature list are written into `storage`.
[[nodiscard]] inline result parse(std::string_view specifier, arena& storage, const host& h = default_host()) noexcept {
  namespace dp = detail_platform;
  namespace g = detail::refgram;
  result res;
  auto fail = [&](errc c, std::string_view component = {}, std::string_view esc = {}) {
    result r;
    r.err = {c, specifier, component, esc};
    return r;
  };
  if (specifier.find('*') != std::string_view::npos) return fail(errc::wildcard);
  // strings.SplitN(specifier, "/", 4)
  std::string_view parts[4];
  std::size_t count = 0;
  {
    std::size_t start = 0;
    while (count < 3) {
      const std::size_t slash = specifier.find('/', start);
      if (slash == std::string_view::npos) break;
      parts[count++] = specifier.substr(start, slash - start);
      start = slash + 1;
    }
    parts[count++] = specifier.substr(start);
  }
  platform& p = res.value;
  // Part 0: the OS regexp.
  {
    const std::string_view part = parts[0];
    std::size_t i = 0;
    while (i < part.size() && (g::is_alnum(part[i]) || part[i] == '_' || part[i] == '-')) ++i;
    const std::string_view name = part.substr(0, i);
    std::string_view version;
    std::string_view features;  // "+a+b"
    bool ok = !name.empty();
    if (ok && i < part.size()) {
      auto opt = [](char c) { return g::is_alnum(c) || c == '_' || c == '.' || c == '%' || c == '-'; };
      ok = part[i] == '(' && part.back() == ')' && part.size() >= i + 2;
      if (ok) {
        const std::string_view inner = part.substr(i + 1, part.size() - i - 2);
        std::size_t j = 0;
        while (j < inner.size() && opt(inner[j])) ++j;
        version = inner.substr(0, j);
        features = inner.substr(j);
        std::size_t k = j;
        while (ok && k < inner.size()) {
          if (inner[k] != '+') {
            ok = false;
            break;
          }
          ++k;
          const std::size_t fs = k;
          while (k < inner.size() && opt(inner[k])) ++k;
          if (k == fs) ok = false;
        }
      }
    }
    if (!ok) return fail(errc::invalid_os_component, part);
    if (!dp::materialise(dp::norm_os(name, h), p.os, storage)) return fail(errc::out_of_storage);
    std::string_view bad;
    if (version.find('%') != std::string_view::npos) {
      if (!dp::check_escapes(version, bad)) return fail(errc::invalid_os_version, version, bad);
      char* out = storage.make_text(version.size());
      if (out == nullptr) return fail(errc::out_of_storage);
      p.os_version = std::string_view(out, dp::unescape(version, out));
    } else {
      p.os_version = version;
    }
    if (!features.empty()) {
      std::size_t n = 0;
      for (const char c : features) n += c == '+' ? 1 : 0;
      std::string_view* list = storage.make_records<std::string_view>(n);
      if (list == nullptr) return fail(errc::out_of_storage);
      std::size_t k = 1;
      for (std::size_t f = 0; f < n; ++f) {
        std::size_t e = features.find('+', k);
        if (e == std::string_view::npos) e = features.size();
        const std::string_view raw = features.substr(k, e - k);  // TrimSpace: no space can occur
        if (raw.find('%') != std::string_view::npos) {
          if (!dp::check_escapes(raw, bad)) return fail(errc::invalid_os_feature, raw, bad);
          char* out = storage.make_text(raw.size());
          if (out == nullptr) return fail(errc::out_of_storage);
          list[f] = std::string_view(out, dp::unescape(raw, out));
        } else {
          list[f] = raw;
        }
        k = e + 1;
      }
      p.os_features = list_view<std::string_view>(list, n);
    }
  }
  for (std::size_t i = 1; i < count; ++i) {
    bool ok = !parts[i].empty();
    for (const char c : parts[i]) {
      if (!(g::is_alnum(c) || c == '_' || c == '.' || c == '-')) ok = false;
    }
    if (!ok) return fail(errc::invalid_component, parts[i]);
  }
  auto set_arch = [&](std::string_view arch, std::string_view variant) {
    const dp::arch_variant av = dp::norm_arch(arch, variant);
    return dp::materialise(av.arch, p.architecture, storage) && dp::materialise(av.variant, p.variant, storage);
  };
  switch (count) {
    case 1:
      if (is_known_os(p.os)) {
        p.architecture = h.architecture;
        if (p.architecture == "arm" && h.variant != "v7") p.variant = h.variant;
        return res;
      }
      if (!set_arch(parts[0], {})) return fail(errc::out_of_storage);
      if (p.architecture == "arm" && p.variant == "v7") p.variant = {};
      if (is_known_arch(p.architecture)) {
        p.os = h.os;
        return res;
      }
      return fail(errc::unknown_os_or_arch);
    case 2:
      if (!set_arch(parts[1], {})) return fail(errc::out_of_storage);
      if (p.architecture == "arm" && p.variant == "v7") p.variant = {};
      return res;
    case 3:
      if (!set_arch(parts[1], parts[2])) return fail(errc::out_of_storage);
      if (p.architecture == "arm64" && p.variant.empty()) p.variant = "v8";
      return res;
    default: return fail(errc::too_many_components);
  }
}

/// `platforms.Normalize`: OS lower-cased (empty: `h.os`; `macos` → `darwin`), architecture and
/// variant through the normalisation table, `os.features` sorted and de-duplicated.
[[nodiscard]] inline result normalize(const platform& in, arena& storage, const host& h = default_host()) noexcept {
  namespace dp = detail_platform;
  result r;
  r.value.os_version = in.os_version;
  const dp::arch_variant av = dp::norm_arch(in.architecture, in.variant);
  if (!dp::materialise(dp::norm_os(in.os, h), r.value.os, storage) ||
      !dp::materialise(av.arch, r.value.architecture, storage) ||
      !dp::materialise(av.variant, r.value.variant, storage)) {
    r.err.code = errc::out_of_storage;
    return r;
  }
  if (!in.os_features.empty()) {
    std::string_view* list = storage.make_records<std::string_view>(in.os_features.size());
    if (list == nullptr) {
      r.err.code = errc::out_of_storage;
      return r;
    }
    std::copy(in.os_features.begin(), in.os_features.end(), list);
    std::sort(list, list + in.os_features.size());
    const std::size_t n = static_cast<std::size_t>(std::unique(list, list + in.os_features.size()) - list);
    r.value.os_features = list_view<std::string_view>(list, n);
  }
  return r;
}

/// `platforms.Format`: `path.Join(os, architecture, variant)`, or `unknown` when the OS is empty.
/// The text is written into `storage`; an empty result means the arena was too small.
[[nodiscard]] inline std::string_view format(const platform& p, arena& storage) noexcept {
  if (p.os.empty()) return "unknown";
  const std::string_view parts[] = {p.os, p.architecture, p.variant};
  std::size_t total = 0;
  for (const auto s : parts) total += s.size() + 1;
  char* out = storage.make_text(total);
  if (out == nullptr) return {};
  std::size_t n = 0;
  for (const auto s : parts) {
    if (s.empty()) continue;
    if (n != 0) out[n++] = '/';
    std::memcpy(out + n, s.data(), s.size());
    n += s.size();
  }
  return std::string_view(out, detail_platform::clean_in_place(out, n));
}

/// `platforms.FormatAll`: `Format` with `(<os.version>+<features>)` after the OS (`% + ( ) /`
/// percent-encoded, features sorted, empty and repeated ones skipped). An empty result means the
/// arena was too small.
[[nodiscard]] inline std::string_view format_all(const platform& p, arena& storage) noexcept {
  namespace dp = detail_platform;
  if (p.os.empty()) return "unknown";
  if (p.os_version.empty() && p.os_features.empty()) return format(p, storage);
  list_view<std::string_view> feats = p.os_features;
  if (!std::is_sorted(feats.begin(), feats.end())) {
    std::string_view* list = storage.make_records<std::string_view>(feats.size());
    if (list == nullptr) return {};
    std::copy(feats.begin(), feats.end(), list);
    std::sort(list, list + feats.size());
    feats = list_view<std::string_view>(list, feats.size());
  }
  std::size_t total = p.os.size() + 3 + dp::encoded_size(p.os_version) + p.architecture.size() + p.variant.size() + 2;
  for (const auto f : feats) total += dp::encoded_size(f) + 1;
  char* out = storage.make_text(total);
  if (out == nullptr) return {};
  std::size_t n = 0;
  std::memcpy(out, p.os.data(), p.os.size());
  n += p.os.size();
  const std::size_t open = n;
  out[n++] = '(';
  n += dp::encode(p.os_version, out + n);
  bool wrote = false;
  std::string_view prev;
  for (const auto f : feats) {
    if (f.empty() || (wrote && f == prev)) continue;
    prev = f;
    out[n++] = '+';
    n += dp::encode(f, out + n);
    wrote = true;
  }
  if (n == open + 1) {
    n = open;  // neither a version nor a feature: no parentheses
  } else {
    out[n++] = ')';
  }
  for (const auto s : {p.architecture, p.variant}) {
    if (s.empty()) continue;
    out[n++] = '/';
    std::memcpy(out + n, s.data(), s.size());
    n += s.size();
  }
  return std::string_view(out, dp::clean_in_place(out, n));
}

/// `platforms.NewMatcher(p)`: matches candidates whose normalised OS, architecture and variant
/// equal `p`'s, whose features are a subset of `p`'s and, for a Windows `p`, whose os.version is
/// compatible (`win32k` ignored). `p` (as normalised into the arena) must outlive the matcher.
class matcher {
 public:
  /// A matcher that matches nothing.
  constexpr matcher() noexcept = default;

  /// `NewMatcher(p)`; `ok()` is false when `storage` was too small (the matcher then matches nothing).
  matcher(const platform& p, arena& storage, const host& h = default_host()) noexcept
      : host_(h), windows_(p.os == "windows") {
    const result n = normalize(p, storage, h);
    if (!n.ok()) return;
    p_ = n.value;
    winver_ = detail_platform::windows_version(p.os_version);
    ok_ = true;
  }

  /// False when the arena given to the constructor was too small.
  [[nodiscard]] constexpr bool ok() const noexcept { return ok_; }
  /// The normalised platform the matcher compares against.
  [[nodiscard]] constexpr const platform& normalized() const noexcept { return p_; }

  /// `Match(candidate)`.
  [[nodiscard]] bool match(const platform& c) const noexcept {
    namespace dp = detail_platform;
    if (!ok_) return false;
    const dp::norm_candidate n = dp::normalize_candidate(c, host_);
    if (!dp::eq(n.os, p_.os) || !dp::eq(n.av.arch, p_.architecture) || !dp::eq(n.av.variant, p_.variant)) return false;
    return rest_match(c);
  }

  /// The part of `match` after OS, architecture and variant (os.version and features).
  [[nodiscard]] bool rest_match(const platform& c) const noexcept {
    namespace dp = detail_platform;
    if (windows_ && !dp::windows_version_match(winver_, c.os_version)) return false;
    const std::size_t skip = windows_ ? dp::win32k_index(c.os_features) : static_cast<std::size_t>(-1);
    return dp::features_subset(c.os_features, skip, p_.os_features);
  }

  /// Builds a matcher over an already normalised platform (no storage needed).
  static matcher from_normalized(const platform& n, bool windows, const host& h) noexcept {
    matcher m;
    m.host_ = h;
    m.windows_ = windows;
    m.p_ = n;
    m.winver_ = detail_platform::windows_version(n.os_version);
    m.ok_ = true;
    return m;
  }

 private:
  platform p_;
  host host_ = default_host();
  detail_platform::win_version winver_;
  bool windows_ = false;
  bool ok_ = false;
};

/// A `platforms.MatchComparer` (defined below).
class match_comparer;
/// `platforms.Only(p)` (defined below).
[[nodiscard]] match_comparer only(const platform& p, arena& storage, const host& h = default_host()) noexcept;
/// `platforms.OnlyStrict(p)` (defined below).
[[nodiscard]] match_comparer only_strict(const platform& p, arena& storage, const host& h = default_host()) noexcept;
/// `platforms.OnlyOS(p)` (defined below).
[[nodiscard]] match_comparer only_os(const platform& p, arena& storage, const host& h = default_host()) noexcept;
/// `platforms.Ordered(ps...)` (defined below).
[[nodiscard]] match_comparer ordered(list_view<platform> ps, arena& storage, const host& h = default_host()) noexcept;
/// `platforms.Any(ps...)` (defined below).
[[nodiscard]] match_comparer any(list_view<platform> ps, arena& storage, const host& h = default_host()) noexcept;
/// `platforms.All` (defined below).
[[nodiscard]] match_comparer all() noexcept;

/// Bytes for the variant text of one entry of `match_comparer::entry`.
struct entry_buffer {
  char text[24] = {};  ///< the variant is written here when it is generated (`v7`, `v8.2`, …)
};

/// A `platforms.MatchComparer`: `Match` and `Less` of `Only`, `OnlyStrict`, `OnlyOS`, `Ordered`,
/// `Any` or `All`. Built by the factory functions below; what it refers to (the platforms given to
/// `ordered`/`any`, the arena) must outlive it.
class match_comparer {
 public:
  /// Which upstream comparer this is.
  enum class kind : std::uint8_t {
    only,         ///< `Only(p)`: `p` and what it runs (amd64 → 386, arm64 → arm/v8…v5, …), best first
    only_strict,  ///< `OnlyStrict(p)`: exactly the normalised `p`
    only_os,      ///< `OnlyOS(p)`: `p`'s OS (version, features), any architecture, `p`'s first
    ordered,      ///< `Ordered(ps…)`: any of `ps`, ranked by position
    any,          ///< `Any(ps…)`: any of `ps`, unranked
    all,          ///< `All`: everything, unranked
  };

  /// A comparer that matches nothing (`ok()` false).
  constexpr match_comparer() noexcept = default;

  /// False when the arena given to the factory was too small (the comparer then matches nothing).
  [[nodiscard]] constexpr bool ok() const noexcept { return ok_; }
  /// The comparer kind.
  [[nodiscard]] constexpr kind type() const noexcept { return kind_; }

  /// `Match(candidate)`.
  [[nodiscard]] bool match(const platform& c) const noexcept {
    if (!ok_) return false;
    switch (kind_) {
      case kind::all: return true;
      case kind::only_os: return match_os(c);
      default: return rank(c) != npos;
    }
  }

  /// `Less(a, b)`: true when `a` is preferred to `b`.
  [[nodiscard]] bool less(const platform& a, const platform& b) const noexcept {
    if (!ok_) return false;
    switch (kind_) {
      case kind::all: return false;
      case kind::only_os: {
        const bool am = match_os(a);
        const bool bm = match_os(b);
        if (am && !bm) return true;
        if (!am) return false;
        return ordered_less(a, b);
      }
      case kind::any: {
        const bool am = rank(a) != npos;
        const bool bm = rank(b) != npos;
        if (am && bm && a.os_features.size() != b.os_features.size()) {
          return a.os_features.size() > b.os_features.size();
        }
        if (!am && !bm && (!a.os_features.empty() || !b.os_features.empty())) {
          return less(strip(a), strip(b));
        }
        return am && !bm;
      }
      default: return ordered_less(a, b);
    }
  }

  /// Number of platforms an `Only`/`OnlyStrict`/`Ordered`/`Any` comparer lists (its matchers,
  /// most preferred first; `OnlyOS`: 1; `All`: 0). Saturates at SIZE_MAX for absurd variants.
  [[nodiscard]] std::size_t size() const noexcept {
    if (!ok_) return 0;
    switch (kind_) {
      case kind::all: return 0;
      case kind::only_os:
      case kind::only_strict: return 1;
      case kind::ordered:
      case kind::any: return count_;
      case kind::only: break;
    }
    switch (ladder_) {
      case ladder::amd64: return n_ > 1 ? sat(static_cast<std::uint64_t>(n_) + 1) : 2;
      case ladder::arm: return n_ > 5 ? sat(static_cast<std::uint64_t>(n_) - 4) : 1;
      case ladder::arm64: {
        if (arm64_ == nullptr) return 0;
        std::size_t k = 4;
        for (int i = 0; i < arm64_->majors; ++i) k += static_cast<std::size_t>(arm64_->minor[i] + 1);
        return k;
      }
      case ladder::none: break;
    }
    return 1;
  }

  /// Entry `i < size()`: for `Only`, the platform of the i-th matcher as `platformVector` lists
  /// it (`amd64/v1`, `arm64/v8` are not yet normalised; a generated variant is written into
  /// `buf`); for `Ordered`/`Any`, the i-th platform normalised; otherwise the normalised `p`.
  [[nodiscard]] platform entry(std::size_t i, entry_buffer& buf) const noexcept {
    if (kind_ == kind::ordered || kind_ == kind::any) return list_[i].normalized();
    if (kind_ != kind::only || ladder_ == ladder::none || (i == 0 && ladder_ != ladder::arm64)) return base_;
    platform e = base_;
    auto put_v = [&](std::uint64_t k, int minor) {
      std::size_t n = 0;
      char digits[24] = {};
      std::size_t d = 0;
      do {
        digits[d++] = static_cast<char>('0' + k % 10);
        k /= 10;
      } while (k != 0);
      buf.text[n++] = 'v';
      while (d > 0) buf.text[n++] = digits[--d];
      if (minor > 0) {
        buf.text[n++] = '.';
        buf.text[n++] = static_cast<char>('0' + minor);
      }
      return std::string_view(buf.text, n);
    };
    switch (ladder_) {
      case ladder::amd64: {
        const std::size_t last = n_ > 1 ? static_cast<std::size_t>(n_) : 1;
        if (i == last) {
          e.architecture = "386";
          e.variant = {};
        } else {
          const std::uint64_t k = static_cast<std::uint64_t>(n_) - i;
          e.variant = put_v(k, 0);
        }
        return e;
      }
      case ladder::arm: e.variant = put_v(static_cast<std::uint64_t>(n_) - i, 0); return e;
      case ladder::arm64: {
        std::size_t idx = 0;
        for (int m = 0; m < arm64_->majors; ++m) {
          for (int minor = arm64_->minor[m]; minor >= 0; --minor, ++idx) {
            if (idx == i) {
              e.variant = put_v(static_cast<std::uint64_t>(arm64_->major[m]), minor);
              return e;
            }
          }
        }
        e.architecture = "arm";
        e.variant = put_v(8 - (i - idx), 0);
        return e;
      }
      case ladder::none: break;
    }
    return e;
  }

  /// Builds `Only(p)`: `p` is normalised into `storage`.
  friend match_comparer only(const platform& p, arena& storage, const host& h) noexcept;
  /// Builds `OnlyStrict(p)`.
  friend match_comparer only_strict(const platform& p, arena& storage, const host& h) noexcept;
  /// Builds `OnlyOS(p)`.
  friend match_comparer only_os(const platform& p, arena& storage, const host& h) noexcept;
  /// Builds `Ordered(ps…)`.
  friend match_comparer ordered(list_view<platform> ps, arena& storage, const host& h) noexcept;
  /// Builds `Any(ps…)`.
  friend match_comparer any(list_view<platform> ps, arena& storage, const host& h) noexcept;
  /// Builds `All`.
  friend match_comparer all() noexcept;

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  enum class ladder : std::uint8_t { none, amd64, arm, arm64 };

  static constexpr std::size_t sat(std::uint64_t v) noexcept {
    return v > static_cast<std::uint64_t>(SIZE_MAX) ? SIZE_MAX : static_cast<std::size_t>(v);
  }
  static platform strip(const platform& p) noexcept {
    platform q = p;
    q.os_features = {};
    return q;
  }

  /// Index of the first matcher that matches `c`, or npos.
  [[nodiscard]] std::size_t rank(const platform& c) const noexcept {
    namespace dp = detail_platform;
    if (kind_ == kind::ordered || kind_ == kind::any) {
      for (std::size_t i = 0; i < count_; ++i) {
        if (list_[i].match(c)) return i;
      }
      return npos;
    }
    if (kind_ == kind::only_strict || kind_ == kind::only_os) return base_matcher_.match(c) ? 0 : npos;
    // Only: every entry shares OS, os.version and features; they differ in architecture/variant.
    const dp::norm_candidate n = dp::normalize_candidate(c, host_);
    if (!dp::eq(n.os, base_.os) || !base_matcher_.rest_match(c)) return npos;
    const dp::lstr a = n.av.arch;
    const dp::lstr v = n.av.variant;
    switch (ladder_) {
      case ladder::none: return dp::eq(a, base_.architecture) && dp::eq(v, base_.variant) ? 0 : npos;
      case ladder::amd64:
        if (dp::eq(a, "amd64")) {
          if (dp::eq(v, base_.variant)) return 0;
          if (n_ > 1) {
            if (v.s.empty()) return static_cast<std::size_t>(n_ - 1);
            const std::int64_t k = dp::canonical_v(v);
            if (k >= 2 && k <= n_ - 1) return static_cast<std::size_t>(n_ - k);
          }
          return npos;
        }
        if (dp::eq(a, "386") && v.s.empty()) return n_ > 1 ? static_cast<std::size_t>(n_) : 1;
        return npos;
      case ladder::arm:
        if (!dp::eq(a, "arm")) return npos;
        if (dp::eq(v, base_.variant)) return 0;
        if (n_ > 5) {
          const std::int64_t k = dp::canonical_v(v);
          if (k >= 5 && k <= n_ - 1) return static_cast<std::size_t>(n_ - k);
        }
        return npos;
      case ladder::arm64: {
        if (arm64_ == nullptr) return npos;
        entry_buffer buf;
        const std::size_t total = size();
        for (std::size_t i = 0; i < total; ++i) {
          const platform e = entry(i, buf);
          const dp::arch_variant en = dp::norm_arch(e.architecture, e.variant);
          if (dp::eq(a, en.arch) && dp::eq(v, en.variant)) return i;
        }
        return npos;
      }
    }
    return npos;
  }

  [[nodiscard]] bool ordered_less(const platform& a, const platform& b) const noexcept {
    const std::size_t ra = rank(a);
    const std::size_t rb = rank(b);
    if (ra == npos && rb == npos) {
      if (!a.os_features.empty() || !b.os_features.empty()) return ordered_less(strip(a), strip(b));
      return false;
    }
    if (ra < rb) return true;
    if (rb < ra) return false;
    return a.os_features.size() > b.os_features.size();
  }

  /// `onlyOSComparer.matchOS`.
  [[nodiscard]] bool match_os(const platform& c) const noexcept {
    namespace dp = detail_platform;
    if (!dp::eq(dp::norm_os(c.os, host_), base_.os)) return false;
    if (base_.os == "windows" && !dp::windows_version_match(dp::windows_version(base_.os_version), c.os_version)) {
      return false;
    }
    return dp::features_subset(c.os_features, static_cast<std::size_t>(-1), base_.os_features);
  }

  platform base_;            // the normalised platform (only, only_strict, only_os)
  matcher base_matcher_;     // NewMatcher(base_)
  const matcher* list_ = nullptr;  // ordered, any
  std::size_t count_ = 0;
  const detail_platform::arm64_versions* arm64_ = nullptr;
  host host_ = default_host();
  std::int64_t n_ = 0;       // the parsed variant number of the amd64 / arm ladders
  kind kind_ = kind::all;
  ladder ladder_ = ladder::none;
  bool ok_ = false;
};

/// `platforms.Only(p)`: `p` and the platforms it can run, most preferred first (amd64/vN down to
/// v1, then 386; arm/vN down to v5; arm64 variants per `arm64variantToVersion`, then arm/v8…v5;
/// an arm64 variant outside that table matches nothing).
inline match_comparer only(const platform& p, arena& storage, const host& h) noexcept {
  namespace dp = detail_platform;
  match_comparer c;
  const result n = normalize(p, storage, h);
  if (!n.ok()) return c;
  c.kind_ = match_comparer::kind::only;
  c.host_ = h;
  c.base_ = n.value;
  c.base_matcher_ = matcher::from_normalized(n.value, n.value.os == "windows", h);
  const std::string_view arch = n.value.architecture;
  std::int64_t v = 0;
  if (arch == "amd64") {
    c.ladder_ = match_comparer::ladder::amd64;
    if (dp::atoi_variant(n.value.variant, v)) c.n_ = v;
  } else if (arch == "arm") {
    c.ladder_ = match_comparer::ladder::arm;
    if (dp::atoi_variant(n.value.variant, v)) c.n_ = v;
  } else if (arch == "arm64") {
    c.ladder_ = match_comparer::ladder::arm64;
    const std::string_view key = n.value.variant.empty() ? std::string_view("v8") : n.value.variant;
    for (const auto& e : dp::arm64_table) {
      if (e.key == key) c.arm64_ = &e;
    }
  }
  c.ok_ = true;
  return c;
}

/// `platforms.OnlyStrict(p)`: only the normalised `p` itself.
inline match_comparer only_strict(const platform& p, arena& storage, const host& h) noexcept {
  match_comparer c;
  const result n = normalize(p, storage, h);
  if (!n.ok()) return c;
  c.kind_ = match_comparer::kind::only_strict;
  c.host_ = h;
  c.base_ = n.value;
  c.base_matcher_ = matcher::from_normalized(n.value, n.value.os == "windows", h);
  c.ok_ = true;
  return c;
}

/// `platforms.OnlyOS(p)`: any platform of `p`'s OS (compatible Windows version, feature subset);
/// `p`'s own architecture ranks first.
inline match_comparer only_os(const platform& p, arena& storage, const host& h) noexcept {
  match_comparer c = only_strict(p, storage, h);
  if (c.ok()) c.kind_ = match_comparer::kind::only_os;
  return c;
}

/// `platforms.Ordered(ps…)`: any of `ps`, earlier ones preferred (ties: more os.features first).
inline match_comparer ordered(list_view<platform> ps, arena& storage, const host& h) noexcept {
  match_comparer c;
  matcher* list = storage.make_records<matcher>(ps.size());
  if (list == nullptr && !ps.empty()) return c;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    list[i] = matcher(ps[i], storage, h);
    if (!list[i].ok()) return c;
  }
  c.kind_ = match_comparer::kind::ordered;
  c.host_ = h;
  c.list_ = list;
  c.count_ = ps.size();
  c.ok_ = true;
  return c;
}

/// `platforms.Any(ps…)`: any of `ps`, without preference (ties: more os.features first).
inline match_comparer any(list_view<platform> ps, arena& storage, const host& h) noexcept {
  match_comparer c = ordered(ps, storage, h);
  if (c.ok()) c.kind_ = match_comparer::kind::any;
  return c;
}

/// `platforms.All`: matches everything, prefers nothing.
inline match_comparer all() noexcept {
  match_comparer c;
  c.kind_ = match_comparer::kind::all;
  c.ok_ = true;
  return c;
}

}  // namespace platforms
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_PLATFORM_HPP

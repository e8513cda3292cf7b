// SPDX-License-Identifier: Apache-2.0
/// @file digest.hpp
/// @brief Content digests as OCI images use them: SHA-256/SHA-384/SHA-512 hashing (no dependency;
/// SHA-NI on x86 when the CPU has it, portable code otherwise), `algorithm:encoded` digest strings
/// parsed and validated by the OCI image-spec rules or exactly as opencontainers/go-digest does,
/// blob verification, layer diff IDs and chain IDs. Nothing here allocates or throws.
///
/// @code
///   namespace dg = dockimg::digest;
///   dg::sha256_hasher h;                // streaming: update() as often as needed, then finish()
///   h.update(part1); h.update(part2);
///   dg::value v = dg::make_value(dg::algorithm::sha256, h.finish());  // v.text(): "sha256:…"
///   auto p = dg::parse("sha256:e58f…"); // OCI rules; dg::parse_go(...) for go-digest's verdicts
///   if (!p.ok()) { dg::message(p.err); }
///   dg::error e = dg::verify(blob, "sha256:e58f…");   // e.code == errc::mismatch when it differs
///   dg::value chain = dg::chain_id(parent_chain_id, diff_id);
/// @endcode
#ifndef DOCKIMG_DIGEST_HPP
#define DOCKIMG_DIGEST_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config.hpp"
#include "detail/sha2.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace digest {

// ------------------------------------------------------------------------------------------------
// Hashers
// ------------------------------------------------------------------------------------------------

/// Which SHA-256 implementation a hasher runs.
enum class backend : std::uint8_t {
  automatic,  ///< SHA-NI when the CPU has it, else portable
  portable,   ///< the portable C++ code (always available)
  sha_ni,     ///< x86 SHA extensions (falls back to portable when unavailable)
};

/// True when `b` runs as asked on this machine (`sha_ni`: compiled in and the CPU has it).
[[nodiscard]] inline bool available(backend b) noexcept {
  return b != backend::sha_ni || detail::sha2::cpu_has_sha_ni();
}

/// The implementation `b` resolves to on this machine (never `automatic`).
[[nodiscard]] inline backend resolve(backend b) noexcept {
  if (b == backend::portable) return backend::portable;
  return detail::sha2::cpu_has_sha_ni() ? backend::sha_ni : backend::portable;
}

/// Streaming SHA-256 (FIPS 180-4): construct (or `reset`), `update` any number of times, `finish`.
class sha256_hasher {
 public:
  /// Bytes of the hash.
  static constexpr std::size_t size = 32;
  /// Bytes of a block.
  static constexpr std::size_t block_size = 64;
  /// The raw hash.
  using result = std::array<std::uint8_t, size>;

  /// A fresh hasher running implementation `b`.
  explicit sha256_hasher(backend b = backend::automatic) noexcept
      : compress_(resolve(b) == backend::sha_ni ? &detail::sha2::compress256_sha_ni
                                                : &detail::sha2::compress256_portable),
        backend_(resolve(b)) {
    reset();
  }

  /// Starts over (keeps the implementation).
  void reset() noexcept {
    static constexpr std::uint32_t iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                            0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    std::memcpy(h_, iv, sizeof h_);
    length_ = 0;
  }

  /// Hashes `n` more bytes at `data`.
  void update(const void* data, std::size_t n) noexcept {
    if (n == 0) return;  // `data` may be null then
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::size_t used = static_cast<std::size_t>(length_ % block_size);
    length_ += n;
    if (used != 0) {
      const std::size_t take = n < block_size - used ? n : block_size - used;
      std::memcpy(buf_ + used, p, take);
      p += take;
      n -= take;
      used += take;
      if (used < block_size) return;
      compress_(h_, buf_, 1);
    }
    if (n >= block_size) {
      compress_(h_, p, n / block_size);
      p += n - n % block_size;
      n %= block_size;
    }
    if (n != 0) std::memcpy(buf_, p, n);
  }
  /// Hashes the bytes of `s`.
  void update(std::string_view s) noexcept { update(s.data(), s.size()); }

  /// Pads, returns the hash and resets the hasher.
  [[nodiscard]] result finish() noexcept {
    const std::uint64_t bits = length_ * 8;
    std::size_t used = static_cast<std::size_t>(length_ % block_size);
    buf_[used++] = 0x80;
    if (used > block_size - 8) {
      std::memset(buf_ + used, 0, block_size - used);
      compress_(h_, buf_, 1);
      used = 0;
    }
    std::memset(buf_ + used, 0, block_size - 8 - used);
    detail::sha2::store_be64(buf_ + block_size - 8, bits);
    compress_(h_, buf_, 1);
    result out{};
    for (std::size_t i = 0; i < 8; ++i) detail::sha2::store_be32(out.data() + 4 * i, h_[i]);
    reset();
    return out;
  }

  /// The implementation this hasher runs (`portable` or `sha_ni`).
  [[nodiscard]] backend implementation() const noexcept { return backend_; }

  /// One-shot SHA-256 of `s`.
  [[nodiscard]] static result hash(std::string_view s, backend b = backend::automatic) noexcept {
    sha256_hasher h(b);
    h.update(s);
    return h.finish();
  }

 private:
  void (*compress_)(std::uint32_t*, const std::uint8_t*, std::size_t) noexcept;
  std::uint32_t h_[8] = {};
  std::uint64_t length_ = 0;
  std::uint8_t buf_[block_size] = {};
  backend backend_;
};

namespace detail_sha512 {
/// SHA-512 initial hash value (FIPS 180-4 §5.3.5).
inline constexpr std::uint64_t iv512[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
                                           0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
                                           0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};
/// SHA-384 initial hash value (FIPS 180-4 §5.3.4).
inline constexpr std::uint64_t iv384[8] = {0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull, 0x9159015a3070dd17ull,
                                           0x152fecd8f70e5939ull, 0x67332667ffc00b31ull, 0x8eb44a8768581511ull,
                                           0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull};
}  // namespace detail_sha512

/// Streaming SHA-512 family hasher (SHA-512 for `Size` 64, SHA-384 for 48). Portable code only
/// (x86 has no common SHA-512 extension): rounds unrolled by eight.
template <std::size_t Size>
class sha512_family_hasher {
  static_assert(Size == 64 || Size == 48, "SHA-512 or SHA-384");

 public:
  /// Bytes of the hash.
  static constexpr std::size_t size = Size;
  /// Bytes of a block.
  static constexpr std::size_t block_size = 128;
  /// The raw hash.
  using result = std::array<std::uint8_t, size>;

  /// A fresh hasher.
  sha512_family_hasher() noexcept { reset(); }

  /// Starts over.
  void reset() noexcept {
    std::memcpy(h_, Size == 64 ? detail_sha512::iv512 : detail_sha512::iv384, sizeof h_);
    length_ = 0;
  }

  /// Hashes `n` more bytes at `data`.
  void update(const void* data, std::size_t n) noexcept {
    if (n == 0) return;  // `data` may be null then
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::size_t used = static_cast<std::size_t>(length_ % block_size);
    length_ += n;
    if (used != 0) {
      const std::size_t take = n < block_size - used ? n : block_size - used;
      std::memcpy(buf_ + used, p, take);
      p += take;
      n -= take;
      used += take;
      if (used < block_size) return;
      detail::sha2::compress512_portable(h_, buf_, 1);
    }
    if (n >= block_size) {
      detail::sha2::compress512_portable(h_, p, n / block_size);
      p += n - n % block_size;
      n %= block_size;
    }
    if (n != 0) std::memcpy(buf_, p, n);
  }
  /// Hashes the bytes of `s`.
  void update(std::string_view s) noexcept { update(s.data(), s.size()); }

  /// Pads, returns the hash and resets the hasher.
  [[nodiscard]] result finish() noexcept {
    std::size_t used = static_cast<std::size_t>(length_ % block_size);
    buf_[used++] = 0x80;
    if (used > block_size - 16) {
      std::memset(buf_ + used, 0, block_size - used);
      detail::sha2::compress512_portable(h_, buf_, 1);
      used = 0;
    }
    std::memset(buf_ + used, 0, block_size - 16 - used);
    detail::sha2::store_be64(buf_ + block_size - 16, length_ >> 61);
    detail::sha2::store_be64(buf_ + block_size - 8, length_ << 3);
    detail::sha2::compress512_portable(h_, buf_, 1);
    std::uint8_t full[64];
    for (std::size_t i = 0; i < 8; ++i) detail::sha2::store_be64(full + 8 * i, h_[i]);
    result out{};
    std::memcpy(out.data(), full, size);
    reset();
    return out;
  }

  /// One-shot hash of `s`.
  [[nodiscard]] static result hash(std::string_view s) noexcept {
    sha512_family_hasher h;
    h.update(s);
    return h.finish();
  }

 private:
  std::uint64_t h_[8] = {};
  std::uint64_t length_ = 0;
  std::uint8_t buf_[block_size] = {};
};

/// Streaming SHA-512.
using sha512_hasher = sha512_family_hasher<64>;
/// Streaming SHA-384 (registered by go-digest only on request; not an OCI-registered algorithm).
using sha384_hasher = sha512_family_hasher<48>;

// ------------------------------------------------------------------------------------------------
// Algorithms, errors
// ------------------------------------------------------------------------------------------------

/// The algorithms dockimg knows by name.
enum class algorithm : std::uint8_t {
  other,   ///< any other name (OCI: unregistered, valid when it matches the grammar)
  sha256,  ///< OCI-registered, canonical; go-digest default
  sha384,  ///< not OCI-registered; go-digest only when registered (`go_options::sha384`)
  sha512,  ///< OCI-registered; go-digest default
  blake3,  ///< OCI-registered (after image-spec v1.1.1); go-digest with its blake3 package
};

/// The algorithm `name` denotes (`other` for names dockimg does not know).
[[nodiscard]] constexpr algorithm algorithm_from_name(std::string_view name) noexcept {
  if (name == "sha256") return algorithm::sha256;
  if (name == "sha512") return algorithm::sha512;
  if (name == "sha384") return algorithm::sha384;
  if (name == "blake3") return algorithm::blake3;
  return algorithm::other;
}

/// The name of `a` (empty for `other`).
[[nodiscard]] constexpr std::string_view name(algorithm a) noexcept {
  switch (a) {
    case algorithm::sha256: return "sha256";
    case algorithm::sha384: return "sha384";
    case algorithm::sha512: return "sha512";
    case algorithm::blake3: return "blake3";
    case algorithm::other: break;
  }
  return {};
}

/// Bytes of the hash of `a` (0 for `other`).
[[nodiscard]] constexpr std::size_t hash_size(algorithm a) noexcept {
  switch (a) {
    case algorithm::sha256: return 32;
    case algorithm::sha384: return 48;
    case algorithm::sha512: return 64;
    case algorithm::blake3: return 32;
    case algorithm::other: break;
  }
  return 0;
}

/// True when dockimg can compute `a` (sha256, sha384, sha512; not blake3).
[[nodiscard]] constexpr bool can_compute(algorithm a) noexcept {
  return a == algorithm::sha256 || a == algorithm::sha384 || a == algorithm::sha512;
}

/// Error codes. go-digest's texts from `message`; `bad_encoded` and `mismatch` are dockimg's.
enum class errc : std::uint8_t {
  ok = 0,       ///< no error
  bad_format,   ///< `invalid checksum digest format` (ErrDigestInvalidFormat): the grammar fails
  bad_length,   ///< `invalid checksum digest length` (ErrDigestInvalidLength): a known algorithm's
                ///< encoded part has the wrong length
  bad_encoded,  ///< OCI rules only: a registered algorithm's encoded part is not lowercase hex of
                ///< the right length (go-digest reports `bad_format` for this)
  unsupported,  ///< `unsupported digest algorithm` (ErrDigestUnsupported): go-digest does not have
                ///< it registered, or (verify) dockimg cannot compute it
  mismatch,     ///< verify: the content does not hash to the digest
};

/// The message for `code` (go-digest's wording where go-digest has the error).
[[nodiscard]] constexpr std::string_view message(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::bad_format: return "invalid checksum digest format";
    case errc::bad_length: return "invalid checksum digest length";
    case errc::bad_encoded: return "encoded part must be lowercase hex of the algorithm's length";
    case errc::unsupported: return "unsupported digest algorithm";
    case errc::mismatch: return "content does not match the digest";
  }
  return "unknown error";
}

/// An error and where in the digest string it was found.
struct error {
  errc code = errc::ok;           ///< what happened
  std::uint32_t offset = 0;       ///< byte offset in the digest string of the first offending byte

  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

/// Writes the message for `e` to `sink` (called with `std::string_view` pieces).
template <class Sink>
void write_message(const error& e, Sink&& sink) {
  sink(message(e.code));
}

/// The message for `e` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const error& e) {
  std::string out;
  write_message(e, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

// ------------------------------------------------------------------------------------------------
// Parsing and validation
// ------------------------------------------------------------------------------------------------

/// A digest string split into its parts (views into the input).
struct parsed {
  std::string_view name;                ///< the algorithm text before the first `:`
  std::string_view encoded;             ///< everything after the first `:`
  algorithm id = algorithm::other;      ///< `name` as a known algorithm
  bool registered = false;              ///< OCI: sha256, sha512, blake3; go: the registered set

  /// `name:encoded`, the whole digest string (a view of the input).
  [[nodiscard]] std::string_view str() const noexcept {
    return name.empty() ? std::string_view() : std::string_view(name.data(), name.size() + 1 + encoded.size());
  }
};

/// The result of `parse`/`parse_go`: the parts (set as far as the string could be split) and an error.
struct parse_result {
  parsed digest;  ///< the parts
  error err;      ///< `ok` when valid

  /// True when the digest is valid under the rules used.
  [[nodiscard]] constexpr bool ok() const noexcept { return err.code == errc::ok; }
};

namespace detail_parse {
/// Character classes of the digest grammar, one bit each.
enum : std::uint8_t { component = 1, separator = 2, encoded_char = 4, lower_hex = 8 };
/// The class bits of `c`.
[[nodiscard]] constexpr std::uint8_t classify(unsigned char c) noexcept {
  std::uint8_t bits = 0;
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) bits |= component;
  if (c == '+' || c == '.' || c == '_' || c == '-') bits |= separator;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' || c == '_' || c == '-') {
    bits |= encoded_char;
  }
  if ((c >= 'a' && c <= 'f') || (c >= '0' && c <= '9')) bits |= lower_hex;
  return bits;
}
/// The class table for all 256 byte values.
struct class_table {
  std::uint8_t bits[256] = {};  ///< class bits by byte value
  constexpr class_table() noexcept {
    for (unsigned c = 0; c < 256; ++c) bits[c] = classify(static_cast<unsigned char>(c));
  }
};
/// The class table.
inline constexpr class_table classes{};
/// The class bits of `c`, from the table.
[[nodiscard]] constexpr std::uint8_t bits_of(char c) noexcept { return classes.bits[static_cast<unsigned char>(c)]; }
/// `[a-z0-9]`.
[[nodiscard]] constexpr bool is_component(char c) noexcept { return (bits_of(c) & component) != 0; }
/// `[+._-]`.
[[nodiscard]] constexpr bool is_separator(char c) noexcept { return (bits_of(c) & separator) != 0; }
/// `[a-zA-Z0-9=_-]`.
[[nodiscard]] constexpr bool is_encoded(char c) noexcept { return (bits_of(c) & encoded_char) != 0; }
/// `[a-f0-9]`.
[[nodiscard]] constexpr bool is_lower_hex(char c) noexcept { return (bits_of(c) & lower_hex) != 0; }

/// Offset of the first byte of `alg` breaking `component (separator component)*`, or npos.
[[nodiscard]] constexpr std::size_t algorithm_error(std::string_view alg) noexcept {
  if (alg.empty()) return 0;
  bool after_sep = true;
  for (std::size_t i = 0; i < alg.size(); ++i) {
    if (is_component(alg[i])) {
      after_sep = false;
    } else if (is_separator(alg[i]) && !after_sep) {
      after_sep = true;
    } else {
      return i;
    }
  }
  return after_sep ? alg.size() - 1 : std::string_view::npos;
}

/// Offset of the first byte of `enc` outside `[a-zA-Z0-9=_-]`, npos when none (0 when empty).
[[nodiscard]] constexpr std::size_t encoded_error(std::string_view enc) noexcept {
  if (enc.empty()) return 0;
  for (std::size_t i = 0; i < enc.size(); ++i) {
    if (!is_encoded(enc[i])) return i;
  }
  return std::string_view::npos;
}

/// Offset of the first byte of `enc` outside `[a-f0-9]`, npos when none.
[[nodiscard]] constexpr std::size_t hex_error(std::string_view enc) noexcept {
  for (std::size_t i = 0; i < enc.size(); ++i) {
    if (!is_lower_hex(enc[i])) return i;
  }
  return std::string_view::npos;
}

/// An error at offset `at`.
[[nodiscard]] constexpr error at(errc code, std::size_t offset) noexcept {
  return error{code, offset > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(offset)};
}
}  // namespace detail_parse

/// True when `name` matches the OCI algorithm grammar `[a-z0-9]+([+._-][a-z0-9]+)*`.
[[nodiscard]] constexpr bool valid_algorithm_name(std::string_view name) noexcept {
  return detail_parse::algorithm_error(name) == std::string_view::npos;
}

/// Parses and validates `s` by the OCI image-spec (descriptor.md §Digests): the grammar
/// `algorithm ":" encoded` (split at the first `:`), then for the registered algorithms (sha256,
/// sha512, blake3) exactly `2 * hash_size` lowercase hex characters. An unregistered algorithm
/// that matches the grammar is valid (`registered == false`); sha384 is unregistered here.
/// Errors: `bad_format` (grammar), `bad_length` / `bad_encoded` (a registered algorithm's rule).
[[nodiscard]] constexpr parse_result parse(std::string_view s) noexcept {
  namespace dp = detail_parse;
  parse_result r;
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) {
    const std::size_t bad = dp::algorithm_error(s);
    r.err = dp::at(errc::bad_format, bad == std::string_view::npos ? s.size() : bad);
    return r;
  }
  r.digest.name = s.substr(0, colon);
  r.digest.encoded = s.substr(colon + 1);
  r.digest.id = algorithm_from_name(r.digest.name);
  r.digest.registered = r.digest.id == algorithm::sha256 || r.digest.id == algorithm::sha512 ||
                        r.digest.id == algorithm::blake3;
  if (const std::size_t bad = dp::algorithm_error(r.digest.name); bad != std::string_view::npos) {
    r.err = dp::at(errc::bad_format, bad);
    return r;
  }
  // lowercase hex is inside the encoded charset: a registered digest whose encoded part is all
  // hex needs no second pass
  const std::size_t hex_bad = r.digest.registered ? dp::hex_error(r.digest.encoded) : 0;
  if (hex_bad != std::string_view::npos || r.digest.encoded.empty()) {
    if (const std::size_t bad = dp::encoded_error(r.digest.encoded); bad != std::string_view::npos) {
      r.err = dp::at(errc::bad_format, colon + 1 + bad);
      return r;
    }
  }
  if (r.digest.registered) {
    const std::size_t want = 2 * hash_size(r.digest.id);
    if (hex_bad != std::string_view::npos) {
      r.err = dp::at(errc::bad_encoded, colon + 1 + hex_bad);
    } else if (r.digest.encoded.size() != want) {
      r.err = dp::at(errc::bad_length, colon + 1 + (r.digest.encoded.size() < want ? r.digest.encoded.size() : want));
    }
  }
  return r;
}

/// Which algorithms go-digest has registered (its default: sha256 and sha512).
struct go_options {
  bool sha384 = false;  ///< `crypto.SHA384` registered (go-digest removed it from the defaults)
  bool blake3 = false;  ///< the `go-digest/blake3` package imported
};

/// Validates `s` exactly as opencontainers/go-digest `Parse` does (digest.go/algorithm.go at
/// 137fd2b, 2026-03-18): no `:` or nothing after it → `bad_format`; an algorithm not
/// registered → `bad_format` when the whole string fails `DigestRegexpAnchored`, else
/// `unsupported`; a registered one: the **length** is checked first (`bad_length`), then
/// `^[a-f0-9]{2*size}$` (`bad_format`). Differences from `parse` (documented): a registered
/// algorithm's encoded part is not checked against the grammar (`sha256:<64 hex>\n` is
/// `bad_length`, `sha256::<64 hex>` too); uppercase hex is `bad_format`; unregistered valid
/// names are `unsupported`.
[[nodiscard]] constexpr parse_result parse_go(std::string_view s, go_options opt = {}) noexcept {
  namespace dp = detail_parse;
  parse_result r;
  const std::size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == s.size()) {
    r.err = dp::at(errc::bad_format, colon == std::string_view::npos ? s.size() : colon);
    return r;
  }
  r.digest.name = s.substr(0, colon);
  r.digest.encoded = s.substr(colon + 1);
  r.digest.id = algorithm_from_name(r.digest.name);
  switch (r.digest.id) {
    case algorithm::sha256:
    case algorithm::sha512: r.digest.registered = true; break;
    case algorithm::sha384: r.digest.registered = opt.sha384; break;
    case algorithm::blake3: r.digest.registered = opt.blake3; break;
    case algorithm::other: break;
  }
  if (!r.digest.registered) {
    if (const std::size_t bad = dp::algorithm_error(r.digest.name); bad != std::string_view::npos) {
      r.err = dp::at(errc::bad_format, bad);
    } else if (const std::size_t bad2 = dp::encoded_error(r.digest.encoded); bad2 != std::string_view::npos) {
      r.err = dp::at(errc::bad_format, colon + 1 + bad2);
    } else {
      r.err = dp::at(errc::unsupported, 0);
    }
    return r;
  }
  const std::size_t want = 2 * hash_size(r.digest.id);
  if (r.digest.encoded.size() != want) {
    r.err = dp::at(errc::bad_length, colon + 1 + (r.digest.encoded.size() < want ? r.digest.encoded.size() : want));
  } else if (const std::size_t bad = dp::hex_error(r.digest.encoded); bad != std::string_view::npos) {
    r.err = dp::at(errc::bad_format, colon + 1 + bad);
  }
  return r;
}

// ------------------------------------------------------------------------------------------------
// Computed digests and their text
// ------------------------------------------------------------------------------------------------

/// A digest's `algorithm:hex` text in fixed storage (up to `sha512:` + 128 hex characters).
class text {
 public:
  /// Longest text held.
  static constexpr std::size_t capacity = 7 + 128;

  /// Empty text.
  constexpr text() noexcept = default;
  /// A copy of `s`; empty when `s` is longer than `capacity`.
  explicit text(std::string_view s) noexcept {
    if (s.size() > capacity) return;
    std::memcpy(buf_, s.data(), s.size());
    size_ = static_cast<std::uint8_t>(s.size());
  }

  /// The text.
  [[nodiscard]] std::string_view view() const noexcept { return {buf_, size_}; }
  /// The text.
  operator std::string_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
  /// First byte.
  [[nodiscard]] const char* data() const noexcept { return buf_; }
  /// Length in bytes.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// True when empty.
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  /// Byte-wise equality.
  friend bool operator==(const text& a, const text& b) noexcept { return a.view() == b.view(); }
  /// Byte-wise inequality.
  friend bool operator!=(const text& a, const text& b) noexcept { return !(a == b); }

 private:
  char buf_[capacity] = {};
  std::uint8_t size_ = 0;
};

/// A computed digest: the algorithm and the raw hash bytes.
struct value {
  algorithm id = algorithm::other;  ///< sha256, sha384 or sha512 (`other`: none computed)
  std::uint8_t size = 0;            ///< bytes used in `bytes`
  std::uint8_t bytes[64] = {};      ///< the hash

  /// Lowercase hex of the hash into `out` (`2 * size` bytes); returns the characters written.
  std::size_t write_hex(char* out) const noexcept {
    constexpr char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < size; ++i) {
      out[2 * i] = digits[bytes[i] >> 4];
      out[2 * i + 1] = digits[bytes[i] & 15];
    }
    return 2 * static_cast<std::size_t>(size);
  }

  /// `name:hex` (go-digest's `NewDigestFromBytes`); empty for `other`.
  [[nodiscard]] digest::text text() const noexcept {
    const std::string_view n = name(id);
    if (n.empty()) return {};
    char buf[digest::text::capacity];
    std::memcpy(buf, n.data(), n.size());
    buf[n.size()] = ':';
    const std::size_t hex = write_hex(buf + n.size() + 1);
    return digest::text(std::string_view(buf, n.size() + 1 + hex));
  }

  /// True when this digest is the one `p` names (same algorithm, same lowercase hex).
  [[nodiscard]] bool matches(const parsed& p) const noexcept {
    if (p.id != id || id == algorithm::other || p.encoded.size() != 2 * static_cast<std::size_t>(size)) return false;
    char hex[128];
    write_hex(hex);
    return std::memcmp(hex, p.encoded.data(), p.encoded.size()) == 0;
  }

  /// Same algorithm and bytes.
  friend bool operator==(const value& a, const value& b) noexcept {
    return a.id == b.id && a.size == b.size && std::memcmp(a.bytes, b.bytes, a.size) == 0;
  }
  /// Not `==`.
  friend bool operator!=(const value& a, const value& b) noexcept { return !(a == b); }
};

/// A `value` of algorithm `id` from a raw hash array.
template <std::size_t N>
[[nodiscard]] value make_value(algorithm id, const std::array<std::uint8_t, N>& raw) noexcept {
  static_assert(N <= 64, "hash too long");
  value v;
  v.id = id;
  v.size = static_cast<std::uint8_t>(N);
  std::memcpy(v.bytes, raw.data(), N);
  return v;
}

/// The digest of `data` with algorithm `a` (sha256, sha384 or sha512); `id == other` when `a`
/// cannot be computed (`can_compute`).
[[nodiscard]] inline value compute(algorithm a, std::string_view data) noexcept {
  switch (a) {
    case algorithm::sha256: return make_value(a, sha256_hasher::hash(data));
    case algorithm::sha384: return make_value(a, sha384_hasher::hash(data));
    case algorithm::sha512: return make_value(a, sha512_hasher::hash(data));
    case algorithm::blake3:
    case algorithm::other: break;
  }
  return {};
}

/// The canonical (sha256) digest of `data` (go-digest `FromBytes`).
[[nodiscard]] inline value from_bytes(std::string_view data) noexcept { return compute(algorithm::sha256, data); }

/// Streaming verification of content against a digest string (go-digest's `Verifier`, without
/// its panics): construct, `update` with the content, then `verify`. The digest string is not
/// kept (the expected hash is decoded at construction).
class verifier {
 public:
  /// A verifier for `digest` (parsed by the OCI rules; `err()` tells when it cannot verify:
  /// a parse error, or `unsupported` for an algorithm dockimg cannot compute).
  explicit verifier(std::string_view digest, backend b = backend::automatic) noexcept : s256_(b) {
    const parse_result p = parse(digest);
    err_ = p.err;
    if (!err_ && !can_compute(p.digest.id)) err_ = detail_parse::at(errc::unsupported, 0);
    if (err_) return;
    id_ = p.digest.id;
    expected_.id = id_;
    expected_.size = static_cast<std::uint8_t>(hash_size(id_));
    // an encoded part that is not the hash's lowercase hex can never match (sha384 is not
    // length-checked by the OCI rules)
    decoded_ = p.digest.encoded.size() == 2 * static_cast<std::size_t>(expected_.size) &&
               detail_parse::hex_error(p.digest.encoded) == std::string_view::npos;
    for (std::size_t i = 0; decoded_ && i < expected_.size; ++i) {
      const auto nibble = [](char c) noexcept {
        return static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
      };
      expected_.bytes[i] = static_cast<std::uint8_t>((nibble(p.digest.encoded[2 * i]) << 4) |
                                                     nibble(p.digest.encoded[2 * i + 1]));
    }
  }
  /// Feeds `n` more bytes of content.
  void update(const void* data, std::size_t n) noexcept {
    if (err_) return;
    switch (id_) {
      case algorithm::sha256: s256_.update(data, n); break;
      case algorithm::sha384: s384_.update(data, n); break;
      case algorithm::sha512: s512_.update(data, n); break;
      case algorithm::blake3:
      case algorithm::other: break;
    }
  }
  /// Feeds the bytes of `s`.
  void update(std::string_view s) noexcept { update(s.data(), s.size()); }
  /// The error that stops verification before any content (`ok` when verification can run).
  [[nodiscard]] error err() const noexcept { return err_; }
  /// Finishes: `ok` when the content hashes to the digest, `mismatch` when it does not, or the
  /// construction error. Resets the hash state.
  [[nodiscard]] error verify() noexcept {
    if (err_) return err_;
    value v;
    switch (id_) {
      case algorithm::sha256: v = make_value(algorithm::sha256, s256_.finish()); break;
      case algorithm::sha384: v = make_value(algorithm::sha384, s384_.finish()); break;
      case algorithm::sha512: v = make_value(algorithm::sha512, s512_.finish()); break;
      case algorithm::blake3:
      case algorithm::other: break;
    }
    return decoded_ && v == expected_ ? error{} : error{errc::mismatch, 0};
  }

 private:
  error err_;
  algorithm id_ = algorithm::other;
  bool decoded_ = false;
  value expected_;
  sha256_hasher s256_;
  sha384_hasher s384_;
  sha512_hasher s512_;
};

/// Verifies `data` against the digest string `digest` (OCI parse rules): `ok`, `mismatch`, a
/// parse error, or `unsupported` (an algorithm dockimg cannot compute: blake3 and unknown names;
/// sha384 is unregistered in OCI but valid there, and is verified).
[[nodiscard]] inline error verify(std::string_view data, std::string_view digest) noexcept {
  const parse_result p = parse(digest);
  if (!p.ok()) return p.err;
  if (!can_compute(p.digest.id)) return error{errc::unsupported, 0};
  return compute(p.digest.id, data).matches(p.digest) ? error{} : error{errc::mismatch, 0};
}

// ------------------------------------------------------------------------------------------------
// Diff IDs and chain IDs (image-spec config.md)
// ------------------------------------------------------------------------------------------------

/// The diff ID of a layer: the sha256 digest of its *uncompressed* tar bytes. (For a stream, hash
/// it with `sha256` and `make_value(algorithm::sha256, h.finish())`.)
[[nodiscard]] inline value diff_id(std::string_view uncompressed_tar) noexcept {
  return compute(algorithm::sha256, uncompressed_tar);
}

/// One chain step: `sha256(parent + " " + diff_id)`, the strings hashed as given (not validated,
/// as image-spec's `identity.ChainID` does).
[[nodiscard]] inline value chain_id(std::string_view parent, std::string_view diff) noexcept {
  sha256_hasher h;
  h.update(parent);
  h.update(" ", 1);
  h.update(diff);
  return make_value(algorithm::sha256, h.finish());
}

/// Calls `f(i, chain_id_i)` (`std::size_t`, `std::string_view`) for each layer of the stack
/// `diff_ids[0..n)`: ChainID(L0) = DiffID(L0) (the input string itself), ChainID(L0..i) =
/// `chain_id(ChainID(L0..i-1), DiffID(Li))`. The view passed to `f` lives until `f` returns.
template <class F>
void for_each_chain_id(const std::string_view* diff_ids, std::size_t n, F&& f) {
  if (n == 0) return;
  f(std::size_t{0}, diff_ids[0]);
  text prev;
  std::string_view parent = diff_ids[0];
  for (std::size_t i = 1; i < n; ++i) {
    prev = chain_id(parent, diff_ids[i]).text();
    parent = prev.view();
    f(i, parent);
  }
}

/// The chain ID of the whole stack `diff_ids[0..n)` (empty for n == 0, and for n == 1 when the
/// diff ID does not fit `text::capacity`).
[[nodiscard]] inline text chain_id(const std::string_view* diff_ids, std::size_t n) noexcept {
  text out;
  for_each_chain_id(diff_ids, n, [&](std::size_t, std::string_view c) noexcept { out = text(c); });
  return out;
}

}  // namespace digest
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DIGEST_HPP

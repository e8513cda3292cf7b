// SPDX-License-Identifier: Apache-2.0
/// @file sha2.hpp
/// @brief SHA-2 block functions (FIPS 180-4): portable SHA-256 and SHA-512 compressions, and an
/// x86-64 SHA-NI SHA-256 compression compiled with a function target attribute (no global `-msha`)
/// and chosen at run time through cpuid. Internal: use `dockimg/digest.hpp`.
#ifndef DOCKIMG_DETAIL_SHA2_HPP
#define DOCKIMG_DETAIL_SHA2_HPP

#include <cstddef>
#include <cstdint>

#include "../config.hpp"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(DOCKIMG_NO_SHA_NI)
/// Defined to 1 when the SHA-NI path is compiled in (x86 with GCC or Clang).
#define DOCKIMG_HAVE_SHA_NI 1
// Only the SSE2/SSSE3/SSE4.1 headers (usable in a function with a target attribute without global
// -m flags); the SHA instructions come from the compilers' builtins, as <immintrin.h> (nine times
// the preprocessed size) would only add the same builtins wrapped.
#include <cpuid.h>
#include <emmintrin.h>
#include <smmintrin.h>
#include <tmmintrin.h>
#else
#define DOCKIMG_HAVE_SHA_NI 0
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

DOCKIMG_BEGIN_NAMESPACE
namespace detail {
namespace sha2 {

/// SHA-256 round constants (FIPS 180-4 §4.2.2).
inline constexpr std::uint32_t k256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

/// SHA-512 round constants (FIPS 180-4 §4.2.3).
inline constexpr std::uint64_t k512[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

/// Big-endian 32-bit load.
[[nodiscard]] inline std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | static_cast<std::uint32_t>(p[3]);
}
/// Big-endian 64-bit load.
[[nodiscard]] inline std::uint64_t load_be64(const std::uint8_t* p) noexcept {
  return (static_cast<std::uint64_t>(load_be32(p)) << 32) | load_be32(p + 4);
}
/// Big-endian 32-bit store.
inline void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}
/// Big-endian 64-bit store.
inline void store_be64(std::uint8_t* p, std::uint64_t v) noexcept {
  store_be32(p, static_cast<std::uint32_t>(v >> 32));
  store_be32(p + 4, static_cast<std::uint32_t>(v));
}

/// Rotate right (32 bits).
[[nodiscard]] constexpr std::uint32_t rotr32(std::uint32_t x, unsigned n) noexcept {
  return (x >> n) | (x << (32u - n));
}
/// Rotate right (64 bits).
[[nodiscard]] constexpr std::uint64_t rotr64(std::uint64_t x, unsigned n) noexcept {
  return (x >> n) | (x << (64u - n));
}

// ------------------------------------------------------------------------------------------------
// Portable SHA-256
// ------------------------------------------------------------------------------------------------

/// One SHA-256 round; the caller rotates the roles of the eight working variables.
inline void round256(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t& d, std::uint32_t e,
                     std::uint32_t f, std::uint32_t g, std::uint32_t& h, std::uint32_t kw) noexcept {
  const std::uint32_t t1 = h + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + (g ^ (e & (f ^ g))) + kw;
  const std::uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) | (c & (a | b)));
  d += t1;
  h = t1 + t2;
}

/// Message schedule step: W[i] for i >= 16 in a 16-word ring.
inline std::uint32_t schedule256(std::uint32_t* w, unsigned i) noexcept {
  const std::uint32_t w15 = w[(i - 15) & 15];
  const std::uint32_t w2 = w[(i - 2) & 15];
  const std::uint32_t s0 = rotr32(w15, 7) ^ rotr32(w15, 18) ^ (w15 >> 3);
  const std::uint32_t s1 = rotr32(w2, 17) ^ rotr32(w2, 19) ^ (w2 >> 10);
  return w[i & 15] += s1 + w[(i - 7) & 15] + s0;
}

/// Portable SHA-256 compression of `blocks` consecutive 64-byte blocks.
inline void compress256_portable(std::uint32_t* state, const std::uint8_t* data, std::size_t blocks) noexcept {
  for (; blocks != 0; --blocks, data += 64) {
    std::uint32_t w[16];
    for (unsigned i = 0; i < 16; ++i) w[i] = load_be32(data + 4 * i);
    std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (unsigned i = 0; i < 16; i += 8) {
      round256(a, b, c, d, e, f, g, h, k256[i + 0] + w[i + 0]);
      round256(h, a, b, c, d, e, f, g, k256[i + 1] + w[i + 1]);
      round256(g, h, a, b, c, d, e, f, k256[i + 2] + w[i + 2]);
      round256(f, g, h, a, b, c, d, e, k256[i + 3] + w[i + 3]);
      round256(e, f, g, h, a, b, c, d, k256[i + 4] + w[i + 4]);
      round256(d, e, f, g, h, a, b, c, k256[i + 5] + w[i + 5]);
      round256(c, d, e, f, g, h, a, b, k256[i + 6] + w[i + 6]);
      round256(b, c, d, e, f, g, h, a, k256[i + 7] + w[i + 7]);
    }
    for (unsigned i = 16; i < 64; i += 8) {
      round256(a, b, c, d, e, f, g, h, k256[i + 0] + schedule256(w, i + 0));
      round256(h, a, b, c, d, e, f, g, k256[i + 1] + schedule256(w, i + 1));
      round256(g, h, a, b, c, d, e, f, k256[i + 2] + schedule256(w, i + 2));
      round256(f, g, h, a, b, c, d, e, k256[i + 3] + schedule256(w, i + 3));
      round256(e, f, g, h, a, b, c, d, k256[i + 4] + schedule256(w, i + 4));
      round256(d, e, f, g, h, a, b, c, k256[i + 5] + schedule256(w, i + 5));
      round256(c, d, e, f, g, h, a, b, k256[i + 6] + schedule256(w, i + 6));
      round256(b, c, d, e, f, g, h, a, k256[i + 7] + schedule256(w, i + 7));
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

// ------------------------------------------------------------------------------------------------
// Portable SHA-512 (also SHA-384)
// ------------------------------------------------------------------------------------------------

/// One SHA-512 round; the caller rotates the roles of the eight working variables.
inline void round512(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t& d, std::uint64_t e,
                     std::uint64_t f, std::uint64_t g, std::uint64_t& h, std::uint64_t kw) noexcept {
  const std::uint64_t t1 = h + (rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41)) + (g ^ (e & (f ^ g))) + kw;
  const std::uint64_t t2 = (rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39)) + ((a & b) | (c & (a | b)));
  d += t1;
  h = t1 + t2;
}

/// Expands one 128-byte block into `wk[t] = W[t] + K[t]` for the 80 rounds. With SSE2 (every
/// x86-64) two schedule words are computed per step; the rounds then run without schedule work
/// in their dependency chain.
inline void expand512(const std::uint8_t* data, std::uint64_t* wk) noexcept {
  alignas(16) std::uint64_t w[80];
  for (unsigned i = 0; i < 16; ++i) {
    w[i] = load_be64(data + 8 * i);
    wk[i] = w[i] + k512[i];
  }
#if defined(__SSE2__)
  const auto rot = [](__m128i x, int n) noexcept {
    return _mm_or_si128(_mm_srli_epi64(x, n), _mm_slli_epi64(x, 64 - n));
  };
  for (unsigned t = 16; t < 80; t += 2) {
    const __m128i x2 = _mm_load_si128(reinterpret_cast<const __m128i*>(w + t - 2));
    const __m128i x15 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + t - 15));
    const __m128i x7 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + t - 7));
    const __m128i x16 = _mm_load_si128(reinterpret_cast<const __m128i*>(w + t - 16));
    const __m128i s1 = _mm_xor_si128(_mm_xor_si128(rot(x2, 19), rot(x2, 61)), _mm_srli_epi64(x2, 6));
    const __m128i s0 = _mm_xor_si128(_mm_xor_si128(rot(x15, 1), rot(x15, 8)), _mm_srli_epi64(x15, 7));
    const __m128i x = _mm_add_epi64(_mm_add_epi64(s1, x7), _mm_add_epi64(s0, x16));
    _mm_store_si128(reinterpret_cast<__m128i*>(w + t), x);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(wk + t),
                     _mm_add_epi64(x, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k512 + t))));
  }
#else
  for (unsigned t = 16; t < 80; ++t) {
    const std::uint64_t w15 = w[t - 15];
    const std::uint64_t w2 = w[t - 2];
    const std::uint64_t s0 = rotr64(w15, 1) ^ rotr64(w15, 8) ^ (w15 >> 7);
    const std::uint64_t s1 = rotr64(w2, 19) ^ rotr64(w2, 61) ^ (w2 >> 6);
    w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    wk[t] = w[t] + k512[t];
  }
#endif
}

/// Portable SHA-512 compression of `blocks` consecutive 128-byte blocks: the schedule of a block
/// first (`expand512`), then its 80 rounds, unrolled by eight.
inline void compress512_portable(std::uint64_t* state, const std::uint8_t* data, std::size_t blocks) noexcept {
  for (; blocks != 0; --blocks, data += 128) {
    alignas(16) std::uint64_t wk[80];
    expand512(data, wk);
    std::uint64_t a = state[0], b = state[1], c = state[2], d = state[3];
    std::uint64_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (unsigned i = 0; i < 80; i += 8) {
      round512(a, b, c, d, e, f, g, h, wk[i + 0]);
      round512(h, a, b, c, d, e, f, g, wk[i + 1]);
      round512(g, h, a, b, c, d, e, f, wk[i + 2]);
      round512(f, g, h, a, b, c, d, e, wk[i + 3]);
      round512(e, f, g, h, a, b, c, d, wk[i + 4]);
      round512(d, e, f, g, h, a, b, c, wk[i + 5]);
      round512(c, d, e, f, g, h, a, b, wk[i + 6]);
      round512(b, c, d, e, f, g, h, a, wk[i + 7]);
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

// ------------------------------------------------------------------------------------------------
// SHA-NI SHA-256 (x86)
// ------------------------------------------------------------------------------------------------

#if DOCKIMG_HAVE_SHA_NI

/// True when the CPU has the SHA extensions plus SSSE3 and SSE4.1 (cpuid leaves 1 and 7).
[[nodiscard]] inline bool cpu_has_sha_ni_uncached() noexcept {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
  const bool ssse3 = (c & (1u << 9)) != 0;
  const bool sse41 = (c & (1u << 19)) != 0;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 0, a, b, c, d);
  return ssse3 && sse41 && (b & (1u << 29)) != 0;
}

/// `cpu_has_sha_ni_uncached()`, computed once.
[[nodiscard]] inline bool cpu_has_sha_ni() noexcept {
  static const bool has = cpu_has_sha_ni_uncached();
  return has;
}

/// Four 32-bit lanes: the operand type of the compilers' SHA-256 builtins.
typedef int sha_v4si __attribute__((__vector_size__(16)));

/// `_mm_sha256rnds2_epu32`: two SHA-256 rounds on `cdgh`/`abef` with the two words `wk[1:0]`.
__attribute__((target("sha,sse4.1"))) inline __m128i sha256rnds2(__m128i cdgh, __m128i abef, __m128i wk) noexcept {
  return reinterpret_cast<__m128i>(__builtin_ia32_sha256rnds2(
      reinterpret_cast<sha_v4si>(cdgh), reinterpret_cast<sha_v4si>(abef), reinterpret_cast<sha_v4si>(wk)));
}
/// `_mm_sha256msg1_epu32`: the sigma0 part of the message schedule.
__attribute__((target("sha,sse4.1"))) inline __m128i sha256msg1(__m128i a, __m128i b) noexcept {
  return reinterpret_cast<__m128i>(
      __builtin_ia32_sha256msg1(reinterpret_cast<sha_v4si>(a), reinterpret_cast<sha_v4si>(b)));
}
/// `_mm_sha256msg2_epu32`: the sigma1 part of the message schedule.
__attribute__((target("sha,sse4.1"))) inline __m128i sha256msg2(__m128i a, __m128i b) noexcept {
  return reinterpret_cast<__m128i>(
      __builtin_ia32_sha256msg2(reinterpret_cast<sha_v4si>(a), reinterpret_cast<sha_v4si>(b)));
}

// One group of four rounds (two sha256rnds2) on message vector `m` with constants k256[4g..4g+3].
#define DOCKIMG_SHA_NI_ROUNDS(g, m)                                                                \
  msg = _mm_add_epi32(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k256 + 4 * (g))));       \
  s1 = sha256rnds2(s1, s0, msg);                                                                   \
  msg = _mm_shuffle_epi32(msg, 0x0E);                                                              \
  s0 = sha256rnds2(s0, s1, msg)
// Four rounds that also advance the schedule: `next += alignr(m, prev, 4)`, `next = msg2(next, m)`,
// and (for the groups that still need it) `prev = msg1(prev, m)`.
#define DOCKIMG_SHA_NI_ROUNDS_SCHED(g, m, prev, next, do_msg1)                                     \
  msg = _mm_add_epi32(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k256 + 4 * (g))));       \
  s1 = sha256rnds2(s1, s0, msg);                                                                   \
  next = sha256msg2(_mm_add_epi32(next, _mm_alignr_epi8(m, prev, 4)), m);                          \
  msg = _mm_shuffle_epi32(msg, 0x0E);                                                              \
  s0 = sha256rnds2(s0, s1, msg);                                                                   \
  if (do_msg1) prev = sha256msg1(prev, m)

/// SHA-256 compression of `blocks` 64-byte blocks with the SHA-NI instructions. Call only when
/// `cpu_has_sha_ni()`.
__attribute__((target("sha,sse4.1"))) inline void compress256_sha_ni(std::uint32_t* state,
                                                                     const std::uint8_t* data,
                                                                     std::size_t blocks) noexcept {
  const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
  __m128i t = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));       // DCBA
  __m128i s1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));  // HGFE
  t = _mm_shuffle_epi32(t, 0xB1);                                              // CDAB
  s1 = _mm_shuffle_epi32(s1, 0x1B);                                            // EFGH
  __m128i s0 = _mm_alignr_epi8(t, s1, 8);                                      // ABEF
  s1 = _mm_blend_epi16(s1, t, 0xF0);                                           // CDGH
  for (; blocks != 0; --blocks, data += 64) {
    const __m128i save0 = s0;
    const __m128i save1 = s1;
    __m128i msg;
    __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data)), mask);
    __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16)), mask);
    __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 32)), mask);
    __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 48)), mask);
    DOCKIMG_SHA_NI_ROUNDS(0, m0);
    DOCKIMG_SHA_NI_ROUNDS(1, m1);
    m0 = sha256msg1(m0, m1);
    DOCKIMG_SHA_NI_ROUNDS(2, m2);
    m1 = sha256msg1(m1, m2);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(3, m3, m2, m0, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(4, m0, m3, m1, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(5, m1, m0, m2, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(6, m2, m1, m3, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(7, m3, m2, m0, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(8, m0, m3, m1, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(9, m1, m0, m2, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(10, m2, m1, m3, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(11, m3, m2, m0, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(12, m0, m3, m1, true);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(13, m1, m0, m2, false);
    DOCKIMG_SHA_NI_ROUNDS_SCHED(14, m2, m1, m3, false);
    DOCKIMG_SHA_NI_ROUNDS(15, m3);
    s0 = _mm_add_epi32(s0, save0);
    s1 = _mm_add_epi32(s1, save1);
  }
  t = _mm_shuffle_epi32(s0, 0x1B);     // FEBA
  s1 = _mm_shuffle_epi32(s1, 0xB1);    // DCHG
  s0 = _mm_blend_epi16(t, s1, 0xF0);   // DCBA
  s1 = _mm_alignr_epi8(s1, t, 8);      // HGFE
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), s0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), s1);
}

#undef DOCKIMG_SHA_NI_ROUNDS
#undef DOCKIMG_SHA_NI_ROUNDS_SCHED

#else

/// No SHA-NI on this target.
[[nodiscard]] inline bool cpu_has_sha_ni() noexcept { return false; }

/// Never called on this target (the portable code runs instead).
inline void compress256_sha_ni(std::uint32_t* state, const std::uint8_t* data, std::size_t blocks) noexcept {
  compress256_portable(state, data, blocks);
}

#endif

}  // namespace sha2
}  // namespace detail
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_SHA2_HPP

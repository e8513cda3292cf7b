// SHA-256 / SHA-512 throughput (bytes/s) on 64 B, 4 KiB and 1 MiB buffers, one-shot hashes.
//
// BM_sha256_dockimg_sha_ni/<n>    dockimg SHA-256, SHA-NI path (skipped when the CPU lacks it)
// BM_sha256_dockimg_portable/<n>  dockimg SHA-256, portable C++ path
// BM_sha256_openssl/<n>           OpenSSL EVP SHA-256 (EVP_DigestInit_ex/Update/Final_ex, one reused ctx)
// BM_sha512_dockimg/<n>           dockimg SHA-512 (portable, unrolled)
// BM_sha512_openssl/<n>           OpenSSL EVP SHA-512
// BM_digest_parse                 dockimg::digest::parse of a sha256 digest string
// BM_chain_id                     one chain ID step
//
// The OpenSSL peers exist when benchmarks/CMakeLists.txt found it (DOCKIMG_BENCH_HAVE_OPENSSL).
// Ratio: dockimg bytes/s divided by OpenSSL bytes/s at the same size.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <dockimg/digest.hpp>

#if defined(DOCKIMG_BENCH_HAVE_OPENSSL)
#include <openssl/evp.h>
#endif

namespace {

namespace dg = dockimg::digest;

std::string buffer(std::size_t n) {
  static const std::string data = [] {
    std::string s(std::size_t{1} << 20, '\0');
    std::uint64_t x = 0x9e3779b97f4a7c15ull;
    for (auto& c : s) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x & 0xFF);
    }
    return s;
  }();
  return data.substr(0, n);
}

void sha256_dockimg(benchmark::State& state, dg::backend b) {
  if (!dg::available(b)) {
    state.SkipWithError("backend not available on this CPU");
    return;
  }
  const std::string data = buffer(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto h = dg::sha256_hasher::hash(data, b);
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_sha256_dockimg_sha_ni(benchmark::State& state) { sha256_dockimg(state, dg::backend::sha_ni); }
void BM_sha256_dockimg_portable(benchmark::State& state) { sha256_dockimg(state, dg::backend::portable); }

void BM_sha512_dockimg(benchmark::State& state) {
  const std::string data = buffer(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto h = dg::sha512_hasher::hash(data);
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

#if defined(DOCKIMG_BENCH_HAVE_OPENSSL)
void openssl_digest(benchmark::State& state, const EVP_MD* md) {
  const std::string data = buffer(static_cast<std::size_t>(state.range(0)));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    EVP_DigestInit_ex(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, data.data(), data.size());
    EVP_DigestFinal_ex(ctx, out, &len);
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_CTX_free(ctx);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
void BM_sha256_openssl(benchmark::State& state) { openssl_digest(state, EVP_sha256()); }
void BM_sha512_openssl(benchmark::State& state) { openssl_digest(state, EVP_sha512()); }
#endif

void BM_digest_parse(benchmark::State& state) {
  const std::string d = "sha256:e58fcf7418d4390dec8e8fb69d88c06ec07039d651fedd3aa72af9972e7d046b";
  for (auto _ : state) {
    auto r = dg::parse(d);
    benchmark::DoNotOptimize(r);
  }
}

void BM_chain_id(benchmark::State& state) {
  const std::string a = "sha256:9d3dd9504c685a304985025df4ed0283e47ac9ffa9bd0326fddf4d59513f0827";
  const std::string b = "sha256:2b689805fbd00b2db1df73fae47562faac1a626d5f61744bfe29946ecff5d73d";
  for (auto _ : state) {
    auto v = dg::chain_id(a, b).text();
    benchmark::DoNotOptimize(v);
  }
}

}  // namespace

BENCHMARK(BM_sha256_dockimg_sha_ni)->Arg(64)->Arg(4096)->Arg(1 << 20);
BENCHMARK(BM_sha256_dockimg_portable)->Arg(64)->Arg(4096)->Arg(1 << 20);
#if defined(DOCKIMG_BENCH_HAVE_OPENSSL)
BENCHMARK(BM_sha256_openssl)->Arg(64)->Arg(4096)->Arg(1 << 20);
#endif
BENCHMARK(BM_sha512_dockimg)->Arg(64)->Arg(4096)->Arg(1 << 20);
#if defined(DOCKIMG_BENCH_HAVE_OPENSSL)
BENCHMARK(BM_sha512_openssl)->Arg(64)->Arg(4096)->Arg(1 << 20);
#endif
BENCHMARK(BM_digest_parse);
BENCHMARK(BM_chain_id);

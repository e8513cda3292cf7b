// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/digest.hpp>: streaming SHA-256, digest strings parsed by the OCI rules,
// verification of a blob, and the chain ID of a stack of layers.
#include <cstdio>
#include <dockimg/digest.hpp>
#include <string_view>

namespace dg = dockimg::digest;

int main() {
  // [tour]
  dg::sha256_hasher h;  // SHA-NI when the CPU has it, portable code otherwise
  h.update("hello ");
  h.update("world");
  const dg::value v = dg::make_value(dg::algorithm::sha256, h.finish());
  const dg::text t = v.text();  // "sha256:b94d27b9...", in fixed storage
  std::printf("%.*s\n", static_cast<int>(t.size()), t.data());

  const dg::parse_result p =
      dg::parse("sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
  std::printf("parsed %.*s, matches: %d\n", static_cast<int>(p.digest.name.size()),
              p.digest.name.data(), p.ok() && v.matches(p.digest) ? 1 : 0);

  const dg::error e = dg::verify("hello there", p.digest.str());
  std::printf("verify other blob: %s\n", dg::message(e).c_str());
  std::printf("parse \"sha256:XYZ\": %s\n", dg::message(dg::parse("sha256:XYZ").err).c_str());

  // Chain IDs (image-spec config.md): the identity of a stack of layers.
  const std::string_view diff_ids[] = {
      "sha256:a5ccd1e0dcba2f9c4bb2e8e1b1b3b6c0e5d25c0e4b7a4a1d0e0e9f0b6f2b8c1d",
      "sha256:1b0b9d0b3c4a2e6f5d8c7b9a0e1f2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"};
  const dg::text chain = dg::chain_id(diff_ids, 2);
  std::printf("chain id: %.*s\n", static_cast<int>(chain.size()), chain.data());
  // [/tour]
  return p.ok() && e ? 0 : 1;
}

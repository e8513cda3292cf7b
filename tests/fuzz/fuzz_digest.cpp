// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for dockimg/digest.hpp. The whole input, and every piece of it between `"`,
// newline and space bytes (so the digests inside the JSON seed documents are met as such), is
// parsed by the OCI rules and by go-digest's rules; the verdicts must be consistent with each
// other and with the grammar. The input is hashed with both SHA-256 implementations, streamed in
// two parts split where its first byte says, with SHA-384/512 too, and verified against its own
// digest (one-shot and streamed); every piece also builds a verifier; the pieces are chained as
// a layer stack.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include <dockimg/digest.hpp>

namespace {

namespace dg = dockimg::digest;

void check_digest(std::string_view s) {
  const dg::parse_result oci = dg::parse(s);
  if (oci.err.offset > s.size()) std::abort();
  if (oci.ok()) {
    if (!dg::valid_algorithm_name(oci.digest.name) || oci.digest.encoded.empty()) std::abort();
    if (oci.digest.str() != s) std::abort();
    if (oci.digest.registered && oci.digest.encoded.size() != 2 * dg::hash_size(oci.digest.id)) std::abort();
  }
  dg::go_options all;
  all.sha384 = true;
  all.blake3 = true;
  const dg::parse_result go_all = dg::parse_go(s, all);
  const dg::parse_result go_default = dg::parse_go(s);
  if (go_all.err.offset > s.size() || go_default.err.offset > s.size()) std::abort();
  // go-digest accepts only what the OCI rules accept
  if ((go_all.ok() || go_default.ok()) && !oci.ok()) std::abort();
  // a registered OCI digest is accepted by go-digest with blake3 imported
  if (oci.ok() && oci.digest.registered && !go_all.ok()) std::abort();
  // a valid unregistered name is "unsupported" in go-digest, never "invalid"
  if (oci.ok() && oci.digest.id == dg::algorithm::other && go_default.err.code != dg::errc::unsupported) std::abort();
  // registering more algorithms never turns a success into a failure
  if (go_default.ok() && !go_all.ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  check_digest(input);
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == '"' || input[i] == '\n' || input[i] == ' ') {
      if (i > start) {
        pieces.push_back(input.substr(start, i - start));
        check_digest(pieces.back());
      }
      start = i + 1;
    }
  }

  // hashing: both SHA-256 implementations, one-shot and streamed, agree
  const auto portable = dg::sha256_hasher::hash(input, dg::backend::portable);
  if (dg::sha256_hasher::hash(input, dg::backend::automatic) != portable) std::abort();
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  dg::sha256_hasher h256(dg::backend::automatic);
  h256.update(input.substr(0, split));
  h256.update(input.substr(split));
  if (h256.finish() != portable) std::abort();
  dg::sha512_hasher h512;
  h512.update(input.substr(0, split));
  h512.update(input.substr(split));
  if (h512.finish() != dg::sha512_hasher::hash(input)) std::abort();
  dg::sha384_hasher h384;
  h384.update(input.substr(split));
  (void)h384.finish();

  // the input verifies against its own digests and not against another one
  for (const dg::algorithm a : {dg::algorithm::sha256, dg::algorithm::sha512}) {
    const dg::value v = dg::compute(a, input);
    if (dg::verify(input, v.text()).code != dg::errc::ok) std::abort();
    if (!dg::parse(v.text()).ok() || !dg::parse_go(v.text()).ok()) std::abort();
    dg::verifier streamed(v.text());  // from a temporary: the verifier keeps no view of it
    streamed.update(input.substr(0, split));
    streamed.update(input.substr(split));
    if (streamed.verify().code != dg::errc::ok) std::abort();
  }
  // a verifier built from any piece never crashes and only succeeds on a computable digest
  for (const std::string_view piece : pieces) {
    dg::verifier v(piece);
    v.update(input);
    if (!v.verify() && !dg::can_compute(dg::parse(piece).digest.id)) std::abort();
  }
  if (size > 0 && dg::verify(input.substr(1), dg::from_bytes(input).text()).code != dg::errc::mismatch) std::abort();

  // chain IDs over the pieces: each step is sha256("<parent> <diff>")
  if (!pieces.empty()) {
    dg::for_each_chain_id(pieces.data(), pieces.size(), [&](std::size_t i, std::string_view c) {
      if (i == 0 && c != pieces[0]) std::abort();
      if (i > 0 && dg::parse(c).digest.id != dg::algorithm::sha256) std::abort();
    });
  }
  return 0;
}

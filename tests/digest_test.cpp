// Tests of dockimg/digest.hpp: digest parsing against corpus/oci/digests.jsonl (OCI rules and
// go-digest's verdicts), chain IDs against corpus/oci/chainid.jsonl, exact-bytes documents against
// their recorded sha256, the FIPS 180-4 example vectors, a differential against the sha256sum /
// sha384sum / sha512sum commands on random inputs of every length 0..1000 (both SHA-256
// implementations), streaming with random splits, and zero allocation.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include <dockimg/digest.hpp>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace {

namespace dg = dockimg::digest;

std::string oci_dir() { return dockimg_test::corpus_dir() + "/oci"; }

std::string hex(const std::uint8_t* p, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) {
  return hex(a.data(), N);
}

// go-digest's error variable name for a dockimg code (as digests.jsonl records it).
std::string go_name(dg::errc e) {
  switch (e) {
    case dg::errc::ok: return "";
    case dg::errc::bad_format: return "ErrDigestInvalidFormat";
    case dg::errc::bad_length: return "ErrDigestInvalidLength";
    case dg::errc::unsupported: return "ErrDigestUnsupported";
    case dg::errc::bad_encoded: return "(bad_encoded)";
    case dg::errc::mismatch: return "(mismatch)";
  }
  return "?";
}

// The backends to test: portable always, SHA-NI when the CPU has it.
std::vector<dg::backend> backends() {
  std::vector<dg::backend> out{dg::backend::portable};
  if (dg::available(dg::backend::sha_ni)) {
    out.push_back(dg::backend::sha_ni);
  } else {
    MESSAGE("SHA-NI not available on this CPU: only the portable SHA-256 is tested");
  }
  return out;
}

std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

}  // namespace

TEST_CASE("digest: digests.jsonl OCI rules and go-digest verdicts") {
  const std::string path = oci_dir() + "/digests.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::size_t n = 0, oci_ok = 0, go_ok = 0, go384_ok = 0;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    ++n;
    const std::string input = rec["input"].get<std::string>();
    INFO("input: " << input);

    // OCI spec: grammar + registered algorithms
    const auto& oci = rec["oci_spec"];
    const dg::parse_result p = dg::parse(input);
    bool good = p.ok() == oci["valid"].get<bool>();
    if (oci["valid"].get<bool>()) {
      good = good && p.digest.registered == oci["registered"].get<bool>() &&
             std::string(p.digest.name) == oci["algorithm"].get<std::string>() &&
             std::string(p.digest.encoded) == oci["encoded"].get<std::string>() && p.digest.str() == input;
    } else {
      // "grammar" failures are bad_format; the registered algorithms' rules are bad_length/bad_encoded
      const bool grammar = oci["why"].get<std::string>() == "grammar";
      good = good && (grammar ? p.err.code == dg::errc::bad_format
                              : (p.err.code == dg::errc::bad_length || p.err.code == dg::errc::bad_encoded));
      good = good && p.err.offset <= input.size();
    }
    CHECK_MESSAGE(good, "OCI verdict differs: " << go_name(p.err.code) << " at " << p.err.offset);
    oci_ok += good ? 1 : 0;

    // go-digest, default registrations and with sha384
    for (const bool with384 : {false, true}) {
      const auto& go = rec[with384 ? "go_digest_with_sha384" : "go_digest_default"];
      dg::go_options opt;
      opt.sha384 = with384;
      const dg::parse_result g = dg::parse_go(input, opt);
      bool same = go_name(g.err.code) == go["err"].get<std::string>();
      if (g.ok()) {
        same = same && std::string(g.digest.name) == go["algorithm"].get<std::string>() &&
               std::string(g.digest.encoded) == go["encoded"].get<std::string>();
      }
      CHECK_MESSAGE(same, (with384 ? "go+sha384" : "go") << " verdict differs: " << go_name(g.err.code));
      (with384 ? go384_ok : go_ok) += same ? 1 : 0;
    }
  }
  MESSAGE("digests.jsonl: " << n << " records; OCI " << oci_ok << "/" << n << ", go-digest " << go_ok << "/" << n
                            << ", go-digest+sha384 " << go384_ok << "/" << n);
  CHECK(n == 40);
}

TEST_CASE("digest: chainid.jsonl") {
  const std::string path = oci_dir() + "/chainid.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::size_t n = 0, ok = 0;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    ++n;
    INFO("case: " << rec["name"].get<std::string>());
    std::vector<std::string> ids;
    for (const auto& d : rec["diff_ids"]) ids.push_back(d.get<std::string>());
    std::vector<std::string_view> views(ids.begin(), ids.end());
    std::vector<std::string> got;
    dg::for_each_chain_id(views.data(), views.size(), [&](std::size_t i, std::string_view c) {
      CHECK(i == got.size());
      got.emplace_back(c);
    });
    std::vector<std::string> want;
    for (const auto& c : rec["chain_ids"]) want.push_back(c.get<std::string>());
    CHECK(got == want);
    const dg::text last = dg::chain_id(views.data(), views.size());
    CHECK(std::string(last.view()) == (want.empty() ? std::string() : want.back()));
    ok += (got == want) ? 1 : 0;

    // the cases named after a corpus config: their diff_ids are that file's rootfs.diff_ids
    const std::string name = rec["name"].get<std::string>();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
      std::string doc;
      REQUIRE(dockimg_test::read_file(oci_dir() + "/" + name, doc));
      const auto j = nlohmann::json::parse(doc);
      std::vector<std::string> file_ids;
      for (const auto& d : j["rootfs"]["diff_ids"]) file_ids.push_back(d.get<std::string>());
      CHECK(file_ids == ids);
      for (const auto& id : file_ids) CHECK(dg::parse(id).ok());
    }
  }
  MESSAGE("chainid.jsonl: " << ok << "/" << n);
  CHECK(n == 7);
}

TEST_CASE("digest: exact-bytes documents hash to their recorded sha256") {
  const std::string path = oci_dir() + "/cases.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::size_t n = 0;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    if (!rec.contains("expected_sha256") || !rec.value("sha256_verified", false)) continue;
    ++n;
    const std::string file = rec["file"].get<std::string>();
    INFO("file: " << file);
    std::string doc;
    REQUIRE(dockimg_test::read_file(oci_dir() + "/" + file, doc));
    std::string want = rec["expected_sha256"].get<std::string>();
    if (want.compare(0, 7, "sha256:") != 0) want = "sha256:" + want;
    CHECK(std::string(dg::from_bytes(doc).text().view()) == want);
    CHECK(dg::verify(doc, want).code == dg::errc::ok);
    for (const dg::backend b : backends()) {
      dg::verifier v(want, b);
      for (std::size_t i = 0; i < doc.size(); i += 100) v.update(std::string_view(doc).substr(i, 100));
      CHECK(v.verify().code == dg::errc::ok);
    }
    std::string changed = doc;
    changed[changed.size() / 2] ^= 1;
    CHECK(dg::verify(changed, want).code == dg::errc::mismatch);
  }
  MESSAGE("exact-bytes documents verified: " << n);
  CHECK(n > 0);
}

TEST_CASE("digest: FIPS 180-4 example vectors") {
  struct vec {
    std::string msg;
    const char* sha256;
    const char* sha384;
    const char* sha512;
  };
  // FIPS 180-4 / NIST CSRC "Examples with intermediate values" (SHA256.pdf, SHA384.pdf, SHA512.pdf)
  const std::vector<vec> vectors = {
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
       "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e"
       "2a9ac94fa54ca49f"},
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
       "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a"
       "538327af927da3e"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
       "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b",
       "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd7035"
       "4ec631238ca3445"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
       "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039",
       "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545"
       "e96e55b874be909"},
      {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
       "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
       "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4"
       "eadb217ad8cc09b"},
  };
  for (const auto& v : vectors) {
    INFO("message length " << v.msg.size());
    for (const dg::backend b : backends()) CHECK(hex(dg::sha256_hasher::hash(v.msg, b)) == v.sha256);
    CHECK(hex(dg::sha384_hasher::hash(v.msg)) == v.sha384);
    CHECK(hex(dg::sha512_hasher::hash(v.msg)) == v.sha512);
  }
}

TEST_CASE("digest: differential against sha256sum sha384sum and sha512sum on lengths 0 to 1000") {
  // one file per length in a temporary directory; each command hashes all 1001 files at once
  char dir_template[] = "/tmp/dockimg-digest-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  REQUIRE(dir != nullptr);
  std::mt19937_64 rng(0x5eed5eedu);
  std::vector<std::string> inputs;
  for (std::size_t len = 0; len <= 1000; ++len) {
    inputs.push_back(random_bytes(rng, len));
    std::FILE* f = std::fopen((std::string(dir) + "/" + std::to_string(len)).c_str(), "wb");
    REQUIRE(f != nullptr);
    if (len != 0) REQUIRE(std::fwrite(inputs.back().data(), 1, len, f) == len);
    std::fclose(f);
  }
  auto run = [&](const char* tool) {
    std::map<std::size_t, std::string> out;
    const std::string cmd = std::string("cd '") + dir + "' && " + tool + " * 2>/dev/null";
    std::FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char line[512];
    while (std::fgets(line, sizeof line, p) != nullptr) {
      const std::string s(line);
      const std::size_t sp = s.find("  ");
      if (sp == std::string::npos) continue;
      std::string name = s.substr(sp + 2);
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
      out[std::stoul(name)] = s.substr(0, sp);
    }
    ::pclose(p);
    return out;
  };
  const auto want256 = run("sha256sum");
  const auto want384 = run("sha384sum");
  const auto want512 = run("sha512sum");
  for (std::size_t len = 0; len <= 1000; ++len) std::remove((std::string(dir) + "/" + std::to_string(len)).c_str());
  ::rmdir(dir);
  if (want256.size() != 1001 || want512.size() != 1001) {
    std::printf("SKIPPED: sha256sum/sha512sum not available\n");
    return;
  }
  std::size_t mismatches = 0;
  for (const dg::backend b : backends()) {
    for (std::size_t len = 0; len <= 1000; ++len) {
      if (hex(dg::sha256_hasher::hash(inputs[len], b)) != want256.at(len)) ++mismatches;
    }
  }
  for (std::size_t len = 0; len <= 1000; ++len) {
    if (hex(dg::sha512_hasher::hash(inputs[len])) != want512.at(len)) ++mismatches;
    if (want384.size() == 1001 && hex(dg::sha384_hasher::hash(inputs[len])) != want384.at(len)) ++mismatches;
    // the digest strings too
    if (std::string(dg::from_bytes(inputs[len]).text().view()) != "sha256:" + want256.at(len)) ++mismatches;
  }
  CHECK(mismatches == 0);
  MESSAGE("sha256sum/sha512sum differential: 1001 lengths x " << backends().size() << " SHA-256 backends, "
                                                             << mismatches << " mismatches");
}

TEST_CASE("digest: streaming with random splits equals one-shot") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    const std::size_t len = static_cast<std::size_t>(rng() % 5000);
    const std::string data = random_bytes(rng, len);
    for (const dg::backend b : backends()) {
      dg::sha256_hasher h256(b);
      dg::sha512_hasher h512;
      dg::sha384_hasher h384;
      std::size_t pos = 0;
      while (pos < len) {
        const std::size_t take = std::min<std::size_t>(len - pos, static_cast<std::size_t>(rng() % 300));
        h256.update(data.data() + pos, take);
        h512.update(data.data() + pos, take);
        h384.update(data.data() + pos, take);
        pos += take;
      }
      CHECK(h256.finish() == dg::sha256_hasher::hash(data, b));
      CHECK(h512.finish() == dg::sha512_hasher::hash(data));
      CHECK(h384.finish() == dg::sha384_hasher::hash(data));
      // empty updates (null data) change nothing
      h256.update(data.data(), 3 % (len + 1));
      h256.update(nullptr, 0);
      h256.update(std::string_view());
      CHECK(h256.finish() == dg::sha256_hasher::hash(data.substr(0, 3 % (len + 1)), b));
      // finish() resets: the hasher is reusable
      h256.update(data);
      CHECK(h256.finish() == dg::sha256_hasher::hash(data, b));
    }
  }
  // SHA-NI and portable agree on big random buffers (multi-block runs)
  if (dg::available(dg::backend::sha_ni)) {
    const std::string big = random_bytes(rng, (1u << 20) + 17);
    CHECK(dg::sha256_hasher::hash(big, dg::backend::sha_ni) == dg::sha256_hasher::hash(big, dg::backend::portable));
  }
}

TEST_CASE("digest: backend selection") {
  CHECK(dg::sha256_hasher(dg::backend::portable).implementation() == dg::backend::portable);
  const dg::backend best = dg::sha256_hasher().implementation();
  CHECK(best == dg::resolve(dg::backend::automatic));
  CHECK(best == (dg::available(dg::backend::sha_ni) ? dg::backend::sha_ni : dg::backend::portable));
}

TEST_CASE("digest: verify and verifier errors") {
  const std::string blob = "hello";
  const std::string d256 = std::string(dg::compute(dg::algorithm::sha256, blob).text().view());
  const std::string d512 = std::string(dg::compute(dg::algorithm::sha512, blob).text().view());
  const std::string d384 = std::string(dg::compute(dg::algorithm::sha384, blob).text().view());
  CHECK(dg::verify(blob, d256).code == dg::errc::ok);
  CHECK(dg::verify(blob, d512).code == dg::errc::ok);
  CHECK(dg::verify(blob, d384).code == dg::errc::ok);  // unregistered in OCI but valid there, and computable
  CHECK(dg::verify("hellp", d256).code == dg::errc::mismatch);
  CHECK(dg::verify(blob, "sha256:abc").code == dg::errc::bad_length);
  CHECK(dg::verify(blob, "sha256").code == dg::errc::bad_format);
  CHECK(dg::verify(blob, "blake3:" + std::string(64, 'a')).code == dg::errc::unsupported);
  {
    // the verifier keeps no view of its digest string
    std::string temp = d512;
    dg::verifier v512(temp);
    temp.assign(temp.size(), 'x');
    v512.update(blob);
    CHECK(v512.verify().code == dg::errc::ok);
    dg::verifier v384("sha384:abc");  // valid (unregistered) in OCI, can never match
    CHECK(v384.err().code == dg::errc::ok);
    v384.update(blob);
    CHECK(v384.verify().code == dg::errc::mismatch);
  }
  dg::verifier bad("nope");
  CHECK(bad.err().code == dg::errc::bad_format);
  CHECK(bad.verify().code == dg::errc::bad_format);
  CHECK(dg::message(dg::error{dg::errc::bad_length, 7}) == std::string(dg::message(dg::errc::bad_length)));
  // diff ID = sha256 of the uncompressed bytes; one chain step hashes "parent diff"
  CHECK(dg::diff_id(blob) == dg::from_bytes(blob));
  CHECK(dg::chain_id("sha256:a", "sha256:b") == dg::from_bytes("sha256:a sha256:b"));
}

TEST_CASE("digest: hashing parsing and chain IDs allocate nothing") {
  const std::string data(100000, 'x');
  const std::string_view ids[] = {
      "sha256:9d3dd9504c685a304985025df4ed0283e47ac9ffa9bd0326fddf4d59513f0827",
      "sha256:2b689805fbd00b2db1df73fae47562faac1a626d5f61744bfe29946ecff5d73d",
      "sha256:9007f5987db353ec398a223bc5a135c5a9601798ba20a1abba537ea2f8ac765f",
  };
  std::size_t n = 0;
  std::size_t sink = 0;
  {
    dockimg_test::alloc_scope scope;
    for (const dg::backend b : {dg::backend::portable, dg::backend::automatic}) {
      dg::sha256_hasher h(b);
      h.update(data);
      sink += h.finish()[0];
    }
    sink += dg::sha512_hasher::hash(data)[0];
    sink += dg::sha384_hasher::hash(data)[0];
    sink += dg::parse(ids[0]).ok() ? 1 : 0;
    sink += dg::parse_go(ids[1]).ok() ? 1 : 0;
    const dg::value v = dg::from_bytes(data);
    sink += v.text().size();
    sink += dg::verify(data, v.text()).code == dg::errc::ok ? 1 : 0;
    dg::verifier ver(v.text());
    ver.update(data);
    sink += ver.verify() ? 0 : 1;
    dg::for_each_chain_id(ids, 3, [&](std::size_t, std::string_view c) { sink += c.size(); });
    sink += dg::chain_id(ids, 3).size();
    n = scope.count();
  }
  CHECK(sink > 0);
  CHECK(n == 0);
}

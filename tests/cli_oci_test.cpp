// `dockimg validate`, `digest`, `inspect` and `diff`, run as a user runs them. The layouts are
// written by tests/make_test_layout.sh with coreutils (sha256sum names the blobs), so what the
// CLI reports is compared with what the shell computed independently.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

namespace {

using dockimg_test::run_cli;
using dockimg_test::shell_quote;

#ifndef DOCKIMG_SOURCE_DIR
#define DOCKIMG_SOURCE_DIR "."
#endif

struct layout_facts {
  std::map<std::string, std::string> digest;  // manifest, config, layer0, layer1
  std::map<std::string, long long> size;      // layer0, layer1
};

layout_facts make_layout(const std::string& dir, int variant) {
  layout_facts f;
  const std::string cmd = "bash " + shell_quote(std::string(DOCKIMG_SOURCE_DIR) + "/tests/make_test_layout.sh") + " " +
                          shell_quote(dir) + " " + std::to_string(variant);
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char line[512];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    std::istringstream in(line);
    std::string key;
    std::string digest;
    long long size = -1;
    in >> key >> digest >> size;
    f.digest[key] = digest;
    if (size >= 0) f.size[key] = size;
  }
  REQUIRE(::pclose(p) == 0);
  REQUIRE(f.digest.size() == 4);
  return f;
}

std::string blob_path(const std::string& dir, const std::string& digest) {
  return dir + "/blobs/sha256/" + digest.substr(7);
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("dockimg inspect reads a layout directory and its tar alike") {
  const std::string dir = "/tmp/dockimg_cli_oci_" + std::to_string(::getpid());
  REQUIRE(std::system(("rm -rf " + shell_quote(dir)).c_str()) == 0);
  const layout_facts v1 = make_layout(dir + "/v1", 1);
  REQUIRE(std::system(("tar -cf " + shell_quote(dir + "/v1.tar") + " -C " + shell_quote(dir + "/v1") + " .").c_str()) ==
          0);
  for (const std::string& path : {dir + "/v1", dir + "/v1.tar"}) {
    INFO(path);
    const auto r = run_cli("inspect --format=json --verify " + shell_quote(path));
    CHECK(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    REQUIRE(j["images"].size() == 2);
    const auto& img = j["images"][0];
    CHECK(img["platform"] == "linux/amd64");
    CHECK(img["attestation"] == false);
    CHECK(j["images"][1]["attestation"] == true);
    CHECK(img["manifest"] == v1.digest.at("manifest"));
    CHECK(img["config"] == v1.digest.at("config"));
    REQUIRE(img["layers"].size() == 2);
    CHECK(img["layers"][0]["digest"] == v1.digest.at("layer0"));
    CHECK(img["layers"][0]["size"] == v1.size.at("layer0"));
    CHECK(img["layers"][1]["size"] == v1.size.at("layer1"));
    CHECK(img["total_size"] == v1.size.at("layer0") + v1.size.at("layer1"));
    CHECK(img["layers"][0]["instruction"] == "ADD file:abc in / ");
    CHECK(img["layers"][1]["instruction"] == "RUN /bin/sh -c apt-get install -y curl");
    CHECK(img["layers"][0]["verify"] == "ok");
    CHECK(img["layers"][1]["verify"] == "ok");
    CHECK(img["empty_steps"].size() == 1);
  }
  {
    const auto r = run_cli("inspect --platform linux/amd64 --sort=size " + shell_quote(dir + "/v1"));
    CHECK(r.status == 0);
    // largest layer first
    CHECK(r.out.find("RUN /bin/sh -c apt-get") < r.out.find("ADD file:abc"));
    CHECK(run_cli("inspect --platform linux/arm64 " + shell_quote(dir + "/v1")).status == 1);
  }
  // a damaged layer fails verification
  {
    const std::string layer = blob_path(dir + "/v1", v1.digest.at("layer1"));
    REQUIRE(std::system(("printf x >> " + shell_quote(layer)).c_str()) == 0);
    const auto r = run_cli("inspect --verify " + shell_quote(dir + "/v1"));
    CHECK(r.status == 1);
    CHECK(r.out.find("digest mismatch") != std::string::npos);
  }
  // the lone documents
  {
    const auto m = run_cli("inspect --format=json " + shell_quote(blob_path(dir + "/v1", v1.digest.at("manifest"))));
    CHECK(m.status == 0);
    CHECK(nlohmann::json::parse(m.out)["images"][0]["layers"].size() == 2);
    const auto c = run_cli("inspect " + shell_quote(blob_path(dir + "/v1", v1.digest.at("config"))));
    CHECK(c.status == 0);
    CHECK(c.out.find("apt-get install") != std::string::npos);
  }
  std::system(("rm -rf " + shell_quote(dir)).c_str());
}

TEST_CASE("dockimg diff reports shared - removed and added layers with sizes") {
  const std::string dir = "/tmp/dockimg_cli_diff_" + std::to_string(::getpid());
  REQUIRE(std::system(("rm -rf " + shell_quote(dir)).c_str()) == 0);
  const layout_facts a = make_layout(dir + "/a", 1);
  const layout_facts b = make_layout(dir + "/b", 3);
  const auto r = run_cli("diff --format=json " + shell_quote(dir + "/a") + " " + shell_quote(dir + "/b"));
  CHECK(r.status == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["old_size"] == a.size.at("layer0") + a.size.at("layer1"));
  CHECK(j["new_size"] == b.size.at("layer0") + b.size.at("layer1"));
  CHECK(j["delta"] == b.size.at("layer1") - a.size.at("layer1"));
  CHECK(j["shared_size"] == a.size.at("layer0"));  // gzip -n of the same bytes: the same blob
  REQUIRE(j["removed"].size() == 1);
  REQUIRE(j["added"].size() == 1);
  CHECK(j["removed"][0]["digest"] == a.digest.at("layer1"));
  CHECK(j["added"][0]["digest"] == b.digest.at("layer1"));
  CHECK(run_cli("diff " + shell_quote(dir + "/a")).status == 2);
  std::system(("rm -rf " + shell_quote(dir)).c_str());
}

TEST_CASE("dockimg validate agrees with the corpus verdicts") {
  const std::string dir = dockimg_test::corpus_dir() + "/oci";
  if (dockimg_test::skip_without(dir + "/cases.jsonl")) return;
  std::string args = "validate";
  struct item {
    std::string file;
    std::string media_type;
    bool valid;
  };
  std::vector<item> want;
  for (const auto& rec : dockimg_test::read_jsonl(dir + "/cases.jsonl")) {
    want.push_back({dir + "/" + rec["file"].get<std::string>(), rec["media_type"].get<std::string>(),
                    rec["expect"].get<std::string>() == "valid"});
  }
  int agreed = 0;
  for (const item& w : want) {
    // the corpus's media type: a Docker manifest without mediaType is an OCI manifest by content
    const auto r = run_cli("validate --media-type " + shell_quote(w.media_type) + " " + shell_quote(w.file));
    const bool said_valid = r.out == w.file + ": valid (" + w.media_type + ")\n";
    const bool said_invalid = r.out.rfind(w.file + ": invalid: ", 0) == 0;
    if ((w.valid ? said_valid : said_invalid) && r.status == (w.valid ? 0 : 1)) {
      ++agreed;
    } else {
      FAIL_CHECK(w.file << ": " << r.out);
    }
  }
  std::printf("dockimg validate: %d of %zu corpus documents get the expected verdict\n", agreed, want.size());
  CHECK(agreed == static_cast<int>(want.size()));
}

TEST_CASE("dockimg digest prints what sha256sum and sha512sum print") {
  const std::string f = "/tmp/dockimg_cli_digest_" + std::to_string(::getpid());
  for (int n : {0, 1, 55, 64, 1000, 70000}) {
    REQUIRE(std::system(("head -c " + std::to_string(n) + " /dev/urandom > " + f).c_str()) == 0);
    for (const char* alg : {"sha256", "sha512"}) {
      const auto r = run_cli("digest --algorithm " + std::string(alg) + " " + f);
      FILE* p = ::popen((std::string(alg) + "sum " + f).c_str(), "r");
      REQUIRE(p != nullptr);
      char buf[256] = {};
      REQUIRE(std::fgets(buf, sizeof buf, p) != nullptr);
      ::pclose(p);
      const std::string sum = std::string(buf).substr(0, std::string(buf).find(' '));
      CHECK(r.status == 0);
      CHECK(r.out == std::string(alg) + ":" + sum + "  " + f + "\n");
    }
  }
  ::unlink(f.c_str());
  CHECK(run_cli("digest --algorithm md5 x").status == 2);
  CHECK(run_cli("digest /nonexistent").status == 1);
}

}  // TEST_SUITE

TEST_SUITE("cli") {

TEST_CASE("dockimg ref agrees with distribution/reference on every vector") {
  const std::string path = dockimg_test::corpus_dir() + "/reference/vectors.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto recs = dockimg_test::read_jsonl(path);
  std::string args = "ref";
  std::vector<const nlohmann::json*> used;
  for (const auto& rec : recs) {
    const std::string in = rec["input"].get<std::string>();
    if (in.empty() || in[0] == '-' || in.find('\0') != std::string::npos || in.size() > 4000) continue;
    args += " " + shell_quote(in);
    used.push_back(&rec);
  }
  const auto r = run_cli(args);
  std::size_t pos = 0;
  int agreed = 0;
  for (const nlohmann::json* rec : used) {
    const std::size_t nl = r.out.find('\n', pos);
    REQUIRE(nl != std::string::npos);
    const nlohmann::json got = nlohmann::json::parse(r.out.substr(pos, nl - pos));
    pos = nl + 1;
    const auto& n = (*rec)["normalized"];
    const auto& d = (*rec)["docker_ref"];
    INFO((*rec)["input"].get<std::string>());
    bool same = got.contains("error") != n["valid"].get<bool>();
    if (same && n["valid"].get<bool>()) {
      auto eq = [&](const char* k, const nlohmann::json& want) {
        const std::string w = want.get<std::string>();
        return w.empty() ? got[k].is_null() : got[k] == w;
      };
      same = eq("domain", n["domain"]) && eq("path", n["path"]) && eq("tag", n["tag"]) && eq("digest", n["digest"]) &&
             eq("name", n["name"]) && eq("familiar", n["familiar_string"]) &&
             (!d["valid"].get<bool>() || eq("normalized", d["string"]));
    }
    CHECK(same);
    agreed += same ? 1 : 0;
  }
  std::printf("dockimg ref: %d of %zu reference vectors agree (normalized, familiar, docker ref)\n", agreed,
              used.size());
  CHECK(used.size() > 100);
}

}  // TEST_SUITE

// Image references: every record of corpus/reference/{vectors,supplemental,regexp,compose}.jsonl
// against distribution/reference's recorded output, the upstream test assertions, and zero
// allocation over the whole corpus.
#include <doctest/doctest.h>

#include <dockimg/reference.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace rf = dockimg::reference;

namespace {

std::string ref_dir() { return dockimg_test::corpus_dir() + "/reference"; }

/// The corpus's error name for a dockimg error code.
std::string error_name(rf::errc c) {
  switch (c) {
    case rf::errc::invalid_format: return "ErrReferenceInvalidFormat";
    case rf::errc::tag_invalid_format: return "ErrTagInvalidFormat";
    case rf::errc::digest_invalid_format: return "ErrDigestInvalidFormat";
    case rf::errc::name_contains_uppercase: return "ErrNameContainsUppercase";
    case rf::errc::name_empty: return "ErrNameEmpty";
    case rf::errc::name_too_long: return "ErrNameTooLong";
    case rf::errc::name_not_canonical: return "ErrNameNotCanonical";
    case rf::errc::checksum_format: return "digest.ErrDigestInvalidFormat";
    case rf::errc::checksum_length: return "digest.ErrDigestInvalidLength";
    case rf::errc::checksum_unsupported: return "digest.ErrDigestUnsupported";
    case rf::errc::hex_name:
    case rf::errc::remote_uppercase: return "other";
    default: return "dockimg:" + std::string(rf::message(c));
  }
}

std::string field(const rf::ref& r, const std::string& key) {
  if (key == "string") return std::string(r.string);
  if (key == "name") return std::string(r.name);
  if (key == "domain") return std::string(r.domain);
  if (key == "path") return std::string(r.path);
  if (key == "tag") return std::string(r.tag);
  if (key == "digest") return std::string(r.digest);
  if (key == "familiar_name") return std::string(r.familiar_name());
  if (key == "familiar_string") return std::string(r.familiar_string());
  return "?" + key;
}

/// True when `got` agrees with a recorded `{valid, error, error_message, string, ...}` object.
bool agrees(const rf::result& got, const nlohmann::json& want, std::string& why) {
  const bool valid = want.at("valid").get<bool>();
  if (valid != got.ok()) {
    why = valid ? "rejected: " + rf::message(got.err) : "accepted: " + std::string(got.value.string);
    return false;
  }
  if (!valid) {
    const std::string name = error_name(got.err.code);
    const std::string msg = rf::message(got.err);
    if (name != want.at("error").get<std::string>() || msg != want.at("error_message").get<std::string>()) {
      why = "error " + name + " / " + msg;
      return false;
    }
    return true;
  }
  for (const auto& [key, value] : want.items()) {
    if (key == "valid") continue;
    const std::string g = field(got.value, key);
    if (g != value.get<std::string>()) {
      why = key + " = " + g;
      return false;
    }
  }
  return true;
}

struct all_results {
  std::vector<rf::result> parse, normalized, docker_ref, any, named, with_name;
};

all_results run_all(const std::vector<std::string>& inputs) {
  all_results r;
  for (auto* v : {&r.parse, &r.normalized, &r.docker_ref, &r.any, &r.named, &r.with_name}) v->reserve(inputs.size());
  return r;
}

void fill(all_results& r, const std::vector<std::string>& inputs, dockimg::arena& storage) {
  for (const std::string& s : inputs) {
    r.parse.push_back(rf::parse(s));
    r.normalized.push_back(rf::parse_normalized_named(s, storage));
    r.docker_ref.push_back(rf::parse_docker_ref(s, storage));
    r.any.push_back(rf::parse_any_reference(s, storage));
    r.named.push_back(rf::parse_named(s, storage));
    r.with_name.push_back(rf::with_name(s));
  }
}

/// Checks one recorded upstream assertion (`upstream_checks` of vectors.jsonl).
bool upstream_agrees(const nlohmann::json& chk, const all_results& r, std::size_t i, std::string& why) {
  const std::string api = chk.at("api").get<std::string>();
  const rf::result* got = nullptr;
  if (api == "Parse") got = &r.parse[i];
  if (api == "ParseNormalizedNamed") got = &r.normalized[i];
  if (api == "ParseDockerRef") got = &r.docker_ref[i];
  if (api == "ParseAnyReference") got = &r.any[i];
  if (api == "ParseNamed") got = &r.named[i];
  if (api == "WithName") got = &r.with_name[i];
  if (got == nullptr) {
    why = "unknown api " + api;
    return false;
  }
  if (chk.at("ok").get<bool>() != got->ok()) {
    why = api + (got->ok() ? " accepted" : " rejected: " + rf::message(got->err));
    return false;
  }
  for (const auto& [key, value] : chk.items()) {
    if (key == "api" || key == "ok") continue;
    const std::string g = key == "err" ? error_name(got->err.code) : field(got->value, key);
    if (g != value.get<std::string>()) {
      why = api + " " + key + " = " + g;
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("reference vectors and supplemental agree with distribution/reference") {
  if (dockimg_test::skip_without(ref_dir() + "/vectors.jsonl")) return;
  for (const std::string file : {"vectors.jsonl", "supplemental.jsonl"}) {
    const auto records = dockimg_test::read_jsonl(ref_dir() + "/" + file);
    std::vector<std::string> inputs;
    std::size_t hint = 0;
    for (const auto& rec : records) {
      inputs.push_back(rec.at("input").get<std::string>());
      hint += 5 * rf::storage_hint(inputs.back());
    }
    std::vector<unsigned char> mem(hint);
    dockimg::arena storage(mem.data(), mem.size());
    all_results r = run_all(inputs);
    std::size_t allocations = 0;
    {
      dockimg_test::alloc_scope scope;
      fill(r, inputs, storage);
      allocations = scope.count();
    }
    CHECK(allocations == 0);

    std::size_t checked = 0;
    std::size_t agreed = 0;
    std::size_t upstream = 0;
    std::size_t upstream_agreed = 0;
    std::size_t upstream_noted = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& rec = records[i];
      const std::pair<const char*, const std::vector<rf::result>*> apis[] = {
          {"parse", &r.parse}, {"normalized", &r.normalized}, {"docker_ref", &r.docker_ref}, {"any", &r.any}};
      for (const auto& api : apis) {
        const char* key = api.first;
        ++checked;
        std::string why;
        if (agrees((*api.second)[i], rec.at(key), why)) {
          ++agreed;
        } else {
          INFO(file << ": " << dockimg_test::go_quote(inputs[i]) << " " << key << ": " << why);
          CHECK(false);
        }
      }
      if (rec.contains("upstream_checks")) {
        for (const auto& chk : rec.at("upstream_checks")) {
          // A record with a `note` documents where the upstream assertion is known to be stale
          // (sha512 unregistered in the upstream test binary); the recorded verdict above rules.
          if (rec.contains("note")) {
            ++upstream_noted;
            continue;
          }
          ++upstream;
          std::string why;
          if (upstream_agrees(chk, r, i, why)) {
            ++upstream_agreed;
          } else {
            INFO(file << ": " << dockimg_test::go_quote(inputs[i]) << " upstream " << why);
            CHECK(false);
          }
        }
      }
    }
    std::printf("reference/%s: %zu records, %zu/%zu API verdicts agree, %zu/%zu upstream assertions agree "
                "(%zu noted as stale), %zu allocations\n",
                file.c_str(), records.size(), agreed, checked, upstream_agreed, upstream, upstream_noted, allocations);
    CHECK(agreed == checked);
    CHECK(upstream_agreed == upstream);
  }
}

TEST_CASE("reference regexp tables agree with distribution/reference") {
  const std::string path = ref_dir() + "/regexp.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto records = dockimg_test::read_jsonl(path);
  std::size_t agreed = 0;
  for (const auto& rec : records) {
    const std::string re = rec.at("regexp").get<std::string>();
    const std::string in = rec.at("input").get<std::string>();
    const bool want = rec.at("match").get<bool>();
    bool ok = false;
    if (re == "domain_and_port_anchored") {
      ok = rf::grammar::is_domain_and_port(in) == want;
    } else if (re == "identifier_anchored") {
      ok = rf::grammar::is_identifier(in) == want;
    } else if (re == "anchored_name") {
      const auto p = rf::grammar::split_name(in);
      ok = p.matched == want;
      if (ok && want && rec.contains("subs")) {
        ok = p.domain == rec["subs"].at("domain").get<std::string>() && p.path == rec["subs"].at("path").get<std::string>();
      }
    } else if (re == "reference") {
      const auto p = rf::grammar::match_reference(in);
      ok = p.matched == want;
      if (ok && want && rec.contains("subs")) {
        ok = p.name == rec["subs"].at("name").get<std::string>() && p.tag == rec["subs"].at("tag").get<std::string>() &&
             p.digest == rec["subs"].at("digest").get<std::string>();
      }
    }
    if (ok) {
      ++agreed;
    } else {
      INFO(re << " " << dockimg_test::go_quote(in));
      CHECK(false);
    }
  }
  std::printf("reference/regexp.jsonl: %zu/%zu agree\n", agreed, records.size());
  CHECK(agreed == records.size());
}

TEST_CASE("reference WithTag and WithDigest compose as distribution/reference") {
  const std::string path = ref_dir() + "/compose.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto records = dockimg_test::read_jsonl(path);
  std::size_t agreed = 0;
  std::vector<unsigned char> mem(4096);
  for (const auto& rec : records) {
    dockimg::arena storage(mem.data(), mem.size());
    const std::string op = rec.at("op").get<std::string>();
    const std::string name = rec.at("name").get<std::string>();
    const std::string tag = rec.at("tag").get<std::string>();
    const std::string digest = rec.at("digest").get<std::string>();
    // As the upstream tests do: WithName, then the other part, then the operation under test.
    rf::result r = rf::with_name(name);
    REQUIRE(r.ok());
    if (op == "WithTag") {
      if (!digest.empty()) r = rf::with_digest(r.value, digest, storage);
      REQUIRE(r.ok());
      r = rf::with_tag(r.value, tag, storage);
    } else {
      if (!tag.empty()) r = rf::with_tag(r.value, tag, storage);
      REQUIRE(r.ok());
      r = rf::with_digest(r.value, digest, storage);
    }
    if (r.ok() && r.value.string == rec.at("combined").get<std::string>()) {
      ++agreed;
    } else {
      INFO(op << " " << name << " -> " << (r.ok() ? std::string(r.value.string) : rf::message(r.err)));
      CHECK(false);
    }
  }
  std::printf("reference/compose.jsonl: %zu/%zu agree\n", agreed, records.size());
  CHECK(agreed == records.size());
}

TEST_CASE("reference composition errors and storage exhaustion") {
  char mem[8];
  dockimg::arena small(mem, sizeof mem);
  const rf::result n = rf::with_name("example.com/foo");
  REQUIRE(n.ok());
  CHECK(rf::with_tag(n.value, ".bad", small).err.code == rf::errc::tag_invalid_format);
  CHECK(rf::with_digest(n.value, "sha256:abc", small).err.code == rf::errc::digest_invalid_format);
  CHECK(rf::with_tag(n.value, "v1", small).err.code == rf::errc::out_of_storage);
  CHECK(rf::parse_normalized_named("ubuntu", small).err.code == rf::errc::out_of_storage);
  const std::string full = "example.com/foo:1@sha256:" + std::string(64, 'a');
  const rf::ref trimmed = rf::trim_named(rf::parse(full).value);
  CHECK(trimmed.string == "example.com/foo");
  CHECK(trimmed.name_only());
}

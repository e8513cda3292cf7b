// oci.hpp against ../shared/corpus/oci: every document of cases.jsonl gets the verdict the
// corpus gives, and each invalid one fails for the reason the corpus states.
#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <dockimg/oci.hpp>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace oci = dockimg::oci;

namespace {

std::string oci_dir() { return dockimg_test::corpus_dir() + "/oci"; }

/// The rule a case's `reason` text names (the corpus writes reasons in English; this reads the
/// words that name the failing rule). `ok` when the reason names none of them.
oci::rule rule_of_reason(const std::string& reason_in) {
  std::string r;
  for (char c : reason_in) r += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  auto has = [&](const char* w) { return r.find(w) != std::string::npos; };
  if (has("invalid json") || has("syntax")) return oci::rule::json_syntax;
  if (has("duplicate")) return oci::rule::duplicate_member;
  if (has("without mediatype")) return oci::rule::media_type_required;
  if (has("carrying")) return oci::rule::unexpected_member;
  if (has("foreign layer without urls")) return oci::rule::foreign_layer_urls;
  if (has("foreign layer url")) return oci::rule::foreign_layer_url;
  if (has("artifacttype is not set")) return oci::rule::artifact_type_required;
  if (has("when used, must be")) return oci::rule::media_type_mismatch;
  if (has("imagelayoutversion")) return has("enum") ? oci::rule::layout_version : oci::rule::json_syntax;
  if (has("rootfs.type")) return oci::rule::rootfs_type;
  if (has("env entry") || has("env is invalid")) return oci::rule::env_entry;
  if (has("date-time")) return oci::rule::date_time;
  if (has("decodes to")) return oci::rule::data_size;
  if (has("base64")) return oci::rule::base64;
  if (has("uri") || has("url")) return has("must be an array") ? oci::rule::wrong_type : oci::rule::uri;
  if (has("negative size")) return oci::rule::negative_size;
  if (has("2^63") || has("non-integer") || has("exponent")) return oci::rule::not_int64;
  if (has("schemaversion must be exactly")) return oci::rule::schema_version;
  if (has("at least one")) return oci::rule::min_items;
  if (has("missing") || has("required")) return oci::rule::required;
  if (has("digest") || has("algorithm") || has("encoded part") || has("hex") || has("hash")) {
    return oci::rule::digest_invalid;
  }
  if (has("mediatype") || has("media type") || has("artifacttype")) return oci::rule::media_type_pattern;
  if (has("must be") || has("expected") || has("has numeric") || has("has string") || has("is a string") ||
      has("is string") || has("is an array") || has("is a number") || has("invalid value")) {
    return oci::rule::wrong_type;
  }
  return oci::rule::ok;
}

}  // namespace

TEST_CASE("oci cases.jsonl: every document gets its verdict for its stated reason") {
  const std::string path = oci_dir() + "/cases.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::vector<unsigned char> mem(1 << 22);
  int total = 0;
  int right = 0;
  int right_reason = 0;
  int invalid = 0;
  std::map<std::string, int> by_level;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    const std::string file = rec["file"].get<std::string>();
    std::string text;
    REQUIRE(dockimg_test::read_file(oci_dir() + "/" + file, text));
    dockimg::arena storage(mem.data(), mem.size());
    const oci::document_kind kind = oci::kind_of(rec["media_type"].get<std::string>());
    REQUIRE_MESSAGE(kind != oci::document_kind::unknown, file);
    const oci::checked c = oci::check(text, storage, kind);
    const bool want_valid = rec["expect"].get<std::string>() == "valid";
    ++total;
    INFO(file << ": " << oci::message(c));
    CHECK(c.ok() == want_valid);
    if (c.ok() != want_valid) continue;
    ++right;
    if (want_valid) continue;
    ++invalid;
    ++by_level[rec["level"].get<std::string>()];
    const oci::rule want = rule_of_reason(rec["reason"].get<std::string>());
    INFO("reason: " << rec["reason"].get<std::string>());
    CHECK(want != oci::rule::ok);
    // upstream notes record cases that fail first for another reason than their comment
    const bool noted = rec.contains("notes") && !rec["notes"].is_null();
    if (c.first.code == want) {
      ++right_reason;
      const char* levels[] = {"schema", "spec", "registry"};
      CHECK(rec["level"].get<std::string>() == levels[static_cast<int>(c.first.level)]);
    } else if (!noted) {
      FAIL_CHECK("failed with rule " << static_cast<int>(c.first.code) << ", the reason names rule "
                                     << static_cast<int>(want));
    } else {
      ++right_reason;  // counted: the notes say which rule fails first
      MESSAGE(file << ": fails first with " << oci::message(c) << " (corpus notes: " << rec["notes"].dump() << ")");
    }
  }
  std::printf("oci cases.jsonl: %d of %d verdicts agree; %d of %d invalid documents fail for their stated reason\n",
              right, total, right_reason, invalid);
  CHECK(total == 162);
  CHECK(right == total);
}

TEST_CASE("oci validation allocates nothing over the corpus") {
  const std::string path = oci_dir() + "/cases.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::vector<std::string> texts;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    std::string text;
    REQUIRE(dockimg_test::read_file(oci_dir() + "/" + rec["file"].get<std::string>(), text));
    texts.push_back(std::move(text));
  }
  std::vector<unsigned char> mem(1 << 22);
  std::size_t valid = 0;
  {
    dockimg_test::alloc_scope scope;
    for (const std::string& t : texts) {
      dockimg::arena storage(mem.data(), mem.size());
      valid += oci::check(t, storage).ok() ? 1 : 0;
    }
    CHECK(scope.count() == 0);
  }
  CHECK(valid > 50);
}

TEST_CASE("oci string rules") {
  CHECK(oci::is_media_type("application/vnd.oci.image.manifest.v1+json"));
  CHECK_FALSE(oci::is_media_type("application/json; charset=utf-8"));
  CHECK_FALSE(oci::is_media_type("application"));
  CHECK_FALSE(oci::is_media_type(".a/b"));
  CHECK(oci::base64_decoded_size("e30=") == 2);
  CHECK(oci::base64_decoded_size("") == 0);
  CHECK(oci::base64_decoded_size("e30") == -1);
  CHECK(oci::base64_decoded_size("-_-_") == -1);
  CHECK(oci::base64_decoded_size("YQ==") == 1);
  CHECK(oci::base64_decoded_size("YQ=a") == -1);
  CHECK(oci::is_absolute_uri("https://example.com/a?b=c#d"));
  CHECK(oci::is_absolute_uri("ftp://example.com/layer"));
  CHECK_FALSE(oci::is_absolute_uri("/relative/path"));
  CHECK_FALSE(oci::is_absolute_uri("value"));
  CHECK_FALSE(oci::is_absolute_uri("https://exa mple.com"));
  CHECK(oci::is_date_time("2015-10-31T22:22:56.015925234Z"));
  CHECK(oci::is_date_time("2016-02-29t00:00:00+05:30"));
  CHECK_FALSE(oci::is_date_time("2015-10-31 22:22:56"));
  CHECK_FALSE(oci::is_date_time("2015-02-29T00:00:00Z"));
  CHECK_FALSE(oci::is_date_time("2015-10-31T24:00:00Z"));
  CHECK_FALSE(oci::is_date_time("2015-10-31T22:22:56."));
  CHECK(oci::is_env_entry("A=b"));
  CHECK(oci::is_env_entry("A="));
  CHECK_FALSE(oci::is_env_entry("=b"));
  CHECK_FALSE(oci::is_env_entry("foo"));
  CHECK_FALSE(oci::is_env_entry("A=b\nc"));
  CHECK(oci::classify("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip").distributable == false);
  CHECK(oci::classify("application/vnd.oci.image.layer.v1.tar+zstd").compressed == oci::compression::zstd);
  CHECK(oci::classify("text/plain").kind == oci::media_kind::unknown);
}

TEST_CASE("oci history-mapping.jsonl: history entries own the diff IDs docker history gives them") {
  const std::string path = oci_dir() + "/history-mapping.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::vector<unsigned char> mem(1 << 20);
  int files = 0;
  int agreed = 0;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    std::string text;
    REQUIRE(dockimg_test::read_file(oci_dir() + "/" + rec["file"].get<std::string>(), text));
    dockimg::arena storage(mem.data(), mem.size());
    const oci::checked c = oci::check(text, storage);
    REQUIRE(c.ok());
    const oci::image_config_view cfg(c.doc.root());
    std::vector<oci::history_entry> entries;
    const oci::history_summary s = cfg.map_history([&](const oci::history_entry& e) {
      entries.push_back(e);
      return true;
    });
    ++files;
    INFO(rec["file"].get<std::string>());
    bool same = s.entries == rec["history_len"].get<std::size_t>() && s.non_empty == rec["non_empty"].get<std::size_t>() &&
                s.diff_ids == rec["diff_ids"].get<std::size_t>() && s.consistent() == rec["consistent"].get<bool>() &&
                s.too_many_non_empty == !rec["docker_history_error"].is_null() &&
                s.unmapped_diff_ids == rec["unmapped_diff_ids"].get<std::size_t>();
    const auto& want = rec["entries"];
    same = same && want.size() == entries.size();
    for (std::size_t i = 0; same && i < entries.size(); ++i) {
      const auto& w = want[i];
      same = entries[i].index == w["history_index"].get<std::size_t>() &&
             entries[i].empty_layer == w["empty_layer"].get<bool>() &&
             (w["layer_index"].is_null() ? entries[i].layer == -1
                                         : entries[i].layer == w["layer_index"].get<std::int64_t>()) &&
             (w["diff_id"].is_null() ? entries[i].diff_id.empty()
                                     : std::string(entries[i].diff_id) == w["diff_id"].get<std::string>());
      // created_by is compared decoded (the corpus stores the JSON string's value)
      const auto by = entries[i].node.find_last("created_by");
      char buf[4096];
      const auto decoded = by.get_string(buf, sizeof buf);
      same = same && decoded.ok() && std::string(decoded.value) == w["created_by"].get<std::string>();
    }
    CHECK(same);
    agreed += same ? 1 : 0;
  }
  std::printf("oci history-mapping.jsonl: %d of %d configs map history to layers as docker history does\n", agreed,
              files);
  CHECK(files == 6);
}

TEST_CASE("oci instruction_of strips the builders' prefixes") {
  bool run = false;
  CHECK(oci::instruction_of("/bin/sh -c #(nop)  ENV A=b", &run) == "ENV A=b");
  CHECK_FALSE(run);
  CHECK(oci::instruction_of("/bin/sh -c apk add curl", &run) == "apk add curl");
  CHECK(run);
  CHECK(oci::instruction_of("|2 A=1 B=2 /bin/sh -c make", &run) == "make");
  CHECK(run);
  CHECK(oci::instruction_of("RUN /bin/sh -c apt-get update # buildkit", &run) == "RUN /bin/sh -c apt-get update");
  CHECK_FALSE(run);
  CHECK(oci::instruction_of("COPY . /app # buildkit") == "COPY . /app");
}

// Platforms: every record of corpus/platform/{parse,normalize,format,match,order}.jsonl against
// containerd/platforms' recorded output (generated on linux/amd64, the host these tests pass),
// and zero allocation over the parse/normalise/format/match paths.
#include <doctest/doctest.h>

#include <dockimg/platform.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace pf = dockimg::platforms;

namespace {

std::string platform_dir() { return dockimg_test::corpus_dir() + "/platform"; }

/// The host the corpus was generated on.
constexpr pf::host corpus_host{"linux", "amd64", ""};

/// A raw platform object of the corpus with the strings it points to.
struct owned_platform {
  std::string os, architecture, variant, os_version;
  std::vector<std::string> features;
  std::vector<std::string_view> feature_views;

  explicit owned_platform(const nlohmann::json& j) {
    os = j.value("os", "");
    architecture = j.value("architecture", "");
    variant = j.value("variant", "");
    os_version = j.value("os_version", "");
    if (j.contains("os_features")) features = j.at("os_features").get<std::vector<std::string>>();
    for (const auto& f : features) feature_views.emplace_back(f);
  }
  pf::platform view() const {
    return {os, architecture, variant, os_version,
            dockimg::list_view<std::string_view>(feature_views.data(), feature_views.size())};
  }
};

/// Differences between `got` and a recorded platform object (empty: equal).
std::string diff(const pf::platform& got, const nlohmann::json& want) {
  std::string out;
  auto cmp = [&](const char* key, std::string_view g) {
    const std::string w = want.value(key, "");
    if (g != w) out += std::string(key) + "=" + std::string(g) + " (want " + w + ") ";
  };
  cmp("os", got.os);
  cmp("architecture", got.architecture);
  cmp("variant", got.variant);
  cmp("os_version", got.os_version);
  std::vector<std::string> feats(got.os_features.begin(), got.os_features.end());
  const auto wf = want.contains("os_features") ? want.at("os_features").get<std::vector<std::string>>()
                                               : std::vector<std::string>{};
  if (feats != wf) out += "os_features differ ";
  return out;
}

/// Owns a specifier's parse and the arena behind it.
struct parsed {
  std::string spec;
  std::vector<unsigned char> mem;
  dockimg::arena storage;
  pf::result r;
  explicit parsed(std::string s) : spec(std::move(s)), mem(pf::storage_hint(spec)), storage(mem.data(), mem.size()) {
    r = pf::parse(spec, storage, corpus_host);
  }
  parsed(const parsed&) = delete;
  parsed& operator=(const parsed&) = delete;
};

}  // namespace

TEST_CASE("platform parse vectors agree with containerd/platforms") {
  const std::string path = platform_dir() + "/parse.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto records = dockimg_test::read_jsonl(path);
  std::size_t agreed = 0;
  std::size_t host_dependent = 0;
  std::size_t vectors = 0;
  std::size_t allocations = 0;
  for (const auto& rec : records) {
    const std::string input = rec.at("input").get<std::string>();
    if (rec.value("host_dependent", false)) ++host_dependent;
    std::vector<unsigned char> mem(pf::storage_hint(input));
    std::string why;
    std::string format, format_all;
    std::vector<std::string> only;
    pf::result r;
    pf::result n;
    {
      dockimg_test::alloc_scope scope;
      dockimg::arena storage(mem.data(), mem.size());
      r = pf::parse(input, storage, corpus_host);
      std::string_view f, fa;
      if (r.ok()) {
        n = pf::normalize(r.value, storage, corpus_host);
        f = pf::format(r.value, storage);
        fa = pf::format_all(r.value, storage);
      }
      allocations += scope.count();
      format = std::string(f);
      format_all = std::string(fa);
      if (r.ok()) {
        const pf::match_comparer c = pf::only(r.value, storage, corpus_host);
        REQUIRE(c.ok());
        pf::entry_buffer buf;
        for (std::size_t i = 0; i < c.size() && i < 64; ++i) {
          const pf::platform e = c.entry(i, buf);
          dockimg_test::alloc_scope inner;
          const std::string_view s = pf::format_all(e, storage);
          allocations += inner.count();
          only.emplace_back(s);
        }
      }
    }
    const bool valid = rec.at("valid").get<bool>();
    if (valid != r.ok()) {
      why = valid ? "rejected: " + pf::message(r.err) : "accepted";
    } else if (!valid) {
      if (pf::message(r.err) != rec.at("error").get<std::string>()) why = "message: " + pf::message(r.err);
    } else {
      why = diff(r.value, rec.at("platform"));
      if (format != rec.at("format").get<std::string>()) why += "format=" + format + " ";
      if (format_all != rec.at("format_all").get<std::string>()) why += "format_all=" + format_all + " ";
      REQUIRE(n.ok());
      const std::string nd = diff(n.value, rec.at("normalized"));
      if (!nd.empty()) why += "normalized: " + nd;
      if (rec.contains("only_vector")) {
        ++vectors;
        const auto want = rec.at("only_vector").get<std::vector<std::string>>();
        if (only != want) {
          why += "only_vector:";
          for (const auto& s : only) why += " " + s;
        }
      }
    }
    if (why.empty()) {
      ++agreed;
    } else {
      INFO(dockimg_test::go_quote(input.substr(0, 200)) << ": " << why.substr(0, 2000));
      CHECK(false);
    }
  }
  std::printf("platform/parse.jsonl: %zu/%zu agree (%zu host-dependent, run as linux/amd64; %zu Only vectors), "
              "%zu allocations\n",
              agreed, records.size(), host_dependent, vectors, allocations);
  CHECK(agreed == records.size());
  CHECK(allocations == 0);
}

TEST_CASE("platform normalize and format tables agree with containerd/platforms") {
  const std::string npath = platform_dir() + "/normalize.jsonl";
  const std::string fpath = platform_dir() + "/format.jsonl";
  if (dockimg_test::skip_without(npath) || dockimg_test::skip_without(fpath)) return;
  std::vector<unsigned char> mem(1 << 16);
  std::size_t agreed = 0;
  std::size_t allocations = 0;
  const auto nrecs = dockimg_test::read_jsonl(npath);
  for (const auto& rec : nrecs) {
    const owned_platform in(rec.at("platform"));
    dockimg::arena storage(mem.data(), mem.size());
    pf::result n;
    std::string_view f;
    {
      dockimg_test::alloc_scope scope;
      n = pf::normalize(in.view(), storage, corpus_host);
      f = pf::format(n.value, storage);
      allocations += scope.count();
    }
    std::string why = n.ok() ? diff(n.value, rec.at("normalized")) : "out of storage";
    if (f != rec.at("format").get<std::string>()) why += "format=" + std::string(f);
    if (why.empty()) {
      ++agreed;
    } else {
      INFO(rec.at("platform").dump() << ": " << why);
      CHECK(false);
    }
  }
  std::printf("platform/normalize.jsonl: %zu/%zu agree\n", agreed, nrecs.size());
  CHECK(agreed == nrecs.size());

  const auto frecs = dockimg_test::read_jsonl(fpath);
  std::size_t fagreed = 0;
  for (const auto& rec : frecs) {
    const owned_platform in(rec.at("platform"));
    dockimg::arena storage(mem.data(), mem.size());
    std::string_view f, fa;
    {
      dockimg_test::alloc_scope scope;
      f = pf::format(in.view(), storage);
      fa = pf::format_all(in.view(), storage);
      allocations += scope.count();
    }
    if (f == rec.at("computed_format").get<std::string>() && fa == rec.at("computed_format_all").get<std::string>() &&
        (rec.at("expected_format_all").is_null() || fa == rec.at("expected_format_all").get<std::string>())) {
      ++fagreed;
    } else {
      INFO(rec.at("platform").dump() << ": " << f << " / " << fa);
      CHECK(false);
    }
  }
  std::printf("platform/format.jsonl: %zu/%zu agree; %zu allocations\n", fagreed, frecs.size(), allocations);
  CHECK(fagreed == frecs.size());
  CHECK(allocations == 0);
}

TEST_CASE("platform match vectors agree with containerd/platforms") {
  const std::string path = platform_dir() + "/match.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto records = dockimg_test::read_jsonl(path);
  std::size_t agreed = 0;
  std::size_t checked = 0;
  std::size_t unparsable = 0;
  std::size_t allocations = 0;
  for (const auto& rec : records) {
    const std::string m = rec.at("matcher").get<std::string>();
    const std::string input = rec.at("input").get<std::string>();
    const bool expected = rec.at("expected").get<bool>();
    parsed in(input);
    if (!in.r.ok()) {
      // NewMatcher(Parse("*/arm64")): upstream skips these wildcard cases, Parse rejects them.
      REQUIRE(m == "NewMatcher(Parse(input))");
      ++unparsable;
      continue;
    }
    ++checked;
    bool got = false;
    if (m == "NewMatcher(Parse(input))") {
      const owned_platform cand(rec.at("candidate_platform"));
      dockimg_test::alloc_scope scope;
      const pf::matcher mm(in.r.value, in.storage, corpus_host);
      got = mm.match(cand.view());
      allocations += scope.count();
    } else {
      parsed cand(rec.at("candidate").get<std::string>());
      REQUIRE(cand.r.ok());
      dockimg_test::alloc_scope scope;
      pf::match_comparer c;
      if (m == "Only") c = pf::only(in.r.value, in.storage, corpus_host);
      if (m == "OnlyStrict") c = pf::only_strict(in.r.value, in.storage, corpus_host);
      if (m == "OnlyOS") c = pf::only_os(in.r.value, in.storage, corpus_host);
      got = c.match(cand.r.value);
      allocations += scope.count();
      REQUIRE(c.ok());
    }
    const bool computed_ok = rec.at("computed").is_null() || rec.at("computed").get<bool>() == got;
    if (got == expected && computed_ok) {
      ++agreed;
    } else {
      INFO(m << "(" << input << ") " << rec.dump() << " got " << got);
      CHECK(false);
    }
  }
  std::printf("platform/match.jsonl: %zu/%zu agree (%zu wildcard inputs Parse rejects, skipped upstream too), "
              "%zu allocations\n",
              agreed, checked, unparsable, allocations);
  CHECK(agreed == checked);
  CHECK(allocations == 0);
}

TEST_CASE("platform order vectors agree with containerd/platforms") {
  const std::string path = platform_dir() + "/order.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto records = dockimg_test::read_jsonl(path);
  std::size_t agreed = 0;
  for (const auto& rec : records) {
    const std::string kind = rec.at("comparer").get<std::string>();
    const std::string input = rec.at("input").get<std::string>();
    parsed in(input);
    REQUIRE(in.r.ok());
    pf::match_comparer c;
    const dockimg::list_view<pf::platform> one(&in.r.value, 1);
    if (kind == "Only") c = pf::only(in.r.value, in.storage, corpus_host);
    if (kind == "OnlyStrict") c = pf::only_strict(in.r.value, in.storage, corpus_host);
    if (kind == "OnlyOS") c = pf::only_os(in.r.value, in.storage, corpus_host);
    if (kind == "Ordered") c = pf::ordered(one, in.storage, corpus_host);
    if (kind == "Any") c = pf::any(one, in.storage, corpus_host);
    REQUIRE(c.ok());
    const auto names = rec.at("candidates").get<std::vector<std::string>>();
    std::vector<std::unique_ptr<parsed>> cands;
    std::vector<std::size_t> order;
    for (const auto& s : names) {
      cands.push_back(std::make_unique<parsed>(s));
      REQUIRE(cands.back()->r.ok());
      order.push_back(order.size());
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return c.less(cands[a]->r.value, cands[b]->r.value); });
    std::vector<std::string> got;
    for (const std::size_t i : order) got.push_back(names[i]);
    if (got == rec.at("computed_order").get<std::vector<std::string>>() &&
        got == rec.at("expected_order").get<std::vector<std::string>>()) {
      ++agreed;
    } else {
      std::string g;
      for (const auto& s : got) g += " " + s;
      INFO(kind << "(" << input << "):" << g);
      CHECK(false);
    }
  }
  std::printf("platform/order.jsonl: %zu/%zu agree\n", agreed, records.size());
  CHECK(agreed == records.size());
}

TEST_CASE("platform storage exhaustion is an error and never an overrun") {
  for (const char* spec : {"LINUX(10.0%2B1+b+a)/X86_64/V3", "linux/arm64/v9.2", "windows(10.0.20348)/amd64"}) {
    std::vector<unsigned char> big(pf::storage_hint(spec));
    dockimg::arena ample(big.data(), big.size());
    const pf::result full = pf::parse(spec, ample, corpus_host);
    REQUIRE(full.ok());
    for (std::size_t cap = 0; cap < 64; ++cap) {
      std::vector<unsigned char> mem(cap + 1);
      dockimg::arena storage(mem.data(), cap);
      const pf::result r = pf::parse(spec, storage, corpus_host);
      if (r.ok()) {
        CHECK(diff(r.value, nlohmann::json{{"os", full.value.os},
                                           {"architecture", full.value.architecture},
                                           {"variant", full.value.variant},
                                           {"os_version", full.value.os_version},
                                           {"os_features", std::vector<std::string>(full.value.os_features.begin(),
                                                                                     full.value.os_features.end())}})
                  .empty());
      } else {
        CHECK(r.err.code == pf::errc::out_of_storage);
      }
    }
  }
}

// BuildKit's build checks in the lint engine: every `checkLinterWarnings` record of
// dockerfile_check_test.go (corpus lint_checks.jsonl), the parse-time lint messages of the parser
// probes, and zero allocation over the real-world Dockerfiles.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <doctest/doctest.h>
#include <dockimg/analysis.hpp>
#include <dockimg/dockerignore.hpp>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace {

namespace dl = dockimg::lint;
namespace df = dockimg::dockerfile;
using dockimg_test::corpus_dir;

/// Every BuildKit rule and no dockimg rule.
dl::rule_set buildkit_rules() {
  dl::rule_set s;
  for (const dl::rule_info& r : dl::rules())
    if (r.origin == dl::rule_origin::buildkit) s.enable(r.id);
  return s;
}

/// The line BuildKit reports: the start of the instruction the finding is attached to, except
/// NoEmptyContinuation, which BuildKit places on the instruction's last line.
std::uint32_t buildkit_line(const dl::finding& f) {
  if (f.rule->id == dl::rule_id::bk_no_empty_continuation && f.at != nullptr && f.at->node != nullptr)
    return f.at->node->warning().start_line;
  return f.line;
}

/// A lint run over a Dockerfile and an optional .dockerignore, with storage that outlives it.
struct lint_run {
  std::string text;
  std::string ignore_text;
  std::vector<unsigned char> block;
  std::unique_ptr<dockimg::arena> storage;
  dockimg::dockerignore::compile_result ignore;
  std::vector<df::build_arg> build_args;
  std::vector<std::string> owned;  // build-arg strings
  df::document doc;
  dl::report rep;
};

using warning = std::tuple<std::string, std::uint32_t, std::string>;  // rule, line, detail

}  // namespace

TEST_CASE("BuildKit checks agree with dockerfile_check_test.go (lint_checks.jsonl)") {
  const std::string path = corpus_dir() + "/buildkit-parser/lint_checks.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto records = dockimg_test::read_jsonl(path);
  REQUIRE(records.size() == 89);
  std::size_t applicable = 0, agree = 0, not_applicable = 0;
  for (const auto& rec : records) {
    const std::string id = rec.at("id").get<std::string>();
    if (rec.value("needs_registry_or_images", false) || rec.value("incomplete", false)) {
      ++not_applicable;
      std::printf("lint_checks: %s not applicable (%s)\n", id.c_str(),
                  rec.value("needs_registry_or_images", false) ? "needs a registry and a pushed image"
                                                               : "incomplete record");
      continue;
    }
    ++applicable;
    CAPTURE(id);
    auto run = std::make_unique<lint_run>();
    run->text = rec.at("dockerfile").get<std::string>();
    run->block.resize(dl::storage_hint(run->text) * 4 + (1u << 20));
    run->storage = std::make_unique<dockimg::arena>(run->block.data(), run->block.size());
    dl::options opt;
    opt.enabled = buildkit_rules();
    if (rec.contains("dockerignore") && rec.at("dockerignore").is_string()) {
      run->ignore_text = rec.at("dockerignore").get<std::string>();
      const auto read = dockimg::dockerignore::read_all(run->ignore_text, *run->storage);
      REQUIRE(read.ok());
      run->ignore = dockimg::dockerignore::compile(read.patterns, *run->storage);
      REQUIRE(run->ignore.ok());
      opt.context.dockerignore = &run->ignore.matcher;
    }
    if (rec.contains("frontend_attrs")) {
      for (const auto& [k, v] : rec.at("frontend_attrs").items()) {
        if (k.rfind("build-arg:", 0) != 0 || !v.is_string()) continue;
        run->owned.push_back(k.substr(10));
        run->owned.push_back(v.get<std::string>());
      }
      for (std::size_t i = 0; i + 1 < run->owned.size(); i += 2) {
        if (run->owned[i] == "BUILDKIT_DOCKERFILE_CHECK") {
          opt.buildkit_check = run->owned[i + 1];
        } else {
          run->build_args.push_back({run->owned[i], run->owned[i + 1]});
        }
      }
      opt.graph.build_args = {run->build_args.data(), run->build_args.size()};
    }
    run->doc = df::parse(run->text, *run->storage);
    REQUIRE(run->doc.ok());
    run->rep = dl::run(run->doc, opt, *run->storage);
    REQUIRE(run->rep.code != dl::errc::out_of_storage);

    // Upstream checks lines in the progress stream (`Warnings`); the lint subrequest's
    // `UnmarshalWarnings` are compared without lines (checkLintWarning).
    const bool subrequest = rec.contains("expected_warnings_lint_subrequest");
    const auto& expected_json = subrequest ? rec.at("expected_warnings_lint_subrequest") : rec.at("expected_warnings");
    std::vector<warning> expected, actual;
    for (const auto& w : expected_json) {
      expected.emplace_back(w.at("rule").get<std::string>(), subrequest ? 0u : w.at("line").get<std::uint32_t>(),
                            w.at("detail").get<std::string>());
    }
    for (const dl::finding& f : run->rep.findings) {
      actual.emplace_back(std::string(f.rule->name), subrequest ? 0u : buildkit_line(f), std::string(f.message));
    }
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    bool ok = expected == actual;
    if (!ok) {
      for (const auto& [r, l, d] : expected) MESSAGE("expected ", r, " ", l, " ", d);
      for (const auto& [r, l, d] : actual) MESSAGE("actual   ", r, " ", l, " ", d);
    }
    CHECK(expected == actual);

    // `error=true`: the build fails with the rules that fired.
    const std::string build_error = rec.value("build_error", std::string());
    const std::string prefix = "lint violation found for rules: ";
    if (build_error.rfind(prefix, 0) == 0) {
      CHECK(run->rep.check_error);
      std::set<std::string> want, got;
      auto split = [](const std::string& s, std::set<std::string>& out) {
        std::size_t i = 0;
        while (i <= s.size()) {
          std::size_t j = s.find(", ", i);
          if (j == std::string::npos) j = s.size();
          if (j > i) out.insert(s.substr(i, j - i));
          i = j + 2;
        }
      };
      split(build_error.substr(prefix.size()), want);
      split(std::string(run->rep.check_error_rules), got);
      CHECK(want == got);
      ok = ok && run->rep.check_error && want == got;
    } else {
      CHECK_FALSE(run->rep.check_error);
      ok = ok && !run->rep.check_error;
    }
    if (ok) ++agree;
  }
  std::printf("lint_checks: %zu of %zu applicable records agree, %zu not applicable (need a registry)\n", agree,
              applicable, not_applicable);
  CHECK(agree == applicable);
  CHECK(applicable + not_applicable == records.size());
}

TEST_CASE("BuildKit parse-time lint messages of the parser probes") {
  const std::string path = corpus_dir() + "/buildkit-parser/probe_parser.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::size_t records = 0, agree = 0;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    if (!rec.contains("computed") || !rec.at("computed").is_object()) continue;
    const auto& computed = rec.at("computed");
    if (!computed.contains("instructions") || !computed.at("instructions").is_array()) continue;
    // The parse-time messages, in instruction order (instructions.Parse stops at the first error).
    std::vector<std::string> expected;
    bool any = false;
    for (const auto& ins : computed.at("instructions")) {
      if (!ins.is_object()) continue;
      if (ins.contains("lint")) {
        any = true;
        for (const auto& m : ins.at("lint")) expected.push_back(m.get<std::string>());
      }
    }
    if (!any) continue;
    ++records;
    const std::string id = rec.at("id").get<std::string>();
    CAPTURE(id);
    const std::string text = rec.at("dockerfile").get<std::string>();
    std::vector<unsigned char> block(dl::storage_hint(text) * 4 + (1u << 20));
    dockimg::arena storage(block.data(), block.size());
    const df::document doc = df::parse(text, storage);
    REQUIRE(doc.ok());
    dl::options opt;
    opt.enabled = dl::rule_set();
    for (const auto id2 : {dl::rule_id::bk_maintainer_deprecated, dl::rule_id::bk_stage_name_casing,
                           dl::rule_id::bk_from_as_casing})
      opt.enabled.enable(id2);
    const dl::report rep = dl::run(doc, opt, storage);
    std::vector<std::string> actual;
    for (const dl::finding& f : rep.findings) actual.push_back(std::string(f.rule->name) + ": " + std::string(f.message));
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    CHECK(expected == actual);
    if (expected == actual) ++agree;
  }
  std::printf("probe_parser lint: %zu of %zu records agree\n", agree, records);
  CHECK(records == 7);
  CHECK(agree == records);
}

TEST_CASE("BuildKit checks over the real-world Dockerfiles allocate nothing") {
  const std::string manifest = corpus_dir() + "/real/MANIFEST.tsv";
  if (dockimg_test::skip_without(manifest)) return;
  std::string tsv;
  REQUIRE(dockimg_test::read_file(manifest, tsv));
  std::size_t files = 0, linted = 0, news = 0, findings = 0, overflow = 0;
  std::vector<unsigned char> block;
  std::size_t pos = tsv.find('\n');  // skip the header
  while (pos != std::string::npos && pos + 1 < tsv.size()) {
    const std::size_t end = tsv.find('\n', pos + 1);
    const std::string line = tsv.substr(pos + 1, (end == std::string::npos ? tsv.size() : end) - pos - 1);
    pos = end;
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::size_t tab2 = line.find('\t', tab + 1);
    if (line.substr(tab + 1, tab2 - tab - 1) != "dockerfile") continue;
    std::string text;
    if (!dockimg_test::read_file(corpus_dir() + "/real/" + line.substr(0, tab), text)) continue;
    ++files;
    block.assign(dl::storage_hint(text) * 4 + (1u << 20), 0);
    dockimg::arena storage(block.data(), block.size());
    const df::document doc = df::parse(text, storage);
    if (!doc.ok()) continue;
    dl::options opt;
    opt.enabled = buildkit_rules();
    dl::report rep;
    {
      dockimg_test::alloc_scope scope;
      rep = dl::run(doc, opt, storage);
      news += scope.count();
    }
    if (rep.code == dl::errc::out_of_storage) ++overflow;
    ++linted;
    findings += rep.findings.size();
  }
  std::printf("real: %zu Dockerfiles linted with BuildKit's checks (%zu read), %zu findings, %zu operator new\n",
              linted, files, findings, news);
  CHECK(files > 1000);
  CHECK(overflow == 0);
  CHECK(news == 0);
}

namespace {

/// Lints `text` with every BuildKit rule; returns "Rule line: message" lines, sorted.
struct small_run {
  std::vector<unsigned char> block = std::vector<unsigned char>(1u << 20);
  dockimg::arena storage{block.data(), block.size()};
  df::document doc;
  dl::report rep;
  std::vector<std::string> lines;
  small_run(const char* text, dl::options opt = {}) {
    opt.enabled = buildkit_rules();
    doc = df::parse(std::string_view(text), storage);
    rep = dl::run(doc, opt, storage);
    for (const dl::finding& f : rep.findings)
      lines.push_back(std::string(f.rule->name) + " " + std::to_string(buildkit_line(f)) + ": " + std::string(f.message));
    std::sort(lines.begin(), lines.end());
  }
};

}  // namespace

TEST_CASE("BuildKit check semantics beyond the upstream records") {
  SUBCASE("error=true is the build error only when the build gets that far") {
    // instructions.Parse fails on BADCMD before finalizeResultImage returns lint.Error()
    small_run r("# check=error=true\nFROM scratch AS Bad\nBADCMD\n");
    CHECK(r.lines == std::vector<std::string>{"StageNameCasing 2: Stage name 'Bad' should be lowercase"});
    CHECK_FALSE(r.rep.check_error);
  }
  SUBCASE("experimental rules ignore skip=all (linter.Run)") {
    small_run r("# check=skip=all;experimental=InvalidDefinitionDescription\n\n# wrong comment\nARG foo=bar\nFROM scratch\n");
    CHECK(r.lines == std::vector<std::string>{
                         "InvalidDefinitionDescription 4: Comment for ARG should follow the format: `# foo <description>`"});
  }
  SUBCASE("a check comment applies to its instruction only and is cut at the first space") {
    small_run r("FROM scratch\n# check=skip=MaintainerDeprecated // deprecated on purpose\nMAINTAINER a\nMAINTAINER b\n");
    CHECK(r.lines == std::vector<std::string>{"MaintainerDeprecated 4: Maintainer instruction is deprecated in favor of using label"});
  }
  SUBCASE("the previous CMD is the one reported") {
    small_run r("FROM scratch\nCMD [\"a\"]\nRUN true\nCMD [\"b\"]\n");
    CHECK(r.lines == std::vector<std::string>{
                         "MultipleInstructionsDisallowed 2: Multiple CMD instructions should not be used in the same stage "
                         "because only the last one will be used"});
  }
  SUBCASE("with a target only the stages it needs are dispatched") {
    dl::options opt;
    opt.graph.target = "a";
    small_run r("FROM scratch AS a\nCOPY $x .\nFROM scratch AS b\nCOPY $y .\n", opt);
    CHECK(r.lines == std::vector<std::string>{"UndefinedVar 2: Usage of undefined variable '$x'"});
  }
  SUBCASE("an invalid check directive fails the build before any check") {
    small_run r("# check=skip\nFROM scratch AS Bad\n");
    CHECK(r.lines.empty());
  }
}

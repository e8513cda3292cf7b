// The lint engine's dockimg catalogue against corpus/lint/cases: for each case the default profile
// must report exactly the `default` rows of expected.tsv (line and rule) and the strict profile
// exactly the `default` and `strict` rows; rules outside the catalogue are not compared.
#include <doctest/doctest.h>

#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <dockimg/analysis.hpp>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace {

namespace df = dockimg::dockerfile;
namespace lint = dockimg::lint;
using dockimg_test::corpus_dir;
using dockimg_test::read_file;

/// One case directory loaded: the Dockerfile, the context listing and the compiled .dockerignore.
struct lint_case {
  std::string name;
  std::string dockerfile;
  std::string dockerignore;
  bool has_dockerignore = false;
  std::vector<std::string> files;
  bool has_files = false;
  std::vector<std::string_view> file_views;
  std::vector<unsigned char> ignore_memory;
  dockimg::dockerignore::matcher matcher;

  bool load(const std::string& dir) {
    if (!read_file(dir + "/Dockerfile", dockerfile)) return false;
    has_dockerignore = read_file(dir + "/.dockerignore", dockerignore);
    std::string ctx;
    if (read_file(dir + "/context.txt", ctx)) {
      has_files = true;
      std::istringstream in(ctx);
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) files.push_back(line);
    }
    for (const auto& f : files) file_views.emplace_back(f);
    if (has_dockerignore) {
      ignore_memory.resize(dockimg::dockerignore::storage_hint(dockerignore));
      dockimg::arena a(ignore_memory.data(), ignore_memory.size());
      const auto lines = dockimg::dockerignore::read_all(dockerignore, a);
      if (!lines.ok()) return false;
      const auto compiled = dockimg::dockerignore::compile(lines.patterns, a);
      if (!compiled.ok()) return false;
      matcher = compiled.matcher;
    }
    return true;
  }

  lint::options options(lint::profile p) const {
    lint::options o;
    o.enabled = lint::rule_set::of(p);
    o.context.known = true;
    o.context.dockerignore = has_dockerignore ? &matcher : nullptr;
    o.context.files = {file_views.data(), file_views.size()};
    o.context.has_files = has_files;
    return o;
  }
};

/// The catalogue rows of expected.tsv: (line, rule) per profile.
struct expected_rows {
  std::set<std::pair<unsigned, std::string>> standard, strict;
};

expected_rows read_expected(const std::string& path) {
  expected_rows out;
  for (const auto& cols : dockimg_test::read_tsv_rows(path)) {
    if (cols.size() < 3) continue;
    const auto key = std::make_pair(static_cast<unsigned>(std::stoul(cols[0])), cols[1]);
    (cols[2] == "strict" ? out.strict : out.standard).insert(key);
  }
  return out;
}

/// The catalogue findings of `run` as (line, rule) pairs (deduplicated).
std::set<std::pair<unsigned, std::string>> findings(const lint_case& c, lint::profile p, lint::errc& code) {
  std::vector<unsigned char> mem(lint::storage_hint(c.dockerfile) * 2);
  dockimg::arena a(mem.data(), mem.size());
  const df::document doc = df::parse(c.dockerfile, a);
  const lint::report rep = lint::run(doc, c.options(p), a);
  code = rep.code;
  std::set<std::pair<unsigned, std::string>> out;
  for (const lint::finding& f : rep.findings)
    if (f.rule->origin == lint::rule_origin::dockimg) out.emplace(f.line, std::string(f.rule->name));
  return out;
}

std::string show(const std::set<std::pair<unsigned, std::string>>& s) {
  std::string out;
  for (const auto& [line, rule] : s) out += "  " + std::to_string(line) + " " + rule + "\n";
  return out;
}

}  // namespace

TEST_SUITE("analysis") {
  TEST_CASE("lint cases: default and strict profiles report exactly the expected rows") {
    const std::string dir = corpus_dir() + "/lint/cases";
    if (dockimg_test::skip_without(dir + "/01-go-distroless-good/Dockerfile")) return;
    std::size_t cases = 0, rows = 0, matched = 0, extra = 0, clean_good = 0, invalid = 0;
    for (const std::string& name : dockimg_test::list_dir(dir)) {
      lint_case c;
      c.name = name;
      REQUIRE_MESSAGE(c.load(dir + "/" + name), name);
      const expected_rows exp = read_expected(dir + "/" + name + "/expected.tsv");
      ++cases;
      for (const lint::profile p : {lint::profile::standard, lint::profile::strict}) {
        auto want = exp.standard;
        if (p == lint::profile::strict) want.insert(exp.strict.begin(), exp.strict.end());
        lint::errc code = lint::errc::ok;
        const auto got = findings(c, p, code);
        // A file BuildKit would reject (22 has `CMD --verbose`: an unknown flag) is still linted.
        CHECK_MESSAGE((code == lint::errc::ok || code == lint::errc::instructions), name);
        if (p == lint::profile::standard && code == lint::errc::instructions) ++invalid;
        std::set<std::pair<unsigned, std::string>> missing, unexpected;
        for (const auto& w : want)
          if (!got.count(w)) missing.insert(w);
        for (const auto& g : got)
          if (!want.count(g)) unexpected.insert(g);
        CHECK_MESSAGE(missing.empty(), name, " (", lint::name(p), ") missing:\n", show(missing));
        CHECK_MESSAGE(unexpected.empty(), name, " (", lint::name(p), ") unexpected:\n", show(unexpected));
        if (p == lint::profile::strict) {
          rows += want.size();
          matched += want.size() - missing.size();
          extra += unexpected.size();
        } else if (want.empty() && got.empty()) {
          ++clean_good;
        }
      }
    }
    std::printf("lint cases: %zu cases, %zu of %zu expected findings reported, %zu unexpected; %zu cases silent "
                "in the default profile; %zu linted although BuildKit rejects an instruction\n",
                cases, matched, rows, extra, clean_good, invalid);
    CHECK(cases == 25);
    CHECK(rows == 107);
  }
}

namespace {

/// Every Dockerfile of corpus/real (path, text).
std::vector<std::pair<std::string, std::string>> real_dockerfiles() {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string dir = corpus_dir() + "/real";
  std::string manifest;
  if (!read_file(dir + "/MANIFEST.tsv", manifest)) return out;
  std::istringstream in(manifest);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::istringstream row(line);
    for (std::string col; std::getline(row, col, '\t');) cols.push_back(col);
    if (cols.size() < 2 || cols[1] != "dockerfile") continue;
    std::string text;
    if (read_file(dir + "/" + cols[0], text)) out.emplace_back(cols[0], std::move(text));
  }
  return out;
}

}  // namespace

TEST_SUITE("analysis") {
  TEST_CASE("lint real corpus: every file with every rule and no allocation") {
    if (dockimg_test::skip_without(corpus_dir() + "/real/MANIFEST.tsv")) return;
    const auto files = real_dockerfiles();
    REQUIRE(files.size() > 1000);
    std::vector<std::size_t> per_rule(lint::rule_count, 0);
    std::size_t total = 0, allocations = 0, not_ok = 0, instr_errors = 0, with_ignore = 0;
    std::vector<unsigned char> mem;
    FILE* dump = nullptr;
    if (const char* path = std::getenv("DOCKIMG_LINT_DUMP")) dump = std::fopen(path, "w");
    for (const auto& entry : files) {
      const std::string& path = entry.first;  // (a structured binding cannot be captured in C++17)
      const std::string& text = entry.second;
      mem.resize(lint::storage_hint(text));
      dockimg::arena a(mem.data(), mem.size());
      lint::options o;
      o.enabled = lint::rule_set::all();
      // The .dockerignore beside the Dockerfile, when the corpus has it (the context root is
      // usually the Dockerfile's directory); the file list is unknown.
      std::string ignore_text;
      std::vector<unsigned char> ignore_mem;
      dockimg::dockerignore::matcher ignore_matcher;
      const std::string dir = corpus_dir() + "/real/" + path.substr(0, path.rfind('/') + 1);
      if (read_file(dir + ".dockerignore", ignore_text)) {
        ignore_mem.resize(dockimg::dockerignore::storage_hint(ignore_text));
        dockimg::arena ia(ignore_mem.data(), ignore_mem.size());
        const auto lines = dockimg::dockerignore::read_all(ignore_text, ia);
        const auto compiled = dockimg::dockerignore::compile(lines.patterns, ia);
        if (compiled.ok()) {
          ignore_matcher = compiled.matcher;
          o.context.known = true;
          o.context.dockerignore = &ignore_matcher;
          ++with_ignore;
        }
      }
      lint::report rep;
      {
        dockimg_test::alloc_scope scope;
        const df::document doc = df::parse(text, a);
        rep = lint::run(doc, o, a);
        allocations += scope.count();
      }
      if (rep.code == lint::errc::instructions) ++instr_errors;
      else if (!rep.ok()) ++not_ok;
      CHECK_MESSAGE((rep.ok() || rep.code == lint::errc::instructions), path);
      for (const lint::finding& f : rep.findings) {
        ++per_rule[static_cast<std::size_t>(f.rule->id)];
        ++total;
        CHECK(f.begin.line >= 1);
        CHECK(f.begin.column >= 1);
        CHECK(f.range.begin <= f.range.end);
        CHECK(f.range.end <= text.size());
        if (dump)
          std::fprintf(dump, "%s:%u:%u\t%.*s\t%.*s\t%.*s\n", path.c_str(), f.begin.line, f.begin.column,
                       static_cast<int>(f.rule->name.size()), f.rule->name.data(),
                       static_cast<int>(f.detail.size()), f.detail.data(), static_cast<int>(f.message.size()),
                       f.message.data());
      }
    }
    if (dump) std::fclose(dump);
    std::printf("lint real corpus: %zu files (%zu with the .dockerignore beside them), %zu findings, %zu with an "
                "invalid instruction, %zu not linted, %zu allocations\n",
                files.size(), with_ignore, total, instr_errors, not_ok, allocations);
    for (const lint::rule_info& r : lint::rules())
      if (per_rule[static_cast<std::size_t>(r.id)])
        std::printf("  %-34.*s %zu\n", static_cast<int>(r.name.size()), r.name.data(),
                    per_rule[static_cast<std::size_t>(r.id)]);
    CHECK(allocations == 0);
    CHECK(not_ok == 0);
  }
}

namespace {

using line_rule = std::pair<unsigned, std::string>;

/// Lints `text` with the dockimg catalogue of profile `p` and an optional context; returns the
/// (line, rule) pairs and, through `details`, "line rule detail" strings.
std::set<line_rule> lint_text(const std::string& text, lint::profile p = lint::profile::strict,
                              const std::vector<std::string>& context = {}, const std::string& ignore = "",
                              bool known = false, std::set<std::string>* details = nullptr,
                              std::size_t* suppressed = nullptr) {
  std::vector<unsigned char> mem(lint::storage_hint(text) * 2 + 4096);
  dockimg::arena a(mem.data(), mem.size());
  const df::document doc = df::parse(text, a);
  lint::options o;
  o.enabled = lint::rule_set::of(p);
  std::vector<std::string_view> files(context.begin(), context.end());
  o.context.known = known || !context.empty() || !ignore.empty();
  o.context.files = {files.data(), files.size()};
  o.context.has_files = !context.empty();
  dockimg::dockerignore::matcher m;
  if (!ignore.empty()) {
    const auto lines = dockimg::dockerignore::read_all(ignore, a);
    const auto compiled = dockimg::dockerignore::compile(lines.patterns, a);
    m = compiled.matcher;
    o.context.dockerignore = &m;
  }
  const lint::report rep = lint::run(doc, o, a);
  std::set<line_rule> out;
  for (const lint::finding& f : rep.findings) {
    if (f.rule->origin != lint::rule_origin::dockimg) continue;
    out.emplace(f.line, std::string(f.rule->name));
    if (details) details->insert(std::to_string(f.line) + " " + std::string(f.rule->name) + " " + std::string(f.detail));
  }
  if (suppressed) *suppressed = rep.suppressed;
  return out;
}

bool has(const std::set<line_rule>& s, unsigned line, const char* rule) { return s.count({line, rule}) != 0; }

/// True when no finding of `rule` is in `s`.
bool none(const std::set<line_rule>& s, const char* rule) {
  for (const auto& x : s)
    if (x.second == rule) return false;
  return true;
}

}  // namespace

TEST_SUITE("analysis") {
  TEST_CASE("lint rules: base images and variables in FROM") {
    // a variable without a default is unknown: no pinning finding (clarification 1)
    auto r = lint_text("ARG BASE\nFROM $BASE\nUSER 1\nHEALTHCHECK NONE\n");
    CHECK(none(r, "from-untagged"));
    CHECK(none(r, "from-no-digest"));
    // a default is judged
    r = lint_text("ARG BASE=alpine\nFROM $BASE\n");
    CHECK(has(r, 2, "from-untagged"));
    r = lint_text("ARG TAG=latest\nFROM alpine:${TAG}\n");
    CHECK(has(r, 2, "from-latest"));
    // tag + digest: pinned; latest with a digest is not from-latest
    r = lint_text("FROM alpine:latest@sha256:" + std::string(64, 'a') + "\n");
    CHECK(none(r, "from-latest"));
    CHECK(none(r, "from-no-digest"));
    // repository names are normalised (clarification 2), the finding goes to the final FROM
    r = lint_text("FROM docker.io/library/golang:1.22 AS b\nRUN true\nFROM b\n");
    CHECK(has(r, 3, "final-stage-sdk-base"));
    r = lint_text("FROM eclipse-temurin:21-jre\n");
    CHECK(none(r, "final-stage-sdk-base"));
    r = lint_text("FROM eclipse-temurin:21-jdk\n");
    CHECK(has(r, 1, "final-stage-sdk-base"));
    r = lint_text("FROM node:20-bookworm-slim\n");
    CHECK(none(r, "final-stage-full-base"));
    r = lint_text("FROM debian\n");
    CHECK(has(r, 1, "final-stage-full-base"));
    // other registries are other repositories
    r = lint_text("FROM public.ecr.aws/docker/library/golang:1.22\n");
    CHECK(none(r, "final-stage-sdk-base"));
    // stage aliases never get base-image findings; scratch neither
    r = lint_text("FROM alpine:3.20 AS Base\nFROM base\nFROM scratch\n");
    CHECK(none(r, "from-untagged"));
    CHECK(r.count({2, "from-no-digest"}) == 0);
    CHECK(r.count({3, "from-no-digest"}) == 0);
  }

  TEST_CASE("lint rules: command matching") {
    // options before the subcommand, sudo, env and assignments are dropped (clarification 3)
    auto r = lint_text("FROM debian:12-slim\nRUN apt-get update && apt-get -y install curl && rm -rf /var/lib/apt/lists/*\n");
    CHECK(has(r, 2, "apt-no-install-recommends"));
    CHECK(none(r, "apt-lists-not-removed"));
    CHECK(none(r, "apt-update-alone"));
    r = lint_text("FROM debian:12-slim\nRUN sudo DEBIAN_FRONTEND=noninteractive apt-get update\n");
    CHECK(has(r, 2, "apt-update-alone"));
    CHECK(has(r, 2, "apt-lists-not-removed"));
    r = lint_text("FROM debian:12-slim\nRUN apt update && apt install -y -o APT::Install-Recommends=false curl\n");
    CHECK(none(r, "apt-no-install-recommends"));
    CHECK(none(r, "apt-update-alone"));
    CHECK(has(r, 2, "apt-lists-not-removed"));
    r = lint_text("FROM alpine:3.20\nRUN apk --no-cache add curl\n");
    CHECK(none(r, "apk-no-cache"));
    r = lint_text("FROM alpine:3.20\nRUN apk add curl\n");
    CHECK(has(r, 2, "apk-no-cache"));
    r = lint_text("FROM python:3.12-slim\nRUN python3 -m pip install flask\n");
    CHECK(has(r, 2, "pip-no-cache-dir"));
    CHECK(has(r, 2, "prefer-cache-mount"));
    r = lint_text("FROM python:3.12-slim\nRUN env PIP_NO_CACHE_DIR=1 pip3 install flask\n");
    CHECK(has(r, 2, "pip-no-cache-dir"));  // env's assignment is dropped with env, not an inline one
    r = lint_text("FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=1 pip3 install flask\n");
    CHECK(none(r, "pip-no-cache-dir"));
    // truthy values (clarification 9) and cache mounts
    r = lint_text("FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=Yes\nRUN pip install flask\n");
    CHECK(none(r, "pip-no-cache-dir"));
    r = lint_text("FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=0\nRUN pip install flask\n");
    CHECK(has(r, 3, "pip-no-cache-dir"));
    r = lint_text("FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache pip install flask\n");
    CHECK(none(r, "pip-no-cache-dir"));
    CHECK(none(r, "prefer-cache-mount"));
    // the find form of list removal (clarification 16)
    r = lint_text("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && "
                  "find /var/lib/apt/lists -type f -delete\n");
    CHECK(none(r, "apt-lists-not-removed"));
    // a heredoc RUN is a script (clarification 17)
    r = lint_text("FROM debian:12-slim\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n");
    CHECK(has(r, 2, "apt-no-install-recommends"));
    CHECK(has(r, 2, "apt-lists-not-removed"));
    // a heredoc fed to a program is its input, not commands
    r = lint_text("FROM debian:12-slim\nRUN cat <<EOF > /etc/notes\napt-get install x\nEOF\n");
    CHECK(none(r, "apt-no-install-recommends"));
    // builder stages are not checked by the size rules
    r = lint_text("FROM debian:12-slim AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\n"
                  "COPY --from=build /x /x\n");
    CHECK(none(r, "apt-no-install-recommends"));
    CHECK(none(r, "build-in-final-stage"));
    CHECK(has(r, 2, "prefer-cache-mount"));
  }

  TEST_CASE("lint rules: build tooling in a stage that ships") {
    std::set<std::string> d;
    auto r = lint_text("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
                       "libpq-dev=15.* curl && rm -rf /var/lib/apt/lists/*\n",
                       lint::profile::standard, {}, "", false, &d);
    CHECK(has(r, 2, "build-in-final-stage"));
    CHECK(d.count("2 build-in-final-stage libpq-dev"));
    // installed, used and removed in one RUN (clarification 4)
    r = lint_text("FROM alpine:3.20\nRUN apk add --no-cache --virtual .build gcc musl-dev && make && apk del .build\n");
    CHECK(none(r, "build-in-final-stage"));
    r = lint_text("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && "
                  "cc -o /x x.c && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n");
    CHECK(none(r, "build-in-final-stage"));
    r = lint_text("FROM golang:1.22-alpine AS b\nFROM b\nRUN go build ./...\n");
    CHECK(has(r, 3, "build-in-final-stage"));
  }

  TEST_CASE("lint rules: layer order and cleanup") {
    std::set<std::string> d;
    // copy-all-before-deps stays within one stage (clarification 8)
    auto r = lint_text("FROM node:20-slim AS a\nCOPY . .\nFROM a\nRUN npm ci\n", lint::profile::standard);
    CHECK(none(r, "copy-all-before-deps"));
    r = lint_text("FROM node:20-slim\nCOPY . .\nRUN npm install express\nRUN npm i\n", lint::profile::standard, {}, "",
                  false, &d);
    CHECK(has(r, 2, "copy-all-before-deps"));
    CHECK(d.count("2 copy-all-before-deps 4"));
    // earlier-written paths (clarification 10)
    r = lint_text("FROM debian:12-slim\nRUN curl -fsSLo /tmp/x.tgz https://e.example/x.tgz && tar xzf /tmp/x.tgz\n"
                  "RUN rm /tmp/x.tgz\n");
    CHECK(has(r, 3, "cleanup-in-later-layer"));
    r = lint_text("FROM debian:12-slim\nWORKDIR /src\nRUN git clone https://e.example/app.git\nRUN rm -rf app/.git\n");
    CHECK(has(r, 4, "cleanup-in-later-layer"));
    r = lint_text("FROM debian:12-slim\nRUN wget -P /downloads https://e.example/f.zip\nRUN rm -rf /downloads/f.zip\n");
    CHECK(has(r, 3, "cleanup-in-later-layer"));
    r = lint_text("FROM debian:12-slim\nRUN echo hi > /etc/motd\nRUN rm /etc/motd\n");
    CHECK(has(r, 3, "cleanup-in-later-layer"));
    r = lint_text("FROM debian:12-slim\nCOPY <<EOF /opt/setup.sh\necho\nEOF\nRUN sh /opt/setup.sh && rm /opt/setup.sh\n");
    CHECK(has(r, 5, "cleanup-in-later-layer"));
    r = lint_text("FROM debian:12-slim\nWORKDIR /app\nCOPY . .\nRUN make && rm -rf src\n");
    CHECK(has(r, 4, "cleanup-in-later-layer"));
    // written and removed in one RUN, or a base-image file: not a finding
    r = lint_text("FROM debian:12-slim\nRUN curl -o /tmp/a https://e.example/a && sh /tmp/a && rm /tmp/a\n");
    CHECK(none(r, "cleanup-in-later-layer"));
    r = lint_text("FROM debian:12-slim\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n");
    CHECK(none(r, "cleanup-in-later-layer"));
    r = lint_text("FROM debian:12-slim\nRUN apt-get clean && rm -rf /var/cache/apt/*\n");
    CHECK(has(r, 2, "cleanup-in-later-layer"));
    // chown -R (clarification 11)
    r = lint_text("FROM debian:12-slim\nWORKDIR /srv\nCOPY app/ app/\nRUN chown -hR 1000:1000 app\n");
    CHECK(has(r, 4, "chown-separate-layer"));
    r = lint_text("FROM debian:12-slim\nCOPY app/ /srv/app/\nRUN chown 1000 /srv/app\n");
    CHECK(none(r, "chown-separate-layer"));
  }

  TEST_CASE("lint rules: user, healthcheck and exec form in the final chain") {
    auto r = lint_text("FROM alpine:3.20\nARG U=root\nUSER $U\nHEALTHCHECK NONE\n", lint::profile::standard);
    CHECK(has(r, 3, "user-root-final"));
    r = lint_text("FROM alpine:3.20\nUSER $APP_UID\nHEALTHCHECK NONE\n", lint::profile::standard);
    CHECK(none(r, "user-root-final"));
    CHECK(none(r, "user-missing-final"));
    r = lint_text("FROM alpine:3.20\nUSER 0:0\n", lint::profile::standard);
    CHECK(has(r, 2, "user-root-final"));
    CHECK(has(r, 1, "healthcheck-missing"));
    // known non-root bases (an untagged Chainguard image counts as latest: clarification 13)
    r = lint_text("FROM cgr.dev/chainguard/static\n", lint::profile::standard);
    CHECK(none(r, "user-missing-final"));
    r = lint_text("FROM cgr.dev/chainguard/python:latest-dev\n", lint::profile::standard);
    CHECK(has(r, 1, "user-missing-final"));
    // settings inherited through FROM <stage>, root set in a parent
    r = lint_text("FROM alpine:3.20 AS base\nUSER root\nFROM base\nHEALTHCHECK NONE\n", lint::profile::standard);
    CHECK(has(r, 2, "user-root-final"));
    // only the CMD in effect counts (clarification 12); SHELL silences shell form
    r = lint_text("FROM alpine:3.20\nCMD run\nCMD [\"run\"]\n", lint::profile::standard);
    CHECK(none(r, "shell-form-cmd"));
    r = lint_text("FROM alpine:3.20\nSHELL [\"/bin/ash\", \"-c\"]\nENTRYPOINT run\n", lint::profile::standard);
    CHECK(none(r, "shell-form-cmd"));
    r = lint_text("FROM alpine:3.20\nENTRYPOINT run\n", lint::profile::standard);
    CHECK(has(r, 2, "shell-form-cmd"));
    // exec form with a shell that expands it is fine (clarification 5)
    r = lint_text("FROM alpine:3.20\nCMD [\"/bin/sh\", \"-c\", \"exec app --port $PORT\"]\n", lint::profile::standard);
    CHECK(none(r, "exec-form-variable"));
    r = lint_text("FROM alpine:3.20\nCMD [\"app\", \"--port=${PORT}\"]\n", lint::profile::standard);
    CHECK(has(r, 2, "exec-form-variable"));
    r = lint_text("FROM alpine:3.20\nHEALTHCHECK CMD [\"wget\", \"http://localhost:$PORT/\"]\n", lint::profile::standard);
    CHECK(has(r, 2, "exec-form-variable"));
    // a builder stage's CMD is not shipped
    r = lint_text("FROM alpine:3.20 AS b\nCMD [\"$X\"]\nFROM scratch\n", lint::profile::standard);
    CHECK(none(r, "exec-form-variable"));
  }

  TEST_CASE("lint rules: secrets and the build context") {
    // public identifiers (clarification 15), meta ARGs count
    auto r = lint_text("ARG NPM_TOKEN\nFROM alpine:3.20\nENV GPG_KEY=x AWS_ACCESS_KEY_ID=y MY_PUBLIC_KEY=z "
                       "APP_FINGERPRINT=w DEB_KEYRING=v\nENV DB_PASSWORD=p\n",
                       lint::profile::standard);
    CHECK(has(r, 1, "secret-in-arg-env"));
    CHECK(none(r, "secret-in-arg-env") == false);
    CHECK(r.count({3, "secret-in-arg-env"}) == 0);
    CHECK(has(r, 4, "secret-in-arg-env"));
    std::set<std::string> d;
    // not secrets: .env.example, *.pub (clarification 6); a directory source is a broad copy of its files
    r = lint_text("FROM alpine:3.20\nCOPY .env.example id_rsa.pub /app/\nCOPY conf/ /etc/app/\n", lint::profile::standard,
                  {".env.example", "id_rsa.pub", "conf/app.yaml", "conf/tls/server.key", "Dockerfile"}, ".git\n", true,
                  &d);
    CHECK(has(r, 3, "secret-file-copied"));
    CHECK(r.count({2, "secret-file-copied"}) == 0);
    CHECK(d.count("3 secret-file-copied conf/tls/server.key"));
    // an excluded explicit source is copy-ignored-file, not a secret (clarification 6)
    d.clear();
    r = lint_text("FROM alpine:3.20\nCOPY ./.env /app/\n", lint::profile::standard, {".env", "Dockerfile"}, ".env\n",
                  true, &d);
    CHECK(has(r, 2, "copy-ignored-file"));
    CHECK(none(r, "secret-file-copied"));
    CHECK(d.count("2 copy-ignored-file ./.env"));
    // wildcard: a finding only when it matches files and every one is excluded (clarification 7)
    r = lint_text("FROM alpine:3.20\nCOPY *.md /docs/\n", lint::profile::standard, {"a.md", "b.md"}, "*.md\n!a.md\n");
    CHECK(none(r, "copy-ignored-file"));
    r = lint_text("FROM alpine:3.20\nCOPY *.md /docs/\n", lint::profile::standard, {"a.md", "b.md"}, "*.md\n");
    CHECK(has(r, 2, "copy-ignored-file"));
    // a directory source is excluded only when none of its files is sent
    r = lint_text("FROM alpine:3.20\nCOPY docs/ /docs/\n", lint::profile::standard, {"docs/a.md", "docs/b.txt"},
                  "docs/*.md\n");
    CHECK(none(r, "copy-ignored-file"));
    // submodule .git directories count (clarification 14)
    d.clear();
    r = lint_text("FROM alpine:3.20 AS b\nCOPY . .\nFROM scratch\n", lint::profile::standard,
                  {"src/a.c", "lib/sub/.git/HEAD", "app/node_modules/x/index.js"}, "*.log\n", true, &d);
    CHECK(d.count("2 dockerignore-gap git,node_modules"));
    // without a .dockerignore: missing, reported once at the first broad COPY
    r = lint_text("FROM alpine:3.20\nCOPY . .\nCOPY ./ /x/\n", lint::profile::standard, {"a"}, "", true);
    CHECK(has(r, 2, "dockerignore-missing"));
    CHECK(r.count({3, "dockerignore-missing"}) == 0);
    // an unknown context: the context rules stay quiet
    r = lint_text("FROM alpine:3.20\nCOPY . .\nCOPY .env /x\n", lint::profile::standard);
    CHECK(none(r, "dockerignore-missing"));
  }

  TEST_CASE("lint suppression: pragmas and options") {
    const std::string text = "# dockimg global ignore=healthcheck-missing\n"
                             "# hadolint ignore=DL3007\n"
                             "FROM alpine:latest AS a\n"
                             "# dockimg ignore=from-untagged, apk-no-cache\n"
                             "FROM debian\n"
                             "RUN apk add curl\n"
                             "# dockimg ignore=from-untagged\n"
                             "FROM ubuntu\n"
                             "USER 1\n";
    std::size_t suppressed = 0;
    auto r = lint_text(text, lint::profile::standard, {}, "", false, nullptr, &suppressed);
    CHECK(none(r, "healthcheck-missing"));
    CHECK(r.count({3, "from-latest"}) == 0);
    CHECK(r.count({5, "from-untagged"}) == 0);  // the list ends at the first space: only from-untagged
    CHECK(has(r, 8, "from-untagged") == false);
    CHECK(suppressed >= 4);
    // the rule set itself: --ignore on the command line disables rules
    std::vector<unsigned char> mem(1 << 20);
    dockimg::arena a(mem.data(), mem.size());
    const std::string t2 = "FROM alpine:latest\n";
    const df::document doc = df::parse(t2, a);
    lint::options o;
    o.enabled.disable(lint::rule_id::from_latest);
    const lint::report rep = lint::run(doc, o, a);
    for (const lint::finding& f : rep.findings) CHECK(f.rule->id != lint::rule_id::from_latest);
    // names, hadolint ids and case
    REQUIRE(lint::find_rule("FROM-LATEST") != nullptr);
    CHECK(lint::find_rule("DL3007")->id == lint::rule_id::from_latest);
    CHECK(lint::find_rule("stagenamecasing")->id == lint::rule_id::bk_stage_name_casing);
    CHECK(lint::find_rule("no-such-rule") == nullptr);
  }
}

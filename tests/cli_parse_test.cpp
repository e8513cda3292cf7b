// The dockimg command line, `dockimg parse`, run as a user runs it.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "cli_support.hpp"

namespace {

using dockimg_test::run_cli;
using dockimg_test::shell_quote;

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("dockimg parse --format=dump reproduces every BuildKit result file") {
  const std::string dir = dockimg_test::corpus_dir() + "/buildkit-parser/testfiles";
  if (dockimg_test::skip_without(dir + "/json/result")) return;
  int total = 0;
  int same = 0;
  for (const auto& name : dockimg_test::list_dir(dir)) {
    std::string expected;
    REQUIRE(dockimg_test::read_file(dir + "/" + name + "/result", expected));
    const auto r = run_cli("parse --format=dump " + shell_quote(dir + "/" + name + "/Dockerfile"));
    ++total;
    if (r.status == 0 && r.out == expected) {
      ++same;
    } else {
      FAIL_CHECK(name << ": status " << r.status << "\n" << r.out << r.err);
    }
  }
  std::printf("dockimg parse --format=dump: %d of %d result files reproduced\n", same, total);
  CHECK(total == 33);
  CHECK(same == total);
}

TEST_CASE("dockimg parse reports BuildKit's error with FILE:LINE:COLUMN and exits 1") {
  const std::string dir = dockimg_test::corpus_dir() + "/buildkit-parser";
  if (dockimg_test::skip_without(dir + "/testfiles_computed.jsonl")) return;
  int negatives = 0;
  for (const auto& r : dockimg_test::read_jsonl(dir + "/testfiles_computed.jsonl")) {
    if (!r["computed"].contains("error")) continue;
    ++negatives;
    const std::string file = dir + "/" + r["dockerfile_file"].get<std::string>();
    const auto res = run_cli("parse --format=none " + shell_quote(file));
    CHECK(res.status == 1);
    const std::string message = r["computed"]["error"]["message"];
    CHECK_MESSAGE(res.err.find(file + ":") == 0, res.err);
    CHECK_MESSAGE(res.err.find(": error: " + message + "\n") != std::string::npos, res.err);
  }
  CHECK(negatives == 4);
}

TEST_CASE("dockimg parse: positions - warnings - stdin and usage errors") {
  SUBCASE("an error's line and column point at the offending word") {
    const auto r = run_cli("parse -", "FROM a\nLABEL a=b   c\n");
    CHECK(r.status == 1);
    CHECK(r.err == "-:2:13: error: Syntax error - can't find = in \"c\". Must be of the form: name=value\n");
  }
  SUBCASE("warnings are printed and do not fail the parse") {
    const auto r = run_cli("parse -", "FROM a\nRUN a \\\n\n  b\n");
    CHECK(r.status == 0);
    CHECK(r.err == "-:3:1: warning: Empty continuation line found in: RUN a   b\n");
    CHECK(r.out == "(from \"a\")\n(run \"a   b\")\n");
  }
  SUBCASE("usage errors exit 2") {
    CHECK(run_cli("parse").status == 2);
    CHECK(run_cli("parse --format=xml x").status == 2);
    CHECK(run_cli("frobnicate").status == 2);
  }
  SUBCASE("a missing file fails with status 1") {
    const auto r = run_cli("parse /nonexistent/Dockerfile");
    CHECK(r.status == 1);
    CHECK(r.err.find("/nonexistent/Dockerfile: error: cannot read") == 0);
  }
  SUBCASE("--version") {
    const auto r = run_cli("--version");
    CHECK(r.status == 0);
    CHECK(r.out == "dockimg " DOCKIMG_VERSION_STRING "\n");
  }
}

TEST_CASE("dockimg parse --format=json describes instructions with positions") {
  const std::string text =
      "# syntax=docker/dockerfile:1\nFROM alpine AS base\nRUN --mount=type=cache,target=/c apk \\\n    add x\n"
      "COPY <<EOF /a\nhello\nEOF\nCMD [\"sh\", \"-c\", \"x\"]\nONBUILD RUN y\n";
  const auto r = run_cli("parse --format=json -", text);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["ok"] == true);
  CHECK(j["file"] == "-");
  CHECK(j["directives"][0]["name"] == "syntax");
  CHECK(j["directives"][0]["value"] == "docker/dockerfile:1");
  const auto& ins = j["instructions"];
  REQUIRE(ins.size() == 5);
  CHECK(ins[0]["keyword"] == "FROM");
  CHECK(ins[0]["args"][2]["value"] == "base");
  CHECK(ins[0]["args"][2]["start"]["line"] == 2);
  CHECK(ins[0]["args"][2]["start"]["column"] == 16);
  CHECK(ins[1]["kind"] == "run");
  CHECK(ins[1]["form"] == "shell");
  CHECK(ins[1]["start_line"] == 3);
  CHECK(ins[1]["end_line"] == 4);
  CHECK(ins[1]["flags"][0]["name"] == "mount");
  CHECK(ins[1]["flags"][0]["value"] == "type=cache,target=/c");
  CHECK(ins[1]["args"][0]["start"]["line"] == 3);
  CHECK(ins[1]["args"][0]["end"]["line"] == 4);
  CHECK(ins[2]["heredocs"][0]["name"] == "EOF");
  CHECK(ins[2]["heredocs"][0]["content"] == "hello\n");
  CHECK(ins[3]["form"] == "exec");
  CHECK(ins[3]["args"][2]["value"] == "x");
  CHECK(ins[4]["trigger"]["keyword"] == "RUN");
  CHECK(j["warnings"].empty());
  CHECK(j["error"].is_null());
}

}  // TEST_SUITE

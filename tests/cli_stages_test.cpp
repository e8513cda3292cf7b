// The dockimg command line, `dockimg stages`, run as a user runs it.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli_support.hpp"

namespace {

using stages_run = dockimg_test::cli_result;
using dockimg_test::shell_quote;

/// Runs `dockimg stages ARGS` with `input` as standard input (the file argument is '-').
stages_run run_stages(const std::string& args, const std::string& input) {
  return dockimg_test::run_cli("stages " + args, input);
}

const char* const multistage =
    "ARG VERSION=1.22\n"
    "FROM golang:${VERSION} AS build\n"
    "ENV CGO_ENABLED=0\n"
    "ARG VERSION\n"
    "RUN --mount=type=cache,target=/root/.cache go build\n"
    "FROM build AS test\n"
    "RUN go test\n"
    "FROM scratch AS final\n"
    "COPY --from=build /out /out\n";

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("cli stages: text listing") {
    const stages_run r = run_stages("-", multistage);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "stage 0 build\n"
          "  base: image golang:1.22 (from golang:${VERSION})\n"
          "  depends on: -\n"
          "  reachable: yes\n"
          "  ARG VERSION=1.22\n"
          "  ENV CGO_ENABLED=0\n"
          "stage 1 test\n"
          "  base: stage 0 build\n"
          "  depends on: -\n"
          "  reachable: no\n"
          "  ARG VERSION=1.22\n"
          "  ENV CGO_ENABLED=0\n"
          "stage 2 final (target)\n"
          "  base: image scratch\n"
          "  depends on: stage 0 build (copy)\n"
          "  reachable: yes\n");
  }

  TEST_CASE("cli stages: target and build args") {
    const stages_run r = run_stages("--target TEST --build-arg VERSION=1.23 -", multistage);
    CHECK(r.status == 0);
    CHECK(r.out.find("  base: image golang:1.23 (from golang:${VERSION})\n") != std::string::npos);
    CHECK(
        r.out.find(
            "stage 1 test (target)\n  base: stage 0 build\n  depends on: -\n  reachable: yes\n") !=
        std::string::npos);
    CHECK(r.out.find("stage 2 final\n") != std::string::npos);
  }

  TEST_CASE("cli stages: json") {
    const stages_run r = run_stages("--format=json -", multistage);
    CHECK(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["ok"] == true);
    CHECK(j["target"] == 2);
    CHECK(j["global_args"]["VERSION"] == "1.22");
    CHECK(j["global_args"]["TARGETSTAGE"] == "final");
    REQUIRE(j["stages"].size() == 3);
    CHECK(j["stages"][0]["base"]["image"] == "golang:1.22");
    CHECK(j["stages"][0]["depends_on"][0]["implicit"] == true);
    CHECK(j["stages"][1]["base"]["stage"] == 0);
    CHECK(j["stages"][1]["reachable"] == false);
    CHECK(j["stages"][2]["depends_on"][0]["stage"] == 0);
    CHECK(j["stages"][2]["depends_on"][0]["line"] == 9);
    CHECK(j["stages"][0]["env"]["CGO_ENABLED"] == "0");
  }

  TEST_CASE("cli stages: errors") {
    {
      const stages_run r = run_stages("--target nope -", multistage);
      CHECK(r.status == 1);
      CHECK(r.err == "-: error: target stage \"nope\" could not be found\n");
    }
    {
      const stages_run r = run_stages("-", "FROM a AS one\nCOPY --from=one / /\n");
      CHECK(r.status == 1);
      CHECK(r.err == "-:2:1: error: circular dependency detected on stage: one\n");
    }
    {
      const stages_run r = run_stages("-", "FROM a\nRUN --network=bogus true\n");
      CHECK(r.status == 1);
      CHECK(r.err ==
            "-:2:1: error: dockerfile parse error on line 2: invalid network mode \"bogus\"\n");
    }
    {
      const stages_run r = run_stages("-", "RUN true\n");
      CHECK(r.status == 1);
      CHECK(r.err == "-:1:1: error: no build stage in current context\n");
    }
    {
      const stages_run r = run_stages("--format=yaml -", multistage);
      CHECK(r.status == 2);
    }
    {
      const stages_run r = run_stages("", multistage);
      CHECK(r.status == 2);
    }
  }

}  // TEST_SUITE

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

// `dockimg parse --format=json` gives each instruction its typed value: compared field by field
// with the instructions BuildKit typed for every probe_parser.jsonl record.
namespace {

/// The CLI's typed JSON of one instruction against BuildKit's computed fields; returns the first
/// difference ("" when none).
std::string typed_difference(nlohmann::json got, const nlohmann::json& want) {
  // copies: operator[] on a non-const object gives null for a missing member
  const std::string type = want.value("type", "");
  nlohmann::json f = want.contains("fields") ? want["fields"] : nlohmann::json::object();
  auto list = [](const nlohmann::json& j) {
    return j.is_null() ? nlohmann::json::array() : nlohmann::json(j);
  };
  auto opt = [](const nlohmann::json& j) {  // "" in Go is null in the CLI's optional strings
    return j.is_string() && j.get<std::string>().empty() ? nlohmann::json() : j;
  };
  auto text = [](const nlohmann::json& j) {  // corpus strings carry U+FFFD for invalid UTF-8
    return j.is_string() ? nlohmann::json(dockimg_test::json_text(j.get<std::string>())) : j;
  };
  std::vector<std::pair<nlohmann::json, nlohmann::json>> pairs;  // (got, want)
  if (type == "Stage") {
    pairs = {{got["base_name"], text(f["BaseName"])}, {got["name"], opt(text(f["Name"]))},
             {got["platform"], opt(text(f["Platform"]))}};
  } else if (type == "RunCommand" || type == "CmdCommand" || type == "EntrypointCommand") {
    pairs = {{got["cmd_line"], list(f["CmdLine"])}, {got["prepend_shell"], f["PrependShell"]},
             {nlohmann::json(got["files"].size()), nlohmann::json(list(f["Files"]).size())}};
    if (type == "RunCommand") {
      pairs.push_back({got["network"], f["network"]});
      pairs.push_back({got["security"], f["security"]});
      if (!f["mounts"].is_null() && !got.contains("mounts_error")) {
        pairs.push_back({nlohmann::json(got["mounts"].size()), nlohmann::json(f["mounts"].size())});
      }
    }
  } else if (type == "CopyCommand" || type == "AddCommand") {
    pairs = {{got["sources"], list(f["SourcePaths"])}, {got["dest"], f["DestPath"]},
             {got["chown"], opt(f["Chown"])}, {got["chmod"], opt(f["Chmod"])}, {got["link"], f["Link"]},
             {got["exclude"], list(f["ExcludePatterns"])},
             {nlohmann::json(got["heredoc_sources"].size()), nlohmann::json(list(f["SourceContents"]).size())}};
    if (type == "CopyCommand") {
      pairs.push_back({got["from"], opt(f["From"])});
      pairs.push_back({got["parents"], f["Parents"]});
    } else {
      pairs.push_back({got["checksum"], opt(f["Checksum"])});
      pairs.push_back({got["keep_git_dir"], f["KeepGitDir"]});
      pairs.push_back({got["unpack"], f["Unpack"]});
    }
  } else if (type == "EnvCommand" || type == "LabelCommand") {
    nlohmann::json kv = type == "EnvCommand" ? f["Env"] : f["Labels"];
    nlohmann::json g = type == "EnvCommand" ? got["env"] : got["labels"];
    pairs.push_back({nlohmann::json(g.size()), nlohmann::json(list(kv).size())});
    for (std::size_t i = 0; i < g.size() && i < list(kv).size(); ++i) {
      pairs.push_back({g[i]["key"], text(kv[i]["Key"])});
      pairs.push_back({g[i]["value"], text(kv[i]["Value"])});
    }
  } else if (type == "ArgCommand") {
    pairs.push_back({nlohmann::json(got["args"].size()), nlohmann::json(f["Args"].size())});
    for (std::size_t i = 0; i < got["args"].size() && i < f["Args"].size(); ++i) {
      pairs.push_back({got["args"][i]["key"], text(f["Args"][i]["Key"])});
      pairs.push_back({got["args"][i]["value"], text(f["Args"][i]["Value"])});
    }
  } else if (type == "ExposeCommand") {
    nlohmann::json specs = nlohmann::json::array();
    for (const auto& p : got["ports"]) specs.push_back(p["spec"]);
    pairs = {{specs, list(f["Ports"])}};
  } else if (type == "HealthCheckCommand") {
    pairs = {{got["test"], list(f["Health"]["Test"])}};
  } else if (type == "VolumeCommand") {
    pairs = {{got["volumes"], list(f["Volumes"])}};
  } else if (type == "StopSignalCommand") {
    pairs = {{got["signal"], f["Signal"]}};
  } else if (type == "MaintainerCommand") {
    pairs = {{got["maintainer"], f["Maintainer"]}};
  } else if (type == "WorkdirCommand") {
    pairs = {{got["path"], f["Path"]}};
  } else if (type == "UserCommand") {
    pairs = {{got["user"], f["User"]}};
  } else if (type == "ShellCommand") {
    pairs = {{got["shell"], list(f["Shell"])}};
  } else if (type == "OnbuildCommand") {
    pairs = {{got["expression"], text(f["Expression"])}};
  } else {
    return "unknown type " + type;
  }
  for (const auto& [g, w] : pairs) {
    if (g != w) return type + ": got " + g.dump() + ", BuildKit " + w.dump();
  }
  return "";
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("dockimg parse --format=json: typed values agree with BuildKit on every probe") {
  const std::string path = dockimg_test::corpus_dir() + "/buildkit-parser/probe_parser.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const auto recs = dockimg_test::read_jsonl(path);
  const std::string dir = "/tmp/dockimg_cli_typed_" + std::to_string(::getpid());
  REQUIRE(std::system(("mkdir -p " + shell_quote(dir)).c_str()) == 0);
  std::string args = "parse --format=json";
  std::vector<const nlohmann::json*> used;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const auto& c = recs[i]["computed"];
    if (!c.contains("instructions") || c.contains("error")) continue;
    const std::string text = recs[i].contains("dockerfile_b64")
                                 ? dockimg_test::base64_decode(recs[i]["dockerfile_b64"].get<std::string>())
                                 : recs[i]["dockerfile"].get<std::string>();
    const std::string file = dir + "/" + std::to_string(i);
    std::FILE* f = std::fopen(file.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    args += " " + shell_quote(file);
    used.push_back(&recs[i]);
  }
  const auto r = run_cli(args);
  std::system(("rm -rf " + shell_quote(dir)).c_str());
  std::size_t line_start = 0;
  int instructions = 0;
  int agreed = 0;
  int errors_agreed = 0;
  for (const nlohmann::json* rec : used) {
    const std::size_t nl = r.out.find('\n', line_start);
    REQUIRE(nl != std::string::npos);
    const nlohmann::json doc = nlohmann::json::parse(r.out.substr(line_start, nl - line_start));
    line_start = nl + 1;
    const auto& want = (*rec)["computed"]["instructions"];
    const auto& got = doc["instructions"];
    INFO((*rec)["id"].get<std::string>());
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
      ++instructions;
      if (want[k].contains("error")) {
        CHECK(got[k]["typed"].is_null());
        if (got[k].value("typed_error", "") == dockimg_test::json_text(want[k]["error"].get<std::string>())) {
          ++errors_agreed;
        } else {
          FAIL_CHECK("typed_error " << got[k].value("typed_error", "") << " vs " << want[k]["error"]);
        }
        continue;
      }
      const std::string diff = typed_difference(got[k]["typed"], want[k]);
      if (diff.empty()) {
        ++agreed;
      } else {
        FAIL_CHECK(diff);
      }
    }
  }
  std::printf("dockimg parse --format=json: %d of %d typed instructions agree with BuildKit (%d errors)\n",
              agreed + errors_agreed, instructions, errors_agreed);
  CHECK(instructions > 400);
}

}  // TEST_SUITE

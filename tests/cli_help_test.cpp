// Every subcommand the CLI lists in its usage has its own help: `dockimg CMD --help` and
// `dockimg help CMD` print the same text, starting with `usage: dockimg CMD`, and exit 0; an
// unknown command is a usage error.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include <dockimg/version.hpp>

#include "cli_support.hpp"

namespace {

/// The commands listed under "commands:" in `dockimg help` (lines indented by two spaces whose
/// first word is not `dockimg`).
std::vector<std::string> listed_commands(const std::string& usage) {
  std::vector<std::string> out;
  std::istringstream in(usage);
  bool in_list = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "commands:") {
      in_list = true;
      continue;
    }
    if (!in_list || line.size() < 3 || line[0] != ' ' || line[1] != ' ' || line[2] == ' ') continue;
    const std::string word = line.substr(2, line.find(' ', 2) - 2);
    if (word != "dockimg") out.push_back(word);
  }
  return out;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("cli help: every listed subcommand has its own help") {
    const auto usage = dockimg_test::run_cli("help");
    CHECK(usage.status == 0);
    const std::vector<std::string> commands = listed_commands(usage.out);
    CHECK(commands.size() >= 10);
    for (const std::string& cmd : commands) {
      CAPTURE(cmd);
      const auto a = dockimg_test::run_cli(cmd + " --help");
      const auto b = dockimg_test::run_cli("help " + cmd);
      CHECK(a.status == 0);
      CHECK(b.status == 0);
      CHECK(a.out.rfind("usage: dockimg " + cmd, 0) == 0);
      CHECK(a.out == b.out);
    }
    const auto unknown = dockimg_test::run_cli("no-such-command");
    CHECK(unknown.status == 2);
    const auto version = dockimg_test::run_cli("--version");
    CHECK(version.status == 0);
    CHECK(version.out.find(DOCKIMG_VERSION_STRING) != std::string::npos);
  }
}

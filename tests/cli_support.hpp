// Running the dockimg command line from tests, as a user runs it.
#ifndef DOCKIMG_TESTS_CLI_SUPPORT_HPP
#define DOCKIMG_TESTS_CLI_SUPPORT_HPP

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "test_support.hpp"

#ifndef DOCKIMG_CLI_PATH
#define DOCKIMG_CLI_PATH "dockimg"
#endif

namespace dockimg_test {

/// What a CLI run produced.
struct cli_result {
  int status = -1;
  std::string out;
  std::string err;
};

/// `s` quoted for the POSIX shell.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

/// Runs `dockimg ARGS` (ARGS already shell-quoted) with `input` as standard input.
inline cli_result run_cli(const std::string& args, const std::string& input = "") {
  static int counter = 0;
  const std::string base = "/tmp/dockimg_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::string cmd = shell_quote(DOCKIMG_CLI_PATH) + " " + args + " 2>" + base + ".err";
  {
    std::FILE* in = std::fopen((base + ".in").c_str(), "wb");
    REQUIRE(in != nullptr);
    std::fwrite(input.data(), 1, input.size(), in);
    std::fclose(in);
    cmd += " <" + base + ".in";
  }
  cli_result r;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  read_file(base + ".err", r.err);
  std::remove((base + ".err").c_str());
  std::remove((base + ".in").c_str());
  return r;
}

}  // namespace dockimg_test

#endif  // DOCKIMG_TESTS_CLI_SUPPORT_HPP

// The dockimg command line, `dockimg ignore` and `dockimg context`, run as a user runs them.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "cli_support.hpp"

namespace {

using dockimg_test::cli_result;
using dockimg_test::shell_quote;

cli_result run_ignore_cli(const std::string& args, const std::string& input = "") {
  return dockimg_test::run_cli(args, input);
}

void write(const std::string& path, const std::string& data) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
}

/// A scratch context directory, removed at the end.
struct scratch_dir {
  std::string path;
  scratch_dir() {
    static int counter = 0;
    path = "/tmp/dockimg_ctx_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::system(("rm -rf " + shell_quote(path)).c_str());
    ::mkdir(path.c_str(), 0755);
  }
  ~scratch_dir() { std::system(("rm -rf " + shell_quote(path)).c_str()); }
  void dir(const std::string& rel) const { ::mkdir((path + "/" + rel).c_str(), 0755); }
  void file(const std::string& rel, const std::string& data) const { write(path + "/" + rel, data); }
};

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("dockimg ignore prints 1 or 0 per path in input order") {
  scratch_dir d;
  d.file(".dockerignore", "# comment\nnode_modules\n**/*.log\n!keep.log\n");
  const auto r = run_ignore_cli("ignore --dockerignore " + shell_quote(d.path + "/.dockerignore"),
                                "node_modules/a/b.js\nsrc/x.log\nkeep.log\nsrc/main.c\n");
  CHECK(r.status == 0);
  CHECK(r.out == "1\tnode_modules/a/b.js\n1\tsrc/x.log\n0\tkeep.log\n0\tsrc/main.c\n");
  d.file("paths", "a.log\n");
  const auto r2 = run_ignore_cli("ignore --dockerignore " + shell_quote(d.path + "/.dockerignore") + " " +
                                 shell_quote(d.path + "/paths"));
  CHECK(r2.out == "1\ta.log\n");
}

TEST_CASE("dockimg ignore reports bad patterns with line and column") {
  scratch_dir d;
  d.file(".dockerignore", "ok\n  [abc\n");
  const auto r = run_ignore_cli("ignore --dockerignore " + shell_quote(d.path + "/.dockerignore"), "x\n");
  CHECK(r.status == 1);
  CHECK(r.err.find(".dockerignore:2:3: error: syntax error in pattern") != std::string::npos);
  const auto usage = run_ignore_cli("ignore", "");
  CHECK(usage.status == 2);
  d.file("lazy", "[z-a]\n");
  const auto lazy = run_ignore_cli("ignore --dockerignore " + shell_quote(d.path + "/lazy"), "x\n");
  CHECK(lazy.status == 1);
  CHECK(lazy.err.find("syntax error in pattern") != std::string::npos);
}

TEST_CASE("dockimg context lists what BuildKit sends") {
  scratch_dir d;
  d.dir("node_modules");
  d.dir("node_modules/x");
  d.file("node_modules/x/i.js", "xx");
  d.dir("src");
  d.file("src/a.js", "hello");
  d.dir("build");
  d.dir("build/static");
  d.file("build/static/s.css", "css");
  d.file("build/o.js", "o");
  d.file("Dockerfile", "FROM scratch\n");
  d.file(".dockerignore", "node_modules\nbuild\n!build/static/**\nDockerfile\n");
  const auto r = run_ignore_cli("context " + shell_quote(d.path) + " --excluded");
  CHECK(r.status == 0);
  CHECK(r.out.find("src/a.js") != std::string::npos);
  CHECK(r.out.find("build/static/s.css") != std::string::npos);
  CHECK(r.out.find("  node_modules/\n") != std::string::npos);  // pruned
  CHECK(r.out.find("  build/o.js\n") != std::string::npos);     // excluded
  CHECK(r.out.find("Dockerfile  (excluded by the patterns") != std::string::npos);
  const auto j = run_ignore_cli("context " + shell_quote(d.path) + " --format=json");
  CHECK(j.status == 0);
  const auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["total_files"] == 4);
  CHECK(doc["total_bytes"] == 5 + 3 + 13 + 47);  // a.js, s.css, Dockerfile, .dockerignore
}

TEST_CASE("dockimg context warns about what should not be sent") {
  scratch_dir d;
  d.dir(".git");
  d.file(".git/HEAD", "ref");
  d.file(".env", "SECRET=1");
  d.file("id_rsa", "key");
  d.dir("target");
  d.file("target/app", "bin");
  const auto r = run_ignore_cli("context " + shell_quote(d.path));
  CHECK(r.status == 0);
  CHECK(r.err.find("no .dockerignore") != std::string::npos);
  CHECK(r.err.find(".git/") != std::string::npos);
  CHECK(r.err.find(".env: an .env file") != std::string::npos);
  CHECK(r.err.find("id_rsa: a private key") != std::string::npos);
  CHECK(r.err.find("target/: a build output") != std::string::npos);
}

}  // TEST_SUITE

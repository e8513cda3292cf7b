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
#include "test_support.hpp"

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

TEST_CASE("dockimg context sends what fsutil sends for the exclude walk records") {
  // fsutil_walk.jsonl records with ExcludePatterns only: the CLI's files and directory count must
  // be the record's emitted entries (the patterns are written one a line; these need no cleaning).
  const std::string corpus = dockimg_test::corpus_dir() + "/dockerignore/fsutil_walk.jsonl";
  if (dockimg_test::skip_without(corpus)) return;
  int checked = 0;
  for (const auto& r : dockimg_test::read_jsonl(corpus)) {
    if (r["kind"] != "walk" || !r.contains("exclude") || r.contains("include") || r.contains("layers") ||
        r.contains("callback_returns")) {
      continue;
    }
    bool unreadable = false;
    for (const auto& t : r["tree"]) unreadable = unreadable || t[0] == "dir-unreadable";
    if (unreadable && ::geteuid() == 0) continue;  // mode 000 does not stop root
    scratch_dir d;
    for (const auto& t : r["tree"]) {
      if (t[0] == "file") {
        d.file(t[1].get<std::string>(), "");
      } else {
        d.dir(t[1].get<std::string>());
      }
    }
    for (const auto& t : r["tree"]) {
      if (t[0] == "dir-unreadable") ::chmod((d.path + "/" + t[1].get<std::string>()).c_str(), 0);
    }
    std::string ignore;
    for (const auto& p : r["exclude"]) ignore += p.get<std::string>() + "\n";
    write(d.path + ".dockerignore", ignore);
    const auto res = run_ignore_cli("context " + shell_quote(d.path) + " --dockerignore " +
                                    shell_quote(d.path + ".dockerignore") + " --file /nonexistent/Dockerfile --format=json");
    std::remove((d.path + ".dockerignore").c_str());
    ::chmod(d.path.c_str(), 0755);
    std::system(("chmod -R u+rwx " + shell_quote(d.path)).c_str());
    const std::string id = r["id"].get<std::string>();
    ++checked;
    if (r.value("error", false)) {
      CHECK_MESSAGE(res.status == 1, id);
      // the CLI prints strerror's text ("Permission denied"), Go a lowercased one
      std::string err = res.err;
      for (char& c : err) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      std::string want = r["error_text"].get<std::string>();
      for (char& c : want) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      CHECK_MESSAGE(err.find(want) != std::string::npos, id << ": " << res.err);
      continue;
    }
    REQUIRE_MESSAGE(res.status == 0, id << ": " << res.err);
    const auto doc = nlohmann::json::parse(res.out);
    std::vector<std::string> files, want_files;
    for (const auto& f : doc["files"]) files.push_back(f["path"].get<std::string>());
    int want_dirs = 0;
    for (const auto& e : r["expected"]) {
      const std::string line = e.get<std::string>();
      if (line.rfind("file ", 0) == 0) want_files.push_back(line.substr(5));
      if (line.rfind("dir ", 0) == 0) ++want_dirs;
    }
    CHECK_MESSAGE(files == want_files, id);
    CHECK_MESSAGE(doc["total_dirs"].get<int>() == want_dirs, id);
  }
  CHECK(checked >= 4);
}

}  // TEST_SUITE

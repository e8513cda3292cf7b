// `dockimg context` on a generated tree of 100,000 files: the library walk against a peer.
//
// The tree is a Node/TypeScript monorepo, generated once per process, deterministically, under
// $DOCKIMG_CONTEXT_BENCH_DIR (default /tmp/dockimg_context_bench_100k; reused when its stamp
// matches): .git (loose objects, packs, refs, hooks), node_modules (scoped and plain packages
// with lib/dist/test and nested node_modules, .bin symlinks), packages/* (React components with
// tests, snapshots, dist/, coverage/, their own node_modules), docs, logs, tmp, .env files.
// 100,000 non-directories (regular files, sparse, plus 80 .bin symlinks) in 11,143 directories;
// its own .dockerignore is the `prunable` one below, so `dockimg context DIR` can be timed on it.
//
// Two .dockerignore files:
//   prunable  a realistic Node list whose one exception (`!.env.example`) has no glob: fsutil
//             prunes node_modules, .git, dist, coverage without entering them.
//   glob_exception  the same plus `!**/README.md`: fsutil may prune nothing and walks every entry.
//
// BM_context_walk/<ignore>   dockimg::context::walk (fsutil FilterFS semantics) over posix_source:
//                            what `dockimg context` does, minus printing.
// BM_context_walk_nofilter   the same walk with no filter (every entry listed and lstat'ed).
// BM_fs_regex_peer/<ignore>  written the way existing tools do it: std::filesystem's recursive
//                            directory iterator over everything, each pattern a std::regex, checked
//                            against the path and every parent (last match wins), no pruning.
//
// Counters: entries = entries the walk looked at, sent = files sent, entries/s and sent/s rates.
#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <dockimg/context.hpp>
#include <dockimg/dockerignore.hpp>

namespace {

namespace ctx = dockimg::context;
namespace di = dockimg::dockerignore;

constexpr std::size_t total_files = 100000;
constexpr const char* stamp_text = "dockimg context bench tree v2 100000\n";

const char* const prunable_ignore =
    "# dependencies\n"
    "node_modules\n"
    "**/node_modules\n"
    "# version control and editors\n"
    ".git\n"
    ".github\n"
    ".vscode\n"
    ".idea\n"
    "# build output and reports\n"
    "**/dist\n"
    "**/coverage\n"
    "**/*.tsbuildinfo\n"
    "# logs and scratch\n"
    "logs\n"
    "tmp\n"
    "**/*.log\n"
    "# secrets\n"
    ".env\n"
    ".env.*\n"
    "!.env.example\n"
    "# tests\n"
    "**/*.test.ts\n"
    "**/*.test.tsx\n"
    "**/__snapshots__\n"
    "# docker\n"
    "Dockerfile*\n"
    "docker-compose*.yml\n"
    ".dockerignore\n";

/// Deterministic numbers (a 64-bit LCG).
struct lcg {
  std::uint64_t x = 0x2545F4914F6CDD1Dull;
  std::uint32_t next(std::uint32_t n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>((x >> 33) % n);
  }
};

/// Writes the tree: directories, then sparse files of the given size, symlinks for `.bin`.
class tree_writer {
 public:
  explicit tree_writer(std::string root) : root_(std::move(root)) {}
  std::size_t files = 0;
  std::size_t dirs = 0;
  bool failed = false;

  void dir(const std::string& rel) {
    if (::mkdir((root_ + "/" + rel).c_str(), 0755) == 0) ++dirs;
  }
  void file(const std::string& rel, std::uint32_t size) {
    if (files >= total_files) return;
    const int fd = ::open((root_ + "/" + rel).c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) {
      failed = true;
      return;
    }
    if (size > 0 && ::ftruncate(fd, static_cast<off_t>(size)) != 0) failed = true;
    ::close(fd);
    ++files;
  }
  void text(const std::string& rel, std::string_view content) {
    if (files >= total_files) return;
    std::FILE* f = std::fopen((root_ + "/" + rel).c_str(), "wb");
    if (f == nullptr || std::fwrite(content.data(), 1, content.size(), f) != content.size()) failed = true;
    if (f != nullptr) std::fclose(f);
    ++files;
  }
  void link(const std::string& target, const std::string& rel) {
    if (files >= total_files) return;
    if (::symlink(target.c_str(), (root_ + "/" + rel).c_str()) != 0) failed = true;
    ++files;
  }
  bool full() const { return files >= total_files; }

 private:
  std::string root_;
};

std::string hex(lcg& r, int n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += digits[r.next(16)];
  return s;
}

const char* const words[] = {"core", "utils", "react", "lodash", "async", "debug", "chalk", "yargs", "axios", "express",
                             "babel", "eslint", "jest", "webpack", "rollup", "postcss", "semver", "glob", "minimatch",
                             "uuid", "dotenv", "zod", "redux", "immer", "dayjs", "ms", "qs", "mime", "ws", "tslib"};
constexpr std::uint32_t nwords = sizeof words / sizeof words[0];

/// One npm package under `base` (lib files as .js/.d.ts/.js.map triples, sometimes dist/, test/).
void npm_package(tree_writer& w, lcg& r, const std::string& base, bool nested_ok) {
  w.dir(base);
  w.file(base + "/package.json", 400 + r.next(3000));
  w.file(base + "/README.md", 500 + r.next(12000));
  w.file(base + "/LICENSE", 1070);
  w.file(base + "/index.js", 100 + r.next(2000));
  const std::uint32_t nlib = 1 + r.next(14);
  w.dir(base + "/lib");
  for (std::uint32_t i = 0; i < nlib && !w.full(); ++i) {
    const std::string stem = base + "/lib/" + words[r.next(nwords)] + std::to_string(i);
    w.file(stem + ".js", 200 + r.next(20000));
    w.file(stem + ".d.ts", 100 + r.next(3000));
    w.file(stem + ".js.map", 300 + r.next(30000));
  }
  if (r.next(3) == 0) {
    w.dir(base + "/dist");
    w.dir(base + "/dist/esm");
    w.dir(base + "/dist/cjs");
    for (std::uint32_t i = 0; i < nlib && !w.full(); ++i) {
      w.file(base + "/dist/esm/m" + std::to_string(i) + ".js", 200 + r.next(20000));
      w.file(base + "/dist/cjs/m" + std::to_string(i) + ".js", 200 + r.next(20000));
    }
  }
  if (r.next(5) == 0) {
    w.dir(base + "/test");
    const std::uint32_t ntest = 2 + r.next(6);
    for (std::uint32_t i = 0; i < ntest && !w.full(); ++i) {
      w.file(base + "/test/t" + std::to_string(i) + ".test.js", 300 + r.next(5000));
    }
  }
  if (nested_ok && r.next(12) == 0) {
    w.dir(base + "/node_modules");
    const std::uint32_t nnested = 1 + r.next(3);
    for (std::uint32_t i = 0; i < nnested && !w.full(); ++i) {
      npm_package(w, r, base + "/node_modules/" + words[r.next(nwords)] + "-n" + std::to_string(i), false);
    }
  }
}

/// A workspace package: components with tests and snapshots, dist/, coverage/, own node_modules.
void workspace(tree_writer& w, lcg& r, const std::string& base, std::uint32_t ncomp) {
  w.dir(base);
  w.file(base + "/package.json", 1200);
  w.file(base + "/tsconfig.json", 600);
  w.file(base + "/README.md", 2400);
  w.file(base + "/tsconfig.tsbuildinfo", 90000);
  w.dir(base + "/src");
  w.dir(base + "/src/components");
  w.dir(base + "/dist");
  w.dir(base + "/coverage");
  w.dir(base + "/coverage/lcov-report");
  w.file(base + "/coverage/lcov.info", 200000);
  for (std::uint32_t i = 0; i < ncomp && !w.full(); ++i) {
    const std::string name = std::string(1, static_cast<char>('A' + r.next(26))) + words[r.next(nwords)] + std::to_string(i);
    const std::string c = base + "/src/components/" + name;
    w.dir(c);
    w.file(c + "/" + name + ".tsx", 800 + r.next(8000));
    w.file(c + "/" + name + ".test.tsx", 600 + r.next(4000));
    w.file(c + "/" + name + ".module.css", 100 + r.next(2000));
    w.file(c + "/index.ts", 60);
    w.dir(c + "/__snapshots__");
    w.file(c + "/__snapshots__/" + name + ".test.tsx.snap", 1000 + r.next(9000));
    w.file(base + "/dist/" + name + ".js", 900 + r.next(9000));
    w.file(base + "/dist/" + name + ".js.map", 1500 + r.next(15000));
    w.file(base + "/dist/" + name + ".d.ts", 200 + r.next(900));
    w.file(base + "/coverage/lcov-report/" + name + ".tsx.html", 5000 + r.next(20000));
  }
  w.dir(base + "/node_modules");
  const std::uint32_t ndeps = 15 + r.next(20);
  for (std::uint32_t i = 0; i < ndeps && !w.full(); ++i) {
    npm_package(w, r, base + "/node_modules/" + words[r.next(nwords)] + "-w" + std::to_string(i), false);
  }
}

/// Generates the whole tree under `root` (which exists and is empty).
bool generate(const std::string& root) {
  tree_writer w(root);
  lcg r;
  for (const char* f : {"package.json", "package-lock.json", "README.md", "LICENSE", "Dockerfile", "Dockerfile.dev",
                        ".gitignore", ".env", ".env.example", ".env.local", ".env.production", "tsconfig.json",
                        ".eslintrc.js", ".prettierrc", "docker-compose.yml", "jest.config.js", "turbo.json"}) {
    w.file(f, 200 + r.next(4000));
  }
  w.file("yarn.lock", 900000);
  w.text(".dockerignore", prunable_ignore);
  w.dir(".github");
  w.dir(".github/workflows");
  for (int i = 0; i < 12; ++i) w.file(".github/workflows/ci" + std::to_string(i) + ".yml", 1500);
  w.dir(".vscode");
  for (const char* f : {"settings.json", "extensions.json", "launch.json"}) w.file(std::string(".vscode/") + f, 300);
  w.dir(".idea");
  for (const char* f : {"workspace.xml", "modules.xml", "vcs.xml", "misc.xml", "app.iml"}) w.file(std::string(".idea/") + f, 2000);
  // .git
  for (const char* d : {".git", ".git/hooks", ".git/info", ".git/logs", ".git/logs/refs", ".git/logs/refs/heads", ".git/refs",
                        ".git/refs/heads", ".git/refs/tags", ".git/objects", ".git/objects/pack", ".git/objects/info"}) {
    w.dir(d);
  }
  for (const char* f : {".git/HEAD", ".git/config", ".git/description", ".git/index", ".git/packed-refs",
                        ".git/info/exclude", ".git/logs/HEAD", ".git/logs/refs/heads/main"}) {
    w.file(f, 100 + r.next(50000));
  }
  for (int i = 0; i < 12; ++i) w.file(".git/hooks/hook" + std::to_string(i) + ".sample", 1500);
  for (int i = 0; i < 20; ++i) w.file(".git/refs/heads/feature-" + std::to_string(i), 41);
  for (int i = 0; i < 30; ++i) w.file(".git/refs/tags/v1." + std::to_string(i), 41);
  for (int i = 0; i < 3; ++i) {
    const std::string h = hex(r, 40);
    w.file(".git/objects/pack/pack-" + h + ".pack", 5000000);
    w.file(".git/objects/pack/pack-" + h + ".idx", 200000);
  }
  for (int i = 0; i < 256; ++i) {
    static const char digits[] = "0123456789abcdef";
    w.dir(std::string(".git/objects/") + digits[i / 16] + digits[i % 16]);
  }
  for (int i = 0; i < 6000; ++i) {
    const std::string h = hex(r, 40);
    w.file(".git/objects/" + h.substr(0, 2) + "/" + h.substr(2), 50 + r.next(8000));
  }
  // docs, scripts, logs, tmp
  w.dir("docs");
  for (int i = 0; i < 300; ++i) w.file("docs/page-" + std::to_string(i) + ".md", 500 + r.next(9000));
  w.dir("scripts");
  for (int i = 0; i < 30; ++i) w.file("scripts/task" + std::to_string(i) + (i % 2 ? ".sh" : ".js"), 400);
  w.dir("logs");
  for (int i = 0; i < 40; ++i) w.file("logs/app-" + std::to_string(i) + ".log", 1000 + r.next(900000));
  w.dir("tmp");
  for (int i = 0; i < 100; ++i) w.file("tmp/scratch" + std::to_string(i), 100 + r.next(1000));
  // workspaces
  w.dir("packages");
  const char* const pkgs[] = {"web", "admin", "shared", "ui", "api-client", "cli"};
  const std::uint32_t comps[] = {600, 200, 150, 250, 80, 60};
  for (int i = 0; i < 6; ++i) workspace(w, r, std::string("packages/") + pkgs[i], comps[i]);
  // the root node_modules takes the rest
  w.dir("node_modules");
  w.dir("node_modules/.bin");
  for (std::uint32_t i = 0; i < 80; ++i) w.link("../" + std::string(words[i % nwords]) + "/index.js", "node_modules/.bin/bin" + std::to_string(i));
  for (std::uint32_t i = 0; !w.full(); ++i) {
    std::string name = std::string(words[r.next(nwords)]) + "-" + std::to_string(i);
    if (r.next(100) < 15) {
      const std::string scope = std::string("node_modules/@") + words[i % nwords];
      w.dir(scope);
      name = std::string("@") + words[i % nwords] + "/" + name;
    }
    npm_package(w, r, "node_modules/" + name, true);
  }
  return !w.failed && w.files == total_files;
}

/// The tree's directory, generated on first use (or reused when its stamp matches).
const std::string& tree() {
  static const std::string dir = [] {
    const char* env = std::getenv("DOCKIMG_CONTEXT_BENCH_DIR");
    std::string d = env != nullptr ? env : "/tmp/dockimg_context_bench_100k";
    const std::string stamp = d + ".stamp";
    std::ifstream in(stamp);
    std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (have == stamp_text) return d;
    std::system(("rm -rf '" + d + "'").c_str());
    ::mkdir(d.c_str(), 0755);
    if (!generate(d)) return std::string();
    std::ofstream(stamp) << stamp_text;
    return d;
  }();
  return dir;
}

/// A compiled .dockerignore.
struct ignore_file {
  std::string text;
  std::vector<unsigned char> mem;
  dockimg::arena storage;
  di::matcher m;
  std::vector<std::string> patterns;  // after ReadAll, for the peer
  bool ok = false;

  explicit ignore_file(std::string t) : text(std::move(t)), mem(di::storage_hint(text)), storage(mem.data(), mem.size()) {
    const di::read_result r = di::read_all(text, storage);
    if (!r.ok()) return;
    for (const auto& p : r.patterns) patterns.emplace_back(p.text);
    const di::compile_result c = di::compile(r.patterns, storage);
    m = c.matcher;
    ok = c.ok();
  }
};

const ignore_file& ignore(int which) {
  static const ignore_file prunable(prunable_ignore);
  static const ignore_file glob(std::string(prunable_ignore) + "!**/README.md\n");
  return which == 0 ? prunable : glob;
}

void BM_context_walk(benchmark::State& state) {
  const std::string& dir = tree();
  const ignore_file& ig = ignore(static_cast<int>(state.range(0)));
  if (dir.empty() || !ig.ok) {
    state.SkipWithError("tree or ignore file not available");
    return;
  }
  const ctx::filter layer = ctx::make_filter(nullptr, &ig.m);
  std::size_t entries = 0, sent = 0;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    ctx::posix_source src(dir);
    sent = 0;
    bytes = 0;
    const ctx::walk_result res = ctx::walk(src, &layer, 1, [&](const ctx::entry& e) {
      if (!e.is_dir()) {
        ++sent;
        bytes += e.info.size;
      }
    });
    if (!res.ok()) {
      state.SkipWithError(res.message().c_str());
      return;
    }
    entries = res.entries_seen;
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["entries"] = static_cast<double>(entries);
  state.counters["sent"] = static_cast<double>(sent);
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["tree_files/s"] =
      benchmark::Counter(static_cast<double>(total_files), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_context_walk)->Arg(0)->Arg(1)->ArgName("glob_exception")->Unit(benchmark::kMillisecond);

void BM_context_walk_nofilter(benchmark::State& state) {
  const std::string& dir = tree();
  if (dir.empty()) {
    state.SkipWithError("tree not available");
    return;
  }
  std::size_t entries = 0, files = 0;
  for (auto _ : state) {
    ctx::posix_source src(dir);
    files = 0;
    const ctx::walk_result res = ctx::walk(src, static_cast<const ctx::filter*>(nullptr), 0, [&](const ctx::entry& e) {
      files += e.is_dir() ? 0 : 1;
    });
    entries = res.entries_seen;
  }
  state.counters["entries"] = static_cast<double>(entries);
  state.counters["sent"] = static_cast<double>(files);
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_context_walk_nofilter)->Unit(benchmark::kMillisecond);

/// A glob as simple tools translate it: `**` any run, `*` and `?` within a component, classes kept.
std::regex glob_regex(const std::string& glob) {
  std::string re;
  for (std::size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '*') {
      if (i + 1 < glob.size() && glob[i + 1] == '*') {
        ++i;
        if (i + 1 < glob.size() && glob[i + 1] == '/') {
          ++i;
          re += "(.*/)?";
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
      }
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      const std::size_t close = glob.find(']', i + 1);
      if (close == std::string::npos) {
        re += "\\[";
      } else {
        re += glob.substr(i, close - i + 1);
        i = close;
      }
    } else if (c == '\\' && i + 1 < glob.size()) {
      re += '\\';
      re += glob[++i];
    } else if (std::string_view(".+()|{}^$").find(c) != std::string_view::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  return std::regex(re, std::regex::ECMAScript | std::regex::optimize);
}

void BM_fs_regex_peer(benchmark::State& state) {
  namespace fs = std::filesystem;
  const std::string& dir = tree();
  const ignore_file& ig = ignore(static_cast<int>(state.range(0)));
  if (dir.empty() || !ig.ok) {
    state.SkipWithError("tree or ignore file not available");
    return;
  }
  struct rule {
    std::regex re;
    bool exception;
  };
  std::vector<rule> rules;
  for (const std::string& p : ig.patterns) {
    const bool ex = !p.empty() && p[0] == '!';
    rules.push_back({glob_regex(ex ? p.substr(1) : p), ex});
  }
  std::size_t entries = 0, sent = 0;
  for (auto _ : state) {
    entries = 0;
    sent = 0;
    std::error_code ec;
    const std::size_t skip = dir.size() + 1;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end; it != end; it.increment(ec)) {
      if (ec) break;
      ++entries;
      const std::string path = it->path().generic_string().substr(skip);
      // MatchesOrParentMatches, as most tools do it: the path and each parent, last rule wins
      bool excluded = false;
      for (const rule& r : rules) {
        bool m = std::regex_match(path, r.re);
        for (std::size_t k = path.find('/'); !m && k != std::string::npos; k = path.find('/', k + 1)) {
          m = std::regex_match(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(k), r.re);
        }
        if (m) excluded = !r.exception;
      }
      if (!excluded && !fs::is_directory(it->symlink_status(ec))) ++sent;
    }
  }
  state.counters["entries"] = static_cast<double>(entries);
  state.counters["sent"] = static_cast<double>(sent);
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["tree_files/s"] =
      benchmark::Counter(static_cast<double>(total_files), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_fs_regex_peer)->Arg(0)->Arg(1)->ArgName("glob_exception")->Unit(benchmark::kMillisecond);

}  // namespace

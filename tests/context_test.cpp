// The build-context walk (fsutil FilterFS): every fsutil_walk.jsonl record, in memory and on real
// directories, plus edge cases that follow from fsutil's code and that the corpus does not cover.
#include <doctest/doctest.h>

#include <dockimg/context.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace ctx = dockimg::context;
namespace di = dockimg::dockerignore;

namespace {

std::string walk_corpus() { return dockimg_test::corpus_dir() + "/dockerignore/fsutil_walk.jsonl"; }

/// Compiled filter layers and the storage they live in.
struct layers {
  std::vector<std::string> strings;  // every pattern string (stable: reserved up front)
  std::vector<std::vector<unsigned char>> mem;
  std::vector<dockimg::arena> arenas;
  std::vector<ctx::filter> filters;
  std::string error;  // the compile error's text, when one failed
};

std::vector<std::string> strings_of(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key)) out = j[key].get<std::vector<std::string>>();
  return out;
}

/// One FilterFS layer per `layers` item (innermost first), or one from the record's own
/// include/exclude; none when the record has neither (fsutil.Walk with a nil FilterOpt).
std::unique_ptr<layers> build_layers(const nlohmann::json& r) {
  auto out = std::make_unique<layers>();
  std::vector<nlohmann::json> specs;
  if (r.contains("layers")) {
    for (const auto& l : r["layers"]) specs.push_back(l);
  } else if (r.contains("include") || r.contains("exclude")) {
    specs.push_back(r);
  }
  for (const auto& spec : specs) {
    const auto inc = strings_of(spec, "include");
    const auto exc = strings_of(spec, "exclude");
    std::vector<std::string_view> vi(inc.begin(), inc.end()), ve(exc.begin(), exc.end());
    out->mem.emplace_back(ctx::filter_storage_hint(vi.data(), vi.size(), ve.data(), ve.size()));
    out->arenas.emplace_back(out->mem.back().data(), out->mem.back().size());
    const ctx::filter_result fr =
        ctx::compile_filter(vi.data(), vi.size(), ve.data(), ve.size(), out->arenas.back());
    if (!fr.ok()) {
      out->error = std::string(di::message(fr.err.code));
      return out;
    }
    out->filters.push_back(fr.filter);
  }
  return out;
}

/// The record's tree in memory.
ctx::memory_source memory_tree(const nlohmann::json& r) {
  ctx::memory_source src;
  for (const auto& t : r["tree"]) {
    const std::string type = t[0].get<std::string>();
    const std::string path = t[1].get<std::string>();
    if (type == "file") {
      src.add(path, ctx::entry_type::file);
    } else {
      src.add(path, ctx::entry_type::directory, 0, type == "dir-unreadable");
    }
  }
  return src;
}

/// Walks and renders as the corpus does: "dir x" / "file x" lines, or "error: <text>".
template <class Source>
std::string render_walk(Source& src, const layers& l, bool skip_dir_callback) {
  if (!l.error.empty()) return "error: " + l.error;
  std::string got;
  const auto res = ctx::walk(src, l.filters.data(), l.filters.size(), [&](const ctx::entry& e) {
    got += std::string(e.is_dir() ? "dir " : "file ") + std::string(e.path) + "\n";
    return skip_dir_callback ? ctx::visit::skip_dir : ctx::visit::proceed;
  });
  if (!res.ok()) return "error: " + res.message();
  return got;
}

std::string expected_walk(const nlohmann::json& r) {
  if (r.value("error", false)) return "error: " + r["error_text"].get<std::string>();
  std::string want;
  for (const auto& e : r["expected"]) want += e.get<std::string>() + "\n";
  return want;
}

/// fsutil's errors wrap the cause ("open /x/foo/bar: permission denied"): the corpus keeps the cause.
bool walk_agrees(const std::string& got, const std::string& want) {
  if (want.rfind("error: ", 0) == 0) return got.rfind("error: ", 0) == 0 && got.find(want.substr(7)) != std::string::npos;
  return got == want;
}

/// fsutil's mkBenchTree(dir, max_depth, 1), in memory.
void bench_tree(ctx::memory_source& src, const std::string& dir, int max_depth, int depth) {
  char end = 'z';
  if (max_depth == 4) end = 'k';
  if (max_depth == 5) end = 'e';
  if (max_depth == 6) end = 'd';
  const std::string pre = dir.empty() ? "" : dir + "/";
  if (depth == max_depth) src.add(pre + "target", ctx::entry_type::file);
  for (char c = 'a'; c <= end; ++c) {
    const std::string p = pre + std::string(1, c);
    if (depth == max_depth) {
      src.add(p, ctx::entry_type::file);
    } else {
      src.add(p, ctx::entry_type::directory);
      bench_tree(src, p, max_depth, depth + 1);
    }
  }
}

/// The same on disk.
void bench_tree_disk(const std::string& dir, int max_depth, int depth) {
  char end = 'z';
  if (max_depth == 4) end = 'k';
  if (max_depth == 5) end = 'e';
  if (max_depth == 6) end = 'd';
  auto touch = [](const std::string& p) {
    if (std::FILE* f = std::fopen(p.c_str(), "wb")) std::fclose(f);
  };
  if (depth == max_depth) touch(dir + "/target");
  for (char c = 'a'; c <= end; ++c) {
    const std::string p = dir + "/" + std::string(1, c);
    if (depth == max_depth) {
      touch(p);
    } else {
      ::mkdir(p.c_str(), 0755);
      bench_tree_disk(p, max_depth, depth + 1);
    }
  }
}

template <class Source>
long count_walk(Source& src, const layers& l) {
  long count = 0;
  const auto res = ctx::walk(src, l.filters.data(), l.filters.size(), [&](const ctx::entry&) { ++count; });
  return res.ok() ? count : -1;
}

/// A scratch directory, removed at the end.
struct scratch {
  std::string path;
  explicit scratch(const std::string& tag) {
    static int counter = 0;
    path = "/tmp/dockimg_ctxwalk_" + std::to_string(::getpid()) + "_" + tag + "_" + std::to_string(counter++);
    std::system(("rm -rf '" + path + "'").c_str());
    ::mkdir(path.c_str(), 0755);
  }
  ~scratch() { std::system(("chmod -R u+rwx '" + path + "' 2>/dev/null; rm -rf '" + path + "'").c_str()); }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
};

bool has_unreadable(const nlohmann::json& r) {
  for (const auto& t : r["tree"]) {
    if (t[0] == "dir-unreadable") return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("context") {

TEST_CASE("context fsutil_walk records in memory") {
  if (dockimg_test::skip_without(walk_corpus())) return;
  std::map<std::string, std::pair<int, int>> by_kind;  // kind -> (agree, total)
  for (const auto& r : dockimg_test::read_jsonl(walk_corpus())) {
    const std::string kind = r["kind"].get<std::string>();
    const std::string id = r["id"].get<std::string>();
    auto l = build_layers(r);
    bool agree = false;
    if (kind == "walk") {
      ctx::memory_source src = memory_tree(r);
      const std::string got = render_walk(src, *l, r.value("callback_returns", std::string()) == "SkipDir");
      const std::string want = expected_walk(r);
      agree = walk_agrees(got, want);
      if (!agree) MESSAGE(id << ": got\n" << got << "want\n" << want);
    } else if (kind == "open") {
      REQUIRE(l->error.empty());
      const ctx::open_result o = ctx::open_allowed(l->filters.data(), l->filters.size(), r["path"].get<std::string>());
      agree = o.ok() && o.allowed == r["opens"].get<bool>();
      if (!agree) MESSAGE(id << ": Open gives " << o.allowed);
    } else if (kind == "walk_count") {
      ctx::memory_source src;
      bench_tree(src, "", r["tree_generator"]["max_depth"].get<int>(), 1);
      const long n = count_walk(src, *l);
      agree = n == r["expected_count"].get<long>();
      if (!agree) MESSAGE(id << ": counted " << n);
    } else {
      FAIL("unknown record kind " << kind);
    }
    auto& t = by_kind[kind];
    t.first += agree ? 1 : 0;
    t.second += 1;
    CHECK_MESSAGE(agree, id);
  }
  int total = 0;
  for (const auto& [kind, t] : by_kind) {
    MESSAGE("fsutil_walk.jsonl in memory: " << kind << " " << t.first << "/" << t.second);
    total += t.second;
  }
  CHECK(total == 53);
}

TEST_CASE("context fsutil_walk records on disk") {
  if (dockimg_test::skip_without(walk_corpus())) return;
  int agree = 0, checked = 0, skipped = 0;
  std::map<int, std::unique_ptr<scratch>> trees;  // mkBenchTree depth -> directory
  for (const auto& r : dockimg_test::read_jsonl(walk_corpus())) {
    const std::string kind = r["kind"].get<std::string>();
    const std::string id = r["id"].get<std::string>();
    auto l = build_layers(r);
    if (kind == "walk") {
      if (has_unreadable(r) && ::geteuid() == 0) {
        ++skipped;  // mode 000 does not stop root (upstream skips these as root too); covered in memory
        continue;
      }
      scratch d("rec");
      for (const auto& t : r["tree"]) {
        const std::string p = d.path + "/" + t[1].get<std::string>();
        if (t[0] == "file") {
          if (std::FILE* f = std::fopen(p.c_str(), "wb")) std::fclose(f);
        } else {
          ::mkdir(p.c_str(), 0755);
        }
      }
      for (const auto& t : r["tree"]) {  // mode 000 last, once the children exist
        if (t[0] == "dir-unreadable") ::chmod((d.path + "/" + t[1].get<std::string>()).c_str(), 0);
      }
      ctx::posix_source src(d.path);
      const std::string got = render_walk(src, *l, r.value("callback_returns", std::string()) == "SkipDir");
      const std::string want = expected_walk(r);
      ++checked;
      if (walk_agrees(got, want)) {
        ++agree;
      } else {
        MESSAGE(id << ": got\n" << got << "want\n" << want);
      }
    } else if (kind == "walk_count") {
      const int depth = r["tree_generator"]["max_depth"].get<int>();
      if (!trees.count(depth)) {
        trees[depth] = std::make_unique<scratch>("bench" + std::to_string(depth));
        bench_tree_disk(trees[depth]->path, depth, 1);
      }
      ctx::posix_source src(trees[depth]->path);
      const long n = count_walk(src, *l);
      ++checked;
      if (n == r["expected_count"].get<long>()) {
        ++agree;
      } else {
        MESSAGE(id << ": counted " << n);
      }
    } else {
      ++skipped;  // open records touch no directory
    }
  }
  MESSAGE("fsutil_walk.jsonl on disk: " << agree << "/" << checked << " agree, " << skipped
                                        << " not applicable (Open records, unreadable dirs as root)");
  CHECK(agree == checked);
  CHECK(checked >= 40);
}

TEST_CASE("context buildkit_context answers of the matcher corpora") {
  // Every match/matcher record carries `buildkit_context`, computed by a simulation of fsutil's
  // FilterFS over a tree holding the path's ancestors as directories and the path as a file.
  int checked = 0, agree = 0;
  for (const char* file : {"patternmatcher.jsonl", "balena.jsonl", "probe_corner_cases.jsonl"}) {
    const std::string path = dockimg_test::corpus_dir() + "/dockerignore/" + file;
    if (dockimg_test::skip_without(path)) return;
    for (const auto& r : dockimg_test::read_jsonl(path)) {
      if (r["kind"] != "match" && r["kind"] != "matcher") continue;
      const nlohmann::json& answers = r.contains("computed") ? r["computed"] : r["results"];
      if (!answers.contains("buildkit_context") || answers["buildkit_context"].is_null()) continue;
      const std::string want = answers["buildkit_context"].is_boolean()
                                   ? (answers["buildkit_context"].get<bool>() ? "true" : "false")
                                   : answers["buildkit_context"].get<std::string>();
      // the exclude patterns, after ReadAll when they are .dockerignore lines
      std::vector<std::string> pats = strings_of(r, "patterns");
      if (r.contains("pattern")) pats.push_back(r["pattern"].get<std::string>());
      std::string text;
      const bool lines = r.contains("dockerignore") || r.value("patterns_are", std::string()) == "dockerignore_lines";
      if (r.contains("dockerignore")) {
        text = r["dockerignore"].get<std::string>();
      } else {
        for (const auto& p : pats) text += p + "\n";
      }
      std::vector<unsigned char> mem(di::storage_hint(text) + 4096);
      dockimg::arena storage(mem.data(), mem.size());
      std::vector<std::string_view> views(pats.begin(), pats.end());
      di::compile_result c;
      if (lines) {
        const di::read_result rr = di::read_all(text, storage);
        REQUIRE(rr.ok());
        c = di::compile(rr.patterns, storage);
      } else {
        c = di::compile(views.data(), views.size(), storage);
      }
      std::string got;
      if (!c.ok()) {
        got = "error";
      } else {
        const ctx::filter f = ctx::make_filter(nullptr, &c.matcher);
        const std::string target = r["path"].get<std::string>();
        ctx::memory_source src;
        src.add(target, ctx::entry_type::file);  // ancestors become directories
        bool sent = false;
        const auto res = ctx::walk(src, &f, 1, [&](const ctx::entry& e) { sent = sent || e.path == target; });
        got = !res.ok() ? "error" : sent ? "false" : "true";
      }
      ++checked;
      if (got == want) {
        ++agree;
      } else {
        MESSAGE(r["id"].get<std::string>() << ": walk gives " << got << ", corpus " << want);
      }
    }
  }
  MESSAGE("buildkit_context: " << agree << "/" << checked << " records agree");
  CHECK(agree == checked);
  CHECK(checked > 500);
}

TEST_CASE("context a vanished file ends the walk of its directory") {
  // fsutil: entry.Info() fails with ENOENT, the deferred isNotExist turns it into SkipDir, and
  // filepath.WalkDir skips the rest of the directory of a file that returns SkipDir.
  ctx::memory_source src;
  src.add("a", ctx::entry_type::directory);
  src.add("a/x", ctx::entry_type::file, 0, false, true);
  src.add("a/y", ctx::entry_type::file);
  src.add("b", ctx::entry_type::file);
  layers none;
  CHECK(render_walk(src, none, false) == "dir a\nfile b\n");
}

TEST_CASE("context skip_dir from the callback on a file skips its siblings") {
  ctx::memory_source src;
  src.add("a/b", ctx::entry_type::file);
  src.add("a/c", ctx::entry_type::file);
  src.add("a/d/e", ctx::entry_type::file);
  src.add("f", ctx::entry_type::file);
  std::vector<std::string> seen;
  const auto res = ctx::walk(src, static_cast<const ctx::filter*>(nullptr), 0, [&](const ctx::entry& e) {
    seen.emplace_back(e.path);
    return e.path == "a/b" ? ctx::visit::skip_dir : ctx::visit::proceed;
  });
  CHECK(res.ok());
  CHECK(seen == std::vector<std::string>{"a", "a/b", "f"});
  seen.clear();
  const auto stop = ctx::walk(src, static_cast<const ctx::filter*>(nullptr), 0, [&](const ctx::entry& e) {
    seen.emplace_back(e.path);
    return e.path == "a/c" ? ctx::visit::stop : ctx::visit::proceed;
  });
  CHECK(stop.code == ctx::walk_errc::stopped);
  CHECK(stop.path == "a/c");
  CHECK(seen == std::vector<std::string>{"a", "a/b", "a/c"});
}

TEST_CASE("context include patterns that are all blank keep nothing") {
  // len(IncludePatterns) > 0 makes a matcher, and patternmatcher.New drops blank patterns: the
  // matcher has no pattern, matches nothing, and every directory is pruned.
  ctx::memory_source src;
  src.add("a/b", ctx::entry_type::file);
  src.add("c", ctx::entry_type::file);
  const std::string_view blank[] = {"  "};
  std::vector<unsigned char> mem(ctx::filter_storage_hint(blank, 1, nullptr, 0));
  dockimg::arena storage(mem.data(), mem.size());
  const auto fr = ctx::compile_filter(blank, 1, nullptr, 0, storage);
  REQUIRE(fr.ok());
  std::vector<std::string> left_out;
  const auto res = ctx::walk(
      src, &fr.filter, 1, [](const ctx::entry&) { FAIL("nothing is emitted"); },
      [&](const ctx::filtered_entry& f) { left_out.push_back(std::string(f.path) + (f.pruned ? "/" : "")); });
  CHECK(res.ok());
  CHECK(left_out == std::vector<std::string>{"a/", "c"});
  // an exclude list of blanks excludes nothing
  const auto fe = ctx::compile_filter(nullptr, 0, blank, 1, storage);
  REQUIRE(fe.ok());
  long n = 0;
  CHECK(ctx::walk(src, &fe.filter, 1, [&](const ctx::entry&) { ++n; }).ok());
  CHECK(n == 3);
}

TEST_CASE("context a pattern that fails when evaluated fails the walk") {
  ctx::memory_source src;
  src.add("x", ctx::entry_type::file);
  const std::string_view lazy[] = {"[z-a]"};
  std::vector<unsigned char> mem(ctx::filter_storage_hint(nullptr, 0, lazy, 1));
  dockimg::arena storage(mem.data(), mem.size());
  const auto fr = ctx::compile_filter(nullptr, 0, lazy, 1, storage);
  REQUIRE(fr.ok());  // New accepts it; RE2 rejects it on first use
  const auto res = ctx::walk(src, &fr.filter, 1, [](const ctx::entry&) {});
  CHECK(res.code == ctx::walk_errc::exclude_match);
  CHECK(res.message() == "failed to match excludepatterns: syntax error in pattern");
  CHECK(res.path == "x");
}

TEST_CASE("context symlinks are not followed and sizes come from lstat") {
  scratch d("link");
  ::mkdir((d.path + "/dir").c_str(), 0755);
  if (std::FILE* f = std::fopen((d.path + "/dir/x").c_str(), "wb")) {
    std::fputs("hello", f);
    std::fclose(f);
  }
  REQUIRE(::symlink("dir", (d.path + "/link").c_str()) == 0);
  ctx::posix_source src(d.path + "/");
  std::vector<std::string> seen;
  const auto res = ctx::walk(src, static_cast<const ctx::filter*>(nullptr), 0, [&](const ctx::entry& e) {
    seen.push_back(std::string(e.path) + ":" + std::to_string(static_cast<int>(e.type)) + ":" +
                   std::to_string(e.info.size));
  });
  CHECK(res.ok());
  CHECK(seen == std::vector<std::string>{"dir:1:0", "dir/x:0:5", "link:2:0"});
}

TEST_CASE("context an unreadable or missing root gives an empty walk") {
  // fsutil's Walk drops the root's own WalkDir calls ("."), read error included.
  ctx::posix_source src("/nonexistent/dockimg/context/root");
  long n = 0;
  const auto res = ctx::walk(src, static_cast<const ctx::filter*>(nullptr), 0, [&](const ctx::entry&) { ++n; });
  CHECK(res.ok());
  CHECK(n == 0);
  CHECK(res.root_os_error == ENOENT);
}

TEST_CASE("context the walk allocates per directory and not per entry") {
  // 20 directories of 200 files, patterns with a glob exception (nothing can be pruned): every
  // entry is matched; the matcher allocates nothing and the walk reuses its listings and frames.
  scratch d("alloc");
  for (int i = 0; i < 20; ++i) {
    const std::string sub = d.path + "/dir" + std::to_string(i);
    ::mkdir(sub.c_str(), 0755);
    for (int j = 0; j < 200; ++j) {
      if (std::FILE* f = std::fopen((sub + "/f" + std::to_string(j) + (j % 3 ? ".js" : ".tmp")).c_str(), "wb")) {
        std::fclose(f);
      }
    }
  }
  const std::string_view exc[] = {"**/*.tmp", "dir1*", "!**/f1*.tmp"};
  std::vector<unsigned char> mem(ctx::filter_storage_hint(nullptr, 0, exc, 3));
  dockimg::arena storage(mem.data(), mem.size());
  const auto fr = ctx::compile_filter(nullptr, 0, exc, 3, storage);
  REQUIRE(fr.ok());
  CHECK_FALSE(fr.filter.only_prefix_exclude_exceptions);
  long sent = 0;
  std::size_t allocations = 0;
  ctx::walk_result res;
  {
    ctx::posix_source src(d.path);
    dockimg_test::alloc_scope scope;
    res = ctx::walk(src, &fr.filter, 1, [&](const ctx::entry& e) { sent += e.is_dir() ? 0 : 1; });
    allocations = scope.count();
  }
  REQUIRE(res.ok());
  CHECK(res.entries_seen == 20 + 20 * 200);
  CHECK(sent > 1000);
  MESSAGE("walk of " << res.entries_seen << " entries: " << allocations << " allocations");
  CHECK(allocations < 20 * 10 + 50);
}

}  // TEST_SUITE

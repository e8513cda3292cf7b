// The .dockerignore reader and matcher: every corpus table, the bench tables, zero allocation,
// a slow reference matcher written from the spec and a differential test against it.
#include <doctest/doctest.h>

#include <dockimg/dockerignore.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace di = dockimg::dockerignore;

namespace {

std::string ignore_dir() { return dockimg_test::corpus_dir() + "/dockerignore"; }

/// A matcher and the storage it lives in.
struct built {
  std::vector<unsigned char> mem;
  dockimg::arena storage;
  di::read_result read;
  di::compile_result compiled;
  std::vector<std::string> strings;
  std::vector<std::string_view> views;
};

/// Builds from raw pattern strings (`New`) or from .dockerignore text (`ReadAll` then `New`).
std::unique_ptr<built> build_patterns(const std::vector<std::string>& pats) {
  auto b = std::make_unique<built>();
  b->strings = pats;
  std::size_t bytes = 0;
  for (const auto& s : b->strings) {
    b->views.emplace_back(s);
    bytes += s.size();
  }
  b->mem.resize(di::storage_hint(pats.size(), bytes));
  b->storage = dockimg::arena(b->mem.data(), b->mem.size());
  b->compiled = di::compile(b->views.data(), b->views.size(), b->storage);
  return b;
}

std::unique_ptr<built> build_text(const std::string& text) {
  auto b = std::make_unique<built>();
  b->strings.push_back(text);
  b->mem.resize(di::storage_hint(text));
  b->storage = dockimg::arena(b->mem.data(), b->mem.size());
  b->read = di::read_all(b->strings[0], b->storage);
  if (b->read.ok()) b->compiled = di::compile(b->read.patterns, b->storage);
  return b;
}

std::unique_ptr<built> build_record(const nlohmann::json& r) {
  if (r.contains("dockerignore")) return build_text(r["dockerignore"].get<std::string>());
  std::vector<std::string> pats;
  if (r.contains("patterns")) pats = r["patterns"].get<std::vector<std::string>>();
  if (r.contains("pattern")) pats.push_back(r["pattern"].get<std::string>());
  if (r.value("patterns_are", std::string("matcher_patterns")) == "dockerignore_lines") {
    std::string text;
    for (const auto& p : pats) text += p + "\n";
    return build_text(text);
  }
  return build_patterns(pats);
}

/// "error", true or false for one API.
std::string answer(const built& b, const di::match_result& r) {
  if (!b.read.ok() || !b.compiled.ok() || !r.ok()) return "error";
  return r.excluded ? "true" : "false";
}

std::string point_query(const built& b, std::string_view path) {
  if (!b.read.ok() || !b.compiled.ok()) return "error";
  return answer(b, b.compiled.matcher.matches_or_parent_matches(path));
}

/// Threads the bits from the first component to the path, as the walkers do.
std::string walk(const built& b, std::string_view path) {
  if (!b.read.ok() || !b.compiled.ok()) return "error";
  const auto& m = b.compiled.matcher;
  std::vector<std::uint64_t> parent(m.bit_words() + 1), bits(m.bit_words() + 1);
  bool first = true;
  di::match_result r;
  for (std::size_t k = 0; k <= path.size(); ++k) {
    if (k != path.size() && path[k] != '/') continue;
    r = m.matches_using_parent_results(path.substr(0, k), first ? nullptr : parent.data(), bits.data());
    if (!r.ok()) return "error";
    parent = bits;
    first = false;
  }
  return r.excluded ? "true" : "false";
}

/// fsutil's FilterFS: ancestors are directories (pruned when allowed), the path a file.
std::string buildkit_context(const built& b, std::string_view path) {
  if (!b.read.ok() || !b.compiled.ok()) return "error";
  const auto& m = b.compiled.matcher;
  std::vector<std::uint64_t> parent(m.bit_words() + 1), bits(m.bit_words() + 1);
  bool first = true;
  for (std::size_t k = 0; k <= path.size(); ++k) {
    if (k != path.size() && path[k] != '/') continue;
    const std::string_view p = path.substr(0, k);
    const auto r = m.matches_using_parent_results(p, first ? nullptr : parent.data(), bits.data());
    if (!r.ok()) return "error";
    if (k == path.size()) return r.excluded ? "true" : "false";
    if (r.excluded && di::buildkit_may_prune(m, p)) return "true";
    parent = bits;
    first = false;
  }
  return "false";
}

/// The package function `Matches(file, patterns)`: Clean, "." is never excluded, deprecated rule.
std::string deprecated_matches(const built& b, std::string_view path) {
  if (!b.read.ok() || !b.compiled.ok()) return "error";
  std::string buf(path.size() + 1, '\0');
  buf.resize(dockimg::detail::ignore::clean(path, buf.data()));
  if (buf == ".") return "false";
  return answer(b, b.compiled.matcher.matches_deprecated(buf));
}

std::string json_answer(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return v.get<std::string>();
  return "null";
}

bool is_clean_relative(std::string_view p) {
  return dockimg::detail::ignore::looks_clean(p) || (p.find('/') == std::string_view::npos && !p.empty() && p != "." && p != "..");
}

struct tally {
  int checked = 0;
  int failed = 0;
};

void check_one(tally& t, const std::string& id, const std::string& api, const std::string& got,
               const std::string& want) {
  ++t.checked;
  if (got != want) {
    ++t.failed;
    MESSAGE(id << " [" << api << "]: got " << got << ", want " << want);
  }
}

}  // namespace

TEST_SUITE("dockerignore") {

TEST_CASE("dockerignore reader units") {
  dockimg::arena none;
  std::vector<unsigned char> mem(1 << 16);
  dockimg::arena storage(mem.data(), mem.size());
  auto r = di::read_all("\xEF\xBB\xBF# c\n  # x\n/foo/bar/\r\n! /x\n!!a\n\n\t a\t\n./\n/\n/../a\n!\n", storage);
  REQUIRE(r.ok());
  std::vector<std::string> got;
  for (const auto& p : r.patterns) got.emplace_back(p.text);
  CHECK(got == std::vector<std::string>{"# x", "foo/bar", "!x", "!!a", "a", ".", "/", "a", "!"});
  dockimg::source_locator where("\xEF\xBB\xBF# c\n  # x\n/foo/bar/\r\n");
  const auto pos = where.locate(r.patterns[1].range.begin);
  CHECK(pos.line == 3);
  CHECK(pos.column == 1);
  // the '!' alone is accepted by ReadAll and rejected by New, with the line's range
  auto c = di::compile(r.patterns, storage);
  CHECK(c.err.code == di::errc::illegal_exclusion);
  CHECK(c.err.pattern == 8);
  CHECK(di::message(c.err.code) == "illegal exclusion pattern: \"!\"");
  // out of storage is a value
  auto small = di::read_all("a\nb\n", none);
  CHECK(small.err.code == di::errc::out_of_storage);
  // long line
  std::string longline(70000, 'a');
  CHECK(di::read_all(longline, storage).err.code == di::errc::line_too_long);
  std::string ok_line(65535, 'a');
  std::vector<unsigned char> big(di::storage_hint(ok_line));
  dockimg::arena big_storage(big.data(), big.size());
  CHECK(di::read_all(ok_line, big_storage).ok());
}

TEST_CASE("dockerignore clean and trim units") {
  auto clean = [](std::string_view s) {
    std::string out(s.size() + 1, '\0');
    out.resize(dockimg::detail::ignore::clean(s, out.data()));
    return out;
  };
  CHECK(clean("") == ".");
  CHECK(clean("a/../b") == "b");
  CHECK(clean("/../a") == "/a");
  CHECK(clean("../a") == "../a");
  CHECK(clean("a/**/../b") == "a/b");
  CHECK(clean("//a//b/") == "/a/b");
  CHECK(clean("./") == ".");
  CHECK(clean("a/./b/.") == "a/b");
  CHECK(clean("../../x/..") == "../..");
  CHECK(dockimg::detail::ignore::trim_space("\xC2\xA0 a \xE3\x80\x80") == "a");
  CHECK(dockimg::detail::ignore::trim_space("\xEF\xBB\xBF" "a") == "\xEF\xBB\xBF" "a");
}

TEST_CASE("dockerignore matcher units") {
  auto pq = [](std::vector<std::string> pats, std::string_view path) {
    auto b = build_patterns(pats);
    return point_query(*b, path);
  };
  CHECK(pq({"**.txt"}, "a/b.txt") == "true");
  CHECK(pq({"**/file"}, "dir/notfile") == "false");
  CHECK(pq({"foo/**"}, "foo") == "false");
  CHECK(pq({"foo/**"}, "foo/x") == "true");
  CHECK(pq({"a[^x]b"}, "a/b/c") == "true");
  CHECK(pq({"[!a]"}, "!") == "true");
  CHECK(pq({"[!a]"}, "b") == "false");
  CHECK(pq({"file\\d"}, "file1") == "true");
  CHECK(pq({"file\\d"}, "filed") == "false");
  CHECK(pq({"a|b*"}, "apple") == "true");
  CHECK(pq({"a^b*"}, "a^b") == "false");
  CHECK(pq({"*", "[z-a]"}, "x") == "true");
  CHECK(pq({"[z-a]", "*"}, "x") == "error");
  CHECK(pq({"\\1*"}, "x") == "error");
  CHECK(pq({"?"}, "\xC3\xA9") == "true");
  CHECK(pq({"[[:alpha:]]"}, "q") == "true");
  CHECK(pq({"x{2}*"}, "xx") == "true");
  CHECK(pq({"x{2}*"}, "x{2}y") == "false");
  CHECK(pq({"a{0}b*"}, "b") == "true");
  CHECK(pq({"?{2,3}"}, "abc") == "true");
  CHECK(pq({"?{2,3}"}, "abcd") == "false");
  CHECK(pq({"?{2,}"}, "abcd") == "true");
  CHECK(pq({"?{0,2}x"}, "abx") == "true");
  CHECK(pq({"?{0,2}x"}, "abcx") == "false");
  CHECK(pq({"a**/{2}"}, "a") == "error");
  CHECK(pq({"*.{js,ts}"}, "a.{js,ts}") == "true");
  CHECK(pq({"**/*.txt"}, "a\nb/c.txt") == "false");  // '.' does not match a newline in RE2
  CHECK(pq({"a/b", "!a"}, "a/b/c") == "false");
  auto b = build_patterns({"a/b", "!a"});
  CHECK(walk(*b, "a/b/c") == "true");
}

TEST_CASE("dockerignore patternmatcher table") {
  const std::string path = ignore_dir() + "/patternmatcher.jsonl";
  if (dockimg_test::skip_without(path)) return;
  tally t;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    const std::string id = r["id"];
    auto b = build_record(r);
    if (r["kind"] == "new") {
      if (r.value("error", false)) {
        check_one(t, id, "New", b->compiled.ok() ? "ok" : std::string(di::message(b->compiled.err.code)),
                  r["error_text"]);
      } else {
        REQUIRE(b->compiled.ok());
        if (r.contains("n_patterns")) {
          check_one(t, id, "n", std::to_string(b->compiled.matcher.patterns().size()),
                    std::to_string(r["n_patterns"].get<int>()));
        }
        if (r.contains("exclusions")) {
          check_one(t, id, "exclusions", b->compiled.matcher.exclusions() ? "true" : "false",
                    json_answer(r["exclusions"]));
        }
      }
      continue;
    }
    const std::string p = r["path"];
    std::string want = r.value("error", false) ? "error"
                       : r.contains("match")    ? json_answer(r["match"])
                                                : json_answer(r["excluded"]);
    for (const auto& api : r["apis"]) {
      const std::string a = api;
      if (a == "Matches") check_one(t, id, a, deprecated_matches(*b, p), want);
      if (a == "MatchesOrParentMatches" || a == "MatchesUsingParentResults(nocontext)" ||
          a == "MatchesOrParentMatchesTwice") {
        check_one(t, id, a, point_query(*b, p), want);
      }
      if (a == "MatchesUsingParentResults(walk)" || a == "MatchesUsingParentResult(walk)") {
        check_one(t, id, a, walk(*b, p), want);
      }
    }
    if (r.contains("computed")) {
      const auto& c = r["computed"];
      check_one(t, id, "computed.point_query", point_query(*b, p), json_answer(c["point_query"]));
      check_one(t, id, "computed.walk", walk(*b, p), json_answer(c["walk"]));
      if (!c["buildkit_context"].is_null()) {
        check_one(t, id, "computed.buildkit_context", buildkit_context(*b, p), json_answer(c["buildkit_context"]));
      }
    }
  }
  MESSAGE("patternmatcher.jsonl: " << t.checked - t.failed << "/" << t.checked << " checks agree");
  CHECK(t.failed == 0);
  CHECK(t.checked > 300);
}

TEST_CASE("dockerignore compile table") {
  const std::string path = ignore_dir() + "/compile.jsonl";
  if (dockimg_test::skip_without(path)) return;
  tally t;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    auto b = build_patterns({r["pattern"].get<std::string>()});
    REQUIRE(b->compiled.ok());
    const auto& p = b->compiled.matcher.patterns()[0];
    static const char* names[] = {"exactMatch", "prefixMatch", "suffixMatch", "regexpMatch"};
    check_one(t, r["id"], "type", names[static_cast<int>(p.type)], r["match_type"]);
    if (r.contains("regexp") && r["regexp"].is_string()) check_one(t, r["id"], "regexp", std::string(p.regexp), r["regexp"]);
  }
  MESSAGE("compile.jsonl: " << t.checked - t.failed << "/" << t.checked << " checks agree");
  CHECK(t.failed == 0);
}

TEST_CASE("dockerignore readall tables") {
  for (const char* file : {"/readall.jsonl", "/probe_readall.jsonl"}) {
    const std::string path = ignore_dir() + file;
    if (dockimg_test::skip_without(path)) return;
    tally t;
    for (const auto& r : dockimg_test::read_jsonl(path)) {
      const std::string text = r["input"].is_null() ? std::string() : r["input"].get<std::string>();
      std::vector<unsigned char> mem(di::storage_hint(text));
      dockimg::arena storage(mem.data(), mem.size());
      const auto res = di::read_all(text, storage);
      std::string got, want;
      if (!res.ok()) {
        got = "error: " + std::string(di::message(res.err.code));
      } else {
        for (const auto& p : res.patterns) got += std::string(p.text) + "\x01";
      }
      if (r.value("error", false)) {
        want = "error: " + r["error_text"].get<std::string>();
      } else {
        for (const auto& p : r["patterns"]) want += p.get<std::string>() + "\x01";
      }
      check_one(t, r["id"], "ReadAll", got, want);
    }
    MESSAGE(std::string(file) << ": " << t.checked - t.failed << "/" << t.checked << " records agree");
    CHECK(t.failed == 0);
  }
}

TEST_CASE("dockerignore corner cases") {
  const std::string path = ignore_dir() + "/probe_corner_cases.jsonl";
  if (dockimg_test::skip_without(path)) return;
  tally t;
  int records = 0;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    ++records;
    auto b = build_record(r);
    const std::string id = r["id"];
    const std::string p = r["path"];
    const auto& res = r["results"];
    check_one(t, id, "point_query", point_query(*b, p), json_answer(res["point_query"]));
    check_one(t, id, "walk", walk(*b, p), json_answer(res["walk"]));
    if (res.contains("buildkit_context") && !res["buildkit_context"].is_null()) {
      check_one(t, id, "buildkit_context", buildkit_context(*b, p), json_answer(res["buildkit_context"]));
    }
    if (res.contains("deprecated_Matches") && !res["deprecated_Matches"].is_null()) {
      check_one(t, id, "deprecated_Matches", deprecated_matches(*b, p), json_answer(res["deprecated_Matches"]));
    }
    if (res.contains("_patterns_after_readall") && b->read.ok()) {
      std::string got, want;
      for (const auto& q : b->read.patterns) got += std::string(q.text) + "\x01";
      for (const auto& q : res["_patterns_after_readall"]) want += q.get<std::string>() + "\x01";
      check_one(t, id, "readall", got, want);
    }
  }
  MESSAGE("probe_corner_cases.jsonl: " << records << " records, " << t.checked - t.failed << "/"
                                       << t.checked << " checks agree");
  CHECK(t.failed == 0);
}

TEST_CASE("dockerignore balena table") {
  const std::string path = ignore_dir() + "/balena.jsonl";
  if (dockimg_test::skip_without(path)) return;
  tally t;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    auto b = build_record(r);
    const std::string id = r["id"];
    const std::string p = r["path"];
    const auto& c = r["computed"];
    check_one(t, id, "point_query", point_query(*b, p), json_answer(c["point_query"]));
    check_one(t, id, "walk", walk(*b, p), json_answer(c["walk"]));
    if (!c["buildkit_context"].is_null() && is_clean_relative(p)) {
      check_one(t, id, "buildkit_context", buildkit_context(*b, p), json_answer(c["buildkit_context"]));
    }
  }
  MESSAGE("balena.jsonl: " << t.checked - t.failed << "/" << t.checked << " checks agree (Docker's answers)");
  CHECK(t.failed == 0);
}

}  // TEST_SUITE

// ------------------------------------------------------------------------------------------------
// Bench tables and zero allocation
// ------------------------------------------------------------------------------------------------

namespace {

/// Reads a gzip file through `gzip -dc` (the corpus stores the tables compressed).
bool read_gzip(const std::string& path, std::string& out) {
  const std::string cmd = "gzip -dc '" + path + "'";
  std::FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return false;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return ::pclose(f) == 0;
}

struct bench_entry {
  std::string_view path;
  bool dir;
};

/// Walk answers over the WalkDir-ordered entries with a stack of parent bits (no allocation).
void walk_entries(const di::matcher& m, const std::vector<bench_entry>& entries, std::vector<char>& out,
                  std::vector<std::uint64_t>& frames, std::vector<std::string_view>& frame_paths) {
  const std::size_t w = m.bit_words() == 0 ? 1 : m.bit_words();
  std::size_t depth = 0;
  std::uint64_t scratch[64];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    while (depth > 0) {
      const std::string_view top = frame_paths[depth - 1];
      if (e.path.size() > top.size() && e.path.substr(0, top.size()) == top && e.path[top.size()] == '/') break;
      --depth;
    }
    const std::uint64_t* parent = depth == 0 ? nullptr : frames.data() + (depth - 1) * w;
    const auto r = m.matches_using_parent_results(e.path, parent, scratch);
    out[i] = r.excluded ? '1' : '0';
    if (e.dir) {
      for (std::size_t k = 0; k < w; ++k) frames[depth * w + k] = scratch[k];
      frame_paths[depth] = e.path;
      ++depth;
    }
  }
}

}  // namespace

TEST_SUITE("dockerignore") {

TEST_CASE("dockerignore bench tables and zero allocation") {
  const std::string dir = ignore_dir() + "/bench";
  if (dockimg_test::skip_without(dir + "/paths.txt.gz")) return;
  std::string paths_text;
  REQUIRE(read_gzip(dir + "/paths.txt.gz", paths_text));
  std::vector<bench_entry> entries;
  for (std::size_t pos = 0; pos < paths_text.size();) {
    std::size_t nl = paths_text.find('\n', pos);
    if (nl == std::string::npos) nl = paths_text.size();
    if (nl > pos + 2) entries.push_back({std::string_view(paths_text).substr(pos + 2, nl - pos - 2), paths_text[pos] == 'd'});
    pos = nl + 1;
  }
  CHECK(entries.size() == 104481);
  std::size_t total_allocs = 0;
  for (const char* name : {"node", "python", "go", "dotnet", "monorepo"}) {
    std::string text, expected;
    REQUIRE(dockimg_test::read_file(dir + "/" + name + ".dockerignore", text));
    REQUIRE(read_gzip(dir + "/expected_" + name + ".txt.gz", expected));
    const std::size_t nl = expected.find('\n');
    const std::string pq_want = expected.substr(0, nl);
    std::string walk_want = expected.substr(nl + 1);
    while (!walk_want.empty() && (walk_want.back() == '\n' || walk_want.back() == '\r')) walk_want.pop_back();
    auto b = build_text(text);
    REQUIRE(b->compiled.ok());
    const auto& m = b->compiled.matcher;
    std::vector<char> got(entries.size());
    std::vector<std::uint64_t> frames(64 * (m.bit_words() + 1));
    std::vector<std::string_view> frame_paths(64);
    std::size_t allocs = 0;
    {
      dockimg_test::alloc_scope scope;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        got[i] = m.matches_or_parent_matches(entries[i].path).excluded ? '1' : '0';
      }
      allocs = scope.count();
    }
    std::size_t pq_bad = 0, excluded = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      pq_bad += got[i] != pq_want[i] ? 1 : 0;
      excluded += got[i] == '1' ? 1 : 0;
    }
    {
      dockimg_test::alloc_scope scope;
      walk_entries(m, entries, got, frames, frame_paths);
      allocs += scope.count();
    }
    std::size_t walk_bad = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) walk_bad += got[i] != walk_want[i] ? 1 : 0;
    MESSAGE(std::string(name) << ": " << excluded << " excluded; point query mismatches " << pq_bad
                 << ", walk mismatches " << walk_bad << ", allocations " << allocs);
    CHECK(pq_bad == 0);
    CHECK(walk_bad == 0);
    total_allocs += allocs;
  }
  CHECK(total_allocs == 0);
}

}  // TEST_SUITE

// ------------------------------------------------------------------------------------------------
// The reference matcher (written from the spec, §4.3 and §5.1) and the differential test
// ------------------------------------------------------------------------------------------------

namespace {

/// Slow and simple: the glob language of spec §4.3 interpreted directly over code points, with
/// the match types of §4.1/§4.2 decided by reading the pattern, and the declarative point query of
/// §5.1 ("the last pattern matching the path or a parent decides"). Patterns come from the grammar
/// below: literals, `*`, `?`, `**` anywhere, classes `[...]`/`[^...]` with ranges, `\` escapes of
/// punctuation, `!` exceptions.
struct reference {
  enum class tok { lit, star, any, dstar_dir, dstar_all, cls };
  struct token {
    tok t;
    char32_t c = 0;
    bool neg = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;
    explicit token(tok kind, char32_t ch = 0) : t(kind), c(ch) {}
  };

  static std::vector<char32_t> runes(std::string_view s) {
    std::vector<char32_t> out;
    while (!s.empty()) {
      const auto d = dockimg::detail::decode_rune(s);
      out.push_back(d.rune);
      s.remove_prefix(d.size);
    }
    return out;
  }

  /// Validity as filepath.Match sees it, for this grammar: every '[' has a closing ']' with at
  /// least one member, and no trailing backslash.
  static bool valid(const std::string& p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '\\') {
        if (i + 1 >= p.size()) return false;
        ++i;
      } else if (p[i] == '[') {
        std::size_t j = i + 1;
        if (j < p.size() && p[j] == '^') ++j;
        const std::size_t first = j;
        while (j < p.size() && p[j] != ']') ++j;
        if (j >= p.size() || j == first) return false;
        i = j;
      }
    }
    return true;
  }

  std::string text;  // cleaned, without '!'
  bool exclusion = false;
  int type = 0;  // 0 exact, 1 prefix, 2 suffix, 3 glob
  std::vector<token> toks;

  explicit reference(const std::string& raw) {
    std::string p = raw;
    if (!p.empty() && p[0] == '!') {
      exclusion = true;
      p = p.substr(1);
    }
    text = p;
    const auto r = runes(p);
    bool meta = false;  // anything that is not a literal, other than a leading ** or a final **
    bool leading = false, trailing = false;
    for (std::size_t i = 0; i < r.size();) {
      if (r[i] == '*' && i + 1 < r.size() && r[i + 1] == '*') {
        std::size_t j = i + 2;
        if (j < r.size() && r[j] == '/') ++j;
        const bool at_end = j == r.size();
        token t(at_end ? tok::dstar_all : tok::dstar_dir);
        if (i == 0) leading = true;
        if (at_end) trailing = true;
        if (!at_end && i != 0) meta = true;
        if (at_end && i != 0 && (leading || meta)) meta = true;  // only an exact pattern becomes a prefix
        toks.push_back(t);
        i = j;
      } else if (r[i] == '*') {
        toks.emplace_back(tok::star);
        meta = true;
        ++i;
      } else if (r[i] == '?') {
        toks.emplace_back(tok::any);
        meta = true;
        ++i;
      } else if (r[i] == '\\') {
        toks.emplace_back(tok::lit, r[i + 1]);
        meta = true;
        i += 2;
      } else if (r[i] == '[') {
        token t(tok::cls);
        ++i;
        if (r[i] == '^') {
          t.neg = true;
          ++i;
        }
        while (r[i] != ']') {
          char32_t lo = r[i++];
          char32_t hi = lo;
          if (r[i] == '-' && r[i + 1] != ']') {
            hi = r[i + 1];
            i += 2;
          }
          t.ranges.emplace_back(lo, hi);
        }
        ++i;
        toks.push_back(t);
        meta = true;
      } else {
        toks.emplace_back(tok::lit, r[i]);
        ++i;
      }
    }
    if (leading && !meta) {
      type = 2;
    } else if (trailing && !meta && !leading) {
      type = 1;
    } else if (!meta && !leading && !trailing) {
      type = 0;
    } else {
      type = 3;
    }
  }

  bool glob(std::size_t ti, const char32_t* s, std::size_t n, std::size_t si, signed char* memo) const {
    signed char& m = memo[ti * (n + 1) + si];
    if (m >= 0) return m != 0;
    bool res = false;
    if (ti == toks.size()) {
      res = si == n;
    } else {
      const token& t = toks[ti];
      switch (t.t) {
        case tok::lit: res = si < n && s[si] == t.c && glob(ti + 1, s, n, si + 1, memo); break;
        case tok::any: res = si < n && s[si] != '/' && glob(ti + 1, s, n, si + 1, memo); break;
        case tok::cls: {
          if (si < n) {
            bool in = false;
            for (const auto& rg : t.ranges) in = in || (rg.first <= s[si] && s[si] <= rg.second);
            res = in != t.neg && glob(ti + 1, s, n, si + 1, memo);
          }
          break;
        }
        case tok::star:
          for (std::size_t k = si; k <= n && !res; ++k) {
            res = glob(ti + 1, s, n, k, memo);
            if (k < n && s[k] == '/') break;
          }
          break;
        case tok::dstar_dir:  // empty, or anything (no newline) ending with '/'
          res = glob(ti + 1, s, n, si, memo);
          for (std::size_t k = si; k < n && !res; ++k) {
            if (s[k] == '\n') break;
            if (s[k] == '/') res = glob(ti + 1, s, n, k + 1, memo);
          }
          break;
        case tok::dstar_all:
          res = true;
          for (std::size_t k = si; k < n; ++k) res = res && s[k] != '\n';
          break;
      }
    }
    m = res ? 1 : 0;
    return res;
  }

  /// `s` is the byte string, `r` its first `n` runes (the same text decoded).
  bool matches(std::string_view s, const char32_t* r, std::size_t n) const {
    switch (type) {
      case 0: return s == text;
      case 1: return s.size() >= text.size() - 2 && s.substr(0, text.size() - 2) == std::string_view(text).substr(0, text.size() - 2);
      case 2: {
        const std::string_view suf = std::string_view(text).substr(2);
        if (s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf) return true;
        return !suf.empty() && suf[0] == '/' && s == suf.substr(1);
      }
      default: {
        static thread_local std::vector<signed char> memo;
        memo.assign((toks.size() + 1) * (n + 1), -1);
        return glob(0, r, n, 0, memo.data());
      }
    }
  }

  /// §5.1 read declaratively. Paths are clean and relative.
  static std::string point_query(const std::vector<reference>& pats, const std::string& path) {
    const auto r = runes(path);
    bool state = false;
    for (const auto& p : pats) {
      bool m = p.matches(path, r.data(), r.size());
      // ancestors: the prefixes ending before each '/', in bytes and in runes
      std::size_t byte = 0;
      for (std::size_t k = 0; k < r.size() && !m; ++k) {
        if (r[k] == '/') m = p.matches(std::string_view(path).substr(0, byte), r.data(), k);
        char buf[4];
        byte += dockimg::detail::encode_rune(r[k], buf);
      }
      if (m) state = !p.exclusion;
    }
    return state ? "true" : "false";
  }
};

/// Random patterns from a grammar covering every metacharacter of the language.
struct generator {
  std::mt19937_64 rng{20261129};
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng() % n); }

  std::string name() {
    static const char* names[] = {"a", "b", "ab", "ba", ".x", "a.b", "\xC3\xA9", "x-y", "a b", "a\nb"};
    return names[pick(10)];
  }
  std::string path() {
    std::string p = name();
    const std::size_t depth = pick(4);
    for (std::size_t i = 0; i < depth; ++i) p += "/" + name();
    return p;
  }
  std::string element() {
    switch (pick(14)) {
      case 0: return "*";
      case 1: return "?";
      case 2: return "**";
      case 3: return "[ab]";
      case 4: return "[^a]";
      case 5: return "[a-b]";
      case 6: return "[^/]";
      case 7: return "\\*";
      case 8: return "\\.";
      case 9: return "[/]";
      case 10: return ".";
      case 11: return pick(2) != 0 ? "\xC3\xA9" : "-";
      default: return pick(2) != 0 ? "a" : "b";
    }
  }
  std::string component() {
    std::string c;
    const std::size_t n = 1 + pick(3);
    for (std::size_t i = 0; i < n; ++i) c += element();
    return c;
  }
  std::string pattern() {
    std::string p = pick(5) == 0 ? "!" : "";
    p += component();
    const std::size_t depth = pick(3);
    for (std::size_t i = 0; i < depth; ++i) p += "/" + component();
    if (pick(40) == 0) p += "[";  // a syntax error now and then
    return p;
  }
};

}  // namespace

TEST_SUITE("dockerignore") {

TEST_CASE("dockerignore differential against the reference matcher") {
  generator gen;
  std::size_t pairs = 0, lists = 0, errors_agreed = 0, disagreements = 0;
  std::vector<unsigned char> mem(1 << 16);
  const auto start = std::chrono::steady_clock::now();
  while (pairs < 1000000) {
    const std::size_t n = 1 + gen.pick(3);
    std::vector<std::string> pats;
    for (std::size_t i = 0; i < n; ++i) pats.push_back(gen.pattern());
    // the reference's view: "." and ".." components do not come out of this grammar except
    // through a lone "." element, which Clean would remove; skip those lists
    bool skip = false;
    for (const auto& p : pats) {
      std::string q = p[0] == '!' ? p.substr(1) : p;
      std::string cleaned(q.size() + 1, '\0');
      cleaned.resize(dockimg::detail::ignore::clean(q, cleaned.data()));
      if (cleaned != q) skip = true;
    }
    if (skip) continue;
    ++lists;
    bool valid = true;
    for (const auto& p : pats) valid = valid && reference::valid(p[0] == '!' ? p.substr(1) : p);
    std::vector<std::string_view> views(pats.begin(), pats.end());
    dockimg::arena storage(mem.data(), mem.size());
    const auto c = di::compile(views.data(), views.size(), storage);
    if (!valid) {
      ++pairs;
      if (c.ok() || c.err.code != di::errc::bad_pattern) {
        ++disagreements;
        if (disagreements < 10) MESSAGE("validity disagrees on " << pats[0]);
      } else {
        ++errors_agreed;
      }
      continue;
    }
    REQUIRE(c.ok());
    std::vector<reference> refs;
    for (const auto& p : pats) refs.emplace_back(p);
    for (int k = 0; k < 16; ++k) {
      const std::string path = gen.path();
      const std::string want = reference::point_query(refs, path);
      const auto r = c.matcher.matches_or_parent_matches(path);
      const std::string got = !r.ok() ? "error" : r.excluded ? "true" : "false";
      ++pairs;
      if (got != want) {
        ++disagreements;
        if (disagreements < 10) {
          std::string all;
          for (const auto& p : pats) all += "'" + p + "' ";
          MESSAGE("disagree: patterns " << all << "path '" << path << "': dockimg " << got << ", reference " << want);
        }
      }
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("differential: " << pairs << " pattern-list/path pairs over " << lists << " lists ("
                           << errors_agreed << " agreed syntax errors), " << disagreements
                           << " disagreements, " << secs << " s");
  CHECK(disagreements == 0);
  CHECK(pairs >= 1000000);
}

}  // TEST_SUITE

// ------------------------------------------------------------------------------------------------
// fsutil's filtered walks (exclude-only records), on real directories
// ------------------------------------------------------------------------------------------------

#include <sys/stat.h>
#include <unistd.h>

TEST_SUITE("dockerignore") {

TEST_CASE("dockerignore fsutil exclude walks on disk") {
  const std::string path = ignore_dir() + "/fsutil_walk.jsonl";
  if (dockimg_test::skip_without(path)) return;
  int checked = 0, failed = 0, skipped = 0;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    if (r["kind"] == "open" && r.contains("exclude") && !r.contains("include")) {
      // FilterFS.Open: the point query decides
      auto b = build_patterns(r["exclude"].get<std::vector<std::string>>());
      const auto q = b->compiled.matcher.matches_or_parent_matches(r["path"].get<std::string>());
      ++checked;
      if (!b->compiled.ok() || !q.ok() || q.excluded == r["opens"].get<bool>()) {
        ++failed;
        MESSAGE(r["id"].get<std::string>() << ": Open disagrees");
      }
      continue;
    }
    if (r["kind"] != "walk" || r.contains("include") || r.contains("layers") || r.contains("callback_returns")) {
      ++skipped;  // IncludePatterns / stacked filters / callbacks: not .dockerignore semantics
      continue;
    }
    bool unreadable = false;
    for (const auto& t : r["tree"]) unreadable = unreadable || t[0] == "dir-unreadable";
    if (unreadable && ::geteuid() == 0) {
      ++skipped;  // mode 000 does not stop root (upstream skips these as root too)
      continue;
    }
    const std::string root = "/tmp/dockimg_fsutil_" + std::to_string(::getpid()) + "_" + std::to_string(checked + skipped);
    std::system(("rm -rf '" + root + "'").c_str());
    ::mkdir(root.c_str(), 0755);
    for (const auto& t : r["tree"]) {
      const std::string p = root + "/" + t[1].get<std::string>();
      if (t[0] == "file") {
        std::FILE* f = std::fopen(p.c_str(), "wb");
        if (f != nullptr) std::fclose(f);
      } else {
        ::mkdir(p.c_str(), t[0] == "dir-unreadable" ? 0 : 0755);
      }
    }
    std::vector<std::string> pats;
    if (r.contains("exclude")) pats = r["exclude"].get<std::vector<std::string>>();
    auto b = build_patterns(pats);
    std::string got;
    if (!b->compiled.ok()) {
      got = "error: " + std::string(di::message(b->compiled.err.code));
    } else {
      std::vector<std::string> emitted;
      const auto res = di::walk_context_posix(root, b->compiled.matcher, [&](const di::context_entry& e) {
        if (e.sent) emitted.push_back(std::string(e.directory ? "dir " : "file ") + std::string(e.path));
      });
      if (!res.ok()) {
        got = res.os_error == EACCES ? "error: permission denied" : "error: " + std::string(di::message(res.code));
      } else {
        for (const auto& e : emitted) got += e + "\n";
      }
    }
    std::string want;
    if (r.value("error", false)) {
      want = "error: " + r["error_text"].get<std::string>();
    } else {
      for (const auto& e : r["expected"]) want += e.get<std::string>() + "\n";
    }
    ++checked;
    if (got != want) {
      ++failed;
      MESSAGE(r["id"].get<std::string>() << ": got " << got << " want " << want);
    }
    std::system(("chmod -R u+rwx '" + root + "' 2>/dev/null; rm -rf '" + root + "'").c_str());
  }
  MESSAGE("fsutil_walk.jsonl: " << checked - failed << "/" << checked << " exclude-only walks and opens agree, " << skipped
                                << " records not applicable (include patterns, layers, walk counts, root)");
  CHECK(failed == 0);
}

}  // TEST_SUITE

// ------------------------------------------------------------------------------------------------
// The indexed point query against the plain scan (many patterns: several mask words; paths the
// index hands back to the scan: unclean, rooted, empty)
// ------------------------------------------------------------------------------------------------

namespace {

/// The point query of `m` without its index (every pattern scanned in order, as patternmatcher).
di::match_result plain_query(const di::matcher& m, std::string_view path) {
  const di::matcher plain(m.patterns().data(), m.patterns().size(), m.exclusions());
  return plain.matches_or_parent_matches(path);
}

/// Unclean and degenerate spellings of `p` (the index must hand these to the scan or agree).
std::vector<std::string> spellings(const std::string& p) {
  return {p, "./" + p, p + "/", "/" + p, p + "/.", p + "/..", "a//" + p, "x/../" + p, ""};
}

}  // namespace

TEST_SUITE("dockerignore") {

TEST_CASE("dockerignore indexed query on the merged bench tables") {
  const std::string dir = ignore_dir() + "/bench";
  if (dockimg_test::skip_without(dir + "/paths.txt.gz")) return;
  std::string paths_text, merged;
  REQUIRE(read_gzip(dir + "/paths.txt.gz", paths_text));
  for (const char* name : {"node", "python", "go", "dotnet", "monorepo"}) {
    std::string text;
    REQUIRE(dockimg_test::read_file(dir + "/" + name + ".dockerignore", text));
    merged += text + "\n";
  }
  auto b = build_text(merged);
  REQUIRE(b->compiled.ok());
  const auto& m = b->compiled.matcher;
  CHECK(m.bit_words() >= 3);  // more than 128 patterns: the index spans several words
  std::size_t checked = 0, bad = 0, excluded = 0;
  std::size_t pos = 0;
  for (std::size_t line = 0; pos < paths_text.size(); ++line) {
    std::size_t nl = paths_text.find('\n', pos);
    if (nl == std::string::npos) nl = paths_text.size();
    const std::string path = paths_text.substr(pos + 2, nl - pos - 2);
    pos = nl + 1;
    const auto want = plain_query(m, path);
    const auto got = m.matches_or_parent_matches(path);
    ++checked;
    excluded += got.excluded ? 1 : 0;
    if (got.excluded != want.excluded || got.err != want.err) {
      if (++bad < 10) MESSAGE("indexed query differs on " << path);
    }
    if (line % 97 == 0) {
      for (const std::string& q : spellings(path)) {
        const auto w2 = plain_query(m, q);
        const auto g2 = m.matches_or_parent_matches(q);
        ++checked;
        if (g2.excluded != w2.excluded || g2.err != w2.err) {
          if (++bad < 10) MESSAGE("indexed query differs on '" << q << "'");
        }
      }
    }
  }
  // the walk form, threaded through the directory stack, with and without the index
  std::vector<bench_entry> entries;
  for (std::size_t p = 0; p < paths_text.size();) {
    std::size_t nl = paths_text.find('\n', p);
    if (nl == std::string::npos) nl = paths_text.size();
    if (nl > p + 2) entries.push_back({std::string_view(paths_text).substr(p + 2, nl - p - 2), paths_text[p] == 'd'});
    p = nl + 1;
  }
  const di::matcher plain(m.patterns().data(), m.patterns().size(), m.exclusions());
  std::vector<char> got(entries.size()), want(entries.size());
  std::vector<std::uint64_t> frames(64 * (m.bit_words() + 1));
  std::vector<std::string_view> frame_paths(64);
  walk_entries(m, entries, got, frames, frame_paths);
  walk_entries(plain, entries, want, frames, frame_paths);
  std::size_t walk_bad = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) walk_bad += got[i] != want[i] ? 1 : 0;
  MESSAGE("merged bench tables (" << m.patterns().size() << " patterns): " << checked << " queries, " << excluded
                                  << " of the bench paths excluded, " << bad << " differences from the plain scan; walk: "
                                  << walk_bad << " differences");
  CHECK(bad == 0);
  CHECK(walk_bad == 0);
  CHECK(checked > 104481);
}

TEST_CASE("dockerignore indexed query against the plain scan on random long lists") {
  generator gen;
  std::vector<unsigned char> mem(1 << 20);
  std::size_t queries = 0, bad = 0, indexed_lists = 0, lists = 0, long_lists = 0;
  while (queries < 300000) {
    const std::size_t n = 1 + gen.pick(150);
    std::vector<std::string> pats;
    for (std::size_t i = 0; i < n; ++i) {
      // mostly the grammar's patterns; now and then realistic literal and `**/` shapes
      switch (gen.pick(6)) {
        case 0: pats.push_back("**/" + gen.name()); break;
        case 1: pats.push_back(gen.name() + "/" + gen.name()); break;
        case 2: pats.push_back("**/*" + gen.name()); break;
        default: {
          std::string p = gen.pattern();
          while (!reference::valid(p[0] == '!' ? p.substr(1) : p)) p = gen.pattern();
          pats.push_back(p);
          break;
        }
      }
    }
    std::vector<std::string_view> views(pats.begin(), pats.end());
    dockimg::arena storage(mem.data(), mem.size());
    const auto c = di::compile(views.data(), views.size(), storage);
    if (!c.ok()) continue;
    ++lists;
    indexed_lists += di::first_lazy_error(c.matcher) ? 0 : 1;
    long_lists += c.matcher.patterns().size() > 64 ? 1 : 0;
    // the walk form: every prefix of a path, bits threaded from parent to child
    const di::matcher plain(c.matcher.patterns().data(), c.matcher.patterns().size(), c.matcher.exclusions());
    for (int k = 0; k < 4; ++k) {
      const std::string path = gen.path();
      std::vector<std::uint64_t> pa(c.matcher.bit_words() + 1), pb(pa.size()), ba(pa.size()), bb(pa.size());
      bool top = true;
      for (std::size_t e = 0; e <= path.size(); ++e) {
        if (e != path.size() && path[e] != '/') continue;
        const std::string_view prefix = std::string_view(path).substr(0, e);
        const auto ra = c.matcher.matches_using_parent_results(prefix, top ? nullptr : pa.data(), ba.data());
        const auto rb = plain.matches_using_parent_results(prefix, top ? nullptr : pb.data(), bb.data());
        ++queries;
        if (ra.excluded != rb.excluded || ra.err != rb.err || ba != bb) {
          if (++bad < 10) MESSAGE("walk differs: " << pats.size() << " patterns, path '" << prefix << "'");
        }
        pa = ba;
        pb = bb;
        top = false;
      }
    }
    for (int k = 0; k < 24; ++k) {
      const std::string base = gen.path();
      for (const std::string& path : k == 0 ? spellings(base) : std::vector<std::string>{base}) {
        const auto want = plain_query(c.matcher, path);
        const auto got = c.matcher.matches_or_parent_matches(path);
        ++queries;
        if (got.excluded != want.excluded || got.err != want.err || got.pattern != want.pattern) {
          if (++bad < 10) MESSAGE("indexed query differs: " << pats.size() << " patterns, path '" << path << "'");
        }
      }
    }
  }
  MESSAGE("indexed vs plain scan: " << queries << " queries over " << lists << " lists (" << indexed_lists
                                    << " without lazy errors, " << long_lists << " over 64 patterns), " << bad
                                    << " differences");
  CHECK(bad == 0);
  CHECK(indexed_lists > 100);
  CHECK(long_lists > 100);
}

}  // TEST_SUITE

// .dockerignore matching over the bench tables (dockerignore/bench: five ignore files, 104,481 paths).
//
// BM_dockimg_point_query/<table>  MatchesOrParentMatches for every path (ns per path).
// BM_dockimg_point_query_scan/<table>  the same without the query index `compile` builds (every
//                                 pattern scanned in order, as patternmatcher does).
// BM_dockimg_walk/<table>         MatchesUsingParentResults threaded through a directory stack.
// BM_regex_peer/<table>           a peer written the way existing implementations work: every
//                                 pattern translated to a std::regex (patternmatcher's translation),
//                                 every parent rebuilt as a string and checked (on every 16th path;
//                                 the figure is still per path).
// BM_dockimg_context_walk         walk_context_posix over a generated tree of the 104,481 entries
//                                 (empty files), with the node table.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <dockimg/dockerignore.hpp>

#ifndef DOCKIMG_CORPUS_DIR
#define DOCKIMG_CORPUS_DIR "../shared/corpus"
#endif

namespace {

namespace di = dockimg::dockerignore;

struct entry {
  std::string path;
  bool dir;
};

struct table {
  std::string text;
  std::vector<unsigned char> mem;
  dockimg::arena storage;
  di::matcher m;
};

struct data {
  std::vector<entry> entries;
  std::vector<std::unique_ptr<table>> tables;  // node, python, go, dotnet, monorepo
  std::string error;
};

const char* const table_names[] = {"node", "python", "go", "dotnet", "monorepo"};

const data& load() {
  static const data d = [] {
    data out;
    const std::string dir = std::string(DOCKIMG_CORPUS_DIR) + "/dockerignore/bench/";
    std::FILE* f = ::popen(("gzip -dc '" + dir + "paths.txt.gz' 2>/dev/null").c_str(), "r");
    std::string text;
    if (f != nullptr) {
      char buf[65536];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      ::pclose(f);
    }
    for (std::size_t pos = 0; pos < text.size();) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      if (nl > pos + 2) out.entries.push_back({text.substr(pos + 2, nl - pos - 2), text[pos] == 'd'});
      pos = nl + 1;
    }
    if (out.entries.empty()) {
      out.error = "bench paths not found under " + dir;
      return out;
    }
    for (const char* name : table_names) {
      auto t = std::make_unique<table>();
      std::ifstream in(dir + name + ".dockerignore", std::ios::binary);
      t->text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      t->mem.resize(di::storage_hint(t->text));
      t->storage = dockimg::arena(t->mem.data(), t->mem.size());
      const auto r = di::read_all(t->text, t->storage);
      const auto c = di::compile(r.patterns, t->storage);
      if (!r.ok() || !c.ok()) out.error = std::string("cannot compile ") + name;
      t->m = c.matcher;
      out.tables.push_back(std::move(t));
    }
    return out;
  }();
  return d;
}

void BM_dockimg_point_query(benchmark::State& state) {
  const data& d = load();
  if (!d.error.empty()) {
    state.SkipWithError(d.error.c_str());
    return;
  }
  const di::matcher& m = d.tables[static_cast<std::size_t>(state.range(0))]->m;
  std::size_t excluded = 0;
  for (auto _ : state) {
    for (const auto& e : d.entries) excluded += m.matches_or_parent_matches(e.path).excluded ? 1 : 0;
  }
  benchmark::DoNotOptimize(excluded);
  state.SetLabel(table_names[state.range(0)]);
  state.counters["ns_per_path"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(d.entries.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_dockimg_point_query_scan(benchmark::State& state) {
  const data& d = load();
  if (!d.error.empty()) {
    state.SkipWithError(d.error.c_str());
    return;
  }
  const di::matcher& indexed = d.tables[static_cast<std::size_t>(state.range(0))]->m;
  const di::matcher m(indexed.patterns().data(), indexed.patterns().size(), indexed.exclusions());
  std::size_t excluded = 0;
  for (auto _ : state) {
    for (const auto& e : d.entries) excluded += m.matches_or_parent_matches(e.path).excluded ? 1 : 0;
  }
  benchmark::DoNotOptimize(excluded);
  state.SetLabel(table_names[state.range(0)]);
  state.counters["ns_per_path"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(d.entries.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_dockimg_walk(benchmark::State& state) {
  const data& d = load();
  if (!d.error.empty()) {
    state.SkipWithError(d.error.c_str());
    return;
  }
  const di::matcher& m = d.tables[static_cast<std::size_t>(state.range(0))]->m;
  const std::size_t w = m.bit_words() == 0 ? 1 : m.bit_words();
  std::vector<std::uint64_t> frames(64 * w);
  std::vector<std::size_t> frame_entry(64);
  std::uint64_t scratch[64];
  std::size_t excluded = 0;
  for (auto _ : state) {
    std::size_t depth = 0;
    for (std::size_t i = 0; i < d.entries.size(); ++i) {
      const std::string& p = d.entries[i].path;
      while (depth > 0) {
        const std::string& top = d.entries[frame_entry[depth - 1]].path;
        if (p.size() > top.size() && p.compare(0, top.size(), top) == 0 && p[top.size()] == '/') break;
        --depth;
      }
      const auto r = m.matches_using_parent_results(p, depth == 0 ? nullptr : frames.data() + (depth - 1) * w, scratch);
      excluded += r.excluded ? 1 : 0;
      if (d.entries[i].dir && depth < 64) {
        for (std::size_t k = 0; k < w; ++k) frames[depth * w + k] = scratch[k];
        frame_entry[depth++] = i;
      }
    }
  }
  benchmark::DoNotOptimize(excluded);
  state.SetLabel(table_names[state.range(0)]);
  state.counters["ns_per_path"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(d.entries.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

/// The peer: one std::regex per pattern, parents rebuilt and re-tested, as patternmatcher does.
struct peer_pattern {
  std::regex re;
  bool exclusion;
};

std::string regex_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
          c == '-' || static_cast<unsigned char>(c) >= 0x80)) {
      o += '\\';
    }
    o += c;
  }
  return o;
}

std::vector<peer_pattern> make_peer(const di::matcher& m) {
  std::vector<peer_pattern> out;
  for (const auto& p : m.patterns()) {
    std::string src;
    switch (p.type) {
      case di::match_type::exact: src = "^" + regex_escape(p.text) + "$"; break;
      case di::match_type::prefix: src = "^" + regex_escape(p.text.substr(0, p.text.size() - 2)); break;
      case di::match_type::suffix: {
        const std::string_view suf = p.text.substr(2);
        src = "(" + regex_escape(suf) + "$)";
        if (!suf.empty() && suf[0] == '/') src += "|^" + regex_escape(suf.substr(1)) + "$";
        break;
      }
      case di::match_type::regexp: src = std::string(p.regexp); break;
    }
    out.push_back({std::regex(src), p.exclusion});
  }
  return out;
}

bool peer_query(const std::vector<peer_pattern>& pats, const std::string& path) {
  bool matched = false;
  std::vector<std::string> parts;
  const std::size_t ls = path.rfind('/');
  if (ls != std::string::npos) {
    std::size_t start = 0;
    const std::string dir = path.substr(0, ls);
    for (std::size_t k = 0; k <= dir.size(); ++k) {
      if (k == dir.size() || dir[k] == '/') {
        parts.push_back(dir.substr(start, k - start));
        start = k + 1;
      }
    }
  }
  for (const auto& p : pats) {
    if (p.exclusion != matched) continue;
    bool m = std::regex_search(path, p.re);
    for (std::size_t i = 0; !m && i < parts.size(); ++i) {
      std::string joined;
      for (std::size_t k = 0; k <= i; ++k) {
        if (k > 0) joined += '/';
        joined += parts[k];
      }
      m = std::regex_search(joined, p.re);
    }
    if (m) matched = !p.exclusion;
  }
  return matched;
}

void BM_regex_peer(benchmark::State& state) {
  const data& d = load();
  if (!d.error.empty()) {
    state.SkipWithError(d.error.c_str());
    return;
  }
  const auto pats = make_peer(d.tables[static_cast<std::size_t>(state.range(0))]->m);
  std::size_t excluded = 0, n = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < d.entries.size(); i += 16) {
      excluded += peer_query(pats, d.entries[i].path) ? 1 : 0;
      ++n;
    }
  }
  benchmark::DoNotOptimize(excluded);
  state.SetLabel(table_names[state.range(0)]);
  state.counters["ns_per_path"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_dockimg_context_walk(benchmark::State& state) {
  const data& d = load();
  if (!d.error.empty()) {
    state.SkipWithError(d.error.c_str());
    return;
  }
  static const std::string root = [&] {
    const std::string r = "/tmp/dockimg_bench_ctx_" + std::to_string(::getpid());
    ::mkdir(r.c_str(), 0755);
    for (const auto& e : d.entries) {
      const std::string p = r + "/" + e.path;
      if (e.dir) {
        ::mkdir(p.c_str(), 0755);
      } else if (std::FILE* f = std::fopen(p.c_str(), "wb")) {
        std::fclose(f);
      }
    }
    return r;
  }();
  const di::matcher& m = d.tables[0]->m;
  std::size_t sent = 0, seen = 0;
  for (auto _ : state) {
    const auto res = di::walk_context_posix(root, m, [&](const di::context_entry& e) {
      ++seen;
      sent += e.sent ? 1 : 0;
    });
    benchmark::DoNotOptimize(res.ok());
  }
  state.counters["entries_reported"] = static_cast<double>(seen) / static_cast<double>(state.iterations());
  state.counters["sent"] = static_cast<double>(sent) / static_cast<double>(state.iterations());
  std::atexit([] { std::system(("rm -rf '" + root + "'").c_str()); });
}

}  // namespace

BENCHMARK(BM_dockimg_point_query)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_dockimg_point_query_scan)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_dockimg_walk)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_regex_peer)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_dockimg_context_walk)->Unit(benchmark::kMillisecond)->Iterations(3);

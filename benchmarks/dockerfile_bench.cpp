// Dockerfile parsing throughput over the real-world corpus (real/big/bench-files.txt), from memory.
//
// BM_dockimg_parse    dockimg::dockerfile::parse into a reused arena, walking every instruction.
// BM_dockimg_parse_typed_graph
//                     what a linter does per file: parse, type every instruction and collect the
//                     stages (parse_stages, which runs parse_instruction on every node), then the
//                     stage graph (build_graph with default options), all in one reused arena.
// BM_peer_allocating  a peer written the way BuildKit's Go parser works (one string per line, a
//                     joined std::string per instruction, regular expressions for continuation and
//                     word splitting, a vector of strings per instruction), measured in the same run
//                     so the ratio between the two is meaningful on a noisy machine.
//
// Both report bytes per second over the same set of files; the peer does strictly less work (no
// JSON decoding, heredocs or positions).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <dockimg/dockerfile.hpp>
#include <dockimg/instructions.hpp>

#include "bench_corpus.hpp"

namespace {

using dockimg_bench::corpus;
const corpus& load() { return dockimg_bench::real_dockerfiles(); }

void BM_dockimg_parse(benchmark::State& state) {
  const corpus& c = load();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::size_t biggest = 0;
  for (const auto& f : c.files) biggest = std::max(biggest, dockimg::dockerfile::storage_hint(f));
  std::vector<unsigned char> memory(biggest);
  std::size_t instructions = 0;
  for (auto _ : state) {
    for (const auto& f : c.files) {
      dockimg::arena storage(memory.data(), memory.size());
      const auto doc = dockimg::dockerfile::parse(f, storage);
      for (const auto& ins : doc.instructions()) {
        instructions += ins.args().size() + ins.flags().size();
        benchmark::DoNotOptimize(ins.original().data());
      }
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
  benchmark::DoNotOptimize(instructions);
}
BENCHMARK(BM_dockimg_parse)->Unit(benchmark::kMillisecond);

void BM_dockimg_parse_typed_graph(benchmark::State& state) {
  const corpus& c = load();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  // The instruction layer and the graph take their records from the same arena: twice the
  // parser's bound is the documented size for the whole pipeline.
  std::size_t biggest = 0;
  for (const auto& f : c.files) biggest = std::max(biggest, 2 * dockimg::dockerfile::storage_hint(f));
  std::vector<unsigned char> memory(biggest);
  const dockimg::dockerfile::graph_options options;
  std::size_t commands = 0;
  std::size_t failed = 0;
  for (auto _ : state) {
    for (const auto& f : c.files) {
      dockimg::arena storage(memory.data(), memory.size());
      const auto doc = dockimg::dockerfile::parse(f, storage);
      const auto stages = dockimg::dockerfile::parse_stages(doc, storage);
      if (!doc.ok() || !stages.ok()) {
        ++failed;
        continue;
      }
      const auto graph = dockimg::dockerfile::build_graph(doc, stages, options, storage);
      for (const auto& st : stages.stages()) commands += st.commands.size();
      failed += graph.ok() ? 0 : 1;
      benchmark::DoNotOptimize(graph.nodes.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
  // Files the pipeline rejects (a parse, instruction or graph error), per pass over the corpus.
  state.counters["rejected"] =
      static_cast<double>(failed) / static_cast<double>(state.iterations() == 0 ? 1 : state.iterations());
  benchmark::DoNotOptimize(commands);
}
BENCHMARK(BM_dockimg_parse_typed_graph)->Unit(benchmark::kMillisecond);

// --- the peer --------------------------------------------------------------------------------------

struct peer_node {
  std::string keyword;
  std::string original;
  std::vector<std::string> flags;
  std::vector<std::string> args;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(b, e - b + 1);
}

std::vector<peer_node> peer_parse(const std::string& text) {
  static const std::regex continuation(R"(([^\\])\\[ \t]*$|^\\[ \t]*$)");
  static const std::regex whitespace(R"([\t\v\f\r ]+)");
  std::vector<peer_node> nodes;
  std::istringstream in(text);
  std::string raw;
  while (std::getline(in, raw)) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    std::string joined;
    bool more = std::regex_search(line, continuation);
    joined = more ? std::regex_replace(line, continuation, "$1") : line;
    while (more && std::getline(in, raw)) {
      std::string t = raw;
      if (!t.empty() && t.back() == '\r') t.pop_back();
      const std::string tt = trim(t);
      if (tt.empty() || tt[0] == '#') continue;
      more = std::regex_search(t, continuation);
      joined += more ? std::regex_replace(t, continuation, "$1") : t;
    }
    peer_node n;
    n.original = joined;
    std::vector<std::string> parts(std::sregex_token_iterator(joined.begin(), joined.end(), whitespace, -1),
                                   std::sregex_token_iterator());
    if (parts.empty()) continue;
    n.keyword = parts[0];
    std::size_t i = 1;
    while (i < parts.size() && parts[i].rfind("--", 0) == 0) n.flags.push_back(parts[i++]);
    for (; i < parts.size(); ++i) n.args.push_back(parts[i]);
    nodes.push_back(std::move(n));
  }
  return nodes;
}

void BM_peer_allocating(benchmark::State& state) {
  const corpus& c = load();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::size_t instructions = 0;
  for (auto _ : state) {
    for (const auto& f : c.files) {
      const auto nodes = peer_parse(f);
      for (const auto& n : nodes) instructions += n.args.size() + n.flags.size();
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.bytes));
  benchmark::DoNotOptimize(instructions);
}
BENCHMARK(BM_peer_allocating)->Unit(benchmark::kMillisecond);

}  // namespace



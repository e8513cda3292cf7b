// Lint throughput over the real-world corpus (real/big/bench-files.txt: every unique Dockerfile of
// shared/corpus/real), from memory, in one reused arena.
//
// BM_parse          dockimg::dockerfile::parse alone: the baseline of the ratio.
// BM_lint_default   what `dockimg lint` does per file: parse, then lint::run with the default
//                   profile (typing every instruction, the stages, the stage graph, every rule of
//                   the profile, suppression comments, sorting and positions).
// BM_lint_strict    the same with the strict profile.
// BM_lint_all       every rule, experimental ones included.
//
// All report bytes per second over the same set of files, so lint / parse is the cost of the
// analysis on top of parsing. No build context is given (the context rules stay quiet), as for
// `dockimg lint FILE`.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <dockimg/analysis.hpp>
#include <dockimg/dockerfile.hpp>

#include "bench_corpus.hpp"

namespace {

using dockimg_bench::corpus;
const corpus& load() { return dockimg_bench::real_dockerfiles(); }

/// An arena big enough for parsing and linting the largest file.
std::vector<unsigned char> memory_for(const corpus& c) {
  std::size_t biggest = 0;
  for (const auto& f : c.files) {
    biggest = std::max(biggest, dockimg::dockerfile::storage_hint(f) + dockimg::lint::storage_hint(f));
  }
  return std::vector<unsigned char>(biggest);
}

void BM_parse(benchmark::State& state) {
  const corpus& c = load();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::vector<unsigned char> memory = memory_for(c);
  for (auto _ : state) {
    for (const auto& f : c.files) {
      dockimg::arena storage(memory.data(), memory.size());
      const auto doc = dockimg::dockerfile::parse(f, storage);
      benchmark::DoNotOptimize(doc.instructions().size());
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
}
BENCHMARK(BM_parse)->Unit(benchmark::kMillisecond);

void lint_corpus(benchmark::State& state, const dockimg::lint::options& opt) {
  const corpus& c = load();
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  std::vector<unsigned char> memory = memory_for(c);
  std::size_t findings = 0, not_linted = 0, out_of_storage = 0;
  for (auto _ : state) {
    findings = not_linted = out_of_storage = 0;
    for (const auto& f : c.files) {
      dockimg::arena storage(memory.data(), memory.size());
      const auto doc = dockimg::dockerfile::parse(f, storage);
      const dockimg::lint::report rep = dockimg::lint::run(doc, opt, storage);
      findings += rep.findings.size();
      if (!rep.ok()) ++not_linted;
      if (rep.code == dockimg::lint::errc::out_of_storage) ++out_of_storage;
      benchmark::DoNotOptimize(rep.findings.size());
    }
  }
  if (out_of_storage != 0) state.SkipWithError("a file ran out of storage (lint::storage_hint is too small)");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
  state.counters["findings"] = static_cast<double>(findings);
  // parse errors and invalid instructions (the typed rules did not run on those files)
  state.counters["incomplete"] = static_cast<double>(not_linted);
}

void BM_lint_default(benchmark::State& state) {
  dockimg::lint::options opt;
  lint_corpus(state, opt);
}
BENCHMARK(BM_lint_default)->Unit(benchmark::kMillisecond);

void BM_lint_strict(benchmark::State& state) {
  dockimg::lint::options opt;
  opt.enabled = dockimg::lint::rule_set::of(dockimg::lint::profile::strict);
  lint_corpus(state, opt);
}
BENCHMARK(BM_lint_strict)->Unit(benchmark::kMillisecond);

void BM_lint_all(benchmark::State& state) {
  dockimg::lint::options opt;
  opt.enabled = dockimg::lint::rule_set::all();
  lint_corpus(state, opt);
}
BENCHMARK(BM_lint_all)->Unit(benchmark::kMillisecond);

}  // namespace

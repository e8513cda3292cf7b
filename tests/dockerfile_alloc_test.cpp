// Zero allocation on the parse path: global operator new is counted while every corpus Dockerfile
// is parsed, its instructions walked and its dump written to a sink that does not allocate.
#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace df = dockimg::dockerfile;

namespace {

std::vector<std::string> corpus_dockerfiles() {
  std::vector<std::string> out;
  const std::string dir = dockimg_test::corpus_dir();
  std::string manifest;
  if (dockimg_test::read_file(dir + "/real/MANIFEST.tsv", manifest)) {
    std::istringstream in(manifest);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto tab = line.find('\t');
      if (line.compare(tab + 1, 10, "dockerfile") != 0) continue;
      std::string text;
      if (dockimg_test::read_file(dir + "/real/" + line.substr(0, tab), text)) out.push_back(std::move(text));
    }
  }
  for (const char* file : {"/buildkit-parser/probe_parser.jsonl", "/buildkit-parser/testfiles_computed.jsonl"}) {
    for (const auto& r : dockimg_test::read_jsonl(dir + file)) {
      if (r.contains("dockerfile")) {
        out.push_back(r["dockerfile"].get<std::string>());
      } else if (r.contains("dockerfile_b64")) {
        out.push_back(dockimg_test::base64_decode(r["dockerfile_b64"].get<std::string>()));
      } else if (r.contains("dockerfile_file")) {
        std::string text;
        if (dockimg_test::read_file(dir + "/buildkit-parser/" + r["dockerfile_file"].get<std::string>(), text)) {
          out.push_back(std::move(text));
        }
      }
    }
  }
  return out;
}

}  // namespace

TEST_SUITE("dockerfile") {

TEST_CASE("zero allocation: parse - walk and dump the whole corpus") {
  if (dockimg_test::skip_without(dockimg_test::corpus_dir() + "/real/MANIFEST.tsv")) return;
  const std::vector<std::string> files = corpus_dockerfiles();
  REQUIRE(files.size() > 1794);
  std::size_t biggest = 0;
  for (const auto& f : files) biggest = std::max(biggest, df::storage_hint(f));
  std::vector<unsigned char> memory(biggest);

  std::size_t allocations = 0;
  std::size_t instructions = 0;
  std::size_t dumped = 0;
  std::size_t failed = 0;
  {
    dockimg_test::alloc_scope scope;
    for (const auto& text : files) {
      dockimg::arena storage(memory.data(), memory.size());
      const df::document doc = df::parse(text, storage);
      failed += doc.ok() ? 0 : 1;
      dockimg::source_locator loc(text);
      for (const auto& ins : doc.instructions()) {
        ++instructions;
        dumped += loc.locate(ins.range().begin).line;
        for (const auto& w : ins.args()) dumped += w.value.size();
        for (const auto& f : ins.flags()) dumped += f.name().size();
      }
      df::dump(doc, [&](std::string_view s) { dumped += s.size(); });
      doc.for_each_warning([&](const df::diagnostic& w) {
        df::write_message(w, [&](std::string_view s) { dumped += s.size(); });
      });
      if (!doc.ok()) df::write_message(doc.error(), [&](std::string_view s) { dumped += s.size(); });
    }
    allocations = scope.count();
  }
  std::printf(
      "zero allocation: %zu documents (%zu with a parse error), %zu instructions, %zu bytes produced, %zu operator "
      "new calls\n",
      files.size(), failed, instructions, dumped, allocations);
  CHECK(instructions > 15000);
  CHECK(allocations == 0);
}

}  // TEST_SUITE

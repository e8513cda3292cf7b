// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/analysis.hpp>: lint a Dockerfile with dockimg's rules and BuildKit's build
// checks, honour a suppression comment, and look a rule up by its hadolint id.
#include <cstdio>
#include <dockimg/analysis.hpp>
#include <string_view>
#include <vector>

namespace lint = dockimg::lint;

int main() {
  // [tour]
  const std::string_view text =
      "FROM ubuntu:latest AS Build\n"
      "RUN apt-get update\n"
      "# dockimg ignore=apt-no-install-recommends\n"
      "RUN apt-get install -y curl\n"
      "CMD curl https://example.com\n";

  std::vector<unsigned char> memory(lint::storage_hint(text));
  dockimg::arena storage(memory.data(), memory.size());
  const dockimg::dockerfile::document doc = dockimg::dockerfile::parse(text, storage);

  lint::options opt;  // the default profile; rule_set::of(profile::strict) for more
  const lint::report rep = lint::run(doc, opt, storage);
  for (const lint::finding& f : rep.findings)
    std::printf("%u:%u %.*s [%.*s] %.*s\n", f.begin.line, f.begin.column,
                static_cast<int>(lint::name(f.level).size()), lint::name(f.level).data(),
                static_cast<int>(f.rule->name.size()), f.rule->name.data(),
                static_cast<int>(f.message.size()), f.message.data());
  std::printf("%zu findings, %zu suppressed\n", rep.findings.size(), rep.suppressed);

  // Rules are values: metadata for documentation, SARIF, or --ignore.
  if (const lint::rule_info* r = lint::find_rule("DL3007"))
    std::printf("DL3007 is %.*s: %.*s\n", static_cast<int>(r->name.size()), r->name.data(),
                static_cast<int>(r->summary.size()), r->summary.data());
  // [/tour]
  return rep.ok() ? 0 : 1;
}

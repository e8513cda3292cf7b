// SPDX-License-Identifier: Apache-2.0
// A small user of <dockimg/dockerfile.hpp>: prints every instruction of a Dockerfile with its
// position, form, flags and arguments, then the first error if there is one.
//
//   example_list_instructions examples/Dockerfile.multistage
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <dockimg/dockerfile.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DOCKERFILE\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 1;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  // The parser allocates nothing: it works in storage we give it (reusable for the next file).
  std::vector<unsigned char> memory(dockimg::dockerfile::storage_hint(text));
  dockimg::arena storage(memory.data(), memory.size());
  const dockimg::dockerfile::document doc = dockimg::dockerfile::parse(text, storage);

  dockimg::source_locator where(text);
  for (const auto& ins : doc.instructions()) {
    const auto at = where.locate(ins.name_range().begin);
    std::printf("%u:%u %s%s", at.line, at.column, std::string(dockimg::dockerfile::to_string(ins.kind())).c_str(),
                ins.kind() == dockimg::dockerfile::keyword::unknown ? "(unknown)" : "");
    if (ins.json()) std::printf(" [exec form]");
    for (const auto& f : ins.flags()) {
      std::printf(" --%.*s", static_cast<int>(f.name().size()), f.name().data());
      if (f.has_value()) std::printf("=%.*s", static_cast<int>(f.value().size()), f.value().data());
    }
    for (const auto& w : ins.args()) std::printf(" <%.*s>", static_cast<int>(w.value.size()), w.value.data());
    for (const auto& h : ins.heredocs()) {
      std::printf(" (heredoc %.*s: %zu bytes)", static_cast<int>(h.name.size()), h.name.data(), h.content.size());
    }
    std::printf("\n");
  }
  if (!doc.ok()) {
    const auto at = where.locate(doc.error().range.begin);
    std::fprintf(stderr, "%s:%u:%u: error: %s\n", argv[1], at.line, at.column,
                 dockimg::dockerfile::message(doc.error()).c_str());
    return 1;
  }
  return 0;
}

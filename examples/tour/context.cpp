// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/context.hpp>: the build-context walk of BuildKit's client (fsutil's FilterFS)
// over an in-memory tree, with a .dockerignore as the exclude filter.
#include <cstdio>
#include <dockimg/context.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ctx = dockimg::context;
namespace di = dockimg::dockerignore;

int main() {
  // [tour]
  // A build context in memory (posix_source walks a real directory the same way).
  ctx::memory_source src;
  src.add("Dockerfile", ctx::entry_type::file, 120);
  src.add("src/main.go", ctx::entry_type::file, 2048);
  src.add("src/vendor/lib.go", ctx::entry_type::file, 512);
  src.add("docs/guide.md", ctx::entry_type::file, 64);
  src.add("docs/README.md", ctx::entry_type::file, 32);
  src.add(".git/HEAD", ctx::entry_type::file, 23);

  const std::string_view ignore = ".git\ndocs\n!docs/README.md\n**/vendor\n";
  std::vector<unsigned char> memory(di::storage_hint(ignore));
  dockimg::arena storage(memory.data(), memory.size());
  const di::compile_result excludes = di::compile(di::read_all(ignore, storage).patterns, storage);
  if (!excludes.ok()) return 1;

  // What the client sends: entries in lexical depth-first order, parents before children.
  const ctx::filter f = ctx::make_filter(nullptr, &excludes.matcher);
  std::uint64_t bytes = 0;
  const ctx::walk_result res = ctx::walk(src, &f, 1, [&](const ctx::entry& e) {
    std::printf("%s %.*s\n", e.is_dir() ? "dir " : "file", static_cast<int>(e.path.size()),
                e.path.data());
    bytes += e.info.size;
    return ctx::visit::proceed;
  });
  if (!res.ok()) std::printf("walk failed: %s\n", res.message().c_str());
  std::printf("context: %llu bytes\n", static_cast<unsigned long long>(bytes));
  // [/tour]
  return res.ok() ? 0 : 1;
}

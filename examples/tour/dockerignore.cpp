// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/dockerignore.hpp>: read a .dockerignore as Docker does, compile it, and ask
// which paths of the build context are left out (exceptions with `!`, `**`, parent directories).
#include <cstdio>
#include <dockimg/dockerignore.hpp>
#include <string_view>
#include <vector>

namespace di = dockimg::dockerignore;

int main() {
  // [tour]
  const std::string_view text =
      "# build outputs and secrets\n"
      "**/node_modules\n"
      "*.log\n"
      "!keep.log\n"
      "build/\n"
      "/.env\n";

  std::vector<unsigned char> memory(di::storage_hint(text));
  dockimg::arena storage(memory.data(), memory.size());
  const di::read_result read = di::read_all(text, storage);              // ignorefile.ReadAll
  const di::compile_result built = di::compile(read.patterns, storage);  // patternmatcher.New
  if (!read.ok() || !built.ok()) return 1;
  std::printf("%zu patterns, exclusions: %s\n", read.patterns.size(),
              built.matcher.exclusions() ? "yes" : "no");

  for (std::string_view path :
       {"web/node_modules/react/index.js", "debug.log", "keep.log", "logs/app.log", "build/out.o",
        "src/build.go", ".env", "config/.env"}) {
    const di::match_result r = built.matcher.matches_or_parent_matches(path);
    std::printf("%-32.*s %s\n", static_cast<int>(path.size()), path.data(),
                r.excluded ? "excluded" : "sent");
  }

  // A bad pattern is an error value with Docker's message and the pattern's source range.
  const std::string_view bad_text = "[a-\n";
  const di::read_result bad_read = di::read_all(bad_text, storage);
  const di::compile_result bad = di::compile(bad_read.patterns, storage);
  if (!bad.ok()) {
    const std::string_view why = di::message(bad.err.code);
    const dockimg::source_range where = bad_read.patterns[bad.err.pattern].range;
    std::printf("pattern %u (bytes %u-%u): %.*s\n", bad.err.pattern, where.begin, where.end,
                static_cast<int>(why.size()), why.data());
  }
  // [/tour]
  return 0;
}

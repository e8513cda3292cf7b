// Consumer check: the installed (or vendored) headers compile with -fno-exceptions -fno-rtti, a
// Dockerfile parses, and the program prints the library version.
#include <dockimg/dockimg.hpp>
#include <dockimg/version.hpp>

#include <cstdio>
#include <string_view>

static_assert(DOCKIMG_VERSION == DOCKIMG_VERSION_MAJOR * 10000 + DOCKIMG_VERSION_MINOR * 100 +
                                     DOCKIMG_VERSION_PATCH,
              "version.hpp is inconsistent");

int main() {
  constexpr std::string_view text = "FROM alpine AS base\nRUN echo hello\n";
  static unsigned char memory[64 * 1024];
  if (dockimg::dockerfile::storage_hint(text) > sizeof memory) return 1;
  dockimg::arena storage(memory, sizeof memory);
  const auto doc = dockimg::dockerfile::parse(text, storage);
  if (!doc.ok() || doc.instructions().size() != 2) {
    std::fprintf(stderr, "dockimg %s: unexpected parse result\n", DOCKIMG_VERSION_STRING);
    return 1;
  }
  std::printf("dockimg %s\n", DOCKIMG_VERSION_STRING);
  return 0;
}

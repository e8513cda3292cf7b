// SPDX-License-Identifier: Apache-2.0
// Conan test_package (also built by ctest's package emulation): parses a two-stage Dockerfile in
// caller storage and checks what it finds.
#include <cstdio>
#include <string_view>
#include <vector>

#include <dockimg/dockerfile.hpp>
#include <dockimg/instructions.hpp>
#include <dockimg/version.hpp>

int main() {
  constexpr std::string_view text =
      "FROM golang:1.22 AS build\n"
      "RUN go build -o /out/app .\n"
      "FROM scratch\n"
      "COPY --from=build /out/app /app\n";
  std::vector<unsigned char> memory(dockimg::dockerfile::storage_hint(text) * 2);
  dockimg::arena storage(memory.data(), memory.size());
  const auto doc = dockimg::dockerfile::parse(text, storage);
  const auto stages = dockimg::dockerfile::parse_stages(doc, storage);
  if (!doc.ok() || !stages.ok() || doc.instructions().size() != 4 || stages.stages().size() != 2 ||
      stages.stages()[0].name != "build") {
    std::fprintf(stderr, "dockimg %s: unexpected parse result\n", DOCKIMG_VERSION_STRING);
    return 1;
  }
  std::printf("dockimg %s: %zu instructions in %zu stages\n", DOCKIMG_VERSION_STRING,
              static_cast<std::size_t>(doc.instructions().size()),
              static_cast<std::size_t>(stages.stages().size()));
  return 0;
}

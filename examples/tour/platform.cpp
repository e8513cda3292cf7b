// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/platform.hpp>: platform specifiers as containerd reads them. Parse and
// normalise, format, pick the best image of an index for a platform, and report an error.
#include <algorithm>
#include <cstdio>
#include <dockimg/platform.hpp>
#include <string_view>

namespace pl = dockimg::platforms;

int main() {
  // [tour]
  unsigned char memory[2048];
  dockimg::arena storage(memory, sizeof memory);
  const pl::host host{"linux", "amd64", ""};  // explicit, so the output is the same everywhere

  // Parse normalises: "aarch64" is arm64, "armhf" is arm (v7, the default variant, is dropped),
  // a lone "linux" gets the host's architecture.
  for (std::string_view spec : {"linux/aarch64", "Linux/armhf", "linux", "windows/amd64"}) {
    const pl::result p = pl::parse(spec, storage, host);
    const std::string_view text = pl::format(p.value, storage);
    std::printf("%-14.*s -> %.*s\n", static_cast<int>(spec.size()), spec.data(),
                static_cast<int>(text.size()), text.data());
  }

  // Which of an index's platforms can run on linux/arm64, best first (containerd's Only).
  const pl::platform wanted = pl::parse("linux/arm64", storage, host).value;
  const pl::match_comparer only = pl::only(wanted, storage, host);
  pl::platform index[] = {{"linux", "amd64", "", {}, {}},
                          {"linux", "arm", "v7", {}, {}},
                          {"linux", "arm64", "v8", {}, {}},
                          {"linux", "arm", "v6", {}, {}}};
  std::sort(std::begin(index), std::end(index),
            [&](const pl::platform& a, const pl::platform& b) { return only.less(a, b); });
  for (const pl::platform& p : index)
    if (only.match(p)) std::printf("runs: %s\n", std::string(pl::format(p, storage)).c_str());

  const pl::result bad = pl::parse("linux/arm64/v8/extra", storage, host);
  std::printf("error: %s\n", pl::message(bad.err).c_str());
  // [/tour]
  return 0;
}

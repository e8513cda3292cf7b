// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/dockerfile.hpp> (with arena.hpp, source.hpp and version.hpp): parse a Dockerfile
// into caller storage, walk its instructions with positions, then report a parse error.
#include <cstdio>
#include <dockimg/dockerfile.hpp>
#include <dockimg/version.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace df = dockimg::dockerfile;

int main() {
  std::printf("dockimg %s\n", DOCKIMG_VERSION_STRING);
  // [tour]
  const std::string_view text =
      "# syntax=docker/dockerfile:1\n"
      "FROM alpine:3.20 AS base\n"
      "# fetch the tools\n"
      "RUN --mount=type=cache,target=/var/cache/apk \\\n"
      "    apk add curl\n"
      "COPY <<EOF /etc/motd\n"
      "hello\n"
      "EOF\n"
      "CMD [\"sh\", \"-c\", \"cat /etc/motd\"]\n";

  // The parser never allocates: it works in an arena over memory the caller owns.
  std::vector<unsigned char> memory(df::storage_hint(text));
  dockimg::arena storage(memory.data(), memory.size());
  const df::document doc = df::parse(text, storage);

  std::printf("syntax=%.*s, %zu instructions\n", static_cast<int>(doc.directives()[0].value.size()),
              doc.directives()[0].value.data(), doc.instructions().size());
  dockimg::source_locator where(text);
  for (const df::instruction& ins : doc.instructions()) {
    const dockimg::source_position at = where.locate(ins.range().begin);
    std::printf("%u:%u %.*s", at.line, at.column, static_cast<int>(ins.name().size()),
                ins.name().data());
    for (const df::flag& f : ins.flags())
      std::printf(" --%.*s=%.*s", static_cast<int>(f.name().size()), f.name().data(),
                  static_cast<int>(f.value().size()), f.value().data());
    for (const df::word& w : ins.args())
      std::printf(" \"%.*s\"", static_cast<int>(w.value.size()), w.value.data());
    if (ins.json()) std::printf(" (exec form)");
    for (const df::heredoc& h : ins.heredocs())
      std::printf(" (heredoc %.*s: %zu bytes)", static_cast<int>(h.name.size()), h.name.data(),
                  h.content.size());
    if (!ins.comments().empty())
      std::printf("  # %.*s", static_cast<int>(ins.comments()[0].text.size()),
                  ins.comments()[0].text.data());
    std::printf("\n");
  }

  // Errors are values with BuildKit's message and an exact byte range.
  const std::string_view bad = "FROM alpine\nENV DEBUG\n";
  storage.reset();
  const df::document broken = df::parse(bad, storage);
  if (!broken.ok())
    std::printf("error on line %u: %s\n", broken.error().start_line,
                df::message(broken.error()).c_str());
  // [/tour]
  return doc.ok() ? 0 : 1;
}

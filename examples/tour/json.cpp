// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/json.hpp>: the strict, allocation-free JSON reader. Reads members, exact
// integers, escaped strings and positions, then shows an error with its line:column and pointer.
#include <cstdio>
#include <dockimg/json.hpp>
#include <string_view>
#include <vector>

namespace json = dockimg::json;

int main() {
  // [tour]
  const std::string_view text = R"({
  "architecture": "arm64",
  "config": {"Env": ["PATH=/usr/bin", "GREETING=caf\u00e9"], "User": "1000"},
  "size": 9007199254740993
})";

  std::vector<unsigned char> memory(json::storage_hint(text));
  dockimg::arena storage(memory.data(), memory.size());
  const json::document doc = json::parse(text, storage);
  if (!doc.ok()) return 1;

  const json::value root = doc.root();
  const std::string_view arch = root.find("architecture").raw_string();  // escapes not decoded
  std::printf("architecture: %.*s\n", static_cast<int>(arch.size()), arch.data());
  // Integers are read exactly (no rounding through double).
  const json::result<std::int64_t> size = root.find("size").get_int64();
  std::printf("size: %lld\n", static_cast<long long>(size.value));
  for (const json::value env : root.find("config").find("Env").elements()) {
    char buf[64];  // escapes (\u00e9) are decoded into the caller's buffer
    const json::result<std::string_view> s = env.get_string(buf, sizeof buf);
    const dockimg::source_position at = doc.locate(env);
    std::printf("%s at %u:%u = %.*s\n", json::pointer(doc, env).c_str(), at.line, at.column,
                static_cast<int>(s.value.size()), s.value.data());
  }

  // Strict RFC 8259: a trailing comma is an error with its position and JSON Pointer.
  storage.reset();  // the arena is reused: `doc` and its values are invalid from here
  const json::document bad = json::parse("{\"layers\": [1, 2,]}", storage);
  std::printf("error at %u:%u (%s): %s\n", bad.error().position.line, bad.error().position.column,
              json::error_pointer(bad).c_str(), json::message(bad.error()).c_str());
  // [/tour]
  return size.ok() ? 0 : 1;
}

// libFuzzer target for the instruction layer and the stage graph: every input is parsed, typed
// (BuildKit's instructions.Parse) and analysed as a build (meta ARGs, expansion, bases, --from,
// cycles, reachability). Built with Clang and -fsanitize=fuzzer when DOCKIMG_BUILD_FUZZERS=ON, and
// as a corpus-replay test otherwise.
//
// Invariants: no crash, no overrun of the arena, messages can always be written, graph indexes
// stay in range, and a too-small arena fails cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <dockimg/instructions.hpp>

#define DOCKIMG_FUZZ_CHECK(cond) \
  do {                           \
    if (!(cond)) __builtin_trap(); \
  } while (0)

namespace {

std::size_t run(std::string_view text, unsigned char* mem, std::size_t size) {
  namespace df = dockimg::dockerfile;
  dockimg::arena storage(mem, size);
  const df::document doc = df::parse(text, storage);
  if (!doc.ok()) return 0;
  const df::stage_list stages = df::parse_stages(doc, storage);
  std::size_t bytes = 0;
  const auto sink = [&](std::string_view s) { bytes += s.size(); };
  if (!stages.ok()) {
    df::write_message(stages.error(), sink);
    return bytes;
  }
  for (const char* target : {"", "build", "0"}) {
    df::graph_options opt;
    opt.target = target;
    const df::stage_graph g = df::build_graph(doc, stages, opt, storage);
    if (!g.ok()) {
      df::write_message(g.error, sink);
      continue;
    }
    DOCKIMG_FUZZ_CHECK(g.target >= -1 && g.target < static_cast<std::int32_t>(g.nodes.size()));
    for (const auto& n : g.nodes) {
      DOCKIMG_FUZZ_CHECK(n.base_stage >= -1 && n.base_stage < static_cast<std::int32_t>(g.nodes.size()));
      bytes += n.base_name.size() + n.deps.size() + n.args.size() + n.env.size();
    }
  }
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static std::vector<unsigned char> memory;
  const std::size_t need = dockimg::dockerfile::storage_hint(text) * 4;
  if (memory.size() < need + 1) memory.resize(need + 1);
  memory[need] = 0xA5;
  run(text, memory.data(), need);
  DOCKIMG_FUZZ_CHECK(memory[need] == 0xA5);
  // A tenth of the storage: the same calls must fail cleanly or succeed.
  const std::size_t small = need / 10;
  memory[small] = 0x5A;
  run(text, memory.data(), small);
  DOCKIMG_FUZZ_CHECK(memory[small] == 0x5A);
  return 0;
}

// libFuzzer target for the instruction layer, the stage graph and the dispatcher: every input is
// parsed, typed (BuildKit's instructions.Parse), analysed as a build (meta ARGs, expansion, bases,
// --from, cycles, reachability) and every stage is dispatched (ARG/ENV/WORKDIR/USER expansion, RUN
// command lines, heredoc contents, COPY destinations, --chmod and STOPSIGNAL checks). Built with Clang and -fsanitize=fuzzer when DOCKIMG_BUILD_FUZZERS=ON, and
// as a corpus-replay test otherwise.
//
// Invariants: no crash, no overrun of the arena, messages can always be written, graph indexes
// stay in range, and a too-small arena fails cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <dockimg/dispatch.hpp>
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
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const df::dispatch_error e = df::dispatch_stage(
          doc, stages, g, i, df::dispatch_options(), storage, [&](const df::command& c, const df::dispatch_state& st) {
            DOCKIMG_FUZZ_CHECK(!st.workdir.empty() && st.workdir[0] == '/');
            if (const auto* r = c.get<df::run_command>()) {
              const df::run_invocation inv = df::plan_run(*r, st, storage);
              if (inv.ok()) {
                bytes += inv.args.size() + inv.files.size();
                if (r->prepend_shell) DOCKIMG_FUZZ_CHECK(inv.args.size() >= 2);
              }
            } else if (const auto* cp = c.get<df::copy_command>()) {
              const auto d = df::expand(st, cp->dest, storage);
              if (d.ok()) {
                const df::path_result p = df::copy_destination(st, d.word, storage);
                if (p.ok()) DOCKIMG_FUZZ_CHECK(!p.path.empty() && p.path[0] == '/');
              }
              for (const auto& sc : cp->source_contents) bytes += df::heredoc_contents(st, sc, storage).word.size();
              const auto m = df::expand(st, cp->chmod, storage);
              if (m.ok() && !m.word.empty()) {
                const df::chmod_result cr = df::parse_chmod(m.word);
                if (cr.ok()) DOCKIMG_FUZZ_CHECK(cr.value.apply(0644, false) <= 07777u);
              }
            } else if (const auto* ss = c.get<df::stopsignal_command>()) {
              const auto w = df::expand(st, ss->signal, storage);
              if (w.ok()) bytes += static_cast<std::size_t>(df::parse_signal(w.word).ok());
            }
            return true;
          });
      if (e) df::write_message(e, sink);
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

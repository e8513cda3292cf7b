// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/dispatch.hpp>: what BuildKit's dispatcher computes before each instruction of a
// stage (environment, WORKDIR, USER), the argv of a RUN, the bytes of a COPY here-document, and a
// dispatch-time check (--chmod).
#include <cstdio>
#include <dockimg/dispatch.hpp>
#include <string_view>
#include <vector>

namespace df = dockimg::dockerfile;

int main() {
  // [tour]
  const std::string_view text =
      "FROM alpine AS app\n"
      "ARG NAME=demo\n"
      "ENV HOME_DIR=/srv/${NAME}\n"
      "WORKDIR $HOME_DIR\n"
      "WORKDIR logs\n"
      "USER 1000:1000\n"
      "RUN echo \"building $NAME in $PWD\"\n"
      "COPY <<EOF config.ini\n"
      "name=${NAME}\n"
      "EOF\n";

  std::vector<unsigned char> memory(df::storage_hint(text) * 8);
  dockimg::arena storage(memory.data(), memory.size());
  const df::document doc = df::parse(text, storage);
  const df::stage_list stages = df::parse_stages(doc, storage);
  const df::stage_graph graph = df::build_graph(doc, stages, {}, storage);

  // The callback sees each command with the state BuildKit has when it dispatches it.
  const df::dispatch_error err = df::dispatch_stage(
      doc, stages, graph, static_cast<std::size_t>(graph.target), {}, storage,
      [&](const df::command& c, const df::dispatch_state& st) {
        std::printf("%-8.*s workdir=%.*s user=%.*s env=%zu\n", static_cast<int>(c.name.size()),
                    c.name.data(), static_cast<int>(st.workdir.size()), st.workdir.data(),
                    static_cast<int>(st.user.size()), st.user.data(), st.env.size());
        if (const auto* run = c.get<df::run_command>()) {
          const df::run_invocation inv = df::plan_run(*run, st, storage);  // shell prepended
          for (std::string_view a : inv.args)
            std::printf("  argv: %.*s\n", static_cast<int>(a.size()), a.data());
        }
        if (const auto* copy = c.get<df::copy_command>()) {
          const df::path_result dest = df::copy_destination(st, copy->dest, storage);
          const auto body =
              df::heredoc_contents(st, copy->source_contents[0], storage);  // expanded
          std::printf("  %.*s <- %.*s", static_cast<int>(dest.path.size()), dest.path.data(),
                      static_cast<int>(body.word.size()), body.word.data());
        }
        return true;  // false stops the walk
      });
  if (err) std::printf("dispatch error: %s\n", df::message(err).c_str());

  // Checks BuildKit makes only at dispatch time.
  const df::chmod_result mode = df::parse_chmod("u+x,go-w");  // octal or symbolic, as chmod(1)
  std::printf("--chmod=u+x,go-w on 0666: %o; --chmod=0999 valid: %d\n",
              mode.value.apply(0666, false), df::parse_chmod("0999").ok() ? 1 : 0);
  // [/tour]
  return err ? 1 : 0;
}

// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/instructions.hpp>: BuildKit's instruction layer. Types every instruction,
// lists the stages, resolves the stage graph with a build argument, and reports an invalid flag.
#include <cstdio>
#include <dockimg/instructions.hpp>
#include <string_view>
#include <vector>

namespace df = dockimg::dockerfile;

static void print(const char* label, std::string_view s) {
  std::printf("%s%.*s", label, static_cast<int>(s.size()), s.data());
}

int main() {
  // [tour]
  const std::string_view text =
      "ARG GO_VERSION=1.22\n"
      "FROM golang:${GO_VERSION} AS build\n"
      "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app .\n"
      "FROM gcr.io/distroless/static AS runtime\n"
      "COPY --from=build --chmod=0555 /out/app /app\n"
      "EXPOSE 8080/tcp 127.0.0.1:9090:9090/udp\n";

  std::vector<unsigned char> memory(df::storage_hint(text) * 4);
  dockimg::arena storage(memory.data(), memory.size());
  const df::document doc = df::parse(text, storage);
  const df::stage_list stages = df::parse_stages(doc, storage);  // BuildKit's instructions.Parse
  if (!stages.ok()) return 1;

  for (const df::stage& st : stages.stages()) {
    std::printf("stage %u", st.index);
    print(" ", st.name);
    print(" from ", st.base_name);
    std::printf(": %zu commands\n", st.commands.size());
    for (const df::command& c : st.commands) {
      if (const auto* run = c.get<df::run_command>()) {
        for (const df::mount& m : run->mounts) {
          print("  RUN --mount type=", m.type);
          print(" target=", m.target);
        }
      } else if (const auto* copy = c.get<df::copy_command>()) {
        print("  COPY from=", copy->from);
        print(" chmod=", copy->chmod);
        print(" dest=", copy->dest);
      } else if (const auto* expose = c.get<df::expose_command>()) {
        for (std::string_view p : expose->ports) {  // sorted, as BuildKit does
          const df::port_result port = df::parse_port(p);
          std::printf("  EXPOSE %u", port.value.start);
          print("/", port.value.proto);
          print(" host=", port.value.host_port);
        }
      }
      std::printf("\n");
    }
  }

  // The stage graph: meta ARGs and --build-arg expanded into FROM, dependencies, reachability.
  const df::build_arg args[] = {{"GO_VERSION", "1.23"}};
  df::graph_options opt;
  opt.build_args = {args, 1};
  const df::stage_graph graph = df::build_graph(doc, stages, opt, storage);
  for (const df::stage_node& n : graph.nodes) {
    print("node ", n.display_name);
    print(" base ", n.base_name);
    for (const df::dependency& d : n.deps)
      if (d.stage >= 0)
        print(" needs ", graph.nodes[static_cast<std::size_t>(d.stage)].display_name);
    std::printf(n.reachable ? " (reachable)\n" : "\n");
  }

  // Errors carry BuildKit's text.
  const df::document bad = df::parse("FROM alpine\nRUN --mont=type=cache true\n", storage);
  const df::stage_list failed = df::parse_stages(bad, storage);
  if (!failed.ok()) std::printf("error: %s\n", df::message(failed.error()).c_str());
  // [/tour]
  return graph.ok() ? 0 : 1;
}

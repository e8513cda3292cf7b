// SPDX-License-Identifier: Apache-2.0
// `dockimg stages`: the build stages of a Dockerfile, their bases, dependencies, reachability from
// the target and the ARG/ENV values in effect at their end, as BuildKit resolves them.
#ifndef DOCKIMG_EXAMPLES_CLI_STAGES_HPP
#define DOCKIMG_EXAMPLES_CLI_STAGES_HPP

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include "cli_common.hpp"
#include <dockimg/dockerfile.hpp>
#include <dockimg/instructions.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dockimg_cli_stages {

namespace df = dockimg::dockerfile;
using dockimg_cli::json_string;
constexpr auto& stages_out = dockimg_cli::out;
constexpr auto& stages_err = dockimg_cli::err;
constexpr auto& stages_read = dockimg_cli::read_file;


/// Help text of `dockimg stages`.
constexpr std::string_view stages_help =
    "usage: dockimg stages [--target NAME] [--build-arg KEY=VALUE]... [--format=text|json] FILE\n"
    "\n"
    "Lists the build stages of a Dockerfile as BuildKit resolves them ('-' reads standard input):\n"
    "index, name, base (an image reference after ARG expansion, or an earlier stage), platform,\n"
    "the stages and images it depends on (FROM, COPY --from, RUN --mount from=), whether it is\n"
    "needed to build the target, and the ARG and ENV values in effect at its end (ENV of image\n"
    "bases is unknown here).\n"
    "\n"
    "  --target NAME          the stage to build (case-insensitive; default: the last stage)\n"
    "  --build-arg KEY=VALUE  a build argument (repeatable; KEY alone takes the environment's "
    "value)\n"
    "  --format=text          a readable listing (default)\n"
    "  --format=json          one JSON object\n"
    "\n"
    "Errors go to standard error as FILE:LINE:COLUMN: error: MESSAGE (FILE: error: MESSAGE when\n"
    "BuildKit gives no location). Exit status: 0 on success, 1 on an error, 2 on a usage error.\n";



inline void stages_json_vars(std::string& o, dockimg::list_view<dockimg::shell::env_var> vars) {
  o += '{';
  bool first = true;
  for (const auto& v : vars) {
    if (!first) o += ',';
    first = false;
    json_string(o, v.key);
    o += ':';
    json_string(o, v.value);
  }
  o += '}';
}

inline const char* dependency_name(df::dependency_kind k) {
  switch (k) {
    case df::dependency_kind::base:
      return "base";
    case df::dependency_kind::copy:
      return "copy";
    case df::dependency_kind::mount:
      return "mount";
  }
  return "?";
}


/// `dockimg stages ARGS...` (argv without the program and command names).
inline int cmd_stages(int argc, char** argv) {
  std::string format = "text";
  std::string target;
  std::vector<std::string> build_args;
  std::vector<std::string> files;
  bool options_done = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && a.substr(0, 9) == "--format=") {
      format = std::string(a.substr(9));
    } else if (!options_done && a == "--format" && i + 1 < argc) {
      format = argv[++i];
    } else if (!options_done && a.substr(0, 9) == "--target=") {
      target = std::string(a.substr(9));
    } else if (!options_done && a == "--target" && i + 1 < argc) {
      target = argv[++i];
    } else if (!options_done && a.substr(0, 12) == "--build-arg=") {
      build_args.emplace_back(a.substr(12));
    } else if (!options_done && a == "--build-arg" && i + 1 < argc) {
      build_args.emplace_back(argv[++i]);
    } else if (!options_done && (a == "-h" || a == "--help")) {
      stages_out(stages_help);
      return 0;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      stages_err("dockimg stages: unknown option or missing value '" + std::string(a) + "'\n");
      stages_err(stages_help);
      return 2;
    } else {
      files.emplace_back(a);
    }
  }
  if (format != "text" && format != "json") {
    stages_err("dockimg stages: unknown format '" + format + "' (text or json)\n");
    return 2;
  }
  if (files.size() != 1) {
    stages_err(files.empty() ? "dockimg stages: no FILE given\n"
                             : "dockimg stages: give exactly one FILE\n");
    stages_err(stages_help);
    return 2;
  }
  // KEY=VALUE, or KEY alone: the value of the environment variable KEY (skipped when unset).
  std::vector<std::string> env_values;
  env_values.reserve(build_args.size());
  std::vector<df::build_arg> args;
  for (const auto& b : build_args) {
    const auto eq = b.find('=');
    if (eq == 0 || b.empty()) {
      stages_err("dockimg stages: invalid --build-arg '" + b + "' (KEY=VALUE)\n");
      return 2;
    }
    if (eq != std::string::npos) {
      args.push_back(
          df::build_arg{std::string_view(b).substr(0, eq), std::string_view(b).substr(eq + 1)});
    } else if (const char* v = std::getenv(b.c_str())) {
      env_values.emplace_back(v);
      args.push_back(df::build_arg{b, env_values.back()});
    }
  }
  const std::string& file = files[0];
  std::string data;
  if (!stages_read(file, data)) {
    stages_err(file + ": error: cannot read: " + std::strerror(errno) + "\n");
    return 1;
  }
  std::vector<unsigned char> memory(df::storage_hint(data) * 4 + (1u << 20));
  for (int attempt = 0;; ++attempt) {
    dockimg::arena storage(memory.data(), memory.size());
    const df::document doc = df::parse(data, storage);
    dockimg::source_locator loc(doc.source());
    auto report = [&](dockimg::source_range r, std::uint32_t line, const std::string& msg) {
      if (line == 0) {
        stages_err(file + ": error: " + msg + "\n");
      } else {
        const auto p = loc.locate(r.begin);
        stages_err(file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                   ": error: " + msg + "\n");
      }
    };
    if (!doc.ok()) {
      if (doc.error().code == df::errc::out_of_storage && attempt < 4) {
        memory.resize(memory.size() * 4);
        continue;
      }
      report(doc.error().range, 1, df::message(doc.error()));
      return 1;
    }
    const df::stage_list stages = df::parse_stages(doc, storage);
    df::stage_graph g;
    df::instruction_error e = stages.error();
    if (stages.ok()) {
      df::graph_options opt;
      opt.target = target;
      opt.build_args = {args.data(), args.size()};
      g = df::build_graph(doc, stages, opt, storage);
      e = g.error;
    }
    if (e.code == df::instr_errc::out_of_storage && attempt < 4) {
      memory.resize(memory.size() * 4);
      continue;
    }
    if (e) {
      report(e.range, e.line, df::message(e));
      if (format == "json") {
        std::string o = "{\"file\":";
        json_string(o, file);
        o += ",\"ok\":false,\"error\":{\"message\":";
        json_string(o, df::message(e));
        if (e.line != 0) {
          const auto p = loc.locate(e.range.begin);
          o += ",\"line\":" + std::to_string(p.line) + ",\"column\":" + std::to_string(p.column);
        }
        o += "}}\n";
        stages_out(o);
      }
      return 1;
    }
    const auto nodes = g.nodes;
    if (format == "json") {
      std::string o = "{\"file\":";
      json_string(o, file);
      o += ",\"ok\":true,\"target\":" + std::to_string(g.target) + ",\"global_args\":";
      stages_json_vars(o, g.global_args);
      o += ",\"stages\":[";
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        const df::stage& st = stages.stages()[i];
        const df::stage_node& n = nodes[i];
        if (i != 0) o += ',';
        o += "{\"index\":" + std::to_string(i) + ",\"name\":";
        if (st.name.empty()) {
          o += "null";
        } else {
          json_string(o, st.name);
        }
        o += ",\"display_name\":";
        json_string(o, n.display_name);
        const auto p = loc.locate(st.from->range.begin);
        o += ",\"line\":" + std::to_string(p.line) + ",\"base\":{\"stage\":";
        o += n.base_stage >= 0 ? std::to_string(n.base_stage) : std::string("null");
        o += ",\"image\":";
        if (n.base_stage >= 0) {
          o += "null";
        } else {
          json_string(o, n.base_name);
        }
        o += ",\"as_written\":";
        json_string(o, st.base_name);
        o += "},\"platform\":";
        if (n.platform.empty()) {
          o += "null";
        } else {
          json_string(o, n.platform);
        }
        o += ",\"depends_on\":[";
        for (std::size_t k = 0; k < n.deps.size(); ++k) {
          const df::dependency& d = n.deps[k];
          if (k != 0) o += ',';
          o += "{\"kind\":\"";
          o += dependency_name(d.kind);
          o += "\",\"stage\":";
          o += d.stage >= 0 ? std::to_string(d.stage) : std::string("null");
          o += ",\"image\":";
          if (d.stage >= 0) {
            o += "null";
          } else {
            json_string(o, d.image);
          }
          o += ",\"implicit\":";
          o += d.implicit ? "true" : "false";
          o += ",\"line\":" +
               std::to_string(d.by != nullptr ? loc.locate(d.by->range.begin).line : 0) + "}";
        }
        o += "],\"reachable\":";
        o += n.reachable ? "true" : "false";
        o += ",\"args\":";
        stages_json_vars(o, n.args);
        o += ",\"env\":";
        stages_json_vars(o, n.env);
        o += '}';
      }
      o += "]}\n";
      stages_out(o);
      return 0;
    }
    std::string o;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const df::stage& st = stages.stages()[i];
      const df::stage_node& n = nodes[i];
      o += "stage " + std::to_string(i) + " " + std::string(n.display_name);
      if (static_cast<std::int32_t>(i) == g.target) o += " (target)";
      o += "\n  base: ";
      if (n.base_stage >= 0) {
        o += "stage " + std::to_string(n.base_stage) + " " +
             std::string(nodes[static_cast<std::size_t>(n.base_stage)].display_name);
      } else {
        o += "image " + std::string(n.base_name);
      }
      if (n.base_name != st.base_name) o += " (from " + std::string(st.base_name) + ")";
      o += "\n";
      if (!n.platform.empty()) o += "  platform: " + std::string(n.platform) + "\n";
      o += "  depends on:";
      bool any = false;
      for (const auto& d : n.deps) {
        if (d.kind == df::dependency_kind::base || d.implicit) continue;
        o += any ? ", " : " ";
        any = true;
        if (d.stage >= 0) {
          o += "stage " + std::to_string(d.stage) + " " +
               std::string(nodes[static_cast<std::size_t>(d.stage)].display_name);
        } else {
          o += "image " + std::string(d.image);
        }
        o += " (";
        o += dependency_name(d.kind);
        o += ")";
      }
      if (!any) o += " -";
      o += "\n  reachable: ";
      o += n.reachable ? "yes" : "no";
      o += "\n";
      for (const auto& v : n.args)
        o += "  ARG " + std::string(v.key) + "=" + std::string(v.value) + "\n";
      for (const auto& v : n.env)
        o += "  ENV " + std::string(v.key) + "=" + std::string(v.value) + "\n";
    }
    stages_out(o);
    return 0;
  }
}

}  // namespace dockimg_cli_stages

#endif  // DOCKIMG_EXAMPLES_CLI_STAGES_HPP

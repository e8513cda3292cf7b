// SPDX-License-Identifier: Apache-2.0
// dockimg: the command-line tool. It composes the header-only library the way a user's tool
// would: reading files and printing are here; parsing is the library's.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <dockimg/dockimg.hpp>

#include "cli_common.hpp"

#include "cli_stages.hpp"
#include "cli_typed.hpp"
#include "cli_dockerignore.hpp"
#include "cli_oci.hpp"
#include "cli_lint.hpp"

namespace {

namespace df = dockimg::dockerfile;
using dockimg_cli::err;
using dockimg_cli::json_string;
using dockimg_cli::out;
using dockimg_cli::read_file;

constexpr std::string_view usage_text =
    "usage: dockimg <command> [options] [arguments]\n"
    "\n"
    "commands:\n"
    "  parse [--format=dump|json|none] FILE...   parse Dockerfiles as BuildKit does\n"
    "  stages [--target NAME] [--build-arg K=V]... [--format=text|json] FILE\n"
    "                                            list build stages, bases, dependencies, ARG/ENV\n"
    "  ignore --dockerignore FILE [PATHS|-]      1/0 per path: excluded by .dockerignore or sent\n"
    "  context DIR [--dockerignore F] [--file D] [--format=text|json] [--excluded]  what is sent\n"
    "  validate [--media-type T] FILE...         check OCI/Docker manifests, indexes, configs\n"
    "  inspect [--platform P] [--format=text|json] [--sort=size] [--verify] PATH\n"
    "                                            layers, sizes and the instructions that made them\n"
    "  diff [--platform P] [--format=text|json] OLD NEW  layers added/removed and the size change\n"
    "  digest [--algorithm sha256|sha512] FILE... ALGORITHM:HEX per file, like sha256sum\n"
    "  ref NAME...                               parse and normalise image references (JSON)\n"
    "  lint [--profile P] [--format=text|json|sarif|github] [--context DIR] FILE...\n"
    "                                            check Dockerfiles: size, cache, safety, BuildKit checks\n"
    "\n"
    "  dockimg --version     print the version\n"
    "  dockimg help COMMAND  describe one command\n";

constexpr std::string_view parse_help =
    "usage: dockimg parse [--format=dump|json|none] FILE...\n"
    "\n"
    "Parses each Dockerfile exactly as BuildKit's parser does ('-' reads standard input).\n"
    "\n"
    "  --format=dump  BuildKit's Node.Dump() form, the format of its testfiles/*/result (default)\n"
    "  --format=json  one JSON object per file and per line: directives, instructions with\n"
    "                 keyword, flags, arguments, form, heredocs, comments and positions\n"
    "                 (1-based line and byte column; 'end' is exclusive), warnings and the error;\n"
    "                 each instruction also has 'typed': BuildKit's typed value (RUN mounts,\n"
    "                 COPY/ADD sources and destination, EXPOSE ports, HEALTHCHECK durations in ns,\n"
    "                 ...), words as written, or null with 'typed_error' (BuildKit's message)\n"
    "  --format=none  only check\n"
    "\n"
    "Errors and warnings go to standard error as FILE:LINE:COLUMN: error|warning: MESSAGE.\n"
    "Exit status: 0 when every file parsed, 1 when any failed, 2 on a usage error.\n";




void json_pos(std::string& o, dockimg::source_locator& loc, std::uint32_t offset) {
  const auto p = loc.locate(offset);
  o += "{\"line\":" + std::to_string(p.line) + ",\"column\":" + std::to_string(p.column) + "}";
}

void json_range(std::string& o, dockimg::source_locator& loc, dockimg::source_range r) {
  o += "\"start\":";
  json_pos(o, loc, r.begin);
  o += ",\"end\":";
  json_pos(o, loc, r.end);
}

bool has_form(df::keyword k) {
  switch (k) {
    case df::keyword::run:
    case df::keyword::cmd:
    case df::keyword::entrypoint:
    case df::keyword::shell:
    case df::keyword::healthcheck:
    case df::keyword::copy:
    case df::keyword::add:
    case df::keyword::volume: return true;
    default: return false;
  }
}

void json_instruction(std::string& o, dockimg::source_locator& loc, const df::instruction& first_ins, bool top) {
  // ONBUILD chains nest: walk them iteratively and close the objects at the end.
  std::size_t depth = 0;
  for (const df::instruction* p = &first_ins; p != nullptr; p = p->trigger(), top = false) {
  const df::instruction& ins = *p;
  ++depth;
  o += "{\"keyword\":";
  json_string(o, ins.name());
  o += ",\"kind\":";
  std::string kind(df::to_string(ins.kind()));
  for (auto& ch : kind) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  json_string(o, ins.kind() == df::keyword::unknown ? std::string_view("unknown") : std::string_view(kind));
  o += ",\"original\":";
  json_string(o, ins.original());
  if (top) {
    o += ",\"start_line\":" + std::to_string(ins.start_line()) + ",\"end_line\":" + std::to_string(ins.end_line()) + ",";
    json_range(o, loc, ins.range());
  }
  o += ",\"keyword_range\":{";
  json_range(o, loc, ins.name_range());
  o += "},\"form\":";
  o += has_form(ins.kind()) ? (ins.json() ? "\"exec\"" : "\"shell\"") : "null";
  o += ",\"flags\":[";
  bool first = true;
  for (const auto& f : ins.flags()) {
    if (!first) o += ',';
    first = false;
    o += "{\"text\":";
    json_string(o, f.text);
    o += ",\"name\":";
    json_string(o, f.name());
    o += ",\"value\":";
    if (f.has_value()) {
      json_string(o, f.value());
    } else {
      o += "null";
    }
    o += ',';
    json_range(o, loc, f.range);
    o += '}';
  }
  o += "],\"args\":[";
  first = true;
  for (const auto& w : ins.args()) {
    if (!first) o += ',';
    first = false;
    o += "{\"value\":";
    json_string(o, w.value);
    o += ',';
    json_range(o, loc, w.range);
    o += '}';
  }
  o += "],\"heredocs\":[";
  first = true;
  for (const auto& h : ins.heredocs()) {
    if (!first) o += ',';
    first = false;
    o += "{\"name\":";
    json_string(o, h.name);
    o += ",\"fd\":" + std::to_string(h.fd) + ",\"expand\":" + (h.expand ? "true" : "false") +
         ",\"chomp\":" + (h.chomp ? "true" : "false") + ",\"content\":";
    json_string(o, h.content);
    o += ",\"start_line\":" + std::to_string(h.start_line) + ",\"end_line\":" + std::to_string(h.end_line) + '}';
  }
  o += "],\"comments\":[";
  first = true;
  for (const auto& c : ins.comments()) {
    if (!first) o += ',';
    first = false;
    o += "{\"text\":";
    json_string(o, c.text);
    o += ",\"line\":" + std::to_string(c.line) + '}';
  }
  o += "],\"trigger\":";
  if (ins.trigger() == nullptr) o += "null";
  }
  o.append(depth, '}');
}

void json_diagnostic(std::string& o, dockimg::source_locator& loc, const df::diagnostic& d) {
  static constexpr const char* codes[] = {
      "ok",           "no_instructions",      "line_too_long",     "unterminated_heredoc",
      "json_not_string_array", "needs_two_arguments", "missing_equals", "duplicate_directive",
      "invalid_escape_token", "heredoc_lexing", "heredoc_inconsistent", "out_of_storage",
      "input_too_large", "empty_continuation_line"};
  o += "{\"code\":\"";
  o += codes[static_cast<std::size_t>(d.code)];
  o += "\",\"message\":";
  json_string(o, df::message(d));
  o += ",\"buildkit_lines\":[" + std::to_string(d.start_line) + "," + std::to_string(d.end_line) + "],";
  json_range(o, loc, d.range);
  o += '}';
}

void print_diagnostic(const std::string& file, dockimg::source_locator& loc, const df::diagnostic& d) {
  const auto p = loc.locate(d.range.begin);
  std::string line = file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                     (d.level == df::severity::error ? ": error: " : ": warning: ") + df::message(d) + "\n";
  err(line);
}

int cmd_parse(int argc, char** argv) {
  std::string format = "dump";
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
    } else if (!options_done && (a == "-h" || a == "--help")) {
      out(parse_help);
      return 0;
    } else if (!options_done && a.size() > 1 && a[0] == '-') {
      err("dockimg parse: unknown option '" + std::string(a) + "'\n");
      err(parse_help);
      return 2;
    } else {
      files.emplace_back(a);
    }
  }
  if (format != "dump" && format != "json" && format != "none") {
    err("dockimg parse: unknown format '" + format + "' (dump, json or none)\n");
    return 2;
  }
  if (files.empty()) {
    err("dockimg parse: no FILE given\n");
    err(parse_help);
    return 2;
  }
  int status = 0;
  std::vector<unsigned char> memory;
  std::vector<unsigned char> typed_memory;
  for (const auto& file : files) {
    std::string data;
    if (!read_file(file, data)) {
      err(file + ": error: cannot read: " + std::strerror(errno) + "\n");
      status = 1;
      continue;
    }
    memory.resize(df::storage_hint(data));
    dockimg::arena storage(memory.data(), memory.size());
    const df::document doc = df::parse(data, storage);
    dockimg::source_locator loc(doc.source());
    doc.for_each_warning([&](const df::diagnostic& w) { print_diagnostic(file, loc, w); });
    if (!doc.ok()) {
      print_diagnostic(file, loc, doc.error());
      status = 1;
    }
    if (format == "dump") {
      if (doc.ok()) {
        std::string text;
        df::dump(doc, [&](std::string_view s) { text.append(s.data(), s.size()); });
        out(text);
      }
    } else if (format == "json") {
      std::string o = "{\"file\":";
      json_string(o, file);
      o += ",\"ok\":";
      o += doc.ok() ? "true" : "false";
      o += ",\"escape\":";
      json_string(o, doc.escape() == '`' ? std::string_view("`") : std::string_view("\\"));
      o += ",\"directives\":[";
      bool first = true;
      for (const auto& d : doc.directives()) {
        if (!first) o += ',';
        first = false;
        o += "{\"name\":";
        json_string(o, d.name);
        o += ",\"value\":";
        json_string(o, d.value);
        o += ",\"line\":" + std::to_string(d.line) + "}";
      }
      o += "],\"instructions\":[";
      first = true;
      typed_memory.resize(df::storage_hint(data) * 2);
      for (const auto& ins : doc.instructions()) {
        if (!first) o += ',';
        first = false;
        json_instruction(o, loc, ins, true);
        // the instruction layer's typed value (or its error), inside the same object
        o.pop_back();
        dockimg::arena typed_storage(typed_memory.data(), typed_memory.size());
        const df::instruction_result t = df::parse_instruction(ins, typed_storage);
        o += ",\"typed\":";
        if (t.ok()) {
          dockimg_cli::json_typed(o, t.value);
        } else {
          o += "null,\"typed_error\":";
          json_string(o, df::message(t.error));
        }
        o += '}';
      }
      o += "],\"warnings\":[";
      first = true;
      doc.for_each_warning([&](const df::diagnostic& w) {
        if (!first) o += ',';
        first = false;
        json_diagnostic(o, loc, w);
      });
      o += "],\"error\":";
      if (doc.ok()) {
        o += "null";
      } else {
        json_diagnostic(o, loc, doc.error());
      }
      o += "}\n";
      out(o);
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    err(usage_text);
    return 2;
  }
  const std::string_view cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    out("dockimg " DOCKIMG_VERSION_STRING "\n");
    return 0;
  }
  if (cmd == "-h" || cmd == "--help") {
    out(usage_text);
    return 0;
  }
  if (cmd == "help") {
    if (argc > 2 && std::string_view(argv[2]) == "parse") {
      out(parse_help);
    } else if (argc > 2 && (std::string_view(argv[2]) == "ignore" || std::string_view(argv[2]) == "context")) {
      out(std::string_view(argv[2]) == "ignore" ? dockimg_cli_ignore::ignore_help : dockimg_cli_ignore::context_help);
    } else if (argc > 2 && std::string_view(argv[2]) == "validate") {
      out(dockimg_cli_oci::validate_help);
    } else if (argc > 2 && std::string_view(argv[2]) == "ref") {
      out(dockimg_cli_oci::ref_help);
    } else if (argc > 2 && std::string_view(argv[2]) == "digest") {
      out(dockimg_cli_oci::digest_help);
    } else if (argc > 2 && std::string_view(argv[2]) == "inspect") {
      out(dockimg_cli_oci::inspect_help);
    } else if (argc > 2 && std::string_view(argv[2]) == "diff") {
      out(dockimg_cli_oci::diff_help);
    } else if (argc > 2 && std::string_view(argv[2]) == "stages") {
      out(dockimg_cli_stages::stages_help);
    } else if (argc > 2 && std::string_view(argv[2]) == "lint") {
      out(dockimg_cli_lint::lint_help);
    } else {
      out(usage_text);
    }
    return 0;
  }
  if (cmd == "parse") return cmd_parse(argc - 2, argv + 2);
  if (cmd == "stages") return dockimg_cli_stages::cmd_stages(argc - 2, argv + 2);
  if (cmd == "validate") return dockimg_cli_oci::cmd_validate(argc - 2, argv + 2);
  if (cmd == "digest") return dockimg_cli_oci::cmd_digest(argc - 2, argv + 2);
  if (cmd == "ref") return dockimg_cli_oci::cmd_ref(argc - 2, argv + 2);
  if (cmd == "inspect") return dockimg_cli_oci::cmd_inspect(argc - 2, argv + 2);
  if (cmd == "diff") return dockimg_cli_oci::cmd_diff(argc - 2, argv + 2);
  if (cmd == "ignore") return dockimg_cli_ignore::cmd_ignore(argc - 2, argv + 2);
  if (cmd == "context") return dockimg_cli_ignore::cmd_context(argc - 2, argv + 2);
  if (cmd == "lint") return dockimg_cli_lint::cmd_lint(argc - 2, argv + 2);
  err("dockimg: unknown command '" + std::string(cmd) + "'\n");
  err(usage_text);
  return 2;
}

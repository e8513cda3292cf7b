// SPDX-License-Identifier: Apache-2.0
// dockimg lint: the lint command of the CLI. Reading files, walking the context and printing the
// text, JSON, SARIF and GitHub formats are here; parsing and the rules are the library's.
#ifndef DOCKIMG_EXAMPLES_CLI_LINT_HPP
#define DOCKIMG_EXAMPLES_CLI_LINT_HPP

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <dockimg/analysis.hpp>
#include <dockimg/context.hpp>
#include <dockimg/dockerfile.hpp>
#include <dockimg/dockerignore.hpp>
#include <dockimg/instructions.hpp>
#include <dockimg/version.hpp>

#include "cli_common.hpp"
#include "cli_dockerignore.hpp"

namespace dockimg_cli_lint {

namespace lint = dockimg::lint;
namespace ldf = dockimg::dockerfile;
constexpr auto& put = dockimg_cli::out;
constexpr auto& put_err = dockimg_cli::err;
constexpr auto& slurp = dockimg_cli::read_file;
constexpr auto& json_str = dockimg_cli::json_string;

/// Help text of `dockimg lint` (also the "Usage" section of docs/lint.md).
constexpr std::string_view lint_help =
    "usage: dockimg lint [options] FILE...\n"
    "       dockimg lint --list-rules [--format text|json|markdown]\n"
    "\n"
    "Lints Dockerfiles ('-' reads standard input) with dockimg's rules (image size, build cache,\n"
    "safety) and BuildKit's build checks ('docker build --check', with BuildKit's names and\n"
    "messages).\n"
    "\n"
    "  --profile default|strict  the rule set; strict adds digest pinning and cache-mount advice\n"
    "  --ignore RULE             do not run RULE: its id (case-insensitive), a hadolint id\n"
    "                            (DL3007) or 'all'; repeatable, or comma-separated\n"
    "  --enable RULE             also run RULE (a strict rule); BuildKit's experimental rules\n"
    "                            run when '# check=experimental=RULE' or the build argument\n"
    "                            BUILDKIT_DOCKERFILE_CHECK=experimental=RULE names them\n"
    "  --context DIR             the build context: its files are listed as BuildKit's client\n"
    "                            walks them, and DIR/.dockerignore is read\n"
    "  --context-list FILE       the build context as a list of files, one '/'-separated path\n"
    "                            relative to the context root a line\n"
    "  --dockerignore FILE       the .dockerignore of the build context\n"
    "  --build-arg K=V           a build argument of the stage analysis (repeatable);\n"
    "                            BUILDKIT_DOCKERFILE_CHECK=SPEC overrides the '# check=' directive\n"
    "  --target T                the build target (default: the last stage)\n"
    "  --no-pragmas              disregard '# dockimg ignore=' and '# hadolint ignore=' comments\n"
    "  --format F                text (default), json, sarif (SARIF 2.1.0) or github (GitHub\n"
    "                            Actions annotations); with --list-rules: text, json, markdown\n"
    "  --fail-level L            error, warning (default), info or none\n"
    "\n"
    "The build context. The .dockerignore is --dockerignore FILE; else, with --context or\n"
    "--context-list, <Dockerfile>.dockerignore beside the Dockerfile (BuildKit's per-Dockerfile\n"
    "ignore file); else DIR/.dockerignore with --context, or the .dockerignore beside the\n"
    "Dockerfile with --context-list (its directory taken as the context root); else the context\n"
    "has none. Without --context, --context-list or --dockerignore dockimg cannot tell a missing\n"
    ".dockerignore from one it was not shown: the rules that read the context (dockerignore-missing,\n"
    "dockerignore-gap, copy-ignored-file, secret-file-copied, CopyIgnoredFile) do not run, and the\n"
    "text summary and the JSON summary's skipped_rules say so.\n"
    "\n"
    "Suppressions. '# dockimg ignore=RULE[,RULE]' in the comments right above an instruction\n"
    "silences those rules there; '# dockimg global ignore=RULE,...' anywhere silences them in the\n"
    "whole file. '# hadolint ignore=DLxxxx' and '# hadolint global ignore=DLxxxx' do the same for\n"
    "the rules with a hadolint equivalent. BuildKit's '# check=skip=RULE;error=true' directive\n"
    "works as in 'docker build'.\n"
    "\n"
    "Formats (lines and columns are 1-based; columns count bytes, SARIF's count code points;\n"
    "an end position is one past the last character):\n"
    "  text    FILE:LINE:COLUMN: SEVERITY: MESSAGE [RULE], then '    hint: HOW TO FIX', then a\n"
    "          summary line\n"
    "  github  ::error|warning|notice file=F,line=L,col=C,endLine=L,endColumn=C,title=RULE::MESSAGE\n"
    "  sarif   one SARIF 2.1.0 log: runs[0].tool.driver.rules lists every rule; results carry\n"
    "          ruleId, ruleIndex, level (error, warning, note) and the region; parse errors are\n"
    "          invocations[0].toolExecutionNotifications\n"
    "  json    one object:\n"
    "          {\"version\": 1, \"tool\": {\"name\": \"dockimg\", \"version\": V}, \"profile\": P,\n"
    "           \"files\": [{\"file\": F,\n"
    "             \"findings\": [{\"rule\", \"severity\" (error|warning|info), \"message\", \"detail\",\n"
    "               \"line\", \"column\", \"end_line\", \"end_column\", \"instruction_line\",\n"
    "               \"origin\" (dockimg|buildkit), \"url\", \"hint\"}],\n"
    "             \"suppressed\": N,\n"
    "             \"error\": null | {\"kind\": read|parse|instructions|storage, \"message\", \"line\",\n"
    "               \"column\"},\n"
    "             \"check_error\": null | BuildKit's \"lint violation found for rules: ...\"}],\n"
    "           \"summary\": {\"files\", \"findings\", \"error\", \"warning\", \"info\", \"suppressed\",\n"
    "             \"failed_files\", \"check_errors\", \"skipped_rules\": [RULE...], \"exit_code\"}}\n"
    "\n"
    "Exit status: 1 when a finding reaches --fail-level (a Dockerfile that does not parse, an\n"
    "invalid instruction and a BuildKit '# check=error=true' violation count as errors; they are\n"
    "printed as FILE:LINE:COLUMN: error: MESSAGE), 0 otherwise, 2 on a usage error or when a\n"
    "file, the context or the .dockerignore cannot be read.\n";

/// A finding copied out of the arena (the arena is reused for the next file).
struct owned_finding {
  const lint::rule_info* rule = nullptr;  ///< the rule
  lint::severity level = lint::severity::warning;  ///< its severity
  std::string message;                    ///< the message
  std::string detail;                     ///< the subject, or ""
  lint::position begin;                   ///< start (byte column)
  lint::position end;                     ///< end, exclusive (byte column)
  std::uint32_t begin_cp = 1;             ///< start column in code points
  std::uint32_t end_cp = 1;               ///< end column in code points
  std::uint32_t line = 0;                 ///< first line of the instruction
};

/// What linting one file produced.
struct file_result {
  std::string file;                     ///< the name as given
  std::vector<owned_finding> findings;  ///< sorted
  std::size_t suppressed = 0;           ///< removed by pragmas or options
  std::string error_kind;               ///< "" or read, parse, instructions, storage
  std::string error_message;            ///< the error's message
  lint::position error_at;              ///< where (line 0: no position)
  std::uint32_t error_cp = 1;           ///< its column in code points
  std::string check_error;              ///< BuildKit's `lint violation found for rules: ...` or ""
};

/// The severity name of SARIF (`note` for info).
inline std::string_view sarif_level(lint::severity s) {
  return s == lint::severity::error ? "error" : s == lint::severity::warning ? "warning" : "note";
}

/// The code point column of byte `offset` in `src` (the line starts `column - 1` bytes earlier).
inline std::uint32_t cp_column(std::string_view src, std::uint32_t offset, std::uint32_t column) {
  if (column == 0) return 1;
  const std::size_t start = offset >= column - 1 ? offset - (column - 1) : 0;
  std::uint32_t n = 1;
  for (std::size_t i = start; i < offset && i < src.size(); ++i) {
    if ((static_cast<unsigned char>(src[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

/// Lints one document's text into `res`; `memory` is reused between files.
inline void lint_text(const std::string& data, const lint::options& opt, std::vector<unsigned char>& memory,
                      file_result& res) {
  std::size_t size = ldf::storage_hint(data) + lint::storage_hint(data);
  for (int attempt = 0; attempt < 8; ++attempt, size *= 2) {
    if (memory.size() < size) memory.resize(size);
    dockimg::arena storage(memory.data(), memory.size());
    const ldf::document doc = ldf::parse(data, storage);
    dockimg::source_locator loc(doc.source());
    if (!doc.ok() && doc.error().code != ldf::errc::out_of_storage) {
      const auto p = loc.locate(doc.error().range.begin);
      res.error_kind = "parse";
      res.error_message = ldf::message(doc.error());
      res.error_at = {p.line, p.column};
      res.error_cp = cp_column(doc.source(), doc.error().range.begin, p.column);
      return;
    }
    if (!doc.ok()) continue;
    const lint::report rep = lint::run(doc, opt, storage);
    if (rep.code == lint::errc::out_of_storage) continue;
    if (rep.code == lint::errc::parse_error) {  // not expected: the document parsed
      res.error_kind = "parse";
      res.error_message = "the document did not parse";
      return;
    }
    if (rep.code == lint::errc::instructions) {
      const auto p = loc.locate(rep.instruction_error.range.begin);
      res.error_kind = "instructions";
      res.error_message = ldf::message(rep.instruction_error);
      res.error_at = {p.line, p.column};
      res.error_cp = cp_column(doc.source(), rep.instruction_error.range.begin, p.column);
    }
    res.suppressed = rep.suppressed;
    if (rep.check_error) {
      res.check_error = "lint violation found for rules: " + std::string(rep.check_error_rules);
    }
    for (const lint::finding& f : rep.findings) {
      owned_finding o;
      o.rule = f.rule;
      o.level = f.level;
      o.message = std::string(f.message);
      o.detail = std::string(f.detail);
      o.begin = f.begin;
      o.end = f.end;
      o.begin_cp = cp_column(doc.source(), f.range.begin, f.begin.column);
      o.end_cp = cp_column(doc.source(), f.range.end, f.end.column);
      o.line = f.line;
      res.findings.push_back(std::move(o));
    }
    return;
  }
  res.error_kind = "storage";
  res.error_message = "the analysis needs more memory than dockimg lint allows";
}

// ------------------------------------------------------------------------------------------------
// Rule listings
// ------------------------------------------------------------------------------------------------

/// `dockimg` or `buildkit`.
inline std::string_view origin_name(lint::rule_origin o) {
  return o == lint::rule_origin::buildkit ? "buildkit" : "dockimg";
}

/// The rules as a text table.
inline std::string rules_text() {
  std::string o;
  char line[256];
  std::snprintf(line, sizeof line, "%-32s %-8s %-8s %-9s %-9s %s\n", "RULE", "SEVERITY", "PROFILE", "ORIGIN",
                "HADOLINT", "DESCRIPTION");
  o += line;
  for (const lint::rule_info& r : lint::rules()) {
    const std::string name(r.name);
    const std::string level(lint::name(r.level));
    const std::string prof = r.experimental ? std::string("exp.") : std::string(lint::name(r.in_profile));
    const std::string hl = r.hadolint.empty() ? std::string("-") : std::string(r.hadolint);
    std::snprintf(line, sizeof line, "%-32s %-8s %-8s %-9s %-9s ", name.c_str(), level.c_str(), prof.c_str(),
                  std::string(origin_name(r.origin)).c_str(), hl.c_str());
    o += line;
    o.append(r.summary.data(), r.summary.size());
    o += '\n';
  }
  return o;
}

/// The rules as one JSON object.
inline std::string rules_json() {
  std::string o = "{\"version\":1,\"rules\":[";
  bool first = true;
  for (const lint::rule_info& r : lint::rules()) {
    if (!first) o += ',';
    first = false;
    o += "{\"id\":";
    json_str(o, r.name);
    o += ",\"origin\":";
    json_str(o, origin_name(r.origin));
    o += ",\"severity\":";
    json_str(o, lint::name(r.level));
    o += ",\"profile\":";
    json_str(o, lint::name(r.in_profile));
    o += std::string(",\"experimental\":") + (r.experimental ? "true" : "false");
    o += std::string(",\"needs_context\":") + (r.needs_context ? "true" : "false");
    o += ",\"hadolint\":";
    if (r.hadolint.empty()) {
      o += "null";
    } else {
      json_str(o, r.hadolint);
    }
    o += ",\"practice\":";
    json_str(o, r.practice);
    o += ",\"summary\":";
    json_str(o, r.summary);
    o += ",\"why\":";
    json_str(o, r.why);
    o += ",\"hint\":";
    json_str(o, r.hint);
    o += ",\"url\":";
    json_str(o, r.url);
    o += '}';
  }
  o += "]}\n";
  return o;
}

/// `|` and line breaks escaped for a Markdown table cell.
inline std::string md_cell(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '|') {
      o += "\\|";
    } else if (c == '\n') {
      o += ' ';
    } else {
      o += c;
    }
  }
  return o;
}

/// The rule reference in Markdown: the content of docs/lint.md.
inline std::string rules_markdown() {
  std::string o;
  o += "# dockimg lint\n\n";
  o += "<!-- Generated by `dockimg lint --list-rules --format markdown`; do not edit by hand.\n"
       "     A test checks that this file equals the command's output. -->\n\n";
  o += "`dockimg lint` checks Dockerfiles for what makes images big, builds slow and secrets leak, and runs "
       "BuildKit's own build checks (`docker build --check`) with BuildKit's rule names and messages. "
       "Everything runs on the Dockerfile text and, when given, the build context: no image is pulled and "
       "nothing is built.\n\n";
  o += "## Usage\n\n```\n";
  o += lint_help;
  o += "```\n\n";
  o += "## Suppression comments\n\n"
       "```dockerfile\n"
       "# dockimg global ignore=healthcheck-missing\n"
       "FROM debian:12-slim\n"
       "# dockimg ignore=apt-no-install-recommends,apt-lists-not-removed\n"
       "RUN apt-get update && apt-get install -y curl\n"
       "# hadolint ignore=DL3007\n"
       "FROM alpine:latest\n"
       "```\n\n"
       "- `# dockimg ignore=RULE[,RULE...]` in the comment block right above an instruction silences those rules "
       "for the findings attached to that instruction.\n"
       "- `# dockimg global ignore=RULE[,RULE...]` anywhere in the file silences them in the whole file.\n"
       "- `# hadolint ignore=DLxxxx[,...]` and `# hadolint global ignore=...` do the same for the rules with a "
       "hadolint equivalent (table below), so existing hadolint pragmas keep working.\n"
       "- A rule is named by its id (case-insensitive), by its hadolint id, or `all`. The list ends at white "
       "space: a reason may follow (`# dockimg ignore=from-latest # pinned by the CI`).\n"
       "- BuildKit's `# check=skip=RULE,...;error=true;experimental=RULE` directive applies to the BuildKit rules "
       "as in `docker build`; `--build-arg BUILDKIT_DOCKERFILE_CHECK=...` overrides it.\n"
       "- `--no-pragmas` disregards the dockimg and hadolint comments; `--ignore RULE` disables a rule for "
       "every file.\n\n";
  o += "## hadolint mapping\n\n"
       "`# hadolint ignore=ID`, `# hadolint global ignore=ID` and `--ignore ID` silence the rules listed "
       "for that hadolint id.\n\n"
       "| hadolint | rule | origin |\n| --- | --- | --- |\n";
  {
    std::vector<const lint::rule_info*> mapped;
    for (const lint::rule_info& r : lint::rules())
      if (!r.hadolint.empty()) mapped.push_back(&r);
    for (std::size_t i = 1; i < mapped.size(); ++i) {  // insertion sort by hadolint id, stable
      const lint::rule_info* x = mapped[i];
      std::size_t j = i;
      while (j > 0 && mapped[j - 1]->hadolint > x->hadolint) {
        mapped[j] = mapped[j - 1];
        --j;
      }
      mapped[j] = x;
    }
    for (const lint::rule_info* r : mapped) {
      o += "| " + std::string(r->hadolint) + " | [" + std::string(r->name) + "](#" + std::string(r->name) +
           ") | " + std::string(origin_name(r->origin)) + " |\n";
    }
  }
  o += "\n## Rules\n\n"
       "| rule | severity | profile | origin | summary |\n| --- | --- | --- | --- | --- |\n";
  for (const lint::rule_info& r : lint::rules()) {
    o += "| [" + std::string(r.name) + "](#" + std::string(r.name) + ") | " + std::string(lint::name(r.level)) +
         " | " + (r.experimental ? std::string("experimental") : std::string(lint::name(r.in_profile))) + " | " +
         std::string(origin_name(r.origin)) + " | " + md_cell(r.summary) + " |\n";
  }
  bool buildkit_heading = false;
  o += "\n### dockimg's rules\n";
  for (const lint::rule_info& r : lint::rules()) {
    if (r.origin == lint::rule_origin::buildkit && !buildkit_heading) {
      buildkit_heading = true;
      o += "\n### BuildKit's checks\n\n"
           "The texts are BuildKit's; each rule's page on docs.docker.com has its examples.\n";
    }
    o += "\n<a id=\"" + std::string(r.name) + "\"></a>\n\n#### " + std::string(r.name) + "\n\n";
    o += std::string(r.summary) + (!r.summary.empty() && r.summary.back() == '.' ? "\n\n" : ".\n\n");
    o += "- Severity: " + std::string(lint::name(r.level)) + "\n";
    o += "- Profile: " + (r.experimental ? std::string("experimental (runs when `# check=experimental=` names it)")
                                           : std::string(lint::name(r.in_profile))) +
         "\n";
    if (!r.hadolint.empty()) o += "- hadolint: " + std::string(r.hadolint) + "\n";
    if (r.needs_context) o += "- Reads the build context (`--context`, `--context-list`, `--dockerignore`)\n";
    if (r.origin == lint::rule_origin::buildkit && !r.url.empty()) {
      o += "- BuildKit's documentation: <" + std::string(r.url) + ">\n";
    }
    o += "\n";
    if (!r.why.empty()) o += "**Why.** " + std::string(r.why) + "\n\n";
    if (!r.hint.empty()) o += "**Fix.** " + std::string(r.hint) + "\n";
  }
  return o;
}

// ------------------------------------------------------------------------------------------------
// Output formats
// ------------------------------------------------------------------------------------------------

/// Escapes GitHub workflow command data (`%`, CR, LF); `property` also escapes `:` and `,`.
inline std::string gh_escape(std::string_view s, bool property) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '%': o += "%25"; break;
      case '\r': o += "%0D"; break;
      case '\n': o += "%0A"; break;
      case ':': o += property ? "%3A" : ":"; break;
      case ',': o += property ? "%2C" : ","; break;
      default: o += c;
    }
  }
  return o;
}

/// A file name as a SARIF artifact URI: `file:///...` for an absolute path, else a relative
/// reference with forward slashes (`relative` is set), percent-encoded where RFC 3986 requires.
inline std::string sarif_uri(const std::string& file, bool& relative) {
  std::string p = file;
  for (char& c : p)
    if (c == '\\') c = '/';
  relative = p.empty() || p[0] != '/';
  while (relative && p.size() > 2 && p.compare(0, 2, "./") == 0) p.erase(0, 2);
  std::string o = relative ? "" : "file://";
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char ch : p) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == '/' || c == '!' || c == '$' || c == '&' ||
                      c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';' ||
                      c == '=' || c == '@' || (c == ':' && !relative);
    if (keep) {
      o += static_cast<char>(c);
    } else {
      o += '%';
      o += hex[c >> 4];
      o += hex[c & 15];
    }
  }
  // A relative reference whose first segment holds ':' would read as a scheme; it was encoded.
  return o;
}

/// Appends a SARIF physicalLocation.
inline void sarif_location(std::string& o, const std::string& file, std::uint32_t line, std::uint32_t col,
                           std::uint32_t end_line, std::uint32_t end_col, bool region) {
  bool relative = false;
  const std::string uri = sarif_uri(file, relative);
  o += "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":";
  json_str(o, uri);
  if (relative) o += ",\"uriBaseId\":\"%SRCROOT%\"";
  o += '}';
  if (region) {
    if (line == 0) line = 1;
    if (col == 0) col = 1;
    if (end_line < line) end_line = line;
    if (end_col == 0 || (end_line == line && end_col < col)) end_col = col;
    o += ",\"region\":{\"startLine\":" + std::to_string(line) + ",\"startColumn\":" + std::to_string(col) +
         ",\"endLine\":" + std::to_string(end_line) + ",\"endColumn\":" + std::to_string(end_col) + '}';
  }
  o += "}}";
}

/// The SARIF 2.1.0 log of a run.
inline std::string to_sarif(const std::vector<file_result>& files, const lint::rule_set& enabled) {
  std::string o =
      "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
      "\"tool\":{\"driver\":{\"name\":\"dockimg\",\"version\":\"" DOCKIMG_VERSION_STRING
      "\",\"semanticVersion\":\"" DOCKIMG_VERSION_STRING "\",\"rules\":[";
  bool first = true;
  for (const lint::rule_info& r : lint::rules()) {
    if (!first) o += ',';
    first = false;
    o += "{\"id\":";
    json_str(o, r.name);
    o += ",\"name\":";
    json_str(o, r.name);
    o += ",\"shortDescription\":{\"text\":";
    json_str(o, r.summary);
    o += "},\"fullDescription\":{\"text\":";
    json_str(o, r.why.empty() ? r.summary : r.why);
    o += "},\"help\":{\"text\":";
    json_str(o, r.hint.empty() ? r.summary : r.hint);
    o += ",\"markdown\":";
    std::string md = "**" + std::string(r.summary) + "**";
    if (!r.why.empty()) md += "\n\n" + std::string(r.why);
    if (!r.hint.empty()) md += "\n\n**Fix.** " + std::string(r.hint);
    json_str(o, md);
    o += '}';
    if (r.url.size() > 8 && r.url.compare(0, 8, "https://") == 0) {
      o += ",\"helpUri\":";
      json_str(o, r.url);
    }
    o += ",\"defaultConfiguration\":{\"level\":";
    json_str(o, sarif_level(r.level));
    o += std::string(",\"enabled\":") + (enabled.has(r.id) ? "true" : "false");
    o += "},\"properties\":{\"tags\":[";
    json_str(o, origin_name(r.origin));
    o += ',';
    json_str(o, r.experimental ? std::string_view("experimental") : lint::name(r.in_profile));
    if (!r.practice.empty() && r.practice != "-") {
      o += ',';
      json_str(o, r.practice);
    }
    if (!r.hadolint.empty()) {
      o += ',';
      json_str(o, r.hadolint);
    }
    o += "]}}";
  }
  o += "]}},\"columnKind\":\"unicodeCodePoints\",\"invocations\":[{";
  std::string notes;
  bool success = true;
  for (const file_result& f : files) {
    auto note = [&](std::string_view level, const std::string& text, bool region) {
      if (!notes.empty()) notes += ',';
      notes += "{\"level\":";
      json_str(notes, level);
      notes += ",\"message\":{\"text\":";
      json_str(notes, f.file + ": " + text);
      notes += "},\"locations\":[";
      sarif_location(notes, f.file, f.error_at.line, f.error_cp, f.error_at.line, f.error_cp, region);
      notes += "]}";
    };
    if (!f.error_kind.empty()) {
      note("error", f.error_message, f.error_at.line != 0);
      if (f.error_kind != "instructions") success = false;
    }
    if (!f.check_error.empty()) note("error", f.check_error, false);
  }
  o += std::string("\"executionSuccessful\":") + (success ? "true" : "false");
  if (!notes.empty()) o += ",\"toolExecutionNotifications\":[" + notes + "]";
  o += "}],\"results\":[";
  first = true;
  for (const file_result& f : files) {
    for (const owned_finding& x : f.findings) {
      if (!first) o += ',';
      first = false;
      o += "{\"ruleId\":";
      json_str(o, x.rule->name);
      o += ",\"ruleIndex\":" + std::to_string(static_cast<unsigned>(x.rule->id)) + ",\"level\":";
      json_str(o, sarif_level(x.level));
      o += ",\"message\":{\"text\":";
      json_str(o, x.message);
      o += "},\"locations\":[";
      sarif_location(o, f.file, x.begin.line, x.begin_cp, x.end.line, x.end_cp, true);
      o += "]";
      if (!x.detail.empty() || x.line != 0) {
        o += ",\"properties\":{\"instructionLine\":" + std::to_string(x.line);
        if (!x.detail.empty()) {
          o += ",\"detail\":";
          json_str(o, x.detail);
        }
        o += '}';
      }
      o += '}';
    }
  }
  o += "]}]}\n";
  return o;
}

// ------------------------------------------------------------------------------------------------
// The command
// ------------------------------------------------------------------------------------------------

/// ASCII case-insensitive equality.
inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

/// True when `s` names a rule (id, hadolint id, `all`); applies `on` to every rule it names.
template <class F>
bool for_rules(std::string_view s, F&& on) {
  if (iequal(s, "all")) {
    for (const lint::rule_info& r : lint::rules()) on(r);
    return true;
  }
  bool any = false;
  for (const lint::rule_info& r : lint::rules()) {
    if (iequal(r.name, s) || (!r.hadolint.empty() && iequal(r.hadolint, s))) {
      on(r);
      any = true;
    }
  }
  return any;
}

/// `dockimg lint`.
inline int cmd_lint(int argc, char** argv) {
  std::string format, profile = "default", fail_level = "warning", context_dir, context_list, ignore_file, target;
  std::vector<std::string> ignores, enables, files;
  std::vector<ldf::build_arg> build_args;
  std::string check_spec;
  bool have_check_spec = false;
  bool list_rules = false, no_pragmas = false, options_done = false;
  auto usage = [](const std::string& msg) {
    put_err("dockimg lint: " + msg + "\n");
    put_err(lint_help);
    return 2;
  };
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (options_done || a == "-" || a.empty() || a[0] != '-') {
      files.emplace_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      put(lint_help);
      return 0;
    }
    if (a == "--list-rules") {
      list_rules = true;
      continue;
    }
    if (a == "--no-pragmas") {
      no_pragmas = true;
      continue;
    }
    // options with a value: --opt VALUE or --opt=VALUE
    std::string_view opt = a, value;
    bool have_value = false;
    const std::size_t eq = a.find('=');
    if (eq != std::string_view::npos) {
      opt = a.substr(0, eq);
      value = a.substr(eq + 1);
      have_value = true;
    }
    static constexpr std::string_view valued[] = {"--format",     "--profile",      "--ignore",
                                                  "--enable",     "--context",      "--context-list",
                                                  "--dockerignore", "--fail-level", "--build-arg",
                                                  "--target"};
    bool known = false;
    for (std::string_view v : valued) known = known || v == opt;
    if (!known) return usage("unknown option '" + std::string(a) + "'");
    if (!have_value) {
      if (i + 1 >= argc) return usage("option " + std::string(opt) + " needs a value");
      value = argv[++i];
    }
    const std::string v(value);
    if (opt == "--format") {
      format = v;
    } else if (opt == "--profile") {
      profile = v;
    } else if (opt == "--ignore" || opt == "--enable") {
      for (std::size_t p = 0; p <= v.size();) {
        std::size_t c = v.find(',', p);
        if (c == std::string::npos) c = v.size();
        if (c > p) (opt == "--ignore" ? ignores : enables).push_back(v.substr(p, c - p));
        p = c + 1;
      }
    } else if (opt == "--context") {
      context_dir = v;
    } else if (opt == "--context-list") {
      context_list = v;
    } else if (opt == "--dockerignore") {
      ignore_file = v;
    } else if (opt == "--fail-level") {
      fail_level = v;
    } else if (opt == "--target") {
      target = v;
    } else {  // --build-arg: keys and values point into argv
      const std::size_t e = value.find('=');
      if (e == std::string_view::npos || e == 0) return usage("--build-arg needs KEY=VALUE");
      build_args.push_back({value.substr(0, e), value.substr(e + 1)});
      if (value.substr(0, e) == "BUILDKIT_DOCKERFILE_CHECK") {
        check_spec = std::string(value.substr(e + 1));
        have_check_spec = true;
      }
    }
  }

  if (list_rules) {
    if (!files.empty()) return usage("--list-rules takes no FILE");
    if (format.empty() || format == "text") {
      put(rules_text());
    } else if (format == "json") {
      put(rules_json());
    } else if (format == "markdown") {
      put(rules_markdown());
    } else {
      return usage("unknown --list-rules format '" + format + "' (text, json or markdown)");
    }
    return 0;
  }
  if (format.empty()) format = "text";
  if (format != "text" && format != "json" && format != "sarif" && format != "github") {
    return usage("unknown format '" + format + "' (text, json, sarif or github)");
  }
  if (profile != "default" && profile != "strict") return usage("unknown profile '" + profile + "' (default or strict)");
  int fail_at = 0;  // severity value; 0 = never
  if (fail_level == "error") {
    fail_at = 3;
  } else if (fail_level == "warning") {
    fail_at = 2;
  } else if (fail_level == "info") {
    fail_at = 1;
  } else if (fail_level != "none") {
    return usage("unknown fail level '" + fail_level + "' (error, warning, info or none)");
  }
  if (!context_dir.empty() && !context_list.empty()) return usage("give --context or --context-list, not both");
  if (files.empty()) return usage("no FILE given");

  lint::options opt;
  opt.enabled = lint::rule_set::of(profile == "strict" ? lint::profile::strict : lint::profile::standard);
  for (const std::string& n : enables) {
    if (!for_rules(n, [&](const lint::rule_info& r) { opt.enabled.enable(r.id); }))
      return usage("unknown rule '" + n + "' (see dockimg lint --list-rules)");
  }
  for (const std::string& n : ignores) {
    if (!for_rules(n, [&](const lint::rule_info& r) { opt.enabled.disable(r.id); }))
      return usage("unknown rule '" + n + "' (see dockimg lint --list-rules)");
  }
  const bool context_known = !context_dir.empty() || !context_list.empty() || !ignore_file.empty();
  // Without a context the engine cannot tell a missing .dockerignore from one it was not shown:
  // `known = false` keeps the rules that read the context quiet. List them for the summary.
  opt.context.known = context_known;
  std::vector<std::string> skipped;
  if (!context_known) {
    for (const lint::rule_info& r : lint::rules()) {
      if (r.needs_context && opt.enabled.has(r.id)) skipped.emplace_back(r.name);
    }
  }
  opt.graph.target = target;
  opt.graph.build_args = {build_args.data(), build_args.size()};
  if (have_check_spec) opt.buildkit_check = check_spec;
  if (no_pragmas) {
    opt.dockimg_pragmas = false;
    opt.hadolint_pragmas = false;
  }

  // The context's files.
  std::vector<std::string> ctx_files;
  if (!context_dir.empty()) {
    while (context_dir.size() > 1 && context_dir.back() == '/') context_dir.pop_back();
    namespace ctx = dockimg::context;
    ctx::posix_source src(context_dir);
    const ctx::walk_result res = ctx::walk(src, nullptr, 0, [&](const ctx::entry& e) {
      if (!e.is_dir()) ctx_files.emplace_back(e.path);
    });
    if (res.root_os_error != 0 || !res.ok()) {
      const int e = res.root_os_error != 0 ? res.root_os_error : res.os_error;
      put_err("dockimg lint: cannot read the context " + context_dir + "/" + res.path + ": " +
              (e != 0 ? std::string(std::strerror(e)) : res.message()) + "\n");
      return 2;
    }
  } else if (!context_list.empty()) {
    std::string text;
    if (!slurp(context_list, text)) {
      put_err("dockimg lint: cannot read " + context_list + ": " + std::strerror(errno) + "\n");
      return 2;
    }
    for (std::size_t p = 0; p < text.size();) {
      std::size_t nl = text.find('\n', p);
      if (nl == std::string::npos) nl = text.size();
      std::string line = text.substr(p, nl - p);
      p = nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      while (line.size() > 2 && line.compare(0, 2, "./") == 0) line.erase(0, 2);
      if (!line.empty()) ctx_files.push_back(std::move(line));
    }
  }
  std::vector<std::string_view> ctx_views(ctx_files.begin(), ctx_files.end());
  if (!context_dir.empty() || !context_list.empty()) {
    opt.context.files = {ctx_views.data(), ctx_views.size()};
    opt.context.has_files = true;
  }

  // The .dockerignore files, loaded once each.
  std::map<std::string, std::unique_ptr<dockimg_cli_ignore::loaded>> ignores_loaded;
  auto load_ignore = [&](const std::string& path) -> const dockimg::dockerignore::matcher* {
    auto it = ignores_loaded.find(path);
    if (it == ignores_loaded.end()) {
      auto l = std::make_unique<dockimg_cli_ignore::loaded>();
      if (!dockimg_cli_ignore::load(path, *l)) l.reset();
      it = ignores_loaded.emplace(path, std::move(l)).first;
    }
    return it->second ? &it->second->m : nullptr;
  };
  auto exists = [](const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    std::fclose(f);
    return true;
  };

  int status = 0;
  bool read_failed = false;
  std::vector<file_result> results;
  std::vector<unsigned char> memory;
  for (const std::string& file : files) {
    file_result res;
    res.file = file;
    std::string data;
    if (!slurp(file, data)) {
      put_err(file + ": error: cannot read: " + std::strerror(errno) + "\n");
      res.error_kind = "read";
      res.error_message = std::string("cannot read: ") + std::strerror(errno);
      read_failed = true;
      results.push_back(std::move(res));
      continue;
    }
    lint::options fopt = opt;
    std::string ignore_path = ignore_file;
    if (ignore_path.empty() && (!context_dir.empty() || !context_list.empty()) && file != "-" &&
        exists(file + ".dockerignore")) {
      ignore_path = file + ".dockerignore";
    }
    if (ignore_path.empty() && !context_dir.empty() && exists(context_dir + "/.dockerignore")) {
      ignore_path = context_dir + "/.dockerignore";
    }
    if (ignore_path.empty() && context_dir.empty() && !context_list.empty() && file != "-") {
      // a listed context: its root is taken to be the Dockerfile's directory (`docker build .`)
      const std::size_t slash = file.rfind('/');
      const std::string dir = slash == std::string::npos ? std::string(".") : file.substr(0, slash);
      if (exists(dir + "/.dockerignore")) ignore_path = dir + "/.dockerignore";
    }
    if (!ignore_path.empty()) {
      fopt.context.dockerignore = load_ignore(ignore_path);
      if (fopt.context.dockerignore == nullptr) {
        read_failed = true;
        res.error_kind = "read";
        res.error_message = "cannot use the .dockerignore " + ignore_path;
        results.push_back(std::move(res));
        continue;
      }
    }
    lint_text(data, fopt, memory, res);
    results.push_back(std::move(res));
  }

  // Exit status and counts.
  std::size_t counts[4] = {0, 0, 0, 0};
  std::size_t total = 0, suppressed = 0, failed = 0, check_failed = 0;
  for (const file_result& f : results) {
    for (const owned_finding& x : f.findings) {
      ++counts[static_cast<int>(x.level)];
      ++total;
      if (fail_at != 0 && static_cast<int>(x.level) >= fail_at) status = 1;
    }
    suppressed += f.suppressed;
    if (!f.error_kind.empty()) {
      ++failed;
      if (f.error_kind != "read" && fail_at != 0) status = 1;
    }
    if (!f.check_error.empty()) {
      ++check_failed;
      if (fail_at != 0) status = 1;
    }
  }
  if (read_failed) status = 2;

  std::string o;
  if (format == "text") {
    for (const file_result& f : results) {
      if (!f.error_kind.empty() && f.error_kind != "read") {
        o += f.file + ":" + std::to_string(f.error_at.line) + ":" + std::to_string(f.error_at.column) +
             ": error: " + f.error_message + "\n";
      }
      for (const owned_finding& x : f.findings) {
        o += f.file + ":" + std::to_string(x.begin.line) + ":" + std::to_string(x.begin.column) + ": " +
             std::string(lint::name(x.level)) + ": " + x.message + " [" + std::string(x.rule->name) + "]\n";
        if (!x.rule->hint.empty()) o += "    hint: " + std::string(x.rule->hint) + "\n";
      }
      if (!f.check_error.empty()) o += f.file + ": error: " + f.check_error + "\n";
    }
    o += std::to_string(total) + (total == 1 ? " finding" : " findings") + " in " + std::to_string(results.size()) +
         (results.size() == 1 ? " file" : " files") + " (" + std::to_string(counts[3]) + " error, " +
         std::to_string(counts[2]) + " warning, " + std::to_string(counts[1]) + " info), " +
         std::to_string(suppressed) + " suppressed";
    if (failed != 0) o += ", " + std::to_string(failed) + " not fully analysed";
    if (check_failed != 0) o += ", " + std::to_string(check_failed) + " failing BuildKit's check=error=true";
    o += "\n";
    if (!skipped.empty()) {
      o += "note: the rules that read the build context did not run (";
      for (std::size_t i = 0; i < skipped.size(); ++i) o += (i ? ", " : "") + skipped[i];
      o += "): give --context DIR, --context-list FILE or --dockerignore FILE\n";
    }
  } else if (format == "github") {
    for (const file_result& f : results) {
      const std::string fp = gh_escape(f.file, true);
      if (!f.error_kind.empty() && f.error_kind != "read") {
        o += "::error file=" + fp;
        if (f.error_at.line != 0)
          o += ",line=" + std::to_string(f.error_at.line) + ",col=" + std::to_string(f.error_at.column);
        o += ",title=" + gh_escape(f.error_kind + " error", true) + "::" + gh_escape(f.error_message, false) + "\n";
      }
      for (const owned_finding& x : f.findings) {
        const std::string_view lv =
            x.level == lint::severity::error ? "error" : x.level == lint::severity::warning ? "warning" : "notice";
        o += "::" + std::string(lv) + " file=" + fp + ",line=" + std::to_string(x.begin.line) +
             ",col=" + std::to_string(x.begin.column) + ",endLine=" + std::to_string(x.end.line) +
             ",endColumn=" + std::to_string(x.end.column) + ",title=" + gh_escape(x.rule->name, true) +
             "::" + gh_escape(x.message, false) + "\n";
      }
      if (!f.check_error.empty()) {
        o += "::error file=" + fp + ",title=BuildKit check::" + gh_escape(f.check_error, false) + "\n";
      }
    }
  } else if (format == "sarif") {
    o = to_sarif(results, opt.enabled);
  } else {  // json
    o = "{\"version\":1,\"tool\":{\"name\":\"dockimg\",\"version\":\"" DOCKIMG_VERSION_STRING "\"},\"profile\":";
    json_str(o, profile);
    o += ",\"files\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const file_result& f = results[i];
      if (i != 0) o += ',';
      o += "{\"file\":";
      json_str(o, f.file);
      o += ",\"findings\":[";
      for (std::size_t k = 0; k < f.findings.size(); ++k) {
        const owned_finding& x = f.findings[k];
        if (k != 0) o += ',';
        o += "{\"rule\":";
        json_str(o, x.rule->name);
        o += ",\"severity\":";
        json_str(o, lint::name(x.level));
        o += ",\"message\":";
        json_str(o, x.message);
        o += ",\"detail\":";
        json_str(o, x.detail);
        o += ",\"line\":" + std::to_string(x.begin.line) + ",\"column\":" + std::to_string(x.begin.column) +
             ",\"end_line\":" + std::to_string(x.end.line) + ",\"end_column\":" + std::to_string(x.end.column) +
             ",\"instruction_line\":" + std::to_string(x.line) + ",\"origin\":";
        json_str(o, origin_name(x.rule->origin));
        o += ",\"url\":";
        json_str(o, x.rule->url);
        o += ",\"hint\":";
        json_str(o, x.rule->hint);
        o += '}';
      }
      o += "],\"suppressed\":" + std::to_string(f.suppressed) + ",\"error\":";
      if (f.error_kind.empty()) {
        o += "null";
      } else {
        o += "{\"kind\":";
        json_str(o, f.error_kind);
        o += ",\"message\":";
        json_str(o, f.error_message);
        o += ",\"line\":" + std::to_string(f.error_at.line) + ",\"column\":" + std::to_string(f.error_at.column) + '}';
      }
      o += ",\"check_error\":";
      if (f.check_error.empty()) {
        o += "null";
      } else {
        json_str(o, f.check_error);
      }
      o += '}';
    }
    o += "],\"summary\":{\"files\":" + std::to_string(results.size()) + ",\"findings\":" + std::to_string(total) +
         ",\"error\":" + std::to_string(counts[3]) + ",\"warning\":" + std::to_string(counts[2]) +
         ",\"info\":" + std::to_string(counts[1]) + ",\"suppressed\":" + std::to_string(suppressed) +
         ",\"failed_files\":" + std::to_string(failed) + ",\"check_errors\":" + std::to_string(check_failed) +
         ",\"skipped_rules\":[";
    for (std::size_t i = 0; i < skipped.size(); ++i) {
      if (i != 0) o += ',';
      json_str(o, skipped[i]);
    }
    o += "],\"exit_code\":" + std::to_string(status) + "}}\n";
  }
  put(o);
  return status;
}

}  // namespace dockimg_cli_lint

#endif  // DOCKIMG_EXAMPLES_CLI_LINT_HPP

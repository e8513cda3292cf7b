// `dockimg lint`, run as a user runs it. What the CLI prints is compared with what the library
// reports in-process for the same text (so the tests hold whatever the rule modules report), the
// four output formats are compared with each other, and every SARIF log is checked against the
// parts of the SARIF 2.1.0 schema that dockimg emits.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include <dockimg/analysis.hpp>
#include <dockimg/dockerfile.hpp>

#include "cli_support.hpp"

namespace {

using dockimg_test::run_cli;
using dockimg_test::shell_quote;
using json = nlohmann::json;
namespace lint = dockimg::lint;
namespace df = dockimg::dockerfile;

#ifndef DOCKIMG_SOURCE_DIR
#define DOCKIMG_SOURCE_DIR "."
#endif

/// The temporary directories of this run, removed at exit.
struct temp_dirs {
  std::vector<std::string> paths;
  ~temp_dirs() {
    for (const std::string& p : paths) {
      const std::string cmd = "rm -rf " + shell_quote(p);
      if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", p.c_str());
    }
  }
};

/// A fresh temporary directory.
std::string temp_dir() {
  static temp_dirs all;
  char tmpl[] = "/tmp/dockimg_lint_test_XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  all.paths.emplace_back(d);
  return d;
}

void write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

json parse_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << text.substr(0, 400));
  return j;
}

/// What the library reports in-process (rule, line, column, severity per finding).
struct library_view {
  bool parsed = false;
  lint::errc code = lint::errc::ok;
  bool check_error = false;
  std::string check_rules;
  std::vector<std::tuple<std::string, unsigned, unsigned, std::string>> findings;
};

library_view run_library(const std::string& text, lint::options opt) {
  std::vector<unsigned char> mem(df::storage_hint(text) + lint::storage_hint(text));
  dockimg::arena a(mem.data(), mem.size());
  const df::document doc = df::parse(text, a);
  library_view v;
  v.parsed = doc.ok();
  if (!doc.ok()) return v;
  const lint::report rep = lint::run(doc, opt, a);
  REQUIRE(rep.code != lint::errc::out_of_storage);
  v.code = rep.code;
  v.check_error = rep.check_error;
  v.check_rules = std::string(rep.check_error_rules);
  for (const lint::finding& f : rep.findings) {
    v.findings.emplace_back(std::string(f.rule->name), f.begin.line, f.begin.column, std::string(lint::name(f.level)));
  }
  return v;
}

/// The findings of one file of `dockimg lint --format json`.
std::vector<std::tuple<std::string, unsigned, unsigned, std::string>> json_findings(const json& file) {
  std::vector<std::tuple<std::string, unsigned, unsigned, std::string>> out;
  for (const json& f : file.at("findings")) {
    out.emplace_back(f.at("rule").get<std::string>(), f.at("line").get<unsigned>(), f.at("column").get<unsigned>(),
                     f.at("severity").get<std::string>());
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// SARIF 2.1.0 checks: the parts of the schema (sarif-schema-2.1.0.json) for the objects dockimg
// writes. Each object's keys must be properties the schema defines for it (the schema forbids
// additional properties), required properties must be present, and types, enums and minimums hold.
// ------------------------------------------------------------------------------------------------

struct sarif_checker {
  std::vector<std::string> errors;

  void fail(const std::string& where, const std::string& what) { errors.push_back(where + ": " + what); }

  void keys(const json& o, const std::string& where, const std::set<std::string>& allowed) {
    if (!o.is_object()) {
      fail(where, "not an object");
      return;
    }
    for (auto it = o.begin(); it != o.end(); ++it) {
      if (allowed.count(it.key()) == 0) fail(where, "property '" + it.key() + "' is not in the schema");
    }
  }
  bool require(const json& o, const std::string& where, const std::string& key) {
    if (!o.is_object() || !o.contains(key)) {
      fail(where, "missing required '" + key + "'");
      return false;
    }
    return true;
  }
  void string_at(const json& o, const std::string& where, const std::string& key) {
    if (o.contains(key) && !o.at(key).is_string()) fail(where + "." + key, "not a string");
  }
  void int_min(const json& o, const std::string& where, const std::string& key, long long min) {
    if (!o.contains(key)) return;
    const json& v = o.at(key);
    if (!v.is_number_integer()) {
      fail(where + "." + key, "not an integer");
    } else if (v.get<long long>() < min) {
      fail(where + "." + key, "below the minimum " + std::to_string(min));
    }
  }
  void level(const json& o, const std::string& where) {
    if (!o.contains("level")) return;
    const json& v = o.at("level");
    if (!v.is_string() || (v != "none" && v != "note" && v != "warning" && v != "error"))
      fail(where + ".level", "not one of none, note, warning, error");
  }
  // RFC 3986 characters; '%' must start a valid escape.
  static bool uri_chars_ok(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '%') {
        if (i + 2 >= s.size() + 0 || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
          return false;
        continue;
      }
      if (std::isalnum(c)) continue;
      if (std::string_view("-._~:/?#[]@!$&'()*+,;=").find(static_cast<char>(c)) == std::string_view::npos) return false;
    }
    return true;
  }
  static bool has_scheme(const std::string& s) {
    const std::size_t colon = s.find(':');
    if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (std::size_t i = 1; i < colon; ++i) {
      const char c = s[i];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    }
    return s.find('/') == std::string::npos || s.find('/') > colon;
  }
  void uri(const json& o, const std::string& where, const std::string& key, bool absolute) {
    if (!o.contains(key)) return;
    if (!o.at(key).is_string()) {
      fail(where + "." + key, "not a string");
      return;
    }
    const std::string s = o.at(key).get<std::string>();
    if (!uri_chars_ok(s)) fail(where + "." + key, "not a URI reference: " + s);
    if (absolute && !has_scheme(s)) fail(where + "." + key, "not an absolute URI: " + s);
    if (s.find('\\') != std::string::npos) fail(where + "." + key, "backslash in a URI: " + s);
  }
  void message(const json& o, const std::string& where) {
    keys(o, where, {"text", "markdown", "id", "arguments", "properties"});
    if (!o.contains("text") && !o.contains("id")) fail(where, "a message needs text or id");
    string_at(o, where, "text");
  }
  void multiformat(const json& o, const std::string& where) {
    keys(o, where, {"text", "markdown", "properties"});
    if (require(o, where, "text")) string_at(o, where, "text");
    string_at(o, where, "markdown");
  }
  void properties(const json& o, const std::string& where) {
    if (!o.is_object()) {
      fail(where, "not an object");
      return;
    }
    if (o.contains("tags")) {
      const json& t = o.at("tags");
      if (!t.is_array()) {
        fail(where + ".tags", "not an array");
        return;
      }
      std::set<std::string> seen;
      for (const json& x : t) {
        if (!x.is_string()) {
          fail(where + ".tags", "a tag is not a string");
        } else if (!seen.insert(x.get<std::string>()).second) {
          fail(where + ".tags", "tags are not unique");
        }
      }
    }
  }
  void location(const json& l, const std::string& where) {
    keys(l, where, {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships",
                    "properties"});
    if (!l.contains("physicalLocation")) return;
    const json& p = l.at("physicalLocation");
    const std::string pw = where + ".physicalLocation";
    keys(p, pw, {"address", "artifactLocation", "region", "contextRegion", "properties"});
    if (!p.contains("artifactLocation") && !p.contains("address")) fail(pw, "needs artifactLocation or address");
    if (p.contains("artifactLocation")) {
      const json& a = p.at("artifactLocation");
      const std::string aw = pw + ".artifactLocation";
      keys(a, aw, {"uri", "uriBaseId", "index", "description", "properties"});
      uri(a, aw, "uri", false);
      string_at(a, aw, "uriBaseId");
      if (a.contains("uri") && a.at("uri").is_string()) {
        const std::string u = a.at("uri").get<std::string>();
        if (!has_scheme(u) && !a.contains("uriBaseId")) fail(aw, "a relative uri without uriBaseId");
        if (has_scheme(u) && a.contains("uriBaseId")) fail(aw, "an absolute uri with uriBaseId");
      }
    }
    if (p.contains("region")) {
      const json& r = p.at("region");
      const std::string rw = pw + ".region";
      keys(r, rw, {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
                   "byteLength", "snippet", "message", "sourceLanguage", "properties"});
      int_min(r, rw, "startLine", 1);
      int_min(r, rw, "startColumn", 1);
      int_min(r, rw, "endLine", 1);
      int_min(r, rw, "endColumn", 1);
      if (!r.contains("startLine")) fail(rw, "dockimg regions carry startLine");
      if (r.contains("startLine") && r.contains("endLine") && r.at("endLine").is_number_integer() &&
          r.at("startLine").is_number_integer() && r.at("endLine").get<long long>() < r.at("startLine").get<long long>())
        fail(rw, "endLine before startLine");
    }
  }

  /// Checks a whole log; returns the number of results.
  std::size_t check(const json& log) {
    keys(log, "sarifLog", {"$schema", "version", "runs", "inlineExternalProperties", "properties"});
    if (require(log, "sarifLog", "version") && log.at("version") != "2.1.0") fail("sarifLog.version", "not \"2.1.0\"");
    if (require(log, "sarifLog", "$schema")) {
      uri(log, "sarifLog", "$schema", true);
      if (log.at("$schema") != "https://json.schemastore.org/sarif-2.1.0.json")
        fail("sarifLog.$schema", "not the SARIF 2.1.0 schema's address");
    }
    if (!require(log, "sarifLog", "runs")) return 0;
    if (!log.at("runs").is_array() || log.at("runs").size() != 1) {
      fail("sarifLog.runs", "dockimg writes one run");
      return 0;
    }
    const json& run = log.at("runs")[0];
    keys(run, "run", {"tool", "invocations", "conversion", "language", "versionControlProvenance",
                      "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
                      "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
                      "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind",
                      "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses",
                      "translations", "policies", "webRequests", "webResponses", "specialLocations",
                      "properties"});
    if (run.contains("columnKind") && run.at("columnKind") != "utf16CodeUnits" &&
        run.at("columnKind") != "unicodeCodePoints")
      fail("run.columnKind", "not one of utf16CodeUnits, unicodeCodePoints");
    if (!require(run, "run", "tool")) return 0;
    keys(run.at("tool"), "run.tool", {"driver", "extensions", "properties"});
    if (!require(run.at("tool"), "run.tool", "driver")) return 0;
    const json& driver = run.at("tool").at("driver");
    keys(driver, "driver", {"guid", "name", "organization", "product", "productSuite", "shortDescription",
                            "fullDescription", "fullName", "version", "semanticVersion", "dottedQuadFileVersion",
                            "releaseDateUtc", "downloadUri", "informationUri", "globalMessageStrings",
                            "notifications", "rules", "taxa", "locations", "language", "contents",
                            "isComprehensive", "localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion",
                            "associatedComponent", "translationMetadata", "supportedTaxonomies", "properties"});
    if (require(driver, "driver", "name") && driver.at("name") != "dockimg") fail("driver.name", "not dockimg");
    string_at(driver, "driver", "version");
    uri(driver, "driver", "informationUri", true);
    std::vector<std::string> rule_ids;
    if (driver.contains("rules")) {
      if (!driver.at("rules").is_array()) fail("driver.rules", "not an array");
      std::set<std::string> seen;
      std::size_t i = 0;
      for (const json& r : driver.at("rules")) {
        const std::string w = "driver.rules[" + std::to_string(i++) + "]";
        keys(r, w, {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription",
                    "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help",
                    "relationships", "properties"});
        if (require(r, w, "id")) {
          string_at(r, w, "id");
          if (r.at("id").is_string()) {
            rule_ids.push_back(r.at("id").get<std::string>());
            if (!seen.insert(rule_ids.back()).second) fail(w, "duplicate rule id");
          }
        }
        string_at(r, w, "name");
        if (r.contains("shortDescription")) multiformat(r.at("shortDescription"), w + ".shortDescription");
        if (r.contains("fullDescription")) multiformat(r.at("fullDescription"), w + ".fullDescription");
        if (r.contains("help")) multiformat(r.at("help"), w + ".help");
        uri(r, w, "helpUri", true);
        if (r.contains("defaultConfiguration")) {
          const json& c = r.at("defaultConfiguration");
          keys(c, w + ".defaultConfiguration", {"enabled", "level", "rank", "parameters", "properties"});
          level(c, w + ".defaultConfiguration");
          if (c.contains("enabled") && !c.at("enabled").is_boolean())
            fail(w + ".defaultConfiguration.enabled", "not a boolean");
        }
        if (r.contains("properties")) properties(r.at("properties"), w + ".properties");
      }
    }
    if (run.contains("invocations")) {
      std::size_t i = 0;
      for (const json& inv : run.at("invocations")) {
        const std::string w = "run.invocations[" + std::to_string(i++) + "]";
        if (require(inv, w, "executionSuccessful") && !inv.at("executionSuccessful").is_boolean())
          fail(w + ".executionSuccessful", "not a boolean");
        if (inv.contains("toolExecutionNotifications")) {
          std::size_t k = 0;
          for (const json& n : inv.at("toolExecutionNotifications")) {
            const std::string nw = w + ".toolExecutionNotifications[" + std::to_string(k++) + "]";
            keys(n, nw, {"locations", "message", "level", "threadId", "timeUtc", "exception", "descriptor",
                         "associatedRule", "properties"});
            if (require(n, nw, "message")) message(n.at("message"), nw + ".message");
            level(n, nw);
            if (n.contains("locations")) {
              for (const json& l : n.at("locations")) location(l, nw + ".locations[]");
            }
          }
        }
      }
    }
    if (!run.contains("results")) return 0;
    if (!run.at("results").is_array()) {
      fail("run.results", "not an array");
      return 0;
    }
    std::size_t i = 0;
    for (const json& r : run.at("results")) {
      const std::string w = "results[" + std::to_string(i++) + "]";
      keys(r, w, {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid",
                  "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks",
                  "codeFlows", "graphs", "graphTraversals", "relatedLocations", "suppressions",
                  "baselineState", "rank", "attachments", "hostedViewerUri", "workItemUris", "provenance",
                  "fixes", "taxa", "webRequest", "webResponse", "properties"});
      if (require(r, w, "message")) message(r.at("message"), w + ".message");
      level(r, w);
      string_at(r, w, "ruleId");
      int_min(r, w, "ruleIndex", 0);
      if (r.contains("ruleIndex") && r.at("ruleIndex").is_number_integer()) {
        const long long k = r.at("ruleIndex").get<long long>();
        if (k >= static_cast<long long>(rule_ids.size())) {
          fail(w + ".ruleIndex", "not below the number of rules");
        } else if (k >= 0 && (!r.contains("ruleId") || r.at("ruleId") != rule_ids[static_cast<std::size_t>(k)])) {
          fail(w + ".ruleId", "differs from rules[ruleIndex].id");
        }
      }
      if (!r.contains("ruleId") && !r.contains("ruleIndex")) fail(w, "dockimg results name their rule");
      if (r.contains("locations")) {
        if (!r.at("locations").is_array() || r.at("locations").empty()) fail(w + ".locations", "empty");
        for (const json& l : r.at("locations")) location(l, w + ".locations[]");
      }
      if (r.contains("properties")) properties(r.at("properties"), w + ".properties");
      if (r.contains("partialFingerprints") && !r.at("partialFingerprints").is_object())
        fail(w + ".partialFingerprints", "not an object");
    }
    return run.at("results").size();
  }
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

const std::string bad_dockerfile = "FROM scratch AS Bad\nMAINTAINER x\n";

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("cli lint: usage and read errors exit 2") {
    const std::string dir = temp_dir();
    write_file(dir + "/Dockerfile", bad_dockerfile);
    const std::string f = shell_quote(dir + "/Dockerfile");
    for (const std::string& args :
         {std::string("lint"), "lint --bogus " + f, "lint --format xml " + f, "lint --profile loose " + f,
          "lint --ignore no-such-rule " + f, "lint --enable DL9999 " + f, "lint --fail-level fatal " + f,
          std::string("lint --format") /* no value */, std::string("lint --list-rules --format sarif"), "lint --list-rules " + f,
          "lint --build-arg NOEQUALS " + f, "lint --context " + shell_quote(dir) + " --context-list x " + f}) {
      CAPTURE(args);
      const auto r = run_cli(args);
      CHECK(r.status == 2);
      CHECK(r.err.find("usage: dockimg lint") != std::string::npos);
    }
    // unreadable inputs: exit 2 and a message naming the file
    auto r = run_cli("lint " + shell_quote(dir + "/missing"));
    CHECK(r.status == 2);
    CHECK(r.err.find(dir + "/missing") != std::string::npos);
    r = run_cli("lint --dockerignore " + shell_quote(dir + "/none.dockerignore") + " " + f);
    CHECK(r.status == 2);
    r = run_cli("lint --context-list " + shell_quote(dir + "/none.txt") + " " + f);
    CHECK(r.status == 2);
    r = run_cli("lint --context " + shell_quote(dir + "/nodir") + " " + f);
    CHECK(r.status == 2);
    // help
    r = run_cli("help lint");
    CHECK(r.status == 0);
    CHECK(r.out.find("--fail-level") != std::string::npos);
    r = run_cli("lint --help");
    CHECK(r.status == 0);
    CHECK(r.out.find("usage: dockimg lint") == 0);
  }

  TEST_CASE("cli lint: a parse error is an error finding") {
    const std::string text = "FROM alpine:3.20\nRUN <<EOF\necho hi\n";
    std::vector<unsigned char> mem(df::storage_hint(text));
    dockimg::arena a(mem.data(), mem.size());
    const df::document doc = df::parse(text, a);
    REQUIRE_FALSE(doc.ok());
    dockimg::source_locator loc(doc.source());
    const auto p = loc.locate(doc.error().range.begin);
    const std::string expected = "-:" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                                 ": error: " + df::message(doc.error()) + "\n";

    auto r = run_cli("lint -", text);
    CHECK(r.status == 1);
    CHECK(r.out.find(expected) == 0);
    r = run_cli("lint --fail-level none -", text);
    CHECK(r.status == 0);
    CHECK(r.out.find(expected) == 0);
    r = run_cli("lint --format json -", text);
    CHECK(r.status == 1);
    const json j = parse_json(r.out);
    const json& e = j.at("files")[0].at("error");
    CHECK(e.at("kind") == "parse");
    CHECK(e.at("message") == df::message(doc.error()));
    CHECK(e.at("line") == p.line);
    CHECK(e.at("column") == p.column);
    CHECK(j.at("summary").at("exit_code") == 1);
    r = run_cli("lint --format github -", text);
    CHECK(r.out.find("::error file=-,line=" + std::to_string(p.line)) == 0);
    r = run_cli("lint --format sarif -", text);
    sarif_checker sc;
    const json log = parse_json(r.out);
    sc.check(log);
    CHECK_MESSAGE(sc.errors.empty(), joined(sc.errors));
    const json& inv = log.at("runs")[0].at("invocations")[0];
    CHECK(inv.at("executionSuccessful") == false);
    CHECK(inv.at("toolExecutionNotifications")[0].at("message").at("text").get<std::string>().find(
              df::message(doc.error())) != std::string::npos);
  }

  TEST_CASE("cli lint: list-rules lists the rule table") {
    auto r = run_cli("lint --list-rules --format json");
    REQUIRE(r.status == 0);
    const json j = parse_json(r.out);
    const auto& rules = j.at("rules");
    REQUIRE(rules.size() == lint::rules().size());
    std::size_t i = 0;
    for (const lint::rule_info& info : lint::rules()) {
      const json& x = rules[i++];
      CAPTURE(info.name);
      CHECK(x.at("id") == std::string(info.name));
      CHECK(x.at("severity") == std::string(lint::name(info.level)));
      CHECK(x.at("profile") == std::string(lint::name(info.in_profile)));
      CHECK(x.at("origin") == (info.origin == lint::rule_origin::buildkit ? "buildkit" : "dockimg"));
      CHECK(x.at("experimental") == info.experimental);
      CHECK(x.at("needs_context") == info.needs_context);
      if (info.hadolint.empty()) {
        CHECK(x.at("hadolint").is_null());
      } else {
        CHECK(x.at("hadolint") == std::string(info.hadolint));
      }
      CHECK(x.at("summary") == std::string(info.summary));
      CHECK(x.at("url") == std::string(info.url));
      CHECK(lint::find_rule(x.at("id").get<std::string>()) == &info);
    }
    r = run_cli("lint --list-rules");
    REQUIRE(r.status == 0);
    for (const lint::rule_info& info : lint::rules()) {
      CHECK(r.out.find("\n" + std::string(info.name) + " ") != std::string::npos);
    }
  }

  TEST_CASE("cli lint: docs/lint.md is the markdown reference") {
    std::string doc;
    REQUIRE(dockimg_test::read_file(std::string(DOCKIMG_SOURCE_DIR) + "/docs/lint.md", doc));
    const auto r = run_cli("lint --list-rules --format markdown");
    REQUIRE(r.status == 0);
    CHECK_MESSAGE(doc == r.out, "docs/lint.md is stale: regenerate it with dockimg lint --list-rules --format markdown");
    // every rule has a section whose anchor is its id, and dockimg rules link there
    for (const lint::rule_info& info : lint::rules()) {
      CAPTURE(info.name);
      CHECK(r.out.find("<a id=\"" + std::string(info.name) + "\"></a>\n\n#### " + std::string(info.name) + "\n") !=
            std::string::npos);
      if (info.origin == lint::rule_origin::dockimg) CHECK(info.url == "docs/lint.md#" + std::string(info.name));
      if (!info.hadolint.empty())
        CHECK(r.out.find("| " + std::string(info.hadolint) + " | [" + std::string(info.name) + "](#") !=
              std::string::npos);
    }
    CHECK(r.out.find("# dockimg ignore=") != std::string::npos);
    CHECK(r.out.find("# hadolint ignore=") != std::string::npos);
  }

  TEST_CASE("cli lint: the four formats agree with the library") {
    const std::string dir = temp_dir();
    const std::string file = dir + "/Dockerfile";
    write_file(file, bad_dockerfile);
    const std::string f = shell_quote(file);
    for (const char* profile : {"default", "strict"}) {
      CAPTURE(profile);
      lint::options opt;
      opt.enabled = lint::rule_set::of(std::string(profile) == "strict" ? lint::profile::strict : lint::profile::standard);
      const library_view lib = run_library(bad_dockerfile, opt);
      REQUIRE(lib.parsed);
      const std::string p = std::string(" --profile ") + profile + " ";

      auto r = run_cli("lint --format json" + p + f);
      const json j = parse_json(r.out);
      REQUIRE(j.at("files").size() == 1);
      const json& jf = j.at("files")[0];
      CHECK(jf.at("file") == file);
      CHECK(json_findings(jf) == lib.findings);
      CHECK(j.at("summary").at("findings") == lib.findings.size());
      CHECK(j.at("version") == 1);
      CHECK(j.at("profile") == profile);
      bool reaches_warning = false;
      for (const json& x : jf.at("findings")) {
        const lint::rule_info* info = lint::find_rule(x.at("rule").get<std::string>());
        REQUIRE(info != nullptr);
        CHECK(x.at("origin") == (info->origin == lint::rule_origin::buildkit ? "buildkit" : "dockimg"));
        CHECK(x.at("url") == std::string(info->url));
        CHECK(x.at("hint") == std::string(info->hint));
        CHECK(x.at("end_line").get<unsigned>() >= x.at("line").get<unsigned>());
        CHECK(x.at("instruction_line").get<unsigned>() >= 1);
        CHECK(x.at("message").is_string());
        CHECK(x.at("detail").is_string());
        if (x.at("severity") != "info") reaches_warning = true;
      }
      CHECK(r.status == (reaches_warning ? 1 : 0));
      CHECK(j.at("summary").at("exit_code") == r.status);
      CHECK(run_cli("lint --fail-level none" + p + f).status == 0);
      CHECK(run_cli("lint --fail-level info" + p + f).status == (lib.findings.empty() ? 0 : 1));

      // text: one line per finding, then the hint, then the summary
      r = run_cli("lint" + p + f);
      std::string expected;
      for (const json& x : jf.at("findings")) {
        expected += file + ":" + std::to_string(x.at("line").get<unsigned>()) + ":" +
                    std::to_string(x.at("column").get<unsigned>()) + ": " + x.at("severity").get<std::string>() +
                    ": " + x.at("message").get<std::string>() + " [" + x.at("rule").get<std::string>() + "]\n";
        if (!x.at("hint").get<std::string>().empty()) expected += "    hint: " + x.at("hint").get<std::string>() + "\n";
      }
      CHECK(r.out.substr(0, expected.size()) == expected);
      CHECK(r.out.find(std::to_string(lib.findings.size()) + (lib.findings.size() == 1 ? " finding in 1 file" : " findings in 1 file")) !=
            std::string::npos);
      CHECK(r.out.find("note: the rules that read the build context did not run (") != std::string::npos);

      // github: one annotation per finding
      r = run_cli("lint --format github" + p + f);
      std::string gh;
      for (const json& x : jf.at("findings")) {
        const std::string sev = x.at("severity").get<std::string>();
        gh += "::" + (sev == "info" ? std::string("notice") : sev) + " file=" + file +
              ",line=" + std::to_string(x.at("line").get<unsigned>()) +
              ",col=" + std::to_string(x.at("column").get<unsigned>()) +
              ",endLine=" + std::to_string(x.at("end_line").get<unsigned>()) +
              ",endColumn=" + std::to_string(x.at("end_column").get<unsigned>()) +
              ",title=" + x.at("rule").get<std::string>() + "::";
        gh += x.at("message").get<std::string>() + "\n";  // the messages of this file hold no % or line break
      }
      CHECK(r.out == gh);

      // sarif: valid, one result per finding, same rules and lines
      r = run_cli("lint --format sarif" + p + f);
      const json log = parse_json(r.out);
      sarif_checker sc;
      CHECK(sc.check(log) == lib.findings.size());
      CHECK_MESSAGE(sc.errors.empty(), joined(sc.errors));
      const json& results = log.at("runs")[0].at("results");
      for (std::size_t i = 0; i < results.size() && i < lib.findings.size(); ++i) {
        CHECK(results[i].at("ruleId") == std::get<0>(lib.findings[i]));
        CHECK(results[i].at("locations")[0].at("physicalLocation").at("region").at("startLine") ==
              std::get<1>(lib.findings[i]));
        CHECK(results[i].at("locations")[0].at("physicalLocation").at("artifactLocation").at("uri") ==
              "file://" + file);
      }
      CHECK(log.at("runs")[0].at("tool").at("driver").at("rules").size() == lint::rules().size());
    }
  }

  TEST_CASE("cli lint: relative SARIF uris and GitHub escaping") {
    const std::string dir = temp_dir();
    write_file(dir + "/Docker file,a:b%", bad_dockerfile);
    const std::string cmd = "cd " + shell_quote(dir) + " && " + shell_quote(DOCKIMG_CLI_PATH) + " lint --format ";
    auto capture = [&](const std::string& fmt) {
      std::string out;
      FILE* p = ::popen((cmd + fmt + " './Docker file,a:b%'").c_str(), "r");
      REQUIRE(p != nullptr);
      char buf[4096];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
      ::pclose(p);
      return out;
    };
    const json log = parse_json(capture("sarif"));
    sarif_checker sc;
    sc.check(log);
    CHECK_MESSAGE(sc.errors.empty(), joined(sc.errors));
    for (const json& res : log.at("runs")[0].at("results")) {
      const json& a = res.at("locations")[0].at("physicalLocation").at("artifactLocation");
      CHECK(a.at("uri") == "Docker%20file,a%3Ab%25");
      CHECK(a.at("uriBaseId") == "%SRCROOT%");
    }
    const std::string gh = capture("github");
    std::size_t lines = 0;
    for (std::size_t pos = 0; (pos = gh.find('\n', pos)) != std::string::npos; ++pos) ++lines;
    std::size_t expected = 0;
    for (const json& res : log.at("runs")[0].at("results")) (void)res, ++expected;
    CHECK(lines == expected);
    if (lines > 0) CHECK(gh.find("file=./Docker file%2Ca%3Ab%25,line=") != std::string::npos);
  }

  TEST_CASE("cli lint: rule selection and pragmas") {
    const std::string text =
        "# dockimg global ignore=StageNameCasing\n# hadolint ignore=DL3007\nFROM alpine:latest AS Bad\n"
        "MAINTAINER x\nCMD echo hi\n";
    lint::options opt;
    const library_view with = run_library(text, opt);
    opt.dockimg_pragmas = false;
    opt.hadolint_pragmas = false;
    const library_view without = run_library(text, opt);
    auto findings = [&](const std::string& args) {
      const auto r = run_cli("lint --format json " + args + " -", text);
      return json_findings(parse_json(r.out).at("files")[0]);
    };
    CHECK(findings("") == with.findings);
    CHECK(findings("--no-pragmas") == without.findings);
    CHECK(findings("--ignore all").empty());
    const auto r = run_cli("lint --ignore all -", text);
    CHECK(r.status == 0);
    CHECK(r.out.find("0 findings in 1 file") == 0);
    // --ignore by id, by hadolint id, comma-separated; --enable of a strict rule
    lint::options o2;
    o2.enabled.disable(lint::rule_id::bk_maintainer_deprecated);
    o2.enabled.disable(lint::rule_id::from_latest);  // DL3007
    o2.enabled.enable(lint::rule_id::from_no_digest);
    CHECK(findings("--ignore maintainerdeprecated,DL3007 --enable from-no-digest") == run_library(text, o2).findings);
  }

  TEST_CASE("cli lint: BuildKit check=error=true") {
    const std::string text = "# check=error=true\nFROM scratch AS Bad\nMAINTAINER x\n";
    lint::options opt;
    const library_view lib = run_library(text, opt);
    auto r = run_cli("lint --fail-level error -", text);
    if (lib.check_error) {
      CHECK(r.status == 1);
      CHECK(r.out.find("-: error: lint violation found for rules: " + lib.check_rules + "\n") != std::string::npos);
    } else {
      bool errors = false;
      for (const auto& x : lib.findings) errors = errors || std::get<3>(x) == "error";
      CHECK(r.status == (errors ? 1 : 0));
      CHECK(r.out.find("lint violation found") == std::string::npos);
    }
    r = run_cli("lint --format json -", text);
    const json j = parse_json(r.out);
    if (lib.check_error) {
      CHECK(j.at("files")[0].at("check_error") == "lint violation found for rules: " + lib.check_rules);
    } else {
      CHECK(j.at("files")[0].at("check_error").is_null());
    }
    // the build argument overrides the directive: no error
    r = run_cli("lint --format json --build-arg BUILDKIT_DOCKERFILE_CHECK=error=false -", text);
    CHECK(parse_json(r.out).at("files")[0].at("check_error").is_null());
  }

  TEST_CASE("cli lint: the context from a directory equals the context from a list") {
    const std::string dir = temp_dir();
    const std::string text = "FROM alpine:3.20\nCOPY . /app\nCOPY secret.pem /app/\nCOPY README.md /app/\n";
    for (const char* sub : {"/.git", "/node_modules", "/node_modules/x", "/src"}) REQUIRE(::mkdir((dir + sub).c_str(), 0755) == 0);
    write_file(dir + "/Dockerfile", text);
    write_file(dir + "/.git/HEAD", "ref\n");
    write_file(dir + "/node_modules/x/index.js", "x\n");
    write_file(dir + "/src/main.c", "int main(){}\n");
    write_file(dir + "/secret.pem", "k\n");
    write_file(dir + "/README.md", "r\n");
    write_file(dir + "/.dockerignore", "README.md\n");
    write_file(dir + "/Dockerfile.dockerignore", "secret.pem\n.git\n");
    write_file(dir + "/list.txt",
               ".dockerignore\n.git/HEAD\nDockerfile\nDockerfile.dockerignore\nREADME.md\nlist.txt\n"
               "node_modules/x/index.js\nsecret.pem\nsrc/main.c\n");
    const std::string df_path = shell_quote(dir + "/Dockerfile");
    auto findings = [&](const std::string& args) {
      const auto r = run_cli("lint --format json " + args + " " + df_path);
      CHECK(r.status != 2);
      return json_findings(parse_json(r.out).at("files")[0]);
    };
    // BuildKit's per-Dockerfile ignore file wins over DIR/.dockerignore
    const auto from_dir = findings("--context " + shell_quote(dir));
    CHECK(from_dir == findings("--context-list " + shell_quote(dir + "/list.txt") + " --dockerignore " +
                               shell_quote(dir + "/Dockerfile.dockerignore")));
    CHECK(from_dir == findings("--context-list " + shell_quote(dir + "/list.txt")));
    CHECK(findings("--context " + shell_quote(dir) + " --dockerignore " + shell_quote(dir + "/.dockerignore")) ==
          findings("--context-list " + shell_quote(dir + "/list.txt") + " --dockerignore " +
                   shell_quote(dir + "/.dockerignore")));
    // and what the library reports for the same inputs
    std::vector<std::string_view> files = {".dockerignore", ".git/HEAD", "Dockerfile", "Dockerfile.dockerignore",
                                           "README.md", "list.txt", "node_modules/x/index.js", "secret.pem",
                                           "src/main.c"};
    const std::string ignore_text = "secret.pem\n.git\n";
    std::vector<unsigned char> mem(1 << 16);
    dockimg::arena a(mem.data(), mem.size());
    const auto rd = dockimg::dockerignore::read_all(ignore_text, a);
    REQUIRE(rd.ok());
    const auto cm = dockimg::dockerignore::compile(rd.patterns, a);
    REQUIRE(cm.ok());
    lint::options opt;
    opt.context.dockerignore = &cm.matcher;
    opt.context.files = {files.data(), files.size()};
    opt.context.has_files = true;
    opt.context.known = true;
    CHECK(from_dir == run_library(text, opt).findings);
    // without a context, the rules that read it do not run and the summary says so
    const auto r = run_cli("lint --format json " + df_path);
    const json j = parse_json(r.out);
    json skipped = json::array();
    for (const lint::rule_info& info : lint::rules()) {
      if (info.needs_context && lint::rule_set::of(lint::profile::standard).has(info.id))
        skipped.push_back(std::string(info.name));
    }
    CHECK(!skipped.empty());
    CHECK(j.at("summary").at("skipped_rules") == skipped);
    for (const json& x : j.at("files")[0].at("findings")) {
      const lint::rule_info* info = lint::find_rule(x.at("rule").get<std::string>());
      REQUIRE(info != nullptr);
      CHECK_FALSE(info->needs_context);
    }
    CHECK(parse_json(run_cli("lint --format json --context " + shell_quote(dir) + " " + df_path).out)
              .at("summary")
              .at("skipped_rules")
              .empty());
  }

  TEST_CASE("cli lint: the SARIF checks reject what the schema forbids") {
    const std::string text = "FROM alpine\nRUN apt-get update\nCMD echo hi\n";
    const json good = parse_json(run_cli("lint --format sarif -", text).out);
    sarif_checker ok;
    ok.check(good);
    REQUIRE_MESSAGE(ok.errors.empty(), joined(ok.errors));
    // a result to break (made up when the rules report nothing here)
    json base = good;
    json& results = base["runs"][0]["results"];
    if (results.empty()) {
      results.push_back({{"ruleId", "from-latest"}, {"ruleIndex", 1}, {"level", "warning"},
                         {"message", {{"text", "m"}}},
                         {"locations", json::array({{{"physicalLocation",
                                                      {{"artifactLocation", {{"uri", "a/Dockerfile"}, {"uriBaseId", "%SRCROOT%"}}},
                                                       {"region", {{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 2}}}}}}})}});
    }
    sarif_checker ok2;
    ok2.check(base);
    REQUIRE_MESSAGE(ok2.errors.empty(), joined(ok2.errors));
    auto rejects = [&](const char* what, auto mutate) {
      json bad = base;
      mutate(bad);
      sarif_checker sc;
      sc.check(bad);
      CHECK_MESSAGE(!sc.errors.empty(), what);
    };
    auto region = [](json& l) -> json& { return l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]; };
    auto art = [](json& l) -> json& {
      return l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    };
    rejects("version", [](json& l) { l["version"] = "2.0.0"; });
    rejects("schema", [](json& l) { l.erase("$schema"); });
    rejects("runs", [](json& l) { l.erase("runs"); });
    rejects("driver name", [](json& l) { l["runs"][0]["tool"]["driver"].erase("name"); });
    rejects("unknown property", [](json& l) { l["runs"][0]["results"][0]["severity"] = "warning"; });
    rejects("level enum", [](json& l) { l["runs"][0]["results"][0]["level"] = "info"; });
    rejects("message", [](json& l) { l["runs"][0]["results"][0].erase("message"); });
    rejects("ruleIndex range", [](json& l) { l["runs"][0]["results"][0]["ruleIndex"] = 100000; });
    rejects("ruleIndex minimum", [](json& l) { l["runs"][0]["results"][0]["ruleIndex"] = -1; });
    rejects("ruleId mismatch", [](json& l) { l["runs"][0]["results"][0]["ruleId"] = "no-such-rule"; });
    rejects("startLine", [&](json& l) { region(l)["startLine"] = 0; });
    rejects("startColumn", [&](json& l) { region(l)["startColumn"] = 0; });
    rejects("startLine type", [&](json& l) { region(l)["startLine"] = "1"; });
    rejects("endLine order", [&](json& l) { region(l)["startLine"] = 5; region(l)["endLine"] = 4; });
    rejects("uri", [&](json& l) { art(l)["uri"] = "a b\\Dockerfile"; });
    rejects("uri base", [&](json& l) { art(l)["uri"] = "Dockerfile"; art(l).erase("uriBaseId"); });
    rejects("rule level", [](json& l) { l["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] = "info"; });
    rejects("rule text", [](json& l) { l["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"].erase("text"); });
    rejects("helpUri", [](json& l) { l["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "docs/lint.md#x"; });
    rejects("tags", [](json& l) { l["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"] = {"a", "a"}; });
    rejects("executionSuccessful", [](json& l) { l["runs"][0]["invocations"][0].erase("executionSuccessful"); });
  }

  TEST_CASE("cli lint: every corpus lint case gives a valid SARIF log") {
    const std::string cases = dockimg_test::corpus_dir() + "/lint/cases";
    if (dockimg_test::skip_without(cases + "/01-go-distroless-good/Dockerfile")) return;
    std::size_t logs = 0, results = 0, matched = 0;
    for (const std::string& name : dockimg_test::list_dir(cases)) {
      const std::string d = cases + "/" + name;
      if (!dockimg_test::exists(d + "/Dockerfile")) continue;
      // the case's context: its file list and its .dockerignore, when it has them
      std::string args;
      if (dockimg_test::exists(d + "/context.txt")) args += " --context-list " + shell_quote(d + "/context.txt");
      if (dockimg_test::exists(d + "/.dockerignore")) args += " --dockerignore " + shell_quote(d + "/.dockerignore");
      args += " " + shell_quote(d + "/Dockerfile");
      for (const char* profile : {"default", "strict"}) {
        CAPTURE(name);
        CAPTURE(profile);
        const auto r = run_cli(std::string("lint --format sarif --profile ") + profile + args);
        CHECK(r.status != 2);
        const json log = parse_json(r.out);
        sarif_checker sc;
        const std::size_t n = sc.check(log);
        CHECK_MESSAGE(sc.errors.empty(), joined(sc.errors));
        const auto rj = run_cli(std::string("lint --format json --profile ") + profile + args);
        const json js = parse_json(rj.out);
        CHECK(js.at("summary").at("findings") == n);
        CHECK(r.status == rj.status);
        ++logs;
        results += n;
        // The catalogue findings are exactly the case's expected rows (line and rule).
        std::set<std::pair<long, std::string>> want, got;
        for (const auto& cols : dockimg_test::read_tsv_rows(d + "/expected.tsv"))
          if (cols.size() >= 3 && (cols[2] == "default" || std::string(profile) == "strict"))
            want.emplace(std::stol(cols[0]), cols[1]);
        for (const json& f : js.at("files").at(0).at("findings"))
          if (f.at("origin") == "dockimg") got.emplace(f.at("instruction_line").get<long>(), f.at("rule").get<std::string>());
        CHECK(got == want);
        matched += want.size();
        // The .dockerignore beside the Dockerfile is found without --dockerignore.
        if (dockimg_test::exists(d + "/context.txt")) {
          const auto rb = run_cli(std::string("lint --format json --profile ") + profile + " --context-list " +
                                  shell_quote(d + "/context.txt") + " " + shell_quote(d + "/Dockerfile"));
          CHECK(parse_json(rb.out).at("summary").at("findings") == n);
        }
      }
    }
    CHECK(logs == 50);
    CHECK(matched == 163);  // 56 default rows twice (both profiles) + 51 strict rows
    std::printf("cli lint: %zu SARIF logs valid with %zu results; %zu of 163 expected (profile, line, rule) rows "
                "through the CLI\n",
                logs, results, matched);
  }
}

// Conformance of the Dockerfile parser with BuildKit, driven by ../shared/corpus/buildkit-parser.
// Every expectation comes from the corpus (BuildKit's own result files, or values computed by
// running BuildKit's parser); nothing here restates what the parser produces.
#include <doctest/doctest.h>

#include <cstdio>
#include <dirent.h>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace df = dockimg::dockerfile;
using nlohmann::json;
using dockimg_test::corpus_dir;
using dockimg_test::parsed;

namespace {


std::string source_of(const json& r) {
  if (r.contains("dockerfile")) return r["dockerfile"].get<std::string>();
  if (r.contains("dockerfile_b64")) return dockimg_test::base64_decode(r["dockerfile_b64"].get<std::string>());
  std::string text;
  dockimg_test::read_file(corpus_dir() + "/buildkit-parser/" + r["dockerfile_file"].get<std::string>(), text);
  return text;
}

std::string dump_trimmed(const df::document& doc) {
  std::string d = df::dump_string(doc);
  if (!d.empty() && d.back() == '\n') d.pop_back();
  return d;
}

std::vector<std::string> values_of(const df::instruction& ins) {
  std::vector<std::string> v;
  for (const auto& w : ins.args()) v.emplace_back(w.value);
  return v;
}

std::string u8(std::string_view s) { return dockimg_test::json_text(s); }

std::vector<std::string> u8(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (const auto& s : v) out.push_back(u8(s));
  return out;
}

/// Compares one BuildKit node (as recorded in `computed.children[]`) with an instruction.
/// Returns an empty string when they agree, else what differs.
std::string compare_node(const json& c, const df::instruction& ins, bool top) {
  if (c["value"].get<std::string>() != u8(ins.name())) return "value";
  if (c["original"].get<std::string>() != u8(ins.original())) return "original";
  std::vector<std::string> flags;
  for (const auto& f : ins.flags()) flags.emplace_back(u8(f.text));
  if (c["flags"].get<std::vector<std::string>>() != flags) return "flags";
  const bool json_attr = c.contains("attributes") && c["attributes"].value("json", false);
  if (json_attr != ins.json()) return "attributes";
  if (top) {
    if (c["start_line"].get<std::uint32_t>() != ins.start_line()) return "start_line";
    if (c["end_line"].get<std::uint32_t>() != ins.end_line()) return "end_line";
  } else if (c["start_line"].get<int>() != 0 || c["end_line"].get<int>() != 0) {
    return "trigger lines";
  }
  std::vector<std::string> comments;
  for (const auto& cm : ins.comments()) comments.emplace_back(u8(cm.text));
  const auto expected_comments =
      c.contains("prev_comment") ? c["prev_comment"].get<std::vector<std::string>>() : std::vector<std::string>{};
  if (expected_comments != comments) return "prev_comment";
  const auto& hs = ins.heredocs();
  const std::size_t nh = c.contains("heredocs") && c["heredocs"].is_array() ? c["heredocs"].size() : 0;
  if (nh != hs.size()) return "heredoc count";
  for (std::size_t i = 0; i < nh; ++i) {
    const auto& h = c["heredocs"][i];
    if (h["name"].get<std::string>() != u8(hs[i].name)) return "heredoc name";
    if (h["content"].get<std::string>() != u8(hs[i].content)) return "heredoc content";
    if (h["expand"].get<bool>() != hs[i].expand) return "heredoc expand";
    if (h["chomp"].get<bool>() != hs[i].chomp) return "heredoc chomp";
    if (h["fd"].get<std::uint64_t>() != hs[i].fd) return "heredoc fd";
  }
  const auto& next = c["next"];
  if (!next.empty() && next[0].is_object()) {
    if (ins.trigger() == nullptr) return "missing trigger";
    return compare_node(next[0]["children"][0], *ins.trigger(), false);
  }
  if (ins.trigger() != nullptr) return "unexpected trigger";
  if (next.get<std::vector<std::string>>() != u8(values_of(ins))) return "next";
  return {};
}

/// Compares everything the parser layer owns in a probe/testfiles `computed` object.
std::string compare_computed(const json& c, const parsed& p) {
  const auto& doc = p.doc;
  if (c.contains("error")) {
    if (doc.ok()) return "expected error: " + c["error"]["message"].get<std::string>();
    if (df::message(doc.error()) != c["error"]["message"].get<std::string>()) {
      return "message: " + df::message(doc.error()) + " != " + c["error"]["message"].get<std::string>();
    }
    const auto& loc = c["error"]["locations"][0];
    if (loc.front()[0].get<std::uint32_t>() != doc.error().start_line ||
        loc.back()[0].get<std::uint32_t>() != doc.error().end_line) {
      return "error location " + loc.dump() + " vs " + std::to_string(doc.error().start_line) + ".." +
             std::to_string(doc.error().end_line);
    }
  } else if (!doc.ok()) {
    return "unexpected error: " + df::message(doc.error());
  }
  if (c.contains("escape_token") && c["escape_token"].get<std::string>() != std::string(1, doc.escape())) {
    return "escape_token";
  }
  if (c.contains("dump") && c["dump"].get<std::string>() != dump_trimmed(doc)) {
    return "dump:\n" + dump_trimmed(doc) + "\nexpected:\n" + c["dump"].get<std::string>();
  }
  if (c.contains("ast_lines")) {
    if (c["ast_lines"][0].get<std::uint32_t>() != doc.start_line() ||
        c["ast_lines"][1].get<std::uint32_t>() != doc.end_line()) {
      return "ast_lines";
    }
  }
  if (c.contains("warnings")) {
    std::vector<std::pair<std::string, std::uint32_t>> got;
    doc.for_each_warning([&](const df::diagnostic& w) { got.emplace_back(df::message(w), w.start_line); });
    if (got.size() != c["warnings"].size()) return "warning count";
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i].first != c["warnings"][i]["short"].get<std::string>()) return "warning text";
      if (got[i].second != c["warnings"][i]["line"].get<std::uint32_t>()) return "warning line";
    }
  }
  if (c.contains("children")) {
    const auto& ch = c["children"];
    if (ch.size() != doc.instructions().size()) return "child count";
    std::size_t i = 0;
    for (const auto& ins : doc.instructions()) {
      const std::string d = compare_node(ch[i], ins, true);
      if (!d.empty()) return "child " + std::to_string(i) + ": " + d;
      ++i;
    }
  }
  return {};
}

}  // namespace

TEST_SUITE("dockerfile.conformance") {

TEST_CASE("testfiles: every result file reproduced byte for byte") {
  const std::string dir = corpus_dir() + "/buildkit-parser/testfiles";
  if (dockimg_test::skip_without(dir + "/json/Dockerfile")) return;
  int total = 0;
  int same = 0;
  for (const auto& name : dockimg_test::list_dir(dir)) {
    std::string text;
    std::string expected;
    REQUIRE(dockimg_test::read_file(dir + "/" + name + "/Dockerfile", text));
    REQUIRE(dockimg_test::read_file(dir + "/" + name + "/result", expected));
    parsed p(text);
    ++total;
    const std::string got = p.doc.ok() ? df::dump_string(p.doc) : "error: " + df::message(p.doc.error());
    if (got == expected) {
      ++same;
    } else {
      FAIL_CHECK(name << ":\n" << got << "\nexpected:\n" << expected);
    }
  }
  std::printf("testfiles: %d of %d result files reproduced\n", same, total);
  CHECK(total == 33);
  CHECK(same == total);
}

TEST_CASE("testfiles_computed: full node fields of every testfile - negatives included") {
  const std::string path = corpus_dir() + "/buildkit-parser/testfiles_computed.jsonl";
  if (dockimg_test::skip_without(path)) return;
  int total = 0;
  int agree = 0;
  int negatives = 0;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    parsed p(source_of(r));
    ++total;
    if (r["computed"].contains("error")) ++negatives;
    const std::string d = compare_computed(r["computed"], p);
    if (d.empty()) {
      ++agree;
    } else {
      FAIL_CHECK(r["id"].get<std::string>() << ": " << d);
    }
  }
  std::printf("testfiles_computed: %d of %d agree (%d negative files)\n", agree, total, negatives);
  CHECK(negatives == 4);
  CHECK(agree == total);
}

TEST_CASE("testfile-line: line numbers of TestParseIncludesLineNumbers") {
  const std::string path = corpus_dir() + "/buildkit-parser/parser_tests.jsonl";
  if (dockimg_test::skip_without(path)) return;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    if (r["kind"] != "line_numbers") continue;
    parsed p(source_of(r));
    REQUIRE(p.doc.ok());
    const auto& e = r["expected"];
    CHECK(p.doc.start_line() == e["ast_start_line"].get<std::uint32_t>());
    CHECK(p.doc.end_line() == e["ast_end_line"].get<std::uint32_t>());
    REQUIRE(p.doc.instructions().size() == e["children"].size());
    std::size_t i = 0;
    for (const auto& ins : p.doc.instructions()) {
      CHECK(ins.start_line() == e["children"][i][0].get<std::uint32_t>());
      CHECK(ins.end_line() == e["children"][i][1].get<std::uint32_t>());
      ++i;
    }
  }
}

TEST_CASE("probe_parser: every parser-layer field of every probe") {
  const std::string path = corpus_dir() + "/buildkit-parser/probe_parser.jsonl";
  if (dockimg_test::skip_without(path)) return;
  int total = 0;
  int agree = 0;
  std::map<std::string, int> per_category;
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    parsed p(source_of(r));
    ++total;
    const std::string d = compare_computed(r["computed"], p);
    if (d.empty()) {
      ++agree;
    } else {
      ++per_category[r["category"].get<std::string>()];
      FAIL_CHECK(r["id"].get<std::string>() << ": " << d);
    }
  }
  std::printf(
      "probe_parser: %d of %d records agree on error, escape, dump, lines, warnings and node fields\n"
      "  (their 'instructions' and 'stages' fields belong to the instruction layer, checked elsewhere)\n",
      agree, total);
  for (const auto& [cat, n] : per_category) std::printf("  disagreeing in %s: %d\n", cat.c_str(), n);
  CHECK(agree == total);
}

TEST_CASE("parser_tests: every parser-layer record") {
  const std::string path = corpus_dir() + "/buildkit-parser/parser_tests.jsonl";
  if (dockimg_test::skip_without(path)) return;
  std::map<std::string, std::pair<int, int>> per_kind;  // kind -> (run, agree)
  for (const auto& r : dockimg_test::read_jsonl(path)) {
    const std::string kind = r["kind"];
    const std::string id = r["id"];
    const json& c = r.contains("computed") ? r["computed"] : r["expected"];
    bool ok = false;
    std::string why;
    if (kind == "parse") {
      parsed p(source_of(r));
      if (c.contains("warnings")) {
        std::vector<std::pair<std::string, std::uint32_t>> got;
        p.doc.for_each_warning([&](const df::diagnostic& w) { got.emplace_back(df::message(w), w.start_line); });
        ok = got.size() == c["warnings"].size();
        for (std::size_t i = 0; ok && i < got.size(); ++i) {
          ok = got[i].first == c["warnings"][i]["short"] && got[i].second == c["warnings"][i]["line"];
        }
      } else if (r["expected"].contains("error") && !r["expected"]["error"].is_null()) {
        ok = !p.doc.ok() && df::message(p.doc.error()) == r["expected"]["error"].get<std::string>();
        why = p.doc.ok() ? "no error" : df::message(p.doc.error());
      } else if (c.contains("dump")) {
        ok = p.doc.ok() && c["dump"].get<std::string>() == dump_trimmed(p.doc);
      } else {
        ok = p.doc.ok();
      }
      if (ok && r["expected"].contains("heredocs_by_child")) {
        for (const auto& [idx, hs] : r["expected"]["heredocs_by_child"].items()) {
          std::size_t i = 0;
          const df::instruction* ins = nullptr;
          for (const auto& x : p.doc.instructions()) {
            if (i++ == static_cast<std::size_t>(std::stoi(idx))) ins = &x;
          }
          if (ins == nullptr) {
            ok = false;
            break;
          }
          const std::size_t n = hs.is_null() ? 0 : hs.size();
          if (n != ins->heredocs().size()) {
            ok = false;
            why = "heredoc count at child " + idx;
            break;
          }
          for (std::size_t k = 0; k < n; ++k) {
            const auto& h = hs[k];
            const auto& g = ins->heredocs()[k];
            if (h["name"] != std::string(g.name) || h["content"] != std::string(g.content) ||
                h["expand"] != g.expand || h["chomp"] != g.chomp) {
              ok = false;
              why = "heredoc " + std::to_string(k) + " at child " + idx;
            }
          }
        }
      }
    } else if (kind == "line_numbers") {
      parsed p(source_of(r));
      ok = p.doc.ok() && p.doc.start_line() == r["expected"]["ast_start_line"] &&
           p.doc.end_line() == r["expected"]["ast_end_line"];
    } else if (kind == "parse_words") {
      const std::string in = r["input"];
      const char esc = r["escape"].get<std::string>()[0];
      std::vector<std::string> words;
      df::split_words(in, esc, [&](std::size_t b, std::size_t e) {
        words.emplace_back(in.substr(b, e - b));
        return true;
      });
      ok = words == c["words"].get<std::vector<std::string>>();
    } else if (kind == "parse_json") {
      // parseJSON receives the argument text after the flags; RUN hands it over unchanged.
      parsed p("RUN " + r["input"].get<std::string>());
      if (c.contains("error") && !c["error"].is_null()) {
        ok = !p.doc.ok() && p.doc.error().code == df::errc::json_not_string_array;
      } else if (c.value("json", false)) {
        ok = p.doc.ok() && p.doc.instructions().begin()->json() &&
             values_of(*p.doc.instructions().begin()) == c["values"].get<std::vector<std::string>>();
      } else {
        ok = p.doc.ok() && !p.doc.instructions().begin()->json();
      }
    } else if (kind == "parse_name_val") {
      parsed p(r["key"].get<std::string>() + " " + r["input"].get<std::string>());
      if (c.contains("error")) {
        ok = !p.doc.ok() && df::message(p.doc.error()) == c["error"].get<std::string>();
      } else {
        ok = p.doc.ok() && values_of(*p.doc.instructions().begin()) == c["values"].get<std::vector<std::string>>();
      }
    } else if (kind == "parse_heredoc_word") {
      std::vector<unsigned char> mem(1 << 16);
      dockimg::arena a(mem.data(), mem.size());
      const std::string word = r["input"];  // the result refers to the word: keep it alive
      const auto h = df::parse_heredoc_word(word, a);
      if (c.contains("error")) {
        df::diagnostic d;
        d.code = df::errc::heredoc_lexing;
        d.detail = h.rest;
        d.lexer = h.lexer;
        ok = h.status == df::heredoc_status::lex_error && df::message(d) == c["error"].get<std::string>();
        why = df::message(d);
      } else if (c["heredoc"].is_null()) {
        ok = h.status == df::heredoc_status::not_heredoc;
      } else {
        const auto& e = c["heredoc"];
        ok = h.status == df::heredoc_status::heredoc && e["name"] == std::string(h.value.name) &&
             e["fd"] == h.value.fd && e["expand"] == h.value.expand && e["chomp"] == h.value.chomp;
      }
    } else if (kind == "heredocs_from_line") {
      std::vector<unsigned char> mem(1 << 16);
      dockimg::arena a(mem.data(), mem.size());
      json got = json::array();
      const std::string line = r["input"];
      df::find_heredocs(line, a, [&](const df::heredoc& h) {
        got.push_back({{"name", std::string(h.name)}, {"fd", h.fd}, {"expand", h.expand}, {"chomp", h.chomp}});
        return true;
      });
      ok = got == c["heredocs"];
      why = got.dump();
    } else if (kind == "chomp_heredoc_content") {
      const std::string in = r["input"];
      std::string out(in.size(), '\0');
      out.resize(df::chomp_heredoc(in, out.data()));
      ok = out == r["expected"].get<std::string>();
    } else if (kind == "directive_parse_all") {
      parsed p(r["input"].get<std::string>());
      json got = json::array();
      for (const auto& d : p.doc.directives()) {
        got.push_back({{"name", std::string(d.name)}, {"value", std::string(d.value)}, {"line", d.line}});
      }
      ok = got == c["directives"];
      why = got.dump();
    } else if (kind == "detect_syntax" || kind == "parse_directive") {
      const std::string in = r["input"];
      const auto m = kind == "detect_syntax" ? df::detect_syntax(in) : df::find_directive(r["key"].get<std::string>(), in);
      ok = m.found == c["ok"].get<bool>();
      if (ok && m.found) {
        ok = std::string(m.ref) == c["ref"].get<std::string>() && std::string(m.cmdline) == c["cmdline"].get<std::string>() &&
             m.line == c["line"].get<std::uint32_t>();
      }
    } else {
      FAIL_CHECK("unknown record kind " << kind << " in " << id);
      continue;
    }
    auto& k = per_kind[kind];
    ++k.first;
    if (ok) {
      ++k.second;
    } else {
      FAIL_CHECK(id << " disagrees " << why);
    }
  }
  int run = 0;
  int agree = 0;
  for (const auto& [kind, n] : per_kind) {
    std::printf("parser_tests %-22s %d of %d agree\n", kind.c_str(), n.second, n.first);
    run += n.first;
    agree += n.second;
  }
  std::printf("parser_tests: %d of %d records agree; none judged not applicable\n", agree, run);
  CHECK(agree == run);
}

TEST_CASE("real-world Dockerfiles: no crash - BuildKit's verdict counted") {
  const std::string manifest = corpus_dir() + "/real/MANIFEST.tsv";
  if (dockimg_test::skip_without(manifest)) return;
  std::string text;
  REQUIRE(dockimg_test::read_file(manifest, text));
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header
  int files = 0;
  std::map<std::string, int> rejected;
  std::map<std::string, int> unknown;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    const std::string path = line.substr(0, tab);
    const std::string kind = line.substr(tab + 1, line.find('\t', tab + 1) - tab - 1);
    if (kind != "dockerfile") continue;
    std::string src;
    REQUIRE(dockimg_test::read_file(corpus_dir() + "/real/" + path, src));
    parsed p(src);
    ++files;
    if (!p.doc.ok()) {
      ++rejected[df::message(p.doc.error())];
      std::printf("  rejected like BuildKit: %s: %s\n", path.c_str(), df::message(p.doc.error()).c_str());
    }
    // Every view lies inside the source or the arena, and positions are ordered.
    for (const auto& ins : p.doc.instructions()) {
      if (ins.kind() == df::keyword::unknown) {
        // BuildKit's parser accepts it; its instruction layer rejects it ("unknown instruction").
        ++unknown[std::string(ins.name())];
        std::printf("  unknown instruction (rejected by BuildKit's instruction layer): %s:%u: %s\n", path.c_str(),
                    ins.start_line(), std::string(ins.name()).c_str());
      }
      CHECK(ins.range().begin <= ins.range().end);
      CHECK(ins.range().end <= p.text.size());
      CHECK(ins.start_line() <= ins.end_line());
    }
  }
  int total_rejected = 0;
  for (const auto& [msg, n] : rejected) total_rejected += n;
  std::printf("real: %d Dockerfiles parsed, %d rejected by the parser layer\n", files, total_rejected);
  for (const auto& [msg, n] : rejected) std::printf("  %3d x %s\n", n, msg.c_str());
  int unknown_total = 0;
  for (const auto& [name, n] : unknown) unknown_total += n;
  std::printf("real: %d instructions with a keyword BuildKit does not know (its instruction layer rejects them)\n",
              unknown_total);
  CHECK(files == 1794);
}

}  // TEST_SUITE

// Unit tests of dockerfile.hpp: the API, positions, limits and hostile input. BuildKit conformance
// itself is tested against the corpus in dockerfile_conformance_test.cpp.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace df = dockimg::dockerfile;
using dockimg_test::parsed;

static_assert(df::keyword_from("FrOm") == df::keyword::from);
static_assert(df::keyword_from("healthcheck") == df::keyword::healthcheck);
static_assert(df::keyword_from("WOR\xE2\x84\xAA" "DIR") == df::keyword::workdir, "KELVIN SIGN lowers to k");
static_assert(df::keyword_from("FROMX") == df::keyword::unknown);
static_assert(df::keyword_from("") == df::keyword::unknown);
static_assert(df::to_string(df::keyword::stopsignal) == "STOPSIGNAL");
static_assert(std::is_trivially_copyable_v<df::instruction>);
static_assert(std::is_trivially_copyable_v<df::word>);
static_assert(noexcept(df::parse(std::string_view(), std::declval<dockimg::arena&>())));

namespace {

std::string text_at(const parsed& p, dockimg::source_range r) { return p.text.substr(r.begin, r.end - r.begin); }

const df::instruction& nth(const df::document& doc, std::size_t i) {
  auto it = doc.instructions().begin();
  while (i-- > 0) ++it;
  return *it;
}

}  // namespace

TEST_SUITE("dockerfile") {

TEST_CASE("instructions carry keyword - arguments and exact positions") {
  parsed p("# syntax=docker/dockerfile:1\nFROM alpine:3.20 AS base\n  run   echo hi\n");
  REQUIRE(p.doc.ok());
  REQUIRE(p.doc.instructions().size() == 2);
  const auto& from = nth(p.doc, 0);
  CHECK(from.kind() == df::keyword::from);
  CHECK(from.start_line() == 2);
  REQUIRE(from.args().size() == 3);
  CHECK(from.args()[2].value == "base");
  CHECK(text_at(p, from.args()[2].range) == "base");
  const auto& run = nth(p.doc, 1);
  CHECK(run.name() == "run");
  CHECK(run.kind() == df::keyword::run);
  CHECK(run.original() == "run   echo hi");
  dockimg::source_locator loc(p.text);
  const auto kw = loc.locate(run.name_range().begin);
  CHECK(kw.line == 3);
  CHECK(kw.column == 3);
  const auto arg = loc.locate(run.args()[0].range.begin);
  CHECK(arg.line == 3);
  CHECK(arg.column == 9);
  REQUIRE(p.doc.directives().size() == 1);
  CHECK(p.doc.directives()[0].name == "syntax");
  CHECK(p.doc.directives()[0].value == "docker/dockerfile:1");
  CHECK(text_at(p, p.doc.directives()[0].range) == "docker/dockerfile:1");
}

TEST_CASE("continuation lines: the joined text maps back to the source") {
  parsed p("FROM a\nCOPY --chown=1:1 \\\n  # a comment\n  src \\\n\n  /dst\n");
  REQUIRE(p.doc.ok());
  const auto& copy = nth(p.doc, 1);
  CHECK(copy.original() == "COPY --chown=1:1   src   /dst");
  CHECK(copy.start_line() == 2);
  CHECK(copy.end_line() == 6);
  CHECK(copy.pieces().size() == 3);
  REQUIRE(copy.flags().size() == 1);
  CHECK(copy.flags()[0].name() == "chown");
  CHECK(copy.flags()[0].value() == "1:1");
  CHECK(text_at(p, copy.flags()[0].range) == "--chown=1:1");
  REQUIRE(copy.args().size() == 2);
  CHECK(text_at(p, copy.args()[0].range) == "src");
  CHECK(text_at(p, copy.args()[1].range) == "/dst");
  dockimg::source_locator loc(p.text);
  CHECK(loc.locate(copy.args()[1].range.begin).line == 6);
  CHECK(copy.has_empty_continuation());
  CHECK(p.doc.warning_count() == 1);
  const auto w = copy.warning();
  CHECK(w.code == df::errc::empty_continuation_line);
  CHECK(w.start_line == 6);
  CHECK(loc.locate(w.range.begin).line == 5);
  CHECK(df::message(w) == "Empty continuation line found in: COPY --chown=1:1   src   /dst");
}

TEST_CASE("flags keep BuildKit's unquoting and carry their source range") {
  parsed p("FROM a\nRUN --mount=type=secret,id=\"my id\" --network=none echo\n");
  REQUIRE(p.doc.ok());
  const auto& run = nth(p.doc, 1);
  REQUIRE(run.flags().size() == 2);
  CHECK(run.flags()[0].text == "--mount=type=secret,id=my id");
  CHECK(text_at(p, run.flags()[0].range) == "--mount=type=secret,id=\"my id\"");
  CHECK(run.flags()[1].name() == "network");
  CHECK_FALSE(run.json());
}

TEST_CASE("exec form strings are decoded - with the range of their JSON token") {
  parsed p("FROM a\nCMD [\"echo\", \"a\\tb\"]\n");
  REQUIRE(p.doc.ok());
  const auto& cmd = nth(p.doc, 1);
  CHECK(cmd.json());
  REQUIRE(cmd.args().size() == 2);
  CHECK(cmd.args()[1].value == "a\tb");
  CHECK(text_at(p, cmd.args()[1].range) == "\"a\\tb\"");
}

TEST_CASE("heredocs: name - content - lines") {
  parsed p("FROM a\nRUN <<EOF cat\nhello\nEOF\nCOPY <<-'X' /y\n\tz\n\tX\n");
  REQUIRE(p.doc.ok());
  const auto& run = nth(p.doc, 1);
  REQUIRE(run.heredocs().size() == 1);
  CHECK(run.heredocs()[0].name == "EOF");
  CHECK(run.heredocs()[0].content == "hello\n");
  CHECK(run.heredocs()[0].expand);
  CHECK(run.heredocs()[0].start_line == 3);
  CHECK(run.heredocs()[0].end_line == 4);
  CHECK(run.end_line() == 4);
  const auto& copy = nth(p.doc, 2);
  REQUIRE(copy.heredocs().size() == 1);
  CHECK_FALSE(copy.heredocs()[0].expand);
  CHECK(copy.heredocs()[0].chomp);
  CHECK(copy.heredocs()[0].content == "\tz\n");
  std::string chomped(copy.heredocs()[0].content.size(), '\0');
  chomped.resize(df::chomp_heredoc(copy.heredocs()[0].content, chomped.data()));
  CHECK(chomped == "z\n");
}

TEST_CASE("errors carry a code - BuildKit's lines and an exact range") {
  SUBCASE("ENV without a value") {
    parsed p("FROM a\nENV foo\n");
    REQUIRE_FALSE(p.doc.ok());
    CHECK(p.doc.error().code == df::errc::needs_two_arguments);
    CHECK(df::message(p.doc.error()) == "ENV must have two arguments");
    CHECK(p.doc.error().start_line == 2);
    CHECK(text_at(p, p.doc.error().range) == "foo");
    CHECK(p.doc.instructions().size() == 1);  // what was parsed before the error stays available
  }
  SUBCASE("invalid escape directive: BuildKit's 0-based line, our exact range") {
    parsed p("# escape=x\nFROM a\n");
    REQUIRE_FALSE(p.doc.ok());
    CHECK(p.doc.error().code == df::errc::invalid_escape_token);
    CHECK(p.doc.error().start_line == 0);
    dockimg::source_locator loc(p.text);
    CHECK(loc.locate(p.doc.error().range.begin).line == 1);
    CHECK(loc.locate(p.doc.error().range.begin).column == 10);
  }
  SUBCASE("a word without '=' in the key=value form") {
    parsed p("FROM a\nLABEL a=b c\n");
    REQUIRE_FALSE(p.doc.ok());
    CHECK(df::message(p.doc.error()) == "Syntax error - can't find = in \"c\". Must be of the form: name=value");
    CHECK(text_at(p, p.doc.error().range) == "c");
  }
  SUBCASE("unterminated heredoc") {
    parsed p("FROM a\nRUN <<EOF\nx\n");
    REQUIRE_FALSE(p.doc.ok());
    CHECK(p.doc.error().code == df::errc::unterminated_heredoc);
    CHECK(p.doc.error().start_line == 2);
    CHECK(p.doc.error().end_line == 3);
  }
  SUBCASE("empty file") {
    parsed p("");
    CHECK(p.doc.error().code == df::errc::no_instructions);
  }
}

TEST_CASE("a too small arena is reported - never overrun") {
  const std::string text = "FROM a\nRUN echo \\\n  b\nENV a=b c=d\nCOPY [\"x\", \"y\"] \nRUN <<EOF\nz\nEOF\n";
  const std::size_t need = df::storage_hint(text);
  std::size_t smallest_ok = need;
  for (std::size_t n = 0; n < need; n += 7) {
    std::vector<unsigned char> mem(n + 1);
    dockimg::arena a(mem.data(), n);
    const auto doc = df::parse(text, a);
    CHECK(mem[n] == 0);  // nothing written past the arena
    if (doc.ok() && n < smallest_ok) smallest_ok = n;
    if (!doc.ok()) CHECK(doc.error().code == df::errc::out_of_storage);
  }
  CHECK(smallest_ok < need);
}

TEST_CASE("storage_hint is enough for the densest inputs") {
  auto rep = [](const std::string& s, int n) {
    std::string o;
    for (int i = 0; i < n; ++i) o += s;
    return o;
  };
  // One shape per record kind, each as dense as the syntax allows.
  const std::string cases[] = {
      rep("a\n", 10000),                                   // an instruction every two bytes
      "FROM a\n" + rep("ONBUILD ", 5000) + "RUN x\n",     // ONBUILD chains
      "FROM a\nENV " + rep("a= ", 5000) + "\n",           // key/value/separator triples
      rep("#a\n", 10000) + "FROM a\n",                    // comments
      "FROM a\nRUN " + rep("<<a ", 2000) + "\n" + rep("a\n", 2000),  // heredocs
      "FROM " + rep("a ", 10000),                          // words
      "CMD [" + rep("\"\",", 5000) + "\"\"]",               // JSON strings
      "RUN " + rep("--a ", 5000) + "x",                     // flags
      "RUN a" + rep("\\\na", 10000),                        // continuation pieces
      "LABEL " + rep("\xff= ", 5000),                       // sanitised words
      "RUN <<" + rep("\"a\"", 3000) + "\n",                  // long heredoc names
  };
  for (const auto& text : cases) {
    std::vector<unsigned char> mem(df::storage_hint(text));
    dockimg::arena a(mem.data(), mem.size());
    const auto doc = df::parse(text, a);
    CHECK(doc.error().code != df::errc::out_of_storage);
  }
}

TEST_CASE("deeply nested ONBUILD and long continuations do not exhaust the stack") {
  std::string text = "FROM a\n";
  for (int i = 0; i < 200000; ++i) text += "ONBUILD \\\n";
  text += "RUN x\n";
  parsed p(text);
  REQUIRE(p.doc.ok());
  std::size_t depth = 0;
  for (const df::instruction* t = &nth(p.doc, 1); t != nullptr; t = t->trigger()) ++depth;
  CHECK(depth == 200001);
  std::size_t bytes = 0;
  df::dump(p.doc, [&](std::string_view s) { bytes += s.size(); });
  CHECK(bytes > 200000);
}

TEST_CASE("hostile input: random documents parse without crashing and views stay in bounds") {
  const std::string alphabet[] = {"FROM ", "RUN ",  "COPY ", "ENV ", "ONBUILD ", "HEALTHCHECK ", "ARG ", "LABEL ",
                                  "<<",    "<<-",   "EOF",   "\n",   "\\\n",     "`",            "\\",   "\"",
                                  "'",     "[",     "]",     ",",    "=",        "--",           "$",    "{",
                                  "}",     " ",     "\t",    "#",    "# escape=`\n", "\xC2\xA0",  "\xFF", "a",
                                  "1e999", "\r",    ":-",    "\"a\"", "[\"a\"]",  "\x00"};
  std::mt19937 rng(12345);
  std::vector<unsigned char> mem;
  for (int iter = 0; iter < 30000; ++iter) {
    std::string text;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) text += alphabet[rng() % (sizeof(alphabet) / sizeof(alphabet[0]))];
    mem.assign(df::storage_hint(text), 0);
    dockimg::arena a(mem.data(), mem.size());
    const auto doc = df::parse(text, a);
    CHECK(doc.error().code != df::errc::out_of_storage);
    for (const auto& ins : doc.instructions()) {
      CHECK(ins.range().end <= text.size());
      for (const auto& w : ins.args()) CHECK(w.range.end <= text.size());
      for (const auto& f : ins.flags()) CHECK(f.range.end <= text.size());
    }
    std::size_t bytes = 0;
    df::dump(doc, [&](std::string_view s) { bytes += s.size(); });
  }
}

}  // TEST_SUITE

// Tests of dockimg/shell.hpp, BuildKit's shell-word lexer: conformance with the corpus
// (envVarTest, wordsTest, lexer_tests.jsonl, probe_lexer.jsonl), zero allocation, the quirks,
// the limits, a differential test of the glob matcher against a backtracking reference, and
// hostile input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dockimg/detail/go_quote.hpp>
#include <dockimg/shell.hpp>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"

#ifndef DOCKIMG_CORPUS_DIR
#define DOCKIMG_CORPUS_DIR "/work/shared/corpus"
#endif

// REQUIRE and FAIL need exceptions (the strict20 preset builds with -fno-exceptions): these
// record the failure and leave the test case instead.
#define SHELL_REQUIRE(cond)                     \
  do {                                          \
    if (!(cond)) {                              \
      FAIL_CHECK("requirement failed: " #cond); \
      return;                                   \
    }                                           \
  } while (false)

namespace {

namespace sh = dockimg::shell;
using json = nlohmann::json;

std::string shell_corpus_dir() {
  if (const char* env = std::getenv("DOCKIMG_CORPUS_DIR")) return env;
  return DOCKIMG_CORPUS_DIR;
}

std::string shell_corpus_path(const char* rel) {
  return shell_corpus_dir() + "/buildkit-parser/" + rel;
}

bool shell_read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

/// Prints the line ctest treats as a skip when the corpus file is missing.
bool shell_skip_without(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (in) return false;
  std::printf("SKIPPED: corpus not found at %s\n", path.c_str());
  return true;
}

std::vector<json> shell_read_jsonl(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

/// An environment together with the storage it views.
struct owned_env {
  std::vector<std::string> entries;
  std::vector<std::string_view> views;
  explicit owned_env(std::vector<std::string> e = {}) : entries(std::move(e)) {
    for (const std::string& s : entries) views.emplace_back(s);
  }
  owned_env(const owned_env& o) : owned_env(o.entries) {}
  owned_env& operator=(const owned_env&) = delete;
  [[nodiscard]] sh::environment env(bool windows = false) const {
    return sh::environment(views.data(), views.size(), windows);
  }
  [[nodiscard]] std::size_t bytes() const {
    std::size_t n = 0;
    for (const std::string& s : entries) n += s.size();
    return n;
  }
};

struct word_outcome {
  bool ok = false;
  std::string word;
  std::vector<std::string> matched;
  std::vector<std::string> unmatched;
  std::string error;
  sh::errc code = sh::errc::ok;
};

struct words_outcome {
  bool ok = false;
  std::vector<std::string> words;
  std::string error;
  sh::errc code = sh::errc::ok;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// process_word with buffers that grow until they suffice.
word_outcome run_word(std::string_view input, const sh::environment& env, const sh::options& opt,
                      std::size_t env_bytes = 0) {
  std::size_t size = sh::scratch_bound(input) + 4 * env_bytes;
  std::size_t names = 4;
  for (;;) {
    std::vector<char> buf(size);
    std::vector<std::string_view> m(names);
    std::vector<std::string_view> um(names);
    const sh::word_result r = sh::process_word(input, env, opt, buf.data(), buf.size(), m.data(),
                                               m.size(), um.data(), um.size());
    if (r.code == sh::errc::no_space) {
      size *= 2;
      names *= 2;
      continue;
    }
    word_outcome o;
    o.code = r.code;
    o.ok = r.ok();
    if (o.ok) {
      o.word = std::string(r.word);
      for (std::size_t i = 0; i < r.matched_count; ++i) o.matched.emplace_back(m[i]);
      for (std::size_t i = 0; i < r.unmatched_count; ++i) o.unmatched.emplace_back(um[i]);
    } else {
      o.error = sh::message(input, r.error);
    }
    return o;
  }
}

/// process_words with buffers that grow until they suffice.
words_outcome run_words(std::string_view input, const sh::environment& env, const sh::options& opt,
                        std::size_t env_bytes = 0) {
  std::size_t size = sh::scratch_bound(input) + 4 * env_bytes;
  std::size_t count = sh::words_bound(input);
  for (;;) {
    std::vector<char> buf(size);
    std::vector<std::string_view> w(count);
    const sh::words_result r =
        sh::process_words(input, env, opt, buf.data(), buf.size(), w.data(), w.size());
    if (r.code == sh::errc::no_space) {
      size *= 2;
      count *= 2;
      continue;
    }
    words_outcome o;
    o.code = r.code;
    o.ok = r.ok();
    if (o.ok) {
      for (std::size_t i = 0; i < r.count; ++i) o.words.emplace_back(w[i]);
    } else {
      o.error = sh::message(input, r.error);
    }
    return o;
  }
}

std::string word_of(std::string_view input, const std::vector<std::string>& env = {},
                    sh::options opt = {}) {
  const owned_env e(env);
  const word_outcome o = run_word(input, e.env(), opt, e.bytes());
  return o.ok ? o.word : "ERROR: " + o.error;
}

std::vector<std::string> words_of(std::string_view input, const std::vector<std::string>& env = {},
                                  sh::options opt = {}) {
  const owned_env e(env);
  const words_outcome o = run_words(input, e.env(), opt, e.bytes());
  return o.ok ? o.words : std::vector<std::string>{"ERROR: " + o.error};
}

std::vector<std::string> json_strings(const json& j) {
  std::vector<std::string> v;
  for (const json& e : j) v.push_back(e.get<std::string>());
  return v;
}

std::string trim_space(std::string_view s) {
  // Go strings.TrimSpace on the ASCII whitespace these files contain.
  auto sp = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && sp(s[b])) ++b;
  while (e > b && sp(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, p - start));
    start = p + 1;
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (std::string& l : lines) {
    if (!l.empty() && l.back() == '\r') l.pop_back();  // bufio.ScanLines drops a trailing \r
  }
  return lines;
}

sh::options options_of(const json& r) {
  sh::options o;
  if (r.contains("escape") && r["escape"].is_string()) {
    const std::string e = r["escape"].get<std::string>();
    if (!e.empty()) o.escape = e[0];
  }
  o.raw_quotes = r.value("raw_quotes", false);
  o.raw_escapes = r.value("raw_escapes", false);
  o.skip_unset_env = r.value("skip_unset_env", false);
  o.skip_process_quotes = r.value("skip_process_quotes", false);
  return o;
}

/// Compares a process_word outcome with a `computed` object; `err_key` names the error field.
bool agrees_word(const word_outcome& o, const json& c, const char* err_key, std::string& why) {
  if (c.contains(err_key) && !c[err_key].is_null()) {
    if (o.ok) {
      why = "expected error, got word \"" + o.word + "\"";
      return false;
    }
    if (c[err_key].is_string() && c[err_key].get<std::string>() != o.error) {
      why = "error text: got [" + o.error + "] want [" + c[err_key].get<std::string>() + "]";
      return false;
    }
    return true;
  }
  if (!o.ok) {
    why = "unexpected error " + o.error;
    return false;
  }
  if (c.contains("word") && c["word"].get<std::string>() != o.word) {
    why = "word: got [" + o.word + "] want [" + c["word"].get<std::string>() + "]";
    return false;
  }
  if (c.contains("matched") && sorted(json_strings(c["matched"])) != sorted(o.matched)) {
    why = "matched set differs";
    return false;
  }
  if (c.contains("unmatched") && sorted(json_strings(c["unmatched"])) != sorted(o.unmatched)) {
    why = "unmatched set differs";
    return false;
  }
  return true;
}

bool agrees_words(const words_outcome& o, const json& c, const char* words_key, const char* err_key,
                  std::string& why) {
  if (c.contains(err_key) && !c[err_key].is_null()) {
    if (o.ok) {
      why = "expected words error";
      return false;
    }
    if (c[err_key].is_string() && c[err_key].get<std::string>() != o.error) {
      why = "words error text: got [" + o.error + "] want [" + c[err_key].get<std::string>() + "]";
      return false;
    }
    return true;
  }
  if (!c.contains(words_key) || c[words_key].is_null()) return true;
  if (!o.ok) {
    why = "unexpected words error " + o.error;
    return false;
  }
  if (json_strings(c[words_key]) != o.words) {
    why = "words differ: got " + json(o.words).dump() + " want " + c[words_key].dump();
    return false;
  }
  return true;
}

/// Every input of the corpus with its environment and options (for the allocation test).
struct corpus_case {
  std::string input;
  owned_env env;
  sh::options opt;
  bool windows = false;
};

std::vector<corpus_case> all_corpus_cases() {
  std::vector<corpus_case> cases;
  for (const char* file : {"lexer_tests.jsonl", "probe_lexer.jsonl"}) {
    const std::string path = shell_corpus_path(file);
    std::ifstream probe(path);
    if (!probe) continue;
    for (const json& r : shell_read_jsonl(path)) {
      if (!r.contains("input") || !r["input"].is_string() || r.value("internal", false)) continue;
      corpus_case c{
          r["input"].get<std::string>(),
          owned_env(r.contains("env") ? json_strings(r["env"]) : std::vector<std::string>{}),
          options_of(r), r.value("platform", std::string()) == "windows"};
      cases.push_back(c);
    }
  }
  return cases;
}

}  // namespace

TEST_SUITE("shell") {
  TEST_CASE("shell: envVarTest conformance") {
    const std::string path = shell_corpus_path("shell/envVarTest");
    if (shell_skip_without(path)) return;
    std::string text;
    SHELL_REQUIRE(shell_read_file(path, text));
    const owned_env env({"PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="});
    int total = 0;
    int passed = 0;
    for (const std::string& raw : lines_of(text)) {
      if (raw.rfind('#', 0) == 0) continue;
      const std::string line = trim_space(raw);
      if (line.empty()) continue;
      const std::vector<std::string> f = split(line, '|');
      SHELL_REQUIRE(f.size() == 3);
      const std::string platform = trim_space(f[0]);
      const std::string source = trim_space(f[1]);
      const std::string expected = trim_space(f[2]);
      ++total;
      bool ok = true;
      for (const bool windows : {false, true}) {
        if (windows ? platform == "U" : platform == "W") continue;
        const word_outcome o = run_word(source, env.env(windows), sh::options{});
        const bool good = expected == "error" ? !o.ok : (o.ok && o.word == expected);
        if (!good) {
          ok = false;
          MESSAGE("envVarTest " << platform << " (" << (windows ? "windows" : "linux") << ") ["
                                << source << "]: got [" << (o.ok ? o.word : o.error) << "] want ["
                                << expected << "]");
        }
      }
      if (ok) ++passed;
    }
    std::printf("shell envVarTest: %d/%d cases agree\n", passed, total);
    CHECK(total == 230);
    CHECK(passed == 230);
  }

  TEST_CASE("shell: wordsTest conformance") {
    const std::string path = shell_corpus_path("shell/wordsTest");
    if (shell_skip_without(path)) return;
    std::string text;
    SHELL_REQUIRE(shell_read_file(path, text));
    std::vector<std::string> envs;
    int total = 0;
    int passed = 0;
    for (const std::string& line : lines_of(text)) {
      if (line.rfind('#', 0) == 0) continue;
      if (line.rfind("ENV ", 0) == 0) {
        std::string e = line.substr(3);
        e.erase(0, e.find_first_not_of(' '));
        envs.push_back(e);
        continue;
      }
      const std::vector<std::string> f = split(line, '|');
      SHELL_REQUIRE(f.size() == 2);
      const std::string test = trim_space(f[0]);
      std::string rhs = f[1];
      rhs.erase(0, std::min(rhs.size(), rhs.find_first_not_of(' ')));
      const std::vector<std::string> expected = split(rhs, ',');
      ++total;
      const owned_env env(envs);
      const words_outcome o = run_words(test, env.env(), sh::options{}, env.bytes());
      const std::vector<std::string> got = o.ok ? o.words : std::vector<std::string>{"error"};
      if (got == expected) {
        ++passed;
      } else {
        MESSAGE("wordsTest [" << test << "]: got " << json(got).dump() << " want "
                              << json(expected).dump());
      }
    }
    std::printf("shell wordsTest: %d/%d cases agree\n", passed, total);
    CHECK(total == 24);
    CHECK(passed == 24);
  }

  TEST_CASE("shell: lexer_tests.jsonl conformance") {
    const std::string path = shell_corpus_path("lexer_tests.jsonl");
    if (shell_skip_without(path)) return;
    const std::vector<json> records = shell_read_jsonl(path);
    int run = 0;
    int agree = 0;
    int internal = 0;
    for (const json& r : records) {
      if (r.value("internal", false)) {
        ++internal;
        continue;
      }
      ++run;
      const std::string kind = r["kind"].get<std::string>();
      const owned_env env(r.contains("env") ? json_strings(r["env"]) : std::vector<std::string>{});
      const sh::options opt = options_of(r);
      const json& c = r["computed"];
      std::string why;
      bool ok = true;
      if (kind == "process_word") {
        const std::string input = r["input"].get<std::string>();
        const word_outcome o = run_word(input, env.env(), opt, env.bytes());
        ok = agrees_word(o, c, "error", why);
        if (ok) {
          const words_outcome w = run_words(input, env.env(), opt, env.bytes());
          ok = agrees_words(w, c, "words", "words_error", why);
        }
        if (ok && r.value("platform", std::string()) == "windows") {
          // `computed` was produced on Linux; the Windows expectation is upstream's assertion.
          const word_outcome wo = run_word(input, env.env(true), opt, env.bytes());
          ok = agrees_word(wo, r["expected"], "error", why);
        }
      } else if (kind == "process_words") {
        const std::string input = r["input"].get<std::string>();
        const words_outcome w = run_words(input, env.env(), opt, env.bytes());
        ok = agrees_words(w, c, "words", "error", why);
      } else if (kind == "env_get") {
        const std::string key = r["key"].get<std::string>();
        std::string_view value;
        const bool found = env.env().get(key, &value);
        ok = found == c["found"].get<bool>() && std::string(value) == c["value"].get<std::string>();
        if (!ok) why = "env_get differs";
      } else {
        ok = false;
        why = "unknown kind " + kind;
      }
      if (ok) {
        ++agree;
      } else {
        MESSAGE(r["id"].get<std::string>() << ": " << why);
      }
    }
    std::printf("shell lexer_tests.jsonl: %d run, %d agree, %d internal skipped (of %zu)\n", run,
                agree, internal, records.size());
    CHECK(records.size() == 331);
    CHECK(run == agree);
  }

  TEST_CASE("shell: probe_lexer.jsonl conformance") {
    const std::string path = shell_corpus_path("probe_lexer.jsonl");
    if (shell_skip_without(path)) return;
    const std::vector<json> records = shell_read_jsonl(path);
    int run = 0;
    int agree = 0;
    int internal = 0;
    for (const json& r : records) {
      if (r.value("internal", false)) {
        ++internal;
        continue;
      }
      ++run;
      const std::string input = r["input"].get<std::string>();
      const owned_env env(json_strings(r["env"]));
      const sh::options opt = options_of(r);
      const json& c = r["computed"];
      std::string why;
      const word_outcome o = run_word(input, env.env(), opt, env.bytes());
      bool ok = agrees_word(o, c, "word_error", why);
      if (ok) {
        const words_outcome w = run_words(input, env.env(), opt, env.bytes());
        ok = agrees_words(w, c, "words", "words_error", why);
      }
      if (ok) {
        ++agree;
      } else {
        MESSAGE(r["id"].get<std::string>() << ": " << why);
      }
    }
    std::printf("shell probe_lexer.jsonl: %d run, %d agree, %d internal skipped (of %zu)\n", run,
                agree, internal, records.size());
    CHECK(records.size() == 109);
    CHECK(run == agree);
  }

  TEST_CASE("shell: no allocation on the corpus inputs") {
    if (shell_skip_without(shell_corpus_path("lexer_tests.jsonl"))) return;
    const std::vector<corpus_case> cases = all_corpus_cases();
    SHELL_REQUIRE(!cases.empty());
    std::vector<sh::environment> envs;
    for (const corpus_case& c : cases) envs.push_back(c.env.env(c.windows));
    std::vector<char> buf(1 << 16);
    std::vector<std::string_view> names(256);
    std::vector<std::string_view> names2(256);
    std::vector<std::string_view> words(256);
    std::size_t ok_count = 0;
    std::size_t message_bytes = 0;
    std::size_t allocations = 0;
    {
      dockimg_test::alloc_scope scope;
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const corpus_case& c = cases[i];
        const sh::word_result w =
            sh::process_word(c.input, envs[i], c.opt, buf.data(), buf.size(), names.data(),
                             names.size(), names2.data(), names2.size());
        if (w.ok()) {
          ++ok_count;
        } else {
          sh::write_message(c.input, w.error,
                            [&](std::string_view p) { message_bytes += p.size(); });
        }
        const sh::words_result ws = sh::process_words(c.input, envs[i], c.opt, buf.data(),
                                                      buf.size(), words.data(), words.size());
        if (ws.ok()) ++ok_count;
      }
      allocations = scope.count();
    }
    CHECK(ok_count > 0);
    CHECK(message_bytes > 0);
    CHECK(allocations == 0);
  }

  TEST_CASE("shell: quirks") {
    // The shared words buffer: a nested word resets the words being built.
    CHECK(words_of("he${XXX:-000}xx") == std::vector<std::string>{"000xx"});
    CHECK(word_of("he${XXX:-000}xx") == "he000xx");
    CHECK(words_of("a b${X:-c}d e") == std::vector<std::string>{"a", "cd", "e"});
    CHECK(words_of("ab\"${X:-y}\"") == std::vector<std::string>{"y"});
    // Byte order mark dropped only at the very start; invalid bytes read as U+FFFD; NUL passes.
    CHECK(word_of("\xEF\xBB\xBF"
                  "a") == "a");
    CHECK(word_of("a\xEF\xBB\xBF"
                  "b") ==
          "a\xEF\xBB\xBF"
          "b");
    CHECK(word_of("a\xFF"
                  "b") ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(word_of(std::string_view("a\0b", 3)) == std::string("a\0b", 3));
    // Environment values are inserted raw by ProcessWord, but re-encoded by word splitting.
    CHECK(word_of("$V", {"V=\xFF"}) == "\xFF");
    CHECK(words_of("$V", {"V=\xFF"}) == std::vector<std::string>{"\xEF\xBF\xBD"});
    CHECK(words_of("\"$V\"", {"V=\xFF"}) == std::vector<std::string>{"\xFF"});
    CHECK(words_of("x$V", {"V=a\xFF\xFE b"}) ==
          std::vector<std::string>{"xa\xEF\xBF\xBD\xEF\xBF\xBD", "b"});
    // Suffix removal normalises invalid bytes (reverseString), prefix removal does not.
    CHECK(word_of("${V%x}", {"V=a\xFF"}) == "a\xEF\xBF\xBD");
    CHECK(word_of("${V#x}", {"V=a\xFF"}) == "a\xFF");
    CHECK(word_of("${V%?}", {"V=a\xFF"}) == "a");
    // The error for % shows the reversed pattern.
    CHECK(word_of("${V%a\\x}", {"V=1"}) ==
          "ERROR: failed to process \"${V%a\\\\x}\": invalid pattern (\\xa) in substitution: "
          "invalid escape '\\x'");
    CHECK(word_of("${V#a\\x}", {"V=1"}) ==
          "ERROR: failed to process \"${V#a\\\\x}\": invalid pattern (a\\x) in substitution: "
          "invalid escape '\\x'");
    CHECK(word_of("${V#'\\'}", {"V=1"}) ==
          "ERROR: failed to process \"${V#'\\\\'}\": invalid pattern (\\) in substitution: invalid "
          "escape '\\\xEF\xBF\xBD'");
    // Greediness is decided on the expanded word.
    CHECK(word_of("${V#$P}", {"V=aXbXc", "P=#*X"}) == "c");
    CHECK(word_of("${V#$P}", {"V=aXbXc", "P=*X"}) == "bXc");
    // `.` and `*` do not match a newline; a literal newline does.
    CHECK(word_of("${V#*}", {"V=ab\ncd"}) == "ab\ncd");
    CHECK(word_of("${V##*}", {"V=ab\ncd"}) == "\ncd");
    CHECK(word_of("${V##*\n*}", {"V=ab\ncd\nef"}) == "\nef");
    CHECK(word_of("${V#?}", {"V=\nx"}) == "\nx");
    CHECK(word_of("${V//?/.}", {"V=a\nb"}) == ".\n.");
    CHECK(word_of("${V//*/.}", {"V=ab\ncd"}) == ".\n.");
    // ReplaceAllString: empty matches, and $0 / ${0} / $$ / $1 in the replacement.
    CHECK(word_of("${V//$E/-}", {"V=abc", "E="}) == "-a-b-c-");
    CHECK(word_of("${V//a*/X}", {"V=baaac"}) == "bX");  // the glob a* is the regexp a.*
    CHECK(word_of("${V//?/X}", {"V=ab"}) == "XX");
    CHECK(word_of("${V//b/$R}", {"V=abc", "R=[$0]"}) == "a[b]c");
    CHECK(word_of("${V//b/$R}", {"V=abc", "R=[${0}|$1|$$|$|${x]"}) == "a[b||$|$|${x]c");
    CHECK(word_of("${V//b/$R}", {"V=abc", "R=$00$0x$0_"}) == "ac");
    CHECK(word_of("${V/b/$R}", {"V=abc", "R=[$0]"}) == "a[$0]c");  // single / takes it literally
    CHECK(word_of("${V//b/'$0'}", {"V=abc"}) == "abc");
    CHECK(word_of("${V//b/\\$0}", {"V=abc"}) == "a\\bc");
    // Greedy stars in replacements; leftmost match.
    CHECK(word_of("${V/a*b/X}", {"V=xaabab"}) == "xX");
    CHECK(word_of("${V/a?/X}", {"V=xaabab"}) == "xXbab");
    // SkipUnsetEnv keeps the text (a `//` comes out as one slash; quotes are processed).
    sh::options skip;
    skip.skip_unset_env = true;
    CHECK(word_of("${U//a/b}", {}, skip) == "${U/a/b}");
    CHECK(word_of("${U:-'a b'}", {}, skip) == "${U:-a b}");
    CHECK(word_of("${U##x}", {}, skip) == "${U##x}");
    CHECK(word_of("$U${U}", {}, skip) == "$U${U}");
    CHECK(word_of("${U:\xFFx}", {}, skip) == "${U:\xEF\xBF\xBDx}");
    // Names: Unicode letters and digits; digits-first names take all digits.
    CHECK(word_of("$\xC3\xB1"
                  "a",
                  {"\xC3\xB1"
                   "a=1"}) == "1");
    CHECK(word_of("$0123x", {"0123=z"}) == "zx");
    // Errors inside nested words become "missing '}'" at the end of the input.
    CHECK(word_of("${A:-${B?msg}") ==
          "ERROR: failed to process \"${A:-${B?msg}\": syntax error: missing '}'");
    CHECK(word_of("${A:-${B?msg}}") == "ERROR: failed to process \"${A:-${B?msg}}\": B: msg");
    CHECK(word_of("${A/x") ==
          "ERROR: failed to process \"${A/x\": syntax error: missing '/' in ${}");
    CHECK(word_of("${A/x/y") == "ERROR: failed to process \"${A/x/y\": syntax error: missing '}'");
    CHECK(word_of("${A:") == "ERROR: failed to process \"${A:\": syntax error: missing '}'");
    CHECK(word_of("${A:?}", {"A="}) ==
          "ERROR: failed to process \"${A:?}\": A: is not allowed to be empty");
    // Windows keys: case-insensitive, Unicode simple uppercase.
    const owned_env wenv({"Path=/bin", "\xC3\xA9t\xC3\xA9=x"});
    CHECK(run_word("$PATH-$path-$\xC3\x89T\xC3\x89", wenv.env(true), {}).word == "/bin-/bin-x");
    CHECK(run_word("$PATH", wenv.env(false), {}).word == "");
    CHECK(sh::equal_env_keys("\xC5\xBF", "s", true));               // ſ uppercases to S
    CHECK(sh::equal_env_keys("k", "\xE2\x84\xAA", true) == false);  // Kelvin sign stays itself
    CHECK(sh::equal_env_keys("\xFF", "\xEF\xBF\xBD", true));
    CHECK(!sh::equal_env_keys("\xFF", "\xEF\xBF\xBD", false));
    // Environment forms.
    const sh::env_var pairs[] = {{"A", "1"}, {"A", "2"}};
    std::string_view v;
    CHECK(sh::environment(pairs, 2).get("A", &v));
    CHECK(v == "2");
    CHECK(!sh::environment().get("A", &v));
    struct ctx_t {
      int calls = 0;
    } ctx;
    const sh::environment cb(
        [](const void* c, std::string_view key, std::string_view* value) noexcept {
          ++static_cast<ctx_t*>(const_cast<void*>(c))->calls;
          if (key != "X") return false;
          *value = "cb";
          return true;
        },
        &ctx);
    char out[64];
    CHECK(sh::process_word("$X$Y", cb, {}, out, sizeof out).word == "cb");
    CHECK(ctx.calls == 2);
  }

  TEST_CASE("shell: Go strconv.Quote") {
    auto q = [](std::string_view s) {
      std::string out;
      dockimg::detail::write_go_quote(s, [&](std::string_view p) { out += p; });
      CHECK(out.size() == dockimg::detail::go_quoted_size(s));
      return out;
    };
    CHECK(q("") == "\"\"");
    CHECK(q("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(q("\a\b\f\n\r\t\v") == "\"\\a\\b\\f\\n\\r\\t\\v\"");
    CHECK(q(std::string_view("\0\x1f\x7f", 3)) == "\"\\x00\\x1f\\x7f\"");
    CHECK(q("\xFF"
            "a\xC3") == "\"\\xffa\\xc3\"");
    CHECK(q("\xC2\xA0\xE2\x80\xA8\xEF\xBB\xBF") == "\"\\u00a0\\u2028\\ufeff\"");
    CHECK(q("한국어 \xEF\xBF\xBD") == "\"한국어 \xEF\xBF\xBD\"");
    CHECK(q("\xF3\xA0\x80\x81") == "\"\\U000e0001\"");
  }

  TEST_CASE("shell: limits") {
    const sh::environment env;
    // Nesting: max_nesting levels in all (the top level included) work, one more does not.
    auto nested = [](std::size_t levels) {
      std::string s;
      for (std::size_t i = 0; i < levels; ++i) s += "${A:-";
      s += "x";
      for (std::size_t i = 0; i < levels; ++i) s += "}";
      return s;
    };
    const std::string ok_input = nested(sh::max_nesting - 1);
    std::vector<char> buf(sh::scratch_bound(ok_input));
    sh::word_result r = sh::process_word(ok_input, env, {}, buf.data(), buf.size());
    CHECK(r.ok());
    CHECK(r.word == "x");
    const std::string deep = nested(sh::max_nesting);
    buf.resize(sh::scratch_bound(deep));
    r = sh::process_word(deep, env, {}, buf.data(), buf.size());
    CHECK(r.code == sh::errc::nesting_too_deep);
    CHECK(sh::message(deep, r.error).find("nested too deeply") != std::string::npos);
    const std::string very_deep = nested(100000);
    buf.resize(sh::scratch_bound(very_deep));
    std::vector<std::string_view> words(sh::words_bound(very_deep));
    const sh::words_result wr =
        sh::process_words(very_deep, env, {}, buf.data(), buf.size(), words.data(), words.size());
    CHECK(wr.code == sh::errc::nesting_too_deep);
    // Double quotes between the levels count the same.
    std::string dq;
    for (int i = 0; i < 5000; ++i) dq += "\"${A:-";
    buf.resize(sh::scratch_bound(dq));
    CHECK(sh::process_word(dq, env, {}, buf.data(), buf.size()).code == sh::errc::nesting_too_deep);

    // no_space: every size below the need fails cleanly, never writing past the end.
    const std::string input = "abc ${A:-def} \"ghi $B\" ${C//b/xyz}";
    const owned_env e({"B=bbbbbbbb", "C=abcabc"});
    const std::string full = word_of(input, e.entries);
    CHECK(full == "abc def ghi bbbbbbbb axyzcaxyzc");
    CHECK(words_of(input, e.entries) ==
          std::vector<std::string>{"abc", "def", "ghi bbbbbbbb", "axyzcaxyzc"});
    for (std::size_t n = 0; n < 64; ++n) {
      std::vector<char> small(n + 16, '#');
      const sh::word_result sr = sh::process_word(input, e.env(), {}, small.data(), n);
      CHECK((sr.code == sh::errc::no_space || (sr.ok() && sr.word == full)));
      for (std::size_t i = n; i < small.size(); ++i) CHECK(small[i] == '#');
      std::vector<std::string_view> w(8);
      const sh::words_result sw =
          sh::process_words(input, e.env(), {}, small.data(), n, w.data(), w.size());
      CHECK((sw.code == sh::errc::no_space || (sw.ok() && sw.count == 4)));
      for (std::size_t i = n; i < small.size(); ++i) CHECK(small[i] == '#');
    }
    std::vector<std::string_view> few(2);
    char big[256];
    CHECK(sh::process_words("a b c", env, {}, big, sizeof big, few.data(), few.size()).code ==
          sh::errc::no_space);
    CHECK(sh::process_words("a b", env, {}, big, sizeof big, few.data(), few.size()).count == 2);
    std::string_view one[1];
    CHECK(sh::process_word("$A$B", env, {}, big, sizeof big, nullptr, 0, one, 1).code ==
          sh::errc::no_space);
    const sh::word_result dedup =
        sh::process_word("$A$A${A}", env, {}, big, sizeof big, nullptr, 0, one, 1);
    CHECK(dedup.ok());
    CHECK(dedup.unmatched_count == 1);
    CHECK(sh::process_word("x", env, {}, nullptr, 0).code == sh::errc::no_space);
    CHECK(sh::process_word("", env, {}, nullptr, 0).ok());
    CHECK(sh::scratch_bound("") >= 1);
    static_assert(sh::scratch_bound("abc") >= 27, "constexpr");
    static_assert(sh::scratch_bound(std::size_t{3}) == sh::scratch_bound("abc"), "size overload");
    static_assert(sh::words_bound(std::size_t{4}) == sh::words_bound("a  b"), "size overload");
    static_assert(sh::scratch_bound(0) == sh::scratch_bound(""), "0 picks the size overload");
  }

  TEST_CASE("shell: glob matcher agrees with a backtracking reference") {
    // The reference: Go's leftmost-first semantics by plain backtracking over the glob elements
    // ('*' = ".*" or ".*?", '?' = '.', which do not match a newline), ASCII only.
    struct ref {
      std::string pat;
      std::string text;
      bool greedy = true;
      // End of the first match at (pi, ti) in priority order, or -1.
      long match(std::size_t pi, std::size_t ti) const {
        if (pi == pat.size()) return static_cast<long>(ti);
        const char p = pat[pi];
        if (p == '*') {
          const bool can = ti < text.size() && text[ti] != '\n';
          if (greedy) {
            if (can) {
              const long r = match(pi, ti + 1);
              if (r >= 0) return r;
            }
            return match(pi + 1, ti);
          }
          const long r = match(pi + 1, ti);
          if (r >= 0 || !can) return r;
          return match(pi, ti + 1);
        }
        if (ti >= text.size()) return -1;
        if (p == '?' ? text[ti] == '\n' : text[ti] != p) return -1;
        return match(pi + 1, ti + 1);
      }
    };
    auto rev = [](std::string s) {
      std::reverse(s.begin(), s.end());
      return s;
    };
    std::mt19937 rng(12345);
    auto pick = [&](const char* alphabet, std::size_t max_len) {
      std::string s;
      const std::size_t len = rng() % (max_len + 1);
      const std::size_t n = std::strlen(alphabet);
      for (std::size_t i = 0; i < len; ++i) s += alphabet[rng() % n];
      return s;
    };
    int checked = 0;
    for (int iter = 0; iter < 20000; ++iter) {
      const std::string value = pick("ab\n", 9);
      const std::string pat = pick("ab*?\n", 6);
      const std::vector<std::string> env{"V=" + value};
      // ${V#p} ${V##p}
      for (const bool greedy : {false, true}) {
        ref rf{pat, value, greedy};
        const long e = rf.match(0, 0);
        const std::string want = e < 0 ? value : value.substr(static_cast<std::size_t>(e));
        const std::string input = std::string("${V") + (greedy ? "##" : "#") + pat + "}";
        const std::string got = word_of(input, env);
        if (got != want)
          FAIL_CHECK("[" << input << "] V=[" << value << "] got [" << got << "] want [" << want
                         << "]");
        ++checked;
      }
      // ${V%p} ${V%%p}
      for (const bool greedy : {false, true}) {
        ref rf{rev(pat), rev(value), greedy};
        const long e = rf.match(0, 0);
        const std::string want =
            e < 0 ? value : rev(rev(value).substr(static_cast<std::size_t>(e)));
        const std::string input = std::string("${V") + (greedy ? "%%" : "%") + pat + "}";
        const std::string got = word_of(input, env);
        if (got != want)
          FAIL_CHECK("[" << input << "] V=[" << value << "] got [" << got << "] want [" << want
                         << "]");
        ++checked;
      }
      // ${V/p/X} ${V//p/X} (an empty p would turn ${V/p/X} into ${V//X})
      if (pat.empty()) {
        checked += 2;
      } else {
        ref rf{pat, value, true};
        auto search = [&](std::size_t from, std::size_t& a, std::size_t& b) {
          for (std::size_t s = from; s <= value.size(); ++s) {
            const long e = rf.match(0, s);
            if (e >= 0) {
              a = s;
              b = static_cast<std::size_t>(e);
              return true;
            }
          }
          return false;
        };
        std::size_t a = 0;
        std::size_t b = 0;
        std::string want1 = value;
        if (search(0, a, b)) want1 = value.substr(0, a) + "X" + value.substr(b);
        std::string want2;
        std::size_t last = 0;
        std::size_t pos = 0;
        while (pos <= value.size() && search(pos, a, b)) {
          want2 += value.substr(last, a - last);
          if (b > last || a == 0) want2 += "X";
          last = b;
          if (pos + 1 > b) {
            ++pos;
          } else {
            pos = b;
          }
        }
        want2 += value.substr(last);
        const std::string got1 = word_of("${V/" + pat + "/X}", env);
        const std::string got2 = word_of("${V//" + pat + "/X}", env);
        if (got1 != want1)
          FAIL_CHECK("[${V/" << pat << "/X}] V=[" << value << "] got [" << got1 << "] want ["
                             << want1 << "]");
        if (got2 != want2)
          FAIL_CHECK("[${V//" << pat << "/X}] V=[" << value << "] got [" << got2 << "] want ["
                              << want2 << "]");
        checked += 2;
      }
    }
    CHECK(checked == 20000 * 6);
  }

  TEST_CASE("shell: hostile input never crashes") {
    std::mt19937 rng(4242);
    const char alphabet[] = {'$', '{',  '}',  ':', '-', '+', '?', '#', '%',
                             '/', '\\', '\'', '"', '<', ' ', 'a', 'b'};
    const char extra[] = {'*',    '\n', '`', '\xFF', '\xEF', '\xBB',
                          '\xBF', 'A',  '0', '@',    '\t',   '\0'};
    const owned_env rich({"a=a b", "b=*?\\", "A=x\xFFy", "ab=", "b=$0${0}//", "0=zero"});
    const sh::environment empty;
    std::vector<char> buf;
    std::vector<char> ref_buf(1 << 15);
    std::vector<std::string_view> words(4096);
    std::vector<std::string_view> m(64);
    std::vector<std::string_view> um(64);
    std::size_t failures = 0;
    const int iterations = 300000;
    for (int iter = 0; iter < iterations; ++iter) {
      std::string s;
      const std::size_t len = rng() % 40;
      const bool use_extra = iter % 3 == 0;
      for (std::size_t i = 0; i < len; ++i) {
        if (use_extra && rng() % 4 == 0) {
          s += extra[rng() % sizeof extra];
        } else {
          s += alphabet[rng() % sizeof alphabet];
        }
      }
      sh::options opt;
      opt.escape = rng() % 5 == 0 ? '`' : '\\';
      opt.raw_quotes = rng() % 4 == 0;
      opt.raw_escapes = rng() % 4 == 0;
      opt.skip_process_quotes = rng() % 6 == 0;
      opt.skip_unset_env = rng() % 4 == 0;
      // Empty environment: scratch_bound and words_bound always suffice (exact-size buffers with
      // guard bytes behind them).
      const std::size_t bound = sh::scratch_bound(s);
      buf.assign(bound + 8, '\x5A');
      const sh::word_result w = sh::process_word(s, empty, opt, buf.data(), bound, m.data(),
                                                 m.size(), um.data(), um.size());
      if (w.code == sh::errc::no_space) ++failures;
      if (w.ok() && !w.word.empty() && w.word.data() >= buf.data() &&
          w.word.data() < buf.data() + buf.size()) {
        CHECK(w.word.data() + w.word.size() <= buf.data() + bound);
      }
      for (std::size_t i = bound; i < buf.size(); ++i) {
        if (buf[i] != '\x5A') ++failures;
      }
      const std::size_t wb = sh::words_bound(s);
      const sh::words_result ws =
          sh::process_words(s, empty, opt, buf.data(), bound, words.data(), wb);
      if (ws.code == sh::errc::no_space) ++failures;
      for (std::size_t i = bound; i < buf.size(); ++i) {
        if (buf[i] != '\x5A') ++failures;
      }
      if (!w.ok()) (void)sh::message(s, w.error);
      if (!ws.ok()) (void)sh::message(s, ws.error);
      // A rich environment, random small buffers: either the full result or no_space.
      const sh::environment env = rich.env(iter % 2 == 0);
      const sh::word_result full = sh::process_word(s, env, opt, ref_buf.data(), ref_buf.size(),
                                                    m.data(), m.size(), um.data(), um.size());
      const std::string full_word(full.word);
      const std::size_t n = rng() % 64;
      buf.assign(n + 8, '\x5A');
      const sh::word_result part = sh::process_word(s, env, opt, buf.data(), n);
      if (!(part.code == sh::errc::no_space || part.code == full.code)) ++failures;
      if (part.ok() && full.ok() && std::string(part.word) != full_word) ++failures;
      for (std::size_t i = n; i < buf.size(); ++i) {
        if (buf[i] != '\x5A') ++failures;
      }
      const sh::words_result full_words = sh::process_words(
          s, env, opt, ref_buf.data(), ref_buf.size(), words.data(), words.size());
      const sh::errc full_words_code = full_words.code;
      const sh::words_result pw = sh::process_words(s, env, opt, buf.data(), n, words.data(), 4);
      if (!(pw.code == sh::errc::no_space || pw.code == full_words_code)) ++failures;
      for (std::size_t i = n; i < buf.size(); ++i) {
        if (buf[i] != '\x5A') ++failures;
      }
      if (failures != 0) {
        std::string hex;
        for (const char ch : s) {
          char tmp[4];
          std::snprintf(tmp, sizeof tmp, "%02x", static_cast<unsigned char>(ch));
          hex += tmp;
        }
        FAIL_CHECK("hostile input failed at iteration " << iter << ": " << hex);
        break;
      }
    }
    CHECK(failures == 0);
  }

}  // TEST_SUITE

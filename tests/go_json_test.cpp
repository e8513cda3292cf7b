// SPDX-License-Identifier: Apache-2.0
// Tests of detail/go_json.hpp: BuildKit's exec-form decision (Go's json.Unmarshal into []any).
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dockimg/detail/go_json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alloc_counter.hpp"

#ifndef DOCKIMG_CORPUS_DIR
#define DOCKIMG_CORPUS_DIR "/work/shared/corpus"
#endif

namespace {

namespace dd = dockimg::detail;
using dd::json_array_status;
using namespace std::string_literals;
using namespace std::string_view_literals;

// The outcome of one call with buffers of the documented bounds.
struct result {
  json_array_status status = json_array_status::not_json;
  std::vector<std::string> values;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> raw;
};

// Calls parse_json_string_array with bound-sized buffers (plus guard bytes that must stay intact)
// and checks the invariants every successful result has.
result run(std::string_view text) {
  const std::size_t buf_size = dd::json_buffer_bound(text);
  const std::size_t max_out = dd::json_count_bound(text);
  std::vector<char> buf(buf_size + 16, '\x5A');
  std::vector<dd::json_string> out(max_out + 2, dd::json_string{"guard", 7, 7});
  std::size_t count = 12345;
  result r;
  r.status = dd::parse_json_string_array(text, buf.data(), buf_size, out.data(), max_out, count);
  for (std::size_t k = buf_size; k < buf.size(); ++k) REQUIRE(buf[k] == '\x5A');
  REQUIRE(out[max_out].value == "guard");
  REQUIRE(out[max_out + 1].value == "guard");
  REQUIRE(r.status != json_array_status::no_space);  // the bounds always suffice
  if (r.status != json_array_status::ok) {
    REQUIRE(count == 0);
    return r;
  }
  REQUIRE(count <= max_out);
  for (std::size_t k = 0; k < count; ++k) {
    const dd::json_string& s = out[k];
    REQUIRE(s.raw_begin < s.raw_end);
    REQUIRE(s.raw_end <= text.size());
    REQUIRE(s.raw_end - s.raw_begin >= 2);
    REQUIRE(text[s.raw_begin] == '"');
    REQUIRE(text[s.raw_end - 1] == '"');
    const std::string_view raw = text.substr(s.raw_begin + 1, s.raw_end - s.raw_begin - 2);
    // A value is either the raw content itself, or lives in the caller's buffer.
    const bool in_text = s.value.data() == raw.data() && s.value.size() == raw.size();
    const bool in_buf =
        s.value.data() >= buf.data() && s.value.data() + s.value.size() <= buf.data() + buf_size;
    REQUIRE((in_text || in_buf));
    if (in_text) REQUIRE(raw.find('\\') == std::string_view::npos);
    r.values.emplace_back(s.value);
    r.raw.emplace_back(s.raw_begin, s.raw_end);
  }
  return r;
}

json_array_status status_of(std::string_view text) { return run(text).status; }

// strings.TrimLeftFunc(s, unicode.IsSpace), as BuildKit's parseJSON does before Unmarshal.
std::string_view trim_go_space(std::string_view s) {
  while (!s.empty()) {
    const dd::decoded_rune d = dd::decode_rune(s);
    if (!dd::is_space(d.rune)) break;
    s.remove_prefix(d.size);
  }
  return s;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool corpus_dir(std::filesystem::path& dir) {
  dir = DOCKIMG_CORPUS_DIR;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::printf("SKIPPED: corpus not found at %s\n", dir.string().c_str());
    return false;
  }
  return true;
}

std::string hex(std::string_view s) {
  static const char digits[] = "0123456789abcdef";
  std::string h;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    h += digits[b >> 4];
    h += digits[b & 15];
  }
  return h;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (std::size_t k = 0; k < n; ++k) r += s;
  return r;
}

const std::string C = std::string(dd::go_json::float64_overflow_digits);  // 2^1024 - 2^970
const std::string C_minus_1 = C.substr(0, C.size() - 1) + "1";
const std::string C_plus_1 = C.substr(0, C.size() - 1) + "3";

void check_values(std::string_view text, const std::vector<std::string>& expected) {
  CAPTURE(text);
  const result r = run(text);
  REQUIRE(r.status == json_array_status::ok);
  CHECK(r.values == expected);
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Corpus
// ------------------------------------------------------------------------------------------------

TEST_CASE("go_json: BuildKit parse_json records") {
  std::filesystem::path dir;
  if (!corpus_dir(dir)) return;
  std::ifstream f(dir / "buildkit-parser" / "parser_tests.jsonl", std::ios::binary);
  REQUIRE(f.good());
  std::string line;
  int records = 0;
  while (std::getline(f, line)) {
    const nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
    REQUIRE(!rec.is_discarded());
    if (!rec.contains("kind") || rec["kind"] != "parse_json") continue;
    ++records;
    const std::string id = rec["id"].get<std::string>();
    const std::string input = rec["input"].get<std::string>();
    CAPTURE(id);
    CAPTURE(input);
    for (const char* which : {"computed", "expected"}) {
      if (!rec.contains(which)) continue;
      const nlohmann::json& want = rec[which];
      const std::string_view text = trim_go_space(input);
      const result r = run(text);
      if (want.contains("json") && want["json"] == true) {
        REQUIRE(r.status == json_array_status::ok);
        std::vector<std::string> values;
        for (const auto& v : want["values"]) values.push_back(v.get<std::string>());
        CHECK(r.values == values);
      } else if (want.contains("error")) {
        CHECK(want["error"] ==
              "when using JSON array syntax, arrays must be comprised of strings only");
        CHECK(r.status == json_array_status::not_string_array);
      } else {
        CHECK(r.status == json_array_status::not_json);  // shell form
      }
    }
  }
  MESSAGE("parse_json records: " << records);
  CHECK(records >= 16);
}

TEST_CASE("go_json: JSONTestSuite") {
  std::filesystem::path dir;
  if (!corpus_dir(dir)) return;
  dir /= "json/test_parsing";
  REQUIRE(std::filesystem::is_directory(dir));

  // i_ files (implementation-defined): what Go's json.Unmarshal into []any does, after BuildKit's
  // TrimLeftFunc(unicode.IsSpace) and its `[` prefix check. For ok, the hex of the decoded values.
  const std::map<std::string, std::pair<json_array_status, std::string>> go_i_verdicts = {
      // Numbers: only ParseFloat overflow (±Inf) is an error; underflow to 0 and huge integers are
      // fine.
      {"i_number_double_huge_neg_exp.json",
       {json_array_status::not_string_array, ""}},                    // 123.456e-789
      {"i_number_huge_exp.json", {json_array_status::not_json, ""}},  // 0.4e00669999…: overflow
      {"i_number_neg_int_huge_exp.json", {json_array_status::not_json, ""}},     // -1e+9999
      {"i_number_pos_double_huge_exp.json", {json_array_status::not_json, ""}},  // 1.5e+9999
      {"i_number_real_neg_overflow.json", {json_array_status::not_json, ""}},    // -123123e100000
      {"i_number_real_pos_overflow.json", {json_array_status::not_json, ""}},    // 123123e100000
      {"i_number_real_underflow.json", {json_array_status::not_string_array, ""}},  // 123e-10000000
      {"i_number_too_big_neg_int.json", {json_array_status::not_string_array, ""}},
      {"i_number_too_big_pos_int.json", {json_array_status::not_string_array, ""}},
      {"i_number_very_big_negative_int.json", {json_array_status::not_string_array, ""}},
      // Valid JSON, but an object: BuildKit requires the `[` prefix.
      {"i_object_key_lone_2nd_surrogate.json", {json_array_status::not_json, ""}},
      {"i_structure_UTF-8_BOM_empty_object.json", {json_array_status::not_json, ""}},
      // Go accepts every surrogate escape: an unpaired one decodes to U+FFFD, a pair combines.
      {"i_string_1st_surrogate_but_2nd_missing.json", {json_array_status::ok, "efbfbd"}},
      {"i_string_1st_valid_surrogate_2nd_invalid.json", {json_array_status::ok, "efbfbde188b4"}},
      {"i_string_incomplete_surrogate_and_escape_valid.json", {json_array_status::ok, "efbfbd0a"}},
      {"i_string_incomplete_surrogate_pair.json", {json_array_status::ok, "efbfbd61"}},
      {"i_string_incomplete_surrogates_escape_valid.json",
       {json_array_status::ok, "efbfbdefbfbd0a"}},
      {"i_string_invalid_lonely_surrogate.json", {json_array_status::ok, "efbfbd"}},
      {"i_string_invalid_surrogate.json", {json_array_status::ok, "efbfbd616263"}},
      {"i_string_inverted_surrogates_U+1D11E.json", {json_array_status::ok, "efbfbdefbfbd"}},
      {"i_string_lone_second_surrogate.json", {json_array_status::ok, "efbfbd"}},
      // Go accepts invalid UTF-8 inside strings: every byte of an invalid sequence becomes U+FFFD.
      {"i_string_UTF-8_invalid_sequence.json", {json_array_status::ok, "e697a5d188efbfbd"}},
      {"i_string_UTF8_surrogate_U+D800.json", {json_array_status::ok, "efbfbdefbfbdefbfbd"}},
      {"i_string_invalid_utf-8.json", {json_array_status::ok, "efbfbd"}},
      {"i_string_iso_latin_1.json", {json_array_status::ok, "efbfbd"}},
      {"i_string_lone_utf8_continuation_byte.json", {json_array_status::ok, "efbfbd"}},
      {"i_string_not_in_unicode_range.json", {json_array_status::ok, "efbfbdefbfbdefbfbdefbfbd"}},
      {"i_string_overlong_sequence_2_bytes.json", {json_array_status::ok, "efbfbdefbfbd"}},
      {"i_string_overlong_sequence_6_bytes.json",
       {json_array_status::ok, "efbfbdefbfbdefbfbdefbfbdefbfbdefbfbd"}},
      {"i_string_overlong_sequence_6_bytes_null.json",
       {json_array_status::ok, "efbfbdefbfbdefbfbdefbfbdefbfbdefbfbd"}},
      {"i_string_truncated-utf-8.json", {json_array_status::ok, "efbfbdefbfbd"}},
      // UTF-16 documents do not start with `[` (BOM or NUL byte first).
      {"i_string_UTF-16LE_with_BOM.json", {json_array_status::not_json, ""}},
      {"i_string_utf16BE_no_BOM.json", {json_array_status::not_json, ""}},
      {"i_string_utf16LE_no_BOM.json", {json_array_status::not_json, ""}},
      // 500 < 10000 levels: valid, but the element is an array.
      {"i_structure_500_nested_arrays.json", {json_array_status::not_string_array, ""}},
  };
  // n_ files that Go's semantics make us accept: none. Every n_ file of the suite fails Go's
  // scanner (its only leniency, invalid UTF-8 inside strings, is exercised by i_ files only), or
  // does not start with `[` after trimming.
  const std::set<std::string> go_accepted_n_files = {};

  int y_arrays = 0;
  int y_compared = 0;
  int n_files = 0;
  int n_bracket = 0;
  int i_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string data = read_file(entry.path());
    const std::string_view text = trim_go_space(data);
    CAPTURE(name);
    if (name.rfind("y_", 0) == 0) {
      // Leading JSON whitespace is also Unicode whitespace, so trimming keeps the document valid.
      if (text.empty() || text[0] != '[') continue;
      ++y_arrays;
      const result r = run(text);
      REQUIRE(r.status != json_array_status::not_json);
      // The suite's y_ files are valid UTF-8 without lone surrogates: nlohmann decodes them alike.
      const nlohmann::json doc = nlohmann::json::parse(data, nullptr, false);
      REQUIRE(doc.is_array());
      bool all_strings = true;
      std::vector<std::string> values;
      for (const auto& v : doc) {
        if (!v.is_string()) {
          all_strings = false;
          break;
        }
        values.push_back(v.get<std::string>());
      }
      CHECK(r.status ==
            (all_strings ? json_array_status::ok : json_array_status::not_string_array));
      if (all_strings) {
        CHECK(r.values == values);
        ++y_compared;
      }
    } else if (name.rfind("n_", 0) == 0) {
      ++n_files;
      if (!data.empty() && data[0] == '[') ++n_bracket;
      const json_array_status st = status_of(text);
      if (go_accepted_n_files.count(name) != 0) {
        CHECK(st != json_array_status::not_json);
      } else {
        CHECK(st == json_array_status::not_json);
      }
    } else if (name.rfind("i_", 0) == 0) {
      ++i_files;
      const auto it = go_i_verdicts.find(name);
      REQUIRE_MESSAGE(it != go_i_verdicts.end(), "no Go verdict recorded for " << name);
      const result r = run(text);
      CHECK(r.status == it->second.first);
      if (r.status == json_array_status::ok) {
        REQUIRE(r.values.size() == 1);
        CHECK(hex(r.values[0]) == it->second.second);
      }
    }
  }
  MESSAGE("y_ arrays: " << y_arrays << " (values compared: " << y_compared
                        << "), n_ files: " << n_files << " (starting with '[': " << n_bracket
                        << "), i_ files: " << i_files);
  CHECK(i_files == static_cast<int>(go_i_verdicts.size()));
  CHECK(y_arrays > 0);
  CHECK(n_bracket > 0);
}

// ------------------------------------------------------------------------------------------------
// Rules
// ------------------------------------------------------------------------------------------------

TEST_CASE("go_json: BuildKit probe cases as argument text") {
  check_values("[]", {});
  check_values("[ ]", {});
  CHECK(status_of(R"(["a" "b"])") == json_array_status::not_json);
  CHECK(status_of(R"(["a",])") == json_array_status::not_json);
  CHECK(status_of(R"(["a", 1])") == json_array_status::not_string_array);
  CHECK(status_of(R"(["a"] x)") == json_array_status::not_json);
  CHECK(status_of(R"(["a\qb"])") == json_array_status::not_json);
  CHECK(status_of(R"(["c:\windows"])") == json_array_status::not_json);
  CHECK(status_of("[null]") == json_array_status::not_string_array);
  check_values(R"(["a"]   )", {"a"});
  check_values(R"(["\u00e9\ud83d\ude00"])", {"\xC3\xA9\xF0\x9F\x98\x80"});
  check_values(R"(["\ud800"])", {"\xEF\xBF\xBD"});
  CHECK(status_of(R"({"a":1})") == json_array_status::not_json);
  CHECK(status_of(R"([["a"]])") == json_array_status::not_string_array);
  CHECK(status_of(R"(["a"]])") == json_array_status::not_json);
  CHECK(status_of("[\"a\tb\"]") == json_array_status::not_json);
  CHECK(status_of(R"([ "a" ] # c)") == json_array_status::not_json);
  check_values(R"([ "a" , "b" ])", {"a", "b"});
  check_values(
      "[\"a\xFF"
      "b\"]",
      {"a\xEF\xBF\xBD"
       "b"});
  check_values("[\"a\", \n  \"b\"]", {"a", "b"});
  check_values(R"([""])", {""});
  check_values(R"(["a b", "c"])", {"a b", "c"});
  check_values(R"(["c:\\x", "`"])", {"c:\\x", "`"});
}

TEST_CASE("go_json: grammar and whitespace") {
  // Only space, TAB, LF and CR are JSON whitespace, anywhere.
  check_values("[ \t\r\n\"a\" \n,\r\"b\"\t] \r\n\t ", {"a", "b"});
  for (const std::string& ws : {"\v"s, "\f"s, "\xC2\xA0"s, "\xE2\x80\x83"s, "\x85"s, "\0"s}) {
    CAPTURE(hex(ws));
    CHECK(status_of("[\"a\"]" + ws) == json_array_status::not_json);
    CHECK(status_of("[" + ws + "\"a\"]") == json_array_status::not_json);
  }
  // The text must start with `[` (the caller trims Unicode whitespace first).
  CHECK(status_of("") == json_array_status::not_json);
  CHECK(status_of(" []") == json_array_status::not_json);
  CHECK(status_of("\"a\"") == json_array_status::not_json);
  CHECK(status_of("{}") == json_array_status::not_json);
  for (const char* bad : {"[",
                          "[\"a\"",
                          "[\"a\",",
                          "[,]",
                          "[,\"a\"]",
                          "[\"a\",,\"b\"]",
                          "[\"a\"\"b\"]",
                          "['a']",
                          "[]]",
                          "[] []",
                          "[][]",
                          "[\"a\"] \"b\"",
                          "[\"a\"],",
                          "[\"a\" ,]",
                          "[\"a\":\"b\"]",
                          "[{\"a\"}]",
                          "[{\"a\":}]",
                          "[{1:2}]",
                          "[{\"a\":1,}]",
                          "[{\"a\" 1}]",
                          "[{,}]",
                          "[{\"a\":1 \"b\":2}]",
                          "[{\"a\"::1}]",
                          "[{]",
                          "[}",
                          "[{\"a\":1]",
                          "[[}]",
                          "[tru]",
                          "[True]",
                          "[nul]",
                          "[NULL]",
                          "[truex]",
                          "[true1]",
                          "[fals]",
                          "[nan]",
                          "[NaN]",
                          "[Infinity]",
                          "[-Infinity]",
                          "[undefined]",
                          "[a]",
                          "[\"a\"]\"",
                          "[/**/]",
                          "[\"a\"]//",
                          "[\"\\",
                          "[\"\\\"]",
                          "[\"a]"}) {
    CAPTURE(bad);
    CHECK(status_of(bad) == json_array_status::not_json);
  }
  for (const char* non_string :
       {"[0]", "[-0]", "[1]", "[true]", "[false]", "[null]", "[{}]", "[[]]", "[ {} ]", "[\"a\",{}]",
        "[{\"a\":[1,{\"b\":null}],\"c\":\"d\"}]", "[\"a\",[\"b\"],\"c\"]", "[{\"\":\"\"}]",
        "[\"a\" , true]", "[\"x\", -1.5e-3]"}) {
    CAPTURE(non_string);
    CHECK(status_of(non_string) == json_array_status::not_string_array);
  }
}

TEST_CASE("go_json: number grammar") {
  for (const char* ok :
       {"0", "-0", "1", "-1", "10", "0.0", "0.5", "-0.5", "1.25", "1e5", "1E5", "1e+5", "1e-5",
        "1.5E-05", "0e0", "-0e-0", "123456789012345678901234567890"}) {
    CAPTURE(ok);
    CHECK(status_of("[" + std::string(ok) + "]") == json_array_status::not_string_array);
    CHECK(status_of("[\"a\"," + std::string(ok) + "]") == json_array_status::not_string_array);
  }
  for (const char* bad : {"01",  "-01",  "00",    "1.",  "-",   "--1",  "+1",    ".1",
                          "-.1", "1.e5", "1e",    "1e+", "1e-", "1ee5", "1e5.0", "1.2.3",
                          "0x1", "0X1",  "1_000", "- 1", "1 2", "0.e1", "1E",    "\xEF\xBC\x91"}) {
    CAPTURE(bad);
    CHECK(status_of("[" + std::string(bad) + "]") == json_array_status::not_json);
  }
}

TEST_CASE("go_json: escapes and control characters") {
  check_values(R"(["\" \\ \/ \b \f \n \r \t \u0000"])", {"\" \\ / \b \f \n \r \t "s + '\0'});
  check_values(R"(["\u0041\u00e9\u20AC\uFFFF\uffFd"])",
               {"A\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBF\xEF\xBF\xBD"});
  check_values(R"(["a\u0009b"])", {"a\tb"});
  check_values("[\"\x7F\"]", {"\x7F"});
  for (const char* bad : {R"(["\w"])", R"(["\'"])", R"(["\x41"])", R"(["\u12"])", R"(["\u12G4"])",
                          R"(["\U0041"])", R"(["\0"])", R"(["\a"])", R"(["\v"])", R"(["\u"])",
                          R"(["\u00e"])", R"(["\ "])", "[\"\\\n\"]"}) {
    CAPTURE(bad);
    CHECK(status_of(bad) == json_array_status::not_json);
  }
  // Raw bytes below 0x20 are rejected inside strings (also inside nested ones), and outside them.
  for (int b = 0; b < 0x20; ++b) {
    const std::string c(1, static_cast<char>(b));
    CAPTURE(b);
    CHECK(status_of("[\"a" + c + "b\"]") == json_array_status::not_json);
    CHECK(status_of("[1, {\"k" + c + "\": 1}]") == json_array_status::not_json);
    if (c != " " && c != "\t" && c != "\n" && c != "\r") {
      CHECK(status_of("[\"a\"" + c + "]") == json_array_status::not_json);
    }
  }
}

TEST_CASE("go_json: surrogates") {
  check_values(R"(["\ud83d\ude00"])", {"\xF0\x9F\x98\x80"});
  check_values(R"(["\uD834\uDD1E"])", {"\xF0\x9D\x84\x9E"});
  check_values(R"(["\uDBFF\uDFFF"])", {"\xF4\x8F\xBF\xBF"});
  check_values(R"(["\uD800\uDC00"])", {"\xF0\x90\x80\x80"});
  const std::string fffd = "\xEF\xBF\xBD";
  check_values(R"(["\uD83D"])", {fffd});
  check_values(R"(["\uDE00"])", {fffd});
  check_values(R"(["\uDE00\uD83D"])", {fffd + fffd});
  check_values(R"(["\uD83D\uD83D\uDE00"])", {fffd + "\xF0\x9F\x98\x80"});  // first stays lone
  check_values(R"(["\uD83Dx"])", {fffd + "x"});
  check_values(R"(["\uD83D\n"])", {fffd + "\n"});
  check_values(R"(["\uD83D\u0041"])", {fffd + "A"});
  check_values(R"(["\uD83D\\uDE00"])", {fffd + "\\uDE00"});  // escaped backslash: no pair
  check_values(R"(["\uD83D", "\uDE00"])", {fffd, fffd});     // no pairing across strings
  check_values(R"(["a\uD800b\uDBFFc"])", {"a" + fffd + "b" + fffd + "c"});
  // Surrogates encoded raw in UTF-8 are invalid bytes: one U+FFFD each.
  check_values("[\"\xED\xA0\x80\"]", {fffd + fffd + fffd});
}

TEST_CASE("go_json: invalid UTF-8 becomes U+FFFD byte by byte") {
  const std::string r = "\xEF\xBF\xBD";
  check_values("[\"\xFF\"]", {r});
  check_values("[\"\xC3\"]", {r});
  check_values("[\"\xC3\x28\"]", {r + "("});
  check_values("[\"\xE2\x82\"]", {r + r});
  check_values("[\"\xE2\x82\x28\"]", {r + r + "("});
  check_values("[\"\xF0\x9F\x98\"]", {r + r + r});
  check_values("[\"\xC0\xAF\"]", {r + r});
  check_values("[\"\xF4\x90\x80\x80\"]", {r + r + r + r});
  check_values("[\"\x80\xBF\"]", {r + r});
  check_values("[\"\xF8\x88\x80\x80\x80\"]", {r + r + r + r + r});
  check_values("[\"a\xE9z\", \"ok\xC3\xA9\"]", {"a" + r + "z", "ok\xC3\xA9"});
  check_values("[\"\xE2\x82\\n\"]", {r + r + "\n"});
  // Valid UTF-8, including U+FFFD itself and 4-byte sequences, is kept as is (a view into the
  // text).
  const std::string text = "[\"\xC3\xA9\xEF\xBF\xBD\xF0\x9F\x98\x80\"]";
  char buf[64];
  dd::json_string out[2];
  std::size_t count = 0;
  REQUIRE(dd::parse_json_string_array(text, buf, sizeof buf, out, 2, count) ==
          json_array_status::ok);
  REQUIRE(count == 1);
  CHECK(out[0].value.data() == text.data() + 2);
  CHECK(out[0].value == "\xC3\xA9\xEF\xBF\xBD\xF0\x9F\x98\x80");
  // Invalid bytes outside strings are syntax errors.
  CHECK(status_of("[\xFF]") == json_array_status::not_json);
  CHECK(status_of("[\"a\",\xC3\xA9]") == json_array_status::not_json);
  // A BOM is not whitespace for Go.
  CHECK(status_of("[\xEF\xBB\xBF\"a\"]") == json_array_status::not_json);
}

TEST_CASE("go_json: float64 overflow boundary") {
  const auto arr = [](const std::string& num) { return status_of("[" + num + "]"); };
  const auto overflow = [&](const std::string& num) {
    CAPTURE(num);
    CHECK(dd::go_json::float64_overflows(num));
    CHECK(arr(num) == json_array_status::not_json);
    CHECK(status_of("[\"a\", [{\"k\": [" + num + "]}], \"b\"]") == json_array_status::not_json);
  };
  const auto in_range = [&](const std::string& num) {
    CAPTURE(num);
    CHECK(!dd::go_json::float64_overflows(num));
    CHECK(arr(num) == json_array_status::not_string_array);
  };
  REQUIRE(C.size() == 309);
  in_range("1.7976931348623157e308");  // the largest double
  in_range("1.7976931348623158e308");  // rounds down to it
  overflow("1.7976931348623159e308");
  overflow("-1.7976931348623159e308");
  in_range(C_minus_1);
  in_range("-" + C_minus_1);
  overflow(C);  // exactly halfway: ties to even, i.e. to 2^1024
  overflow("-" + C);
  overflow(C_plus_1);
  in_range(C_minus_1 + ".99999999999999999999999999999999999999999999999999");
  in_range(C_minus_1 + "." + repeat("9", 2000));
  overflow(C + ".0");
  overflow(C + "." + repeat("0", 2000));
  overflow(C + "." + repeat("0", 2000) + "1");
  in_range(C.substr(0, 1) + "." + C_minus_1.substr(1) + "e308");
  overflow(C.substr(0, 1) + "." + C.substr(1) + "e308");
  in_range("0." + C_minus_1 + "e309");
  overflow("0." + C + "E+309");
  in_range(C_minus_1 + "0e-1");
  overflow(C + "0e-1");
  in_range(C_minus_1 + "000000e-6");
  in_range("0." + repeat("0", 400) + C_minus_1 + "e709");
  overflow("0." + repeat("0", 400) + C + "e709");
  // Long mantissas, over 800 digits, just below and at the boundary.
  in_range(C_minus_1 + repeat("9", 400) + "e-400");
  overflow(C + repeat("0", 400) + "e-400");
  overflow(C + repeat("0", 491) + "e-491");                  // 800 digits: still exact
  overflow(C.substr(0, 300) + repeat("9", 1000) + "e-491");  // dp = 800 - 491 = 309, digits above C
  in_range("1" + repeat("0", 308));
  overflow("1" + repeat("0", 309));
  in_range("1e308");
  overflow("1e309");
  in_range("10e307");
  overflow("100e307");
  overflow("1e400");
  overflow("-1e400");
  overflow("1e999");
  overflow("1e99999");
  overflow("1e1000000000000000000000000");
  in_range("1e000000000000000000308");  // leading zeros of the exponent do not count
  overflow("1e000000000000000000309");
  // Underflow is not an error.
  in_range("1e-400");
  in_range("-1e-400");
  in_range("4.9e-324");
  in_range("1e-99999999999999");
  in_range("0." + repeat("0", 5000) + "1");
  // Zero never overflows.
  in_range("0e999999");
  in_range("-0e999999");
  in_range("0.0000e99999999");
  in_range("0." + repeat("0", 3000) + "e400");
}

TEST_CASE("go_json: overflow decision agrees with a correctly rounding strtod") {
  // Where Go's quirks do not apply (at most 800 digits before the point, exponents below 100000)
  // ParseFloat rounds correctly, and so does glibc's strtod (C locale): compare near the threshold.
  std::mt19937_64 rng(20240521);
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::size_t overflows = 0;
  constexpr int iterations = 100000;
  std::string num;
  for (int it = 0; it < iterations; ++it) {
    num.clear();
    if (pick(2) == 0) num += '-';
    // A prefix of the threshold's digits, maybe perturbed at one place and extended.
    std::string mant = C.substr(0, 1 + pick(C.size()));
    if (pick(2) == 0) {
      const std::size_t pos = pick(mant.size());
      mant[pos] = static_cast<char>(mant[pos] + (pick(2) == 0 ? 1 : -1));
      if (mant[pos] > '9') mant[pos] = '9';
      if (mant[pos] < '0') mant[pos] = '0';
    }
    if (pick(2) == 0) {
      const std::size_t len = pick(40);  // separate statements: a fixed order of random draws
      mant += std::string(len, "09"[pick(2)]);
    }
    if (pick(3) == 0) mant += std::to_string(rng());
    if (mant[0] == '0') mant[0] = '1';
    // Place the point anywhere (or nowhere) and pick the exponent that puts the value near 2^1024.
    const std::size_t point = pick(mant.size() + 1);
    const std::size_t lead_zeros = pick(4) == 0 ? pick(300) : 0;
    const long exponent = 309 - static_cast<long>(point == mant.size() ? mant.size() : point) +
                          static_cast<long>(lead_zeros) + static_cast<long>(pick(3)) - 1;
    if (lead_zeros != 0) {
      num += "0." + std::string(lead_zeros, '0') + mant;
    } else if (point == mant.size() || point == 0) {
      num += mant;
    } else {
      num += mant.substr(0, point) + "." + mant.substr(point);
    }
    const bool no_exponent = exponent == 0 && lead_zeros == 0 && pick(2) == 0;
    if (!no_exponent) num += (pick(2) == 0 ? "e" : "E") + std::to_string(exponent);
    const double d = std::strtod(num.c_str(), nullptr);
    const bool inf = std::isinf(d);
    CAPTURE(num);
    REQUIRE(dd::go_json::float64_overflows(num) == inf);
    overflows += inf ? 1 : 0;
  }
  MESSAGE("strtod differential: " << iterations << " numbers, " << overflows << " overflow");
  CHECK(overflows > iterations / 10);
  CHECK(overflows < iterations - iterations / 10);
}

TEST_CASE("go_json: ParseFloat exact-path quirks accept some huge numbers") {
  const auto in_range = [](const std::string& num) {
    CAPTURE(num.size());
    CHECK(!dd::go_json::float64_overflows(num));
    CHECK(status_of("[" + num + "]") == json_array_status::not_string_array);
  };
  const auto overflow = [](const std::string& num) {
    CAPTURE(num.size());
    CHECK(dd::go_json::float64_overflows(num));
    CHECK(status_of("[" + num + "]") == json_array_status::not_json);
  };
  // strconv's decimal keeps 800 digits, and with more than 800 digits before the point it places
  // the point after the 800th: 1 followed by 1000 zeros times 10^-600 is read as ~1e199, not 1e400.
  in_range("1" + repeat("0", 1000) + "e-600");
  in_range("1" + repeat("0", 1000) + ".5e-600");
  in_range(C + repeat("0", 2000) + "e-2000");   // truly 2^1024 - 2^970, read as ~1e-1200
  in_range(C + repeat("0", 492) + "e-492");     // 801 digits: read as C / 10
  in_range("1" + repeat("0", 1000) + "e-491");  // dp = 309, 0.1 < 0.1797…
  overflow("1" + repeat("0", 1000) + "e-490");  // dp = 310
  overflow("1" + repeat("0", 799) + "e-490");   // exactly 800 digits: no quirk, 1e309
  in_range("1" + repeat("0", 799) + "e-491");   // 1e308
  overflow("2" + repeat("0", 1000) + "e-491");  // 0.2e309 > 0.1797…e309
  // The exponent is read until it reaches 10000: e100400 counts as e10040.
  in_range("0." + repeat("0", 100000) + "1e100400");  // truly 1e399
  overflow("0." + repeat("0", 100) + "1e100400");
}

TEST_CASE("go_json: nesting depth limit is 10000") {
  const auto nested = [](std::size_t depth, std::string_view inner) {
    return repeat("[", depth) + std::string(inner) + repeat("]", depth);
  };
  CHECK(status_of(nested(1, "")) == json_array_status::ok);
  CHECK(status_of(nested(2, "")) == json_array_status::not_string_array);
  CHECK(status_of(nested(10000, "")) == json_array_status::not_string_array);
  CHECK(status_of(nested(10000, "\"x\"")) == json_array_status::not_string_array);
  CHECK(status_of(nested(10001, "")) == json_array_status::not_json);
  CHECK(status_of(nested(100000, "")) == json_array_status::not_json);
  CHECK(status_of(nested(10000, "1e999")) == json_array_status::not_json);
  CHECK(status_of(nested(10000, "") + "x") == json_array_status::not_json);
  CHECK(status_of(repeat("[", 10000)) == json_array_status::not_json);
  CHECK(status_of(repeat("[", 10001)) == json_array_status::not_json);
  // Objects count too: the top-level array plus 9999 objects is the limit.
  const auto objects = [](std::size_t n) {
    return "[" + repeat("{\"k\":", n) + "1" + repeat("}", n) + "]";
  };
  CHECK(status_of(objects(9999)) == json_array_status::not_string_array);
  CHECK(status_of(objects(10000)) == json_array_status::not_json);
  // Alternating kinds at depth: the closer must match the kind at each level.
  const auto mixed = [](std::size_t pairs, bool close) {
    std::string t = "[\"a\"," + repeat("[{\"k\":", pairs) + "1";
    if (close) t += repeat("}]", pairs) + "]";
    return t;
  };
  CHECK(status_of(mixed(4999, true)) == json_array_status::not_string_array);  // depth 9999
  CHECK(status_of(mixed(4999, false)) == json_array_status::not_json);         // unclosed
  CHECK(status_of(mixed(5000, true)) == json_array_status::not_json);          // depth 10001
  std::string swapped = mixed(4999, true);
  swapped.replace(swapped.size() - 3, 2, "]}");  // the outermost pair closed in the wrong order
  CHECK(status_of(swapped) == json_array_status::not_json);
  // An open array with ten thousand arrays after an element.
  CHECK(status_of("[\"a\"," + nested(9999, "") + "]") == json_array_status::not_string_array);
  CHECK(status_of("[\"a\"," + nested(10000, "") + "]") == json_array_status::not_json);
  // Mismatched closers.
  CHECK(status_of("[[}]") == json_array_status::not_json);
  CHECK(status_of("[{]}") == json_array_status::not_json);
  CHECK(status_of("[{\"a\":[}]]") == json_array_status::not_json);
}

TEST_CASE("go_json: outcome precedence follows Unmarshal - syntax then range then type") {
  // Go checks the whole syntax first, decodes everything, and reports a range error even when an
  // earlier element already is not a string.
  CHECK(status_of("[1, \"a\"") == json_array_status::not_json);
  CHECK(status_of("[1, \"a\"] x") == json_array_status::not_json);
  CHECK(status_of("[1, 1e999]") == json_array_status::not_json);
  CHECK(status_of("[1e999, 1]") == json_array_status::not_json);
  CHECK(status_of("[true, {\"k\": [1e999]}]") == json_array_status::not_json);
  CHECK(status_of("[\"a\", 1e999, \"b\"]") == json_array_status::not_json);
  CHECK(status_of("[{\"1e999\": 1}]") == json_array_status::not_string_array);  // a key is a string
  CHECK(status_of("[\"1e999\"]") == json_array_status::ok);
  CHECK(status_of("[{\"a\": 1}, \"b\"]") == json_array_status::not_string_array);
  CHECK(status_of("[null, \"\\w\"]") == json_array_status::not_json);
}

TEST_CASE("go_json: raw offsets views and buffer placement") {
  const std::string_view text = "[ \"a\" , \"b\\n\" ,\"\xFF\",\"\"]";
  char buf[64] = {};
  dd::json_string out[8];
  std::size_t count = 0;
  REQUIRE(dd::parse_json_string_array(text, buf, sizeof buf, out, 8, count) ==
          json_array_status::ok);
  REQUIRE(count == 4);
  CHECK(out[0].raw_begin == 2);
  CHECK(out[0].raw_end == 5);
  CHECK(out[0].value == "a");
  CHECK(out[0].value.data() == text.data() + 3);
  CHECK(out[1].raw_begin == 8);
  CHECK(out[1].raw_end == 13);
  CHECK(out[1].value == "b\n");
  CHECK(out[1].value.data() == buf);
  CHECK(out[2].raw_begin == 15);
  CHECK(out[2].raw_end == 18);
  CHECK(out[2].value == "\xEF\xBF\xBD");
  CHECK(out[2].value.data() == buf + 2);
  CHECK(out[3].raw_begin == 19);
  CHECK(out[3].raw_end == 21);
  CHECK(out[3].value.empty());
}

TEST_CASE("go_json: no_space") {
  char buf[16];
  dd::json_string out[4];
  std::size_t count = 99;
  const auto call = [&](std::string_view text, std::size_t buf_size, std::size_t max_out) {
    count = 99;
    return dd::parse_json_string_array(text, buf, buf_size, out, max_out, count);
  };
  CHECK(call("[\"a\",\"b\"]", 0, 2) == json_array_status::ok);  // no escapes: no buffer needed
  CHECK(count == 2);
  CHECK(call("[\"a\",\"b\"]", 0, 1) == json_array_status::no_space);
  CHECK(count == 2);  // the number of elements needed
  CHECK(call("[\"a\",\"b\",\"c\"]", 16, 0) == json_array_status::no_space);
  CHECK(count == 3);
  CHECK(call("[]", 0, 0) == json_array_status::ok);
  CHECK(count == 0);
  CHECK(call("[\"\\n\"]", 0, 1) == json_array_status::no_space);
  CHECK(count == 1);
  CHECK(call("[\"\\n\"]", 1, 1) == json_array_status::ok);
  CHECK(call("[\"\xFF\"]", 2, 1) == json_array_status::no_space);
  CHECK(call("[\"\xFF\"]", 3, 1) == json_array_status::ok);
  CHECK(call("[\"\\ud83d\\ude00\"]", 3, 1) == json_array_status::no_space);
  CHECK(call("[\"\\ud83d\\ude00\"]", 4, 1) == json_array_status::ok);
  CHECK(call("[\"\\n\",\"\\t\"]", 1, 2) == json_array_status::no_space);
  CHECK(count == 2);
  CHECK(call("[\"\\n\",\"\\t\"]", 2, 2) == json_array_status::ok);
  CHECK(out[0].value == "\n");
  CHECK(out[1].value == "\t");
  // Only an exec-form result can lack space: the other verdicts do not depend on the buffers.
  CHECK(call("[\"\\n\", 1]", 0, 0) == json_array_status::not_string_array);
  CHECK(count == 0);
  CHECK(call("[\"\\n\", 1e999]", 0, 0) == json_array_status::not_json);
  CHECK(count == 0);
  CHECK(call("[\"a\"] x", 0, 0) == json_array_status::not_json);
  CHECK(call("[\"a\", \"b\", 1]", 0, 1) == json_array_status::not_string_array);
  // Nothing is written past the sizes given.
  char guarded[8];
  for (char& c : guarded) c = '#';
  dd::json_string outs[3] = {{"g0", 0, 0}, {"g1", 0, 0}, {"g2", 0, 0}};
  std::size_t n = 0;
  CHECK(dd::parse_json_string_array("[\"\\n\\n\\n\\n\",\"\xFF\xFF\",\"x\",\"y\"]", guarded, 4, outs,
                                    1, n) == json_array_status::no_space);
  CHECK(n == 4);
  for (std::size_t k = 4; k < 8; ++k) CHECK(guarded[k] == '#');
  CHECK(outs[1].value == "g1");
  CHECK(outs[2].value == "g2");
  // Null buffers are fine when nothing is needed.
  std::size_t m = 0;
  CHECK(dd::parse_json_string_array("[]", nullptr, 0, nullptr, 0, m) == json_array_status::ok);
  CHECK(dd::parse_json_string_array("[\"a\"]", nullptr, 0, nullptr, 0, m) ==
        json_array_status::no_space);
  CHECK(dd::parse_json_string_array("[1]", nullptr, 0, nullptr, 0, m) ==
        json_array_status::not_string_array);
}

TEST_CASE("go_json: bounds") {
  CHECK(dd::json_buffer_bound("") == 0);
  CHECK(dd::json_buffer_bound("[\"\xFF\"]") == 15);
  // The worst cases: all invalid bytes, and the shortest elements.
  const std::string worst_buf = "[\"" + repeat("\xFF", 1000) + "\"]";
  std::vector<char> buf(3000);
  std::vector<dd::json_string> out(1);
  std::size_t count = 0;
  CHECK(dd::parse_json_string_array(worst_buf, buf.data(), 3000, out.data(), 1, count) ==
        json_array_status::ok);
  CHECK(dd::parse_json_string_array(worst_buf, buf.data(), 2999, out.data(), 1, count) ==
        json_array_status::no_space);
  CHECK(3000 <= dd::json_buffer_bound(worst_buf));
  for (std::size_t n = 1; n < 50; ++n) {
    std::string text = "[\"\"";
    for (std::size_t k = 1; k < n; ++k) text += ",\"\"";
    text += "]";
    CAPTURE(n);
    CHECK(n <= dd::json_count_bound(text));
    CHECK(run(text).values.size() == n);
  }
}

TEST_CASE("go_json: object member lookup for the JSON form of DetectSyntax") {
  using dd::json_member_status;
  char buf[64];
  const auto find = [&](std::string_view text, std::string_view name = "syntax",
                        std::size_t buf_size = sizeof buf) {
    std::string_view v = "unset";
    const json_member_status st = dd::find_json_object_string_member(text, name, buf, buf_size, v);
    if (st != json_member_status::found) CHECK(v.empty());
    return std::make_pair(st, std::string(v));
  };
  const auto found = [&](std::string_view text, std::string_view want,
                         std::string_view name = "syntax") {
    CAPTURE(text);
    const auto r = find(text, name);
    CHECK(r.first == json_member_status::found);
    CHECK(r.second == want);
  };
  const auto absent = [&](std::string_view text, std::string_view name = "syntax") {
    CAPTURE(text);
    CHECK(find(text, name).first == json_member_status::not_found);
  };
  // BuildKit's TestDetectSyntax cases with JSON input (parser_tests.jsonl detect_syntax/6..8).
  found(R"({"syntax": "foo", "bar": ["abc"]})", "foo");
  absent(R"({"syntax": "foo")");
  absent("{\"syntax\": \"foo\"}\n# syntax=bar");
  // Surrounding JSON whitespace only.
  found(" \n\t{ \"syntax\" : \"x\" } \r\n", "x");
  absent("{\"syntax\":\"x\"}\v");
  // Not an object, or not a string value.
  for (const char* text :
       {"", "null", "[{\"syntax\":\"a\"}]", "\"syntax\"", "1", "true", "{}", R"({"syntax": 1})",
        R"({"syntax": null})", R"({"syntax": ["x"]})", R"({"syntax": {"syntax": "x"}})",
        R"({"Syntax": "x"})", R"({"syntax ": "x"})", R"({"x": {"syntax": "a"}})",
        R"({"x": ["syntax", "a"]})", R"({"x": "syntax", "y": "a"})", R"({"syntax\u0000": "a"})"}) {
    absent(text);
  }
  // The last duplicate wins, as in a Go map; nested keys do not count.
  found(R"({"syntax": "a", "syntax": "b"})", "b");
  absent(R"({"syntax": "a", "syntax": 1})");
  found(R"({"syntax": 1, "syntax": "a"})", "a");
  found(R"({"x": {"syntax": 1}, "syntax": "b", "y": {"syntax": "c"}})", "b");
  found(R"({"syntax": "b", "y": [{"syntax": 2}]})", "b");
  // Keys and values are decoded.
  found(R"({"\u0073yntax": "a"})", "a");
  found(R"({"syntax": "a\/b\u00e9\ud83d\ude00"})", "a/b\xC3\xA9\xF0\x9F\x98\x80");
  found("{\"s\xFF\": \"a\"}", "a", "s\xEF\xBF\xBD");
  found("{\"syntax\": \"\xFF\"}", "\xEF\xBF\xBD");
  // Unmarshal fails as a whole on any syntax or range error.
  absent(R"({"syntax": "a", "n": 1e999})");
  absent(R"({"n": [1e999], "syntax": "a"})");
  found(R"({"syntax": "a", "n": 1e308})", "a");
  absent(R"({"syntax": "a",})");
  absent(R"({"syntax": "a"} {})");
  absent(R"({"syntax": "a\w"})");
  absent("{\"syntax\": \"a\tb\"}");
  found(R"({"syntax": "a", "d": )" + repeat("[", 9999) + repeat("]", 9999) + "}", "a");
  absent(R"({"syntax": "a", "d": )" + repeat("[", 10000) + repeat("]", 10000) + "}");
  // A value that needs decoding and a buffer that is too small.
  CHECK(find(R"({"syntax": "a\nb"})", "syntax", 2).first == json_member_status::no_space);
  CHECK(find(R"({"syntax": "a\nb"})", "syntax", 3).first == json_member_status::found);
  CHECK(find(R"({"syntax": "ab"})", "syntax", 0).first == json_member_status::found);
  // The convenience overloads.
  std::string_view v;
  const std::string_view plain = R"({"syntax": "docker/dockerfile:1"})";
  CHECK(dd::json_object_string_member(plain, "syntax", v));
  CHECK(v == "docker/dockerfile:1");
  CHECK(v.data() == plain.data() + 12);
  CHECK(!dd::json_object_string_member(R"({"syntax": "a\/b"})", "syntax", v));
  CHECK(dd::json_object_string_member(R"({"syntax": "a\/b"})", "syntax", v, buf, sizeof buf));
  CHECK(v == "a/b");
}

namespace {
// constexpr evaluation of the whole parser.
constexpr json_array_status constexpr_status(std::string_view text) {
  char buf[32] = {};
  dd::json_string out[4] = {};
  std::size_t count = 0;
  return dd::parse_json_string_array(text, buf, sizeof buf, out, 4, count);
}
constexpr bool constexpr_decodes(std::string_view text, std::string_view want) {
  char buf[32] = {};
  dd::json_string out[4] = {};
  std::size_t count = 0;
  return dd::parse_json_string_array(text, buf, sizeof buf, out, 4, count) ==
             json_array_status::ok &&
         count == 1 && out[0].value == want;
}
static_assert(constexpr_status("[\"a\"]") == json_array_status::ok);
static_assert(constexpr_status("[\"a\",1]") == json_array_status::not_string_array);
static_assert(constexpr_status("[\"a\",1e999]") == json_array_status::not_json);
static_assert(constexpr_decodes("[\"\\ud83d\\ude00\\n\"]", "\xF0\x9F\x98\x80\n"));
static_assert(constexpr_decodes("[\"\\ud800\"]", "\xEF\xBF\xBD"));
static_assert(dd::go_json::float64_overflows("1.7976931348623159e308"));
static_assert(!dd::go_json::float64_overflows("1.7976931348623157e308"));
static_assert(!dd::go_json::float64_overflows("0e999999"));
static_assert(!dd::go_json::float64_overflows("1e999 "));  // not exactly one number
static_assert(noexcept(dd::parse_json_string_array({}, nullptr, 0, nullptr, 0,
                                                   std::declval<std::size_t&>())));
static_assert(noexcept(dd::json_buffer_bound({})));
constexpr bool constexpr_member(std::string_view text, std::string_view want) {
  char buf[16] = {};
  std::string_view v;
  return dd::find_json_object_string_member(text, "syntax", buf, sizeof buf, v) ==
             dd::json_member_status::found &&
         v == want;
}
static_assert(constexpr_member(R"({"syntax": "a\u00e9"})", "a\xC3\xA9"));
static_assert(constexpr_member(R"({"a": [1, {"syntax": 2}], "syntax": "x"})", "x"));
static_assert(!constexpr_member(R"({"syntax": "x", "n": -1e400})", "x"));
static_assert(noexcept(dd::json_count_bound({})));
}  // namespace

TEST_CASE("go_json: zero allocations") {
  std::vector<std::string> inputs = {
      "[]",
      "[\"a\", \"b\\n\", \"\\ud83d\\ude00\", \"\xFF\"]",
      "[\"a\", 1]",
      "[\"a\", 1e999]",
      "[\"" + C + "\", " + C_minus_1 + "]",
      repeat("[", 10000) + repeat("]", 10000),
      repeat("[", 10001) + repeat("]", 10001),
      "[" + repeat("{\"k\":", 9999) + "\"v\"" + repeat("}", 9999) + "]",
      "[\"" + repeat("\\u00e9\xC3\xA9\xE2\x82", 500) + "\"]",
      "[" + C + repeat("0", 2000) + "e-2000]",
      "[\"a\",]",
  };
  std::vector<char> buf(1 << 16);
  std::vector<dd::json_string> out(1024);
  const std::vector<std::string> objects = {
      "{\"k\": \"v\"}",
      "{\"k\": \"\\u00e9\\n\", \"x\": [1, 2, {\"k\": 3}]}",
      "{\"k\": \"v\", \"n\": 1e999}",
      "{\"k\": \"v\", \"d\": " + repeat("[", 9999) + repeat("]", 9999) + "}",
  };
  std::size_t statuses[4] = {};
  std::size_t members = 0;
  std::size_t allocations = 0;
  {
    dockimg_test::alloc_scope scope;
    for (const std::string& text : inputs) {
      std::size_t count = 0;
      const json_array_status st =
          dd::parse_json_string_array(text, buf.data(), buf.size(), out.data(), out.size(), count);
      ++statuses[static_cast<std::size_t>(st)];
      std::string_view v;
      members += dd::find_json_object_string_member(text, "k", buf.data(), buf.size(), v) ==
                         dd::json_member_status::found
                     ? 1
                     : 0;
    }
    for (const std::string& text : objects) {
      std::string_view v;
      members += dd::find_json_object_string_member(text, "k", buf.data(), buf.size(), v) ==
                         dd::json_member_status::found
                     ? 1
                     : 0;
    }
    allocations = scope.count();
  }
  CHECK(allocations == 0);
  CHECK(statuses[0] == 3);
  CHECK(statuses[1] == 3);
  CHECK(statuses[2] == 5);
  CHECK(members == 3);
}

// ------------------------------------------------------------------------------------------------
// Hostile input
// ------------------------------------------------------------------------------------------------

namespace {
bool valid_utf8(std::string_view s) {
  while (!s.empty()) {
    const dd::decoded_rune d = dd::decode_rune(s);
    if (d.size == 1 && static_cast<unsigned char>(s[0]) >= 0x80) return false;
    s.remove_prefix(d.size);
  }
  return true;
}

// nlohmann rejects unpaired surrogate escapes, which Go accepts (as U+FFFD).
bool has_surrogate_escape(std::string_view s) {
  for (std::size_t k = 0; k + 2 < s.size(); ++k) {
    if (s[k] == '\\' && s[k + 1] == 'u' && (s[k + 2] == 'd' || s[k + 2] == 'D')) return true;
  }
  return false;
}

// Random JSON-like documents: valid arrays of strings, numbers (also near the float64 limit),
// literals and nested containers, with random JSON whitespace.
class json_generator {
 public:
  explicit json_generator(std::mt19937_64& rng) : rng_(rng) {}

  std::string document() {
    out_ = "[";
    const std::size_t n = pick(5);
    const bool strings_only = pick(2) == 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (k != 0) out_ += ',';
      space();
      if (strings_only) {
        string();
      } else {
        value(1);
      }
      space();
    }
    out_ += ']';
    if (pick(4) == 0) space();
    return out_;
  }

  // An object whose keys are often "a" (also escaped, or with a different case), for member
  // lookups.
  std::string object_document() {
    static const char* const keys[] = {"a", "a", "b", "\\u0061", "A", "a ", "\\u0061\\u0000"};
    out_ = "{";
    const std::size_t n = pick(5);
    for (std::size_t k = 0; k < n; ++k) {
      if (k != 0) out_ += ',';
      space();
      out_ += '"';
      out_ += keys[pick(sizeof keys / sizeof keys[0])];
      out_ += '"';
      space();
      out_ += ':';
      space();
      value(1);
      space();
    }
    out_ += '}';
    return out_;
  }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }

  void space() {
    static const char ws[] = {' ', '\t', '\n', '\r'};
    while (pick(3) == 0) out_ += ws[pick(4)];
  }

  void value(int depth) {
    switch (pick(depth < 6 ? 8 : 6)) {
      case 0:
      case 1:
        string();
        break;
      case 2:
      case 3:
        number();
        break;
      case 4:
        out_ += pick(3) == 0 ? "true" : pick(2) == 0 ? "false" : "null";
        break;
      case 5:
        string();
        break;
      case 6: {
        out_ += '[';
        const std::size_t n = pick(4);
        for (std::size_t k = 0; k < n; ++k) {
          if (k != 0) out_ += ',';
          space();
          value(depth + 1);
        }
        out_ += ']';
        break;
      }
      default: {
        out_ += '{';
        const std::size_t n = pick(4);
        for (std::size_t k = 0; k < n; ++k) {
          if (k != 0) out_ += ',';
          space();
          string();
          space();
          out_ += ':';
          space();
          value(depth + 1);
        }
        out_ += '}';
        break;
      }
    }
  }

  void string() {
    static const char* const pieces[] = {
        "a",
        "Z",
        " ",
        "~",
        "\x7F",
        "\\\"",
        "\\\\",
        "\\/",
        "\\b",
        "\\f",
        "\\n",
        "\\r",
        "\\t",
        "\xC3\xA9",
        "\xE2\x82\xAC",
        "\xF0\x9F\x98\x80",
        "\xEF\xBF\xBD",
        "\\u0000",
        "\\u00e9",
        "\\u20AC",
        "\\uFFFF",
        "\\ud83d\\ude00",
        "'",
        "/",
    };
    out_ += '"';
    const std::size_t n = pick(6);
    for (std::size_t k = 0; k < n; ++k) {
      if (pick(10) == 0) {
        static const char hexd[] = "0123456789abcdefABCDEF";
        out_ += "\\u";
        for (int h = 0; h < 4; ++h) out_ += hexd[pick(22)];
      } else {
        out_ += pieces[pick(sizeof pieces / sizeof pieces[0])];
      }
    }
    out_ += '"';
  }

  void digits(std::size_t n, bool leading_nonzero) {
    for (std::size_t k = 0; k < n; ++k) {
      out_ += static_cast<char>('0' + (k == 0 && leading_nonzero ? 1 + pick(9) : pick(10)));
    }
  }

  void number() {
    if (pick(2) == 0) out_ += '-';
    if (pick(4) == 0) {
      // Near the overflow threshold: a prefix of 2^1024 - 2^970, perturbed, with a matching
      // exponent.
      const std::string& c = C;
      const std::size_t len = 1 + pick(40);
      std::string mant = c.substr(0, len);
      if (pick(2) == 0) {
        std::size_t pos = pick(len);
        mant[pos] = static_cast<char>('0' + pick(10));
        if (mant[0] == '0') mant[0] = '1';
      }
      if (pick(2) == 0) {
        const std::size_t extra = pick(4);  // separate statements: a fixed order of random draws
        mant += std::string(extra, "09"[pick(2)]);
      }
      out_ += mant.substr(0, 1);
      if (mant.size() > 1) out_ += "." + mant.substr(1);
      out_ += pick(2) == 0 ? "e" : "E+";
      out_ += std::to_string(307 + pick(3));
      return;
    }
    if (pick(3) == 0) {
      out_ += '0';
    } else {
      digits(1 + pick(25), true);
    }
    if (pick(2) == 0) {
      out_ += '.';
      digits(1 + pick(25), false);
    }
    if (pick(2) == 0) {
      out_ += "eE"[pick(2)];
      if (pick(2) == 0) out_ += "+-"[pick(2)];
      const std::size_t magnitude = pick(4);
      digits(1 + (magnitude == 3 ? pick(8) : magnitude), false);
    }
  }

  std::mt19937_64& rng_;
  std::string out_;
};

void mutate(std::string& text, std::mt19937_64& rng) {
  static const char alphabet[] =
      "[]{},:\"\\u0123456789abcdefABCDEF.-+eEtrufalsn \t\n\r\x01\x7F\xC3\xA9\xFF'";
  const std::size_t edits = 1 + rng() % 3;
  for (std::size_t k = 0; k < edits && text.size() > 1; ++k) {
    const std::size_t pos = 1 + rng() % (text.size() - 1);
    const char c = alphabet[rng() % (sizeof alphabet - 1)];
    switch (rng() % 5) {
      case 0:
        text.erase(pos, 1);
        break;
      case 1:
        text.insert(pos, 1, c);
        break;
      case 2:
        text[pos] = c;
        break;
      case 3:
        text.resize(pos);
        break;
      default:
        text.insert(pos, text.substr(pos, rng() % 8));
        break;
    }
  }
}
}  // namespace

TEST_CASE("go_json: hostile input") {
  static const std::string_view tokens[] = {
      "[",
      "]",
      "{",
      "}",
      ",",
      ":",
      "\"",
      "\"a\"",
      "\"\\",
      "\\",
      "\\u",
      "\\uD83D",
      "\\uDE00",
      "\\ud800",
      "\\n",
      "\\\"",
      "\\w",
      "u",
      "00",
      "0",
      "1",
      "9",
      "-",
      "+",
      ".",
      "e",
      "E",
      "1e999",
      "1e-999",
      "1.5",
      "true",
      "false",
      "null",
      "tru",
      " ",
      "\t",
      "\n",
      "\r",
      "\v",
      "\x01",
      "\x7F",
      "\xFF",
      "\xC3",
      "\xC3\xA9",
      "\xE2\x82",
      "\xF0\x9F\x98\x80",
      "\xED\xA0\x80",
      "\0"sv,
      "x",
      "[\"a\",",
      "{\"k\":",
      "\"k\":",
      "]]",
      "[[",
      "1e309",
      "2e308",
      "0e99999",
      "\xEF\xBB\xBF",
  };
  constexpr std::size_t n_tokens = sizeof tokens / sizeof tokens[0];
  std::mt19937_64 rng(0x60d0c0ffee);
  json_generator generator(rng);
  std::vector<char> buf(1 << 16);
  std::vector<dd::json_string> out(4096);
  std::vector<char> small_buf(8);
  std::vector<dd::json_string> small_out(2);
  std::vector<char> member_buf(1 << 16);  // values in `buf` must survive the member lookups
  std::size_t counts[4] = {};
  std::size_t compared = 0;
  std::size_t value_compared = 0;
  std::size_t members_found = 0;
  constexpr int iterations = 60000;  // a few seconds in Debug; the fuzz target explores further
  std::string text;
  for (int it = 0; it < iterations; ++it) {
    if (it % 2 == 0) {
      // Token soup.
      text = "[";
      const std::size_t len = rng() % 24;
      for (std::size_t k = 0; k < len; ++k) {
        if (rng() % 8 == 0) {
          text += static_cast<char>(rng() % 256);  // any byte
        } else {
          text += tokens[rng() % n_tokens];
        }
      }
      if (rng() % 2 == 0) text += "]";
    } else {
      // A generated document, mutated half of the time.
      text = generator.document();
      if (rng() % 2 == 0) mutate(text, rng);
    }
    std::size_t count = 0;
    const json_array_status st =
        dd::parse_json_string_array(text, buf.data(), buf.size(), out.data(), out.size(), count);
    REQUIRE(st != json_array_status::no_space);
    ++counts[static_cast<std::size_t>(st)];
    REQUIRE(count <= dd::json_count_bound(text));

    // Small buffers: the same verdict, or no_space instead of ok with the same element count.
    std::size_t small_count = 0;
    const json_array_status small = dd::parse_json_string_array(
        text, small_buf.data(), small_buf.size(), small_out.data(), small_out.size(), small_count);
    if (st == json_array_status::ok) {
      REQUIRE((small == json_array_status::ok || small == json_array_status::no_space));
      REQUIRE(small_count == count);
      if (small == json_array_status::ok) {
        for (std::size_t k = 0; k < count; ++k) REQUIRE(small_out[k].value == out[k].value);
      }
    } else {
      REQUIRE(small == st);
    }

    // The object-member lookup on the same bytes: as a member value before the one looked up, and
    // with the opening bracket turned into a brace.
    {
      std::string_view v;
      const std::string wrapped = "{\"b\":" + text + ",\"a\":\"last\"}";
      const dd::json_member_status ws =
          dd::find_json_object_string_member(wrapped, "a", member_buf.data(), member_buf.size(), v);
      if (st != json_array_status::not_json) {
        REQUIRE(ws == dd::json_member_status::found);
        REQUIRE(v == "last");
      }
      std::string braced = text;
      if (it % 2 == 0) {
        braced[0] = '{';
      } else {
        braced = generator.object_document();
        if (rng() % 2 == 0) mutate(braced, rng);
      }
      const dd::json_member_status bs =
          dd::find_json_object_string_member(braced, "a", member_buf.data(), member_buf.size(), v);
      REQUIRE(bs != dd::json_member_status::no_space);
      members_found += bs == dd::json_member_status::found ? 1 : 0;
      if (valid_utf8(braced) && braced.find('\0') == std::string::npos &&
          !has_surrogate_escape(braced)) {
        const nlohmann::json doc = nlohmann::json::parse(braced, nullptr, false);
        const bool has =
            !doc.is_discarded() && doc.is_object() && doc.contains("a") && doc["a"].is_string();
        CAPTURE(braced);
        REQUIRE((bs == dd::json_member_status::found) == has);
        if (has) REQUIRE(doc["a"].get<std::string>() == v);
      }
    }

    // Differential check against nlohmann::json where both define the same language: valid UTF-8
    // (Go accepts invalid UTF-8 in strings), no NUL byte (nlohmann takes it for the end of input)
    // and no surrogate escapes (nlohmann rejects lone ones).
    if (!valid_utf8(text) || text.find('\0') != std::string::npos) continue;
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    const bool accepted = !doc.is_discarded();
    if (st == json_array_status::not_json) {
      CAPTURE(text);
      REQUIRE(!accepted);
      continue;
    }
    if (has_surrogate_escape(text)) continue;
    CAPTURE(text);
    REQUIRE(accepted);
    ++compared;
    REQUIRE(doc.is_array());
    bool all_strings = true;
    for (const auto& v : doc) all_strings = all_strings && v.is_string();
    REQUIRE((st == json_array_status::ok) == all_strings);
    if (all_strings) {
      REQUIRE(doc.size() == count);
      for (std::size_t k = 0; k < count; ++k) REQUIRE(doc[k].get<std::string>() == out[k].value);
      ++value_compared;
    }
  }
  MESSAGE("hostile: " << iterations << " inputs; ok " << counts[0] << ", not_json " << counts[1]
                      << ", not_string_array " << counts[2] << "; compared with nlohmann "
                      << compared << " (values " << value_compared << "); object members found "
                      << members_found);
  CHECK(counts[0] > 0);
  CHECK(members_found > 0);
  CHECK(counts[2] > 0);
}

// SPDX-License-Identifier: Apache-2.0
// Tests of dockimg/json.hpp: JSONTestSuite (corpus/json/test_parsing), values read back against
// nlohmann::json on every accepting file and every OCI document (corpus/oci), Go's verdicts on
// the OCI documents (cases.jsonl), error positions and JSON Pointers, depth limit, duplicate member
// names, storage bound and zero allocation.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <dockimg/json.hpp>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace {

namespace js = dockimg::json;
using dockimg_test::corpus_dir;

/// A text parsed into storage the test owns.
struct parsed {
  std::string text;
  std::vector<unsigned char> mem;
  dockimg::arena storage;
  js::document doc;

  explicit parsed(std::string source, const js::options& opts = {}) : text(std::move(source)) {
    mem.resize(js::storage_hint(text, opts));
    storage = dockimg::arena(mem.data(), mem.size());
    doc = js::parse(text, storage, opts);
  }
  parsed(const parsed&) = delete;
  parsed& operator=(const parsed&) = delete;
};

struct named_text {
  std::string name;
  std::string text;
};

std::vector<named_text> suite_files() {
  std::vector<named_text> out;
  const std::string dir = corpus_dir() + "/json/test_parsing/";
  for (const std::string& name : dockimg_test::list_dir(dir)) {
    named_text f{name, {}};
    if (dockimg_test::read_file(dir + name, f.text)) out.push_back(std::move(f));
  }
  return out;
}

std::vector<named_text> oci_files() {
  std::vector<named_text> out;
  const std::string dir = corpus_dir() + "/oci/";
  for (const std::string& name : dockimg_test::list_dir(dir)) {
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".json") != 0) continue;
    named_text f{name, {}};
    if (dockimg_test::read_file(dir + name, f.text)) out.push_back(std::move(f));
  }
  return out;
}

std::string decoded(js::value v) {
  std::string buf(v.raw_string().size(), '\0');
  const auto r = v.get_string(buf.data(), buf.size());
  REQUIRE(r.ok());
  return std::string(r.value);
}

// Compares a dockimg value with nlohmann's reading of the same text; `why` names the first
// difference.
bool same(js::value v, const nlohmann::json& j, const js::document& doc, std::string& why) {
  auto fail = [&](const char* what) {
    why = std::string(what) + " at " + js::pointer(doc, v);
    return false;
  };
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return v.is_null() || fail("null");
    case nlohmann::json::value_t::boolean: {
      const auto b = v.get_bool();
      return (b.ok() && b.value == j.get<bool>()) || fail("boolean");
    }
    case nlohmann::json::value_t::number_integer: {
      const auto n = v.get_int64();
      return (n.ok() && n.value == j.get<std::int64_t>()) || fail("int64");
    }
    case nlohmann::json::value_t::number_unsigned: {
      const auto n = v.get_uint64();
      return (n.ok() && n.value == j.get<std::uint64_t>()) || fail("uint64");
    }
    case nlohmann::json::value_t::number_float: {
      const auto d = v.get_double();
      const double e = j.get<double>();
      return (d.ok() && d.value == e && std::signbit(d.value) == std::signbit(e)) || fail("double");
    }
    case nlohmann::json::value_t::string:
      return (v.is_string() && decoded(v) == j.get_ref<const std::string&>() &&
              v.unescaped_size() == j.get_ref<const std::string&>().size() &&
              v.equals(j.get_ref<const std::string&>())) ||
             fail("string");
    case nlohmann::json::value_t::array: {
      if (!v.is_array() || v.size() != j.size()) return fail("array");
      std::size_t i = 0;
      for (js::value e : v.elements()) {
        if (v.at(i) != e) return fail("array at()");
        if (!same(e, j[i++], doc, why)) return false;
      }
      return true;
    }
    case nlohmann::json::value_t::object: {
      if (!v.is_object()) return fail("object");
      // nlohmann keeps the last of repeated names
      std::map<std::string, js::value> last;
      for (js::member m : v.members()) {
        js::value key;
        if (!doc.key_of(m.val, key) || key != m.key) return fail("key_of");
        last[decoded(m.key)] = m.val;
      }
      if (last.size() != j.size()) return fail("member count");
      for (const auto& [k, jv] : j.items()) {
        const auto it = last.find(k);
        if (it == last.end()) return fail("missing member");
        if (!v.find(k).valid()) return fail("find");  // find() returns the first occurrence
        if (v.find_last(k) != it->second) return fail("find_last");
        if (!same(it->second, jv, doc, why)) return false;
      }
      return true;
    }
    default:
      return fail("unexpected nlohmann type");
  }
}

// What dockimg does with each implementation-defined JSONTestSuite file (policy: I-JSON / RFC 7493,
// see corpus/json/README.md): syntactically valid numbers are accepted whatever their magnitude;
// invalid UTF-8, lone or reversed surrogate escapes, UTF-16 input and a BOM are rejected; 500
// nested arrays fit the default depth limit (1024).
const std::map<std::string, js::errc>& i_policy() {
  static const std::map<std::string, js::errc> table = {
      {"i_number_double_huge_neg_exp.json", js::errc::ok},
      {"i_number_huge_exp.json", js::errc::ok},
      {"i_number_neg_int_huge_exp.json", js::errc::ok},
      {"i_number_pos_double_huge_exp.json", js::errc::ok},
      {"i_number_real_neg_overflow.json", js::errc::ok},
      {"i_number_real_pos_overflow.json", js::errc::ok},
      {"i_number_real_underflow.json", js::errc::ok},
      {"i_number_too_big_neg_int.json", js::errc::ok},
      {"i_number_too_big_pos_int.json", js::errc::ok},
      {"i_number_very_big_negative_int.json", js::errc::ok},
      {"i_object_key_lone_2nd_surrogate.json", js::errc::invalid_surrogate},
      {"i_string_1st_surrogate_but_2nd_missing.json", js::errc::invalid_surrogate},
      {"i_string_1st_valid_surrogate_2nd_invalid.json", js::errc::invalid_surrogate},
      {"i_string_UTF-16LE_with_BOM.json", js::errc::unexpected_character},
      {"i_string_UTF-8_invalid_sequence.json", js::errc::invalid_utf8},
      {"i_string_UTF8_surrogate_U+D800.json", js::errc::invalid_utf8},
      {"i_string_incomplete_surrogate_and_escape_valid.json", js::errc::invalid_surrogate},
      {"i_string_incomplete_surrogate_pair.json", js::errc::invalid_surrogate},
      {"i_string_incomplete_surrogates_escape_valid.json", js::errc::invalid_surrogate},
      {"i_string_invalid_lonely_surrogate.json", js::errc::invalid_surrogate},
      {"i_string_invalid_surrogate.json", js::errc::invalid_surrogate},
      {"i_string_invalid_utf-8.json", js::errc::invalid_utf8},
      {"i_string_inverted_surrogates_U+1D11E.json", js::errc::invalid_surrogate},
      {"i_string_iso_latin_1.json", js::errc::invalid_utf8},
      {"i_string_lone_second_surrogate.json", js::errc::invalid_surrogate},
      {"i_string_lone_utf8_continuation_byte.json", js::errc::invalid_utf8},
      {"i_string_not_in_unicode_range.json", js::errc::invalid_utf8},
      {"i_string_overlong_sequence_2_bytes.json", js::errc::invalid_utf8},
      {"i_string_overlong_sequence_6_bytes.json", js::errc::invalid_utf8},
      {"i_string_overlong_sequence_6_bytes_null.json", js::errc::invalid_utf8},
      {"i_string_truncated-utf-8.json", js::errc::invalid_utf8},
      {"i_string_utf16BE_no_BOM.json", js::errc::unexpected_character},
      {"i_string_utf16LE_no_BOM.json", js::errc::unexpected_character},
      {"i_structure_500_nested_arrays.json", js::errc::ok},
      {"i_structure_UTF-8_BOM_empty_object.json", js::errc::byte_order_mark},
  };
  return table;
}

}  // namespace

TEST_SUITE("json") {
  TEST_CASE("json JSONTestSuite verdicts") {
    if (dockimg_test::skip_without(corpus_dir() +
                                   "/json/test_parsing/y_structure_lonely_null.json"))
      return;
    const auto files = suite_files();
    std::size_t y = 0, n = 0, i = 0;
    for (const auto& f : files) {
      CAPTURE(f.name);
      parsed p(f.text);
      CHECK(p.doc.error().code != js::errc::out_of_storage);
      if (f.name[0] == 'y') {
        ++y;
        CHECK_MESSAGE(p.doc.ok(), js::message(p.doc.error()));
      } else if (f.name[0] == 'n') {
        ++n;
        CHECK(!p.doc.ok());
        CHECK(p.doc.error().offset <= f.text.size());
      } else {
        ++i;
        const auto it = i_policy().find(f.name);
        REQUIRE_MESSAGE(it != i_policy().end(), "i_ file missing from the policy table");
        CHECK(p.doc.error().code == it->second);
      }
    }
    // corpus/json/README.md: 95 y_, 188 n_, 35 i_
    CHECK(y == 95);
    CHECK(n == 188);
    CHECK(i == 35);
    CHECK(i_policy().size() == i);
  }

  TEST_CASE("json values match nlohmann on every accepted suite file") {
    if (dockimg_test::skip_without(corpus_dir() +
                                   "/json/test_parsing/y_structure_lonely_null.json"))
      return;
    std::size_t compared = 0;
    for (const auto& f : suite_files()) {
      if (f.name[0] == 'n') continue;
      parsed p(f.text);
      if (!p.doc.ok()) continue;
      if (f.name[0] == 'i' && f.name.rfind("i_number", 0) == 0) {
        // magnitudes beyond double: nlohmann gives up; the typed accessors must say out_of_range or
        // round to zero, never crash
        const js::value v = p.doc.root().at(0);
        REQUIRE(v.is_number());
        const auto d = v.get_double();
        CHECK((d.ok() ? std::isfinite(d.value) : d.code == js::errc::out_of_range));
        if (f.name.find("underflow") != std::string::npos ||
            f.name.find("huge_neg_exp") != std::string::npos) {
          CHECK(d.ok());
          CHECK(d.value == 0.0);
        }
        if (f.name.find("overflow") != std::string::npos) CHECK(d.code == js::errc::out_of_range);
        if (f.name.find("int") != std::string::npos && f.name.find("exp") == std::string::npos) {
          CHECK(v.get_int64().code == js::errc::out_of_range);
          CHECK(v.get_uint64().code == js::errc::out_of_range);
        }
        continue;
      }
      CAPTURE(f.name);
      const nlohmann::json j = nlohmann::json::parse(f.text, nullptr, false);
      REQUIRE(!j.is_discarded());
      std::string why;
      CHECK_MESSAGE(same(p.doc.root(), j, p.doc, why), why);
      ++compared;
    }
    CHECK(compared >= 95);
  }

  TEST_CASE("json values match nlohmann on every OCI document") {
    if (dockimg_test::skip_without(corpus_dir() + "/oci/cases.jsonl")) return;
    std::size_t compared = 0;
    for (const auto& f : oci_files()) {
      CAPTURE(f.name);
      parsed p(f.text);
      const nlohmann::json j = nlohmann::json::parse(f.text, nullptr, false);
      CHECK(p.doc.ok() == !j.is_discarded());
      if (!p.doc.ok() || j.is_discarded()) continue;
      std::string why;
      CHECK_MESSAGE(same(p.doc.root(), j, p.doc, why), why);
      ++compared;
    }
    CHECK(compared >= 150);
  }

  TEST_CASE("json OCI documents against Go's encoding/json verdicts") {
    // cases.jsonl records what the upstream validator (Go) said. Go checks the syntax of the whole
    // document first: "unexpected end of JSON input" and "invalid character ..." are syntax errors;
    // "cannot unmarshal number N into ... of type int64" names a number dockimg's get_int64 must
    // refuse.
    if (dockimg_test::skip_without(corpus_dir() + "/oci/cases.jsonl")) return;
    std::size_t syntax = 0, numbers = 0;
    for (const auto& c : dockimg_test::read_jsonl(corpus_dir() + "/oci/cases.jsonl")) {
      const std::string file = c["file"].get<std::string>();
      CAPTURE(file);
      std::string text;
      REQUIRE(dockimg_test::read_file(corpus_dir() + "/oci/" + file, text));
      parsed p(text);
      std::string err;
      if (c.contains("upstream_validator") && c["upstream_validator"].contains("error"))
        err = c["upstream_validator"]["error"].get<std::string>();
      const bool go_eof = err.find("unexpected end of JSON input") != std::string::npos;
      const bool go_char = err.find("invalid character") != std::string::npos;
      CHECK(p.doc.ok() == !(go_eof || go_char));
      if (go_eof) CHECK(p.doc.error().code == js::errc::unexpected_end);
      if (go_eof || go_char) ++syntax;
      // "json: cannot unmarshal number <N> into Go struct field <F> of type int64"
      const std::string lead = "cannot unmarshal number ";
      const std::size_t at = err.find(lead);
      const bool int64_target =
          err.size() >= 13 && err.compare(err.size() - 13, 13, "of type int64") == 0;
      if (at != std::string::npos && int64_target) {
        const std::size_t from = at + lead.size();
        const std::string number = err.substr(from, err.find(' ', from) - from);
        ++numbers;
        REQUIRE(p.doc.ok());
        // find the number as written
        bool found = false;
        std::vector<js::value> stack{p.doc.root()};
        while (!stack.empty()) {
          const js::value v = stack.back();
          stack.pop_back();
          if (v.is_number() && v.text() == number) {
            found = true;
            const auto n = v.get_int64();
            CHECK(!n.ok());
            CHECK(n.code == (v.is_integer() ? js::errc::out_of_range : js::errc::not_an_integer));
            CHECK(v.get_double().ok());
          }
          for (js::value e : v.elements()) stack.push_back(e);
          for (js::member mm : v.members()) stack.push_back(mm.val);
        }
        CHECK(found);
      }
    }
    CHECK(syntax >= 2);
    CHECK(numbers >= 3);
  }

  TEST_CASE("json error positions and pointers") {
    struct error_case {
      const char* text;
      js::errc code;
      std::uint32_t line, column;
      const char* pointer;
    };
    const error_case cases[] = {
        {"", js::errc::unexpected_end, 1, 1, ""},
        {"  \n ", js::errc::unexpected_end, 2, 2, ""},
        {"{\"a\": [1, tru]}", js::errc::invalid_literal, 1, 11, "/a/1"},
        {"{\"a\": [1, tru", js::errc::unexpected_end, 1, 14, "/a/1"},
        {"{\n  \"a/b\": {\n    \"c~d\": [0, 01]\n  }\n}", js::errc::invalid_number, 3, 17,
         "/a~1b/c~0d/1"},
        {"[1 2]", js::errc::unexpected_character, 1, 4, ""},
        {"{\"x\" 1}", js::errc::unexpected_character, 1, 6, "/x"},
        {"{\"\\u0041\\/\": \"\\q\"}", js::errc::invalid_escape, 1, 15, "/A~1"},
        {"[\"a\tb\"]", js::errc::control_character, 1, 4, "/0"},
        {"[\"\\ud800\"]", js::errc::invalid_surrogate, 1, 3, "/0"},
        {"[\"\xC0\x80\"]", js::errc::invalid_utf8, 1, 3, "/0"},
        {"{\"a\":1,}", js::errc::unexpected_character, 1, 8, ""},
        {"[1,]", js::errc::unexpected_character, 1, 4, "/1"},
        {"[] x", js::errc::trailing_content, 1, 4, ""},
        {"[[[]]", js::errc::unexpected_end, 1, 6, ""},
        {"{\"a\":[{},{\"b\":[null, nul]}]}", js::errc::invalid_literal, 1, 22, "/a/1/b/1"},
        {"\xEF\xBB\xBF{}", js::errc::byte_order_mark, 1, 1, ""},
        {"[1.]", js::errc::invalid_number, 1, 4, "/0"},
        {"[-]", js::errc::invalid_number, 1, 3, "/0"},
        {"{\"a\":{\"b\":\"\\u00e9\xE9\"}}", js::errc::invalid_utf8, 1, 18, "/a/b"},
    };
    for (const auto& c : cases) {
      const std::string shown = c.text;
      CAPTURE(shown);
      parsed p(c.text);
      CHECK(p.doc.error().code == c.code);
      CHECK(p.doc.error().position.line == c.line);
      CHECK(p.doc.error().position.column == c.column);
      CHECK(js::error_pointer(p.doc) == c.pointer);
      CHECK(p.doc.locate(p.doc.error().offset).line == c.line);
      CHECK(!js::message(p.doc.error()).empty());
    }
  }

  TEST_CASE("json pointers and positions of values") {
    const std::string text =
        "{\n \"a\": [true, {\"m~n\": null, \"p/q\": \"x\\u00e9\"}],\n \"\": 3.5,\n \"z\": []\n}";
    parsed p(text);
    REQUIRE(p.doc.ok());
    const js::value root = p.doc.root();
    CHECK(js::pointer(p.doc, root).empty());
    const js::value a = root.find("a");
    CHECK(js::pointer(p.doc, a) == "/a");
    CHECK(p.doc.locate(a).line == 2);
    CHECK(p.doc.locate(a).column == 7);
    const js::value inner = a.at(1);
    CHECK(js::pointer(p.doc, inner) == "/a/1");
    CHECK(js::pointer(p.doc, inner.find("m~n")) == "/a/1/m~0n");
    CHECK(js::pointer(p.doc, inner.find("p/q")) == "/a/1/p~1q");
    CHECK(decoded(inner.find("p/q")) == "x\xC3\xA9");
    CHECK(js::pointer(p.doc, root.find("")) == "/");
    CHECK(root.find("").get_double().value == 3.5);
    CHECK(js::pointer(p.doc, root.find("z")) == "/z");
    CHECK(p.doc.locate(root.find("z")).line == 4);
    CHECK(!root.find("missing").valid());
    CHECK(root.size() == 3);
    CHECK(a.size() == 2);
    CHECK(root.find("z").size() == 0);
    CHECK(a.text() == "[true, {\"m~n\": null, \"p/q\": \"x\\u00e9\"}]");
    js::value key;
    CHECK(!p.doc.key_of(a.at(0), key));
    CHECK(p.doc.key_of(a, key));
    CHECK(key.equals("a"));
  }

  TEST_CASE("json exact numbers") {
    struct num_case {
      const char* text;
      js::errc i64;
      std::int64_t i64_value;
      js::errc u64;
      std::uint64_t u64_value;
    };
    const num_case cases[] = {
        {"0", js::errc::ok, 0, js::errc::ok, 0},
        {"-0", js::errc::ok, 0, js::errc::out_of_range, 0},
        {"9223372036854775807", js::errc::ok, std::numeric_limits<std::int64_t>::max(),
         js::errc::ok, 9223372036854775807ull},
        {"9223372036854775808", js::errc::out_of_range, 0, js::errc::ok, 9223372036854775808ull},
        {"-9223372036854775808", js::errc::ok, std::numeric_limits<std::int64_t>::min(),
         js::errc::out_of_range, 0},
        {"-9223372036854775809", js::errc::out_of_range, 0, js::errc::out_of_range, 0},
        {"18446744073709551615", js::errc::out_of_range, 0, js::errc::ok, 18446744073709551615ull},
        {"18446744073709551616", js::errc::out_of_range, 0, js::errc::out_of_range, 0},
        {"1.0", js::errc::not_an_integer, 0, js::errc::not_an_integer, 0},
        {"1e3", js::errc::not_an_integer, 0, js::errc::not_an_integer, 0},
        {"7682", js::errc::ok, 7682, js::errc::ok, 7682},
        {"\"7682\"", js::errc::wrong_type, 0, js::errc::wrong_type, 0},
    };
    for (const auto& c : cases) {
      CAPTURE(c.text);
      parsed p(c.text);
      REQUIRE(p.doc.ok());
      const auto i = p.doc.root().get_int64();
      CHECK(i.code == c.i64);
      if (i.ok()) CHECK(i.value == c.i64_value);
      const auto u = p.doc.root().get_uint64();
      CHECK(u.code == c.u64);
      if (u.ok()) CHECK(u.value == c.u64_value);
    }
    // doubles: correctly rounded, compared with strtod (glibc rounds correctly)
    for (const char* t :
         {"0.1", "1e308", "2.2250738585072011e-308", "4.9e-324", "-0.0", "1.7976931348623157e308",
          "123456789012345678901234567890", "0.30000000000000004441"}) {
      CAPTURE(t);
      parsed p(t);
      REQUIRE(p.doc.ok());
      const auto d = p.doc.root().get_double();
      REQUIRE(d.ok());
      CHECK(d.value == std::strtod(t, nullptr));
      CHECK(std::signbit(d.value) == std::signbit(std::strtod(t, nullptr)));
    }
    for (const char* t : {"1e309", "-1.8e308", "1e999999999999"}) {
      parsed p(t);
      CHECK(p.doc.root().get_double().code == js::errc::out_of_range);
    }
    for (const char* t : {"1e-400", "-1e-400", "0.0000e-99999"}) {
      parsed p(t);
      CHECK(p.doc.root().get_double().ok());
      CHECK(p.doc.root().get_double().value == 0.0);
    }
    parsed p("[true, null]");
    CHECK(p.doc.root().at(0).get_bool().value);
    CHECK(p.doc.root().at(1).get_bool().code == js::errc::wrong_type);
    CHECK(p.doc.root().at(1).is_null());
    CHECK(p.doc.root().get_double().code == js::errc::wrong_type);
  }

  TEST_CASE("json strings into caller buffers") {
    parsed p("[\"plain\", \"a\\n\\u00e9\\ud83d\\ude00\"]");
    REQUIRE(p.doc.ok());
    const js::value plain = p.doc.root().at(0), esc = p.doc.root().at(1);
    char small[3];
    CHECK(plain.get_string(small, 0).value == "plain");  // no escapes: a view of the text
    CHECK(!plain.has_escapes());
    CHECK(esc.has_escapes());
    CHECK(esc.unescaped_size() == 8);
    CHECK(esc.get_string(small, sizeof small).code == js::errc::buffer_too_small);
    char exact[8];
    const auto r = esc.get_string(exact, sizeof exact);
    REQUIRE(r.ok());
    CHECK(r.value == "a\n\xC3\xA9\xF0\x9F\x98\x80");
    unsigned char mem[16];
    dockimg::arena tiny(mem, 12);
    const auto a = esc.get_string(tiny);
    REQUIRE(a.ok());
    CHECK(a.value == r.value);
    CHECK(esc.get_string(tiny).code == js::errc::out_of_storage);
    CHECK(esc.equals("a\n\xC3\xA9\xF0\x9F\x98\x80"));
    CHECK(!esc.equals("a\n"));
    CHECK(p.doc.root().get_string(exact, sizeof exact).code == js::errc::wrong_type);
  }

  TEST_CASE("json depth limit") {
    if (dockimg_test::skip_without(corpus_dir() +
                                   "/json/test_parsing/i_structure_500_nested_arrays.json"))
      return;
    std::string text;
    REQUIRE(dockimg_test::read_file(
        corpus_dir() + "/json/test_parsing/i_structure_500_nested_arrays.json", text));
    js::options opts;
    opts.max_depth = 500;
    CHECK(parsed(text, opts).doc.ok());
    opts.max_depth = 499;
    parsed shallow(text, opts);
    CHECK(shallow.doc.error().code == js::errc::too_deep);
    CHECK(shallow.doc.error().offset == 499);
    opts.max_depth = 0;
    CHECK(parsed("1", opts).doc.ok());
    CHECK(parsed("[]", opts).doc.error().code == js::errc::too_deep);
    // no recursion: 100,000 open arrays with no limit to speak of end in unexpected_end
    REQUIRE(dockimg_test::read_file(
        corpus_dir() + "/json/test_parsing/n_structure_100000_opening_arrays.json", text));
    opts.max_depth = 1u << 30;
    parsed deep(text, opts);
    CHECK(deep.doc.error().code == js::errc::unexpected_end);
    CHECK(js::error_pointer(deep.doc).size() == 2 * 100000);  // "/0" per open array, and the slot
  }

  TEST_CASE("json duplicate member names") {
    if (dockimg_test::skip_without(corpus_dir() +
                                   "/json/test_parsing/y_object_duplicated_key.json"))
      return;
    js::options strict;
    strict.reject_duplicate_keys = true;
    for (const char* name :
         {"y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json"}) {
      std::string text;
      REQUIRE(dockimg_test::read_file(corpus_dir() + "/json/test_parsing/" + name, text));
      CHECK(parsed(text).doc.ok());
      parsed p(text, strict);
      CHECK(p.doc.error().code == js::errc::duplicate_key);
      CHECK(js::error_pointer(p.doc) == "/a");
      CHECK(p.doc.error().offset == text.rfind("\"a\""));
    }
    // the OCI case: a manifest repeating a member name (cases.jsonl level "spec")
    for (const auto& f : oci_files()) {
      parsed p(f.text, strict);
      const bool dup = f.name.find("duplicate-object-member-name") != std::string::npos;
      CAPTURE(f.name);
      if (dup) {
        CHECK(p.doc.error().code == js::errc::duplicate_key);
        std::string ptr = js::error_pointer(p.doc);
        CHECK(!ptr.empty());
        // the pointer names the second occurrence
        CHECK(f.text.find("\"" + ptr.substr(ptr.rfind('/') + 1) + "\"") < p.doc.error().offset);
      } else {
        CHECK(p.doc.ok() == parsed(f.text).doc.ok());
      }
    }
    // escaped forms are the same name; large objects use the sorting path
    CHECK(parsed("{\"a\":1,\"\\u0061\":2}", strict).doc.error().code == js::errc::duplicate_key);
    std::string big = "{";
    for (int i = 0; i < 40; ++i) big += "\"k" + std::to_string(i) + "\":{\"x\":1,\"y\":2},";
    big += "\"k7\":0}";
    CHECK(parsed(big).doc.ok());
    parsed pb(big, strict);
    CHECK(pb.doc.error().code == js::errc::duplicate_key);
    CHECK(js::error_pointer(pb.doc) == "/k7");
    CHECK(pb.doc.error().offset == big.rfind("\"k7\""));
    big.replace(big.rfind("\"k7\""), 4, "\"k99\"");
    CHECK(parsed(big, strict).doc.ok());
    // the first repeated name in the text wins, wherever it is nested
    parsed nested("{\"a\":{\"b\":1,\"b\":2},\"a\":3}", strict);
    CHECK(js::error_pointer(nested.doc) == "/a/b");
  }

  TEST_CASE("json storage bound and out_of_storage") {
    if (dockimg_test::skip_without(corpus_dir() + "/oci/cases.jsonl")) return;
    // the hint always suffices (checked on every corpus file, with and without duplicate checks),
    // and any smaller arena gives out_of_storage, never an overrun
    std::vector<named_text> files = suite_files();
    for (auto& f : oci_files()) files.push_back(std::move(f));
    js::options strict;
    strict.reject_duplicate_keys = true;
    for (const auto& f : files) {
      CAPTURE(f.name);
      CHECK(parsed(f.text).doc.error().code != js::errc::out_of_storage);
      CHECK(parsed(f.text, strict).doc.error().code != js::errc::out_of_storage);
    }
    std::string doc_text;  // the largest OCI document
    for (const auto& f : oci_files()) {
      if (f.text.size() > doc_text.size()) doc_text = f.text;
    }
    const parsed full(doc_text);
    REQUIRE(full.doc.ok());
    const std::size_t needed = full.doc.node_count() * 16;
    for (std::size_t size = 0; size < needed; size += 7) {
      std::vector<unsigned char> mem(size + 64, 0xAB);
      dockimg::arena a(mem.data(), size);
      const js::document d = js::parse(doc_text, a);
      CHECK(d.error().code == js::errc::out_of_storage);
      for (std::size_t k = size; k < mem.size(); ++k) REQUIRE(mem[k] == 0xAB);
    }
  }

  TEST_CASE("json parse and walk allocate nothing") {
    if (dockimg_test::skip_without(corpus_dir() + "/oci/cases.jsonl")) return;
    std::vector<named_text> files = suite_files();
    for (auto& f : oci_files()) files.push_back(std::move(f));
    std::size_t biggest = 0;
    for (const auto& f : files)
      biggest = std::max(biggest, js::storage_hint(f.text, {1024, true, false}));
    std::vector<unsigned char> mem(biggest);
    std::vector<char> buf(1 << 20);
    std::vector<js::value> stack(1 << 16);
    std::size_t allocations = 0, values = 0, bytes = 0, errors = 0;
    {
      dockimg_test::alloc_scope scope;
      auto sink = [&](std::string_view s) { bytes += s.size(); };
      for (const auto& f : files) {
        for (const bool dup : {false, true}) {
          dockimg::arena a(mem.data(), mem.size());
          js::options opts;
          opts.reject_duplicate_keys = dup;
          const js::document d = js::parse(f.text, a, opts);
          if (!d.ok()) {
            ++errors;
            js::write_message(d.error(), sink);
            d.write_error_pointer(sink);
            continue;
          }
          std::size_t top = 0;
          stack[top++] = d.root();
          while (top != 0) {
            const js::value v = stack[--top];
            ++values;
            d.write_pointer(v, sink);
            (void)d.locate(v);
            switch (v.type()) {
              case js::kind::string:
                bytes += v.get_string(buf.data(), buf.size()).value.size();
                break;
              case js::kind::number:
                (void)v.get_double();
                (void)v.get_int64();
                (void)v.get_uint64();
                break;
              case js::kind::array:
                for (js::value e : v.elements()) stack[top++] = e;
                break;
              case js::kind::object:
                for (js::member m : v.members()) {
                  bytes += m.key.get_string(buf.data(), buf.size()).value.size();
                  (void)v.find(m.key.raw_string());
                  stack[top++] = m.val;
                }
                break;
              default:
                (void)v.get_bool();
                break;
            }
          }
        }
      }
      allocations = scope.count();
    }
    CHECK(allocations == 0);
    CHECK(values > 4000);
    CHECK(bytes > 0);
    CHECK(errors > 188 * 2);
  }

}  // TEST_SUITE("json")

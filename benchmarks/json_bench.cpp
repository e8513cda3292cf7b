// JSON reading over the OCI corpus: every corpus/oci/*.json document that is well-formed JSON
// (`all`: spec examples, upstream test documents and the real Docker Hub documents) and the real
// Docker Hub documents alone (`docker`: the valid-docker-* files, byte-exact registry content).
//
// Every reader does the same work in the same run: parse the document, visit every value in
// document order, read every string and member name unescaped, read every number as a double and
// every boolean. Each run folds what it saw into a checksum that must equal dockimg's before timing
// starts.
//
// BM_json_dockimg/<set>             dockimg::json::parse into a reused arena + a walk of the tape
// BM_json_simdjson_ondemand/<set>   simdjson on-demand (padded copies made outside the timing)
// BM_json_rapidjson_dom/<set>       rapidjson::Document::Parse + a walk of the DOM
// BM_json_rapidjson_sax/<set>       rapidjson::Reader with a handler (no DOM)
// BM_json_nlohmann/<set>            nlohmann::json::parse + a walk of the DOM
#include <benchmark/benchmark.h>
#include <dirent.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <dockimg/json.hpp>
#include <dockimg/oci.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#if DOCKIMG_BENCH_HAVE_SIMDJSON
#include <simdjson.h>
#endif
#if DOCKIMG_BENCH_HAVE_RAPIDJSON
#include <rapidjson/document.h>
#include <rapidjson/reader.h>
#endif
#if DOCKIMG_BENCH_HAVE_NLOHMANN_JSON
#include <nlohmann/json.hpp>
#endif

#ifndef DOCKIMG_CORPUS_DIR
#define DOCKIMG_CORPUS_DIR "../shared/corpus"
#endif

namespace {

namespace js = dockimg::json;

/// What a walk saw: the same fold for every reader.
struct checksum {
  std::uint64_t values = 0;
  std::uint64_t string_bytes = 0;
  std::uint64_t string_mix = 0;
  double numbers = 0.0;
  std::uint64_t trues = 0;

  void string(std::string_view s) {
    ++values;
    string_bytes += s.size();
    if (!s.empty()) string_mix = string_mix * 31 + static_cast<unsigned char>(s[s.size() / 2]);
  }
  void key(std::string_view s) { string(s); }
  void number(double d) {
    ++values;
    numbers += d;
  }
  void boolean(bool b) {
    ++values;
    trues += b ? 1 : 0;
  }
  void null() { ++values; }
  void container() { ++values; }
  bool operator==(const checksum& o) const {
    return values == o.values && string_bytes == o.string_bytes && string_mix == o.string_mix &&
           numbers == o.numbers && trues == o.trues;
  }
};

struct doc_set {
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  std::string error;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

doc_set read_set(bool docker_only) {
  doc_set out;
  const std::string dir = std::string(DOCKIMG_CORPUS_DIR) + "/oci/";
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (ends_with(name, ".json") && (!docker_only || name.rfind("valid-docker-", 0) == 0))
        names.push_back(name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  std::vector<unsigned char> mem;
  for (const std::string& name : names) {
    std::ifstream in(dir + name, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    js::options strict;
    strict.reject_duplicate_keys = true;
    mem.resize(js::storage_hint(text, strict));
    dockimg::arena a(mem.data(), mem.size());
    // not well-formed JSON: readers disagree on how to fail; a repeated member name: on what to
    // keep
    if (!js::parse(text, a, strict).ok()) continue;
    out.bytes += text.size();
    out.texts.push_back(std::move(text));
  }
  if (out.texts.empty()) out.error = "no JSON documents under " + dir;
  return out;
}

const doc_set& load(bool docker_only) {
  static const doc_set all = read_set(false);
  static const doc_set docker = read_set(true);
  return docker_only ? docker : all;
}

// ---- dockimg
// --------------------------------------------------------------------------------------

struct dockimg_reader {
  std::vector<unsigned char> mem;
  std::vector<char> buf;

  explicit dockimg_reader(const doc_set& s) {
    std::size_t m = 0, b = 0;
    for (const auto& t : s.texts) {
      m = std::max(m, js::storage_hint(t));
      b = std::max(b, t.size());
    }
    mem.resize(m);
    buf.resize(b);
  }

  void walk(js::value v, checksum& c) {
    switch (v.type()) {
      case js::kind::null:
        c.null();
        break;
      case js::kind::boolean:
        c.boolean(v.get_bool().value);
        break;
      case js::kind::number:
        c.number(v.get_double().value);
        break;
      case js::kind::string:
        c.string(v.get_string(buf.data(), buf.size()).value);
        break;
      case js::kind::array:
        c.container();
        for (js::value e : v.elements()) walk(e, c);
        break;
      case js::kind::object:
        c.container();
        for (js::member m : v.members()) {
          c.key(m.key.get_string(buf.data(), buf.size()).value);
          walk(m.val, c);
        }
        break;
    }
  }

  bool run(const std::string& text, checksum& c) {
    dockimg::arena a(mem.data(), mem.size());
    const js::document d = js::parse(text, a);
    if (!d.ok()) return false;
    walk(d.root(), c);
    return true;
  }
};

// ---- simdjson on-demand
// -----------------------------------------------------------------------------

#if DOCKIMG_BENCH_HAVE_SIMDJSON
struct simdjson_reader {
  simdjson::ondemand::parser parser;
  std::vector<simdjson::padded_string> padded;

  explicit simdjson_reader(const doc_set& s) {
    for (const auto& t : s.texts) padded.emplace_back(t);
  }

  bool walk(simdjson::ondemand::value v, checksum& c) {
    simdjson::ondemand::json_type t;
    if (v.type().get(t)) return false;
    switch (t) {
      case simdjson::ondemand::json_type::null:
        c.null();
        return true;
      case simdjson::ondemand::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return false;
        c.boolean(b);
        return true;
      }
      case simdjson::ondemand::json_type::number: {
        double d;
        if (v.get_double().get(d)) return false;
        c.number(d);
        return true;
      }
      case simdjson::ondemand::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        c.string(s);
        return true;
      }
      case simdjson::ondemand::json_type::array: {
        c.container();
        simdjson::ondemand::array a;
        if (v.get_array().get(a)) return false;
        for (auto e : a) {
          simdjson::ondemand::value ev;
          if (e.get(ev) || !walk(ev, c)) return false;
        }
        return true;
      }
      case simdjson::ondemand::json_type::object: {
        c.container();
        simdjson::ondemand::object o;
        if (v.get_object().get(o)) return false;
        for (auto f : o) {
          std::string_view k;
          if (f.unescaped_key().get(k)) return false;
          c.key(k);
          simdjson::ondemand::value fv;
          if (f.value().get(fv) || !walk(fv, c)) return false;
        }
        return true;
      }
    }
    return false;
  }

  bool run(std::size_t i, checksum& c) {
    simdjson::ondemand::document doc;
    if (parser.iterate(padded[i]).get(doc)) return false;
    simdjson::ondemand::value root;
    if (doc.get_value().get(root)) return false;  // every OCI document is an object
    return walk(root, c);
  }
};
#endif

// ---- RapidJSON
// ------------------------------------------------------------------------------------

#if DOCKIMG_BENCH_HAVE_RAPIDJSON
void rapid_walk(const rapidjson::Value& v, checksum& c) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      c.null();
      break;
    case rapidjson::kFalseType:
      c.boolean(false);
      break;
    case rapidjson::kTrueType:
      c.boolean(true);
      break;
    case rapidjson::kNumberType:
      c.number(v.GetDouble());
      break;
    case rapidjson::kStringType:
      c.string(std::string_view(v.GetString(), v.GetStringLength()));
      break;
    case rapidjson::kArrayType:
      c.container();
      for (const auto& e : v.GetArray()) rapid_walk(e, c);
      break;
    case rapidjson::kObjectType:
      c.container();
      for (const auto& m : v.GetObject()) {
        c.key(std::string_view(m.name.GetString(), m.name.GetStringLength()));
        rapid_walk(m.value, c);
      }
      break;
  }
}

bool rapid_dom(const std::string& text, checksum& c) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  if (d.HasParseError()) return false;
  rapid_walk(d, c);
  return true;
}

struct rapid_handler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, rapid_handler> {
  checksum* c;
  bool Null() { return c->null(), true; }
  bool Bool(bool b) { return c->boolean(b), true; }
  bool Int(int i) { return c->number(i), true; }
  bool Uint(unsigned u) { return c->number(u), true; }
  bool Int64(std::int64_t i) { return c->number(static_cast<double>(i)), true; }
  bool Uint64(std::uint64_t u) { return c->number(static_cast<double>(u)), true; }
  bool Double(double d) { return c->number(d), true; }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return c->string(std::string_view(s, n)), true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    return c->key(std::string_view(s, n)), true;
  }
  bool StartObject() { return c->container(), true; }
  bool EndObject(rapidjson::SizeType) { return true; }
  bool StartArray() { return c->container(), true; }
  bool EndArray(rapidjson::SizeType) { return true; }
};

bool rapid_sax(const std::string& text, checksum& c) {
  rapidjson::Reader reader;
  rapidjson::StringStream in(text.c_str());
  rapid_handler h;
  h.c = &c;
  return !reader.Parse<rapidjson::kParseFullPrecisionFlag>(in, h).IsError();
}
#endif

// ---- nlohmann
// -------------------------------------------------------------------------------------

#if DOCKIMG_BENCH_HAVE_NLOHMANN_JSON
void nl_walk(const nlohmann::json& v, checksum& c) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      c.null();
      break;
    case nlohmann::json::value_t::boolean:
      c.boolean(v.get<bool>());
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      c.number(v.get<double>());
      break;
    case nlohmann::json::value_t::string:
      c.string(v.get_ref<const std::string&>());
      break;
    case nlohmann::json::value_t::array:
      c.container();
      for (const auto& e : v) nl_walk(e, c);
      break;
    case nlohmann::json::value_t::object:
      c.container();
      for (const auto& m : v.items()) {
        c.key(m.key());
        nl_walk(m.value(), c);
      }
      break;
    default:
      break;
  }
}

bool nl_run(const std::string& text, checksum& c) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return false;
  nl_walk(j, c);
  return true;
}
#endif

// ---- benchmarks
// ------------------------------------------------------------------------------------

// Runs `one(i, checksum&)` over every document of the set; checks the fold against dockimg's first.
template <class F>
void run_bench(benchmark::State& state, bool docker_only, F&& one, bool ordered_keys = true) {
  const doc_set& s = load(docker_only);
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  checksum expected, got;
  dockimg_reader ref(s);
  for (const auto& t : s.texts) ref.run(t, expected);
  for (std::size_t i = 0; i < s.texts.size(); ++i) {
    if (!one(i, got)) {
      state.SkipWithError("a document failed to parse");
      return;
    }
  }
  // nlohmann's object is a std::map: same members, sorted keys (the string fold is order-blind
  // only in its byte count, so compare the order-independent parts)
  const bool same = ordered_keys ? got == expected
                                 : got.values == expected.values &&
                                       got.string_bytes == expected.string_bytes &&
                                       got.trues == expected.trues;
  if (!same) {
    state.SkipWithError("the fold differs from dockimg's");
    return;
  }
  for (auto _ : state) {
    checksum c;
    for (std::size_t i = 0; i < s.texts.size(); ++i) one(i, c);
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.texts.size()));
  state.counters["docs"] = static_cast<double>(s.texts.size());
}

void BM_json_dockimg(benchmark::State& state) {
  const bool docker = state.range(0) != 0;
  dockimg_reader r(load(docker));
  const auto& texts = load(docker).texts;
  run_bench(state, docker, [&](std::size_t i, checksum& c) { return r.run(texts[i], c); });
}
BENCHMARK(BM_json_dockimg)->ArgName("docker")->Arg(0)->Arg(1);

// Parse + validate: oci::check (strict JSON with duplicate detection, then every image-spec,
// prose and registry rule of the document's kind, told from its content) on the same documents.
// The peers above only parse and walk, so this is the conservative comparison.
void BM_oci_dockimg_check(benchmark::State& state) {
  const bool docker = state.range(0) != 0;
  const doc_set& s = load(docker);
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  std::size_t most = 0;
  for (const auto& t : s.texts) most = std::max(most, js::storage_hint(t));
  std::vector<unsigned char> mem(most);
  std::size_t valid = 0;
  for (auto _ : state) {
    for (const auto& t : s.texts) {
      dockimg::arena a(mem.data(), mem.size());
      const dockimg::oci::checked c = dockimg::oci::check(t, a);
      valid += c.ok() ? 1 : 0;
      benchmark::DoNotOptimize(c.first.code);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(s.bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.texts.size()));
  state.counters["docs"] = static_cast<double>(s.texts.size());
  benchmark::DoNotOptimize(valid);
}
BENCHMARK(BM_oci_dockimg_check)->ArgName("docker")->Arg(0)->Arg(1);

#if DOCKIMG_BENCH_HAVE_SIMDJSON
void BM_json_simdjson_ondemand(benchmark::State& state) {
  const bool docker = state.range(0) != 0;
  simdjson_reader r(load(docker));
  run_bench(state, docker, [&](std::size_t i, checksum& c) { return r.run(i, c); });
}
BENCHMARK(BM_json_simdjson_ondemand)->ArgName("docker")->Arg(0)->Arg(1);
#endif

#if DOCKIMG_BENCH_HAVE_RAPIDJSON
void BM_json_rapidjson_dom(benchmark::State& state) {
  const bool docker = state.range(0) != 0;
  const auto& texts = load(docker).texts;
  run_bench(state, docker, [&](std::size_t i, checksum& c) { return rapid_dom(texts[i], c); });
}
BENCHMARK(BM_json_rapidjson_dom)->ArgName("docker")->Arg(0)->Arg(1);

void BM_json_rapidjson_sax(benchmark::State& state) {
  const bool docker = state.range(0) != 0;
  const auto& texts = load(docker).texts;
  run_bench(state, docker, [&](std::size_t i, checksum& c) { return rapid_sax(texts[i], c); });
}
BENCHMARK(BM_json_rapidjson_sax)->ArgName("docker")->Arg(0)->Arg(1);
#endif

#if DOCKIMG_BENCH_HAVE_NLOHMANN_JSON
void BM_json_nlohmann(benchmark::State& state) {
  const bool docker = state.range(0) != 0;
  const auto& texts = load(docker).texts;
  run_bench(
      state, docker, [&](std::size_t i, checksum& c) { return nl_run(texts[i], c); }, false);
}
BENCHMARK(BM_json_nlohmann)->ArgName("docker")->Arg(0)->Arg(1);
#endif

}  // namespace

// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the JSON reader. The whole input is one JSON text. It is parsed with
// storage_hint bytes (which must suffice), every value is visited, every string unescaped into a
// buffer and compared with the lazy forms, every pointer and position written; a second parse (with
// duplicate detection, which may only add `duplicate_key`) must agree with the first. Nothing may
// crash, overrun the storage or disagree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dockimg/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

#define DOCKIMG_FUZZ_CHECK(cond) \
  do {                           \
    if (!(cond)) std::abort();   \
  } while (0)

namespace js = dockimg::json;

// Visits every value of `doc`, checking the views; returns a digest of what it saw.
std::uint64_t walk(const js::document& doc, std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::uint64_t v) { h = (h ^ v) * 1099511628211ull; };
  auto sink = [&](std::string_view s) {
    for (char c : s) mix(static_cast<unsigned char>(c));
  };
  std::vector<char> buf;
  std::vector<js::value> stack{doc.root()};
  while (!stack.empty()) {
    const js::value v = stack.back();
    stack.pop_back();
    const dockimg::source_range r = v.range();
    DOCKIMG_FUZZ_CHECK(r.begin < r.end && r.end <= text.size());
    DOCKIMG_FUZZ_CHECK(v.text().data() == text.data() + r.begin);
    mix(r.begin);
    mix(static_cast<std::uint64_t>(v.type()));
    doc.write_pointer(v, sink);
    const dockimg::source_position pos = doc.locate(v);
    DOCKIMG_FUZZ_CHECK(pos.line >= 1 && pos.column >= 1);
    switch (v.type()) {
      case js::kind::string: {
        const std::string_view raw = v.raw_string();
        buf.resize(raw.size() + 1);
        const auto s = v.get_string(buf.data(), raw.size());
        DOCKIMG_FUZZ_CHECK(s.ok());
        DOCKIMG_FUZZ_CHECK(s.value.size() == v.unescaped_size());
        DOCKIMG_FUZZ_CHECK(v.equals(s.value));
        DOCKIMG_FUZZ_CHECK(v.has_escapes() || s.value == raw);
        if (v.has_escapes() && !s.value.empty()) {
          DOCKIMG_FUZZ_CHECK(v.get_string(buf.data(), s.value.size() - 1).code ==
                             js::errc::buffer_too_small);
        }
        sink(s.value);
        break;
      }
      case js::kind::number: {
        const auto d = v.get_double();
        DOCKIMG_FUZZ_CHECK(d.ok() || d.code == js::errc::out_of_range);
        const auto i = v.get_int64();
        const auto u = v.get_uint64();
        if (!v.is_integer())
          DOCKIMG_FUZZ_CHECK(i.code == js::errc::not_an_integer &&
                             u.code == js::errc::not_an_integer);
        if (i.ok() && u.ok()) DOCKIMG_FUZZ_CHECK(static_cast<std::uint64_t>(i.value) == u.value);
        if (i.ok()) mix(static_cast<std::uint64_t>(i.value));
        break;
      }
      case js::kind::boolean:
        DOCKIMG_FUZZ_CHECK(v.get_bool().ok());
        break;
      case js::kind::null:
        DOCKIMG_FUZZ_CHECK(v.is_null());
        break;
      case js::kind::array: {
        std::size_t n = 0;
        for (js::value e : v.elements()) {
          DOCKIMG_FUZZ_CHECK(v.at(n) == e);
          stack.push_back(e);
          ++n;
        }
        DOCKIMG_FUZZ_CHECK(n == v.size());
        break;
      }
      case js::kind::object: {
        std::size_t n = 0;
        for (js::member m : v.members()) {
          DOCKIMG_FUZZ_CHECK(m.key.is_string());
          js::value key;
          DOCKIMG_FUZZ_CHECK(doc.key_of(m.val, key) && key == m.key);
          const std::string_view raw = m.key.raw_string();
          buf.resize(raw.size() + 1);
          const auto k = m.key.get_string(buf.data(), buf.size());
          DOCKIMG_FUZZ_CHECK(k.ok());
          const std::string name(k.value);
          const js::value found = v.find(name);
          DOCKIMG_FUZZ_CHECK(found.valid() && found.range().begin <= m.val.range().begin);
          stack.push_back(m.val);
          ++n;
        }
        DOCKIMG_FUZZ_CHECK(n == v.size());
        break;
      }
    }
  }
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  js::options opts;
  opts.max_depth = 256;
  std::vector<unsigned char> mem(js::storage_hint(text, opts) + 16, 0xA5);
  const std::size_t usable = mem.size() - 16;
  dockimg::arena storage(mem.data(), usable);
  const js::document doc = js::parse(text, storage, opts);
  for (std::size_t i = usable; i < mem.size(); ++i) DOCKIMG_FUZZ_CHECK(mem[i] == 0xA5);
  DOCKIMG_FUZZ_CHECK(doc.error().code != js::errc::out_of_storage);
  DOCKIMG_FUZZ_CHECK(doc.error().offset <= size);

  std::string message, where;
  js::write_message(doc.error(), [&](std::string_view s) { message.append(s.data(), s.size()); });
  doc.write_error_pointer([&](std::string_view s) { where.append(s.data(), s.size()); });
  DOCKIMG_FUZZ_CHECK(!message.empty());
  const std::uint64_t h1 = doc.ok() ? walk(doc, text) : 0;
  if (doc.ok()) DOCKIMG_FUZZ_CHECK(where.empty());

  // a second parse with duplicate detection: same verdict unless a name repeats
  js::options strict = opts;
  strict.reject_duplicate_keys = true;
  std::vector<unsigned char> mem2(js::storage_hint(text, strict));
  dockimg::arena storage2(mem2.data(), mem2.size());
  const js::document doc2 = js::parse(text, storage2, strict);
  if (doc2.error().code == js::errc::duplicate_key) {
    DOCKIMG_FUZZ_CHECK(doc.ok());
    std::string where2;
    doc2.write_error_pointer([&](std::string_view s) { where2.append(s.data(), s.size()); });
    DOCKIMG_FUZZ_CHECK(!where2.empty());
  } else {
    DOCKIMG_FUZZ_CHECK(doc2.error().code == doc.error().code &&
                       doc2.error().offset == doc.error().offset);
    DOCKIMG_FUZZ_CHECK(doc2.node_count() == doc.node_count());
    std::string where2;
    doc2.write_error_pointer([&](std::string_view s) { where2.append(s.data(), s.size()); });
    DOCKIMG_FUZZ_CHECK(where2 == where);
    if (doc2.ok()) DOCKIMG_FUZZ_CHECK(walk(doc2, text) == h1);
  }

  // a deeper limit accepts whatever the first accepted
  js::options deep;
  deep.max_depth = 100000;
  std::vector<unsigned char> mem3(js::storage_hint(text, deep));
  dockimg::arena storage3(mem3.data(), mem3.size());
  const js::document doc3 = js::parse(text, storage3, deep);
  DOCKIMG_FUZZ_CHECK(doc3.error().code != js::errc::out_of_storage);
  if (doc.ok()) DOCKIMG_FUZZ_CHECK(doc3.ok() && walk(doc3, text) == h1);
  if (doc3.ok() && !doc.ok()) DOCKIMG_FUZZ_CHECK(doc.error().code == js::errc::too_deep);
  return 0;
}

// libFuzzer target for the Dockerfile parser. Built with Clang and -fsanitize=fuzzer when
// DOCKIMG_BUILD_FUZZERS=ON, and as a corpus-replay test (replay_main.cpp) otherwise.
//
// Invariants checked on every input:
//  - parsing never crashes and never overruns the arena it is given;
//  - every range lies inside the input and is ordered; line numbers are ordered;
//  - a second parse of the same input into a fresh arena gives the same dump (determinism);
//  - a too-small arena fails cleanly with out_of_storage instead of misbehaving.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <dockimg/dockerfile.hpp>

#define DOCKIMG_FUZZ_CHECK(cond) \
  do {                           \
    if (!(cond)) __builtin_trap(); \
  } while (0)

namespace {

std::string dump_of(const dockimg::dockerfile::document& doc) {
  std::string out;
  dockimg::dockerfile::dump(doc, [&](std::string_view s) { out.append(s.data(), s.size()); });
  if (!doc.ok()) out += dockimg::dockerfile::message(doc.error());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace df = dockimg::dockerfile;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Reused between inputs (only growing), so each run costs the parse, not a fresh allocation.
  static std::vector<unsigned char> memory;
  static std::vector<unsigned char> memory2;
  static std::vector<unsigned char> small;
  const std::size_t need = df::storage_hint(text);
  if (memory.size() < need + 1) memory.resize(need + 1);
  memory[need] = 0xA5;
  dockimg::arena storage(memory.data(), need);
  const df::document doc = df::parse(text, storage);
  DOCKIMG_FUZZ_CHECK(memory[need] == 0xA5);
  DOCKIMG_FUZZ_CHECK(doc.error().code != df::errc::out_of_storage);
  std::uint32_t last_line = 0;
  for (const auto& ins : doc.instructions()) {
    DOCKIMG_FUZZ_CHECK(ins.range().begin <= ins.range().end && ins.range().end <= size);
    DOCKIMG_FUZZ_CHECK(ins.start_line() <= ins.end_line() && ins.start_line() > last_line);
    last_line = ins.end_line();
    for (const auto& w : ins.args()) DOCKIMG_FUZZ_CHECK(w.range.begin <= w.range.end && w.range.end <= size);
    for (const auto& f : ins.flags()) {
      DOCKIMG_FUZZ_CHECK(f.range.begin <= f.range.end && f.range.end <= size);
      DOCKIMG_FUZZ_CHECK(f.text.substr(0, 2) == "--");
    }
    for (const auto& h : ins.heredocs()) DOCKIMG_FUZZ_CHECK(h.content_range.end <= size);
  }
  const std::string first = dump_of(doc);

  if (memory2.size() < need) memory2.resize(need);
  dockimg::arena storage2(memory2.data(), need);
  DOCKIMG_FUZZ_CHECK(dump_of(df::parse(text, storage2)) == first);

  // A quarter of the needed storage: must either succeed or say out_of_storage.
  const std::size_t quarter = need / 4;
  if (small.size() < quarter + 1) small.resize(quarter + 1);
  small[quarter] = 0x5A;
  dockimg::arena storage3(small.data(), quarter);
  const df::document doc3 = df::parse(text, storage3);
  DOCKIMG_FUZZ_CHECK(small[quarter] == 0x5A);
  if (doc3.ok()) DOCKIMG_FUZZ_CHECK(dump_of(doc3) == first);
  return 0;
}

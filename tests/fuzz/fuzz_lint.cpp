// libFuzzer target for the lint engine: every input is linted with every rule (dockimg's catalogue
// and BuildKit's checks), with and without a build context. An input may carry its context after
// the Dockerfile: `\n#--\n` then a .dockerignore, `\n#--\n` then context paths, one a line. Built
// with Clang and -fsanitize=fuzzer when DOCKIMG_BUILD_FUZZERS=ON, and as a corpus-replay test
// otherwise.
//
// Invariants: no crash, no overrun of the arena, findings sorted with ranges inside the text and
// positions that agree with them, only enabled rules reported, and a too-small arena fails cleanly.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <dockimg/analysis.hpp>

#define DOCKIMG_FUZZ_CHECK(cond) \
  do {                           \
    if (!(cond)) __builtin_trap(); \
  } while (0)

namespace {

namespace df = dockimg::dockerfile;
namespace lint = dockimg::lint;

void check(std::string_view text, const lint::report& rep, const lint::rule_set& enabled) {
  std::uint32_t last = 0;
  for (const lint::finding& f : rep.findings) {
    DOCKIMG_FUZZ_CHECK(f.rule != nullptr && enabled.has(f.rule->id));
    DOCKIMG_FUZZ_CHECK(f.range.begin <= f.range.end && f.range.end <= text.size());
    DOCKIMG_FUZZ_CHECK(f.range.begin >= last);
    last = f.range.begin;
    DOCKIMG_FUZZ_CHECK(f.begin.line >= 1 && f.begin.column >= 1 && f.end.line >= f.begin.line);
    DOCKIMG_FUZZ_CHECK(!f.message.empty());
    DOCKIMG_FUZZ_CHECK(f.line >= 1);
  }
}

void run(std::string_view text, std::string_view ignore, std::string_view files_text, bool with_context,
         unsigned char* mem, std::size_t size) {
  dockimg::arena storage(mem, size);
  const df::document doc = df::parse(text, storage);
  lint::options opt;
  opt.enabled = lint::rule_set::all();
  dockimg::dockerignore::matcher m;
  std::string_view files[64];
  std::size_t n_files = 0;
  if (with_context) {
    opt.context.known = true;
    const auto lines = dockimg::dockerignore::read_all(ignore, storage);
    if (lines.ok()) {
      const auto compiled = dockimg::dockerignore::compile(lines.patterns, storage);
      if (compiled.ok()) {
        m = compiled.matcher;
        opt.context.dockerignore = &m;
      }
    }
    std::size_t i = 0;
    while (i < files_text.size() && n_files < 64) {
      std::size_t e = files_text.find('\n', i);
      if (e == std::string_view::npos) e = files_text.size();
      if (e > i) files[n_files++] = files_text.substr(i, e - i);
      i = e + 1;
    }
    opt.context.files = {files, n_files};
    opt.context.has_files = n_files > 0;
  }
  const lint::report rep = lint::run(doc, opt, storage);
  if (rep.ok() || rep.code == lint::errc::instructions) check(text, rep, opt.enabled);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view text = input, ignore, files;
  const std::size_t a = input.find("\n#--\n");
  if (a != std::string_view::npos) {
    text = input.substr(0, a + 1);
    const std::string_view rest = input.substr(a + 5);
    const std::size_t b = rest.find("\n#--\n");
    ignore = b == std::string_view::npos ? rest : rest.substr(0, b + 1);
    if (b != std::string_view::npos) files = rest.substr(b + 5);
  }
  static std::vector<unsigned char> memory;
  const std::size_t need = dockimg::lint::storage_hint(text) * 2 + dockimg::dockerignore::storage_hint(ignore) +
                           (files.size() + 64) * 16;
  if (memory.size() < need + 1) memory.resize(need + 1);
  for (const bool ctx : {false, true}) {
    memory[need] = 0xA5;
    run(text, ignore, files, ctx, memory.data(), need);
    DOCKIMG_FUZZ_CHECK(memory[need] == 0xA5);
  }
  // A tenth of the storage: the same calls must fail cleanly or succeed.
  const std::size_t small = need / 10;
  memory[small] = 0x5A;
  run(text, ignore, files, true, memory.data(), small);
  DOCKIMG_FUZZ_CHECK(memory[small] == 0x5A);
  return 0;
}

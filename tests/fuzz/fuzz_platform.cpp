// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for dockimg/platform.hpp. Every line of the input is a candidate specifier,
// and so is every piece of a line between double quotes (the seeds are JSON Lines). Each is
// parsed (as on linux/amd64 and on linux/arm/v6), normalised, formatted and matched; nothing may
// crash or overrun the arena sized by storage_hint, and the identities upstream guarantees hold:
// Normalize is idempotent, NewMatcher(p) and OnlyStrict(p) match p, no comparer prefers p to
// itself, and Only(p) lists Normalize(p) first (arm64: its ladder) and matches every entry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include <dockimg/platform.hpp>

namespace {

namespace pf = dockimg::platforms;

bool same(const pf::platform& a, const pf::platform& b) {
  if (a.os != b.os || a.architecture != b.architecture || a.variant != b.variant || a.os_version != b.os_version ||
      a.os_features.size() != b.os_features.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.os_features.size(); ++i) {
    if (a.os_features[i] != b.os_features[i]) return false;
  }
  return true;
}

void one(std::string_view spec, const pf::host& h) {
  const std::size_t hint = pf::storage_hint(spec);
  const std::unique_ptr<unsigned char[]> mem(new unsigned char[hint]);  // uninitialised: cheap for long lines
  dockimg::arena storage(mem.get(), hint);
  const pf::result r = pf::parse(spec, storage, h);
  std::size_t n = 0;
  pf::write_message(r.err, [&](std::string_view s) { n += s.size(); });
  if (n == 0) std::abort();
  if (!r.ok()) {
    if (r.err.code == pf::errc::out_of_storage) std::abort();
    return;
  }
  const pf::platform& p = r.value;
  const pf::result norm = pf::normalize(p, storage, h);
  if (!norm.ok()) std::abort();
  const pf::result twice = pf::normalize(norm.value, storage, h);
  if (!twice.ok() || !same(norm.value, twice.value)) std::abort();
  if (pf::format(p, storage).empty() || pf::format_all(p, storage).empty()) std::abort();

  const pf::matcher m(p, storage, h);
  if (!m.ok() || !m.match(p)) std::abort();
  const pf::match_comparer strict = pf::only_strict(p, storage, h);
  if (!strict.ok() || !strict.match(p) || strict.less(p, p)) std::abort();
  const pf::match_comparer os = pf::only_os(p, storage, h);
  if (!os.ok() || !os.match(p) || os.less(p, p)) std::abort();
  const pf::match_comparer only = pf::only(p, storage, h);
  if (!only.ok() || only.less(p, p)) std::abort();
  const dockimg::list_view<pf::platform> list(&p, 1);
  const pf::match_comparer ord = pf::ordered(list, storage, h);
  const pf::match_comparer any = pf::any(list, storage, h);
  if (!ord.ok() || !any.ok() || !ord.match(p) || !any.match(p) || ord.less(p, p) || any.less(p, p)) std::abort();

  pf::entry_buffer buf;
  const std::unique_ptr<unsigned char[]> scratch_mem(new unsigned char[hint]);
  dockimg::arena scratch(scratch_mem.get(), hint);
  const std::size_t size = only.size();
  if (size != 0) {
    // Entry 0 is Normalize(p) itself, unless p is arm64 (then the ladder's first rung).
    const pf::platform first = only.entry(0, buf);
    if (norm.value.architecture != "arm64" && !same(first, norm.value)) std::abort();
    if (!only.match(p)) std::abort();
  }
  for (std::size_t i = 0; i < size && i < 32; ++i) {
    const pf::platform e = only.entry(i, buf);
    if (!only.match(e)) std::abort();
    scratch.reset();
    if (pf::format_all(e, scratch).empty()) std::abort();
  }
}

}  // namespace

/// Longest piece between quotes run on its own.
constexpr std::size_t max_piece = 4096;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr pf::host hosts[] = {{"linux", "amd64", ""}, {"linux", "arm", "v6"}};
  std::size_t pos = 0;
  while (pos <= input.size()) {
    std::size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) nl = input.size();
    const std::string_view line = input.substr(pos, nl - pos);
    for (const auto& h : hosts) one(line, h);
    std::size_t q = line.find('"');
    while (q != std::string_view::npos) {
      const std::size_t e = line.find('"', q + 1);
      if (e == std::string_view::npos) break;
      if (e - q - 1 > max_piece) {  // long pieces are seen through their line; keep runs fast
        q = e;
        continue;
      }
      for (const auto& h : hosts) one(line.substr(q + 1, e - q - 1), h);
      q = e;
    }
    pos = nl + 1;
  }
  return 0;
}

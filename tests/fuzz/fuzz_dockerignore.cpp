// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the .dockerignore reader and matcher. The input is split at its first NUL:
// before it, the .dockerignore text; after it, paths separated by newlines. Every path is queried
// with the point query, the deprecated rule and a walk threading parent bits; nothing may crash,
// overrun the storage or disagree with the walk's defining identities.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include <dockimg/dockerignore.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace di = dockimg::dockerignore;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  const std::string_view paths = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  std::vector<unsigned char> mem(di::storage_hint(text));
  dockimg::arena storage(mem.data(), mem.size());
  const di::read_result read = di::read_all(text, storage);
  if (!read.ok()) {
    if (read.err.code != di::errc::line_too_long) std::abort();
    return 0;
  }
  const di::compile_result built = di::compile(read.patterns, storage);
  if (!built.ok()) {
    if (built.err.code == di::errc::out_of_storage) std::abort();  // the hint must suffice
    return 0;
  }
  const di::matcher& m = built.matcher;
  std::vector<std::uint64_t> parent(m.bit_words() + 1), bits(m.bit_words() + 1);
  std::size_t pos = 0;
  while (pos <= paths.size()) {
    std::size_t nl = paths.find('\n', pos);
    if (nl == std::string_view::npos) nl = paths.size();
    const std::string_view path = paths.substr(pos, nl - pos);
    pos = nl + 1;
    const di::match_result pq = m.matches_or_parent_matches(path);
    const di::match_result lone = m.matches_using_parent_results(path, nullptr, bits.data());
    // without parent information the walk form is the point query
    if (pq.ok() != lone.ok() || (pq.ok() && pq.excluded != lone.excluded)) std::abort();
    (void)m.matches_deprecated(path);
    // thread bits from the first component down, as a walker does
    bool first = true;
    for (std::size_t k = 0; k <= path.size(); ++k) {
      if (k != path.size() && path[k] != '/') continue;
      const di::match_result r =
          m.matches_using_parent_results(path.substr(0, k), first ? nullptr : parent.data(), bits.data());
      if (!r.ok()) break;
      parent = bits;
      first = false;
    }
    (void)di::buildkit_may_prune(m, path);
  }
  return 0;
}

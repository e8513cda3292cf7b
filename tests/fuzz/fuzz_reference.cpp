// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for dockimg/reference.hpp. Every line of the input is a candidate reference,
// and so is every piece of a line between double quotes (the seeds are JSON Lines). Each is run
// through every parser; nothing may crash, overrun the arena sized by storage_hint, or break the
// identities upstream guarantees: Parse keeps the input as its string, the canonical string of
// ParseNormalizedNamed normalises to itself, ParseDockerRef is tagged or digested but not both.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include <dockimg/reference.hpp>

namespace {

namespace rf = dockimg::reference;

void check_message(const rf::error& e) {
  std::size_t n = 0;
  rf::write_message(e, [&](std::string_view s) { n += s.size(); });
  if (n == 0) std::abort();
}

void check_layout(const rf::ref& r) {
  // string = name[:tag][@digest], name = [domain/]path
  std::size_t n = r.name.size();
  if (r.string.substr(0, n) != r.name) std::abort();
  if (!r.domain.empty() && (r.name.substr(0, r.domain.size()) != r.domain || r.name[r.domain.size()] != '/')) std::abort();
  if (r.name.substr(r.name.size() - r.path.size()) != r.path) std::abort();
  if (!r.tag.empty()) {
    if (r.string[n] != ':' || r.string.substr(n + 1, r.tag.size()) != r.tag) std::abort();
    n += 1 + r.tag.size();
  }
  if (!r.digest.empty()) {
    if (!r.name.empty() && r.string[n] != '@') std::abort();
    if (r.string.substr(r.string.size() - r.digest.size()) != r.digest) std::abort();
  }
  const std::string_view fs = r.familiar_string();
  if (r.string.substr(r.string.size() - fs.size()) != fs) std::abort();
  if (fs.substr(0, r.familiar_name().size()) != r.familiar_name()) std::abort();
}

void one(std::string_view s) {
  // storage_hint covers one call; each block below makes at most three, in a fresh arena.
  const std::size_t hint = 3 * rf::storage_hint(s, 16);
  const std::unique_ptr<unsigned char[]> mem(new unsigned char[hint]);  // uninitialised: cheap for long lines
  dockimg::arena storage(mem.get(), hint);

  const rf::result p = rf::parse(s);
  if (p.ok()) {
    if (p.value.string != s || !p.value.named()) std::abort();
    check_layout(p.value);
    const rf::result w = rf::with_name(p.value.name);
    if (!w.ok() || w.value.domain != p.value.domain || w.value.path != p.value.path) std::abort();
    const rf::result t = rf::with_tag(p.value, "latest", storage);
    if (!t.ok()) std::abort();
    check_layout(t.value);
    const rf::result again = rf::parse(t.value.string);
    if (!again.ok() || again.value.tag != "latest" || again.value.digest != p.value.digest) std::abort();
  } else {
    check_message(p.err);
  }

  storage.reset();
  const rf::result n = rf::parse_normalized_named(s, storage);
  if (n.err.code == rf::errc::out_of_storage) std::abort();
  if (n.ok()) {
    check_layout(n.value);
    const rf::result again = rf::parse_normalized_named(n.value.string, storage);
    if (!again.ok() || again.value.string != n.value.string) std::abort();
    const rf::result named = rf::parse_named(n.value.string, storage);
    if (!named.ok()) std::abort();
  } else {
    check_message(n.err);
  }

  storage.reset();
  const rf::result d = rf::parse_docker_ref(s, storage);
  if (d.err.code == rf::errc::out_of_storage) std::abort();
  if (d.ok() != n.ok()) std::abort();
  if (d.ok()) {
    check_layout(d.value);
    if (d.value.tagged() == d.value.digested()) std::abort();
  }

  storage.reset();
  const rf::result a = rf::parse_any_reference(s, storage);
  if (a.err.code == rf::errc::out_of_storage) std::abort();
  if (a.ok()) check_layout(a.value);

  storage.reset();
  const rf::result nm = rf::parse_named(s, storage);
  if (nm.ok() && nm.value.string != s) std::abort();
}

}  // namespace

/// Longest piece between quotes run on its own.
constexpr std::size_t max_piece = 4096;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t pos = 0;
  while (pos <= input.size()) {
    std::size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) nl = input.size();
    const std::string_view line = input.substr(pos, nl - pos);
    one(line);
    std::size_t q = line.find('"');
    while (q != std::string_view::npos) {
      const std::size_t e = line.find('"', q + 1);
      if (e == std::string_view::npos) break;
      if (e - q - 1 > max_piece) {  // long pieces are seen through their line; keep runs fast
        q = e;
        continue;
      }
      one(line.substr(q + 1, e - q - 1));
      q = e;  // every piece between two quotes, keys included
    }
    pos = nl + 1;
  }
  return 0;
}

// libFuzzer target for the image model: every input is parsed and validated as each kind of
// document (and as detected), violations are written as messages with their JSON Pointers, and
// the typed views walk what they find (layers, manifests, history mapped to layers, instructions).
// Built with Clang and -fsanitize=fuzzer when DOCKIMG_BUILD_FUZZERS=ON, and as a corpus-replay
// test otherwise.
//
// Invariants: no crash, no overrun of the arena, a valid document stays valid when validated again,
// the history mapping never assigns more layers than there are diff IDs.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <dockimg/oci.hpp>

#define DOCKIMG_FUZZ_CHECK(cond) \
  do {                           \
    if (!(cond)) __builtin_trap(); \
  } while (0)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace oci = dockimg::oci;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static std::vector<unsigned char> memory;
  const std::size_t need = dockimg::json::storage_hint(text);
  if (memory.size() < need + 1) memory.resize(need + 1);
  memory[need] = 0xA5;
  std::size_t bytes = 0;
  const auto sink = [&](std::string_view s) { bytes += s.size(); };
  for (auto kind : {oci::document_kind::unknown, oci::document_kind::descriptor, oci::document_kind::manifest,
                    oci::document_kind::index, oci::document_kind::config, oci::document_kind::layout,
                    oci::document_kind::docker_manifest, oci::document_kind::docker_manifest_list}) {
    dockimg::arena storage(memory.data(), need);
    const oci::checked c = oci::check(text, storage, kind);
    oci::write_message(c.doc, c.first, sink);
    if (!c.doc.ok()) continue;
    std::size_t all = oci::validate(c.doc.root(), c.kind, {}, [&](const oci::violation& v) {
      oci::write_message(c.doc, v, sink);
      return true;
    });
    DOCKIMG_FUZZ_CHECK(c.ok() == (all == 0));
    const oci::manifest_view m(c.doc.root());
    for (const oci::descriptor_view d : m.layers()) bytes += d.digest().size() + static_cast<std::size_t>(d.size() > 0);
    bytes += static_cast<std::size_t>(m.layers_size() > 0);
    for (const oci::descriptor_view d : oci::index_view(c.doc.root()).manifests()) {
      bytes += d.platform().os().size() + static_cast<std::size_t>(d.is_attestation());
    }
    const oci::image_config_view cfg(c.doc.root());
    const oci::history_summary s = cfg.map_history([&](const oci::history_entry& e) {
      DOCKIMG_FUZZ_CHECK(e.layer < static_cast<std::int64_t>(cfg.diff_ids().size()));
      bytes += oci::instruction_of(e.created_by).size();
      return true;
    });
    DOCKIMG_FUZZ_CHECK(s.non_empty <= s.entries);
  }
  DOCKIMG_FUZZ_CHECK(memory[need] == 0xA5);
  return bytes == 0xFFFFFFFF ? 1 : 0;
}

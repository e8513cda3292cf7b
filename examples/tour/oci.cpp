// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/oci.hpp>: validate OCI documents (the kind told from the content), read a
// manifest through a zero-copy view, map an image config's history to its layers, and report a
// violation with its JSON Pointer and rule.
#include <cstdio>
#include <dockimg/oci.hpp>
#include <string_view>
#include <vector>

namespace oci = dockimg::oci;

static void print(std::string_view s) {
  if (!s.empty()) std::fwrite(s.data(), 1, s.size(), stdout);  // (an empty view may have no data)
}

int main() {
  // [tour]
  const std::string_view manifest = R"({"schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 512,
             "digest": "sha256:0a3c8e2f1b4d5c6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6"},
  "layers": [
    {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 3145728,
     "digest": "sha256:1b4d5c6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e60a3c8e2f"},
    {"mediaType": "application/vnd.oci.image.layer.v1.tar+zstd", "size": 1024,
     "digest": "sha256:937e07fc893164863cbe42bc5c7c2d847690706dbc72c4fab3a9e342a9572b02"}]})";

  std::vector<unsigned char> memory(dockimg::json::storage_hint(manifest));
  dockimg::arena storage(memory.data(), memory.size());
  const oci::checked c = oci::check(manifest, storage);  // parse + validate
  std::printf("kind %s, valid %d\n", c.kind == oci::document_kind::manifest ? "OCI manifest" : "?",
              c.ok() ? 1 : 0);
  const oci::manifest_view m(c.doc.root());
  for (const oci::descriptor_view layer : m.layers()) {
    std::printf("layer %lld bytes ", static_cast<long long>(layer.size()));
    print(layer.digest().substr(0, 19));
    std::printf(" zstd=%d\n", layer.info().compressed == oci::compression::zstd ? 1 : 0);
  }
  std::printf("layers total: %lld bytes\n", static_cast<long long>(m.layers_size()));

  // docker history's mapping: empty_layer entries make no layer.
  const std::string_view config = R"({"architecture": "amd64", "os": "linux",
  "rootfs": {"type": "layers", "diff_ids": [
    "sha256:eeb1bba4f28ec14bd1ba51c38f577599fa9bd39ff232f1b3a8740d7076108631"]},
  "history": [{"created_by": "/bin/sh -c #(nop)  ENV PATH=/usr/bin", "empty_layer": true},
              {"created_by": "RUN /bin/sh -c apk add curl # buildkit"}]})";
  storage.reset();
  const oci::checked cfg = oci::check(config, storage);
  oci::image_config_view(cfg.doc.root()).map_history([](const oci::history_entry& h) {
    std::printf("history %zu -> layer %lld: ", h.index, static_cast<long long>(h.layer));
    print(oci::instruction_of(h.created_by));
    std::printf("\n");
    return true;
  });

  // A violation names the member (JSON Pointer) and the rule.
  const std::string_view descriptor = R"({"mediaType": "application/vnd.oci.image.layer.v1.tar",
    "digest": "sha256:a65d40aa703038d0904a24cf1b7da08600d2b0162e3d4e15dc560f35ff7db17c",
    "size": "1"})";
  storage.reset();
  const oci::checked bad = oci::check(descriptor, storage, oci::document_kind::descriptor);
  std::printf("%s\n", oci::message(bad).c_str());
  // [/tour]
  return c.ok() && cfg.ok() ? 0 : 1;
}

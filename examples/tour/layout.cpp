// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/layout.hpp>: read an OCI image layout (a directory here; a `docker save` tar
// reads the same way) from index.json down to each platform's manifest, verifying blobs.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <dockimg/layout.hpp>
#include <dockimg/oci.hpp>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace oci = dockimg::oci;

// Writes a small OCI layout into `dir`: one manifest (config + one layer) for linux/arm64.
static std::string write_blob(const std::string& dir, const std::string& data) {
  const dockimg::digest::text d =
      dockimg::digest::compute(dockimg::digest::algorithm::sha256, data).text();
  std::ofstream(dir + "/blobs/sha256/" + std::string(d.view().substr(7)), std::ios::binary) << data;
  return std::string(d.view());
}

static std::string descriptor(const char* media_type, const std::string& digest, std::size_t size) {
  return std::string("{\"mediaType\":\"") + media_type + "\",\"digest\":\"" + digest +
         "\",\"size\":" + std::to_string(size);
}

static void make_layout(const std::string& dir) {
  ::mkdir((dir + "/blobs").c_str(), 0755);
  ::mkdir((dir + "/blobs/sha256").c_str(), 0755);
  std::ofstream(dir + "/oci-layout") << "{\"imageLayoutVersion\":\"1.0.0\"}";
  const std::string layer = "not really a tar.gz";
  const std::string config =
      R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  const std::string manifest = "{\"schemaVersion\":2,\"mediaType\":\"" +
                               std::string(oci::media_types::manifest) + "\",\"config\":" +
                               descriptor("application/vnd.oci.image.config.v1+json",
                                          write_blob(dir, config), config.size()) +
                               "},\"layers\":[" +
                               descriptor("application/vnd.oci.image.layer.v1.tar+gzip",
                                          write_blob(dir, layer), layer.size()) +
                               "}]}";
  std::ofstream(dir + "/index.json")
      << "{\"schemaVersion\":2,\"manifests\":[" +
             descriptor("application/vnd.oci.image.manifest.v1+json", write_blob(dir, manifest),
                        manifest.size()) +
             ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}";
}

static void remove_layout(const std::string& dir) {
  if (DIR* d = ::opendir((dir + "/blobs/sha256").c_str())) {
    while (const dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ::unlink((dir + "/blobs/sha256/" + e->d_name).c_str());
    ::closedir(d);
  }
  for (const char* f : {"/blobs/sha256", "/blobs"}) ::rmdir((dir + f).c_str());
  for (const char* f : {"/oci-layout", "/index.json"}) ::unlink((dir + f).c_str());
  ::rmdir(dir.c_str());
}

int main() {
  char tmpl[] = "/tmp/dockimg-tour-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::string dir = tmpl;
  make_layout(dir);

  // [tour]
  oci::layout_reader layout;
  if (const oci::layout_error e = layout.open(dir)) {  // a directory or a tar archive
    std::printf("%s\n", oci::message(e).c_str());
    return 1;
  }
  std::string index, blob;
  if (layout.read("index.json", index)) return 1;
  std::vector<unsigned char> memory(dockimg::json::storage_hint(index));
  dockimg::arena storage(memory.data(), memory.size());
  const oci::checked idx = oci::check(index, storage, oci::document_kind::index);
  std::printf("index.json: %s, archive=%d\n", idx.ok() ? "valid" : oci::message(idx).c_str(),
              layout.is_archive());

  for (const oci::descriptor_view d : oci::index_view(idx.doc.root()).manifests()) {
    const oci::platform_view p = d.platform();
    if (layout.read_blob(d.digest(), blob)) return 1;
    const bool intact = !dockimg::digest::verify(blob, d.digest());  // the bytes match the digest
    std::vector<unsigned char> blob_memory(dockimg::json::storage_hint(blob));
    dockimg::arena blob_storage(blob_memory.data(), blob_memory.size());
    const oci::checked m = oci::check(blob, blob_storage);
    const oci::manifest_view manifest(m.doc.root());
    std::printf("platform %s/%s: manifest %s, %s, %zu layer(s), config %s\n",
                std::string(p.os()).c_str(), std::string(p.architecture()).c_str(),
                intact ? "verified" : "corrupt", m.ok() ? "valid" : "invalid",
                manifest.layers().size(), std::string(manifest.config().digest()).c_str());
  }
  const oci::layout_error missing = layout.read_blob("sha256:" + std::string(64, '0'), blob);
  std::printf("missing blob: %s\n", oci::message(missing).c_str());
  // [/tour]

  remove_layout(dir);
  return 0;
}

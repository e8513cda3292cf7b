// SPDX-License-Identifier: Apache-2.0
// `dockimg validate`, `dockimg digest`, `dockimg inspect` and `dockimg diff`: the image model
// (oci.hpp, digest.hpp, layout.hpp) as a user's tool composes it.
#ifndef DOCKIMG_EXAMPLES_CLI_OCI_HPP
#define DOCKIMG_EXAMPLES_CLI_OCI_HPP

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <dockimg/digest.hpp>
#include <dockimg/json.hpp>
#include <dockimg/layout.hpp>
#include <dockimg/oci.hpp>
#include <dockimg/platform.hpp>
#include <dockimg/reference.hpp>

#include "cli_common.hpp"

namespace dockimg_cli_oci {

namespace oci = dockimg::oci;
using dockimg_cli::err;
using dockimg_cli::json_string;
using dockimg_cli::out;

/// Help text of `dockimg validate`.
constexpr std::string_view validate_help =
    "usage: dockimg validate [--media-type TYPE] FILE...\n"
    "\n"
    "Validates OCI and Docker image documents (descriptor, image manifest, image index, image\n"
    "config, oci-layout; Docker schema 2 manifest, manifest list, container config) against the\n"
    "image-spec and what registries accept. The kind is told from the content unless --media-type\n"
    "names it. Prints 'FILE: valid (MEDIA_TYPE)' or 'FILE: invalid: POINTER: RULE' per file.\n"
    "\n"
    "Exit status: 0 when every file is valid, 1 when any is invalid or unreadable, 2 on a usage error.\n";

/// Help text of `dockimg digest`.
constexpr std::string_view digest_help =
    "usage: dockimg digest [--algorithm sha256|sha512] FILE...\n"
    "\n"
    "Prints 'ALGORITHM:HEX  FILE' for each file, like sha256sum ('-' reads standard input).\n"
    "Exit status: 0 on success, 1 when a file cannot be read, 2 on a usage error.\n";

/// Help text of `dockimg ref`.
constexpr std::string_view ref_help =
    "usage: dockimg ref NAME...\n"
    "\n"
    "Parses each image reference as Docker does (distribution/reference ParseDockerRef) and prints\n"
    "one JSON object per line: input, domain, path, tag, digest, name, normalized (docker.io/library/\n"
    "added, :latest when neither tag nor digest), familiar (what docker shows), or error.\n"
    "Exit status: 0 when every reference parsed, 1 when any failed, 2 on a usage error.\n";

/// Help text of `dockimg inspect`.
constexpr std::string_view inspect_help =
    "usage: dockimg inspect [--platform OS/ARCH[/VARIANT]] [--format=text|json] [--sort=size] [--verify] PATH\n"
    "\n"
    "Answers 'what is in this image and what makes it big?'. PATH is an image manifest, index or\n"
    "config JSON file, an OCI image layout directory, or a tar of one (docker save). For a layout it\n"
    "walks index.json to every platform's manifest and config and prints, per platform, the total\n"
    "compressed size and each layer with its size and the instruction that made it (the config's\n"
    "history mapped to layers as docker history does); attestation manifests are listed apart.\n"
    "\n"
    "  --platform P   only this platform (os/arch or os/arch/variant)\n"
    "  --sort=size    layers largest first (default: build order)\n"
    "  --verify       re-hash every blob read and every layer and compare with its digest\n"
    "  --format=json  one JSON object\n"
    "\n"
    "Exit status: 0 on success, 1 on an error or a failed verification, 2 on a usage error.\n";

/// Help text of `dockimg diff`.
constexpr std::string_view diff_help =
    "usage: dockimg diff [--platform P] [--format=text|json] OLD NEW\n"
    "\n"
    "Compares two images (OCI layout directories or tars, or image manifest files): the layers\n"
    "they share, the layers removed and added (with the instruction that made each), and the\n"
    "compressed size of each and their difference, so that a CI can follow image size.\n"
    "Exit status: 0 on success, 1 on an error, 2 on a usage error.\n";

// ------------------------------------------------------------------------------------------------

inline bool read_all(const std::string& path, std::string& data) { return dockimg_cli::read_file(path, data); }

/// Human size with three significant digits, decimal units (as `docker history` prints).
inline std::string human_size(std::int64_t n) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000.0 && u < 4) {
    v /= 1000.0;
    ++u;
  }
  char buf[32];
  if (u == 0) {
    std::snprintf(buf, sizeof buf, "%lld%s", static_cast<long long>(n), units[0]);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g%s", v, units[u]);
  }
  return buf;
}

inline int cmd_validate(int argc, char** argv) {
  std::vector<std::string> files;
  std::string media_type;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      out(validate_help);
      return 0;
    } else if (a == "--media-type" && i + 1 < argc) {
      media_type = argv[++i];
    } else if (a.substr(0, 13) == "--media-type=") {
      media_type = std::string(a.substr(13));
    } else if (a.size() > 1 && a[0] == '-') {
      err("dockimg validate: unknown option '" + std::string(a) + "'\n");
      return 2;
    } else {
      files.emplace_back(a);
    }
  }
  oci::document_kind forced = oci::document_kind::unknown;
  if (!media_type.empty()) {
    forced = oci::kind_of(media_type);
    if (forced == oci::document_kind::unknown) {
      err("dockimg validate: not a document media type: " + media_type + "\n");
      return 2;
    }
  }
  if (files.empty()) {
    err(validate_help);
    return 2;
  }
  int status = 0;
  std::vector<unsigned char> mem;
  for (const std::string& f : files) {
    std::string text;
    if (!read_all(f, text)) {
      err(f + ": error: cannot read: " + std::strerror(errno) + "\n");
      status = 1;
      continue;
    }
    mem.resize(dockimg::json::storage_hint(text));
    dockimg::arena storage(mem.data(), mem.size());
    const oci::checked c = oci::check(text, storage, forced);
    if (c.ok()) {
      out(f + ": valid (" + std::string(oci::media_type_of(c.kind)) + ")\n");
    } else {
      out(f + ": invalid: " + oci::message(c) + "\n");
      status = 1;
    }
  }
  return status;
}

inline int cmd_digest(int argc, char** argv) {
  std::vector<std::string> files;
  std::string alg = "sha256";
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      out(digest_help);
      return 0;
    } else if (a == "--algorithm" && i + 1 < argc) {
      alg = argv[++i];
    } else if (a.substr(0, 12) == "--algorithm=") {
      alg = std::string(a.substr(12));
    } else if (a.size() > 1 && a[0] == '-') {
      err("dockimg digest: unknown option '" + std::string(a) + "'\n");
      return 2;
    } else {
      files.emplace_back(a);
    }
  }
  if (alg != "sha256" && alg != "sha512") {
    err("dockimg digest: unsupported algorithm '" + alg + "' (sha256 or sha512)\n");
    return 2;
  }
  if (files.empty()) {
    err(digest_help);
    return 2;
  }
  int status = 0;
  std::vector<char> buf(1u << 20);
  for (const std::string& f : files) {
    const int fd = f == "-" ? 0 : ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err(f + ": error: cannot read: " + std::strerror(errno) + "\n");
      status = 1;
      continue;
    }
    dockimg::digest::sha256_hasher h256;
    dockimg::digest::sha512_hasher h512;
    bool ok = true;
    for (;;) {
      const ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        ok = false;
        break;
      }
      if (n == 0) break;
      if (alg == "sha256") {
        h256.update(buf.data(), static_cast<std::size_t>(n));
      } else {
        h512.update(buf.data(), static_cast<std::size_t>(n));
      }
    }
    if (fd != 0) ::close(fd);
    if (!ok) {
      err(f + ": error: read failed: " + std::strerror(errno) + "\n");
      status = 1;
      continue;
    }
    const dockimg::digest::value v = alg == "sha256"
                                         ? dockimg::digest::make_value(dockimg::digest::algorithm::sha256, h256.finish())
                                         : dockimg::digest::make_value(dockimg::digest::algorithm::sha512, h512.finish());
    out(std::string(v.text().view()) + "  " + f + "\n");
  }
  return status;
}

inline int cmd_ref(int argc, char** argv) {
  namespace rf = dockimg::reference;
  if (argc == 0) {
    err(ref_help);
    return 2;
  }
  int status = 0;
  std::string o;
  std::vector<unsigned char> mem;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      out(ref_help);
      return 0;
    }
    mem.resize(2 * rf::storage_hint(a, 64) + 256);  // two parses share it
    dockimg::arena storage(mem.data(), mem.size());
    o += "{\"input\":";
    json_string(o, a);
    const rf::result named = rf::parse_normalized_named(a, storage);
    if (!named.ok()) {
      o += ",\"error\":";
      json_string(o, rf::message(named.err));
      o += "}\n";
      status = 1;
      continue;
    }
    const rf::result docker = rf::parse_docker_ref(a, storage);
    const rf::ref& r = named.value;
    auto field = [&](const char* k, std::string_view v) {
      o += ",\"";
      o += k;
      o += "\":";
      if (v.empty()) {
        o += "null";
      } else {
        json_string(o, v);
      }
    };
    field("domain", r.domain);
    field("path", r.path);
    field("tag", r.tag);
    field("digest", r.digest);
    field("name", r.name);
    field("normalized", docker.ok() ? docker.value.string : r.string);
    field("familiar", r.familiar_string());
    o += "}\n";
  }
  out(o);
  return status;
}

// ------------------------------------------------------------------------------------------------
// inspect / diff: the image model
// ------------------------------------------------------------------------------------------------

/// One layer of an image, joined with the history entry that made it.
struct layer_row {
  std::size_t index = 0;
  std::int64_t size = -1;         // compressed (manifest) size
  std::string digest;
  std::string media_type;
  std::string diff_id;
  std::string created_by;         // "" when history does not say
  std::string verify;             // "" (not checked), "ok", or the failure
};

/// One platform image of a layout (or a lone manifest).
struct image_row {
  std::string platform;           // os/arch[/variant], "" when unknown
  std::string manifest_digest;
  std::int64_t manifest_size = -1;
  std::string config_digest;
  std::string created;
  std::vector<layer_row> layers;
  std::vector<std::string> empty_steps;  // history entries that made no layer
  std::string history_note;       // inconsistency between history and layers
  bool attestation = false;
  std::string error;
};

inline std::string decoded(const dockimg::json::value& v) {
  if (!v.has_escapes()) return std::string(v.raw_string());
  std::vector<char> buf(v.raw_string().size() + 1);
  const auto r = v.get_string(buf.data(), buf.size());
  return r.ok() ? std::string(r.value) : std::string(v.raw_string());
}

inline std::string platform_text(const oci::platform_view& p) {
  if (!p.present() && p.os().empty()) return "";
  std::string s = std::string(p.os()) + "/" + std::string(p.architecture());
  if (!p.variant().empty()) s += "/" + std::string(p.variant());
  return s;
}

/// Fills the layers of `img` from a manifest text and (optionally) its config text.
inline void build_image(image_row& img, const std::string& manifest_text, const std::string* config_text) {
  std::vector<unsigned char> mem(dockimg::json::storage_hint(manifest_text));
  dockimg::arena storage(mem.data(), mem.size());
  const oci::checked m = oci::check(manifest_text, storage);
  if (!m.ok() && m.first.code == oci::rule::json_syntax) {
    img.error = "manifest: " + oci::message(m);
    return;
  }
  const oci::manifest_view mv(m.doc.root());
  img.config_digest = std::string(mv.config().digest());
  std::size_t i = 0;
  for (const oci::descriptor_view d : mv.layers()) {
    layer_row l;
    l.index = i++;
    l.size = d.size();
    l.digest = std::string(d.digest());
    l.media_type = std::string(d.media_type());
    img.layers.push_back(l);
  }
  if (config_text == nullptr) return;
  std::vector<unsigned char> cmem(dockimg::json::storage_hint(*config_text));
  dockimg::arena cstorage(cmem.data(), cmem.size());
  const oci::checked c = oci::check(*config_text, cstorage, oci::document_kind::config);
  if (!c.doc.ok()) {
    img.error = "config: " + oci::message(c);
    return;
  }
  const oci::image_config_view cv(c.doc.root());
  if (img.platform.empty()) img.platform = platform_text(cv.platform());
  img.created = decoded(cv.node().find_last("created"));
  std::size_t k = 0;
  for (const dockimg::json::value id : cv.diff_ids().elements()) {
    if (k < img.layers.size()) img.layers[k].diff_id = std::string(id.raw_string());
    ++k;
  }
  const oci::history_summary s = cv.map_history([&](const oci::history_entry& e) {
    const std::string by = decoded(e.node.find_last("created_by"));
    if (e.layer >= 0 && static_cast<std::size_t>(e.layer) < img.layers.size()) {
      img.layers[static_cast<std::size_t>(e.layer)].created_by = by;
    } else if (e.empty_layer) {
      img.empty_steps.push_back(by);
    }
    return true;
  });
  if (s.entries != 0 && !s.consistent()) {
    img.history_note = std::to_string(s.non_empty) + " history entries made layers but rootfs has " +
                       std::to_string(s.diff_ids) + " diff IDs";
  }
  if (k != img.layers.size()) {
    if (!img.history_note.empty()) img.history_note += "; ";
    img.history_note += "the manifest has " + std::to_string(img.layers.size()) + " layers but the config " +
                        std::to_string(k) + " diff IDs";
  }
}

/// Reads every image of a layout (recursing into nested indexes), or the legacy docker-save
/// `manifest.json` when there is no `index.json`.
inline bool load_layout(const oci::layout_reader& lr, std::vector<image_row>& images, std::string& error,
                        bool verify) {
  std::string index_text;
  if (!lr.has("index.json")) {
    if (!lr.has("manifest.json")) {
      error = "neither index.json nor manifest.json found";
      return false;
    }
    // docker save before Docker 25: [{"Config": path, "RepoTags": [...], "Layers": [paths]}]
    std::string text;
    if (const auto e = lr.read("manifest.json", text)) {
      error = oci::message(e);
      return false;
    }
    std::vector<unsigned char> mem(dockimg::json::storage_hint(text));
    dockimg::arena storage(mem.data(), mem.size());
    const dockimg::json::document doc = dockimg::json::parse(text, storage);
    if (!doc.ok()) {
      error = "manifest.json: " + dockimg::json::message(doc.error());
      return false;
    }
    for (const dockimg::json::value item : doc.root().elements()) {
      image_row img;
      std::string cfg;
      const std::string cfg_path = decoded(item.find_last("Config"));
      if (const auto e = lr.read(cfg_path, cfg)) {
        img.error = oci::message(e);
      }
      for (const dockimg::json::value l : item.find_last("Layers").elements()) {
        layer_row row;
        row.index = img.layers.size();
        row.digest = decoded(l);
        row.size = lr.size_of(row.digest);
        row.media_type = "tar (docker save)";
        img.layers.push_back(row);
      }
      // reuse the config mapping with a synthetic manifest-less path
      image_row tmp;
      const std::string empty_manifest = "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}";
      build_image(tmp, empty_manifest, cfg.empty() ? nullptr : &cfg);
      img.platform = tmp.platform;
      img.created = tmp.created;
      img.empty_steps = tmp.empty_steps;
      // map history onto the legacy layers the same way
      std::vector<unsigned char> cmem(dockimg::json::storage_hint(cfg));
      dockimg::arena cstorage(cmem.data(), cmem.size());
      const dockimg::json::document cdoc = dockimg::json::parse(cfg, cstorage);
      if (cdoc.ok()) {
        const oci::image_config_view cv(cdoc.root());
        (void)cv.map_history([&](const oci::history_entry& e) {
          if (e.layer >= 0 && static_cast<std::size_t>(e.layer) < img.layers.size()) {
            img.layers[static_cast<std::size_t>(e.layer)].created_by = decoded(e.node.find_last("created_by"));
            img.layers[static_cast<std::size_t>(e.layer)].diff_id = std::string(e.diff_id);
          }
          return true;
        });
      }
      img.config_digest = cfg_path;
      images.push_back(img);
    }
    return true;
  }
  if (const auto e = lr.read("index.json", index_text)) {
    error = oci::message(e);
    return false;
  }
  // breadth-first over indexes (nested indexes are followed, at most 16 levels)
  struct pending {
    std::string text;
    int depth;
  };
  std::vector<pending> queue{{index_text, 0}};
  for (std::size_t qi = 0; qi < queue.size(); ++qi) {
    const std::string text = queue[qi].text;
    std::vector<unsigned char> mem(dockimg::json::storage_hint(text));
    dockimg::arena storage(mem.data(), mem.size());
    const oci::checked idx = oci::check(text, storage, oci::document_kind::index);
    if (!idx.doc.ok()) {
      error = "index: " + oci::message(idx);
      return false;
    }
    for (const oci::descriptor_view d : oci::index_view(idx.doc.root()).manifests()) {
      const oci::media_info info = d.info();
      std::string blob;
      if (info.kind == oci::media_kind::index && queue[qi].depth < 16) {
        if (const auto e = lr.read_blob(d.digest(), blob)) {
          error = oci::message(e);
          return false;
        }
        queue.push_back({blob, queue[qi].depth + 1});
        continue;
      }
      image_row img;
      img.platform = platform_text(d.platform());
      img.manifest_digest = std::string(d.digest());
      img.manifest_size = d.size();
      img.attestation = d.is_attestation();
      if (const auto e = lr.read_blob(d.digest(), blob)) {
        img.error = oci::message(e);
        images.push_back(img);
        continue;
      }
      if (verify && dockimg::digest::verify(blob, d.digest())) img.error = "manifest digest mismatch";
      std::vector<unsigned char> mmem(dockimg::json::storage_hint(blob));
      dockimg::arena mstorage(mmem.data(), mmem.size());
      const dockimg::json::document mdoc = dockimg::json::parse(blob, mstorage);
      std::string cfg;
      bool have_cfg = false;
      if (mdoc.ok()) {
        const std::string cfg_digest = std::string(oci::manifest_view(mdoc.root()).config().digest());
        have_cfg = !lr.read_blob(cfg_digest, cfg);
        if (have_cfg && verify && dockimg::digest::verify(cfg, cfg_digest)) img.error = "config digest mismatch";
      }
      build_image(img, blob, have_cfg ? &cfg : nullptr);
      if (verify) {
        for (layer_row& l : img.layers) {
          dockimg::digest::verifier v(l.digest);
          if (v.err()) {
            l.verify = "cannot verify: " + dockimg::digest::message(v.err());
            continue;
          }
          std::uint64_t n = 0;
          const auto e = lr.stream(oci::layout_reader::blob_path(l.digest), [&](const char* p, std::size_t len) {
            v.update(p, len);
            n += len;
          });
          if (e) {
            l.verify = oci::message(e);
          } else if (v.verify()) {
            l.verify = "digest mismatch";
          } else if (static_cast<std::int64_t>(n) != l.size) {
            l.verify = "size mismatch: " + std::to_string(n) + " bytes";
          } else {
            l.verify = "ok";
          }
        }
      }
      images.push_back(img);
    }
  }
  return true;
}

/// Loads `path`: a layout directory or tar, or a manifest / index / config JSON file.
inline bool load_images(const std::string& path, std::vector<image_row>& images, std::string& error, bool verify) {
  oci::layout_reader lr;
  const oci::layout_error le = lr.open(path);
  if (!le && (!lr.is_archive() ? (lr.has("index.json") || lr.has("manifest.json")) : true)) {
    return load_layout(lr, images, error, verify);
  }
  std::string text;
  if (!read_all(path, text)) {
    error = le ? oci::message(le) : std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  std::vector<unsigned char> mem(dockimg::json::storage_hint(text));
  dockimg::arena storage(mem.data(), mem.size());
  const oci::checked c = oci::check(text, storage);
  if (!c.doc.ok()) {
    error = "not an image layout, archive or JSON document: " + oci::message(c);
    return false;
  }
  image_row img;
  switch (c.kind) {
    case oci::document_kind::manifest:
    case oci::document_kind::docker_manifest: build_image(img, text, nullptr); break;
    case oci::document_kind::config:
    case oci::document_kind::docker_config: {
      const std::string empty_manifest = "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}";
      build_image(img, empty_manifest, &text);
      // a lone config: one row per diff ID, with the history that made it
      const oci::image_config_view cv(c.doc.root());
      std::size_t k = 0;
      for (const dockimg::json::value id : cv.diff_ids().elements()) {
        layer_row l;
        l.index = k++;
        l.diff_id = std::string(id.raw_string());
        img.layers.push_back(l);
      }
      (void)cv.map_history([&](const oci::history_entry& e) {
        if (e.layer >= 0 && static_cast<std::size_t>(e.layer) < img.layers.size()) {
          img.layers[static_cast<std::size_t>(e.layer)].created_by = decoded(e.node.find_last("created_by"));
        }
        return true;
      });
      img.history_note.clear();
      break;
    }
    case oci::document_kind::index:
    case oci::document_kind::docker_manifest_list:
      for (const oci::descriptor_view d : oci::index_view(c.doc.root()).manifests()) {
        image_row r;
        r.platform = platform_text(d.platform());
        r.manifest_digest = std::string(d.digest());
        r.manifest_size = d.size();
        r.attestation = d.is_attestation();
        images.push_back(r);
      }
      return true;
    default: error = "not an image manifest, index or config"; return false;
  }
  images.push_back(img);
  return true;
}

inline std::int64_t total_size(const image_row& img) {
  std::int64_t t = 0;
  for (const layer_row& l : img.layers) t += l.size > 0 ? l.size : 0;
  return t;
}

inline std::string one_line(std::string s, std::size_t max) {
  for (char& c : s) {
    if (c == '\t' || c == '\n') c = ' ';
  }
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

inline void print_image_text(const image_row& img, bool by_size, std::string& o) {
  o += "platform " + (img.platform.empty() ? std::string("(unknown)") : img.platform);
  if (img.attestation) o += " (attestation manifest)";
  o += "\n";
  if (!img.manifest_digest.empty()) o += "  manifest " + img.manifest_digest + "\n";
  if (!img.config_digest.empty()) o += "  config   " + img.config_digest + "\n";
  if (!img.created.empty()) o += "  created  " + img.created + "\n";
  if (!img.error.empty()) o += "  error: " + img.error + "\n";
  if (img.layers.empty()) return;
  o += "  " + std::to_string(img.layers.size()) + " layers, " + human_size(total_size(img)) + " compressed\n";
  std::vector<const layer_row*> rows;
  for (const layer_row& l : img.layers) rows.push_back(&l);
  if (by_size) {
    std::stable_sort(rows.begin(), rows.end(), [](const layer_row* a, const layer_row* b) { return a->size > b->size; });
  }
  for (const layer_row* l : rows) {
    char head[64];
    std::snprintf(head, sizeof head, "  #%-3zu %10s  ", l->index, l->size >= 0 ? human_size(l->size).c_str() : "-");
    o += head;
    std::string what = l->created_by.empty() ? std::string("(no history)") : std::string(oci::instruction_of(l->created_by));
    o += one_line(what, 100);
    if (!l->verify.empty()) o += "  [" + l->verify + "]";
    o += "\n";
  }
  if (!img.history_note.empty()) o += "  note: " + img.history_note + "\n";
}

inline void print_image_json(const image_row& img, std::string& o) {
  o += "{\"platform\":";
  json_string(o, img.platform);
  o += ",\"attestation\":";
  o += img.attestation ? "true" : "false";
  o += ",\"manifest\":";
  json_string(o, img.manifest_digest);
  o += ",\"config\":";
  json_string(o, img.config_digest);
  o += ",\"created\":";
  json_string(o, img.created);
  o += ",\"total_size\":" + std::to_string(total_size(img)) + ",\"layers\":[";
  for (std::size_t i = 0; i < img.layers.size(); ++i) {
    const layer_row& l = img.layers[i];
    if (i != 0) o += ',';
    o += "{\"index\":" + std::to_string(l.index) + ",\"size\":" + std::to_string(l.size) + ",\"digest\":";
    json_string(o, l.digest);
    o += ",\"media_type\":";
    json_string(o, l.media_type);
    o += ",\"diff_id\":";
    json_string(o, l.diff_id);
    o += ",\"created_by\":";
    json_string(o, l.created_by);
    o += ",\"instruction\":";
    json_string(o, oci::instruction_of(l.created_by));
    if (!l.verify.empty()) {
      o += ",\"verify\":";
      json_string(o, l.verify);
    }
    o += '}';
  }
  o += "],\"empty_steps\":[";
  for (std::size_t i = 0; i < img.empty_steps.size(); ++i) {
    if (i != 0) o += ',';
    json_string(o, img.empty_steps[i]);
  }
  o += "],\"note\":";
  json_string(o, img.history_note);
  o += ",\"error\":";
  json_string(o, img.error);
  o += '}';
}

/// containerd's `platforms.NewMatcher(want).Match(image)`: both normalised (`arm64/v8` is
/// `arm64`, `armhf` is `arm/v7`, ...); an os/arch `want` matches any variant it normalises to.
inline bool platform_matches(const std::string& want, const image_row& img) {
  namespace pf = dockimg::platforms;
  if (want.empty()) return true;
  if (img.platform.empty()) return false;
  std::vector<unsigned char> mem(pf::storage_hint(want) + pf::storage_hint(img.platform) + 1024);
  dockimg::arena storage(mem.data(), mem.size());
  const pf::result w = pf::parse(want, storage);
  const pf::result c = pf::parse(img.platform, storage);
  if (!w.ok() || !c.ok()) return want == img.platform;
  const pf::matcher m(w.value, storage);
  return m.match(c.value);
}

/// True when `spec` parses as a platform (for usage errors).
inline bool valid_platform(const std::string& spec, std::string& why) {
  namespace pf = dockimg::platforms;
  std::vector<unsigned char> mem(pf::storage_hint(spec) + 256);
  dockimg::arena storage(mem.data(), mem.size());
  const pf::result r = pf::parse(spec, storage);
  if (!r.ok()) why = pf::message(r.err);
  return r.ok();
}

inline int cmd_inspect(int argc, char** argv) {
  std::string path;
  std::string platform;
  std::string format = "text";
  bool by_size = false;
  bool verify = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      out(inspect_help);
      return 0;
    } else if (a == "--platform" && i + 1 < argc) {
      platform = argv[++i];
    } else if (a.substr(0, 11) == "--platform=") {
      platform = std::string(a.substr(11));
    } else if (a.substr(0, 9) == "--format=") {
      format = std::string(a.substr(9));
    } else if (a == "--sort=size") {
      by_size = true;
    } else if (a == "--verify") {
      verify = true;
    } else if (a.size() > 1 && a[0] == '-') {
      err("dockimg inspect: unknown option '" + std::string(a) + "'\n");
      return 2;
    } else if (path.empty()) {
      path = std::string(a);
    } else {
      err("dockimg inspect: one PATH only\n");
      return 2;
    }
  }
  if (path.empty() || (format != "text" && format != "json")) {
    err(inspect_help);
    return 2;
  }
  if (std::string why; !platform.empty() && !valid_platform(platform, why)) {
    err("dockimg inspect: " + why + "\n");
    return 2;
  }
  std::vector<image_row> images;
  std::string error;
  if (!load_images(path, images, error, verify)) {
    err(path + ": error: " + error + "\n");
    return 1;
  }
  int status = 0;
  std::string o;
  std::size_t shown = 0;
  if (format == "json") o += "{\"path\":", json_string(o, path), o += ",\"images\":[";
  for (const image_row& img : images) {
    if (!platform_matches(platform, img)) continue;
    if (!img.error.empty()) status = 1;
    for (const layer_row& l : img.layers) {
      if (!l.verify.empty() && l.verify != "ok") status = 1;
    }
    if (format == "json") {
      if (shown != 0) o += ',';
      print_image_json(img, o);
    } else {
      if (shown != 0) o += "\n";
      print_image_text(img, by_size, o);
    }
    ++shown;
  }
  if (format == "json") o += "]}\n";
  out(o);
  if (shown == 0 && !platform.empty()) {
    err(path + ": error: no image for platform " + platform + "\n");
    return 1;
  }
  return status;
}

inline int cmd_diff(int argc, char** argv) {
  std::vector<std::string> paths;
  std::string platform;
  std::string format = "text";
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      out(diff_help);
      return 0;
    } else if (a == "--platform" && i + 1 < argc) {
      platform = argv[++i];
    } else if (a.substr(0, 11) == "--platform=") {
      platform = std::string(a.substr(11));
    } else if (a.substr(0, 9) == "--format=") {
      format = std::string(a.substr(9));
    } else if (a.size() > 1 && a[0] == '-') {
      err("dockimg diff: unknown option '" + std::string(a) + "'\n");
      return 2;
    } else {
      paths.emplace_back(a);
    }
  }
  if (paths.size() != 2 || (format != "text" && format != "json")) {
    err(diff_help);
    return 2;
  }
  if (std::string why; !platform.empty() && !valid_platform(platform, why)) {
    err("dockimg diff: " + why + "\n");
    return 2;
  }
  image_row side[2];
  for (int s = 0; s < 2; ++s) {
    std::vector<image_row> images;
    std::string error;
    if (!load_images(paths[static_cast<std::size_t>(s)], images, error, false)) {
      err(paths[static_cast<std::size_t>(s)] + ": error: " + error + "\n");
      return 1;
    }
    const image_row* pick = nullptr;
    for (const image_row& img : images) {
      if (img.attestation || !platform_matches(platform, img)) continue;
      pick = &img;
      break;
    }
    if (pick == nullptr) {
      err(paths[static_cast<std::size_t>(s)] + ": error: no image" +
          (platform.empty() ? std::string() : " for platform " + platform) + "\n");
      return 1;
    }
    side[s] = *pick;
  }
  // shared: layers present in both (by digest); removed: only in OLD; added: only in NEW
  auto in = [](const image_row& img, const std::string& d) {
    for (const layer_row& l : img.layers) {
      if (l.digest == d) return true;
    }
    return false;
  };
  std::vector<const layer_row*> shared;
  std::vector<const layer_row*> removed;
  std::vector<const layer_row*> added;
  for (const layer_row& l : side[0].layers) (in(side[1], l.digest) ? shared : removed).push_back(&l);
  for (const layer_row& l : side[1].layers) {
    if (!in(side[0], l.digest)) added.push_back(&l);
  }
  auto sum = [](const std::vector<const layer_row*>& v) {
    std::int64_t t = 0;
    for (const layer_row* l : v) t += l->size > 0 ? l->size : 0;
    return t;
  };
  const std::int64_t old_total = total_size(side[0]);
  const std::int64_t new_total = total_size(side[1]);
  std::string o;
  if (format == "json") {
    auto list = [&](const char* name, const std::vector<const layer_row*>& v) {
      o += ",\"";
      o += name;
      o += "\":[";
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i != 0) o += ',';
        o += "{\"digest\":";
        json_string(o, v[i]->digest);
        o += ",\"size\":" + std::to_string(v[i]->size) + ",\"instruction\":";
        json_string(o, oci::instruction_of(v[i]->created_by));
        o += '}';
      }
      o += ']';
    };
    o += "{\"old_size\":" + std::to_string(old_total) + ",\"new_size\":" + std::to_string(new_total) +
         ",\"delta\":" + std::to_string(new_total - old_total) + ",\"shared_size\":" + std::to_string(sum(shared));
    list("removed", removed);
    list("added", added);
    o += "}\n";
  } else {
    const std::int64_t delta = new_total - old_total;
    o += "old " + human_size(old_total) + " in " + std::to_string(side[0].layers.size()) + " layers, new " +
         human_size(new_total) + " in " + std::to_string(side[1].layers.size()) + " layers: " +
         (delta >= 0 ? "+" : "-") + human_size(delta >= 0 ? delta : -delta) + "\n";
    o += "shared " + std::to_string(shared.size()) + " layers (" + human_size(sum(shared)) + ")\n";
    for (const layer_row* l : removed) {
      o += "- " + human_size(l->size) + "  " + one_line(std::string(oci::instruction_of(l->created_by)), 100) + "\n";
    }
    for (const layer_row* l : added) {
      o += "+ " + human_size(l->size) + "  " + one_line(std::string(oci::instruction_of(l->created_by)), 100) + "\n";
    }
  }
  out(o);
  return 0;
}

}  // namespace dockimg_cli_oci

#endif  // DOCKIMG_EXAMPLES_CLI_OCI_HPP

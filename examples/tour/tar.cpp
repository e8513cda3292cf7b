// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/tar.hpp>: walk the headers of an image archive (ustar, PAX long names) through
// a read-at function, read one member's data by offset, and detect a damaged header.
#include <cstdio>
#include <cstring>
#include <dockimg/tar.hpp>

namespace tar = dockimg::tar;
#include <string>
#include <string_view>

// Appends one ustar member (header block, data, padding): what `tar` writes.
static void add_member(std::string& tar, std::string_view name, char type, std::string_view data) {
  char h[512] = {};
  std::memcpy(h, name.data(), name.size() < 100 ? name.size() : 100);
  std::snprintf(h + 100, 8, "%07o", type == '5' ? 0755u : 0644u);
  std::snprintf(h + 124, 12, "%011o", static_cast<unsigned>(data.size()));
  h[156] = type;
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(h + 148, 8, "%06o", sum);
  tar.append(h, sizeof h);
  tar.append(data.data(), data.size());
  tar.append((512 - data.size() % 512) % 512, '\0');
}

int main() {
  std::string archive;
  add_member(archive, "oci-layout", '0', "{\"imageLayoutVersion\":\"1.0.0\"}");
  add_member(archive, "index.json", '0', "{\"schemaVersion\":2,\"manifests\":[]}");
  add_member(archive, "blobs/", '5', "");
  const std::string long_name =
      "blobs/sha256/" + std::string(101, 'a');  // longer than ustar's 100 bytes
  const std::string body = " path=" + long_name + "\n";
  const std::string record = std::to_string(body.size() + 3) + body;  // PAX: "<length> key=value\n"
  add_member(archive, "PaxHeader", 'x', record);
  add_member(archive, "placeholder", '0', "layer bytes");
  archive.append(1024, '\0');  // end of archive

  // [tour]
  // The reader pulls bytes through a read-at function (pread on a file, here a string) and
  // allocates nothing; data stays in the archive, at data_offset.
  auto read_at = [&](std::uint64_t off, char* buf, std::size_t n) -> std::size_t {
    if (off >= archive.size()) return 0;
    const std::size_t got =
        static_cast<std::size_t>(archive.size() - off) < n ? archive.size() - off : n;
    std::memcpy(buf, archive.data() + off, got);
    return got;
  };
  std::uint64_t index_offset = 0, index_size = 0;
  const tar::error e = tar::for_each_entry(read_at, [&](const tar::entry& en) {
    std::printf("%s %5llu %.*s\n", en.type == tar::entry_type::directory ? "dir " : "file",
                static_cast<unsigned long long>(en.size), static_cast<int>(en.path.size()),
                en.path.data());
    if (en.path == "index.json") {
      index_offset = en.data_offset;
      index_size = en.size;
    }
    return true;  // false stops the walk
  });
  std::printf("status: %s; index.json = %s\n", std::string(tar::message(e.code)).c_str(),
              archive.substr(index_offset, index_size).c_str());

  archive[1024 + 10] ^= 1;  // damage the second header (index.json's)
  const tar::error damaged = tar::for_each_entry(read_at, [](const tar::entry&) { return true; });
  std::printf("damaged: %s at offset %llu\n", std::string(tar::message(damaged.code)).c_str(),
              static_cast<unsigned long long>(damaged.offset));
  // [/tour]
  return e.code == tar::errc::ok ? 0 : 1;
}

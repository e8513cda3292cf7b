// SPDX-License-Identifier: Apache-2.0
/// @file tar.hpp
/// @brief A tar reader for image archives (`docker save`, OCI layouts packed with tar): ustar,
/// GNU and PAX headers, long names, base-256 sizes. It walks the headers of an archive read
/// through a caller's function and never allocates; entry data is left where it is (the caller
/// reads what it needs by offset).
///
/// @code
///   auto read_at = [&](std::uint64_t off, char* buf, std::size_t n) { return pread(fd, buf, n, off); };
///   dockimg::tar::error e = dockimg::tar::for_each_entry(read_at, [&](const dockimg::tar::entry& en) {
///     if (en.path == "index.json") { /* read en.size bytes at en.data_offset */ }
///     return true;
///   });
/// @endcode
#ifndef DOCKIMG_TAR_HPP
#define DOCKIMG_TAR_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace tar {

/// Size of a tar block.
inline constexpr std::size_t block_size = 512;

/// Longest path the reader keeps (PAX and GNU names beyond it are reported as `name_too_long`).
inline constexpr std::size_t max_path = 4096;

/// What an entry is.
enum class entry_type : std::uint8_t {
  file,       ///< a regular file (`0` or NUL)
  hard_link,  ///< `1`
  symlink,    ///< `2`
  directory,  ///< `5`
  other,      ///< devices, FIFOs, contiguous files, ...
};

/// One entry of an archive.
struct entry {
  std::string_view path;         ///< the path (PAX `path` or GNU long name when given); valid during the callback
  std::string_view link;         ///< the link target for links
  entry_type type = entry_type::file;  ///< the kind
  std::uint64_t size = 0;        ///< bytes of data
  std::uint64_t data_offset = 0;  ///< where the data starts in the archive
  std::uint32_t mode = 0;        ///< permission bits
};

/// Why reading stopped.
enum class errc : std::uint8_t {
  ok = 0,           ///< the archive ended properly (or the callback stopped it)
  truncated,        ///< the archive ends inside a header or the data of an entry
  bad_checksum,     ///< a header's checksum does not match (not a tar archive, or damaged)
  bad_number,       ///< a size or mode field is not a number
  bad_pax,          ///< a PAX extended header is malformed
  name_too_long,    ///< a path is longer than `max_path`
};

/// The message of `code`.
[[nodiscard]] constexpr std::string_view message(errc code) noexcept {
  switch (code) {
    case errc::ok: return "ok";
    case errc::truncated: return "the archive is truncated";
    case errc::bad_checksum: return "invalid tar header checksum (not a tar archive?)";
    case errc::bad_number: return "invalid number in a tar header";
    case errc::bad_pax: return "malformed PAX extended header";
    case errc::name_too_long: return "path too long";
  }
  return "?";
}

/// The result of `for_each_entry`.
struct error {
  errc code = errc::ok;     ///< what happened
  std::uint64_t offset = 0;  ///< archive offset of the header at fault
  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
};

namespace detail_tar {

/// A numeric field: octal ASCII (spaces/NULs around it), or GNU base-256 (first byte 0x80).
inline bool number(const unsigned char* f, std::size_t n, std::uint64_t& out) noexcept {
  out = 0;
  if ((f[0] & 0x80) != 0) {
    if ((f[0] & 0x40) != 0) return false;  // negative
    std::uint64_t v = f[0] & 0x3F;
    for (std::size_t i = 1; i < n; ++i) {
      if (v > (UINT64_MAX >> 8)) return false;
      v = (v << 8) | f[i];
    }
    out = v;
    return true;
  }
  std::size_t i = 0;
  while (i < n && (f[i] == ' ' || f[i] == 0)) ++i;
  bool any = false;
  for (; i < n && f[i] >= '0' && f[i] <= '7'; ++i) {
    if (out > (UINT64_MAX >> 3)) return false;
    out = (out << 3) | static_cast<std::uint64_t>(f[i] - '0');
    any = true;
  }
  for (; i < n; ++i) {
    if (f[i] != ' ' && f[i] != 0) return false;
  }
  (void)any;  // an all-blank field is 0
  return true;
}

/// A NUL-terminated field as a view.
inline std::string_view field(const unsigned char* f, std::size_t n) noexcept {
  std::size_t len = 0;
  while (len < n && f[len] != 0) ++len;
  return std::string_view(reinterpret_cast<const char*>(f), len);
}

inline bool all_zero(const unsigned char* b) noexcept {
  for (std::size_t i = 0; i < block_size; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

inline bool checksum_ok(const unsigned char* b) noexcept {
  std::uint64_t want = 0;
  if (!number(b + 148, 8, want)) return false;
  std::uint64_t sum = 0;
  std::int64_t ssum = 0;  // some old writers used signed chars
  for (std::size_t i = 0; i < block_size; ++i) {
    const unsigned char c = (i >= 148 && i < 156) ? static_cast<unsigned char>(' ') : b[i];
    sum += c;
    ssum += static_cast<signed char>(c);
  }
  return sum == want || static_cast<std::uint64_t>(ssum) == want;
}

inline std::uint64_t padded(std::uint64_t n) noexcept { return (n + block_size - 1) / block_size * block_size; }

}  // namespace detail_tar

/// Walks the entries of an archive. `read_at(std::uint64_t offset, char* buf, std::size_t n)`
/// returns the bytes read (fewer at the end). `on_entry(const entry&)` returns false to stop.
/// PAX (`x`) and GNU long-name (`L`, `K`) records are applied to the next entry; global PAX
/// headers (`g`) are skipped. Reading stops at the end-of-archive zero block.
template <class ReadAt, class OnEntry>
error for_each_entry(ReadAt&& read_at, OnEntry&& on_entry) noexcept {
  namespace dt = detail_tar;
  unsigned char block[block_size];
  char long_path[max_path + 1];
  char long_link[max_path + 1];
  std::size_t long_path_len = 0;
  std::size_t long_link_len = 0;
  bool have_long_path = false;
  bool have_long_link = false;
  std::uint64_t pax_size = 0;
  bool have_pax_size = false;
  char name_buf[256 + 1];
  std::uint64_t off = 0;
  auto read_block = [&](std::uint64_t at, unsigned char* b) -> bool {
    std::size_t got = 0;
    while (got < block_size) {
      const auto n = read_at(at + got, reinterpret_cast<char*>(b) + got, block_size - got);
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  };
  // reads `size` bytes of an extended record into `dst` (at most max_path), skipping the rest
  auto read_text = [&](std::uint64_t at, std::uint64_t size, char* dst, std::size_t cap, std::size_t& len) -> bool {
    len = 0;
    while (len < size && len < cap) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size - len, cap - len));
      const auto n = read_at(at + len, dst + len, want);
      if (n <= 0) return false;
      len += static_cast<std::size_t>(n);
    }
    return true;
  };
  for (;;) {
    if (!read_block(off, block)) return {errc::truncated, off};
    if (dt::all_zero(block)) return {};
    if (!dt::checksum_ok(block)) return {errc::bad_checksum, off};
    std::uint64_t size = 0;
    std::uint64_t mode = 0;
    if (!dt::number(block + 124, 12, size) || !dt::number(block + 100, 8, mode)) return {errc::bad_number, off};
    const char type = static_cast<char>(block[156]);
    const std::uint64_t data = off + block_size;
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      if (type == 'L' || type == 'K') {
        char* dst = type == 'L' ? long_path : long_link;
        std::size_t len = 0;
        if (size > max_path + 1) return {errc::name_too_long, off};
        if (!read_text(data, size, dst, max_path + 1, len)) return {errc::truncated, off};
        while (len > 0 && dst[len - 1] == 0) --len;
        (type == 'L' ? long_path_len : long_link_len) = len;
        (type == 'L' ? have_long_path : have_long_link) = true;
      } else if (type == 'x') {
        // records "LEN key=value\n"; keep path, linkpath and size
        std::uint64_t pos = 0;
        while (pos < size) {
          char head[32];
          std::size_t hl = 0;
          if (!read_text(data + pos, std::min<std::uint64_t>(size - pos, sizeof head), head, sizeof head, hl)) {
            return {errc::truncated, off};
          }
          std::size_t i = 0;
          std::uint64_t rec = 0;
          while (i < hl && head[i] >= '0' && head[i] <= '9') rec = rec * 10 + static_cast<std::uint64_t>(head[i++] - '0');
          if (i == 0 || i >= hl || head[i] != ' ' || rec <= i + 1 || pos + rec > size) return {errc::bad_pax, off};
          const std::uint64_t kv_at = data + pos + i + 1;
          const std::uint64_t kv_len = rec - i - 2;  // without the trailing newline
          char kv[max_path + 16];
          std::size_t got = 0;
          if (kv_len <= sizeof kv) {
            if (!read_text(kv_at, kv_len, kv, sizeof kv, got)) return {errc::truncated, off};
            const std::string_view s(kv, got);
            const std::size_t eq = s.find('=');
            if (eq == std::string_view::npos) return {errc::bad_pax, off};
            const std::string_view key = s.substr(0, eq);
            const std::string_view val = s.substr(eq + 1);
            if (key == "path" || key == "linkpath") {
              if (val.size() > max_path) return {errc::name_too_long, off};
              char* dst = key == "path" ? long_path : long_link;
              if (!val.empty()) std::memcpy(dst, val.data(), val.size());
              (key == "path" ? long_path_len : long_link_len) = val.size();
              (key == "path" ? have_long_path : have_long_link) = true;
            } else if (key == "size") {
              std::uint64_t v = 0;
              for (char c : val) {
                if (c < '0' || c > '9') return {errc::bad_pax, off};
                v = v * 10 + static_cast<std::uint64_t>(c - '0');
              }
              pax_size = v;
              have_pax_size = true;
            }
          } else {
            // a record too long to keep: only path/linkpath would matter
            char key[16];
            std::size_t kl = 0;
            if (!read_text(kv_at, sizeof key, key, sizeof key, kl)) return {errc::truncated, off};
            const std::string_view k(key, kl);
            if (k.substr(0, 5) == "path=" || k.substr(0, 9) == "linkpath=") return {errc::name_too_long, off};
          }
          pos += rec;
        }
      }
      off = data + dt::padded(size);
      continue;
    }
    entry e;
    if (have_pax_size) size = pax_size;
    e.size = size;
    e.mode = static_cast<std::uint32_t>(mode & 07777);
    e.data_offset = data;
    switch (type) {
      case '0':
      case '\0':
      case '7': e.type = entry_type::file; break;
      case '1': e.type = entry_type::hard_link; break;
      case '2': e.type = entry_type::symlink; break;
      case '5': e.type = entry_type::directory; break;
      default: e.type = entry_type::other; break;
    }
    if (have_long_path) {
      e.path = std::string_view(long_path, long_path_len);
    } else {
      const std::string_view name = dt::field(block, 100);
      const std::string_view magic = dt::field(block + 257, 6);
      const std::string_view prefix = magic == "ustar" ? dt::field(block + 345, 155) : std::string_view();
      if (!prefix.empty()) {
        std::memcpy(name_buf, prefix.data(), prefix.size());
        name_buf[prefix.size()] = '/';
        std::memcpy(name_buf + prefix.size() + 1, name.data(), name.size());
        e.path = std::string_view(name_buf, prefix.size() + 1 + name.size());
      } else {
        e.path = name;
      }
    }
    e.link = have_long_link ? std::string_view(long_link, long_link_len) : dt::field(block + 157, 100);
    if (e.type == entry_type::hard_link || e.type == entry_type::symlink || e.type == entry_type::directory) {
      if (e.type != entry_type::directory) e.size = 0;
    }
    const std::uint64_t data_size = (e.type == entry_type::hard_link || e.type == entry_type::symlink) ? 0 : size;
    if (!on_entry(static_cast<const entry&>(e))) return {};
    have_long_path = have_long_link = have_pax_size = false;
    off = data + dt::padded(data_size);
  }
}

/// `path` without a leading `./` (archives written with `tar -C dir .` carry it).
[[nodiscard]] constexpr std::string_view clean_member(std::string_view path) noexcept {
  while (path.substr(0, 2) == "./") path.remove_prefix(2);
  return path;
}

}  // namespace tar
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_TAR_HPP

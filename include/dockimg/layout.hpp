// SPDX-License-Identifier: Apache-2.0
/// @file layout.hpp
/// @brief Reading an OCI image layout (image-layout.md) from a directory or from a tar of one
/// (what `docker save` writes since Docker 25, next to its legacy `manifest.json`): the
/// `oci-layout` header, `index.json`, blobs by digest, and the walk from the index down to the
/// manifests of each platform.
///
/// This header does I/O (POSIX `open`/`pread`) and its reader keeps an index of the archive's
/// members in `std::string`s: it allocates, unlike the parsers. Blobs are read into a caller
/// `std::string` with a size limit; layers are never read (only their descriptors are needed).
#ifndef DOCKIMG_LAYOUT_HPP
#define DOCKIMG_LAYOUT_HPP

#if defined(__unix__) || defined(__APPLE__)

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.hpp"
#include "digest.hpp"
#include "tar.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace oci {

/// Why a layout could not be read.
enum class layout_errc : std::uint8_t {
  ok = 0,          ///< no error
  not_found,       ///< the path does not exist or a member is missing
  io,              ///< a read failed (see `os_error`)
  not_a_layout,    ///< neither a directory nor a tar archive
  bad_archive,     ///< the tar archive is damaged (see `tar`)
  too_large,       ///< a member is larger than the limit given
  bad_digest,      ///< a blob digest is not a valid digest
};

/// An error of the layout reader.
struct layout_error {
  layout_errc code = layout_errc::ok;  ///< what happened
  int os_error = 0;                    ///< errno for `io` / `not_found`
  tar::errc tar = tar::errc::ok;       ///< the archive's error for `bad_archive`
  std::string member;                  ///< the member or path concerned
  /// True when this is a real error.
  [[nodiscard]] explicit operator bool() const noexcept { return code != layout_errc::ok; }
};

/// The message of `e`.
[[nodiscard]] inline std::string message(const layout_error& e) {
  std::string m;
  switch (e.code) {
    case layout_errc::ok: return "ok";
    case layout_errc::not_found: m = "not found"; break;
    case layout_errc::io: m = "read error"; break;
    case layout_errc::not_a_layout: m = "not an OCI layout directory or tar archive"; break;
    case layout_errc::bad_archive: m = std::string(tar::message(e.tar)); break;
    case layout_errc::too_large: m = "member too large"; break;
    case layout_errc::bad_digest: m = "invalid digest"; break;
  }
  if (e.os_error != 0) m += std::string(" (") + std::strerror(e.os_error) + ")";
  if (!e.member.empty()) m = e.member + ": " + m;
  return m;
}

/// An OCI image layout, from a directory or a tar archive of one.
class layout_reader {
 public:
  layout_reader() = default;
  layout_reader(const layout_reader&) = delete;
  layout_reader& operator=(const layout_reader&) = delete;
  /// Moves the open layout.
  layout_reader(layout_reader&& o) noexcept { *this = std::move(o); }
  /// Moves the open layout.
  layout_reader& operator=(layout_reader&& o) noexcept {
    if (this != &o) {
      close();
      fd_ = o.fd_;
      o.fd_ = -1;
      dir_ = std::move(o.dir_);
      members_ = std::move(o.members_);
      is_tar_ = o.is_tar_;
    }
    return *this;
  }
  ~layout_reader() { close(); }

  /// Opens `path`: a directory, or a tar archive (its members are indexed once).
  [[nodiscard]] layout_error open(const std::string& path) {
    close();
    layout_error e;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return fail(layout_errc::not_found, errno, path);
    if (S_ISDIR(st.st_mode)) {
      dir_ = path;
      is_tar_ = false;
      return e;
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return fail(layout_errc::io, errno, path);
    is_tar_ = true;
    const int fd = fd_;
    const tar::error te = tar::for_each_entry(
        [fd](std::uint64_t off, char* buf, std::size_t n) -> long {
          const ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(off));
          return static_cast<long>(r);
        },
        [&](const tar::entry& en) {
          if (en.type == tar::entry_type::file) {
            members_.push_back(member{std::string(tar::clean_member(en.path)), en.data_offset, en.size});
          }
          return true;
        });
    if (te) {
      layout_error x = fail(te.code == tar::errc::bad_checksum && te.offset == 0 ? layout_errc::not_a_layout
                                                                                   : layout_errc::bad_archive,
                            0, path);
      x.tar = te.code;
      close();
      return x;
    }
    return e;
  }

  /// True when the layout is a tar archive.
  [[nodiscard]] bool is_archive() const noexcept { return is_tar_; }

  /// True when the member exists (`index.json`, `blobs/sha256/...`, `manifest.json`).
  [[nodiscard]] bool has(std::string_view name) const {
    if (!is_tar_) {
      struct stat st {};
      return ::stat((dir_ + "/" + std::string(name)).c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }
    return find(name) != nullptr;
  }

  /// The size of a member, or -1.
  [[nodiscard]] std::int64_t size_of(std::string_view name) const {
    if (!is_tar_) {
      struct stat st {};
      if (::stat((dir_ + "/" + std::string(name)).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
      return static_cast<std::int64_t>(st.st_size);
    }
    const member* m = find(name);
    return m == nullptr ? -1 : static_cast<std::int64_t>(m->size);
  }

  /// Reads a member into `out` (at most `limit` bytes, else `too_large`).
  [[nodiscard]] layout_error read(std::string_view name, std::string& out, std::uint64_t limit = 64u << 20) const {
    out.clear();
    opened o;
    if (layout_error e = open_member(name, o)) return e;
    const int fd = o.fd;
    const std::uint64_t off = o.off;
    const std::uint64_t size = o.size;
    layout_error e;
    if (size > limit) {
      e = fail(layout_errc::too_large, 0, std::string(name));
    } else {
      out.resize(static_cast<std::size_t>(size));
      std::size_t got = 0;
      while (got < out.size()) {
        const ssize_t n = ::pread(fd, &out[got], out.size() - got, static_cast<off_t>(off + got));
        if (n <= 0) {
          e = fail(layout_errc::io, n < 0 ? errno : EIO, std::string(name));
          break;
        }
        got += static_cast<std::size_t>(n);
      }
    }
    if (o.own) ::close(fd);
    return e;
  }

  /// Reads a member in chunks of up to 1 MiB: `f(const char* data, std::size_t n)` per chunk.
  template <class F>
  [[nodiscard]] layout_error stream(std::string_view name, F&& f) const {
    opened o;
    if (layout_error e = open_member(name, o)) return e;
    const int fd = o.fd;
    const std::uint64_t off = o.off;
    const std::uint64_t size = o.size;
    layout_error e;
    std::vector<char> buf(1u << 20);
    for (std::uint64_t done = 0; done < size;) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - done));
      const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(off + done));
      if (n <= 0) {
        e = fail(layout_errc::io, n < 0 ? errno : EIO, std::string(name));
        break;
      }
      f(static_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
      done += static_cast<std::uint64_t>(n);
    }
    if (o.own) ::close(fd);
    return e;
  }

  /// The member name of a blob: `blobs/<algorithm>/<encoded>`; empty when `digest` is invalid.
  [[nodiscard]] static std::string blob_path(std::string_view digest_text) {
    const digest::parse_result p = digest::parse(digest_text);
    if (!p.ok()) return std::string();
    return "blobs/" + std::string(p.digest.name) + "/" + std::string(p.digest.encoded);
  }

  /// Reads the blob of `digest_text`.
  [[nodiscard]] layout_error read_blob(std::string_view digest_text, std::string& out,
                                       std::uint64_t limit = 64u << 20) const {
    const std::string p = blob_path(digest_text);
    if (p.empty()) return fail(layout_errc::bad_digest, 0, std::string(digest_text));
    return read(p, out, limit);
  }

  /// Calls `f(std::string_view name, std::uint64_t size)` for every member of an archive (empty
  /// for a directory).
  template <class F>
  void for_each_member(F&& f) const {
    for (const member& m : members_) f(std::string_view(m.name), m.size);
  }

 private:
  struct member {
    std::string name;
    std::uint64_t offset;
    std::uint64_t size;
  };
  int fd_ = -1;
  std::string dir_;
  std::vector<member> members_;
  bool is_tar_ = false;

  /// Where a member's bytes are: its own file (directory layouts) or a range of the archive.
  struct opened {
    int fd = -1;
    std::uint64_t off = 0;
    std::uint64_t size = 0;
    bool own = false;  // fd is ours to close
  };
  layout_error open_member(std::string_view name, opened& o) const {
    if (is_tar_) {
      const member* m = find(name);
      if (m == nullptr) return fail(layout_errc::not_found, 0, std::string(name));
      o = opened{fd_, m->offset, m->size, false};
      return {};
    }
    const std::string p = dir_ + "/" + std::string(name);
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(errno == ENOENT ? layout_errc::not_found : layout_errc::io, errno, std::string(name));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int e = errno;
      ::close(fd);
      return fail(layout_errc::io, e, std::string(name));
    }
    o = opened{fd, 0, static_cast<std::uint64_t>(st.st_size), true};
    return {};
  }
  static layout_error fail(layout_errc c, int os, std::string member) {
    layout_error e;
    e.code = c;
    e.os_error = os;
    e.member = std::move(member);
    return e;
  }
  const member* find(std::string_view name) const {
    for (auto it = members_.rbegin(); it != members_.rend(); ++it) {  // the last copy wins, as in tar
      if (it->name == name) return &*it;
    }
    return nullptr;
  }
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    members_.clear();
    dir_.clear();
  }
};

}  // namespace oci
DOCKIMG_END_NAMESPACE

#endif  // unix
#endif  // DOCKIMG_LAYOUT_HPP

// tar.hpp against GNU tar: archives written by `tar` in the ustar, pax and gnu formats, with long
// names, are listed with the same paths, sizes and types as `tar -tv` reads them.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>

#include <dockimg/tar.hpp>

#include "alloc_counter.hpp"

namespace {

std::string sh_out(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

struct listed {
  std::vector<std::string> lines;  // "type size path"
  dockimg::tar::error err;
};

listed list_archive(const std::string& path) {
  listed out;
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  std::vector<std::string> lines;
  {
    out.err = dockimg::tar::for_each_entry(
        [fd](std::uint64_t off, char* buf, std::size_t n) { return ::pread(fd, buf, n, static_cast<off_t>(off)); },
        [&](const dockimg::tar::entry& e) {
          const char t = e.type == dockimg::tar::entry_type::directory ? 'd'
                         : e.type == dockimg::tar::entry_type::symlink ? 'l'
                                                                         : '-';
          out.lines.push_back(std::string(1, t) + " " + std::to_string(e.size) + " " +
                              std::string(dockimg::tar::clean_member(e.path)));
          return true;
        });
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("tar: entries agree with GNU tar in ustar, pax and gnu formats") {
  if (std::system("tar --version >/dev/null 2>&1") != 0) {
    std::printf("SKIPPED: GNU tar not found\n");
    return;
  }
  const std::string dir = "/tmp/dockimg_tar_" + std::to_string(::getpid());
  const std::string tree = dir + "/tree";
  const std::string long_dir(90, 'd');
  const std::string long_name(120, 'n');
  const std::string cmds = "mkdir -p " + tree + "/blobs/sha256 " + tree + "/" + long_dir + " && " +
                           "printf '{\"imageLayoutVersion\":\"1.0.0\"}' > " + tree + "/oci-layout && " +
                           "head -c 70000 /dev/urandom > " + tree + "/blobs/sha256/big && " +
                           ": > " + tree + "/empty && " +
                           "printf x > " + tree + "/" + long_dir + "/short && " +
                           "printf yy > " + tree + "/" + long_dir + "/" + long_name + " && " +
                           "printf zzz > " + tree + "/" + long_dir + "/" + std::string(60, 'm') + " && " +
                           "ln -s oci-layout " + tree + "/link";
  REQUIRE(std::system(cmds.c_str()) == 0);
  int formats = 0;
  for (const char* format : {"ustar", "pax", "gnu"}) {
    const std::string archive = dir + "/a-" + format + ".tar";
    // ustar keeps names up to 100 bytes plus a 155-byte prefix: the 120-byte name is left out
    const std::string exclude = std::string(format) == "ustar" ? " --exclude=" + long_name : "";
    const std::string make = "tar --format=" + std::string(format) + exclude + " -cf " + archive + " -C " + tree +
                             " --sort=name . 2>/dev/null";
    if (std::system(make.c_str()) != 0) {
      MESSAGE(std::string(format) << ": tar cannot write this tree in this format (ustar and 256-byte paths), skipped");
      continue;
    }
    // what GNU tar lists: type, size, path (verbose listing, then reduced with awk)
    const std::string want_text = sh_out("tar -tvf " + archive +
                                         " | awk '{t=substr($1,1,1); p=$6; for(i=7;i<=NF;i++) p=p\" \"$i; "
                                         "sub(/ -> .*/, \"\", p); sub(/^\\.\\//, \"\", p); "
                                         "if (t==\"l\") $3=0; print t\" \"$3\" \"p}'");
    std::vector<std::string> want;
    std::size_t pos = 0;
    while (pos < want_text.size()) {
      const std::size_t nl = want_text.find('\n', pos);
      want.push_back(want_text.substr(pos, nl - pos));
      pos = nl + 1;
    }
    const listed got = list_archive(archive);
    INFO(format);
    CHECK_FALSE(got.err);
    for (std::string& l : want) {
      if (!l.empty() && l.back() == '/') l.pop_back();  // directories: "tree/dir/"
    }
    std::vector<std::string> got_lines = got.lines;
    for (std::string& l : got_lines) {
      if (!l.empty() && l.back() == '/') l.pop_back();
      if (l.size() > 2 && l[0] == 'd') l = "d 0" + l.substr(l.find(' ', 2));
    }
    for (std::string& l : want) {
      if (l.size() > 2 && l[0] == 'd') l = "d 0" + l.substr(l.find(' ', 2));
    }
    CHECK(got_lines == want);
    ++formats;
    // the reader allocates nothing
    const int fd = ::open(archive.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    std::size_t entries = 0;
    {
      dockimg_test::alloc_scope scope;
      const auto e = dockimg::tar::for_each_entry(
          [fd](std::uint64_t off, char* buf, std::size_t n) { return ::pread(fd, buf, n, static_cast<off_t>(off)); },
          [&](const dockimg::tar::entry&) {
            ++entries;
            return true;
          });
      CHECK_FALSE(e);
      CHECK(scope.count() == 0);
    }
    ::close(fd);
    CHECK(entries == want.size());
  }
  CHECK(formats == 3);
  // damaged archives fail cleanly
  {
    const std::string archive = dir + "/a-pax.tar";
    std::string bytes;
    FILE* f = std::fopen(archive.c_str(), "rb");
    REQUIRE(f != nullptr);
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    std::fclose(f);
    auto run = [&](const std::string& data) {
      return dockimg::tar::for_each_entry(
          [&](std::uint64_t off, char* out, std::size_t len) -> long {
            if (off >= data.size()) return 0;
            const std::size_t k = std::min<std::size_t>(len, data.size() - static_cast<std::size_t>(off));
            std::memcpy(out, data.data() + off, k);
            return static_cast<long>(k);
          },
          [](const dockimg::tar::entry&) { return true; });
    };
    CHECK_FALSE(run(bytes));
    CHECK(run(bytes.substr(0, 700)).code == dockimg::tar::errc::truncated);
    std::string bad = bytes;
    bad[10] = static_cast<char>(bad[10] ^ 0x55);
    CHECK(run(bad).code == dockimg::tar::errc::bad_checksum);
    CHECK(run(std::string(2048, 'x')).code == dockimg::tar::errc::bad_checksum);
  }
  std::system(("rm -rf " + dir).c_str());
}

// SPDX-License-Identifier: Apache-2.0
// dockimg's rule catalogue: base images, multi-stage, layer order, cleanup, users, secrets,
// .dockerignore coverage and cache mounts. Not a public header; included by detail/lint_engine.hpp.
#ifndef DOCKIMG_DETAIL_LINT_RULES_HPP
#define DOCKIMG_DETAIL_LINT_RULES_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../dispatch.hpp"
#include "../dockerignore.hpp"
#include "../instructions.hpp"
#include "go_path.hpp"
#include "lint_engine.hpp"
#include "lint_shell.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {
namespace detail_lint {
namespace rules {

namespace df = dockimg::dockerfile;
namespace sh = detail_sh;

// ------------------------------------------------------------------------------------------------
// Small string helpers
// ------------------------------------------------------------------------------------------------

inline char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool contains_ci(sv hay, sv needle) noexcept {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

inline bool starts_with(sv s, sv p) noexcept { return s.size() >= p.size() && s.substr(0, p.size()) == p; }
inline bool ends_with(sv s, sv p) noexcept { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

template <std::size_t N>
inline bool one_of(sv s, const sv (&list)[N]) noexcept {
  for (sv x : list)
    if (s == x) return true;
  return false;
}

/// Go's `filepath.Match` for one path (`*`, `?`, `[...]`, `\` escapes; `*` does not cross `/`).
inline bool glob_match(sv pat, sv name) noexcept {
  std::size_t p = 0, n = 0, star_p = sv::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pat.size()) {
      const char c = pat[p];
      if (c == '*') {
        star_p = ++p;
        star_n = n;
        continue;
      }
      if (c == '?' && name[n] != '/') {
        ++p;
        ++n;
        continue;
      }
      if (c == '[') {
        std::size_t q = p + 1;
        bool neg = false;
        if (q < pat.size() && pat[q] == '^') {
          neg = true;
          ++q;
        }
        bool hit = false, first = true;
        while (q < pat.size() && (pat[q] != ']' || first)) {
          first = false;
          char lo = pat[q];
          if (lo == '\\' && q + 1 < pat.size()) lo = pat[++q];
          char hi = lo;
          if (q + 2 < pat.size() && pat[q + 1] == '-' && pat[q + 2] != ']') {
            hi = pat[q + 2];
            if (hi == '\\' && q + 3 < pat.size()) hi = pat[q + 3], ++q;
            q += 2;
          }
          if (name[n] >= lo && name[n] <= hi) hit = true;
          ++q;
        }
        if (q < pat.size() && hit != neg && name[n] != '/') {
          p = q + 1;
          ++n;
          continue;
        }
      } else {
        char lit = c;
        std::size_t adv = 1;
        if (c == '\\' && p + 1 < pat.size()) {
          lit = pat[p + 1];
          adv = 2;
        }
        if (lit == name[n] && c != '?') {
          p += adv;
          ++n;
          continue;
        }
      }
    }
    if (star_p != sv::npos && name[star_n] != '/') {
      p = star_p;
      n = ++star_n;
      continue;
    }
    return false;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

inline bool has_glob(sv s) noexcept { return s.find_first_of("*?[") != sv::npos; }

/// `path.Clean` into the arena.
inline sv clean(arena& a, sv p) noexcept {
  char* out = a.make_text(p.size() + 1);
  if (!out) return p;
  return {out, detail::go_path_clean(p, out)};
}

/// `p` resolved against `workdir` and cleaned.
inline sv resolve(arena& a, sv workdir, sv p) noexcept {
  if (!p.empty() && p[0] == '/') return clean(a, p);
  if (workdir.empty()) workdir = "/";
  return clean(a, cat(a, {workdir, "/", p}));
}

/// True when `p` equals `dir` or lies under it (both clean and absolute).
inline bool under(sv p, sv dir) noexcept {
  if (dir == "/") return !p.empty() && p[0] == '/';
  return p == dir || (p.size() > dir.size() && starts_with(p, dir) && p[dir.size()] == '/');
}

/// The literal directory prefix of a path that may hold glob characters (`/tmp/x/*` → `/tmp/x`).
inline sv literal_prefix(sv p) noexcept {
  const std::size_t g = p.find_first_of("*?[");
  if (g == sv::npos) return p;
  const std::size_t slash = p.rfind('/', g);
  if (slash == sv::npos) return {};
  return slash == 0 ? sv("/") : p.substr(0, slash);
}

// ------------------------------------------------------------------------------------------------
// Images
// ------------------------------------------------------------------------------------------------

/// The marker build_graph gets for meta ARGs without a value, so that a `FROM $IMAGE` whose
/// value only the build knows still yields a stage graph.
inline constexpr sv unset_marker = "dockimg-unset-arg";

/// An image reference split the way the rules need it.
struct image_ref {
  sv repository;  ///< normalised: `docker.io/`, `index.docker.io/`, `registry-1.docker.io/`, `library/` removed
  sv tag;         ///< "" when absent
  sv digest;      ///< "" when absent
  bool unknown = false;  ///< the repository comes from a variable without a value
};

inline image_ref split_image(sv ref) noexcept {
  image_ref r;
  const std::size_t at = ref.find('@');
  if (at != sv::npos) {
    r.digest = ref.substr(at + 1);
    ref = ref.substr(0, at);
  }
  const std::size_t slash = ref.rfind('/');
  const std::size_t colon = ref.rfind(':');
  if (colon != sv::npos && (slash == sv::npos || colon > slash)) {
    r.tag = ref.substr(colon + 1);
    ref = ref.substr(0, colon);
  }
  for (sv prefix : {sv("docker.io/"), sv("index.docker.io/"), sv("registry-1.docker.io/")}) {
    if (starts_with(ref, prefix)) {
      ref.remove_prefix(prefix.size());
      break;
    }
  }
  if (starts_with(ref, "library/")) ref.remove_prefix(8);
  r.repository = ref;
  r.unknown = ref.find(unset_marker) != sv::npos || ref.empty();
  return r;
}

// ------------------------------------------------------------------------------------------------
// Commands of a RUN
// ------------------------------------------------------------------------------------------------

/// A simple command after normalisation: the program (base name) and its arguments.
struct shcmd {
  sv name;                       ///< `apt-get`, `pip`, `npm`, ... (`python -m pip` → `pip`)
  sv subcommand;                 ///< the first operand (`install` of `apt-get -y install x`)
  std::size_t sub_i = 0;         ///< its index in `args` (`n` when there is none)
  const sh::word* args = nullptr;  ///< the arguments after the program
  std::size_t n = 0;               ///< how many
  const sh::command* raw = nullptr;  ///< the command as split
};

inline bool is_opt(sv w) noexcept { return w.size() > 1 && w[0] == '-'; }
inline bool takes_arg(sv name, sv opt) noexcept;

/// The index of the first argument from `from` on that is not an option or an option's argument
/// (`c.n` when there is none).
inline std::size_t find_sub(const shcmd& c, std::size_t from) noexcept {
  for (std::size_t i = from; i < c.n; ++i) {
    const sv w = c.args[i].text;
    if (is_opt(w)) {
      if (takes_arg(c.name, w)) ++i;
      continue;
    }
    return i;
  }
  return c.n;
}

/// Normalises a split command: drops `sudo`/`env`/`exec`/`command`/`nohup` wrappers and their
/// options and assignments; `python -m pip` and `pip3` become `pip`.
inline shcmd normalise(const sh::command& c) noexcept {
  shcmd out;
  out.raw = &c;
  std::size_t i = 0;
  while (i < c.n) {
    const sv t = sh::base_name(c.words[i].text);
    if (t == "xargs") {  // xargs [options] CMD ...: the command is CMD
      ++i;
      while (i < c.n) {
        const sv w = c.words[i].text;
        if (w == "-n" || w == "-I" || w == "-P" || w == "-d" || w == "-a" || w == "-L" || w == "-s" || w == "-E") {
          i += 2;
          continue;
        }
        if (!w.empty() && w[0] == '-') {
          ++i;
          continue;
        }
        break;
      }
      continue;
    }
    if (t == "sudo" || t == "env" || t == "exec" || t == "command" || t == "nohup") {
      ++i;
      // options (sudo -u user takes an argument) and assignments (env A=b)
      while (i < c.n) {
        const sv w = c.words[i].text;
        if (w == "-u" || w == "-g" || w == "-C" || w == "-h" || w == "-p" || w == "-U") {
          i += 2;
          continue;
        }
        if (!w.empty() && w[0] == '-') {
          ++i;
          continue;
        }
        if (w.find('=') != sv::npos && w[0] != '=') {
          ++i;
          continue;
        }
        break;
      }
      continue;
    }
    break;
  }
  if (i >= c.n) return out;
  sv name = sh::base_name(c.words[i].text);
  ++i;
  // python -m pip / python3 -m pip / python3.12 -m pip
  if (starts_with(name, "python") && i + 1 < c.n && c.words[i].text == "-m") {
    const sv mod = c.words[i + 1].text;
    if (mod == "pip" || mod == "pip3") {
      name = "pip";
      i += 2;
    }
  }
  if (starts_with(name, "pip")) {
    sv rest = name.substr(3);
    bool version = true;
    for (char ch : rest) version = version && ((ch >= '0' && ch <= '9') || ch == '.');
    if (version) name = "pip";
  }
  if (name == "gradlew") name = "gradle";
  out.name = name;
  out.args = c.words + i;
  out.n = c.n - i;
  out.sub_i = find_sub(out, 0);
  out.subcommand = out.sub_i < out.n ? out.args[out.sub_i].text : sv();
  return out;
}

/// The options of `name` that take a separate argument (skipped when looking for the subcommand
/// or the operands).
inline bool takes_arg(sv name, sv opt) noexcept {
  if (name.empty() || opt.find('=') != sv::npos) return false;
  switch (name[0]) {  // only these programs have options with separate arguments here
    case 'a': case 'b': case 'c': case 'd': case 'g': case 'm': case 'n': case 'p': case 'y': case 'z': break;
    default: return false;
  }
  if (name == "apt-get" || name == "apt") return opt == "-o" || opt == "-c" || opt == "-t" || opt == "--option" ||
                                                   opt == "--config-file" || opt == "--target-release";
  if (name == "apk") return opt == "-t" || opt == "--virtual" || opt == "-X" || opt == "--repository" ||
                            opt == "-p" || opt == "--root" || opt == "--arch" || opt == "--repositories-file" ||
                            opt == "--cache-dir" || opt == "--keys-dir";
  if (name == "pip") return opt == "-r" || opt == "--requirement" || opt == "-c" || opt == "--constraint" ||
                            opt == "-i" || opt == "--index-url" || opt == "--extra-index-url" ||
                            opt == "-f" || opt == "--find-links" || opt == "-t" || opt == "--target" ||
                            opt == "--prefix" || opt == "--root" || opt == "-w" || opt == "--wheel-dir" ||
                            opt == "-d" || opt == "--dest" || opt == "--trusted-host" || opt == "--cache-dir" ||
                            opt == "--platform" || opt == "--python-version" || opt == "--only-binary" ||
                            opt == "--no-binary" || opt == "--progress-bar" || opt == "-e" || opt == "--editable" ||
                            opt == "--timeout" || opt == "--retries" || opt == "--proxy";
  if (name == "yum" || name == "dnf" || name == "microdnf")
    return opt == "--enablerepo" || opt == "--disablerepo" || opt == "--setopt" || opt == "--installroot" ||
           opt == "--releasever" || opt == "-c" || opt == "--config";
  if (name == "npm" || name == "yarn" || name == "pnpm")
    return opt == "--prefix" || opt == "-C" || opt == "--cwd" || opt == "--dir" || opt == "--filter" ||
           opt == "-w" || opt == "--workspace" || opt == "--registry" || opt == "--cache";
  if (name == "go") return opt == "-C" || opt == "-o" || opt == "-ldflags" || opt == "-tags" || opt == "-gcflags" ||
                           opt == "-mod" || opt == "-p" || opt == "-modfile" || opt == "-pkgdir" || opt == "-buildmode";
  if (name == "cargo") return opt == "--manifest-path" || opt == "--target" || opt == "-p" || opt == "--package" ||
                              opt == "--features" || opt == "-F" || opt == "--bin" || opt == "-j" || opt == "--jobs" ||
                              opt == "--target-dir" || opt == "--root" || opt == "--version";
  if (name == "dotnet") return opt == "-c" || opt == "--configuration" || opt == "-o" || opt == "--output" ||
                               opt == "-r" || opt == "--runtime" || opt == "-f" || opt == "--framework" ||
                               opt == "-s" || opt == "--source" || opt == "-v" || opt == "--verbosity";
  if (name == "zypper") return opt == "-r" || opt == "--repo" || opt == "--root";
  if (name == "gem") return opt == "-v" || opt == "--version" || opt == "-i" || opt == "--install-dir" ||
                            opt == "-n" || opt == "--bindir" || opt == "--source";
  if (name == "composer" || name == "bundle" || name == "poetry" || name == "pipenv")
    return opt == "-d" || opt == "--working-dir" || opt == "--path" || opt == "--with" || opt == "--without" ||
           opt == "--only" || opt == "-E" || opt == "--extras" || opt == "--jobs" || opt == "-j";
  return false;
}

/// The index of the subcommand of `c` (computed once by `normalise`).
inline std::size_t sub_index(const shcmd& c) noexcept { return c.sub_i; }

/// The subcommand of `c` ("" when none).
inline sv sub(const shcmd& c) noexcept { return c.subcommand; }

/// True when an argument equals `opt` or starts with `opt=`.
inline bool has_opt(const shcmd& c, sv opt) noexcept {
  for (std::size_t i = 0; i < c.n; ++i) {
    const sv w = c.args[i].text;
    if (w == opt || (starts_with(w, opt) && w.size() > opt.size() && w[opt.size()] == '=')) return true;
  }
  return false;
}

/// Number of operands after the subcommand (arguments that are not options or option arguments).
inline std::size_t operand_count(const shcmd& c) noexcept {
  const std::size_t s = sub_index(c);
  std::size_t n = 0;
  for (std::size_t i = s + 1; i < c.n; ++i) {
    const sv w = c.args[i].text;
    if (is_opt(w)) {
      if (takes_arg(c.name, w)) ++i;
      continue;
    }
    ++n;
  }
  return n;
}

inline bool is_apt(const shcmd& c) noexcept { return c.name == "apt-get" || c.name == "apt"; }
inline bool apt_sub(const shcmd& c, sv s) noexcept { return is_apt(c) && sub(c) == s; }

inline bool is_yum_like(sv n) noexcept { return n == "yum" || n == "dnf" || n == "microdnf"; }

/// An install of OS packages: apt-get/apt install, apk add, yum/dnf/microdnf install (not zypper).
inline bool pkg_install(const shcmd& c) noexcept {
  if (is_apt(c)) return sub(c) == "install";
  if (c.name == "apk") return sub(c) == "add";
  if (is_yum_like(c.name)) return sub(c) == "install";
  return false;
}

/// A dependency install that `COPY . .` should come after.
inline sv dep_install(const shcmd& c) noexcept {
  const sv s = sub(c);
  if (c.name == "npm") {
    if (s == "ci") return "npm ci";
    if ((s == "install" || s == "i") && operand_count(c) == 0) return "npm install";
  }
  if (c.name == "yarn" && (s == "install" || s.empty())) return "yarn install";
  if (c.name == "pnpm" && (s == "install" || s == "i")) return "pnpm install";
  if (c.name == "pip" && s == "install" && (has_opt(c, "-r") || has_opt(c, "--requirement"))) return "pip install";
  if (c.name == "poetry" && s == "install") return "poetry install";
  if (c.name == "pipenv" && s == "install") return "pipenv install";
  if (c.name == "bundle" && s == "install") return "bundle install";
  if (c.name == "go" && s == "mod") {
    const std::size_t i = sub_index(c);
    if (i + 1 < c.n && c.args[i + 1].text == "download") return "go mod download";
  }
  if (c.name == "composer" && s == "install") return "composer install";
  if (c.name == "dotnet" && s == "restore") return "dotnet restore";
  if (c.name == "cargo" && s == "fetch") return "cargo fetch";
  if (c.name == "mvn") {
    for (std::size_t i = 0; i < c.n; ++i) {
      const sv w = c.args[i].text;
      if (ends_with(w, "dependency:go-offline") || ends_with(w, "dependency:resolve")) return "mvn dependency";
    }
  }
  return {};
}

/// A fetch/install/build command that a cache mount would speed up.
inline sv cacheable(const shcmd& c) noexcept {
  const sv s = sub(c);
  if (is_apt(c) && s == "install") return "apt-get install";
  if (c.name == "apk" && s == "add") return "apk add";
  if ((is_yum_like(c.name) || c.name == "zypper") && (s == "install" || (c.name == "zypper" && s == "in"))) {
    if (c.name == "yum") return "yum install";
    if (c.name == "dnf") return "dnf install";
    if (c.name == "microdnf") return "microdnf install";
    return "zypper install";
  }
  if (c.name == "pip" && (s == "install" || s == "wheel" || s == "download")) {
    return s == "install" ? "pip install" : s == "wheel" ? "pip wheel" : "pip download";
  }
  if (c.name == "poetry" && s == "install") return "poetry install";
  if (c.name == "pipenv" && s == "install") return "pipenv install";
  if (c.name == "npm" && s == "ci") return "npm ci";
  if (c.name == "npm" && (s == "install" || s == "i")) return "npm install";
  if (c.name == "yarn" && (s == "install" || s.empty())) return "yarn install";
  if (c.name == "pnpm" && (s == "install" || s == "i")) return "pnpm install";
  if (c.name == "go") {
    if (s == "mod") {
      const std::size_t i = sub_index(c);
      if (i + 1 < c.n && c.args[i + 1].text == "download") return "go mod download";
    }
    if (s == "build") return "go build";
    if (s == "install") return "go install";
  }
  if (c.name == "cargo" && (s == "fetch" || s == "build" || s == "install")) {
    return s == "fetch" ? "cargo fetch" : s == "build" ? "cargo build" : "cargo install";
  }
  if (c.name == "mvn") return "mvn";
  if (c.name == "gradle") return "gradle";
  if (c.name == "dotnet" && s == "restore") return "dotnet restore";
  if (c.name == "bundle" && s == "install") return "bundle install";
  if (c.name == "gem" && s == "install") return "gem install";
  if (c.name == "composer" && s == "install") return "composer install";
  return {};
}

/// A build command (the tool's name for the detail).
inline sv build_command(const shcmd& c) noexcept {
  const sv s = sub(c);
  if (c.name == "go" && s == "build") return "go build";
  if (c.name == "cargo" && s == "build") return "cargo build";
  if (c.name == "mvn") {
    for (std::size_t i = 0; i < c.n; ++i) {
      const sv w = c.args[i].text;
      if (w == "package" || w == "install" || w == "verify") return "mvn package";
    }
  }
  if (c.name == "gradle") {
    for (std::size_t i = 0; i < c.n; ++i) {
      const sv w = c.args[i].text;
      if (w == "build" || w == "assemble") return c.raw && c.raw->n && sh::base_name(c.raw->words[0].text) == "gradlew"
                                                       ? "gradlew build"
                                                       : "gradle build";
    }
  }
  if (c.name == "dotnet" && (s == "build" || s == "publish")) return s == "build" ? "dotnet build" : "dotnet publish";
  if ((c.name == "npm" || c.name == "yarn" || c.name == "pnpm") && s == "run") {
    const std::size_t i = sub_index(c);
    if (i + 1 < c.n && c.args[i + 1].text == "build")
      return c.name == "npm" ? "npm run build" : c.name == "yarn" ? "yarn run build" : "pnpm run build";
  }
  if ((c.name == "yarn" || c.name == "pnpm") && s == "build") return c.name == "yarn" ? "yarn build" : "pnpm build";
  if (c.name == "tsc") return "tsc";
  if (c.name == "make") return "make";
  if (c.name == "gcc") return "gcc";
  if (c.name == "g++") return "g++";
  return {};
}

/// A package name without its version pin (`libpq-dev=15.*` → `libpq-dev`).
inline sv unpinned(sv pkg) noexcept {
  const std::size_t k = pkg.find_first_of("=<>~");
  return k == sv::npos ? pkg : pkg.substr(0, k);
}

inline bool build_package(sv pkg) noexcept {
  static constexpr sv names[] = {"build-essential", "build-base", "gcc",     "g++",      "clang",
                                 "make",            "cmake",      "autoconf", "automake", "libtool",
                                 "pkg-config"};
  pkg = unpinned(pkg);
  return one_of(pkg, names) || ends_with(pkg, "-dev") || ends_with(pkg, "-devel");
}

/// Calls `f(word)` for each operand after the subcommand.
template <class F>
inline void for_operands(const shcmd& c, F&& f) noexcept {
  const std::size_t s = sub_index(c);
  for (std::size_t i = s + 1; i < c.n; ++i) {
    const sv w = c.args[i].text;
    if (is_opt(w)) {
      if (takes_arg(c.name, w)) ++i;
      continue;
    }
    f(c.args[i]);
  }
}

/// The `--virtual NAME` / `-t NAME` group of an `apk add`.
inline sv apk_virtual(const shcmd& c) noexcept {
  for (std::size_t i = 0; i + 1 < c.n; ++i) {
    const sv w = c.args[i].text;
    if (w == "-t" || w == "--virtual") return c.args[i + 1].text;
    if (starts_with(w, "--virtual=")) return w.substr(10);
  }
  return {};
}

/// A cleanup-only package-manager or cache command.
inline bool cleanup_command(const shcmd& c) noexcept {
  const sv s = sub(c);
  if (is_apt(c))
    return s == "clean" || s == "dist-clean" || s == "autoclean" || s == "autoremove" || s == "purge" || s == "remove";
  if (c.name == "apk") return s == "del";
  if (is_yum_like(c.name) || c.name == "zypper") return s == "clean" || (c.name == "zypper" && s == "cc");
  if (c.name == "pip" && s == "cache") {
    const std::size_t i = sub_index(c);
    return i + 1 < c.n && (c.args[i + 1].text == "purge" || c.args[i + 1].text == "remove");
  }
  if ((c.name == "npm" || c.name == "yarn") && s == "cache") {
    const std::size_t i = sub_index(c);
    return i + 1 < c.n && c.args[i + 1].text == "clean";
  }
  return false;
}

/// A well-known cache or temporary path (`/tmp/*`, `/var/cache/*`, ...), clean and absolute.
inline bool cache_path(sv p) noexcept {
  return starts_with(p, "/tmp/") || p == "/tmp" || starts_with(p, "/var/tmp/") || p == "/var/tmp" ||
         starts_with(p, "/var/lib/apt/lists") || starts_with(p, "/var/cache/") || p == "/var/cache" ||
         starts_with(p, "/root/.cache") || starts_with(p, "/root/.npm");
}

/// Flags of `rm`/`chown`/`chmod` (`-rf`, `--recursive`); `recursive` is set for `-R`/`--recursive`
/// (and for `rm`, `-r`).
inline bool is_recursive(sv w, bool rm) noexcept {
  if (w == "--recursive") return true;
  if (w.size() < 2 || w[0] != '-' || w[1] == '-') return false;
  for (char ch : w.substr(1))
    if (ch == 'R' || (rm && ch == 'r')) return true;
  return false;
}

// ------------------------------------------------------------------------------------------------
// Paths written by earlier instructions of a stage chain
// ------------------------------------------------------------------------------------------------

/// One path an instruction wrote (a file, or a directory whose whole subtree counts as written).
struct written {
  sv path;                ///< clean and absolute
  bool by_copy = false;   ///< written by COPY/ADD (chown-separate-layer looks only at these)
  const written* next = nullptr;  ///< the previous entry (the list is shared with base stages)
};

// ------------------------------------------------------------------------------------------------
// The analysis
// ------------------------------------------------------------------------------------------------

/// Per-stage facts gathered by the walk.
struct stage_facts {
  const written* writes = nullptr;  ///< the written paths at the end of the stage (with the base's)
  const df::command* last_user = nullptr;
  sv last_user_value;               ///< expanded
  const df::command* last_health = nullptr;
  const df::command* last_cmd = nullptr;
  bool last_cmd_shell_set = false;  ///< a SHELL was in effect at `last_cmd`
  const df::command* last_entrypoint = nullptr;
  bool last_entrypoint_shell_set = false;
  bool done = false;
};

class analyser {
 public:
  analyser(const context& c, arena& a) noexcept : c_(c), a_(a), out_(c.out) {}

  void run() noexcept;

 private:
  const context& c_;
  arena& a_;
  sink& out_;
  df::stage_graph graph_;
  bool graph_ok_ = false;
  stage_facts* facts_ = nullptr;
  bool* in_final_ = nullptr;
  std::int32_t final_ = -1;
  list_view<df::build_arg> dispatch_args_;
  bool missing_reported_ = false;

  bool on(rule_id id) const noexcept { return out_.enabled(id); }
  bool context_known() const noexcept { return c_.opt.context.known; }

  /// The source range of `needle` inside the instruction (first occurrence), or the instruction's.
  source_range locate(const df::command& cmd, sv needle) const noexcept {
    const sv src = c_.doc.source();
    const source_range r = cmd.range;
    if (!needle.empty() && r.end <= src.size()) {
      const sv body = src.substr(r.begin, r.end - r.begin);
      const std::size_t k = body.find(needle);
      if (k != sv::npos)
        return {static_cast<std::uint32_t>(r.begin + k), static_cast<std::uint32_t>(r.begin + k + needle.size())};
    }
    return keyword_range(cmd);
  }

  static source_range keyword_range(const df::command& cmd) noexcept {
    return {cmd.range.begin, static_cast<std::uint32_t>(cmd.range.begin + cmd.name.size())};
  }

  source_range from_range(const df::stage& st) const noexcept { return keyword_range(*st.from); }

  void build_graph() noexcept;
  void from_rules() noexcept;
  void final_base_rules() noexcept;
  void walk_stage(std::size_t i) noexcept;
  void final_chain_rules() noexcept;
  void secret_args(const df::command& cmd, bool env) noexcept;
  void run_rules(std::size_t stage, const df::command& cmd, const df::run_command& run,
                 const df::dispatch_state& st, const written*& writes, bool& deps) noexcept;
  void copy_rules(std::size_t stage, const df::command& cmd, const df::dispatch_state& st,
                  const written*& writes) noexcept;
  void add_written(const written*& head, sv path, bool by_copy) noexcept;
  void collect_outputs(const shcmd& c, sv workdir, const written*& writes) noexcept;
  sh::script script_of(const df::run_command& run, const df::dispatch_state& st) noexcept;
  bool excluded(sv path) const noexcept;
  bool secret_name(sv base) const noexcept;
};

inline void analyser::add_written(const written*& head, sv path, bool by_copy) noexcept {
  written* w = a_.make_scratch<written>(1);
  if (!w) {
    out_.set_overflow();
    return;
  }
  w->path = path;
  w->by_copy = by_copy;
  w->next = head;
  head = w;
}

inline bool analyser::excluded(sv path) const noexcept {
  const dockerignore::matcher* m = c_.opt.context.dockerignore;
  if (!m) return false;
  const auto r = m->matches_or_parent_matches(path);
  return r.ok() && r.excluded;
}

inline bool analyser::secret_name(sv base) const noexcept {
  if (base.empty()) return false;
  if (ends_with(base, ".pub")) return false;
  if (base == ".env.example" || base == ".env.sample" || base == ".env.template" || base == ".env.dist") return false;
  if (base == ".env" || starts_with(base, ".env.")) return true;
  if (ends_with(base, ".pem") || ends_with(base, ".key") || ends_with(base, ".p12") || ends_with(base, ".pfx"))
    return true;
  if (starts_with(base, "id_rsa") || starts_with(base, "id_ecdsa") || starts_with(base, "id_ed25519")) return true;
  return base == ".npmrc" || base == ".pypirc" || base == ".netrc" || base == ".git-credentials" ||
         base == "credentials.json";
}

inline void analyser::build_graph() noexcept {
  if (!c_.typed.ok() || c_.typed.stages().empty()) return;
  if (c_.stages.ok() && c_.graph.ok()) {
    graph_ = c_.graph;
    dispatch_args_ = c_.opt.graph.build_args;
    graph_ok_ = true;
    return;
  }
  // Give every meta ARG without a value a marker value and build the graph again: a `FROM $IMAGE` that only
  // the build knows then still has a stage graph (the pinning rules skip the marker).
  const auto metas = c_.typed.meta_args();
  std::size_t n = c_.opt.graph.build_args.size();
  for (const df::command& m : metas)
    if (const auto* arg = m.get<df::arg_command>()) n += arg->args.size();
  df::build_arg* args = a_.make_scratch<df::build_arg>(n + 1);
  if (!args) return;
  std::size_t k = 0;
  for (const df::command& m : metas)
    if (const auto* arg = m.get<df::arg_command>())
      for (const df::arg_pair& p : arg->args)
        if (!p.has_value) args[k++] = {p.key, unset_marker};
  for (const df::build_arg& b : c_.opt.graph.build_args) args[k++] = b;
  df::graph_options g = c_.opt.graph;
  g.build_args = {args, k};
  dispatch_args_ = g.build_args;
  graph_ = df::build_graph(c_.doc, c_.typed, g, a_);
  graph_ok_ = graph_.ok();
}

inline void analyser::run() noexcept {
  build_graph();
  // Rules that need only the typed instructions.
  if (c_.typed.ok()) {
    for (const df::command& m : c_.typed.meta_args()) secret_args(m, false);
  }
  if (!graph_ok_) return;
  const auto stages = c_.typed.stages();
  const std::size_t n = stages.size();
  facts_ = a_.make_scratch<stage_facts>(n);
  in_final_ = a_.make_scratch<bool>(n);
  if (!facts_ || !in_final_) {
    out_.set_overflow();
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    facts_[i] = stage_facts{};
    in_final_[i] = false;
  }
  final_ = graph_.target >= 0 ? graph_.target : static_cast<std::int32_t>(n - 1);
  for (std::int32_t s = final_; s >= 0; s = graph_.nodes[static_cast<std::size_t>(s)].base_stage) {
    if (in_final_[s]) break;
    in_final_[s] = true;
  }
  from_rules();
  final_base_rules();
  for (std::size_t i = 0; i < n; ++i) walk_stage(i);
  final_chain_rules();
}

// ---- FROM pinning -------------------------------------------------------------------------------

inline void analyser::from_rules() noexcept {
  const auto stages = c_.typed.stages();
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const df::stage_node& node = graph_.nodes[i];
    if (node.base_stage >= 0) continue;  // a stage alias
    const sv base = node.base_name;
    if (df::detail_instr::lower_equals("scratch", base) || base == "scratch") continue;
    const image_ref r = split_image(base);
    if (r.unknown) continue;
    const df::command& from = *stages[i].from;
    const source_range where = locate(from, stages[i].base_name);
    if (r.tag.empty() && r.digest.empty() && r.repository.find(unset_marker) == sv::npos)
      out_.add(rule_id::from_untagged, &from, where, {"image '", base, "' has no tag or digest"}, base);
    if (r.tag == "latest" && r.digest.empty())
      out_.add(rule_id::from_latest, &from, where, {"image '", base, "' uses the moving tag 'latest'"}, base);
    if (r.digest.empty())
      out_.add(rule_id::from_no_digest, &from, where, {"image '", base, "' is not pinned by a digest"}, base);
  }
}

inline void analyser::final_base_rules() noexcept {
  // the root of the final chain
  std::int32_t s = final_;
  while (graph_.nodes[static_cast<std::size_t>(s)].base_stage >= 0) s = graph_.nodes[static_cast<std::size_t>(s)].base_stage;
  const sv base = graph_.nodes[static_cast<std::size_t>(s)].base_name;
  const df::stage& fin = c_.typed.stages()[static_cast<std::size_t>(final_)];
  if (base == "scratch") return;
  const image_ref r = split_image(base);
  if (r.unknown) return;
  const sv repo = r.repository;
  const sv tag = r.tag;
  bool sdk = false;
  static constexpr sv sdk_repos[] = {"golang", "rust", "gcc", "maven", "gradle", "buildpack-deps",
                                     "mcr.microsoft.com/dotnet/sdk"};
  static constexpr sv jdk_repos[] = {"openjdk", "amazoncorretto", "eclipse-temurin"};
  if (one_of(repo, sdk_repos)) sdk = true;
  if (one_of(repo, jdk_repos) && !contains_ci(tag, "jre")) sdk = true;
  if (contains_ci(tag, "sdk") || contains_ci(tag, "devel")) sdk = true;
  const source_range where = from_range(fin);
  if (sdk)
    out_.add(rule_id::final_stage_sdk_base, fin.from, where,
             {"the final image is built on '", base, "', an SDK/build image"}, repo);
  static constexpr sv full_repos[] = {"node",   "python",     "ruby",      "php",        "perl",
                                      "debian", "ubuntu",     "fedora",    "centos",     "rockylinux",
                                      "almalinux", "amazonlinux", "oraclelinux"};
  if (!sdk && one_of(repo, full_repos)) {
    bool small = false;
    for (sv v : {sv("slim"), sv("alpine"), sv("minimal"), sv("micro"), sv("chiseled")}) small = small || contains_ci(tag, v);
    if (!small)
      out_.add(rule_id::final_stage_full_base, fin.from, where,
               {"the final image is built on the full image '", base, "'; a -slim or -alpine variant is smaller"},
               base);
  }
}

// ---- ARG/ENV secrets ------------------------------------------------------------------------------

/// BuildKit's secret-key test: a `_`-separated token is a secret word and none is an allowed word;
/// plus the public-identifier exceptions of the catalogue.
inline bool secret_key(sv key) noexcept {
  static constexpr sv deny[] = {"apikey", "auth",     "credential", "credentials", "key",
                                "password", "pword", "passwd",     "secret",      "token"};
  static constexpr sv allow[] = {"public", "file", "version"};
  bool hit = false;
  std::size_t i = 0;
  sv last, prev;
  while (i <= key.size()) {
    std::size_t j = key.find('_', i);
    if (j == sv::npos) j = key.size();
    const sv tok = key.substr(i, j - i);
    for (sv d : deny)
      if (iequals(tok, d)) hit = true;
    for (sv al : allow)
      if (iequals(tok, al)) return false;
    prev = last;
    last = tok;
    i = j + 1;
  }
  if (!hit) return false;
  // public identifiers: GPG_KEY, *_KEY_ID, *_KEYRING, *_PUBLIC_KEY, *_FINGERPRINT
  if (iequals(key, "GPG_KEY")) return false;
  if (iequals(last, "id") && iequals(prev, "key")) return false;
  if (iequals(last, "keyring") || iequals(last, "fingerprint")) return false;
  return true;
}

inline void analyser::secret_args(const df::command& cmd, bool env) noexcept {
  if (!on(rule_id::secret_in_arg_env)) return;
  if (env) {
    const auto* e = cmd.get<df::env_command>();
    if (!e) return;
    for (const df::key_value& kv : e->env)
      if (secret_key(kv.key))
        out_.add(rule_id::secret_in_arg_env, &cmd, locate(cmd, kv.key),
                 {"ENV '", kv.key, "' looks like a secret: it is stored in the image configuration"}, kv.key);
  } else {
    const auto* a = cmd.get<df::arg_command>();
    if (!a) return;
    for (const df::arg_pair& p : a->args)
      if (secret_key(p.key))
        out_.add(rule_id::secret_in_arg_env, &cmd, locate(cmd, p.key),
                 {"ARG '", p.key, "' looks like a secret: build arguments are recorded in the image history"},
                 p.key);
  }
}

// ---- RUN scripts ------------------------------------------------------------------------------------

inline sh::script analyser::script_of(const df::run_command& run, const df::dispatch_state& st) noexcept {
  (void)st;
  sv text;
  if (run.prepend_shell) {
    text = run.cmd_line.empty() ? sv() : run.cmd_line[0];
    // `RUN <<EOF`: the heredoc body is the script (clarification 17)
    if (!run.files.empty()) {
      const sv first = text;
      std::size_t total = first.size() + 1;
      for (const df::inline_file& f : run.files) total += f.data.size() + 1;
      char* buf = a_.make_text(total);
      if (!buf) return {};
      std::size_t k = 0;
      // The command line itself (`cat <<EOF > x`, or just `<<EOF`), then each body.
      std::memcpy(buf + k, first.data(), first.size());
      k += first.size();
      buf[k++] = '\n';
      for (const df::inline_file& f : run.files) {
        std::memcpy(buf + k, f.data.data(), f.data.size());
        k += f.data.size();
        buf[k++] = '\n';
      }
      text = sv(buf, k);
      // Bodies that are `cat`'s input rather than the shell's would be read as commands too; a
      // heredoc fed to a program (`cat <<EOF > file`) is skipped by the reader as a here-document
      // only when it is inline, so drop that form: keep the bodies only for a bare `<<EOF` line.
      sv t = first;
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      if (!(starts_with(t, "<<") && t.find_first_of(" \t|&;>") == sv::npos)) text = first;
      else text = sv(buf + first.size() + 1, k - first.size() - 1);
    }
    return sh::split(text, a_);
  }
  // exec form: a shell with -c runs its script; anything else is one command
  if (run.cmd_line.size() >= 3) {
    const sv prog = sh::base_name(run.cmd_line[0]);
    if ((prog == "sh" || prog == "bash" || prog == "ash" || prog == "dash" || prog == "zsh") &&
        run.cmd_line[1] == "-c")
      return sh::split(run.cmd_line[2], a_);
  }
  sh::script s;
  sh::word* words = a_.make_scratch<sh::word>(run.cmd_line.size() + 1);
  sh::command* c = a_.make_scratch<sh::command>(1);
  if (!words || !c) {
    s.ok = false;
    return s;
  }
  for (std::size_t i = 0; i < run.cmd_line.size(); ++i) words[i] = {run.cmd_line[i], run.cmd_line[i]};
  *c = sh::command{};
  c->words = words;
  c->n = run.cmd_line.size();
  s.cmds = c;
  s.n = run.cmd_line.size() ? 1 : 0;
  return s;
}

inline bool truthy(sv v) noexcept {
  return iequals(v, "1") || iequals(v, "true") || iequals(v, "on") || iequals(v, "yes");
}

inline void analyser::run_rules(std::size_t stage, const df::command& cmd, const df::run_command& run,
                                const df::dispatch_state& st, const written*& writes, bool& deps) noexcept {
  const bool final_image = in_final_[stage];
  sh::script sc = script_of(run, st);
  if (!sc.ok) {
    out_.set_overflow();
    return;
  }
  shcmd* cmds = a_.make_scratch<shcmd>(sc.n + 1);
  if (!cmds) {
    out_.set_overflow();
    return;
  }
  for (std::size_t i = 0; i < sc.n; ++i) cmds[i] = normalise(sc.cmds[i]);
  const std::size_t n = sc.n;
  for (std::size_t i = 0; i < n; ++i) deps = deps || !dep_install(cmds[i]).empty();

  // Mounts.
  bool cache_mount = false, apt_lists_mount = false, apk_mount = false, pip_mount = false;
  for (const df::mount& m : run.mounts) {
    const bool keeps_out = m.type == "cache" || m.type == "tmpfs";
    if (m.type == "cache") cache_mount = true;
    if (!keeps_out) continue;
    sv t = m.target;
    while (t.size() > 1 && t.back() == '/') t.remove_suffix(1);
    if (t == "/var/lib/apt" || t == "/var/lib/apt/lists") apt_lists_mount = true;
    if (t == "/var/cache/apk") apk_mount = true;
    if (m.type == "cache" && (ends_with(t, ".cache/pip") || ends_with(t, "/.cache") || t == ".cache")) pip_mount = true;
  }
  // the lines of a RUN are attached to the RUN; positions point at the command's token
  // the position of a command: its first word where the next word follows it (a script names
  // `apk` several times; `apk add` is the one meant)
  auto where = [&](const shcmd& c) -> source_range {
    if (!c.raw || !c.raw->n) return keyword_range(cmd);
    const sv src = c_.doc.source();
    const source_range r = cmd.range;
    if (r.end > src.size()) return keyword_range(cmd);
    const sv body = src.substr(r.begin, r.end - r.begin);
    const sv w0 = c.raw->words[0].raw;
    const sv w1 = c.raw->n > 1 ? c.raw->words[1].raw : sv();
    std::size_t first = sv::npos;
    for (std::size_t k = body.find(w0); k != sv::npos && !w0.empty(); k = body.find(w0, k + 1)) {
      if (first == sv::npos) first = k;
      std::size_t j = k + w0.size();
      while (j < body.size() && (body[j] == ' ' || body[j] == '\t' || body[j] == '\\' || body[j] == '\n' || body[j] == '\r'))
        ++j;
      if (w1.empty() || body.substr(j, w1.size()) == w1) {
        first = k;
        break;
      }
    }
    if (first == sv::npos) return keyword_range(cmd);
    return {static_cast<std::uint32_t>(r.begin + first), static_cast<std::uint32_t>(r.begin + first + w0.size())};
  };

  bool apt_update = false, apt_install = false, lists_removed = false;
  const shcmd* apt_update_at = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    const shcmd& c = cmds[i];
    if (apt_sub(c, "update")) {
      apt_update = true;
      if (!apt_update_at) apt_update_at = &c;
    }
    if (apt_sub(c, "install")) apt_install = true;
    if (apt_sub(c, "dist-clean")) lists_removed = true;  // apt 2.7+: clean plus the package lists
    if (c.name == "rm") {
      for (std::size_t k = 0; k < c.n; ++k) {
        sv w = c.args[k].text;
        while (w.size() > 1 && w.back() == '/') w.remove_suffix(1);
        if (w == "/var/lib/apt/lists" || w == "/var/lib/apt/lists/*") lists_removed = true;
      }
    }
    if (c.name == "find" && c.n && (c.args[0].text == "/var/lib/apt/lists" || c.args[0].text == "/var/lib/apt/lists/")) {
      for (std::size_t k = 0; k < c.n; ++k)
        if (c.args[k].text == "-delete") lists_removed = true;
    }
  }
  if (apt_update && !apt_install)
    out_.add(rule_id::apt_update_alone, &cmd, where(*apt_update_at),
             "`apt-get update` without an install in the same RUN leaves a stale package-list layer");
  if (final_image && apt_update && !lists_removed && !apt_lists_mount)
    out_.add(rule_id::apt_lists_not_removed, &cmd, where(*apt_update_at),
             "the package lists of `apt-get update` stay in the layer: remove /var/lib/apt/lists/* in the same RUN");

  // Per-command package-manager rules (final-image stages).
  bool inline_pip_env = false;
  for (std::size_t i = 0; i < n; ++i) {
    const shcmd& c = cmds[i];
    // `PIP_NO_CACHE_DIR=1 pip install`, `export PIP_NO_CACHE_DIR=1`
    if (c.raw) {
      for (std::size_t k = 0; k < c.raw->n_assigns; ++k) {
        const sv w = c.raw->assigns[k].text;
        if (starts_with(w, "PIP_NO_CACHE_DIR=") && truthy(w.substr(17))) inline_pip_env = true;
      }
      if (c.name == "export")
        for (std::size_t k = 0; k < c.n; ++k) {
          const sv w = c.args[k].text;
          if (starts_with(w, "PIP_NO_CACHE_DIR=") && truthy(w.substr(17))) inline_pip_env = true;
        }
    }
    if (!final_image) continue;
    if (apt_sub(c, "install") && !has_opt(c, "--no-install-recommends")) {
      bool off = false;
      for (std::size_t k = 0; k < c.n; ++k) {
        sv w = c.args[k].text;
        if (starts_with(w, "-o")) w.remove_prefix(2);
        if (starts_with(w, "--option=")) w.remove_prefix(9);
        if (w.empty() && k + 1 < c.n) w = c.args[k + 1].text;
        if (contains_ci(w, "APT::Install-Recommends=") &&
            (ends_with(w, "=false") || ends_with(w, "=0") || ends_with(w, "=\"false\"") || ends_with(w, "=no")))
          off = true;
      }
      if (!off)
        out_.add(rule_id::apt_no_install_recommends, &cmd, where(c),
                 "`apt-get install` without `--no-install-recommends` also installs recommended packages");
    }
    if (c.name == "apk" && sub(c) == "add" && !has_opt(c, "--no-cache") && !has_opt(c, "--no-network") && !apk_mount)
      out_.add(rule_id::apk_no_cache, &cmd, where(c), "`apk add` without `--no-cache` keeps the apk cache in the layer");
  }
  if (final_image && on(rule_id::pip_no_cache_dir)) {
    bool env_off = inline_pip_env;
    for (const shell::env_var& v : st.env)
      if (v.key == "PIP_NO_CACHE_DIR" && truthy(v.value)) env_off = true;
    for (std::size_t i = 0; i < n; ++i) {
      const shcmd& c = cmds[i];
      if (c.name == "pip" && sub(c) == "install" && !has_opt(c, "--no-cache-dir") && !env_off && !pip_mount) {
        out_.add(rule_id::pip_no_cache_dir, &cmd, where(c),
                 "`pip install` without `--no-cache-dir` keeps downloaded wheels in the layer");
        break;
      }
    }
  }

  // build-in-final-stage
  if (final_image && on(rule_id::build_in_final_stage)) {
    // packages installed and removed again in the same RUN are fine
    // `apt-mark auto '.*'` then `apt-get purge --auto-remove` (or autoremove) drops every package
    // the RUN installed (docker-library's pattern)
    bool marked_auto = false, auto_removed = false;
    for (std::size_t i = 0; i < n; ++i) {
      const shcmd& c = cmds[i];
      if (c.name == "apt-mark" && sub(c) == "auto") marked_auto = true;
      if (marked_auto && is_apt(c) &&
          (sub(c) == "autoremove" || ((sub(c) == "purge" || sub(c) == "remove") && has_opt(c, "--auto-remove"))))
        auto_removed = true;
    }
    auto removed = [&](sv pkg, sv group) {
      if (auto_removed) return true;
      for (std::size_t i = 0; i < n; ++i) {
        const shcmd& c = cmds[i];
        const bool del = (c.name == "apk" && sub(c) == "del") ||
                         (is_apt(c) && (sub(c) == "purge" || sub(c) == "remove")) ||
                         (is_yum_like(c.name) && (sub(c) == "remove" || sub(c) == "erase"));
        if (!del) continue;
        bool hit = false;
        for_operands(c, [&](const sh::word& w) { hit = hit || unpinned(w.text) == pkg || (!group.empty() && w.text == group); });
        if (hit) return true;
      }
      return false;
    };
    sv detail;
    const shcmd* at = nullptr;
    bool kept_package = false, any_package = false;
    for (std::size_t i = 0; i < n && !at; ++i) {
      const shcmd& c = cmds[i];
      if (pkg_install(c)) {
        const sv group = c.name == "apk" ? apk_virtual(c) : sv();
        const sh::word* first = nullptr;
        std::size_t total = 0, count = 0;
        for_operands(c, [&](const sh::word& w) {
          if (!build_package(w.text)) return;
          if (w.text == group) return;
          any_package = true;
          if (removed(unpinned(w.text), group)) return;
          kept_package = true;
          if (!first) first = &w;
          total += unpinned(w.text).size() + 1;
          ++count;
        });
        if (count) {
          char* buf = a_.make_text(total);
          if (!buf) {
            out_.set_overflow();
            return;
          }
          std::size_t k = 0;
          for_operands(c, [&](const sh::word& w) {
            if (!build_package(w.text) || w.text == group || removed(unpinned(w.text), group)) return;
            if (k) buf[k++] = ',';
            const sv u = unpinned(w.text);
            std::memcpy(buf + k, u.data(), u.size());
            k += u.size();
          });
          detail = sv(buf, k);
          at = &c;
          (void)first;
        }
      }
    }
    if (!at && !(any_package && !kept_package)) {
      for (std::size_t i = 0; i < n && !at; ++i) {
        const sv b = build_command(cmds[i]);
        if (!b.empty()) {
          detail = b;
          at = &cmds[i];
        }
      }
    }
    if (at)
      out_.add(rule_id::build_in_final_stage, &cmd, where(*at),
               {"build tooling in a stage that ships (", detail, "): build in a separate stage"}, detail);
  }

  // prefer-cache-mount (any stage)
  if (!cache_mount && on(rule_id::prefer_cache_mount)) {
    for (std::size_t i = 0; i < n; ++i) {
      const sv what = cacheable(cmds[i]);
      if (!what.empty()) {
        out_.add(rule_id::prefer_cache_mount, &cmd, where(cmds[i]),
                 {"`", what, "` without a `--mount=type=cache`: downloads are repeated on every rebuild"}, what);
        break;
      }
    }
  }

  // cleanup-in-later-layer and chown-separate-layer (final-image stages), then record outputs
  if (final_image) {
    bool only_cleanup = n > 0;
    sv earlier;  // an operand that removes an earlier-written path
    const shcmd* earlier_at = nullptr;
    const written* current = nullptr;  // what this RUN wrote so far
    for (std::size_t i = 0; i < n; ++i) {
      const shcmd& c = cmds[i];
      if (i > 0) collect_outputs(cmds[i - 1], st.workdir, current);
      if (c.name == "rm") {
        bool all_clean = true, any_operand = false;
        for (std::size_t k = 0; k < c.n; ++k) {
          const sv w = c.args[k].text;
          if (is_opt(w) || w == "--") continue;
          any_operand = true;
          const sv p = resolve(a_, st.workdir, w);
          const sv lit = literal_prefix(p);
          bool own = false;  // written by this RUN: removing it here is the right thing
          for (const written* x = current; x && !own; x = x->next) own = under(lit, x->path);
          if (own) continue;
          bool hit = false;
          for (const written* x = writes; x && !hit; x = x->next) {
            if (x->path == "/") continue;
            hit = under(lit, x->path) || (!lit.empty() && under(x->path, lit) && !has_glob(p)) ||
                  (has_glob(p) && under(x->path, lit) && glob_match(p, x->path));
          }
          if (hit && earlier.empty()) {
            earlier = w;
            earlier_at = &c;
          }
          if (!hit && !cache_path(p)) all_clean = false;
        }
        if (!all_clean || !any_operand) only_cleanup = false;
        continue;
      }
      if (!cleanup_command(c)) only_cleanup = false;
    }
    if (!earlier.empty())
      out_.add(rule_id::cleanup_in_later_layer, &cmd, where(*earlier_at),
               {"removing '", earlier, "' in a later RUN does not shrink the image: the earlier layer keeps it"},
               earlier);
    else if (only_cleanup)
      out_.add(rule_id::cleanup_in_later_layer, &cmd, where(cmds[0]),
               "a RUN that only cleans up does not shrink the image: the files stay in the earlier layers");

    for (std::size_t i = 0; i < n && on(rule_id::chown_separate_layer); ++i) {
      const shcmd& c = cmds[i];
      if (c.name != "chown" && c.name != "chmod") continue;
      bool recursive = false;
      for (std::size_t k = 0; k < c.n; ++k) recursive = recursive || is_recursive(c.args[k].text, false);
      if (!recursive) continue;
      bool first_operand = true, reference = false;
      for (std::size_t k = 0; k < c.n; ++k)
        if (starts_with(c.args[k].text, "--reference")) reference = true;
      if (reference) first_operand = false;
      sv hit_operand;
      for (std::size_t k = 0; k < c.n && hit_operand.empty(); ++k) {
        const sv w = c.args[k].text;
        if (is_opt(w)) continue;
        if (first_operand) {  // the owner or the mode
          first_operand = false;
          continue;
        }
        const sv p = resolve(a_, st.workdir, w);
        for (const written* x = writes; x; x = x->next) {
          if (!x->by_copy || p == "/") continue;
          if (under(p, x->path) || under(x->path, p)) {
            hit_operand = w;
            break;
          }
        }
      }
      if (!hit_operand.empty()) {
        out_.add(rule_id::chown_separate_layer, &cmd, where(c),
                 {"`", c.name, " -R` of '", hit_operand, "' copies the files of an earlier COPY into a new layer"},
                 hit_operand);
        break;
      }
    }
  }

  // outputs of this RUN for later instructions
  for (std::size_t i = 0; i < n; ++i) collect_outputs(cmds[i], st.workdir, writes);
}

inline void analyser::collect_outputs(const shcmd& c, sv workdir, const written*& writes) noexcept {
  if (c.raw)
    for (std::size_t k = 0; k < c.raw->n_outputs; ++k) {
      const sv t = c.raw->outputs[k].text;
      if (t.empty() || starts_with(t, "/dev/") || t.find('$') != sv::npos) continue;
      add_written(writes, resolve(a_, workdir, t), false);
    }
  if (c.name == "curl") {
    for (std::size_t k = 0; k < c.n; ++k) {
      const sv w = c.args[k].text;
      if ((w == "-o" || w == "--output") && k + 1 < c.n) {
        const sv t = c.args[k + 1].text;
        if (t != "-" && !starts_with(t, "/dev/") && t.find('$') == sv::npos) add_written(writes, resolve(a_, workdir, t), false);
      } else if (w.size() > 2 && w[0] == '-' && w[1] != '-' && w.back() == 'o' && k + 1 < c.n) {
        const sv t = c.args[k + 1].text;  // combined short flags ending in o: -fsSLo FILE
        if (t != "-" && !starts_with(t, "/dev/") && t.find('$') == sv::npos) add_written(writes, resolve(a_, workdir, t), false);
      } else if (w == "-O" || w == "--remote-name" || (w.size() > 2 && w[0] == '-' && w[1] != '-' && w.back() == 'O')) {
        for (std::size_t u = 0; u < c.n; ++u) {
          const sv url = c.args[u].text;
          if (starts_with(url, "http://") || starts_with(url, "https://") || starts_with(url, "ftp://")) {
            sv b = sh::base_name(url.substr(0, url.find_first_of("?#")));
            if (!b.empty() && b.find('$') == sv::npos) add_written(writes, resolve(a_, workdir, b), false);
          }
        }
      }
    }
  }
  if (c.name == "wget") {
    for (std::size_t k = 0; k + 1 < c.n; ++k) {
      const sv w = c.args[k].text;
      const sv t = c.args[k + 1].text;
      if ((w == "-O" || w == "--output-document" || w == "-P" || w == "--directory-prefix") && t != "-" &&
          !starts_with(t, "/dev/") && t.find('$') == sv::npos)
        add_written(writes, resolve(a_, workdir, t), false);
    }
  }
  if (c.name == "git" && sub(c) == "clone") {
    std::size_t ops = 0;
    sv url, dir;
    for_operands(c, [&](const sh::word& w) {
      if (ops == 0) url = w.text;
      if (ops == 1) dir = w.text;
      ++ops;
    });
    if (dir.empty() && !url.empty()) {
      dir = sh::base_name(url);
      if (ends_with(dir, ".git")) dir.remove_suffix(4);
    }
    if (!dir.empty() && dir.find('$') == sv::npos) add_written(writes, resolve(a_, workdir, dir), false);
  }
}

// ---- COPY / ADD ---------------------------------------------------------------------------------------

/// True for a broad source: `.`, `./`, `*` or `./*`.
inline bool broad_source(sv s) noexcept { return s == "." || s == "./" || s == "*" || s == "./*"; }

/// `./x/` → `x`; `.` stays `.`.
inline sv clean_source(sv s) noexcept {
  while (s.size() > 2 && s[0] == '.' && s[1] == '/') s.remove_prefix(2);
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  while (!s.empty() && s[0] == '/') s.remove_prefix(1);
  return s;
}

inline void analyser::copy_rules(std::size_t stage, const df::command& cmd, const df::dispatch_state& st,
                                 const written*& writes) noexcept {
  const df::sources_and_dest* sd = nullptr;
  sv from;
  if (const auto* cp = cmd.get<df::copy_command>()) {
    sd = cp;
    from = cp->from;
  } else if (const auto* ad = cmd.get<df::add_command>()) {
    sd = ad;
  }
  if (!sd) return;
  const bool context_copy = from.empty();
  const bool final_image = in_final_[stage];
  const build_context& ctx = c_.opt.context;

  // expand sources and destination
  const sv dest_raw = sd->dest;
  sv dest = df::expand(st, dest_raw, a_).word;
  const bool dest_dir = (!dest.empty() && dest.back() == '/') || sd->source_paths.size() + sd->source_contents.size() > 1;
  const sv dest_abs = resolve(a_, st.workdir, dest.empty() ? sv(".") : dest);

  // written paths
  for (const df::source_content& h : sd->source_contents)
    add_written(writes, dest_dir ? resolve(a_, dest_abs, h.path) : dest_abs, true);
  for (const sv raw : sd->source_paths) {
    const sv src = df::expand(st, raw, a_).word;
    if (!dest_dir) {
      add_written(writes, dest_abs, true);
      continue;
    }
    const sv cs = clean_source(src);
    bool dir = broad_source(src) || cs == "." || cs.empty() || (!src.empty() && src.back() == '/') || has_glob(cs);
    if (!dir && ctx.has_files && context_copy) {
      for (const sv f : ctx.files)
        if (f.size() > cs.size() && starts_with(f, cs) && f[cs.size()] == '/') dir = true;
    }
    if (dir && dest_abs != "/") add_written(writes, dest_abs, true);
    if (!broad_source(src) && !cs.empty() && cs != ".")
      add_written(writes, resolve(a_, dest_abs, sh::base_name(cs)), true);
  }

  if (!context_copy) return;
  // context copies only: not URL or git sources
  bool broad = false;
  for (const sv raw : sd->source_paths)
    if (broad_source(raw)) broad = true;

  // copy-all-before-deps is handled by the stage walk (needs later RUNs)
  if (!context_known()) return;

  // dockerignore-missing
  if (broad && !ctx.dockerignore && on(rule_id::dockerignore_missing) && !missing_reported_) {
    missing_reported_ = true;
    out_.add(rule_id::dockerignore_missing, &cmd, keyword_range(cmd),
             "the whole build context is copied and there is no .dockerignore");
  }

  // dockerignore-gap
  if (broad && ctx.dockerignore && ctx.has_files && on(rule_id::dockerignore_gap)) {
    bool git = false, nm = false, dotnet = false, secrets = false;
    for (const sv f : ctx.files) {
      if (excluded(f)) continue;
      // components
      std::size_t i = 0;
      sv prev_dir;
      while (i < f.size()) {
        std::size_t j = f.find('/', i);
        const bool last = j == sv::npos;
        if (last) j = f.size();
        const sv comp = f.substr(i, j - i);
        if (!last && comp == ".git") git = true;
        if (last && comp == ".git") git = true;
        if (!last && comp == "node_modules") nm = true;
        if (!last && (comp == "bin" || comp == "obj")) {
          // beside a project file: <dir>/*.csproj where <dir> is the parent of bin/obj
          const sv parent = f.substr(0, i == 0 ? 0 : i - 1);
          for (const sv g : ctx.files) {
            const sv gdir = g.rfind('/') == sv::npos ? sv() : g.substr(0, g.rfind('/'));
            if (gdir != parent) continue;
            const sv gb = sh::base_name(g);
            if (ends_with(gb, ".csproj") || ends_with(gb, ".fsproj") || ends_with(gb, ".vbproj")) dotnet = true;
          }
        }
        if (last && secret_name(comp)) secrets = true;
        prev_dir = comp;
        i = j + 1;
      }
    }
    if (git || nm || dotnet || secrets) {
      // categories sorted: dotnet-build, git, node_modules, secrets
      const sv d1 = dotnet ? sv("dotnet-build") : sv();
      const sv d2 = git ? sv("git") : sv();
      const sv d3 = nm ? sv("node_modules") : sv();
      const sv d4 = secrets ? sv("secrets") : sv();
      sv parts[4] = {d1, d2, d3, d4};
      sv joined;
      for (sv p : parts) {
        if (p.empty()) continue;
        joined = joined.empty() ? p : cat(a_, {joined, ",", p});
      }
      out_.add(rule_id::dockerignore_gap, &cmd, keyword_range(cmd),
               {"the whole context is copied and .dockerignore does not exclude: ", joined}, joined);
    }
  }

  // copy-ignored-file (any stage) and secret-file-copied (final-image stages)
  sv secret_detail;
  for (const sv raw : sd->source_paths) {
    if (broad_source(raw)) continue;
    if (starts_with(raw, "http://") || starts_with(raw, "https://") || df::is_git_source(raw)) continue;
    const sv src = df::expand(st, raw, a_).word;
    const sv cs = clean_source(src);
    if (cs.empty() || cs == ".") continue;
    bool is_dir = !src.empty() && src.back() == '/';
    const bool glob = has_glob(cs);
    std::size_t matched = 0, sent = 0;
    if (ctx.has_files) {
      for (const sv f : ctx.files) {
        const bool in = glob ? (glob_match(cs, f) || [&] {
          // a glob matching a directory covers the files under it
          for (std::size_t k = f.find('/'); k != sv::npos; k = f.find('/', k + 1))
            if (glob_match(cs, f.substr(0, k))) return true;
          return false;
        }())
                             : (f == cs || (f.size() > cs.size() && starts_with(f, cs) && f[cs.size()] == '/'));
        if (!in) continue;
        if (f != cs && !glob) is_dir = true;
        ++matched;
        if (!excluded(f)) {
          ++sent;
          if (final_image && (is_dir || glob || f != cs) && secret_name(sh::base_name(f)))
            secret_detail = secret_detail.empty() ? f : cat(a_, {secret_detail, ",", f});
        }
      }
    }
    bool ignored;
    if (glob) ignored = ctx.has_files && matched > 0 && sent == 0;
    else if (is_dir && ctx.has_files && matched > 0) ignored = sent == 0;
    else ignored = excluded(cs);
    if (ignored) {
      if (ctx.dockerignore)
        out_.add(rule_id::copy_ignored_file, &cmd, locate(cmd, raw),
                 {"'", raw, "' is excluded by .dockerignore: it is not sent to the builder"}, raw);
      continue;
    }
    if (final_image && !glob && !is_dir && secret_name(sh::base_name(cs)))
      secret_detail = secret_detail.empty() ? raw : cat(a_, {secret_detail, ",", raw});
  }
  if (broad && final_image && ctx.has_files) {
    for (const sv f : ctx.files)
      if (!excluded(f) && secret_name(sh::base_name(f)))
        secret_detail = secret_detail.empty() ? f : cat(a_, {secret_detail, ",", f});
  }
  if (!secret_detail.empty() && on(rule_id::secret_file_copied)) {
    // sort the comma-separated list
    std::size_t count = 1;
    for (char ch : secret_detail) count += ch == ',';
    sv* items = a_.make_scratch<sv>(count);
    if (items) {
      std::size_t k = 0, i = 0;
      while (i <= secret_detail.size()) {
        std::size_t j = secret_detail.find(',', i);
        if (j == sv::npos) j = secret_detail.size();
        items[k++] = secret_detail.substr(i, j - i);
        i = j + 1;
      }
      std::sort(items, items + k);
      k = static_cast<std::size_t>(std::unique(items, items + k) - items);
      sv joined = items[0];
      for (std::size_t x = 1; x < k; ++x) joined = cat(a_, {joined, ",", items[x]});
      secret_detail = joined;
    }
    out_.add(rule_id::secret_file_copied, &cmd, keyword_range(cmd),
             {"secret file copied into the image: ", secret_detail}, secret_detail);
  }
}

// ---- the stage walk -----------------------------------------------------------------------------------

/// The first `$NAME` / `${NAME}` in `s` ("" when none).
inline sv first_variable(sv s) noexcept {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '$') continue;
    std::size_t j = i + 1;
    if (s[j] == '{') ++j;
    const std::size_t start = j;
    while (j < s.size() && ((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z') || s[j] == '_' ||
                            (j > start && s[j] >= '0' && s[j] <= '9')))
      ++j;
    if (j > start) return s.substr(start, j - start);
  }
  return {};
}

inline bool runs_shell(list_view<sv> argv, std::size_t from) noexcept {
  if (argv.size() < from + 2) return false;
  const sv prog = sh::base_name(argv[from]);
  return (prog == "sh" || prog == "bash" || prog == "ash" || prog == "dash" || prog == "zsh") && argv[from + 1] == "-c";
}

inline bool root_user(sv u) noexcept {
  const sv name = u.substr(0, u.find(':'));
  return name == "root" || name == "0";
}

inline void analyser::walk_stage(std::size_t i) noexcept {
  const df::stage_node& node = graph_.nodes[i];
  const written* writes = node.base_stage >= 0 ? facts_[node.base_stage].writes : nullptr;
  stage_facts& f = facts_[i];
  df::dispatch_options dopt;
  dopt.build_args = dispatch_args_;
  const df::command* pending[64];
  std::size_t n_pending = 0;
  const bool chain = in_final_[i];
  (void)df::dispatch_stage(c_.doc, c_.typed, graph_, i, dopt, a_, [&](const df::command& cmd, const df::dispatch_state& st) {
    switch (cmd.kind) {
      case df::keyword::run: {
        const auto* run = cmd.get<df::run_command>();
        if (!run) break;
        bool deps = false;
        run_rules(i, cmd, *run, st, writes, deps);
        if (deps && n_pending) {
          char buf[16];
          std::size_t len = 0;
          std::uint32_t v = cmd.line;
          char tmp[16];
          std::size_t t = 0;
          do {
            tmp[t++] = static_cast<char>('0' + v % 10);
            v /= 10;
          } while (v);
          while (t) buf[len++] = tmp[--t];
          const sv line = cat(a_, {sv(buf, len)});
          for (std::size_t k = 0; k < n_pending; ++k)
            out_.add(rule_id::copy_all_before_deps, pending[k], keyword_range(*pending[k]),
                     {"the whole context is copied before the dependency install on line ", line,
                      ": every source change reinstalls the dependencies"},
                     line);
          n_pending = 0;
        }
        break;
      }
      case df::keyword::copy:
      case df::keyword::add: {
        copy_rules(i, cmd, st, writes);
        const df::sources_and_dest* sd = cmd.get<df::copy_command>();
        bool from = false;
        if (const auto* cp = cmd.get<df::copy_command>()) from = !cp->from.empty();
        if (!sd) sd = cmd.get<df::add_command>();
        if (sd && !from) {
          bool broad = false;
          for (const sv s : sd->source_paths) broad = broad || broad_source(s);
          if (broad && n_pending < 64) pending[n_pending++] = &cmd;
        }
        break;
      }
      case df::keyword::env: secret_args(cmd, true); break;
      case df::keyword::arg: secret_args(cmd, false); break;
      case df::keyword::user: {
        const auto* u = cmd.get<df::user_command>();
        if (!u) break;
        f.last_user = &cmd;
        f.last_user_value = df::expand(st, u->user, a_).word;
        break;
      }
      case df::keyword::healthcheck: {
        f.last_health = &cmd;
        const auto* h = cmd.get<df::healthcheck_command>();
        if (chain && h && h->test.size() >= 2 && h->test[0] == "CMD" && !runs_shell(h->test, 1)) {
          for (std::size_t k = 1; k < h->test.size(); ++k) {
            const sv v = first_variable(h->test[k]);
            if (!v.empty()) {
              out_.add(rule_id::exec_form_variable, &cmd, locate(cmd, v),
                       {"'$", v, "' in an exec-form HEALTHCHECK CMD is never expanded"}, v);
              break;
            }
          }
        }
        break;
      }
      case df::keyword::cmd:
      case df::keyword::entrypoint: {
        const df::shell_command* sc = cmd.get<df::cmd_command>();
        if (!sc) sc = cmd.get<df::entrypoint_command>();
        if (!sc) break;
        if (cmd.kind == df::keyword::cmd) {
          f.last_cmd = &cmd;
          f.last_cmd_shell_set = !st.shell.empty();
        } else {
          f.last_entrypoint = &cmd;
          f.last_entrypoint_shell_set = !st.shell.empty();
        }
        if (chain && !sc->prepend_shell && !runs_shell(sc->cmd_line, 0)) {
          for (const sv arg : sc->cmd_line) {
            const sv v = first_variable(arg);
            if (!v.empty()) {
              out_.add(rule_id::exec_form_variable, &cmd, locate(cmd, v),
                       {"'$", v, "' in an exec-form ", cmd.kind == df::keyword::cmd ? sv("CMD") : sv("ENTRYPOINT"),
                        " is never expanded: exec form runs without a shell"},
                       v);
              break;
            }
          }
        }
        break;
      }
      default: break;
    }
    return true;
  });
  // inherit what the base stage set when this stage did not set it
  if (node.base_stage >= 0) {
    const stage_facts& b = facts_[node.base_stage];
    if (!f.last_user) {
      f.last_user = b.last_user;
      f.last_user_value = b.last_user_value;
    }
    if (!f.last_health) f.last_health = b.last_health;
    if (!f.last_cmd) {
      f.last_cmd = b.last_cmd;
      f.last_cmd_shell_set = b.last_cmd_shell_set;
    }
    if (!f.last_entrypoint) {
      f.last_entrypoint = b.last_entrypoint;
      f.last_entrypoint_shell_set = b.last_entrypoint_shell_set;
    }
  }
  f.writes = writes;
}

inline void analyser::final_chain_rules() noexcept {
  const stage_facts& f = facts_[final_];
  const df::stage& fin = c_.typed.stages()[static_cast<std::size_t>(final_)];
  std::int32_t root = final_;
  while (graph_.nodes[static_cast<std::size_t>(root)].base_stage >= 0) root = graph_.nodes[static_cast<std::size_t>(root)].base_stage;
  const sv base = graph_.nodes[static_cast<std::size_t>(root)].base_name;
  const image_ref r = split_image(base);

  if (f.last_user) {
    const sv u = f.last_user_value;
    if (!u.empty() && root_user(u))
      out_.add(rule_id::user_root_final, f.last_user, locate(*f.last_user, f.last_user->get<df::user_command>()->user),
               {"the final image runs as '", u, "'"}, u.substr(0, u.find(':')));
  } else if (!r.unknown || base == "scratch") {
    const sv tag = r.tag.empty() ? sv("latest") : r.tag;
    const bool nonroot = (starts_with(r.repository, "gcr.io/distroless/") && contains_ci(tag, "nonroot")) ||
                         (starts_with(r.repository, "cgr.dev/chainguard/") && !contains_ci(tag, "dev")) ||
                         (starts_with(r.repository, "mcr.microsoft.com/dotnet/") && contains_ci(tag, "chiseled"));
    if (!nonroot)
      out_.add(rule_id::user_missing_final, fin.from, from_range(fin),
               "no USER in the final image: it runs as root unless the base image says otherwise");
  }
  if (!f.last_health)
    out_.add(rule_id::healthcheck_missing, fin.from, from_range(fin), "no HEALTHCHECK in the final image");
  if (f.last_cmd && !f.last_cmd_shell_set) {
    const auto* c = f.last_cmd->get<df::cmd_command>();
    if (c && c->prepend_shell)
      out_.add(rule_id::shell_form_cmd, f.last_cmd, keyword_range(*f.last_cmd),
               "CMD in shell form: /bin/sh becomes PID 1 and does not pass signals on", "CMD");
  }
  if (f.last_entrypoint && !f.last_entrypoint_shell_set) {
    const auto* e = f.last_entrypoint->get<df::entrypoint_command>();
    if (e && e->prepend_shell)
      out_.add(rule_id::shell_form_cmd, f.last_entrypoint, keyword_range(*f.last_entrypoint),
               "ENTRYPOINT in shell form: /bin/sh becomes PID 1 and does not pass signals on", "ENTRYPOINT");
  }
}

}  // namespace rules

/// Runs the dockimg catalogue.
inline void run_dockimg(const context& c) noexcept {
  bool any = false;
  for (const rule_info& r : rule_table)
    if (r.origin == rule_origin::dockimg && c.out.enabled(r.id)) any = true;
  if (!any) return;
  rules::analyser an(c, c.out.storage());
  an.run();
}

}  // namespace detail_lint
}  // namespace lint
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_LINT_RULES_HPP

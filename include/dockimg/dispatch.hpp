// SPDX-License-Identifier: Apache-2.0
/// @file dispatch.hpp
/// @brief What BuildKit's dispatcher (`dockerfile2llb`) computes for each instruction of a stage,
/// without building anything: the build environment (image `Env`, ARG and ENV values), the working
/// directory, the shell and the user in effect; expansion of words against that state; the exact
/// bytes of COPY/ADD here-documents; the command line and inline files of a RUN; and the checks
/// BuildKit makes only at dispatch time (`--chmod`, `--checksum`, `STOPSIGNAL`).
///
/// @code
///   auto doc = dockimg::dockerfile::parse(text, storage);
///   auto stages = dockimg::dockerfile::parse_stages(doc, storage);
///   auto graph = dockimg::dockerfile::build_graph(doc, stages, {}, storage);
///   using namespace dockimg::dockerfile;
///   auto err = dispatch_stage(doc, stages, graph, graph.target, {}, storage,
///       [&](const command& cmd, const dispatch_state& st) {
///         if (const auto* run = cmd.get<run_command>()) {
///           run_invocation inv = plan_run(*run, st, storage);  // argv + files BuildKit mounts
///         }
///         return true;  // false stops the walk
///       });
/// @endcode
///
/// Scope: Linux semantics (`os` other than `windows` everywhere; Windows stages get the Windows
/// default shell and PATH but no drive-letter handling). Image bases start from the
/// configuration a caller supplies (`dispatch_options::image_config`) or an empty one; BuildKit
/// would fetch it from the registry.
#ifndef DOCKIMG_DISPATCH_HPP
#define DOCKIMG_DISPATCH_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "arena.hpp"
#include "config.hpp"
#include "detail/go_path.hpp"
#include "dockerfile.hpp"
#include "instructions.hpp"
#include "shell.hpp"
#include "source.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace dockerfile {

// ------------------------------------------------------------------------------------------------
// Errors of dispatch-time checks
// ------------------------------------------------------------------------------------------------

/// Errors BuildKit reports only when it dispatches an instruction (after parsing succeeded).
enum class dispatch_errc : std::uint8_t {
  ok = 0,              ///< no error
  chmod_not_octal,     ///< `invalid chmod parameter: 'a'. it should be octal string and between 0
                       ///< and 07777`
  chmod_syntax,        ///< `invalid syntax` (a symbolic `--chmod` that does not parse)
  checksum_copy,       ///< `checksum can't be specified for COPY`
  checksum_multiple,   ///< `checksum can't be specified for multiple sources`
  checksum_source,     ///< `checksum requires HTTP(S) or Git sources`
  invalid_signal,      ///< `invalid signal: a`
  invalid_run,         ///< `parsing produced an invalid run command: a` (a heredoc RUN that is not
                       ///< one shell-form string)
  volume_empty,        ///< `VOLUME specified can not be an empty string`
  expansion_failed,    ///< the shell lexer failed on the word `a` (details in `lexer`)
  out_of_storage,      ///< the arena is too small (not a BuildKit error)
};

/// A dispatch-time error: the code, the variable part of the message, the lexer's details for an
/// expansion error, and the instruction it belongs to (null for a standalone check).
struct dispatch_error {
  dispatch_errc code = dispatch_errc::ok;  ///< what happened
  std::string_view a;                      ///< the variable part of the message
  shell::error_detail lexer;               ///< the shell lexer's error for `expansion_failed`
  const command* at = nullptr;             ///< the instruction (line and range are there)

  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept {
    return code != dispatch_errc::ok;
  }
};

/// Writes BuildKit's message for `e` to `sink` (called with `std::string_view` pieces). An
/// expansion error needs the word it happened in: `e.a`.
template <class Sink>
void write_message(const dispatch_error& e, Sink&& sink) {
  switch (e.code) {
    case dispatch_errc::ok: sink(std::string_view("ok")); return;
    case dispatch_errc::chmod_not_octal:
      sink(std::string_view("invalid chmod parameter: '"));
      sink(e.a);
      sink(std::string_view("'. it should be octal string and between 0 and 07777"));
      return;
    case dispatch_errc::chmod_syntax: sink(std::string_view("invalid syntax")); return;
    case dispatch_errc::checksum_copy:
      sink(std::string_view("checksum can't be specified for COPY"));
      return;
    case dispatch_errc::checksum_multiple:
      sink(std::string_view("checksum can't be specified for multiple sources"));
      return;
    case dispatch_errc::checksum_source:
      sink(std::string_view("checksum requires HTTP(S) or Git sources"));
      return;
    case dispatch_errc::invalid_signal:
      sink(std::string_view("invalid signal: "));
      sink(e.a);
      return;
    case dispatch_errc::invalid_run:
      sink(std::string_view("parsing produced an invalid run command: "));
      sink(e.a);
      return;
    case dispatch_errc::volume_empty:
      sink(std::string_view("VOLUME specified can not be an empty string"));
      return;
    case dispatch_errc::expansion_failed:
      shell::write_message(e.a, e.lexer, sink);
      return;
    case dispatch_errc::out_of_storage:
      sink(std::string_view("out of storage (give the arena more memory)"));
      return;
  }
}

/// BuildKit's message for `e` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const dispatch_error& e) {
  std::string out;
  write_message(e, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

// ------------------------------------------------------------------------------------------------
// Standalone dispatch-time checks
// ------------------------------------------------------------------------------------------------

/// A parsed `--chmod` value: an octal mode, or a symbolic one (`u+x,go-w`, as chmod(1)).
struct chmod_spec {
  bool symbolic = false;       ///< symbolic form (BuildKit passes the text to the file op)
  std::uint32_t octal = 0;     ///< the mode when not symbolic (at most 07777)
  std::string_view text;       ///< the value as given

  /// The permission bits (07777 mask) a file or directory with `perm` gets: the octal value,
  /// or the symbolic operations applied to `perm` (`X` adds execute bits only to directories and
  /// to files that already have one).
  [[nodiscard]] std::uint32_t apply(std::uint32_t perm, bool directory) const noexcept;
};

/// The result of `parse_chmod`.
struct chmod_result {
  chmod_spec value;          ///< the mode (when ok)
  dispatch_errc code = dispatch_errc::ok;  ///< `chmod_not_octal` or `chmod_syntax`
  /// True when the value is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == dispatch_errc::ok; }
};

/// BuildKit's `--chmod` check for COPY/ADD (after expansion): an octal number up to 07777, or a
/// symbolic mode in chmod(1) syntax (`[ugoa]*[+-=][rwxXst]*` or `[+-=][ugo]`, comma-separated).
[[nodiscard]] chmod_result parse_chmod(std::string_view text) noexcept;

/// The result of `parse_signal`.
struct signal_result {
  int number = 0;  ///< the signal number (BuildKit accepts any non-zero integer)
  dispatch_errc code = dispatch_errc::ok;  ///< `invalid_signal`
  /// True when the signal is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == dispatch_errc::ok; }
};

/// `STOPSIGNAL`'s check (moby/sys `signal.ParseSignal` with the Linux table BuildKit runs with):
/// a non-zero integer, or a Linux signal name with or without `SIG`, case-insensitive
/// (`TERM`, `sigkill`, `RTMIN+3`, `RTMAX-1`).
[[nodiscard]] signal_result parse_signal(std::string_view text) noexcept;

/// True when `src` is an HTTP(S) URL source (BuildKit's `isHTTPSource`).
[[nodiscard]] constexpr bool is_http_source(std::string_view src) noexcept {
  return src.substr(0, 7) == "http://" || src.substr(0, 8) == "https://";
}

/// True when `src` is a Git source (BuildKit's `isGitSource` through `gitutil.ParseGitRef`:
/// `git@host:path`, `git://`, `ssh://`, `https://...​.git` or `#ref` fragments on such URLs, and
/// `github.com/...`-style references).
[[nodiscard]] bool is_git_source(std::string_view src) noexcept;

// ------------------------------------------------------------------------------------------------
// Dispatch state
// ------------------------------------------------------------------------------------------------

/// The configuration of a base image that matters for dispatch (from the registry or a file).
struct image_config {
  list_view<shell::env_var> env;      ///< `Env` (PATH is added when missing, except on Windows)
  std::string_view working_dir;       ///< `WorkingDir` ("" means `/`)
  list_view<std::string_view> shell;  ///< `Shell` (empty: the default shell)
  std::string_view user;              ///< `User`
};

/// Inputs of `dispatch_stage`.
struct dispatch_options {
  list_view<build_arg> build_args;  ///< `--build-arg` values (pass the ones `build_graph` got)
  std::string_view os = "linux";    ///< the stage platform's OS (default shell, default PATH)
  /// Optional: the configuration of an image base (`ref` is the expanded FROM reference). Return
  /// false when unknown: the stage then starts from an empty configuration, as `scratch` does.
  bool (*image_config_of)(void* context, std::string_view ref, image_config* out) = nullptr;
  void* context = nullptr;  ///< passed to `image_config_of`
};

/// The state of a stage before an instruction, as BuildKit's dispatcher holds it.
struct dispatch_state {
  /// The build environment (llb state `Env`): the image's `Env` (with the default PATH), then
  /// each ARG with a value and each ENV, in order; a key appears once (a later ARG or ENV of the
  /// same key replaces its value). Words expand against it and RUN processes see it.
  list_view<shell::env_var> env;
  /// The image configuration's `Env` (ENV values only, no ARG).
  list_view<shell::env_var> image_env;
  std::string_view workdir = "/";      ///< the working directory (absolute)
  list_view<std::string_view> shell;   ///< `SHELL` in effect (empty: `default_shell(os)`)
  std::string_view user;               ///< `USER` in effect ("" = the image's default)
  std::string_view os = "linux";       ///< the stage's OS
  char escape = '\\';                  ///< the file's escape character

  /// A lexer environment over `env` (case-insensitive keys on Windows).
  [[nodiscard]] shell::environment environment() const noexcept {
    return shell::environment(env.data(), env.size(), os == "windows");
  }
};

/// BuildKit's default shell: `["/bin/sh", "-c"]`, or `["cmd", "/S", "/C"]` on Windows.
[[nodiscard]] inline list_view<std::string_view> default_shell(std::string_view os) noexcept {
  static constexpr std::string_view linux_shell[] = {"/bin/sh", "-c"};
  static constexpr std::string_view windows_shell[] = {"cmd", "/S", "/C"};
  if (os == "windows") return {windows_shell, 3};
  return {linux_shell, 2};
}

/// BuildKit's default PATH (`system.DefaultPathEnv`).
[[nodiscard]] constexpr std::string_view default_path_env(std::string_view os) noexcept {
  return os == "windows"
             ? std::string_view(
                   "c:\\Windows\\System32;c:\\Windows;C:\\Windows\\System32\\WindowsPowerShell\\v1.0")
             : std::string_view("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

/// Walks stage `index` of `graph` the way BuildKit dispatches it and calls
/// `cb(const command&, const dispatch_state& before)` for each of its instructions (return
/// `false` from `cb` to stop). The state starts from the base stage's final state (its chain is
/// walked silently first) or from the image configuration. ARG, ENV, WORKDIR, USER and SHELL
/// update it after the callback. The state's lists live in `storage` and stay valid after the
/// walk. Returns the first error (an ARG/ENV/WORKDIR/USER expansion failure, or no room).
template <class Callback>
dispatch_error dispatch_stage(const document& doc, const stage_list& stages, const stage_graph& graph,
                              std::size_t index, const dispatch_options& opt, arena& storage,
                              Callback&& cb) noexcept;

/// Expands `word` against the state (`ProcessWord` with the file's escape character). The
/// result's text lives in `storage`.
[[nodiscard]] shell::word_result expand(const dispatch_state& st, std::string_view word,
                                        arena& storage) noexcept;

/// The exact bytes of a COPY/ADD here-document source: the (already chomped) body, expanded
/// when its delimiter was not quoted, with BuildKit's raw rules (`\` as the escape character
/// whatever the file's is, quotes kept). The result's text lives in `storage`.
[[nodiscard]] shell::word_result heredoc_contents(const dispatch_state& st, const source_content& src,
                                                  arena& storage) noexcept;

/// The result of `copy_destination` and `normalize_workdir`.
struct path_result {
  std::string_view path;                   ///< the absolute path (`/`-separated)
  dispatch_errc code = dispatch_errc::ok;  ///< `out_of_storage`
  /// True on success.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == dispatch_errc::ok; }
};

/// BuildKit's `pathRelativeToWorkingDir` for a COPY/ADD destination (already expanded): absolute
/// paths are kept as written, relative ones (`""` and `.` mean `./`) are joined to the working
/// directory and cleaned; a trailing `/` or `/.` is kept (it means "into this directory").
[[nodiscard]] path_result copy_destination(const dispatch_state& st, std::string_view dest,
                                           arena& storage) noexcept;

/// BuildKit's `NormalizeWorkdir(current, path)`: an absolute `path` is kept as written; a relative
/// one is joined to `current` (or `/`) and cleaned; "" gives `current`.
[[nodiscard]] path_result normalize_workdir(std::string_view current, std::string_view path,
                                            arena& storage) noexcept;

/// Go's `path.Clean` into `out` (at least `p.size() + 1` bytes); returns the cleaned length.
[[nodiscard]] std::size_t clean_path(std::string_view p, char* out) noexcept;

/// A file BuildKit creates for a RUN here-document and mounts read-only in the container.
struct run_file {
  std::string_view path;    ///< where it is mounted (`/dev/pipes/NAME`)
  std::string_view data;    ///< the exact bytes
  std::uint32_t mode = 0;   ///< permission bits (0755)
};

/// What a RUN executes (BuildKit's `llb.Args` and the here-document mounts of `dispatchRun`).
struct run_invocation {
  list_view<std::string_view> args;  ///< argv (the shell prepended for the shell form)
  list_view<run_file> files;         ///< files mounted for the command (a `#!` here-document)
  dispatch_errc code = dispatch_errc::ok;  ///< `invalid_run` or `out_of_storage`
  std::string_view detail;           ///< the command line, for `invalid_run`'s message
  /// True on success.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == dispatch_errc::ok; }
};

/// `dispatchRun`'s command line. A RUN whose whole shell-form command is one here-document runs
/// its (chomped) body through the shell, or, when the body starts with `#!` (not on Windows),
/// mounts it as an executable file under `/dev/pipes/` and runs that; other here-documents are
/// appended to the command line (body then delimiter) for the shell to read. Bodies are never
/// expanded here: the shell does that with the build environment.
[[nodiscard]] run_invocation plan_run(const run_command& run, const dispatch_state& st,
                                      arena& storage) noexcept;

/// The `--checksum` checks of `dispatchCopy` (`isAdd`: ADD; sources already expanded).
[[nodiscard]] dispatch_errc check_checksum(bool is_add, std::string_view checksum,
                                           list_view<std::string_view> source_paths) noexcept;

// ================================================================================================
// Implementation
// ================================================================================================

namespace detail_dispatch {

using sv = std::string_view;

inline bool ascii_eq_fold(sv a, sv b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

/// `strconv.ParseUint(s, 8, bits)` without sign or prefix handling beyond Go's (base 8 given:
/// only digits 0-7, optional `_` not allowed with an explicit base).
inline bool parse_octal(sv s, unsigned bits, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  const std::uint64_t max = bits >= 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
  for (char c : s) {
    if (c < '0' || c > '7') return false;
    v = v * 8 + static_cast<std::uint64_t>(c - '0');
    if (v > max) return false;
  }
  out = v;
  return true;
}

/// Symbolic mode parser (chmod(1) grammar as BSD's setmode reads it, no umask). Calls
/// `cmd(op, who, oparg)` for each command it produces: op is `=`, `+`, `-`, `X` (oparg = bits) or
/// `u`/`g`/`o` (copy from that class; oparg = the operator). Returns false on a syntax error.
template <class Cmd>
bool symbolic_mode(sv s, Cmd&& cmd) noexcept {
  constexpr std::uint32_t suid = 04000, sgid = 02000, stxt = 01000;
  constexpr std::uint32_t rwxu = 0700, rwxg = 0070, rwxo = 0007;
  constexpr std::uint32_t standard = suid | sgid | rwxu | rwxg | rwxo;
  if (s.empty()) return false;
  std::size_t i = 0;
  for (;;) {
    std::uint32_t who = 0;
    for (;; ++i) {
      if (i >= s.size()) return false;
      const char c = s[i];
      if (c == 'a') {
        who |= standard;
      } else if (c == 'u') {
        who |= suid | rwxu;
      } else if (c == 'g') {
        who |= sgid | rwxg;
      } else if (c == 'o') {
        who |= rwxo;
      } else {
        break;
      }
    }
    bool equal_done = false;
    for (;;) {  // getop
      const char op = s[i++];
      if (op == '=') {
        equal_done = false;
      } else if (op != '+' && op != '-') {
        return false;
      }
      who &= ~stxt;
      std::uint32_t perm = 0;
      std::uint32_t permx = 0;
      for (;; ++i) {
        const char b = i < s.size() ? s[i] : '\0';
        if (b == 'r') {
          perm |= 0444;
        } else if (b == 's') {
          if (who == 0 || (who & ~rwxo) != 0) perm |= suid | sgid;
        } else if (b == 't') {
          if (who == 0 || (who & ~rwxo) != 0) {
            who |= stxt;
            perm |= stxt;
          }
        } else if (b == 'w') {
          perm |= 0222;
        } else if (b == 'X') {
          if (op != '-') {
            permx = 0111;
          } else {
            perm |= 0111;
          }
        } else if (b == 'x') {
          perm |= 0111;
        } else if (b == 'u' || b == 'g' || b == 'o') {
          if (perm != 0) {
            cmd(op, who, perm);
            perm = 0;
          }
          if (op == '=') equal_done = true;
          if (permx != 0) {
            cmd('X', who, permx);
            permx = 0;
          }
          cmd(b, who, static_cast<std::uint32_t>(static_cast<unsigned char>(op)));
        } else {
          if (perm != 0 || (op == '=' && !equal_done)) {
            if (op == '=') equal_done = true;
            cmd(op, who, perm);
          }
          if (permx != 0) cmd('X', who, permx);
          break;
        }
      }
      if (i >= s.size()) return true;
      if (s[i] != ',') continue;  // another operator for the same classes
      ++i;
      break;
    }
  }
}

/// Appends to a list with room for it, replacing `key` in place when present.
inline void set_var(shell::env_var* vars, std::size_t& n, sv key, sv value, bool windows) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (shell::equal_env_keys(vars[i].key, key, windows)) {
      vars[i].value = value;
      return;
    }
  }
  vars[n++] = shell::env_var{key, value};
}

/// `path.Join(parent, child)` (both non-empty or not) into the arena.
inline bool join_clean(sv parent, sv child, arena& a, sv& out) noexcept {
  const std::size_t n = parent.size() + 1 + child.size();
  char* tmp = a.make_text(n + 1);
  char* res = a.make_text(n + 2);
  if (tmp == nullptr || res == nullptr) return false;
  std::size_t k = 0;
  if (!parent.empty()) {
    std::memcpy(tmp, parent.data(), parent.size());
    k = parent.size();
  }
  if (!child.empty()) {
    if (k != 0) tmp[k++] = '/';
    std::memcpy(tmp + k, child.data(), child.size());
    k += child.size();
  }
  if (k == 0) {
    out = sv();
    return true;
  }
  out = sv(res, clean_path(sv(tmp, k), res));
  return true;
}

}  // namespace detail_dispatch

inline std::size_t clean_path(std::string_view p, char* out) noexcept { return detail::go_path_clean(p, out); }

inline std::uint32_t chmod_spec::apply(std::uint32_t perm, bool directory) const noexcept {
  if (!symbolic) return octal;
  constexpr std::uint32_t standard = 06777;
  const std::uint32_t omode = perm & 07777;
  std::uint32_t m = omode;
  (void)detail_dispatch::symbolic_mode(text, [&](char op, std::uint32_t who, std::uint32_t arg) {
    switch (op) {
      case '=':
        m &= ~(who != 0 ? who : standard);
        m |= who != 0 ? (who & arg) : arg;
        return;
      case '+': m |= who != 0 ? (who & arg) : arg; return;
      case '-': m &= ~(who != 0 ? (who & arg) : arg); return;
      case 'X':
        if ((omode & 0111) != 0 || directory) m |= who != 0 ? (who & arg) : arg;
        return;
      default: break;
    }
    // copy the bits of class `op` to the classes in `who`
    const bool to_u = who == 0 || (who & 0400) != 0;
    const bool to_g = who == 0 || (who & 0040) != 0;
    const bool to_o = who == 0 || (who & 0004) != 0;
    const std::uint32_t value = op == 'u' ? (m & 0700) >> 6 : op == 'g' ? (m & 0070) >> 3 : m & 0007;
    const bool set = arg == '+' || arg == '=';
    const bool clear = arg == '-' || arg == '=';
    if (clear) {
      const std::uint32_t clr = set ? 07u : value;
      if (to_u) m &= ~(clr << 6);
      if (to_g) m &= ~(clr << 3);
      if (to_o) m &= ~clr;
    }
    if (set) {
      if (to_u) m |= value << 6;
      if (to_g) m |= value << 3;
      if (to_o) m |= value;
    }
  });
  return m & 07777;
}

inline chmod_result parse_chmod(std::string_view text) noexcept {
  chmod_result r;
  r.value.text = text;
  std::uint64_t v = 0;
  if (detail_dispatch::parse_octal(text, 32, v)) {
    if (v > 07777) {
      r.code = dispatch_errc::chmod_not_octal;
      return r;
    }
    r.value.octal = static_cast<std::uint32_t>(v);
    return r;
  }
  if (!text.empty() && text[0] >= '0' && text[0] <= '9') {
    // mode.Parse: strconv.ParseInt(s, 8, 16) fails with a NumError (non-octal digit or too big),
    // which BuildKit reports as the octal error
    r.code = dispatch_errc::chmod_not_octal;
    return r;
  }
  const bool ok = detail_dispatch::symbolic_mode(text, [](char, std::uint32_t, std::uint32_t) {});
  if (!ok) {
    r.code = dispatch_errc::chmod_syntax;
    return r;
  }
  r.value.symbolic = true;
  return r;
}

inline signal_result parse_signal(std::string_view text) noexcept {
  signal_result r;
  std::int64_t n = 0;
  if (detail_instr::go_atoi(text, n)) {
    if (n == 0 || n < INT32_MIN || n > INT32_MAX) {
      // Go converts to syscall.Signal (an int) without a range check; 0 is rejected. Values that
      // do not fit in an int are out of what a 64-bit Go int holds only beyond int64, which
      // atoi64 already rejects: keep them, truncated, as Go would not.
      if (n == 0) {
        r.code = dispatch_errc::invalid_signal;
        return r;
      }
    }
    r.number = static_cast<int>(n);
    return r;
  }
  struct entry {
    std::string_view name;
    int number;
  };
  static constexpr entry table[] = {
      {"ABRT", 6},   {"ALRM", 14},  {"BUS", 7},     {"CHLD", 17},   {"CLD", 17},   {"CONT", 18},
      {"FPE", 8},    {"HUP", 1},    {"ILL", 4},     {"INT", 2},     {"IO", 29},    {"IOT", 6},
      {"KILL", 9},   {"PIPE", 13},  {"POLL", 29},   {"PROF", 27},   {"PWR", 30},   {"QUIT", 3},
      {"SEGV", 11},  {"STKFLT", 16}, {"STOP", 19},  {"SYS", 31},    {"TERM", 15},  {"TRAP", 5},
      {"TSTP", 20},  {"TTIN", 21},  {"TTOU", 22},   {"URG", 23},    {"USR1", 10},  {"USR2", 12},
      {"VTALRM", 26}, {"WINCH", 28}, {"XCPU", 24},  {"XFSZ", 25},
  };
  // strings.TrimPrefix(strings.ToUpper(raw), "SIG")
  std::string_view name = text;
  if (name.size() >= 3 && detail_dispatch::ascii_eq_fold(name.substr(0, 3), "SIG")) name.remove_prefix(3);
  for (const entry& e : table) {
    if (detail_dispatch::ascii_eq_fold(name, e.name)) {
      r.number = e.number;
      return r;
    }
  }
  // RTMIN, RTMIN+1..+15, RTMAX-14..-1, RTMAX (sigrtmin 34, sigrtmax 64)
  auto suffix_num = [](std::string_view s, int lo, int hi, int& out) {
    if (s.empty() || s.size() > 2) return false;
    int v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    if (s.size() == 2 && s[0] == '0') return false;
    if (v < lo || v > hi) return false;
    out = v;
    return true;
  };
  if (name.size() >= 5 && detail_dispatch::ascii_eq_fold(name.substr(0, 5), "RTMIN")) {
    const std::string_view rest = name.substr(5);
    int v = 0;
    if (rest.empty()) {
      r.number = 34;
      return r;
    }
    if (rest[0] == '+' && suffix_num(rest.substr(1), 1, 15, v)) {
      r.number = 34 + v;
      return r;
    }
  }
  if (name.size() >= 5 && detail_dispatch::ascii_eq_fold(name.substr(0, 5), "RTMAX")) {
    const std::string_view rest = name.substr(5);
    int v = 0;
    if (rest.empty()) {
      r.number = 64;
      return r;
    }
    if (rest[0] == '-' && suffix_num(rest.substr(1), 1, 14, v)) {
      r.number = 64 - v;
      return r;
    }
  }
  r.code = dispatch_errc::invalid_signal;
  return r;
}

inline bool is_git_source(std::string_view src) noexcept {
  // gitutil.ParseGitRef: accepted URL forms, then a `.git` or known-host heuristic
  auto starts = [&](std::string_view p) { return src.substr(0, p.size()) == p; };
  std::string_view rest;
  if (starts("git://") || starts("ssh://") || starts("git@")) return true;
  if (starts("https://") || starts("http://")) {
    rest = src.substr(src.find("//") + 2);
  } else if (starts("github.com/")) {
    return true;
  } else {
    // scp-like user@host:path
    const std::size_t at = src.find('@');
    const std::size_t colon = src.find(':');
    return at != std::string_view::npos && colon != std::string_view::npos && at < colon &&
           src.find('/') > colon;
  }
  std::string_view path = rest.substr(0, rest.find('#'));
  if (path.size() >= 4 && path.substr(path.size() - 4) == ".git") return true;
  if (rest.find('#') != std::string_view::npos && path.find(".git") != std::string_view::npos) return true;
  return rest.substr(0, 11) == "github.com/";
}

inline dispatch_errc check_checksum(bool is_add, std::string_view checksum,
                                    list_view<std::string_view> source_paths) noexcept {
  if (checksum.empty()) return dispatch_errc::ok;
  if (!is_add) return dispatch_errc::checksum_copy;
  if (source_paths.size() != 1) return dispatch_errc::checksum_multiple;
  if (!is_http_source(source_paths[0]) && !is_git_source(source_paths[0])) {
    return dispatch_errc::checksum_source;
  }
  return dispatch_errc::ok;
}

inline shell::word_result expand(const dispatch_state& st, std::string_view word, arena& storage) noexcept {
  return detail_instr::expand_word(word, st.environment(), st.escape, storage);
}

inline shell::word_result heredoc_contents(const dispatch_state& st, const source_content& src,
                                           arena& storage) noexcept {
  if (!src.expand) {
    shell::word_result r;
    r.word = src.data;
    return r;
  }
  shell::options o;
  o.escape = '\\';
  o.skip_process_quotes = true;
  return detail_instr::expand_word_with(src.data, st.environment(), o, storage);
}

inline path_result normalize_workdir(std::string_view current, std::string_view path,
                                     arena& storage) noexcept {
  path_result r;
  std::string_view parent = current.empty() ? std::string_view("/") : current;
  if (parent[0] != '/') {
    if (!detail_dispatch::join_clean("/", parent, storage, parent)) {
      r.code = dispatch_errc::out_of_storage;
      return r;
    }
  }
  if (path.empty()) path = parent;
  if (!path.empty() && path[0] == '/') {
    r.path = path;
    return r;
  }
  if (!detail_dispatch::join_clean(parent, path, storage, r.path)) r.code = dispatch_errc::out_of_storage;
  return r;
}

inline path_result copy_destination(const dispatch_state& st, std::string_view dest,
                                    arena& storage) noexcept {
  path_result r;
  std::string_view parent = st.workdir.empty() ? std::string_view("/") : st.workdir;
  if (!dest.empty() && dest[0] == '/') {
    // NormalizePath("/", dest, keepSlash): absolute paths are not cleaned
    r.path = dest;
    return r;
  }
  if (dest.empty() || dest == ".") dest = "./";
  if (parent[0] != '/' && !detail_dispatch::join_clean("/", parent, storage, parent)) {
    r.code = dispatch_errc::out_of_storage;
    return r;
  }
  std::string_view joined;
  if (!detail_dispatch::join_clean(parent, dest, storage, joined)) {
    r.code = dispatch_errc::out_of_storage;
    return r;
  }
  const bool slash = dest.back() == '/';
  const bool slash_dot = dest.size() >= 2 && dest.substr(dest.size() - 2) == "/.";
  if (!slash && !slash_dot) {
    r.path = joined;
    return r;
  }
  const bool add_slash = slash ? joined.back() != '/' : joined != "/";
  const std::size_t extra = (add_slash ? 1 : 0) + (slash_dot ? 1 : 0);
  if (extra == 0) {
    r.path = joined;
    return r;
  }
  char* out = storage.make_text(joined.size() + extra);
  if (out == nullptr) {
    r.code = dispatch_errc::out_of_storage;
    return r;
  }
  std::memcpy(out, joined.data(), joined.size());
  std::size_t k = joined.size();
  if (add_slash) out[k++] = '/';
  if (slash_dot) out[k++] = '.';
  r.path = std::string_view(out, k);
  return r;
}

inline run_invocation plan_run(const run_command& run, const dispatch_state& st,
                               arena& storage) noexcept {
  run_invocation inv;
  const list_view<std::string_view> shell_args = st.shell.empty() ? default_shell(st.os) : st.shell;
  std::string_view single;  // the one shell-form string, after heredoc handling
  bool have_single = false;
  run_file* file = nullptr;
  if (!run.files.empty()) {
    if (run.cmd_line.size() != 1 || !run.prepend_shell) {
      inv.code = dispatch_errc::invalid_run;
      inv.detail = run.cmd_line.empty() ? std::string_view() : run.cmd_line[0];
      return inv;
    }
    const heredoc_word_result hw = parse_heredoc_word(run.cmd_line[0], storage);
    if (hw.status == heredoc_status::out_of_storage) {
      inv.code = dispatch_errc::out_of_storage;
      return inv;
    }
    if (hw.status == heredoc_status::heredoc) {  // MustParseHeredoc: errors count as "not one"
      std::string_view data = run.files[0].data;
      if (run.files[0].chomp) {
        char* buf = storage.make_text(data.size());
        if (buf == nullptr && !data.empty()) {
          inv.code = dispatch_errc::out_of_storage;
          return inv;
        }
        data = std::string_view(buf, chomp_heredoc(data, buf));
      }
      if (st.os != "windows" && data.substr(0, 2) == "#!") {
        const std::string_view name = run.files[0].name;
        constexpr std::string_view dir = "/dev/pipes/";
        char* p = storage.make_text(dir.size() + name.size() + 1);
        file = storage.make_records<run_file>(1);
        if (p == nullptr || file == nullptr) {
          inv.code = dispatch_errc::out_of_storage;
          return inv;
        }
        // path.Join("/dev/pipes/", name)
        std::memcpy(p, dir.data(), dir.size());
        if (!name.empty()) std::memcpy(p + dir.size(), name.data(), name.size());
        char* cleaned = storage.make_text(dir.size() + name.size() + 1);
        if (cleaned == nullptr) {
          inv.code = dispatch_errc::out_of_storage;
          return inv;
        }
        const std::size_t len = clean_path(std::string_view(p, dir.size() + name.size()), cleaned);
        *file = run_file{std::string_view(cleaned, len), data, 0755};
        single = file->path;
      } else {
        single = data;
      }
      have_single = true;
    } else {
      // body then delimiter after the command line, for the shell to read
      std::size_t n = run.cmd_line[0].size();
      for (const inline_file& f : run.files) n += 1 + f.data.size() + f.name.size();
      char* p = storage.make_text(n);
      if (p == nullptr && n != 0) {
        inv.code = dispatch_errc::out_of_storage;
        return inv;
      }
      std::size_t k = 0;
      auto put = [&](std::string_view s) {
        if (!s.empty()) std::memcpy(p + k, s.data(), s.size());
        k += s.size();
      };
      put(run.cmd_line[0]);
      for (const inline_file& f : run.files) {
        put("\n");
        put(f.data);
        put(f.name);
      }
      single = std::string_view(p, k);
      have_single = true;
    }
  }
  const std::size_t nargs = have_single ? 1 : run.cmd_line.size();
  const std::size_t total = run.prepend_shell ? shell_args.size() + 1 : nargs;
  auto* args = storage.make_records<std::string_view>(total == 0 ? 1 : total);
  if (args == nullptr) {
    inv.code = dispatch_errc::out_of_storage;
    return inv;
  }
  if (run.prepend_shell) {
    for (std::size_t i = 0; i < shell_args.size(); ++i) args[i] = shell_args[i];
    // strings.Join(args, " ")
    if (have_single) {
      args[shell_args.size()] = single;
    } else {
      std::size_t n = 0;
      for (std::size_t i = 0; i < run.cmd_line.size(); ++i) n += run.cmd_line[i].size() + (i ? 1 : 0);
      char* p = storage.make_text(n);
      if (p == nullptr && n != 0) {
        inv.code = dispatch_errc::out_of_storage;
        return inv;
      }
      std::size_t k = 0;
      for (std::size_t i = 0; i < run.cmd_line.size(); ++i) {
        if (i != 0) p[k++] = ' ';
        if (!run.cmd_line[i].empty()) std::memcpy(p + k, run.cmd_line[i].data(), run.cmd_line[i].size());
        k += run.cmd_line[i].size();
      }
      args[shell_args.size()] = std::string_view(p, k);
    }
  } else {
    for (std::size_t i = 0; i < nargs; ++i) args[i] = have_single ? single : run.cmd_line[i];
  }
  inv.args = {args, total};
  inv.files = {file, file == nullptr ? std::size_t{0} : std::size_t{1}};
  return inv;
}

namespace detail_dispatch {

/// The mutable state of one walk, with room for every variable the chain can define.
struct walker {
  shell::env_var* env = nullptr;
  std::size_t n_env = 0;
  shell::env_var* image_env = nullptr;
  std::size_t n_image = 0;
  dispatch_state st;
  void publish() noexcept {
    st.env = {env, n_env};
    st.image_env = {image_env, n_image};
  }
};

}  // namespace detail_dispatch

template <class Callback>
dispatch_error dispatch_stage(const document& doc, const stage_list& stages, const stage_graph& graph,
                              std::size_t index, const dispatch_options& opt, arena& storage,
                              Callback&& cb) noexcept {
  using detail_dispatch::sv;
  dispatch_error err;
  const auto list = stages.stages();
  if (!graph.ok() || index >= list.size() || graph.nodes.size() != list.size()) {
    err.code = dispatch_errc::out_of_storage;  // nothing sensible to walk
    return err;
  }
  const bool windows = opt.os == "windows";
  // the chain of bases, root first
  std::size_t chain_len = 0;
  for (std::int32_t s = static_cast<std::int32_t>(index); s >= 0; s = graph.nodes[static_cast<std::size_t>(s)].base_stage) {
    ++chain_len;
    if (chain_len > list.size()) break;
  }
  auto* chain = storage.make_scratch<std::uint32_t>(chain_len);
  if (chain == nullptr) {
    err.code = dispatch_errc::out_of_storage;
    return err;
  }
  {
    std::size_t k = chain_len;
    for (std::int32_t s = static_cast<std::int32_t>(index); s >= 0 && k > 0;
         s = graph.nodes[static_cast<std::size_t>(s)].base_stage) {
      chain[--k] = static_cast<std::uint32_t>(s);
    }
  }
  const std::size_t root = chain[0];
  image_config base;
  if (opt.image_config_of != nullptr && graph.nodes[root].base_stage < 0) {
    if (!opt.image_config_of(opt.context, graph.nodes[root].base_name, &base)) base = image_config();
  }
  std::size_t cap = base.env.size() + 1;
  std::size_t cap_image = base.env.size() + 1;
  for (std::size_t c = 0; c < chain_len; ++c) {
    for (const command& cmd : list[chain[c]].commands) {
      if (const auto* ar = cmd.get<arg_command>()) cap += ar->args.size();
      if (const auto* en = cmd.get<env_command>()) {
        cap += en->env.size();
        cap_image += en->env.size();
      }
    }
  }
  detail_dispatch::walker w;
  w.env = storage.make_records<shell::env_var>(cap);
  w.image_env = storage.make_records<shell::env_var>(cap_image);
  if (w.env == nullptr || w.image_env == nullptr) {
    err.code = dispatch_errc::out_of_storage;
    return err;
  }
  w.st.os = opt.os;
  w.st.escape = doc.escape();
  // the image configuration, PATH ensured (dispatch: "make sure that PATH is always set")
  for (const auto& v : base.env) detail_dispatch::set_var(w.image_env, w.n_image, v.key, v.value, windows);
  if (!windows) {
    bool has_path = false;
    for (std::size_t i = 0; i < w.n_image; ++i) has_path = has_path || w.image_env[i].key == "PATH";
    if (!has_path) detail_dispatch::set_var(w.image_env, w.n_image, "PATH", default_path_env(opt.os), false);
  }
  for (std::size_t i = 0; i < w.n_image; ++i) {
    detail_dispatch::set_var(w.env, w.n_env, w.image_env[i].key, w.image_env[i].value, windows);
  }
  if (!base.working_dir.empty()) {
    const path_result wd = normalize_workdir("/", base.working_dir, storage);
    if (!wd.ok()) {
      err.code = wd.code;
      return err;
    }
    w.st.workdir = wd.path;
  }
  w.st.shell = base.shell;
  w.st.user = base.user;
  w.publish();
  auto build_arg_of = [&](sv key, sv& v) {
    bool found = false;
    for (const auto& b : opt.build_args) {
      if (b.key == key) {
        v = b.value;
        found = true;
      }
    }
    return found;
  };
  const shell::environment global_env(graph.global_args.data(), graph.global_args.size());
  auto fail_expand = [&](const shell::word_result& r, sv word, const command& cmd) {
    err.code = r.code == shell::errc::no_space ? dispatch_errc::out_of_storage : dispatch_errc::expansion_failed;
    err.a = word;
    err.lexer = r.error;
    err.at = &cmd;
    return err;
  };
  for (std::size_t c = 0; c < chain_len; ++c) {
    const bool visible = c + 1 == chain_len;
    for (const command& cmd : list[chain[c]].commands) {
      if (visible) {
        w.publish();
        if (!cb(static_cast<const command&>(cmd), static_cast<const dispatch_state&>(w.st))) return err;
      }
      if (const auto* ar = cmd.get<arg_command>()) {
        for (const auto& kp : ar->args) {
          sv v;
          bool has = build_arg_of(kp.key, v);
          if (!has && kp.has_value) {
            w.publish();
            const shell::word_result r = expand(w.st, kp.value, storage);
            if (!r.ok()) return fail_expand(r, kp.value, cmd);
            v = r.word;
            has = true;
          }
          if (!has) has = global_env.get(kp.key, &v);
          if (has && kp.key != "BUILDKIT_SBOM_SCAN_CONTEXT" && kp.key != "BUILDKIT_SBOM_SCAN_STAGE") {
            detail_dispatch::set_var(w.env, w.n_env, kp.key, v, windows);
          }
        }
      } else if (const auto* en = cmd.get<env_command>()) {
        // every pair expands against the state before the instruction: a snapshot, since
        // setting a pair replaces values in place
        w.publish();
        dispatch_state before = w.st;
        auto* prior = storage.make_scratch<shell::env_var>(w.n_env == 0 ? 1 : w.n_env);
        if (prior == nullptr) {
          err.code = dispatch_errc::out_of_storage;
          err.at = &cmd;
          return err;
        }
        for (std::size_t k = 0; k < w.n_env; ++k) prior[k] = w.env[k];
        before.env = {prior, w.n_env};
        for (const auto& kv : en->env) {
          const shell::word_result rk = expand(before, kv.key, storage);
          if (!rk.ok()) return fail_expand(rk, kv.key, cmd);
          const shell::word_result rv = expand(before, kv.value, storage);
          if (!rv.ok()) return fail_expand(rv, kv.value, cmd);
          detail_dispatch::set_var(w.env, w.n_env, rk.word, rv.word, windows);
          detail_dispatch::set_var(w.image_env, w.n_image, rk.word, rv.word, windows);
        }
      } else if (const auto* wd = cmd.get<workdir_command>()) {
        w.publish();
        const shell::word_result r = expand(w.st, wd->path, storage);
        if (!r.ok()) return fail_expand(r, wd->path, cmd);
        const path_result p = normalize_workdir(w.st.workdir, r.word, storage);
        if (!p.ok()) {
          err.code = p.code;
          err.at = &cmd;
          return err;
        }
        w.st.workdir = p.path;
      } else if (const auto* us = cmd.get<user_command>()) {
        w.publish();
        const shell::word_result r = expand(w.st, us->user, storage);
        if (!r.ok()) return fail_expand(r, us->user, cmd);
        w.st.user = r.word;
      } else if (const auto* sh = cmd.get<shell_form_command>()) {
        w.st.shell = sh->shell;
      }
    }
  }
  w.publish();
  return err;
}

}  // namespace dockerfile
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DISPATCH_HPP

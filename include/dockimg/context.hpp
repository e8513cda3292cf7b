// SPDX-License-Identifier: Apache-2.0
/// @file context.hpp
/// @brief The build-context walk as BuildKit's client does it: tonistiigi/fsutil's `FilterFS`
/// (include patterns, exclude patterns, stacked filters, `SkipDir` from the consumer, lazily
/// emitted parent directories, its error rules) over `filepath.WalkDir`'s lexical depth-first
/// order, on any directory source: POSIX (`posix_source`), in memory (`memory_source`), or yours.
///
/// The pattern matching is the allocation-free matcher of dockerignore.hpp. The walk itself
/// allocates (path strings, one frame per open directory, the directory listings), and the POSIX
/// source does I/O.
///
/// @code
///   dockimg::context::posix_source src("/path/to/ctx");
///   const dockimg::context::filter f = dockimg::context::make_filter(nullptr, &matcher); // excludes
///   auto res = dockimg::context::walk(src, &f, 1, [](const dockimg::context::entry& e) {
///     std::printf("%s %s\n", e.is_dir() ? "dir" : "file", std::string(e.path).c_str());
///     return dockimg::context::visit::proceed;
///   });
///   if (!res.ok()) std::puts(res.message().c_str());
/// @endcode
#ifndef DOCKIMG_CONTEXT_HPP
#define DOCKIMG_CONTEXT_HPP

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "arena.hpp"
#include "config.hpp"
#include "dockerignore.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace context {

/// What an entry is, as `lstat` says (symbolic links are never followed).
enum class entry_type : std::uint8_t {
  file,       ///< a regular file
  directory,  ///< a directory
  symlink,    ///< a symbolic link (not followed, even to a directory)
  other,      ///< a device, FIFO or socket
};

/// An entry's metadata (the part of fsutil's `types.Stat` dockimg reports).
struct entry_info {
  std::uint64_t size = 0;  ///< bytes (regular files; 0 otherwise)
  std::uint32_t mode = 0;  ///< `st_mode` (type and permission bits)
};

/// The names of one directory, as a source lists them (the walk sorts them bytewise, as
/// `os.ReadDir` does). Reused from directory to directory, so listing allocates little.
class dir_listing {
 public:
  /// Forgets every name (keeps the capacity).
  void clear() noexcept {
    names_.clear();
    items_.clear();
  }
  /// Adds one entry (`.` and `..` must not be added).
  void add(std::string_view name, entry_type type) {
    items_.push_back(item{static_cast<std::uint32_t>(names_.size()), static_cast<std::uint32_t>(name.size()), type});
    names_.append(name.data(), name.size());
  }
  /// Number of entries.
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  /// The i-th name.
  [[nodiscard]] std::string_view name(std::size_t i) const noexcept {
    return std::string_view(names_.data() + items_[i].offset, items_[i].length);
  }
  /// The i-th type.
  [[nodiscard]] entry_type type(std::size_t i) const noexcept { return items_[i].type; }
  /// Sorts the entries bytewise by name (Go's string order).
  void sort() {
    const char* base = names_.data();
    std::sort(items_.begin(), items_.end(), [base](const item& a, const item& b) {
      return std::string_view(base + a.offset, a.length) < std::string_view(base + b.offset, b.length);
    });
  }

 private:
  struct item {
    std::uint32_t offset;
    std::uint32_t length;
    entry_type type;
  };
  std::string names_;
  std::vector<item> items_;
};

/// One filter layer: fsutil's `NewFilterFS(fs, &FilterOpt{IncludePatterns, ExcludePatterns})`.
/// A side without patterns has no matcher (fsutil: `len(patterns) == 0`); note that a side whose
/// patterns are all blank has a matcher with no patterns, and an include matcher with no
/// patterns keeps nothing.
struct filter {
  dockerignore::matcher include;        ///< the include matcher (when `has_include`)
  dockerignore::matcher exclude;        ///< the exclude matcher (when `has_exclude`)
  bool has_include = false;             ///< include patterns were given
  bool has_exclude = false;             ///< exclude patterns were given
  bool only_prefix_includes = true;     ///< no include pattern has a glob before its trailing `/**`, `/*`
  bool only_prefix_exclude_exceptions = true;  ///< no `!` exclude pattern has a glob before its trailing `/**`, `/*`
};

namespace detail_ctx {
/// fsutil's `patternWithoutTrailingGlob`: one trailing `/**` removed, then one trailing `/*`.
[[nodiscard]] constexpr std::string_view strip_trailing_glob(std::string_view s) noexcept {
  if (s.size() >= 3 && s.substr(s.size() - 3) == "/**") s.remove_suffix(3);
  if (s.size() >= 2 && s.substr(s.size() - 2) == "/*") s.remove_suffix(2);
  return s;
}

/// True when a pattern whose `exclusion` flag is `exclusion` could name something below `dir`:
/// `strings.HasPrefix(strip(p) + "/", dir + "/")`.
[[nodiscard]] inline bool prefix_reaches(const dockerignore::matcher& m, std::string_view dir,
                                         bool exclusion) noexcept {
  for (const dockerignore::pattern& p : m.patterns()) {
    if (p.exclusion != exclusion) continue;
    const std::string_view s = strip_trailing_glob(p.text);
    if (s.size() >= dir.size() && s.substr(0, dir.size()) == dir && (s.size() == dir.size() || s[dir.size()] == '/')) {
      return true;
    }
  }
  return false;
}

/// True when some pattern with that `exclusion` flag has a glob character after stripping.
[[nodiscard]] inline bool any_glob(const dockerignore::matcher& m, bool exclusion) noexcept {
  for (const dockerignore::pattern& p : m.patterns()) {
    if (p.exclusion != exclusion) continue;
    if (strip_trailing_glob(p.text).find_first_of("*[]?^\\") != std::string_view::npos) return true;
  }
  return false;
}
}  // namespace detail_ctx

/// Builds a filter layer from compiled matchers (null: that side has no patterns), with
/// `NewFilterFS`'s pruning flags. The matchers are copied (views into their arena).
[[nodiscard]] inline filter make_filter(const dockerignore::matcher* include,
                                        const dockerignore::matcher* exclude) noexcept {
  filter f;
  if (include != nullptr) {
    f.include = *include;
    f.has_include = true;
    f.only_prefix_includes = !detail_ctx::any_glob(*include, false);
  }
  if (exclude != nullptr) {
    f.exclude = *exclude;
    f.has_exclude = true;
    f.only_prefix_exclude_exceptions = !detail_ctx::any_glob(*exclude, true);
  }
  return f;
}

/// Which pattern list an error is about.
enum class side : std::uint8_t {
  none,     ///< no pattern list
  include,  ///< IncludePatterns
  exclude,  ///< ExcludePatterns
};

/// The result of `compile_filter`.
struct filter_result {
  context::filter filter;    ///< the layer (empty on error)
  dockerignore::error err;   ///< `patternmatcher.New`'s error (`err.pattern` indexes that side's list)
  context::side where = side::none;  ///< which list failed

  /// True when both lists compiled.
  [[nodiscard]] constexpr bool ok() const noexcept { return err.code == dockerignore::errc::ok; }
};

/// Arena bytes that always suffice for `compile_filter` of these lists.
[[nodiscard]] inline std::size_t filter_storage_hint(const std::string_view* include, std::size_t n_include,
                                                     const std::string_view* exclude, std::size_t n_exclude) noexcept {
  std::size_t bi = 0, be = 0;
  for (std::size_t i = 0; i < n_include; ++i) bi += include[i].size();
  for (std::size_t i = 0; i < n_exclude; ++i) be += exclude[i].size();
  return dockerignore::storage_hint(n_include, bi) + dockerignore::storage_hint(n_exclude, be);
}

/// `NewFilterFS`'s pattern handling: compiles IncludePatterns then ExcludePatterns (raw pattern
/// strings, as `patternmatcher.New` takes them; no `.dockerignore` reading rules) into `storage`.
/// An empty list means "no matcher" for that side. fsutil words a failure
/// `invalid includepatterns: [...]: <message>` (or `excludepatterns`).
[[nodiscard]] inline filter_result compile_filter(const std::string_view* include, std::size_t n_include,
                                                  const std::string_view* exclude, std::size_t n_exclude,
                                                  arena& storage) noexcept {
  filter_result out;
  dockerignore::compile_result inc, exc;
  if (n_include > 0) {
    inc = dockerignore::compile(include, n_include, storage);
    if (!inc.ok()) {
      out.err = inc.err;
      out.where = side::include;
      return out;
    }
  }
  if (n_exclude > 0) {
    exc = dockerignore::compile(exclude, n_exclude, storage);
    if (!exc.ok()) {
      out.err = exc.err;
      out.where = side::exclude;
      return out;
    }
  }
  out.filter = make_filter(n_include > 0 ? &inc.matcher : nullptr, n_exclude > 0 ? &exc.matcher : nullptr);
  return out;
}

/// `FilterFS.Open(path)` through stacked layers (`layers[0]` innermost): the outermost layer is
/// asked first; each uses the point query (`MatchesOrParentMatches`), so Open may disagree with
/// the walk. The answer of `open_allowed`.
struct open_result {
  bool allowed = true;                  ///< false: Open fails with "not exist"
  dockerignore::errc err = dockerignore::errc::ok;  ///< a pattern error (then `allowed` is false)
  context::side where = side::none;     ///< the side that refused or failed
  std::size_t layer = 0;                ///< the layer that refused or failed

  /// True when no pattern error happened.
  [[nodiscard]] constexpr bool ok() const noexcept { return err == dockerignore::errc::ok; }
};

/// Whether `FilterFS.Open(path)` would open `path` (see `open_result`). Allocates nothing.
[[nodiscard]] inline open_result open_allowed(const filter* layers, std::size_t n, std::string_view path) noexcept {
  open_result out;
  for (std::size_t k = n; k-- > 0;) {
    const filter& f = layers[k];
    if (f.has_include) {
      const dockerignore::match_result r = f.include.matches_or_parent_matches(path);
      if (!r.ok() || !r.excluded) {
        out = {false, r.err, side::include, k};
        return out;
      }
    }
    if (f.has_exclude) {
      const dockerignore::match_result r = f.exclude.matches_or_parent_matches(path);
      if (!r.ok() || r.excluded) {
        out = {false, r.err, side::exclude, k};
        return out;
      }
    }
  }
  return out;
}

/// What the consumer's callback tells the walk (fsutil's `WalkDirFunc` results).
enum class visit : std::uint8_t {
  proceed,   ///< go on (`nil`)
  skip_dir,  ///< `filepath.SkipDir`: on a directory, skip it; on a file, skip the rest of its directory
  stop,      ///< any other error: end the walk (`walk_errc::stopped`)
};

/// One entry given to the consumer (its parents always come before it).
struct entry {
  std::string_view path;  ///< relative, `/`-separated (valid during the call only)
  entry_type type = entry_type::file;  ///< what it is
  entry_info info;        ///< its metadata (`lstat`)

  /// True for a directory.
  [[nodiscard]] constexpr bool is_dir() const noexcept { return type == entry_type::directory; }
};

/// Why a layer leaves an entry out (reported to the optional observer).
enum class left_out : std::uint8_t {
  not_included,  ///< the include patterns do not match it
  excluded,      ///< the exclude patterns match it
};

/// An entry a layer does not pass on. A directory that is not `pruned` is still entered, and it
/// is emitted after all (lazily, before its first kept descendant) when something below it is kept.
struct filtered_entry {
  std::string_view path;  ///< relative, `/`-separated (valid during the call only)
  entry_type type = entry_type::file;  ///< what it is
  std::size_t layer = 0;  ///< the layer that left it out (0: innermost)
  left_out why = left_out::excluded;  ///< which patterns
  bool pruned = false;    ///< a directory the walk does not enter at all
};

/// Error kinds of `walk`.
enum class walk_errc : std::uint8_t {
  ok,             ///< the walk completed
  include_match,  ///< `failed to match includepatterns: ...` (a lazily failing pattern)
  exclude_match,  ///< `failed to match excludepatterns: ...`
  io,             ///< reading a directory that is not skipped failed (`os_error`)
  stat,           ///< reading an emitted entry's metadata failed (`os_error`)
  stopped,        ///< the callback returned `visit::stop`
};

/// The result of `walk`.
struct walk_result {
  walk_errc code = walk_errc::ok;  ///< what ended the walk
  dockerignore::errc match_error = dockerignore::errc::ok;  ///< the pattern error (match kinds)
  std::uint32_t pattern = UINT32_MAX;  ///< index of the failing pattern in its matcher (match kinds)
  int os_error = 0;                ///< errno (io and stat kinds)
  std::size_t layer = 0;           ///< the layer that failed (match kinds)
  std::string path;                ///< the entry being handled when it failed
  int root_os_error = 0;           ///< errno of listing the root; fsutil ignores it (the walk is then empty)
  std::size_t entries_seen = 0;    ///< entries listed by the source (root excluded)

  /// True when the walk completed.
  [[nodiscard]] bool ok() const noexcept { return code == walk_errc::ok; }

  /// The error as fsutil words it (errno texts as Go prints them).
  [[nodiscard]] std::string message() const {
    auto os_text = [](int e) {
      std::string t = std::strerror(e);
      if (!t.empty() && t[0] >= 'A' && t[0] <= 'Z' && !(t.size() > 1 && t[1] >= 'A' && t[1] <= 'Z')) {
        t[0] = static_cast<char>(t[0] - 'A' + 'a');
      }
      return t;
    };
    switch (code) {
      case walk_errc::ok: return "ok";
      case walk_errc::include_match:
        return "failed to match includepatterns: " + std::string(dockerignore::message(match_error));
      case walk_errc::exclude_match:
        return "failed to match excludepatterns: " + std::string(dockerignore::message(match_error));
      case walk_errc::io: return "open " + path + ": " + os_text(os_error);
      case walk_errc::stat: return "lstat " + path + ": " + os_text(os_error);
      case walk_errc::stopped: return "stopped by the callback at " + path;
    }
    return "unknown error";
  }
};

namespace detail_ctx {
/// The callback that ignores everything (the default observer).
struct no_observer {
  void operator()(const filtered_entry&) const noexcept {}
};

enum class act : std::uint8_t { proceed, skip_dir, fail };

/// `isNotExist`: fsutil turns these errors into SkipDir.
[[nodiscard]] constexpr bool not_exist(int e) noexcept { return e == ENOENT || e == ENOTDIR; }

template <class Source, class Callback, class Observer>
class walker {
 public:
  walker(Source& src, const filter* layers, std::size_t n, Callback& cb, Observer& obs, walk_result& res)
      : src_(src), layers_(layers), n_(n), cb_(cb), obs_(obs), res_(res), states_(n) {
    for (std::size_t k = 0; k < n; ++k) {
      states_[k].inc_words = layers[k].has_include ? layers[k].include.bit_words() : 0;
      states_[k].exc_words = layers[k].has_exclude ? layers[k].exclude.bit_words() : 0;
    }
  }

  void run() {
    dir_listing& l = listing(0);
    const int rc = src_.read_dir(std::string_view(), l);
    if (rc != 0) res_.root_os_error = rc;  // fsutil's Walk skips "." for both of WalkDir's calls
    l.sort();
    std::string path;
    for (std::size_t i = 0; i < listing(0).size(); ++i) {
      path.assign(listing(0).name(i).data(), listing(0).name(i).size());
      const act a = walk_entry(path, listing(0).type(i), 1);
      if (a == act::skip_dir) break;
      if (a == act::fail) return;
    }
  }

 private:
  struct node {
    std::string_view path;
    entry_type type;
    entry_info info;
    bool have_info;
  };
  struct frame {
    std::string with_sep;  // "dir/"
    entry_info info;
    bool have_info = false;
    bool called_fn = false;
    bool skip_fn = false;
    std::vector<std::uint64_t> inc_bits;
    std::vector<std::uint64_t> exc_bits;
  };
  struct layer_state {
    std::vector<frame> frames;
    std::size_t depth = 0;
    std::size_t inc_words = 0;
    std::size_t exc_words = 0;
  };

  Source& src_;
  const filter* layers_;
  std::size_t n_;
  Callback& cb_;
  Observer& obs_;
  walk_result& res_;
  std::vector<layer_state> states_;
  std::vector<dir_listing> listings_;

  dir_listing& listing(std::size_t depth) {
    if (listings_.size() <= depth) listings_.resize(depth + 1);
    return listings_[depth];
  }

  /// `filepath.WalkDir`'s walkDir for one entry below the root; `path` is extended and restored.
  act walk_entry(std::string& path, entry_type type, std::size_t depth) {
    ++res_.entries_seen;
    const bool is_dir = type == entry_type::directory;
    node n{path, type, entry_info{}, false};
    act a = handle(0, n, 0);
    if (a == act::fail) return a;
    if (a == act::skip_dir) return is_dir ? act::proceed : act::skip_dir;
    if (!is_dir) return act::proceed;
    dir_listing& l = listing(depth);
    l.clear();
    const int rc = src_.read_dir(path, l);
    if (rc != 0) {
      node again{path, type, entry_info{}, false};
      a = handle(0, again, rc);
      if (a == act::fail) return a;
      if (a == act::skip_dir) return act::proceed;
    }
    l.sort();
    const std::size_t base = path.size();
    for (std::size_t i = 0; i < listing(depth).size(); ++i) {
      const dir_listing& cur = listing(depth);
      path.resize(base);
      path += '/';
      path.append(cur.name(i).data(), cur.name(i).size());
      a = walk_entry(path, cur.type(i), depth + 1);
      if (a == act::fail) {
        path.resize(base);
        return a;
      }
      if (a == act::skip_dir) break;
    }
    path.resize(base);
    return act::proceed;
  }

  act fail_os(walk_errc code, int e, std::string_view path) {
    if (not_exist(e)) return act::skip_dir;
    res_.code = code;
    res_.os_error = e;
    res_.path.assign(path.data(), path.size());
    return act::fail;
  }

  /// `entry.Info()`.
  act ensure_info(node& n) {
    if (n.have_info) return act::proceed;
    const int rc = src_.stat(n.path, n.type, n.info);
    if (rc != 0) return fail_os(walk_errc::stat, rc, n.path);
    n.have_info = true;
    return act::proceed;
  }

  /// Hands `n` to the consumer (after the last layer).
  act deliver(node& n, int walk_err) {
    if (walk_err != 0) return fail_os(walk_errc::io, walk_err, n.path);
    const act a = ensure_info(n);
    if (a != act::proceed) return a;
    const entry e{n.path, n.type, n.info};
    if constexpr (std::is_void_v<decltype(cb_(e))>) {
      cb_(e);
      return act::proceed;
    } else {
      const visit v = cb_(e);
      if (v == visit::skip_dir) return act::skip_dir;
      if (v == visit::stop) {
        res_.code = walk_errc::stopped;
        res_.path.assign(n.path.data(), n.path.size());
        return act::fail;
      }
      return act::proceed;
    }
  }

  static bool starts_with(std::string_view s, std::string_view pre) noexcept {
    return s.size() >= pre.size() && std::memcmp(s.data(), pre.data(), pre.size()) == 0;
  }

  /// One FilterFS layer's callback for `n` (`walk_err`: the errno of WalkDir's second call).
  act handle(std::size_t k, node& n, int walk_err) {
    if (k == n_) return deliver(n, walk_err);
    const filter& f = layers_[k];
    layer_state& st = states_[k];
    const bool is_dir = n.type == entry_type::directory;
    const bool any = f.has_include || f.has_exclude;
    frame* slot = nullptr;
    if (any) {
      while (st.depth > 0 && !starts_with(n.path, st.frames[st.depth - 1].with_sep)) --st.depth;
      if (is_dir) {
        if (st.frames.size() <= st.depth) st.frames.resize(st.depth + 1);
        slot = &st.frames[st.depth];
        slot->with_sep.assign(n.path.data(), n.path.size());
        slot->with_sep += '/';
        slot->info = n.info;
        slot->have_info = n.have_info;
        slot->called_fn = false;
        slot->skip_fn = false;
        slot->inc_bits.resize(st.inc_words + 1);
        slot->exc_bits.resize(st.exc_words + 1);
      }
    }
    const frame* parent = st.depth > 0 ? &st.frames[st.depth - 1] : nullptr;
    bool skip = false;
    left_out why = left_out::excluded;
    if (f.has_include) {
      const dockerignore::match_result r = f.include.matches_using_parent_results(
          n.path, parent != nullptr ? parent->inc_bits.data() : nullptr, slot != nullptr ? slot->inc_bits.data() : nullptr);
      if (!r.ok()) return fail_match(walk_errc::include_match, r, k, n.path);
      if (!r.excluded) {
        if (is_dir && f.only_prefix_includes && !prefix_reaches(f.include, n.path, false)) {
          if (walk_err == 0) obs_(filtered_entry{n.path, n.type, k, left_out::not_included, true});
          return act::skip_dir;
        }
        skip = true;
        why = left_out::not_included;
      }
    }
    if (f.has_exclude) {
      const dockerignore::match_result r = f.exclude.matches_using_parent_results(
          n.path, parent != nullptr ? parent->exc_bits.data() : nullptr, slot != nullptr ? slot->exc_bits.data() : nullptr);
      if (!r.ok()) return fail_match(walk_errc::exclude_match, r, k, n.path);
      if (r.excluded) {
        if (is_dir && f.only_prefix_exclude_exceptions &&
            (!f.exclude.exclusions() || !prefix_reaches(f.exclude, n.path, true))) {
          if (walk_err == 0) obs_(filtered_entry{n.path, n.type, k, left_out::excluded, true});
          return act::skip_dir;
        }
        if (!skip) why = left_out::excluded;
        skip = true;
      }
    }
    if (walk_err != 0) {
      if (skip && walk_err == EACCES) return act::proceed;  // errors.Is(walkErr, os.ErrPermission)
      return fail_os(walk_errc::io, walk_err, n.path);
    }
    // from here on, a directory's frame is pushed whatever is returned (fsutil's defer)
    const act a = pass_on(k, n, skip, why, slot);
    if (any && is_dir) ++st.depth;
    return a;
  }

  act fail_match(walk_errc code, const dockerignore::match_result& r, std::size_t k, std::string_view path) {
    res_.code = code;
    res_.match_error = r.err;
    res_.pattern = r.pattern;
    res_.layer = k;
    res_.path.assign(path.data(), path.size());
    return act::fail;
  }

  act pass_on(std::size_t k, node& n, bool skip, left_out why, frame* slot) {
    if (skip) {
      obs_(filtered_entry{n.path, n.type, k, why, false});
      return act::proceed;
    }
    if (slot != nullptr) slot->called_fn = true;
    act a = ensure_info(n);
    if (a != act::proceed) return a;
    if (slot != nullptr) {
      slot->info = n.info;
      slot->have_info = true;
    }
    layer_state& st = states_[k];
    for (std::size_t i = 0; i < st.depth; ++i) {
      frame& fr = st.frames[i];
      if (fr.skip_fn) return act::skip_dir;
      if (fr.called_fn) continue;
      node pn{std::string_view(fr.with_sep.data(), fr.with_sep.size() - 1), entry_type::directory, fr.info,
              fr.have_info};
      a = ensure_info(pn);
      if (a != act::proceed) return a;
      fr.info = pn.info;
      fr.have_info = true;
      fr.called_fn = true;
      a = handle(k + 1, pn, 0);
      if (a == act::skip_dir) {
        st.frames[i].skip_fn = true;
        return act::skip_dir;
      }
      if (a == act::fail) return a;
    }
    return handle(k + 1, n, 0);
  }
};
}  // namespace detail_ctx

/// Walks `src` through stacked filter layers (`layers[0]` innermost, the one over the source;
/// `n == 0`: no filter) as `FilterFS.Walk` does, and calls `cb(const entry&)` for every entry
/// the outermost layer emits, parents before children, in lexical depth-first order. `cb` returns
/// `visit` (or nothing: always `visit::proceed`). `observer(const filtered_entry&)` hears about
/// every entry a layer leaves out, pruned or not.
///
/// Semantics (fsutil 6d9dc2e `filter.go`): each layer threads `MatchesUsingParentResults` through a
/// stack of parent directories; an entry is skipped when the include patterns do not match it or
/// the exclude patterns do; a skipped directory is not entered (pruned) when the patterns allow
/// it (include: no include pattern has a glob before its trailing `/**`, `/*` and none starts
/// with `dir/`; exclude: likewise with the `!` patterns); otherwise it is entered and emitted only
/// before its first kept descendant. A directory that cannot be read fails the walk unless it is
/// skipped and the error is EACCES; ENOENT and ENOTDIR (a vanished entry) count as `skip_dir`.
/// `skip_dir` from the consumer on a lazily emitted parent skips the rest of that directory.
///
/// `Source` provides `int read_dir(std::string_view dir, dir_listing& out)` (dir `""` is the root;
/// returns 0 or an errno, entries added before a failure are still walked) and
/// `int stat(std::string_view path, entry_type type, entry_info& out)` (0 or an errno).
///
/// Allocates (paths, frames, listings); the matching does not.
template <class Source, class Callback, class Observer = detail_ctx::no_observer>
walk_result walk(Source& src, const filter* layers, std::size_t n, Callback&& cb, Observer&& observer = Observer{}) {
  walk_result res;
  detail_ctx::walker<Source, std::remove_reference_t<Callback>, std::remove_reference_t<Observer>> w(
      src, layers, n, cb, observer, res);
  w.run();
  return res;
}

/// An in-memory directory tree (for tests, and for walking a listing you already have).
/// Parents are created as directories when missing.
class memory_source {
 public:
  /// An empty tree (the root exists).
  memory_source() { dirs_[std::string()]; }

  /// Adds `path` (relative, `/`-separated, clean). `unreadable` makes listing a directory fail with
  /// EACCES (mode 000); `vanished` makes `stat` fail with ENOENT (deleted after it was listed).
  void add(std::string_view path, entry_type type, std::uint64_t size = 0, bool unreadable = false,
           bool vanished = false) {
    const std::size_t slash = path.rfind('/');
    const std::string parent(slash == std::string_view::npos ? std::string_view() : path.substr(0, slash));
    if (!parent.empty() && nodes_.find(parent) == nodes_.end()) add(parent, entry_type::directory);
    node& nd = nodes_[std::string(path)];
    nd.type = type;
    nd.unreadable = unreadable;
    nd.vanished = vanished;
    nd.info.size = type == entry_type::file ? size : 0;
    const std::uint32_t perm = unreadable ? 0u : (type == entry_type::directory ? 0755u : 0644u);
#if defined(S_IFDIR)
    std::uint32_t kind = 0;
    if (type == entry_type::directory) kind = static_cast<std::uint32_t>(S_IFDIR);
    if (type == entry_type::symlink) kind = static_cast<std::uint32_t>(S_IFLNK);
    if (type == entry_type::file) kind = static_cast<std::uint32_t>(S_IFREG);
    nd.info.mode = perm | kind;
#else
    nd.info.mode = perm;
#endif
    std::vector<std::string>& kids = dirs_[parent];
    const std::string name(slash == std::string_view::npos ? path : path.substr(slash + 1));
    if (std::find(kids.begin(), kids.end(), name) == kids.end()) kids.push_back(name);
    if (type == entry_type::directory) dirs_[std::string(path)];
  }

  /// Lists `dir` (see `walk`).
  int read_dir(std::string_view dir, dir_listing& out) const {
    if (!dir.empty()) {
      const auto it = nodes_.find(dir);
      if (it == nodes_.end()) return ENOENT;
      if (it->second.type != entry_type::directory) return ENOTDIR;
      if (it->second.unreadable) return EACCES;
    }
    const auto d = dirs_.find(dir);
    if (d == dirs_.end()) return ENOENT;
    const std::string prefix = dir.empty() ? std::string() : std::string(dir) + "/";
    for (const std::string& name : d->second) out.add(name, nodes_.find(prefix + name)->second.type);
    return 0;
  }

  /// Metadata of `path` (see `walk`).
  int stat(std::string_view path, entry_type, entry_info& out) const {
    const auto it = nodes_.find(path);
    if (it == nodes_.end() || it->second.vanished) return ENOENT;
    out = it->second.info;
    return 0;
  }

 private:
  struct node {
    entry_type type = entry_type::file;
    entry_info info;
    bool unreadable = false;
    bool vanished = false;
  };
  std::map<std::string, node, std::less<>> nodes_;
  std::map<std::string, std::vector<std::string>, std::less<>> dirs_;
};

#if defined(__unix__) || defined(__APPLE__)
/// The host file system under a root directory: `readdir` (types from `d_type`, else `lstat`) and
/// `lstat`, through a stack of open directory descriptors that follows the depth-first walk
/// (`openat`/`fstatat`: each path component is resolved once, not once per entry). Symbolic
/// links are not followed. Not thread-safe; owns descriptors, so it is neither copied nor moved.
class posix_source {
 public:
  /// The tree under `root` (trailing slashes are ignored).
  explicit posix_source(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }
  posix_source(const posix_source&) = delete;             ///< owns descriptors
  posix_source& operator=(const posix_source&) = delete;  ///< owns descriptors
  /// Closes the descriptors.
  ~posix_source() {
    for (const open_dir& d : stack_) ::close(d.fd);
  }

  /// Lists `dir` (see `walk`).
  int read_dir(std::string_view dir, dir_listing& out) {
    const int fd = dir_fd(dir);
    if (fd < 0) return -fd;
    const int own = ::dup(fd);
    if (own < 0) return errno;
    DIR* d = ::fdopendir(own);
    if (d == nullptr) {
      const int e = errno;
      ::close(own);
      return e;
    }
    ::rewinddir(d);
    int rc = 0;
    for (;;) {
      errno = 0;
      const dirent* e = ::readdir(d);
      if (e == nullptr) {
        rc = errno;
        break;
      }
      const char* nm = e->d_name;
      if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))) continue;
#if defined(DT_DIR)
      entry_type t = entry_type::other;
      switch (e->d_type) {
        case DT_DIR: t = entry_type::directory; break;
        case DT_REG: t = entry_type::file; break;
        case DT_LNK: t = entry_type::symlink; break;
        case DT_UNKNOWN: t = type_at(fd, nm); break;
        default: break;
      }
#else
      const entry_type t = type_at(fd, nm);
#endif
      out.add(nm, t);
    }
    ::closedir(d);
    return rc;
  }

  /// `lstat` of `path` (see `walk`).
  int stat(std::string_view path, entry_type, entry_info& out) {
    const std::size_t slash = path.rfind('/');
    const int fd = dir_fd(slash == std::string_view::npos ? std::string_view() : path.substr(0, slash));
    if (fd < 0) return -fd;
    name_.assign(slash == std::string_view::npos ? path : path.substr(slash + 1));
    struct stat st {};
    if (::fstatat(fd, name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
    out.mode = static_cast<std::uint32_t>(st.st_mode);
    out.size = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
    return 0;
  }

 private:
  struct open_dir {
    std::string path;  // relative ("" for the root)
    int fd;
  };
  std::string root_;
  std::string name_;
  std::vector<open_dir> stack_;

  /// A descriptor for `dir` (relative), or minus an errno.
  int dir_fd(std::string_view dir) {
    if (stack_.empty()) {
      const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return -errno;
      stack_.push_back(open_dir{std::string(), fd});
    }
    auto under = [&](const std::string& top) {
      return top.empty() || dir == top ||
             (dir.size() > top.size() && dir[top.size()] == '/' && dir.substr(0, top.size()) == top);
    };
    while (stack_.size() > 1 && !under(stack_.back().path)) {
      ::close(stack_.back().fd);
      stack_.pop_back();
    }
    const open_dir& top = stack_.back();
    if (dir == top.path) return top.fd;
    name_.assign(top.path.empty() ? dir : dir.substr(top.path.size() + 1));
    const int fd = ::openat(top.fd, name_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    stack_.push_back(open_dir{std::string(dir), fd});
    return fd;
  }

  static entry_type type_at(int fd, const char* name) {
    struct stat st {};
    if (::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return entry_type::other;
    if (S_ISDIR(st.st_mode)) return entry_type::directory;
    if (S_ISREG(st.st_mode)) return entry_type::file;
    if (S_ISLNK(st.st_mode)) return entry_type::symlink;
    return entry_type::other;
  }
};
#endif

}  // namespace context
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_CONTEXT_HPP

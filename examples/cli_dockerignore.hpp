// SPDX-License-Identifier: Apache-2.0
// dockimg ignore / dockimg context: the .dockerignore commands of the CLI. Reading files and
// printing are here; reading and matching patterns are the library's.
#ifndef DOCKIMG_EXAMPLES_CLI_DOCKERIGNORE_HPP
#define DOCKIMG_EXAMPLES_CLI_DOCKERIGNORE_HPP

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli_common.hpp"
#include <dockimg/context.hpp>
#include <dockimg/dockerignore.hpp>

namespace dockimg_cli_ignore {

namespace dig = dockimg::dockerignore;
constexpr auto& put = dockimg_cli::out;
constexpr auto& put_err = dockimg_cli::err;
constexpr auto& slurp = dockimg_cli::read_file;
constexpr auto& json_str = dockimg_cli::json_string;


/// Help text of `dockimg ignore`.
constexpr std::string_view ignore_help =
    "usage: dockimg ignore --dockerignore FILE [PATHS_FILE|-]\n"
    "\n"
    "Reads FILE as Docker reads a .dockerignore and, for each path of PATHS_FILE (one a line;\n"
    "standard input when absent or '-'), prints '1<TAB>path' when the builder excludes it and\n"
    "'0<TAB>path' when it is sent, in input order. The answer is Docker's point query\n"
    "(MatchesOrParentMatches): the last pattern matching the path or one of its parents decides.\n"
    "\n"
    "Errors go to standard error as FILE:LINE:COLUMN: error: MESSAGE.\n"
    "Exit status: 0 on success, 1 when the file or a pattern fails, 2 on a usage error.\n";

/// Help text of `dockimg context`.
constexpr std::string_view context_help =
    "usage: dockimg context DIR [--dockerignore FILE] [--file DOCKERFILE] [--format=text|json]\n"
    "                           [--excluded]\n"
    "\n"
    "Walks DIR as BuildKit collects the build context and lists the files sent with their sizes,\n"
    "the totals and the largest directories sent. The ignore file is FILE, else\n"
    "<DOCKERFILE>.dockerignore next to the Dockerfile when it exists (BuildKit), else\n"
    "DIR/.dockerignore. DOCKERFILE (default DIR/Dockerfile) is always sent.\n"
    "\n"
    "  --excluded     also list what is left out (pruned directories end with '/')\n"
    "  --format=json  one JSON object: files, excluded, totals, largest directories, warnings\n"
    "\n"
    "Warns when the context sends what should never be sent: .git, node_modules, build outputs\n"
    "(bin/, obj/, dist/, target/), .env files, private keys and certificates (*.pem, *.key,\n"
    "id_rsa), and when there is no .dockerignore.\n"
    "Exit status: 0 on success, 1 on an error, 2 on a usage error.\n";




/// A loaded and compiled ignore file.
struct loaded {
  std::string text;
  std::vector<unsigned char> mem;
  dockimg::arena storage;
  dig::matcher m;
};

/// Reads and compiles `file`; prints `file:line:col: error: ...` and returns false on failure.
inline bool load(const std::string& file, loaded& l) {
  if (!slurp(file, l.text)) {
    put_err("dockimg: cannot read " + file + "\n");
    return false;
  }
  l.mem.resize(dig::storage_hint(l.text));
  l.storage = dockimg::arena(l.mem.data(), l.mem.size());
  const dig::read_result r = dig::read_all(l.text, l.storage);
  dockimg::source_locator where(l.text);
  auto report = [&](const dig::error& e) {
    const auto p = where.locate(e.range.begin);
    put_err(file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": error: " +
            std::string(dig::message(e.code)) + "\n");
  };
  if (!r.ok()) {
    report(r.err);
    return false;
  }
  const dig::compile_result c = dig::compile(r.patterns, l.storage);
  if (!c.ok()) {
    report(c.err);
    return false;
  }
  l.m = c.matcher;
  return true;
}

/// `dockimg ignore`.
inline int cmd_ignore(int argc, char** argv) {
  std::string ignore_file, paths_file = "-";
  bool have_paths = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      put(ignore_help);
      return 0;
    }
    if (a == "--dockerignore" && i + 1 < argc) {
      ignore_file = argv[++i];
    } else if (a.substr(0, 15) == "--dockerignore=") {
      ignore_file = std::string(a.substr(15));
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      put_err("dockimg ignore: unknown option '" + std::string(a) + "'\n");
      put_err(ignore_help);
      return 2;
    } else if (!have_paths) {
      paths_file = std::string(a);
      have_paths = true;
    } else {
      put_err("dockimg ignore: too many arguments\n");
      put_err(ignore_help);
      return 2;
    }
  }
  if (ignore_file.empty()) {
    put_err("dockimg ignore: --dockerignore FILE is required\n");
    put_err(ignore_help);
    return 2;
  }
  loaded l;
  if (!load(ignore_file, l)) return 1;
  std::string paths;
  if (!slurp(paths_file, paths)) {
    put_err("dockimg ignore: cannot read " + paths_file + "\n");
    return 1;
  }
  int status = 0;
  std::string o;
  for (std::size_t pos = 0; pos < paths.size();) {
    std::size_t nl = paths.find('\n', pos);
    if (nl == std::string::npos) nl = paths.size();
    std::string_view p(paths.data() + pos, nl - pos);
    pos = nl + 1;
    if (!p.empty() && p.back() == '\r') p.remove_suffix(1);
    const dig::match_result r = l.m.matches_or_parent_matches(p);
    if (!r.ok()) {
      std::string pat = r.pattern < l.m.patterns().size() ? std::string(l.m.patterns()[r.pattern].text) : "";
      put_err("dockimg ignore: " + std::string(p) + ": pattern '" + pat + "': " + std::string(dig::message(r.err)) + "\n");
      status = 1;
      continue;
    }
    o += r.excluded ? "1\t" : "0\t";
    o.append(p.data(), p.size());
    o += '\n';
    if (o.size() > (1u << 16)) {
      put(o);
      o.clear();
    }
  }
  put(o);
  return status;
}

/// The practices `context` warns about, for one sent entry.
inline const char* practice_warning(std::string_view path, bool dir) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto ends = [&](std::string_view suf) {
    return name.size() >= suf.size() && name.substr(name.size() - suf.size()) == suf;
  };
  if (dir) {
    if (name == ".git") return "the .git directory is sent (history and possibly secrets)";
    if (name == "node_modules") return "node_modules is sent (install dependencies in the image instead)";
    if (name == "bin" || name == "obj" || name == "dist" || name == "target") return "a build output directory is sent";
    return nullptr;
  }
  if (name == ".env" || (name.substr(0, 5) == ".env." && name != ".env.example")) return "an .env file is sent";
  if (ends(".pem") || ends(".key") || name.substr(0, 6) == "id_rsa" || name.substr(0, 8) == "id_ecdsa" ||
      name.substr(0, 10) == "id_ed25519") {
    return "a private key or certificate is sent";
  }
  return nullptr;
}

/// `dockimg context`.
inline int cmd_context(int argc, char** argv) {
  std::string dir, ignore_file, dockerfile, format = "text";
  bool list_excluded = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      put(context_help);
      return 0;
    }
    if (a == "--dockerignore" && i + 1 < argc) {
      ignore_file = argv[++i];
    } else if (a.substr(0, 15) == "--dockerignore=") {
      ignore_file = std::string(a.substr(15));
    } else if ((a == "--file" || a == "-f") && i + 1 < argc) {
      dockerfile = argv[++i];
    } else if (a.substr(0, 7) == "--file=") {
      dockerfile = std::string(a.substr(7));
    } else if (a.substr(0, 9) == "--format=") {
      format = std::string(a.substr(9));
    } else if (a == "--excluded") {
      list_excluded = true;
    } else if (!a.empty() && a[0] == '-') {
      put_err("dockimg context: unknown option '" + std::string(a) + "'\n");
      put_err(context_help);
      return 2;
    } else if (dir.empty()) {
      dir = std::string(a);
    } else {
      put_err("dockimg context: too many arguments\n");
      put_err(context_help);
      return 2;
    }
  }
  if (dir.empty() || (format != "text" && format != "json")) {
    put_err(dir.empty() ? "dockimg context: no DIR given\n" : "dockimg context: unknown format (text or json)\n");
    put_err(context_help);
    return 2;
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dockerfile.empty()) dockerfile = dir + "/Dockerfile";
  bool has_ignore = true;
  if (ignore_file.empty()) {
    std::string probe;
    if (slurp(dockerfile + ".dockerignore", probe)) {
      ignore_file = dockerfile + ".dockerignore";
    } else if (slurp(dir + "/.dockerignore", probe)) {
      ignore_file = dir + "/.dockerignore";
    } else {
      has_ignore = false;
    }
  }
  loaded l;
  if (has_ignore && !load(ignore_file, l)) return 1;

  // the Dockerfile's path relative to DIR, when it is inside
  std::string df_rel;
  if (dockerfile.size() > dir.size() + 1 && dockerfile.compare(0, dir.size() + 1, dir + "/") == 0) {
    df_rel = dockerfile.substr(dir.size() + 1);
  }

  struct sent_file {
    std::string path;
    std::uint64_t size;
  };
  std::vector<sent_file> files;
  std::vector<std::string> excluded;
  std::vector<std::string> sent_dirs;
  std::vector<std::string> warnings;
  std::map<std::string, std::uint64_t> dir_bytes;  // top-level directory -> bytes sent
  std::uint64_t total = 0;
  std::size_t ndirs = 0;
  bool dockerfile_sent = df_rel.empty();
  // BuildKit's client: one fsutil FilterFS layer with the ignore file's patterns as ExcludePatterns
  namespace ctx = dockimg::context;
  const ctx::filter layer = ctx::make_filter(nullptr, has_ignore ? &l.m : nullptr);
  ctx::posix_source src(dir);
  auto cb = [&](const ctx::entry& e) {
    if (const char* w = practice_warning(e.path, e.is_dir())) {
      warnings.push_back(std::string(e.path) + (e.is_dir() ? "/" : "") + ": " + w);
    }
    if (e.is_dir()) {
      ++ndirs;
      if (list_excluded) sent_dirs.emplace_back(e.path);
      return;
    }
    if (e.path == df_rel) dockerfile_sent = true;
    files.push_back({std::string(e.path), e.info.size});
    total += e.info.size;
    const std::size_t slash = e.path.find('/');
    if (slash != std::string_view::npos) dir_bytes[std::string(e.path.substr(0, slash))] += e.info.size;
  };
  auto left_out = [&](const ctx::filtered_entry& e) {
    if (list_excluded) excluded.push_back(std::string(e.path) + (e.pruned ? "/" : ""));
  };
  const ctx::walk_result res = ctx::walk(src, &layer, has_ignore ? 1 : 0, cb, left_out);
  if (res.root_os_error != 0) {  // fsutil walks nothing then; say why
    put_err("dockimg context: cannot read " + dir + "/: " + std::string(std::strerror(res.root_os_error)) + "\n");
    return 1;
  }
  if (!res.ok()) {
    if (res.code == ctx::walk_errc::exclude_match) {
      put_err("dockimg context: failed to match excludepatterns: " + std::string(dig::message(res.match_error)) +
              " (at " + res.path + ")\n");
    } else if (res.code == ctx::walk_errc::io || res.code == ctx::walk_errc::stat) {
      put_err("dockimg context: cannot read " + dir + "/" + res.path + ": " + std::string(std::strerror(res.os_error)) +
              "\n");
    } else {
      put_err("dockimg context: " + res.message() + "\n");
    }
    return 1;
  }
  if (list_excluded) {
    // an excluded directory holding a re-included entry is sent after all (emitted lazily)
    std::sort(sent_dirs.begin(), sent_dirs.end());
    excluded.erase(std::remove_if(excluded.begin(), excluded.end(),
                                  [&](const std::string& x) {
                                    return std::binary_search(sent_dirs.begin(), sent_dirs.end(), x);
                                  }),
                   excluded.end());
  }
  if (!dockerfile_sent) {
    // excluded by the patterns, but the builder fetches it separately: it is always sent
    std::string data;
    const std::uint64_t size = slurp(dockerfile, data) ? data.size() : 0;
    total += size;
    files.push_back({df_rel + "  (excluded by the patterns; the builder fetches the Dockerfile separately)", size});
  }
  if (!has_ignore) warnings.insert(warnings.begin(), "no .dockerignore: everything under " + dir + " is sent");
  std::vector<std::pair<std::string, std::uint64_t>> largest(dir_bytes.begin(), dir_bytes.end());
  std::sort(largest.begin(), largest.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (largest.size() > 5) largest.resize(5);

  std::string o;
  if (format == "json") {
    o += "{\"dir\":";
    json_str(o, dir);
    o += ",\"dockerignore\":";
    if (has_ignore) {
      json_str(o, ignore_file);
    } else {
      o += "null";
    }
    o += ",\"files\":[";
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (i > 0) o += ',';
      o += "{\"path\":";
      json_str(o, files[i].path);
      o += ",\"size\":" + std::to_string(files[i].size) + "}";
    }
    o += "],\"total_files\":" + std::to_string(files.size()) + ",\"total_dirs\":" + std::to_string(ndirs) +
         ",\"total_bytes\":" + std::to_string(total) + ",\"largest_dirs\":[";
    for (std::size_t i = 0; i < largest.size(); ++i) {
      if (i > 0) o += ',';
      o += "{\"path\":";
      json_str(o, largest[i].first);
      o += ",\"bytes\":" + std::to_string(largest[i].second) + "}";
    }
    o += "]";
    if (list_excluded) {
      o += ",\"excluded\":[";
      for (std::size_t i = 0; i < excluded.size(); ++i) {
        if (i > 0) o += ',';
        json_str(o, excluded[i]);
      }
      o += "]";
    }
    o += ",\"warnings\":[";
    for (std::size_t i = 0; i < warnings.size(); ++i) {
      if (i > 0) o += ',';
      json_str(o, warnings[i]);
    }
    o += "]}\n";
    put(o);
    return 0;
  }
  for (const auto& f : files) {
    char b[32];
    std::snprintf(b, sizeof b, "%12llu  ", static_cast<unsigned long long>(f.size));
    o += b + f.path + "\n";
  }
  if (list_excluded) {
    o += "\nexcluded:\n";
    for (const auto& e : excluded) o += "  " + e + "\n";
  }
  o += "\n" + std::to_string(files.size()) + " files in " + std::to_string(ndirs) + " directories, " +
       std::to_string(total) + " bytes sent (" + (has_ignore ? ignore_file : std::string("no .dockerignore")) + ")\n";
  if (!largest.empty()) {
    o += "largest directories sent:\n";
    for (const auto& d : largest) o += "  " + std::to_string(d.second) + "  " + d.first + "/\n";
  }
  put(o);
  for (const auto& w : warnings) put_err("warning: " + w + "\n");
  return 0;
}

}  // namespace dockimg_cli_ignore

#endif  // DOCKIMG_EXAMPLES_CLI_DOCKERIGNORE_HPP

// heredoc_build.jsonl: BuildKit's integration tests of here-documents, checked byte for byte.
//
// dockimg computes what BuildKit's dispatcher hands to the runtime: the exact bytes, mode and
// destination of every COPY/ADD here-document, and the argv, environment, working directory and
// mounted inline files of every RUN (dispatch.hpp). This test is the runtime: a small executor that
// applies those results to a directory per stage. RUN instructions are executed for real with
// BusyBox (the records' base image) in a chroot with a private /proc, which needs root, unshare
// and /bin/busybox (Debian's busybox-static); without them the records that need a RUN or the
// busybox base are reported as skipped. Then it exports the target stage and compares every
// regular file with `expected_files`.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <dockimg/dispatch.hpp>

#include "test_support.hpp"

namespace {

namespace df = dockimg::dockerfile;

std::string shq(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool mkdir_p(const std::string& p) {
  if (p.empty() || is_dir(p)) return true;
  const std::size_t slash = p.rfind('/');
  if (slash != std::string::npos && slash > 0 && !mkdir_p(p.substr(0, slash))) return false;
  return ::mkdir(p.c_str(), 0755) == 0 || errno == EEXIST;
}

bool write_file(const std::string& path, std::string_view data, unsigned mode) {
  ::unlink(path.c_str());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return false;
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return ::chmod(path.c_str(), static_cast<mode_t>(mode)) == 0;
}

/// Looks a user or group name up in the stage's /etc/passwd or /etc/group (numeric ids pass).
bool lookup_id(const std::string& root, const std::string& name, bool group, long& id) {
  if (name.empty()) return false;
  char* end = nullptr;
  id = std::strtol(name.c_str(), &end, 10);
  if (end != nullptr && *end == '\0') return true;
  std::string text;
  if (!dockimg_test::read_file(root + (group ? "/etc/group" : "/etc/passwd"), text)) return false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t c1 = line.find(':');
    const std::size_t c2 = line.find(':', c1 + 1);
    const std::size_t c3 = line.find(':', c2 + 1);
    if (c3 == std::string::npos || line.substr(0, c1) != name) continue;
    id = std::strtol(line.substr(c2 + 1, c3 - c2 - 1).c_str(), nullptr, 10);
    return true;
  }
  return false;
}

/// Every regular file under `dir`, by path relative to it.
void collect(const std::string& dir, const std::string& rel, std::map<std::string, std::string>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  for (const std::string& n : names) {
    const std::string full = dir + "/" + n;
    const std::string r = rel.empty() ? n : rel + "/" + n;
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      collect(full, r, out);
    } else if (S_ISREG(st.st_mode)) {
      std::string text;
      dockimg_test::read_file(full, text);
      out[r] = text;
    }
  }
}

struct capabilities {
  bool runtime = false;  ///< root, unshare(CLONE_NEWNS) and /bin/busybox
  std::string why;
};

capabilities probe_runtime() {
  capabilities c;
  if (::geteuid() != 0) {
    c.why = "not root";
    return c;
  }
  if (::access("/bin/busybox", X_OK) != 0) {
    c.why = "/bin/busybox missing (apt-get install busybox-static)";
    return c;
  }
  const pid_t pid = ::fork();
  if (pid == 0) _exit(::unshare(CLONE_NEWNS) == 0 ? 0 : 1);
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    c.why = "unshare(CLONE_NEWNS) is not permitted";
    return c;
  }
  c.runtime = true;
  return c;
}

/// The executor: one directory per stage.
class runtime {
 public:
  runtime(std::string work, bool can_run) : work_(std::move(work)), can_run_(can_run) {}

  std::string error;        ///< why the build failed
  bool needs_runtime = false;  ///< the record needs RUN or a busybox base and we cannot

  bool build(const std::string& dockerfile, std::map<std::string, std::string>& exported) {
    std::vector<unsigned char> mem(df::storage_hint(dockerfile) * 4 + (1u << 20));
    dockimg::arena storage(mem.data(), mem.size());
    const df::document doc = df::parse(dockerfile, storage);
    if (!doc.ok()) return fail("parse: " + df::message(doc.error()));
    const df::stage_list stages = df::parse_stages(doc, storage);
    if (!stages.ok()) return fail("instructions: " + df::message(stages.error()));
    const df::stage_graph graph = df::build_graph(doc, stages, df::graph_options(), storage);
    if (!graph.ok()) return fail("graph: " + df::message(graph.error));
    roots_.assign(stages.stages().size(), std::string());
    for (std::size_t i = 0; i < stages.stages().size(); ++i) {
      if (!graph.nodes[i].reachable) continue;
      if (!run_stage(doc, stages, graph, i, storage)) return false;
    }
    collect(roots_[static_cast<std::size_t>(graph.target)], "", exported);
    return true;
  }

 private:
  std::string work_;
  bool can_run_;
  std::vector<std::string> roots_;

  bool fail(const std::string& why) {
    if (error.empty()) error = why;
    return false;
  }

  bool sh(const std::string& cmd) {
    const int rc = std::system(cmd.c_str());
    if (rc != 0) return fail("command failed: " + cmd);
    return true;
  }

  bool make_busybox_root(const std::string& root) {
    if (!can_run_) {
      needs_runtime = true;
      return false;
    }
    for (const char* d : {"/bin", "/etc", "/tmp", "/proc", "/dev", "/root", "/home"}) {
      if (!mkdir_p(root + d)) return fail("mkdir " + root + d);
    }
    ::chmod((root + "/tmp").c_str(), 01777);
    if (!sh("cp /bin/busybox " + shq(root + "/bin/busybox"))) return false;
    // one link per applet, as the busybox image has
    FILE* list = ::popen("/bin/busybox --list", "r");
    if (list == nullptr) return fail("busybox --list");
    char name[256];
    while (std::fgets(name, sizeof name, list) != nullptr) {
      std::string n = name;
      while (!n.empty() && (n.back() == '\n' || n.back() == '\r')) n.pop_back();
      if (n.empty() || n == "busybox") continue;
      (void)::symlink("busybox", (root + "/bin/" + n).c_str());
    }
    ::pclose(list);
    // Debian's busybox-static is built without adduser; the busybox image has it. A stand-in for
    // the form the records use (`adduser -D NAME`: first free uid from 1000, a group of the same
    // name, a home directory).
    if (::access((root + "/bin/adduser").c_str(), F_OK) != 0 &&
        !write_file(root + "/bin/adduser",
                    "#!/bin/sh\n"
                    "[ \"$1\" = -D ] && shift\n"
                    "id=1000\n"
                    "while grep -q \"^[^:]*:[^:]*:$id:\" /etc/passwd; do id=$((id+1)); done\n"
                    "echo \"$1:x:$id:\" >> /etc/group\n"
                    "echo \"$1:x:$id:$id:Linux User,,,:/home/$1:/bin/sh\" >> /etc/passwd\n"
                    "mkdir -p /home/$1 && chown $id:$id /home/$1\n",
                    0755)) {
      return fail("write adduser");
    }
    return write_file(root + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644) &&
           write_file(root + "/etc/group", "root:x:0:\n", 0644) &&
           write_file(root + "/etc/shadow", "root:*:19000:0:99999:7:::\n", 0640);
  }

  bool run_stage(const df::document& doc, const df::stage_list& stages, const df::stage_graph& graph,
                 std::size_t index, dockimg::arena& storage) {
    const df::stage_node& node = graph.nodes[index];
    const std::string root = work_ + "/stage" + std::to_string(index);
    roots_[index] = root;
    if (node.base_stage >= 0) {
      if (!sh("cp -a " + shq(roots_[static_cast<std::size_t>(node.base_stage)]) + " " + shq(root))) return false;
    } else if (node.base_name == "scratch") {
      if (!mkdir_p(root)) return fail("mkdir " + root);
    } else if (node.base_name == "busybox") {
      if (!make_busybox_root(root)) return false;
    } else {
      return fail("the test runtime has no image " + std::string(node.base_name));
    }
    bool ok = true;
    const df::dispatch_error err = df::dispatch_stage(
        doc, stages, graph, index, df::dispatch_options(), storage,
        [&](const df::command& cmd, const df::dispatch_state& st) {
          ok = apply(cmd, st, root, storage);
          return ok;
        });
    if (err) return fail("dispatch: " + df::message(err));
    return ok;
  }

  std::string expand(const df::dispatch_state& st, std::string_view word, dockimg::arena& storage) {
    const dockimg::shell::word_result r = df::expand(st, word, storage);
    if (!r.ok()) {
      fail("expansion failed: " + std::string(word));
      return std::string();
    }
    return std::string(r.word);
  }

  bool apply(const df::command& cmd, const df::dispatch_state& st, const std::string& root,
             dockimg::arena& storage) {
    switch (cmd.kind) {
      case df::keyword::workdir: {
        // the state after WORKDIR is the dispatcher's; BuildKit also creates the directory
        const auto* wd = cmd.get<df::workdir_command>();
        const std::string p = expand(st, wd->path, storage);
        const df::path_result abs = df::normalize_workdir(st.workdir, p, storage);
        return abs.ok() && mkdir_p(root + std::string(abs.path));
      }
      case df::keyword::copy:
      case df::keyword::add: return copy(cmd, st, root, storage);
      case df::keyword::run: return run(*cmd.get<df::run_command>(), st, root, storage);
      case df::keyword::from:
      case df::keyword::arg:
      case df::keyword::env:
      case df::keyword::shell:
      case df::keyword::label: return true;
      default: return fail("the test runtime does not execute " + std::string(cmd.name));
    }
  }

  /// Where a file named `base` lands for destination `dest` (fileop copy: into a directory when
  /// the destination ends with `/` or is an existing directory).
  static std::string target_of(const std::string& root, const std::string& dest, const std::string& base) {
    if (!dest.empty() && dest.back() == '/') return root + dest + base;
    if (dest.size() >= 2 && dest.substr(dest.size() - 2) == "/.") return root + dest.substr(0, dest.size() - 1) + base;
    if (is_dir(root + dest)) return root + dest + "/" + base;
    return root + dest;
  }

  bool copy(const df::command& cmd, const df::dispatch_state& st, const std::string& root,
            dockimg::arena& storage) {
    const df::sources_and_dest* sd = nullptr;
    std::string_view chmod_text;
    std::string_view chown_text;
    std::string_view from;
    if (const auto* c = cmd.get<df::copy_command>()) {
      sd = c;
      chmod_text = c->chmod;
      chown_text = c->chown;
      from = c->from;
    } else if (const auto* a = cmd.get<df::add_command>()) {
      sd = a;
      chmod_text = a->chmod;
      chown_text = a->chown;
    }
    const std::string dest_word = expand(st, sd->dest, storage);
    const df::path_result dest = df::copy_destination(st, dest_word, storage);
    if (!dest.ok()) return fail("copy destination");
    const std::string chmod_value = expand(st, chmod_text, storage);
    df::chmod_spec mode;
    bool has_mode = false;
    if (!chmod_value.empty()) {
      const df::chmod_result m = df::parse_chmod(chmod_value);
      if (!m.ok()) return fail("chmod: " + df::message(df::dispatch_error{m.code, chmod_text, {}, &cmd}));
      mode = m.value;
      has_mode = true;
    }
    const std::string chown_value = expand(st, chown_text, storage);
    long uid = -1;
    long gid = -1;
    if (!chown_value.empty()) {
      const std::size_t colon = chown_value.find(':');
      const std::string user = chown_value.substr(0, colon);
      const std::string group = colon == std::string::npos ? user : chown_value.substr(colon + 1);
      if (!lookup_id(root, user, false, uid) || !lookup_id(root, group, true, gid)) {
        return fail("unknown owner " + chown_value);
      }
    }
    const std::string d(dest.path);
    // the destination's parent directories are created (CreateDestPath)
    const bool into_dir = (!d.empty() && d.back() == '/') || sd->source_contents.size() + sd->source_paths.size() > 1;
    if (!mkdir_p(root + (into_dir ? d : d.substr(0, d.rfind('/'))))) return fail("mkdir " + d);
    for (std::string_view src_word : sd->source_paths) {
      if (from.empty()) return fail("the test runtime has no build context");
      const std::string src = expand(st, src_word, storage);
      const std::int32_t other = stage_index(from);
      if (other < 0) return fail("COPY --from an image is not supported by the test runtime");
      const std::string from_path = roots_[static_cast<std::size_t>(other)] + src;
      if (src.find_first_of("*?[") != std::string::npos) return fail("wildcards are not supported by the test runtime");
      if (is_dir(from_path)) {
        if (!mkdir_p(root + d)) return fail("mkdir " + d);
        if (!sh("cp -a " + shq(from_path) + "/. " + shq(root + d))) return false;
      } else {
        const std::string base = src.substr(src.rfind('/') + 1);
        if (!sh("cp -a " + shq(from_path) + " " + shq(target_of(root, d, base)))) return false;
      }
    }
    for (const df::source_content& sc : sd->source_contents) {
      const dockimg::shell::word_result data = df::heredoc_contents(st, sc, storage);
      if (!data.ok()) return fail("heredoc expansion failed");
      const std::uint32_t m = has_mode ? mode.apply(0644, false) : 0644;
      const std::string path = target_of(root, d, std::string(sc.path));
      if (!write_file(path, data.word, m)) return fail("write " + path);
      if (uid >= 0 && ::lchown(path.c_str(), static_cast<uid_t>(uid), static_cast<gid_t>(gid)) != 0) {
        return fail("chown " + path);
      }
    }
    return true;
  }

  std::int32_t stage_index(std::string_view name) const {
    for (std::size_t j = 0; j < names_.size(); ++j) {
      if (names_[j] == name) return static_cast<std::int32_t>(j);
    }
    return -1;
  }

 public:
  std::vector<std::string> names_;  ///< stage names (lowercase), filled by the caller

 private:
  bool run(const df::run_command& r, const df::dispatch_state& st, const std::string& root,
           dockimg::arena& storage) {
    if (!can_run_) {
      needs_runtime = true;
      return false;
    }
    const df::run_invocation inv = df::plan_run(r, st, storage);
    if (!inv.ok()) return fail("plan_run failed");
    for (const df::run_file& f : inv.files) {
      const std::string p = root + std::string(f.path);
      if (!mkdir_p(p.substr(0, p.rfind('/'))) || !write_file(p, f.data, f.mode)) return fail("write " + p);
    }
    if (!mkdir_p(root + std::string(st.workdir))) return fail("mkdir workdir");
    std::vector<std::string> args(inv.args.begin(), inv.args.end());
    std::vector<std::string> env;
    for (const auto& v : st.env) env.push_back(std::string(v.key) + "=" + std::string(v.value));
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string proc = root + "/proc";
    const std::string cwd(st.workdir);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::alarm(60);
      if (::unshare(CLONE_NEWNS) != 0) _exit(120);
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(121);
      if (::mount("proc", proc.c_str(), "proc", 0, nullptr) != 0) _exit(122);
      const int devnull = ::open("/dev/null", O_RDONLY);  // no stdin, as in a build
      if (devnull < 0 || ::dup2(devnull, 0) < 0) _exit(124);
      if (::chroot(root.c_str()) != 0 || ::chdir(cwd.c_str()) != 0) _exit(123);
      ::execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return fail("fork/wait failed");
    for (const df::run_file& f : inv.files) ::unlink((root + std::string(f.path)).c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return fail("RUN exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                  ": " + args.back());
    }
    return true;
  }
};

}  // namespace

TEST_CASE("heredoc_build.jsonl: exact file contents of COPY and RUN here-documents") {
  const std::string path = dockimg_test::corpus_dir() + "/buildkit-parser/heredoc_build.jsonl";
  if (dockimg_test::skip_without(path)) return;
  const capabilities caps = probe_runtime();
  const std::string work = "/tmp/dockimg_heredoc_build_" + std::to_string(::getpid());
  int checked = 0;
  int agreed = 0;
  int skipped = 0;
  int n = 0;
  for (const auto& rec : dockimg_test::read_jsonl(path)) {
    const std::string id = rec["id"].get<std::string>();
    const std::string dir = work + "/" + std::to_string(n++);
    mkdir_p(dir);
    runtime rt(dir, caps.runtime);
    // stage names for COPY --from, in order
    {
      std::string text = rec["dockerfile"].get<std::string>();
      std::vector<unsigned char> mem(df::storage_hint(text) * 4);
      dockimg::arena storage(mem.data(), mem.size());
      const df::document doc = df::parse(text, storage);
      const df::stage_list sl = df::parse_stages(doc, storage);
      for (const auto& st : sl.stages()) rt.names_.emplace_back(st.name);
    }
    std::map<std::string, std::string> exported;
    const bool built = rt.build(rec["dockerfile"].get<std::string>(), exported);
    if (!built && rt.needs_runtime) {
      ++skipped;
      MESSAGE(id << ": skipped, it needs the RUN runtime (" << caps.why << ")");
      continue;
    }
    ++checked;
    INFO(id);
    INFO(rt.error);
    CHECK(built);
    std::map<std::string, std::string> expected;
    for (const auto& [k, v] : rec["expected_files"].items()) expected[k] = v.get<std::string>();
    CHECK(exported == expected);
    if (built && exported == expected) ++agreed;
  }
  std::system(("rm -rf " + shq(work)).c_str());
  MESSAGE("heredoc_build.jsonl: " << agreed << "/" << checked << " builds give the expected files byte for byte"
                                  << (skipped ? ", " + std::to_string(skipped) + " skipped: " + caps.why : std::string()));
  if (skipped > 0 && checked == 0) std::printf("SKIPPED: heredoc_build needs root, unshare and /bin/busybox\n");
}

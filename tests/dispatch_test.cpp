// dispatch.hpp: the dispatcher's state, paths, RUN command lines and dispatch-time checks.
// Expectations come from the behaviour BuildKit documents and from the operating system itself
// (GNU chmod and the kernel's signal numbers), not from the implementation.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <dockimg/dispatch.hpp>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace df = dockimg::dockerfile;

namespace {

struct walked {
  std::vector<std::string> env;      // "k=v" before each instruction of the stage, joined by ';'
  std::vector<std::string> workdir;  // workdir before each instruction
  std::vector<std::string> user;
  std::string error;
};

walked walk(const std::string& text, std::size_t stage, std::vector<df::build_arg> args = {}) {
  static std::vector<unsigned char> mem(1 << 20);
  dockimg::arena storage(mem.data(), mem.size());
  walked out;
  const df::document doc = df::parse(text, storage);
  REQUIRE(doc.ok());
  const df::stage_list sl = df::parse_stages(doc, storage);
  REQUIRE(sl.ok());
  df::graph_options go;
  go.build_args = {args.data(), args.size()};
  const df::stage_graph g = df::build_graph(doc, sl, go, storage);
  REQUIRE(g.ok());
  df::dispatch_options opt;
  opt.build_args = go.build_args;
  const df::dispatch_error e =
      df::dispatch_stage(doc, sl, g, stage, opt, storage, [&](const df::command&, const df::dispatch_state& st) {
        std::string env;
        for (const auto& v : st.env) {
          if (v.key == "PATH") continue;
          env += std::string(v.key) + "=" + std::string(v.value) + ";";
        }
        out.env.push_back(env);
        out.workdir.emplace_back(st.workdir);
        out.user.emplace_back(st.user);
        return true;
      });
  if (e) out.error = df::message(e);
  return out;
}

}  // namespace

TEST_CASE("dispatch state: ARG and ENV in order with build args and global defaults") {
  const std::string text =
      "ARG G=global\n"
      "FROM scratch AS base\n"
      "ARG G\n"                 // takes the global value
      "ARG A=1\n"
      "ENV E=$A-x\n"
      "ARG A=2\n"               // a later ARG replaces the build environment's value
      "ENV X=${E}/${G}\n"
      "FROM base AS child\n"
      "ARG B\n"                 // no value, no build arg: not in the environment
      "ENV C=$X\n"
      "RUN true\n";
  const walked w = walk(text, 1);
  REQUIRE(w.error.empty());
  REQUIRE(w.env.size() == 3);
  CHECK(w.env[0] == "G=global;A=2;E=1-x;X=1-x/global;");  // the base stage's final state
  CHECK(w.env[2] == "G=global;A=2;E=1-x;X=1-x/global;C=1-x/global;");
  const walked b = walk(text, 0, {{"A", "from-cli"}, {"B", "b"}});
  REQUIRE(b.env.size() == 5);
  CHECK(b.env[4] == "G=global;A=from-cli;E=from-cli-x;");
  const walked c = walk(text, 1, {{"B", "b"}});
  REQUIRE(c.env.size() == 3);
  CHECK(c.env[2] == "G=global;A=2;E=1-x;X=1-x/global;B=b;C=1-x/global;");
}

TEST_CASE("dispatch state: WORKDIR joins relative paths and USER expands") {
  const walked w = walk(
      "FROM scratch\nARG U=app\nWORKDIR a\nWORKDIR b/../c\nWORKDIR /abs/./x\nWORKDIR y\nUSER $U\nRUN true\n", 0);
  REQUIRE(w.error.empty());
  REQUIRE(w.workdir.size() == 7);
  CHECK(w.workdir[0] == "/");
  CHECK(w.workdir[3] == "/a/c");
  CHECK(w.workdir[4] == "/abs/./x");  // absolute paths are kept as written
  CHECK(w.workdir[5] == "/abs/x/y");  // and cleaned when joined
  CHECK(w.user[6] == "app");
  const walked bad = walk("FROM scratch\nWORKDIR ${x:?must be set}\n", 0);
  CHECK(bad.error == "failed to process \"${x:?must be set}\": x: must be set");
}

TEST_CASE("copy destinations relative to the working directory") {
  std::vector<unsigned char> mem(4096);
  dockimg::arena a(mem.data(), mem.size());
  df::dispatch_state st;
  st.workdir = "/app";
  CHECK(df::copy_destination(st, "x", a).path == "/app/x");
  CHECK(df::copy_destination(st, "x/", a).path == "/app/x/");
  CHECK(df::copy_destination(st, ".", a).path == "/app/");
  CHECK(df::copy_destination(st, "", a).path == "/app/");
  CHECK(df::copy_destination(st, "./", a).path == "/app/");
  CHECK(df::copy_destination(st, "../etc/", a).path == "/etc/");
  CHECK(df::copy_destination(st, "sub/.", a).path == "/app/sub/.");
  CHECK(df::copy_destination(st, "/abs//x/", a).path == "/abs//x/");
  st.workdir = "/";
  CHECK(df::copy_destination(st, ".", a).path == "/");
  CHECK(df::copy_destination(st, "a/..", a).path == "/");
}

TEST_CASE("clean_path is Go's path.Clean") {
  const char* cases[][2] = {{"", "."},         {"/", "/"},        {"a//b", "a/b"},   {"a/./b/", "a/b"},
                            {"../a", "../a"},  {"/../a", "/a"},   {"a/../..", ".."}, {"/a/b/../../..", "/"},
                            {"./", "."},       {"a/b/c/../d", "a/b/d"}};
  for (const auto& c : cases) {
    char out[64];
    const std::string_view in = c[0];
    CHECK(std::string_view(out, df::clean_path(in, out)) == c[1]);
  }
}

TEST_CASE("plan_run: shell form, exec form and here-documents") {
  auto plan = [](const std::string& text, std::vector<std::string>& args, std::vector<std::string>& files) {
    static std::vector<unsigned char> mem(1 << 20);
    dockimg::arena storage(mem.data(), mem.size());
    const df::document doc = df::parse(text, storage);
    REQUIRE(doc.ok());
    const df::stage_list sl = df::parse_stages(doc, storage);
    REQUIRE(sl.ok());
    const df::stage_graph g = df::build_graph(doc, sl, df::graph_options(), storage);
    REQUIRE(g.ok());
    bool ok = true;
    (void)df::dispatch_stage(doc, sl, g, 0, df::dispatch_options(), storage,
                             [&](const df::command& c, const df::dispatch_state& st) {
                               if (const auto* r = c.get<df::run_command>()) {
                                 const df::run_invocation inv = df::plan_run(*r, st, storage);
                                 ok = inv.ok();
                                 args.assign(inv.args.begin(), inv.args.end());
                                 files.clear();
                                 for (const auto& f : inv.files) {
                                   files.push_back(std::string(f.path) + ":" + std::to_string(f.mode) + ":" +
                                                   std::string(f.data));
                                 }
                               }
                               return true;
                             });
    return ok;
  };
  std::vector<std::string> args;
  std::vector<std::string> files;
  REQUIRE(plan("FROM a\nRUN echo  hi \n", args, files));
  CHECK(args == std::vector<std::string>{"/bin/sh", "-c", "echo  hi"});
  REQUIRE(plan("FROM a\nRUN [\"echo\", \"a b\"]\n", args, files));
  CHECK(args == std::vector<std::string>{"echo", "a b"});
  REQUIRE(plan("FROM a\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN x | y\n", args, files));
  CHECK(args == std::vector<std::string>{"/bin/bash", "-eo", "pipefail", "-c", "x | y"});
  REQUIRE(plan("FROM a\nRUN <<-EOF\n\techo $HOME\n\tEOF\n", args, files));
  CHECK(args == std::vector<std::string>{"/bin/sh", "-c", "echo $HOME\n"});
  CHECK(files.empty());
  REQUIRE(plan("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n", args, files));
  CHECK(args == std::vector<std::string>{"/bin/sh", "-c", "/dev/pipes/EOF"});
  CHECK(files == std::vector<std::string>{"/dev/pipes/EOF:493:#!/usr/bin/env python3\nprint(1)\n"});
  REQUIRE(plan("FROM a\nRUN cat <<A >x && cat <<-B\nan a\nA\n\tb\n\tB\n", args, files));
  CHECK(args == std::vector<std::string>{"/bin/sh", "-c", "cat <<A >x && cat <<-B\nan a\nA\n\tb\nB"});
}

TEST_CASE("parse_chmod accepts what BuildKit accepts") {
  CHECK(df::parse_chmod("755").value.octal == 0755);
  CHECK(df::parse_chmod("0644").value.octal == 0644);
  CHECK(df::parse_chmod("07777").ok());
  CHECK(df::parse_chmod("10000").code == df::dispatch_errc::chmod_not_octal);
  CHECK(df::parse_chmod("0788").code == df::dispatch_errc::chmod_not_octal);
  CHECK(df::parse_chmod("9").code == df::dispatch_errc::chmod_not_octal);
  CHECK(df::parse_chmod("u+x").value.symbolic);
  CHECK(df::parse_chmod("a=rX,u+w").ok());
  CHECK(df::parse_chmod("go=").ok());
  CHECK(df::parse_chmod("g=u").ok());
  CHECK(df::parse_chmod("u+x-w").ok());
  CHECK(df::parse_chmod("").code == df::dispatch_errc::chmod_syntax);
  CHECK(df::parse_chmod("u").code == df::dispatch_errc::chmod_syntax);
  CHECK(df::parse_chmod("u+x,").code == df::dispatch_errc::chmod_syntax);
  CHECK(df::parse_chmod("z+x").code == df::dispatch_errc::chmod_syntax);
  CHECK(df::parse_chmod("u*x").code == df::dispatch_errc::chmod_syntax);
  CHECK(df::message(df::dispatch_error{df::dispatch_errc::chmod_not_octal, "0788", {}, nullptr}) ==
        "invalid chmod parameter: '0788'. it should be octal string and between 0 and 07777");
}

TEST_CASE("symbolic chmod agrees with GNU chmod on regular files") {
  if (::access("/bin/chmod", X_OK) != 0) {
    std::printf("SKIPPED: /bin/chmod not found\n");
    return;
  }
  const std::string file = "/tmp/dockimg_chmod_" + std::to_string(::getpid());
  std::FILE* f = std::fopen(file.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fclose(f);
  const mode_t old_umask = ::umask(0);  // BuildKit applies no umask
  const char* whos[] = {"", "u", "g", "o", "a", "ug", "go", "uo"};
  const char* ops[] = {"+", "-", "="};
  const char* perms[] = {"", "r", "w", "x", "X", "rw", "rx", "rwx", "u", "g", "o", "wX"};
  const unsigned starts[] = {0644, 0755, 0600, 0, 0777, 0711, 0640};
  int compared = 0;
  int disagreed = 0;
  std::vector<std::string> modes;
  for (const char* w : whos) {
    for (const char* o : ops) {
      for (const char* p : perms) modes.push_back(std::string(w) + o + p);
    }
  }
  modes.push_back("u+x,go-w");
  modes.push_back("a=r,u+w");
  modes.push_back("u=rwx,g=rx,o=");
  modes.push_back("g=u,o-rwx");
  modes.push_back("u+r-w+x");
  for (const std::string& m : modes) {
    const df::chmod_result r = df::parse_chmod(m);
    REQUIRE_MESSAGE(r.ok(), m);
    for (unsigned start : starts) {
      ::chmod(file.c_str(), start);
      const std::string cmd = "/bin/chmod -- '" + m + "' " + file + " 2>/dev/null";
      if (std::system(cmd.c_str()) != 0) continue;
      struct stat st {};
      REQUIRE(::stat(file.c_str(), &st) == 0);
      const unsigned want = static_cast<unsigned>(st.st_mode) & 07777u;
      const unsigned got = r.value.apply(start, false);
      ++compared;
      if (want != got) {
        ++disagreed;
        MESSAGE(m << " on " << start << ": chmod gives " << want << ", dockimg " << got);
      }
    }
  }
  ::umask(old_umask);
  ::unlink(file.c_str());
  MESSAGE("symbolic chmod: " << compared - disagreed << "/" << compared << " agree with GNU chmod");
  CHECK(compared > 1000);
  CHECK(disagreed == 0);
}

TEST_CASE("parse_signal uses the Linux signal table") {
  CHECK(df::parse_signal("SIGTERM").number == SIGTERM);
  CHECK(df::parse_signal("term").number == SIGTERM);
  CHECK(df::parse_signal("SigKill").number == SIGKILL);
  CHECK(df::parse_signal("9").number == 9);
  CHECK(df::parse_signal("SIGRTMIN").number == 34);
  CHECK(df::parse_signal("RTMIN+3").number == 37);
  CHECK(df::parse_signal("SIGRTMAX-1").number == 63);
  CHECK(df::parse_signal("SIGWINCH").number == SIGWINCH);
  CHECK(df::parse_signal("SIGUSR2").number == SIGUSR2);
  CHECK(df::parse_signal("0").code == df::dispatch_errc::invalid_signal);
  CHECK(df::parse_signal("SIGFOO").code == df::dispatch_errc::invalid_signal);
  CHECK(df::parse_signal("RTMIN+16").code == df::dispatch_errc::invalid_signal);
  CHECK(df::parse_signal("").code == df::dispatch_errc::invalid_signal);
  CHECK(df::message(df::dispatch_error{df::dispatch_errc::invalid_signal, "SIGFOO", {}, nullptr}) ==
        "invalid signal: SIGFOO");
}

TEST_CASE("check_checksum follows dispatchCopy") {
  const std::string_view http[] = {"https://example.com/a.tgz"};
  const std::string_view two[] = {"https://e/a", "https://e/b"};
  const std::string_view local[] = {"a.tgz"};
  const std::string_view git[] = {"https://github.com/moby/buildkit.git#v0.10.1"};
  CHECK(df::check_checksum(true, "", {local, 1}) == df::dispatch_errc::ok);
  CHECK(df::check_checksum(false, "sha256:x", {http, 1}) == df::dispatch_errc::checksum_copy);
  CHECK(df::check_checksum(true, "sha256:x", {two, 2}) == df::dispatch_errc::checksum_multiple);
  CHECK(df::check_checksum(true, "sha256:x", {local, 1}) == df::dispatch_errc::checksum_source);
  CHECK(df::check_checksum(true, "sha256:x", {http, 1}) == df::dispatch_errc::ok);
  CHECK(df::check_checksum(true, "sha256:x", {git, 1}) == df::dispatch_errc::ok);
}

TEST_CASE("dispatch over the real corpus allocates nothing") {
  const std::string list = dockimg_test::corpus_dir() + "/real/big/bench-files.txt";
  if (dockimg_test::skip_without(list)) return;
  std::string text;
  REQUIRE(dockimg_test::read_file(list, text));
  std::vector<std::string> files;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line[0] == '#') continue;
    std::string body;
    if (dockimg_test::read_file(dockimg_test::corpus_dir() + "/real/" + line.substr(line.find('\t') + 1), body)) {
      files.push_back(std::move(body));
    }
  }
  std::vector<unsigned char> mem(64u << 20);
  std::size_t stages = 0;
  std::size_t runs = 0;
  std::size_t failures = 0;
  {
    dockimg_test::alloc_scope scope;
    for (const std::string& f : files) {
      dockimg::arena storage(mem.data(), mem.size());
      const df::document doc = df::parse(f, storage);
      if (!doc.ok()) continue;
      const df::stage_list sl = df::parse_stages(doc, storage);
      if (!sl.ok()) continue;
      const df::stage_graph g = df::build_graph(doc, sl, df::graph_options(), storage);
      if (!g.ok()) continue;
      for (std::size_t i = 0; i < sl.stages().size(); ++i) {
        ++stages;
        const df::dispatch_error e = df::dispatch_stage(
            doc, sl, g, i, df::dispatch_options(), storage, [&](const df::command& c, const df::dispatch_state& st) {
              if (const auto* r = c.get<df::run_command>()) {
                runs += df::plan_run(*r, st, storage).ok() ? 1 : 0;
              } else if (const auto* cp = c.get<df::copy_command>()) {
                const auto d = df::expand(st, cp->dest, storage);
                if (d.ok()) (void)df::copy_destination(st, d.word, storage);
                for (const auto& sc : cp->source_contents) (void)df::heredoc_contents(st, sc, storage);
              }
              return true;
            });
        failures += e ? 1 : 0;
      }
    }
    CHECK(scope.count() == 0);
  }
  MESSAGE("dispatch: " << files.size() << " files, " << stages << " stages walked, " << runs
                       << " RUN command lines planned, " << failures << " stages stopped by an expansion error");
  CHECK(runs > 1000);
}

TEST_CASE("dispatch state: a later ARG replaces an ENV value and ENV pairs see the state before") {
  const walked w = walk("FROM scratch\nENV A=env\nARG A=arg\nENV B=$A C=x D=$C\nRUN true\n", 0);
  REQUIRE(w.error.empty());
  REQUIRE(w.env.size() == 4);
  CHECK(w.env[2] == "A=arg;");
  CHECK(w.env[3] == "A=arg;B=arg;C=x;D=;");
  const walked swap = walk("FROM scratch\nENV A=1 B=2\nENV A=$B B=$A\nRUN true\n", 0);
  REQUIRE(swap.env.size() == 3);
  CHECK(swap.env[2] == "A=2;B=1;");
}

TEST_CASE("build_graph expands ARG defaults against the ordered build environment") {
  std::vector<unsigned char> mem(1 << 16);
  dockimg::arena storage(mem.data(), mem.size());
  const std::string text = "FROM scratch\nENV A=env\nARG A=arg\nARG B=$A\nENV A=again\nARG C=$A\n";
  const df::document doc = df::parse(text, storage);
  const df::stage_list sl = df::parse_stages(doc, storage);
  const df::stage_graph g = df::build_graph(doc, sl, df::graph_options(), storage);
  REQUIRE(g.ok());
  std::string args;
  for (const auto& v : g.nodes[0].args) args += std::string(v.key) + "=" + std::string(v.value) + ";";
  CHECK(args == "A=arg;B=arg;C=again;");
  std::string state;
  for (const auto& v : g.nodes[0].build_env) state += std::string(v.key) + "=" + std::string(v.value) + ";";
  CHECK(state == "A=again;B=arg;C=again;");
}

// SPDX-License-Identifier: Apache-2.0
// BuildKit's build checks (`docker build --check`), with BuildKit's names, messages and
// `# check=` semantics. Not a public header; included by detail/lint_engine.hpp.
//
// The checks run in BuildKit's order and at BuildKit's stages of the conversion
// (dockerfile2llb.toDispatchState with the `frontend.lint` subrequest, every stage dispatched):
//   1. NoEmptyContinuation from the parser's warnings;
//   2. parse time (instructions.Parse): MaintainerDeprecated, StageNameCasing, FromAsCasing,
//      InvalidDefinitionDescription, up to the first instruction that does not parse;
//   3. DuplicateStageName, ReservedStageName, ConsistentInstructionCasing, then
//      InvalidDefaultArgInFrom (defaults only);
//   4. FROM expansion: UndefinedArgInFrom, RedundantTargetPlatform, FromPlatformFlagConstDisallowed,
//      stopping where BuildKit stops with an error;
//   5. dispatch of every stage: UndefinedVar, LegacyKeyValueFormat, SecretsUsedInArgOrEnv,
//      WorkdirRelativePath, JSONArgsRecommended, MultipleInstructionsDisallowed, CopyIgnoredFile,
//      ExposeProtoCasing, ExposeInvalidFormat.
// InvalidBaseImagePlatform needs the pulled image and never fires. Image bases start from an
// empty configuration with the default PATH (BuildKit would read the registry's).
#ifndef DOCKIMG_DETAIL_LINT_BUILDKIT_HPP
#define DOCKIMG_DETAIL_LINT_BUILDKIT_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../dispatch.hpp"
#include "../platform.hpp"
#include "../reference.hpp"
#include "../shell.hpp"
#include "go_path.hpp"
#include "go_quote.hpp"
#include "lint_engine.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {
namespace detail_lint {
namespace bk {

namespace di = ::dockimg::dockerfile::detail_instr;
using dockerfile::command;
using dockerfile::keyword;

/// BuildKit's `linter.Config` / `Linter` state that decides whether a rule runs.
struct check_config {
  bool skip_all = false;          ///< `skip=all`
  bool experimental_all = false;  ///< `experimental=all`
  bool error = false;             ///< `error=true`
  rule_set skip;                  ///< `skip=A,B`
  rule_set experimental;          ///< `experimental=A,B`
};

/// Go `strings.TrimSpace` (ASCII white space).
inline sv trim(sv s) noexcept {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

/// The BuildKit rule named exactly `name` (case-sensitive, as BuildKit's map lookup).
inline const rule_info* buildkit_rule(sv name) noexcept {
  for (const rule_info& r : rule_table) {
    if (r.origin == rule_origin::buildkit && r.name == name) return &r;
  }
  return nullptr;
}

/// Fills `set` from a `,`-separated list of rule names (unknown names are ignored).
inline void rule_names(sv list, rule_set& set) noexcept {
  set = rule_set();
  std::size_t i = 0;
  while (i <= list.size()) {
    std::size_t j = list.find(',', i);
    if (j == sv::npos) j = list.size();
    if (const rule_info* r = buildkit_rule(trim(list.substr(i, j - i)))) set.enable(r->id);
    i = j + 1;
  }
}

/// `linter.ParseLintOptions`: false when the string is invalid (BuildKit fails the build).
inline bool parse_check_options(sv s, check_config& out) noexcept {
  out = check_config();
  s = trim(s);
  if (s.empty()) return true;
  // strings.SplitN(s, ";", 3)
  sv parts[3];
  std::size_t n = 0;
  while (n < 2) {
    const std::size_t semi = s.find(';');
    if (semi == sv::npos) break;
    parts[n++] = s.substr(0, semi);
    s.remove_prefix(semi + 1);
  }
  parts[n++] = s;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t eq = parts[i].find('=');
    if (eq == sv::npos) return false;
    const sv k = trim(parts[i].substr(0, eq));
    const sv v = trim(parts[i].substr(eq + 1));
    if (k == "skip") {
      if (v == "all") {
        out.skip_all = true;
      } else {
        rule_names(v, out.skip);
      }
    } else if (k == "experimental") {
      if (v == "all") {
        out.experimental_all = true;
      } else {
        rule_names(v, out.experimental);
      }
    } else if (k == "error") {
      bool b = false;
      if (!di::parse_go_bool(v, b)) return false;
      out.error = b;
    } else {
      return false;
    }
  }
  return true;
}

/// The value of a `check` directive written in a comment (`PrevComment` text), cut at its first
/// space as `WithMergedConfigFromComments` does; false when the comment is no check directive.
inline bool comment_check_value(sv text, sv& value) noexcept {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  // ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$
  if (text.empty() || !alpha(text[0])) return false;
  std::size_t i = 1;
  while (i < text.size() && (alpha(text[i]) || digit(text[i]))) ++i;
  const sv name = text.substr(0, i);
  while (i < text.size() && space(text[i])) ++i;
  if (i >= text.size() || text[i] != '=') return false;
  ++i;
  while (i < text.size() && space(text[i])) ++i;
  sv v = text.substr(i);
  if (v.find('\n') != sv::npos) return false;
  while (!v.empty() && space(v.back())) v.remove_suffix(1);
  if (v.empty()) return false;
  if (!iequals(name, "check")) return false;
  const std::size_t sp = v.find(' ');
  value = sp == sv::npos ? v : v.substr(0, sp);
  return true;
}

/// `Linter.WithMergedConfigFromComments`: the first `check` directive among the comments merges
/// into `base` (an invalid one leaves `base` unchanged). `error` never merges.
inline check_config merged(const check_config& base, list_view<dockerfile::comment> comments) noexcept {
  for (const dockerfile::comment& c : comments) {
    sv v;
    if (!comment_check_value(c.text, v)) continue;
    check_config other;
    if (!parse_check_options(v, other)) return base;
    check_config out = base;
    out.experimental_all = out.experimental_all || other.experimental_all;
    out.skip_all = out.skip_all || other.skip_all;
    for (const rule_info& r : rule_table) {
      if (other.experimental.has(r.id)) out.experimental.enable(r.id);
      if (other.skip.has(r.id)) out.skip.enable(r.id);
    }
    return out;
  }
  return base;
}

/// The comments above a command's instruction (none for a hand-built command).
inline list_view<dockerfile::comment> comments_of(const command* c) noexcept {
  return c != nullptr && c->node != nullptr ? c->node->comments() : list_view<dockerfile::comment>();
}

/// ASCII `s == strings.ToLower(s)`.
inline bool is_lower(sv s) noexcept {
  for (char c : s)
    if (c >= 'A' && c <= 'Z') return false;
  return true;
}

/// ASCII `s == strings.ToUpper(s)`.
inline bool is_upper(sv s) noexcept {
  for (char c : s)
    if (c >= 'a' && c <= 'z') return false;
  return true;
}

/// One `(?:_|^)(?:word|word...)(?:_|$)` test, case-insensitive: a `_`-separated part of `key`
/// equals one of `words`.
template <std::size_t N>
inline bool has_token(sv key, const sv (&words)[N]) noexcept {
  std::size_t i = 0;
  while (i <= key.size()) {
    std::size_t j = key.find('_', i);
    if (j == sv::npos) j = key.size();
    const sv part = key.substr(i, j - i);
    for (const sv w : words)
      if (iequals(part, w)) return true;
    i = j + 1;
  }
  return false;
}

/// `validateNoSecretKey`'s deny and allow patterns.
inline bool secret_key(sv key) noexcept {
  static constexpr sv deny[] = {"apikey", "auth",  "credential", "credentials", "key",
                                "password", "pword", "passwd",   "secret",      "token"};
  static constexpr sv allow[] = {"public", "file", "version"};
  return has_token(key, deny) && !has_token(key, allow);
}

/// A word expanded with the names it looked up (`ProcessWordWithMatches`).
struct expansion {
  shell::word_result r;           ///< the result (`r.word`)
  const sv* matched = nullptr;    ///< names found
  const sv* unmatched = nullptr;  ///< names not found
  bool ok = false;                ///< no lexer error and enough room
};

/// The rule runner: the base configuration, the arena, the rules called (for `error=true`).
class runner {
 public:
  /// A runner over `c` with the file's (or the build argument's) configuration `base`.
  runner(const context& c, const check_config& base) noexcept : c_(c), base_(base) {}

  /// The engine's context.
  [[nodiscard]] const context& c() const noexcept { return c_; }
  /// The arena for messages and scratch records.
  [[nodiscard]] arena& a() const noexcept { return c_.out.storage(); }
  /// The configuration without any comment merged in.
  [[nodiscard]] const check_config& base() const noexcept { return base_; }

  /// `Linter.Run`: records a finding of `id` when `cfg` lets it run.
  void run(const check_config& cfg, rule_id id, const command* at, source_range where, sv message,
           sv detail = {}) noexcept {
    const rule_info& r = rule_table[static_cast<std::size_t>(id)];
    if (r.experimental) {
      if (!cfg.experimental_all && !cfg.experimental.has(id)) return;
    } else if (cfg.skip_all || cfg.skip.has(id)) {
      return;
    }
    if (!c_.out.enabled(id)) return;
    if (message.empty()) {
      c_.out.set_overflow();
      return;
    }
    if (!called_.has(id)) {
      called_.enable(id);
      order_[n_called_++] = id;
    }
    (void)c_.out.add(id, at, where, message, detail);
  }

  /// Go `%q` of `s` in the arena.
  sv quoted(sv s) noexcept {
    const std::size_t n = ::dockimg::detail::go_quoted_size(s);
    char* p = a().make_text(n);
    if (p == nullptr) return {};
    std::size_t k = 0;
    ::dockimg::detail::write_go_quote(s, [&](sv piece) {
      std::memcpy(p + k, piece.data(), piece.size());
      k += piece.size();
    });
    return {p, n};
  }

  /// `ProcessWordWithMatches(word, env)` with lexer options `o`.
  expansion expand(sv word, const shell::environment& env, const shell::options& o) noexcept {
    expansion e;
    // a word without `$`, quotes, escapes or non-ASCII bytes expands to itself, matching nothing
    if (dockerfile::detail_instr::plain_word(word, o.escape)) {
      e.r.word = word;
      e.ok = true;
      return e;
    }
    std::size_t names = 1;
    for (char ch : word) names += ch == '$' ? 1 : 0;
    sv* m = a().make_scratch<sv>(names);
    sv* u = a().make_scratch<sv>(names);
    if (m == nullptr || u == nullptr) {
      c_.out.set_overflow();
      return e;
    }
    std::size_t size = shell::scratch_bound(word) + 64;
    for (int attempt = 0; attempt < 8; ++attempt) {
      char* buf = a().make_text(size);
      if (buf == nullptr) break;
      e.r = shell::process_word(word, env, o, buf, size, m, names, u, names);
      if (e.r.code != shell::errc::no_space) {
        e.matched = m;
        e.unmatched = u;
        e.ok = e.r.ok();
        return e;
      }
      size *= 4;
    }
    c_.out.set_overflow();
    e.r.code = shell::errc::no_space;
    return e;
  }

  /// The rules that ran, `, `-separated, in the order they first ran.
  sv called() noexcept {
    sv s;
    for (std::size_t i = 0; i < n_called_; ++i) {
      const sv name = rule_table[static_cast<std::size_t>(order_[i])].name;
      s = i == 0 ? name : cat(a(), {s, ", ", name});
    }
    return s;
  }
  /// True when any rule ran (`Linter.Error` has something to report).
  [[nodiscard]] bool any_called() const noexcept { return n_called_ != 0; }

 private:
  const context& c_;
  check_config base_;
  rule_set called_;
  rule_id order_[rule_count] = {};
  std::size_t n_called_ = 0;
};

/// `validateDefinitionDescription`.
inline void definition_description(runner& R, const check_config& cfg, const command* at, sv instruction,
                                   const sv* keys, std::size_t n) noexcept {
  const auto comments = comments_of(at);
  if (comments.empty() || n == 0) return;
  const sv last = comments[comments.size() - 1].text;
  const sv first = last.substr(0, last.find(' '));
  for (std::size_t i = 0; i < n; ++i)
    if (keys[i] == first) return;
  const sv example = n > 1 ? sv("<arg_key>") : keys[0];
  R.run(cfg, rule_id::bk_invalid_definition_description, at, at->range,
        cat(R.a(), {"Comment for ", instruction, " should follow the format: `# ", example, " <description>`"}), example);
}

/// Parse-time checks of one instruction (`ParseInstructionWithLinter`). `cmd` is its typed
/// value, or nullptr when it does not parse: the checks BuildKit makes before typing still run.
inline void parse_time(runner& R, const dockerfile::instruction& node, const command* cmd) noexcept {
  const check_config cfg = merged(R.base(), node.comments());
  const source_range whole = cmd != nullptr ? cmd->range : node.range();
  if (node.kind() == keyword::maintainer) {
    R.run(cfg, rule_id::bk_maintainer_deprecated, cmd, whole, "Maintainer instruction is deprecated in favor of using label");
  } else if (node.kind() == keyword::from) {
    const auto args = node.args();
    if (args.size() == 3 && !is_lower(args[2].value)) {
      R.run(cfg, rule_id::bk_stage_name_casing, cmd, args[2].range,
            cat(R.a(), {"Stage name '", args[2].value, "' should be lowercase"}), args[2].value);
    }
    if (args.size() >= 3) {
      const sv kw = node.name();
      const bool lower = is_lower(kw);
      const bool upper = is_upper(kw);
      const bool bad = lower ? !is_lower(args[1].value) : upper ? !is_upper(args[1].value) : false;
      if (bad) {
        R.run(cfg, rule_id::bk_from_as_casing, cmd, args[1].range,
              cat(R.a(), {"'", args[1].value, "' and '", kw, "' keywords' casing do not match"}), args[1].value);
      }
    }
    const auto* from = cmd != nullptr ? cmd->get<dockerfile::from_command>() : nullptr;
    if (from != nullptr && !from->name.empty()) definition_description(R, cfg, cmd, "FROM", &from->name, 1);
  } else if (const auto* arg = cmd != nullptr ? cmd->get<dockerfile::arg_command>() : nullptr) {
    sv* keys = R.a().make_scratch<sv>(arg->args.size() + 1);
    if (keys == nullptr) {
      R.c().out.set_overflow();
      return;
    }
    for (std::size_t i = 0; i < arg->args.size(); ++i) keys[i] = arg->args[i].key;
    definition_description(R, cfg, cmd, "ARG", keys, arg->args.size());
  }
}

/// The global ARG environment of the FROM lines: the automatic platform args, then the meta
/// ARGs (`buildMetaArgs`), with or without the build arguments. False on an expansion error.
struct global_args {
  shell::env_var* vars = nullptr;  ///< the values
  std::size_t n = 0;               ///< how many
  sv* keys = nullptr;              ///< every declared meta ARG key, then the value keys
  std::size_t n_keys = 0;          ///< how many
};

/// Fills `g` (BuildKit's `defaultArgs` + `buildMetaArgs`); false on an expansion error.
inline bool make_global_args(runner& R, bool with_build_args, global_args& g) noexcept {
  const context& c = R.c();
  const dockerfile::graph_options& go = c.opt.graph;
  const auto stages = c.stages.stages();
  std::size_t n_meta = 0;
  for (const command& m : c.stages.meta_args()) n_meta += m.get<dockerfile::arg_command>()->args.size();
  g.vars = R.a().make_scratch<shell::env_var>(11 + n_meta);
  g.keys = R.a().make_scratch<sv>(11 + 2 * n_meta);
  if (g.vars == nullptr || g.keys == nullptr) {
    c.out.set_overflow();
    return false;
  }
  auto build_arg_of = [&](sv key, sv& v) {
    bool found = false;
    for (const auto& b : go.build_args) {
      if (b.key == key) {
        v = b.value;
        found = true;
      }
    }
    return found;
  };
  auto platform = [&](sv os, sv arch, sv variant) {
    return variant.empty() ? cat(R.a(), {os, "/", arch}) : cat(R.a(), {os, "/", arch, "/", variant});
  };
  sv target_stage = go.target.empty() ? (stages.empty() ? sv() : stages[stages.size() - 1].name) : go.target;
  if (target_stage.empty()) target_stage = "default";
  const sv defaults[11][2] = {{"BUILDPLATFORM", platform(go.build_os, go.build_arch, go.build_variant)},
                              {"BUILDOS", go.build_os},
                              {"BUILDOSVERSION", ""},
                              {"BUILDARCH", go.build_arch},
                              {"BUILDVARIANT", go.build_variant},
                              {"TARGETPLATFORM", platform(go.target_os, go.target_arch, go.target_variant)},
                              {"TARGETOS", go.target_os},
                              {"TARGETOSVERSION", ""},
                              {"TARGETARCH", go.target_arch},
                              {"TARGETVARIANT", go.target_variant},
                              {"TARGETSTAGE", target_stage}};
  g.n = 0;
  for (const auto& d : defaults) {
    sv v = d[1];
    (void)build_arg_of(d[0], v);
    di::set_var(g.vars, g.n, d[0], v);
  }
  g.n_keys = 0;
  for (const command& m : c.stages.meta_args()) {
    for (const auto& kp : m.get<dockerfile::arg_command>()->args) {
      g.keys[g.n_keys++] = kp.key;
      sv v;
      if (!with_build_args || !build_arg_of(kp.key, v)) {
        if (!kp.has_value) continue;
        const shell::word_result r =
            di::expand_word(kp.value, shell::environment(g.vars, g.n), c.doc.escape(), R.a());
        if (!r.ok()) {
          if (r.code == shell::errc::no_space) c.out.set_overflow();
          return false;
        }
        v = r.word;
      }
      di::set_var(g.vars, g.n, kp.key, v);
    }
  }
  for (std::size_t i = 0; i < g.n; ++i) g.keys[g.n_keys++] = g.vars[i].key;
  return true;
}

/// `reportUnusedFromArgs`.
inline void unused_from_args(runner& R, const check_config& cfg, const command* at, const expansion& e,
                             const global_args& g) noexcept {
  for (std::size_t i = 0; i < e.r.unmatched_count; ++i) {
    const sv name = e.unmatched[i];
    bool known = false;
    for (std::size_t k = 0; k < g.n_keys && !known; ++k) known = g.keys[k] == name;
    if (known) continue;
    const sv s = di::suggest(name, g.keys, g.n_keys);
    const sv msg = s.empty() ? cat(R.a(), {"FROM argument '", name, "' is not declared"})
                             : cat(R.a(), {"FROM argument '", name, "' is not declared (did you mean ", s, "?)"});
    R.run(cfg, rule_id::bk_undefined_arg_in_from, at, at->range, msg, name);
  }
}

/// Stage-level and FROM checks; false when BuildKit would stop before dispatching.
inline bool stage_checks(runner& R) noexcept {
  const context& c = R.c();
  const auto stages = c.stages.stages();
  const check_config& base = R.base();
  // validateStageNames
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& st = stages[i];
    if (st.name.empty()) continue;
    if (st.name == "context" || st.name == "scratch") {
      R.run(base, rule_id::bk_reserved_stage_name, st.from, st.from->range,
            cat(R.a(), {"Stage name should not use the same name as reserved stage ", R.quoted(st.name)}), st.name);
    }
    bool dup = false;
    for (std::size_t j = 0; j < i && !dup; ++j) dup = stages[j].name == st.name;
    if (dup) {
      R.run(base, rule_id::bk_duplicate_stage_name, st.from, st.from->range,
            cat(R.a(), {"Duplicate stage name ", R.quoted(st.name), ", stage names should be unique"}), st.name);
    }
  }
  // validateCommandCasing
  std::size_t lower = 0, upper = 0;
  auto count = [&](sv name) {
    if (is_lower(name)) {
      ++lower;
    } else if (is_upper(name)) {
      ++upper;
    }
  };
  for (const auto& st : stages) {
    count(st.header->orig_cmd);
    for (const command& cmd : st.commands) count(cmd.name);
  }
  const bool majority_lower = lower > upper;
  auto case_match = [&](const command* cmd, sv name) {
    sv casing;
    if (majority_lower && !is_lower(name)) {
      casing = "lowercase";
    } else if (!majority_lower && !is_upper(name)) {
      casing = "uppercase";
    }
    if (casing.empty()) return;
    const source_range r = cmd->node != nullptr ? cmd->node->name_range() : cmd->range;
    R.run(base, rule_id::bk_consistent_instruction_casing, cmd, r,
          cat(R.a(), {"Command '", name, "' should match the case of the command majority (", casing, ")"}), name);
  };
  for (const auto& st : stages) {
    case_match(st.from, st.header->orig_cmd);
    for (const command& cmd : st.commands) case_match(&cmd, cmd.name);
  }
  const shell::options lex{c.doc.escape(), false, false, false, false};
  // validateBaseImagesWithDefaultArgs
  {
    global_args d;
    if (make_global_args(R, false, d)) {
      const shell::environment env(d.vars, d.n);
      for (const auto& st : stages) {
        const expansion e = R.expand(st.base_name, env, lex);
        if (!e.ok) break;
        const reference::result ref = reference::parse_normalized_named(e.r.word, R.a());
        if (!ref.ok()) {
          if (ref.err.code == reference::errc::out_of_storage) c.out.set_overflow();
          R.run(base, rule_id::bk_invalid_default_arg_in_from, st.from, st.from->range,
                cat(R.a(), {"Default value for ARG ", st.base_name, " results in empty or invalid base image name"}),
                st.base_name);
        }
      }
    }
  }
  // buildDispatchStates
  global_args g;
  if (!make_global_args(R, true, g)) return false;
  const shell::environment env(g.vars, g.n);
  for (const auto& st : stages) {
    const check_config cfg = merged(base, st.comments);
    const expansion name = R.expand(st.base_name, env, lex);
    unused_from_args(R, cfg, st.from, name, g);
    if (!name.ok || name.r.word.empty()) return false;
    if (st.platform.empty()) continue;
    const expansion plat = R.expand(st.platform, env, lex);
    unused_from_args(R, cfg, st.from, plat, g);
    const source_range where = st.from->range;
    if (plat.r.matched_count == 1 && plat.r.unmatched_count == 0 && plat.matched[0] == "TARGETPLATFORM") {
      sv tp;
      if (env.get("TARGETPLATFORM", &tp) && plat.r.word == tp) {
        R.run(cfg, rule_id::bk_redundant_target_platform, st.from, where,
              cat(R.a(), {"Setting platform to predefined ", st.platform,
                          " in FROM is redundant as this is the default behavior"}),
              st.platform);
      }
    }
    if (!plat.ok || plat.r.word.empty()) return false;
    const platforms::result p = platforms::parse(plat.r.word, R.a());
    if (plat.r.matched_count == 0 && plat.r.unmatched_count == 0 && p.ok()) {
      if (st.name.find(p.value.os) == sv::npos && st.name.find(p.value.architecture) == sv::npos) {
        R.run(cfg, rule_id::bk_from_platform_flag_const_disallowed, st.from, where,
              cat(R.a(), {"FROM --platform flag should not use constant value ", R.quoted(plat.r.word)}),
              plat.r.word);
      }
    }
    if (!p.ok()) return false;
  }
  return true;
}

/// What one stage's dispatch remembers between instructions.
struct stage_walk {
  runner* R = nullptr;                  ///< the rule runner
  std::size_t index = 0;                ///< the stage
  bool workdir_set = false;             ///< a WORKDIR ran in this stage or its bases (`workdirSet`)
  const command* cmd = nullptr;         ///< the last CMD of the stage
  const command* entrypoint = nullptr;  ///< the last ENTRYPOINT of the stage
  const command* healthcheck = nullptr; ///< the last HEALTHCHECK of the stage
  bool failed = false;                  ///< an expansion failed (BuildKit stops the build)
};

/// True when ARG `name` was declared before `upto` in stage `index` or anywhere in its bases
/// (`dispatchState.buildArgs`).
inline bool declared_arg(const context& c, std::size_t index, const command* upto, sv name) noexcept {
  const auto stages = c.stages.stages();
  std::int32_t s = static_cast<std::int32_t>(index);
  std::size_t guard = 0;
  while (s >= 0 && guard++ <= stages.size()) {
    for (const command& cmd : stages[static_cast<std::size_t>(s)].commands) {
      if (&cmd == upto) break;
      if (const auto* ar = cmd.get<dockerfile::arg_command>()) {
        for (const auto& kp : ar->args)
          if (kp.key == name) return true;
      }
    }
    upto = nullptr;
    s = c.graph.nodes[static_cast<std::size_t>(s)].base_stage;
  }
  return false;
}

/// True when the stage chain of `index` starts from `scratch` or from an image known to set no
/// environment variable but PATH (the distribution base images), so that a variable the
/// Dockerfile does not define is really undefined. Other images define variables of their own
/// (`$SRC`, `$APP_UID`, `$JAVA_HOME`) that only their configuration tells.
inline bool base_env_known(const context& c, std::size_t index) noexcept {
  if (c.opt.assume_minimal_base_env) return true;
  std::int32_t s = static_cast<std::int32_t>(index);
  std::size_t guard = 0;
  while (c.graph.nodes[static_cast<std::size_t>(s)].base_stage >= 0 && guard++ <= c.graph.nodes.size())
    s = c.graph.nodes[static_cast<std::size_t>(s)].base_stage;
  sv ref = c.graph.nodes[static_cast<std::size_t>(s)].base_name;
  ref = ref.substr(0, ref.find('@'));
  const std::size_t slash = ref.rfind('/');
  const std::size_t colon = ref.rfind(':');
  if (colon != sv::npos && (slash == sv::npos || colon > slash)) ref = ref.substr(0, colon);
  for (const sv prefix : {sv("docker.io/"), sv("index.docker.io/"), sv("registry-1.docker.io/")})
    if (ref.substr(0, prefix.size()) == prefix) ref.remove_prefix(prefix.size());
  if (ref.substr(0, 8) == "library/") ref.remove_prefix(8);
  static constexpr sv minimal[] = {"scratch",    "alpine",      "busybox",  "debian",      "ubuntu",
                                   "fedora",     "centos",      "rockylinux", "almalinux", "amazonlinux",
                                   "oraclelinux", "archlinux",  "opensuse/leap", "opensuse/tumbleweed",
                                   "photon",     "clearlinux",  "mageia",   "alt",         "sourcemage"};
  for (const sv m : minimal)
    if (ref == m) return true;
  return false;
}

/// `reportUnmatchedVariables` for one word expanded by the dispatcher (`extra`: keys of the
/// same ARG instruction declared before this pair).
inline sv check_word(stage_walk& w, const check_config& cfg, const command& cmd, const dockerfile::dispatch_state& st,
                     sv word, bool raw = false, const sv* extra = nullptr, std::size_t n_extra = 0) noexcept {
  runner& R = *w.R;
  shell::options o;
  o.escape = raw ? '\\' : st.escape;
  o.skip_process_quotes = raw;
  const expansion e = R.expand(word, st.environment(), o);
  for (std::size_t i = 0; i < e.r.unmatched_count; ++i) {
    const sv name = e.unmatched[i];
    if (name == "BUILDKIT_SBOM_SCAN_CONTEXT" || name == "BUILDKIT_SBOM_SCAN_STAGE") continue;
    bool known = false;
    for (std::size_t k = 0; k < n_extra && !known; ++k) known = extra[k] == name;
    if (known || declared_arg(R.c(), w.index, &cmd, name) || !base_env_known(R.c(), w.index)) continue;
    sv* keys = R.a().make_scratch<sv>(st.env.size() + 1);
    if (keys == nullptr) {
      R.c().out.set_overflow();
      return {};
    }
    for (std::size_t k = 0; k < st.env.size(); ++k) keys[k] = st.env[k].key;
    const sv s = di::suggest(name, keys, st.env.size());
    const sv msg = s.empty() ? cat(R.a(), {"Usage of undefined variable '$", name, "'"})
                             : cat(R.a(), {"Usage of undefined variable '$", name, "' (did you mean $", s, "?)"});
    R.run(cfg, rule_id::bk_undefined_var, &cmd, cmd.range, msg, name);
  }
  if (!e.ok) w.failed = true;
  return e.ok ? e.r.word : sv();
}

/// `validateCopySourcePath` for one (expanded) source.
inline void copy_source(stage_walk& w, const check_config& cfg, const command& cmd, sv src, bool is_add) noexcept {
  runner& R = *w.R;
  const dockerignore::matcher* m = R.c().opt.context.dockerignore;
  if (m == nullptr || m->patterns().empty() || m->exclusions()) return;
  if (dockerfile::is_http_source(src) || dockerfile::is_git_source(src)) return;
  char* buf = R.a().make_text(src.size() + 1);
  if (buf == nullptr) {
    R.c().out.set_overflow();
    return;
  }
  const sv clean(buf, ::dockimg::detail::go_path_clean(src, buf));
  if (clean == "." || clean == "/") {
    bool root = false;
    for (const dockerignore::pattern& p : m->patterns()) {
      if (!p.exclusion && (p.text == "*" || p.text == "**" || p.text == "**/*")) root = true;
    }
    if (!root) return;
  }
  const dockerignore::match_result r = m->matches_or_parent_matches(clean);
  if (!r.excluded) return;
  R.run(cfg, rule_id::bk_copy_ignored_file, &cmd, cmd.range,
        cat(R.a(), {"Attempting to ", is_add ? sv("Add") : sv("Copy"), " file ", R.quoted(clean),
                    " that is excluded by .dockerignore"}),
        clean);
}

/// `validateUsedOnce`: the previous instruction of the kind is the one reported.
inline void used_once(stage_walk& w, const check_config& cfg, const command& cmd, const command*& prev) noexcept {
  if (prev != nullptr) {
    w.R->run(cfg, rule_id::bk_multiple_instructions_disallowed, prev, prev->range,
             cat(w.R->a(), {"Multiple ", cmd.name,
                            " instructions should not be used in the same stage because only the last one will be used"}),
             cmd.name);
  }
  prev = &cmd;
}

/// The dispatch-time checks of one instruction, given the state before it.
inline bool dispatch_one(stage_walk& w, const command& cmd, const dockerfile::dispatch_state& st) noexcept {
  runner& R = *w.R;
  const check_config cfg = merged(R.base(), comments_of(&cmd));
  using namespace dockerfile;
  if (const auto* en = cmd.get<env_command>()) {
    for (const key_value& kv : en->env) {
      (void)check_word(w, cfg, cmd, st, kv.key);
      (void)check_word(w, cfg, cmd, st, kv.value);
      if (w.failed) return false;
    }
    for (const key_value& kv : en->env) {
      if (kv.no_delim) {
        R.run(cfg, rule_id::bk_legacy_key_value_format, &cmd, cmd.range,
              cat(R.a(), {"\"", cmd.name, " key=value\" should be used instead of legacy \"", cmd.name, " key value\" format"}),
              kv.key);
      }
      const shell::word_result k = di::expand_word(kv.key, st.environment(), st.escape, R.a());
      if (k.ok() && secret_key(k.word)) {
        R.run(cfg, rule_id::bk_secrets_used_in_arg_or_env, &cmd, cmd.range,
              cat(R.a(), {"Do not use ARG or ENV instructions for sensitive data (ENV ", R.quoted(k.word), ")"}), k.word);
      }
    }
  } else if (const auto* lb = cmd.get<label_command>()) {
    for (const key_value& kv : lb->labels) {
      (void)check_word(w, cfg, cmd, st, kv.key);
      (void)check_word(w, cfg, cmd, st, kv.value);
      if (w.failed) return false;
    }
    for (const key_value& kv : lb->labels) {
      if (kv.no_delim) {
        R.run(cfg, rule_id::bk_legacy_key_value_format, &cmd, cmd.range,
              cat(R.a(), {"\"", cmd.name, " key=value\" should be used instead of legacy \"", cmd.name, " key value\" format"}),
              kv.key);
      }
    }
  } else if (const auto* cp = cmd.get<copy_command>()) {
    (void)check_word(w, cfg, cmd, st, cp->chown);
    (void)check_word(w, cfg, cmd, st, cp->chmod);
    for (const sv src : cp->source_paths) {
      const sv x = check_word(w, cfg, cmd, st, src);
      if (!w.failed && cp->from.empty()) copy_source(w, cfg, cmd, x, false);
    }
    (void)check_word(w, cfg, cmd, st, cp->dest);
    for (const source_content& sc : cp->source_contents)
      if (sc.expand) (void)check_word(w, cfg, cmd, st, sc.data, true);
  } else if (const auto* ad = cmd.get<add_command>()) {
    (void)check_word(w, cfg, cmd, st, ad->chown);
    (void)check_word(w, cfg, cmd, st, ad->chmod);
    (void)check_word(w, cfg, cmd, st, ad->checksum);
    for (const sv src : ad->source_paths) {
      const sv x = check_word(w, cfg, cmd, st, src);
      if (!w.failed) copy_source(w, cfg, cmd, x, true);
    }
    (void)check_word(w, cfg, cmd, st, ad->dest);
    for (const source_content& sc : ad->source_contents)
      if (sc.expand) (void)check_word(w, cfg, cmd, st, sc.data, true);
  } else if (const auto* wd = cmd.get<workdir_command>()) {
    const sv path = check_word(w, cfg, cmd, st, wd->path);
    if (w.failed) return false;
    // `C:\go`: a Windows path, absolute on the Windows images such files are built for (the
    // platform comes from the base image, which dockimg does not pull)
    const bool drive = path.size() >= 3 && ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
                       path[1] == ':' && (path[2] == '\\' || path[2] == '/');
    if (!w.workdir_set && st.os != "windows" && !drive && (path.empty() || path[0] != '/')) {
      R.run(cfg, rule_id::bk_workdir_relative_path, &cmd, cmd.range,
            cat(R.a(), {"Relative workdir ", R.quoted(path), " can have unexpected results if the base image changes"}),
            path);
    }
    w.workdir_set = true;
  } else if (const auto* us = cmd.get<user_command>()) {
    (void)check_word(w, cfg, cmd, st, us->user);
  } else if (const auto* vo = cmd.get<volume_command>()) {
    for (const sv v : vo->volumes) (void)check_word(w, cfg, cmd, st, v);
  } else if (const auto* ss = cmd.get<stopsignal_command>()) {
    (void)check_word(w, cfg, cmd, st, ss->signal);
  } else if (const auto* run = cmd.get<run_command>()) {
    for (const sv spec : run->mount_specs) {
      (void)di::csv_fields(spec, "mounts", R.a(), [&](sv field) {
        const std::size_t eq = field.find('=');
        if (eq != sv::npos) (void)check_word(w, cfg, cmd, st, field.substr(eq + 1));
        return !w.failed;
      });
    }
  } else if (const auto* cm = cmd.get<cmd_command>()) {
    used_once(w, cfg, cmd, w.cmd);
    if (cm->prepend_shell && st.shell.empty()) {
      R.run(cfg, rule_id::bk_json_args_recommended, &cmd, cmd.range,
            cat(R.a(), {"JSON arguments recommended for ", cmd.name, " to prevent unintended behavior related to OS signals"}),
            cmd.name);
    }
  } else if (const auto* ep = cmd.get<entrypoint_command>()) {
    used_once(w, cfg, cmd, w.entrypoint);
    if (ep->prepend_shell && st.shell.empty()) {
      R.run(cfg, rule_id::bk_json_args_recommended, &cmd, cmd.range,
            cat(R.a(), {"JSON arguments recommended for ", cmd.name, " to prevent unintended behavior related to OS signals"}),
            cmd.name);
    }
  } else if (cmd.kind == keyword::healthcheck) {
    used_once(w, cfg, cmd, w.healthcheck);
  } else if (const auto* ex = cmd.get<expose_command>()) {
    for (const sv p : ex->ports) {
      const std::size_t cap = shell::words_bound(p) + 1;
      char* scratch = R.a().make_text(shell::scratch_bound(p) + 64);
      sv* words = R.a().make_scratch<sv>(cap);
      if (scratch == nullptr || words == nullptr) {
        R.c().out.set_overflow();
        return false;
      }
      shell::options o;
      o.escape = st.escape;
      const shell::words_result wr =
          shell::process_words(p, st.environment(), o, scratch, shell::scratch_bound(p) + 64, words, cap);
      if (!wr.ok()) return false;
      for (std::size_t i = 0; i < wr.count; ++i) {
        const port_result pr = parse_port(words[i]);
        if (!pr.ok()) return false;
        if (pr.value.proto_cased) {
          R.run(cfg, rule_id::bk_expose_proto_casing, &cmd, cmd.range,
                cat(R.a(), {"Defined protocol '", words[i], "' in EXPOSE instruction should be lowercase"}), words[i]);
        }
        if (!pr.value.ip.empty() || !pr.value.host_port.empty()) {
          R.run(cfg, rule_id::bk_expose_invalid_format, &cmd, cmd.range,
                cat(R.a(), {"EXPOSE instruction should not define an IP address or host-port mapping, found '",
                            words[i], "'"}),
                words[i]);
        }
      }
    }
  } else if (const auto* ar = cmd.get<arg_command>()) {
    sv* earlier = R.a().make_scratch<sv>(ar->args.size() + 1);
    if (earlier == nullptr) {
      R.c().out.set_overflow();
      return false;
    }
    std::size_t n = 0;
    for (const arg_pair& kp : ar->args) {
      if (secret_key(kp.key)) {
        R.run(cfg, rule_id::bk_secrets_used_in_arg_or_env, &cmd, cmd.range,
              cat(R.a(), {"Do not use ARG or ENV instructions for sensitive data (ARG ", R.quoted(kp.key), ")"}), kp.key);
      }
      bool from_build_arg = false;
      for (const auto& b : R.c().opt.graph.build_args) from_build_arg = from_build_arg || b.key == kp.key;
      if (kp.has_value && !from_build_arg) {
        (void)check_word(w, cfg, cmd, st, kp.value, false, earlier, n);
        if (w.failed) return false;
      }
      earlier[n++] = kp.key;
    }
  }
  return !w.failed;
}

/// Dispatches every stage (the lint subrequest's `AllStages`), or the stages the target needs
/// when `graph_options::target` names one. False when the dispatch stopped at an error.
inline bool dispatch_checks(runner& R) noexcept {
  const context& c = R.c();
  const auto stages = c.stages.stages();
  for (std::size_t i = 0; i < stages.size(); ++i) {
    // "for lint, no target means all targets"; with a target only its reachable stages dispatch
    if (!c.opt.graph.target.empty() && !c.graph.nodes[i].reachable) continue;
    stage_walk w;
    w.R = &R;
    w.index = i;
    // workdirSet is inherited from the base stages
    for (std::int32_t s = c.graph.nodes[i].base_stage, guard = 0; s >= 0 && guard <= static_cast<std::int32_t>(stages.size());
         s = c.graph.nodes[static_cast<std::size_t>(s)].base_stage, ++guard) {
      for (const command& cmd : stages[static_cast<std::size_t>(s)].commands)
        w.workdir_set = w.workdir_set || cmd.kind == keyword::workdir;
    }
    dockerfile::dispatch_options dopt;
    dopt.build_args = c.opt.graph.build_args;
    const sv plat = c.graph.nodes[i].platform;
    if (plat.substr(0, 7) == "windows") dopt.os = "windows";
    bool stop = false;
    const dockerfile::dispatch_error err = dockerfile::dispatch_stage(
        c.doc, c.stages, c.graph, i, dopt, R.a(), [&](const command& cmd, const dockerfile::dispatch_state& st) {
          if (!dispatch_one(w, cmd, st)) {
            stop = true;
            return false;
          }
          return true;
        });
    if (err.code == dockerfile::dispatch_errc::out_of_storage) c.out.set_overflow();
    if (stop || err) return false;
  }
  return true;
}

}  // namespace bk

/// Runs BuildKit's checks over every stage, as the `frontend.lint` subrequest does.
inline buildkit_outcome run_buildkit(const context& c) noexcept {
  namespace b = bk;
  using dockerfile::command;
  using dockerfile::keyword;
  buildkit_outcome outcome;
  // newRuleLinter: the build argument overrides the directive; an invalid one fails the build.
  b::check_config base;
  sv check = c.opt.buildkit_check;
  if (check.empty()) {
    const dockerfile::directive_match d = dockerfile::find_directive("check", c.doc.source());
    if (d.found) check = d.cmdline;
  }
  if (!b::parse_check_options(check, base)) return outcome;
  b::runner R(c, base);

  // The typed instructions in file order (re-typed one by one up to the first failure when the
  // stage list did not parse, as BuildKit lints the instructions before the failing one).
  std::size_t n_ins = c.doc.instructions().size();
  const command** flat = c.out.storage().make_scratch<const command*>(n_ins + 1);
  if (flat == nullptr) {
    c.out.set_overflow();
    return outcome;
  }
  std::size_t n_flat = 0;
  const dockerfile::instruction* failed = nullptr;  // the instruction that does not parse
  if (c.stages.ok()) {
    for (const command& m : c.stages.meta_args())
      if (n_flat < n_ins) flat[n_flat++] = &m;
    for (const auto& st : c.stages.stages()) {
      if (n_flat < n_ins) flat[n_flat++] = st.from;
      for (const command& cmd : st.commands)
        if (n_flat < n_ins) flat[n_flat++] = &cmd;
    }
  } else {
    command* own = c.out.storage().make_scratch<command>(n_ins + 1);
    if (own == nullptr) {
      c.out.set_overflow();
      return outcome;
    }
    bool seen_from = false;
    for (const dockerfile::instruction& ins : c.doc.instructions()) {
      const dockerfile::instruction_result r = dockerfile::parse_instruction(ins, c.out.storage());
      if (!r.ok()) {
        failed = &ins;
        break;
      }
      own[n_flat] = r.value;
      flat[n_flat] = &own[n_flat];
      ++n_flat;
      if (r.value.kind == keyword::from) seen_from = true;
      if (!seen_from && r.value.kind != keyword::arg) break;  // CurrentStage fails after linting it
    }
  }
  auto command_of = [&](const dockerfile::instruction* ins) -> const command* {
    for (std::size_t i = 0; i < n_flat; ++i)
      if (flat[i]->node == ins) return flat[i];
    return nullptr;
  };

  // NoEmptyContinuation (the parser's warnings, base configuration)
  for (const dockerfile::instruction& ins : c.doc.instructions()) {
    if (!ins.has_empty_continuation()) continue;
    const dockerfile::diagnostic d = ins.warning();
    R.run(R.base(), rule_id::bk_no_empty_continuation, command_of(&ins), d.range, "Empty continuation line");
  }
  // instructions.Parse
  for (std::size_t i = 0; i < n_flat; ++i) {
    if (flat[i]->node != nullptr) b::parse_time(R, *flat[i]->node, flat[i]);
  }
  if (failed != nullptr) b::parse_time(R, *failed, nullptr);

  // The build reaches finalizeResultImage, where lint.Error() is returned, only when nothing
  // failed before.
  bool completed = false;
  if (c.stages.ok() && !c.stages.stages().empty()) {
    completed = b::stage_checks(R) && c.graph.ok() && b::dispatch_checks(R);
  }

  if (completed && base.error && R.any_called()) {
    outcome.check_error = true;
    outcome.rules = R.called();
  }
  return outcome;
}

}  // namespace detail_lint
}  // namespace lint
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_LINT_BUILDKIT_HPP

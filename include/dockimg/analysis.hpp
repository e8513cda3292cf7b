// SPDX-License-Identifier: Apache-2.0
/// @file analysis.hpp
/// @brief The lint engine: dockimg's image-size, cache and safety rules and BuildKit's own
/// `docker build --check` rules, run over a parsed Dockerfile and an optional build context.
///
/// @code
///   auto doc = dockimg::dockerfile::parse(text, storage);
///   dockimg::lint::options opt;                       // default profile, every rule of it
///   opt.context.dockerignore = &ignore_matcher;       // optional: the compiled .dockerignore
///   dockimg::lint::report rep = dockimg::lint::run(doc, opt, storage);
///   for (const dockimg::lint::finding& f : rep.findings)
///     std::printf("%u:%u: %s [%.*s]\n", f.begin.line, f.begin.column, ...);
/// @endcode
///
/// Rules are values (`rule_info`, listed by `rules()`); a `rule_set` enables and disables them.
/// The engine performs no I/O: the build context (the `.dockerignore` and the list of context
/// files) is passed in. Findings, messages and every intermediate record live in the caller's
/// arena; nothing allocates.
///
/// Suppression, applied by `run`:
/// - `# dockimg ignore=RULE[,RULE]` in the comment block right above an instruction silences
///   those rules for findings attached to that instruction; `# dockimg global ignore=RULE,...`
///   anywhere in the file silences them everywhere.
/// - `# hadolint ignore=DLxxxx,...` / `# hadolint global ignore=...` do the same for the rules
///   with a documented hadolint equivalent (`rule_info::hadolint`).
/// - BuildKit's `# check=skip=...` directive (and the same comment above one instruction) skips
///   BuildKit rules exactly as `docker build --check` does; `options::buildkit_check` overrides
///   the directive as the `BUILDKIT_DOCKERFILE_CHECK` build argument does.
/// - `options::rules` (for example from `--ignore RULE` on the command line).
/// A rule is named by its id (`from-latest`, `StageNameCasing`, case-insensitive), its hadolint
/// id (`DL3007`) or `all`.
#ifndef DOCKIMG_ANALYSIS_HPP
#define DOCKIMG_ANALYSIS_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "arena.hpp"
#include "config.hpp"
#include "dockerfile.hpp"
#include "dockerignore.hpp"
#include "instructions.hpp"
#include "source.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {

// ------------------------------------------------------------------------------------------------
// Rules
// ------------------------------------------------------------------------------------------------

/// How serious a finding is. Ordered: `info < warning < error`.
enum class severity : std::uint8_t {
  info = 1,     ///< advice: the image works, but could be smaller, faster to build or clearer
  warning = 2,  ///< a practice that costs size, cache hits or safety
  error = 3,    ///< a bug or a leak: a secret shipped, a variable never expanded, a build failure
};

/// The lower-case name of a severity (`info`, `warning`, `error`).
[[nodiscard]] constexpr std::string_view name(severity s) noexcept {
  return s == severity::error ? "error" : s == severity::warning ? "warning" : "info";
}

/// A rule set: `standard` is what `dockimg lint` runs by default (quiet on good practice);
/// `strict` adds digest pinning and cache-mount advice.
enum class profile : std::uint8_t {
  standard,  ///< the `default` profile
  strict,    ///< the `strict` profile (includes `standard`)
};

/// The profile's name as the command line and the corpus spell it (`default`, `strict`).
[[nodiscard]] constexpr std::string_view name(profile p) noexcept {
  return p == profile::strict ? "strict" : "default";
}

/// Who defines a rule.
enum class rule_origin : std::uint8_t {
  dockimg,   ///< dockimg's catalogue (kebab-case ids)
  buildkit,  ///< BuildKit's build checks (`docker build --check`), with BuildKit's names and texts
};

/// Every rule the engine knows. The first group is dockimg's catalogue, the second BuildKit's.
enum class rule_id : std::uint8_t {
  // Base image and pinning
  from_untagged,          ///< `from-untagged`
  from_latest,            ///< `from-latest`
  from_no_digest,         ///< `from-no-digest` (strict)
  final_stage_sdk_base,   ///< `final-stage-sdk-base`
  final_stage_full_base,  ///< `final-stage-full-base`
  // Multi-stage and layer order
  build_in_final_stage,  ///< `build-in-final-stage`
  copy_all_before_deps,  ///< `copy-all-before-deps`
  apt_update_alone,      ///< `apt-update-alone`
  // Cleanup in the same layer
  apt_lists_not_removed,      ///< `apt-lists-not-removed`
  apt_no_install_recommends,  ///< `apt-no-install-recommends`
  apk_no_cache,               ///< `apk-no-cache`
  pip_no_cache_dir,           ///< `pip-no-cache-dir`
  cleanup_in_later_layer,     ///< `cleanup-in-later-layer`
  chown_separate_layer,       ///< `chown-separate-layer`
  // Non-root, HEALTHCHECK, exec form
  user_root_final,     ///< `user-root-final`
  user_missing_final,  ///< `user-missing-final`
  healthcheck_missing, ///< `healthcheck-missing`
  shell_form_cmd,      ///< `shell-form-cmd`
  exec_form_variable,  ///< `exec-form-variable`
  // Secrets and .dockerignore
  secret_in_arg_env,     ///< `secret-in-arg-env`
  secret_file_copied,    ///< `secret-file-copied`
  dockerignore_missing,  ///< `dockerignore-missing`
  dockerignore_gap,      ///< `dockerignore-gap`
  copy_ignored_file,     ///< `copy-ignored-file`
  // Cache mounts
  prefer_cache_mount,  ///< `prefer-cache-mount` (strict)

  // BuildKit's checks (linter/ruleset.go)
  bk_stage_name_casing,                 ///< `StageNameCasing`
  bk_from_as_casing,                    ///< `FromAsCasing`
  bk_no_empty_continuation,             ///< `NoEmptyContinuation`
  bk_consistent_instruction_casing,     ///< `ConsistentInstructionCasing`
  bk_duplicate_stage_name,              ///< `DuplicateStageName`
  bk_reserved_stage_name,               ///< `ReservedStageName`
  bk_json_args_recommended,             ///< `JSONArgsRecommended`
  bk_maintainer_deprecated,             ///< `MaintainerDeprecated`
  bk_undefined_arg_in_from,             ///< `UndefinedArgInFrom`
  bk_workdir_relative_path,             ///< `WorkdirRelativePath`
  bk_undefined_var,                     ///< `UndefinedVar`
  bk_multiple_instructions_disallowed,  ///< `MultipleInstructionsDisallowed`
  bk_legacy_key_value_format,           ///< `LegacyKeyValueFormat`
  bk_invalid_base_image_platform,       ///< `InvalidBaseImagePlatform` (needs the pulled image)
  bk_redundant_target_platform,         ///< `RedundantTargetPlatform`
  bk_secrets_used_in_arg_or_env,        ///< `SecretsUsedInArgOrEnv`
  bk_invalid_default_arg_in_from,       ///< `InvalidDefaultArgInFrom`
  bk_from_platform_flag_const_disallowed,  ///< `FromPlatformFlagConstDisallowed`
  bk_copy_ignored_file,                 ///< `CopyIgnoredFile`
  bk_invalid_definition_description,    ///< `InvalidDefinitionDescription` (experimental)
  bk_expose_proto_casing,               ///< `ExposeProtoCasing`
  bk_expose_invalid_format,             ///< `ExposeInvalidFormat`

  count_  ///< the number of rules (not a rule)
};

/// Number of rules.
inline constexpr std::size_t rule_count = static_cast<std::size_t>(rule_id::count_);

/// A rule as data: its id, name, default severity and profile, and the texts a report shows.
struct rule_info {
  rule_id id = rule_id::count_;            ///< the rule
  std::string_view name;                   ///< `from-latest`, or BuildKit's `StageNameCasing`
  rule_origin origin = rule_origin::dockimg;  ///< dockimg's catalogue or BuildKit's
  severity level = severity::warning;      ///< default severity
  profile in_profile = profile::standard;  ///< the smallest profile that runs it
  bool experimental = false;  ///< BuildKit experimental: runs only when `# check=experimental=` names it
  bool needs_context = false; ///< reads the build context (`.dockerignore` / the context files)
  std::string_view summary;   ///< one line: what the rule checks
  std::string_view why;       ///< why it matters (a sentence or two)
  std::string_view hint;      ///< how to fix it
  std::string_view url;       ///< documentation: BuildKit's page (absolute), or the rule's section of
                              ///< dockimg's `docs/lint.md` (relative to the repository root)
  std::string_view hadolint;  ///< the hadolint id whose `ignore=` pragma silences it ("" = none)
  std::string_view practice;  ///< the practice it teaches (`PIN`, `BASE`, `MS`, `CACHE`, `LAYER`,
                              ///< `CMOUNT`, `USER`, `HC`, `EXEC`, `SEC`, `IGN`, or `-`)
};

/// Every rule, in `rule_id` order.
[[nodiscard]] list_view<rule_info> rules() noexcept;

/// The rule `id`.
[[nodiscard]] const rule_info& rule(rule_id id) noexcept;

/// The rule named `name`: its id (case-insensitive) or its hadolint id; nullptr when unknown.
[[nodiscard]] const rule_info* find_rule(std::string_view name) noexcept;

/// A set of rules (a bit per `rule_id`).
class rule_set {
 public:
  /// The empty set.
  constexpr rule_set() noexcept = default;
  /// Every rule of profile `p` (strict includes the default profile). An experimental BuildKit
  /// rule in the set still runs only when the file's `# check=experimental=` (or
  /// `options::buildkit_check`) names it, as in BuildKit.
  [[nodiscard]] static rule_set of(profile p) noexcept;
  /// Every rule.
  [[nodiscard]] static rule_set all() noexcept;
  /// True when `id` is in the set.
  [[nodiscard]] constexpr bool has(rule_id id) const noexcept {
    const auto i = static_cast<unsigned>(id);
    return ((bits_[i / 64] >> (i % 64)) & 1u) != 0;
  }
  /// Adds `id`.
  constexpr void enable(rule_id id) noexcept {
    const auto i = static_cast<unsigned>(id);
    bits_[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  /// Removes `id`.
  constexpr void disable(rule_id id) noexcept {
    const auto i = static_cast<unsigned>(id);
    bits_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
  }
  /// True when no rule is in the set.
  [[nodiscard]] constexpr bool empty() const noexcept { return (bits_[0] | bits_[1]) == 0; }

 private:
  std::uint64_t bits_[2] = {0, 0};
};

// ------------------------------------------------------------------------------------------------
// Inputs and results
// ------------------------------------------------------------------------------------------------

/// The build context, as the rules that need it see it. Every field is optional.
struct build_context {
  /// True when the caller knows the context: `dockerignore == nullptr` then means "the context has
  /// no `.dockerignore`". False (the default): the rules that need the context
  /// (`rule_info::needs_context`) stay quiet.
  bool known = false;
  /// The compiled `.dockerignore` (nullptr: none, see `known`).
  const dockerignore::matcher* dockerignore = nullptr;
  /// The files of the context, `/`-separated and relative to its root (directories are implied).
  list_view<std::string_view> files;
  /// True when `files` is the listing of the context (false: unknown, rules that need it are quiet).
  bool has_files = false;
};

/// What `run` does.
struct options {
  /// The rules to run. Default: the `default` profile. Use `rule_set::of(profile::strict)` for
  /// the strict profile, then `enable`/`disable` single rules.
  rule_set enabled = rule_set::of(profile::standard);
  /// The build context.
  build_context context;
  /// Inputs of the stage analysis (target, build arguments, platforms).
  dockerfile::graph_options graph;
  /// Honour `# dockimg ignore=` and `# dockimg global ignore=` comments.
  bool dockimg_pragmas = true;
  /// Honour `# hadolint ignore=` and `# hadolint global ignore=` comments.
  bool hadolint_pragmas = true;
  /// BuildKit's check configuration (`skip=...;error=true;experimental=...`) overriding the file's
  /// `# check=` directive, as the `BUILDKIT_DOCKERFILE_CHECK` build argument does ("" = the file's).
  std::string_view buildkit_check;
  /// BuildKit reads each base image's configuration, whose `Env` may define the variables a
  /// Dockerfile uses (`$SRC`, `$APP_UID`, `$JAVA_HOME`). dockimg does not pull images, so by default
  /// `UndefinedVar` is reported only in stages built on `scratch` or on a distribution image known
  /// to set nothing but PATH (alpine, busybox, debian, ubuntu, fedora, ...). True: judge every
  /// stage as if its base image set only PATH.
  bool assume_minimal_base_env = false;
  /// When a dockimg rule and its BuildKit twin report the same instruction (`shell-form-cmd` and
  /// `JSONArgsRecommended`, `secret-in-arg-env` and `SecretsUsedInArgOrEnv`, `copy-ignored-file`
  /// and `CopyIgnoredFile`), keep only the dockimg finding.
  bool merge_twins = true;
};

/// A line and column (both 1-based; the column counts bytes).
struct position {
  std::uint32_t line = 0;    ///< 1-based line
  std::uint32_t column = 0;  ///< 1-based byte column
};

/// One finding.
struct finding {
  const rule_info* rule = nullptr;   ///< the rule
  severity level = severity::warning;  ///< its severity here
  std::string_view message;          ///< what is wrong, about this instance
  std::string_view detail;           ///< the subject (a package, path, key, image, ...) or ""
  source_range range;                ///< the source bytes it points at
  position begin;                    ///< where `range` starts
  position end;                      ///< where `range` ends (one past the last byte)
  std::uint32_t line = 0;  ///< first line of the instruction the finding is attached to
  const dockerfile::command* at = nullptr;  ///< that instruction (nullptr for a file finding)
};

/// Error codes of `run`.
enum class errc : std::uint8_t {
  ok = 0,          ///< no error
  parse_error,     ///< the document did not parse (see `document::error()`); nothing was linted
  instructions,    ///< an instruction is invalid (see `report::instruction_error`); the rules
                   ///< that need typed instructions did not run
  out_of_storage,  ///< the arena is too small (see `storage_hint`)
};

/// The result of `run`.
struct report {
  list_view<finding> findings;  ///< sorted by position, then rule
  errc code = errc::ok;         ///< what stopped the analysis, if anything
  dockerfile::instruction_error instruction_error;  ///< for `errc::instructions`
  std::size_t suppressed = 0;   ///< findings removed by pragmas or `options`
  /// BuildKit's `# check=error=true` was in effect and a BuildKit rule fired: `docker build`
  /// would fail with `lint violation found for rules: ...` (`check_error_rules` lists them).
  bool check_error = false;
  std::string_view check_error_rules;  ///< the rule names, `, `-separated
  /// True when nothing stopped the analysis.
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
};

/// A generous arena size for `run` over a document parsed from `source` (on top of the parse).
[[nodiscard]] constexpr std::size_t storage_hint(std::string_view source) noexcept {
  return dockerfile::storage_hint(source) * 2 + (std::size_t{1} << 16);
}

/// Lints `doc`: types its instructions, analyses its stages, runs the enabled rules, applies the
/// suppressions and returns the findings sorted by position. Everything lives in `storage`.
[[nodiscard]] report run(const dockerfile::document& doc, const options& opt, arena& storage) noexcept;

}  // namespace lint
DOCKIMG_END_NAMESPACE

#include "detail/lint_engine.hpp"

#endif  // DOCKIMG_ANALYSIS_HPP

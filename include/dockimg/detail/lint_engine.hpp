// SPDX-License-Identifier: Apache-2.0
// The lint engine behind analysis.hpp: the rule table, the finding sink shared by the rule
// modules, suppression comments and the final ordering. Not a public header.
#ifndef DOCKIMG_DETAIL_LINT_ENGINE_HPP
#define DOCKIMG_DETAIL_LINT_ENGINE_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "../analysis.hpp"
#include "../arena.hpp"
#include "../config.hpp"
#include "../dockerfile.hpp"
#include "../instructions.hpp"
#include "../source.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {
namespace detail_lint {

using sv = std::string_view;

#define DOCKIMG_BK_URL(page) "https://docs.docker.com/go/dockerfile/rule/" page "/"
#define DOCKIMG_LINT_URL(anchor) "docs/lint.md#" anchor

// clang-format off
inline constexpr rule_info rule_table[] = {
  // ---- dockimg: base image and pinning
  {rule_id::from_untagged, "from-untagged", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "FROM image with neither a tag nor a digest",
   "An untagged image means `latest`, which moves: the next build silently gets another base, other packages and other bugs.",
   "Name a tag (`debian:12-slim`), better a tag and a digest (`debian:12-slim@sha256:...`).",
   DOCKIMG_LINT_URL("from-untagged"), "DL3006", "PIN"},
  {rule_id::from_latest, "from-latest", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "FROM image tagged `latest` without a digest",
   "`latest` is a moving tag: builds are not reproducible and a new major version can arrive unannounced.",
   "Use a versioned tag, and pin it with `@sha256:` for reproducible builds.",
   DOCKIMG_LINT_URL("from-latest"), "DL3007", "PIN"},
  {rule_id::from_no_digest, "from-no-digest", rule_origin::dockimg, severity::info, profile::strict, false, false,
   "FROM image not pinned by a digest",
   "A tag can be re-pushed; only a digest names exactly the bytes you tested. Pinning also makes base updates explicit and reviewable.",
   "Append the digest: `FROM image:tag@sha256:...` (`docker buildx imagetools inspect image:tag` prints it); let a bot such as Renovate or Dependabot update it.",
   DOCKIMG_LINT_URL("from-no-digest"), "", "PIN"},
  {rule_id::final_stage_sdk_base, "final-stage-sdk-base", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "The final image is built on an SDK or build-tool image",
   "Compilers, package caches and SDKs add hundreds of megabytes and a large attack surface to an image that only needs to run the result.",
   "Build in a `FROM <sdk> AS build` stage and `COPY --from=build` the artefacts into a runtime image (distroless, `-slim`, alpine, chiseled, `jre`, or scratch).",
   DOCKIMG_LINT_URL("final-stage-sdk-base"), "", "BASE"},
  {rule_id::final_stage_full_base, "final-stage-full-base", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "The final image is built on a full distribution or language image",
   "Full images carry compilers, documentation and tools the application never uses: more bytes to pull and more packages to patch.",
   "Use the `-slim`, `-alpine`, minimal, micro or chiseled variant of the same image, or distroless.",
   DOCKIMG_LINT_URL("final-stage-full-base"), "", "BASE"},
  // ---- dockimg: multi-stage and layer order
  {rule_id::build_in_final_stage, "build-in-final-stage", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "Build tooling installed or a build run in a stage that ships",
   "Everything a build leaves behind (compilers, headers, object files, caches) stays in the shipped image's layers.",
   "Move the build to a separate stage and copy only its output into the final stage with `COPY --from`.",
   DOCKIMG_LINT_URL("build-in-final-stage"), "", "MS"},
  {rule_id::copy_all_before_deps, "copy-all-before-deps", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "The whole context is copied before the dependency install",
   "Any source edit changes the `COPY . .` layer, so the dependency install after it never hits the cache and reruns on every build.",
   "Copy the dependency manifests first (`package.json`, `requirements.txt`, `go.mod`, ...), install, then `COPY . .`.",
   DOCKIMG_LINT_URL("copy-all-before-deps"), "", "CACHE"},
  {rule_id::apt_update_alone, "apt-update-alone", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "`apt-get update` in a RUN without an install",
   "The cached update layer is reused by later builds while the install in another layer runs against stale package lists: old versions or 404 errors.",
   "Run `apt-get update && apt-get install -y ...` in the same RUN.",
   DOCKIMG_LINT_URL("apt-update-alone"), "", "CACHE"},
  // ---- dockimg: cleanup in the same layer
  {rule_id::apt_lists_not_removed, "apt-lists-not-removed", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "apt package lists left in the layer",
   "`apt-get update` writes tens of megabytes to /var/lib/apt/lists; unless the same RUN removes them, they ship in the image.",
   "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or mount a cache: `RUN --mount=type=cache,target=/var/lib/apt,sharing=locked`.",
   DOCKIMG_LINT_URL("apt-lists-not-removed"), "DL3009", "LAYER"},
  {rule_id::apt_no_install_recommends, "apt-no-install-recommends", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "`apt-get install` without `--no-install-recommends`",
   "Recommended packages are not needed to run the software and often double the installed size.",
   "Add `--no-install-recommends` and name what you need explicitly.",
   DOCKIMG_LINT_URL("apt-no-install-recommends"), "DL3015", "LAYER"},
  {rule_id::apk_no_cache, "apk-no-cache", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "`apk add` without `--no-cache`",
   "apk keeps its index and package cache in /var/cache/apk, which then ships in the image.",
   "Use `apk add --no-cache ...`, or mount a cache on /var/cache/apk.",
   DOCKIMG_LINT_URL("apk-no-cache"), "DL3019", "LAYER"},
  {rule_id::pip_no_cache_dir, "pip-no-cache-dir", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "`pip install` without `--no-cache-dir`",
   "pip keeps every downloaded wheel in ~/.cache/pip, which then ships in the image.",
   "Add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or mount a cache on /root/.cache/pip.",
   DOCKIMG_LINT_URL("pip-no-cache-dir"), "DL3042", "LAYER"},
  {rule_id::cleanup_in_later_layer, "cleanup-in-later-layer", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "Cleanup in a later layer does not shrink the image",
   "Layers only add: deleting in a new RUN hides the files but their bytes stay in the earlier layer and are still pulled.",
   "Clean up in the same RUN that creates the files, or create them in a build stage, or use a bind/cache mount so they never enter a layer.",
   DOCKIMG_LINT_URL("cleanup-in-later-layer"), "", "LAYER"},
  {rule_id::chown_separate_layer, "chown-separate-layer", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "Recursive chown/chmod of copied files in a separate RUN",
   "Changing ownership or mode rewrites every file into a new layer: the copied files ship twice.",
   "Set ownership and mode while copying: `COPY --chown=app:app --chmod=755 ...`.",
   DOCKIMG_LINT_URL("chown-separate-layer"), "", "LAYER"},
  // ---- dockimg: non-root, HEALTHCHECK, exec form
  {rule_id::user_root_final, "user-root-final", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "The final image runs as root",
   "A process running as root turns any container escape or file-write bug into root on the filesystem it can reach.",
   "Switch to an unprivileged user at the end of the final stage: `USER 10001` or `USER app` after creating it.",
   DOCKIMG_LINT_URL("user-root-final"), "DL3002", "USER"},
  {rule_id::user_missing_final, "user-missing-final", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "No USER in the final image and the base is not known to run as non-root",
   "Without USER the container runs as the base image's user, which is root for almost every base.",
   "Add `USER <uid>` to the final stage, or build on a non-root base (distroless `:nonroot`, Chainguard, chiseled .NET).",
   DOCKIMG_LINT_URL("user-missing-final"), "", "USER"},
  {rule_id::healthcheck_missing, "healthcheck-missing", rule_origin::dockimg, severity::info, profile::standard, false, false,
   "No HEALTHCHECK in the final image",
   "Without a health check Docker and Swarm only know whether the process runs, not whether it serves.",
   "Add `HEALTHCHECK CMD [...]`, or `HEALTHCHECK NONE` to state that the orchestrator probes it.",
   DOCKIMG_LINT_URL("healthcheck-missing"), "DL3057", "HC"},
  {rule_id::shell_form_cmd, "shell-form-cmd", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "CMD or ENTRYPOINT in shell form",
   "Shell form runs the program under `/bin/sh -c`: the shell is PID 1, SIGTERM does not reach the program and `docker stop` waits for the kill timeout.",
   "Use the exec form: `CMD [\"/app\", \"--flag\"]` (or `exec` inside the shell command).",
   DOCKIMG_LINT_URL("shell-form-cmd"), "DL3025", "EXEC"},
  {rule_id::exec_form_variable, "exec-form-variable", rule_origin::dockimg, severity::error, profile::standard, false, false,
   "Variable in an exec-form CMD, ENTRYPOINT or HEALTHCHECK",
   "Exec form runs without a shell, so `$NAME` reaches the program literally: it is never expanded.",
   "Write the value, or run a shell on purpose: `[\"sh\", \"-c\", \"exec app --port \\\"$PORT\\\"\"]`.",
   DOCKIMG_LINT_URL("exec-form-variable"), "", "EXEC"},
  // ---- dockimg: secrets and .dockerignore
  {rule_id::secret_in_arg_env, "secret-in-arg-env", rule_origin::dockimg, severity::warning, profile::standard, false, false,
   "ARG or ENV name that looks like a secret",
   "ENV values are stored in the image configuration and ARG values in its history: anyone who can pull the image can read them.",
   "Pass secrets with `RUN --mount=type=secret,id=...` (and `docker build --secret`), or at run time.",
   DOCKIMG_LINT_URL("secret-in-arg-env"), "DL3064", "SEC"},
  {rule_id::secret_file_copied, "secret-file-copied", rule_origin::dockimg, severity::error, profile::standard, false, true,
   "A secret file is copied into the image",
   "Keys, `.env` files and registry credentials copied into a layer stay readable in the image, even if a later step deletes them.",
   "Exclude the file in `.dockerignore` and mount it only where needed: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`.",
   DOCKIMG_LINT_URL("secret-file-copied"), "", "SEC"},
  {rule_id::dockerignore_missing, "dockerignore-missing", rule_origin::dockimg, severity::warning, profile::standard, false, true,
   "The whole context is copied and there is no .dockerignore",
   "`COPY . .` without a .dockerignore sends and copies everything: `.git`, `node_modules`, build output, local secrets. The image grows and every unrelated file change busts the cache.",
   "Add a `.dockerignore` that excludes `.git`, dependency and build directories, and secret files.",
   DOCKIMG_LINT_URL("dockerignore-missing"), "", "IGN"},
  {rule_id::dockerignore_gap, "dockerignore-gap", rule_origin::dockimg, severity::warning, profile::standard, false, true,
   "A broad COPY sends files .dockerignore should exclude",
   "`.git`, `node_modules`, .NET `bin`/`obj` and secret files are sent to the builder and copied into the layer: larger images, cache misses and leaked secrets.",
   "Add the missing patterns to `.dockerignore` (for example `.git`, `**/node_modules`, `**/bin`, `**/obj`, `.env`).",
   DOCKIMG_LINT_URL("dockerignore-gap"), "", "IGN"},
  {rule_id::copy_ignored_file, "copy-ignored-file", rule_origin::dockimg, severity::error, profile::standard, false, true,
   "COPY or ADD of a path that .dockerignore excludes",
   "An excluded path is never sent to the builder: the build fails with `not found`, or a glob silently copies nothing.",
   "Stop excluding the path (a `!path` line after the pattern) or stop copying it.",
   DOCKIMG_LINT_URL("copy-ignored-file"), "", "IGN"},
  // ---- dockimg: cache mounts
  {rule_id::prefer_cache_mount, "prefer-cache-mount", rule_origin::dockimg, severity::info, profile::strict, false, false,
   "Package fetch or build without a BuildKit cache mount",
   "With `--mount=type=cache` downloads and build caches survive between builds without entering a layer: faster rebuilds and smaller images.",
   "Mount the tool's cache, for example `RUN --mount=type=cache,target=/root/.cache/go-build go build ...`.",
   DOCKIMG_LINT_URL("prefer-cache-mount"), "", "CMOUNT"},

  // ---- BuildKit
  {rule_id::bk_stage_name_casing, "StageNameCasing", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Stage names should be lowercase",
   "Lowercase stage names are easy to tell apart from instruction keywords.",
   "Write the stage name in lowercase.", DOCKIMG_BK_URL("stage-name-casing"), "", "-"},
  {rule_id::bk_from_as_casing, "FromAsCasing", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "The 'as' keyword should match the case of the 'from' keyword",
   "Mixed keyword casing makes a Dockerfile harder to read.",
   "Write `FROM ... AS` or `from ... as`.", DOCKIMG_BK_URL("from-as-casing"), "", "-"},
  {rule_id::bk_no_empty_continuation, "NoEmptyContinuation", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Empty continuation lines will become errors in a future release",
   "An empty line inside a `\\` continuation is skipped today and will be an error later.",
   "Remove the empty line or end the continuation before it.", DOCKIMG_BK_URL("no-empty-continuation"), "", "-"},
  {rule_id::bk_consistent_instruction_casing, "ConsistentInstructionCasing", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "All commands within the Dockerfile should use the same casing (either upper or lower)",
   "One casing for every instruction keeps a Dockerfile readable.",
   "Write every instruction keyword in the casing most of the file uses.", DOCKIMG_BK_URL("consistent-instruction-casing"), "", "-"},
  {rule_id::bk_duplicate_stage_name, "DuplicateStageName", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Stage names should be unique",
   "A second stage with the same name makes `--from` and `--target` ambiguous.",
   "Rename one of the stages.", DOCKIMG_BK_URL("duplicate-stage-name"), "DL3024", "-"},
  {rule_id::bk_reserved_stage_name, "ReservedStageName", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Reserved words should not be used as stage names",
   "`scratch` and `context` have a meaning of their own in FROM and `--from`.",
   "Choose another stage name.", DOCKIMG_BK_URL("reserved-stage-name"), "DL3063", "-"},
  {rule_id::bk_json_args_recommended, "JSONArgsRecommended", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
   "In shell form `/bin/sh` is PID 1 and does not forward signals to the program.",
   "Use the exec form `[\"executable\", \"arg\"]`.", DOCKIMG_BK_URL("json-args-recommended"), "", "EXEC"},
  {rule_id::bk_maintainer_deprecated, "MaintainerDeprecated", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
   "MAINTAINER is deprecated; the OCI annotation key is the standard place for the author.",
   "Use `LABEL org.opencontainers.image.authors=\"...\"`.", DOCKIMG_BK_URL("maintainer-deprecated"), "DL4000", "-"},
  {rule_id::bk_undefined_arg_in_from, "UndefinedArgInFrom", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "FROM command must use declared ARGs",
   "FROM only sees ARGs declared before the first FROM; anything else expands to an empty string.",
   "Declare the ARG before the first FROM, or fix its name.", DOCKIMG_BK_URL("undefined-arg-in-from"), "", "-"},
  {rule_id::bk_workdir_relative_path, "WorkdirRelativePath", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
   "A relative WORKDIR is resolved against the base image's working directory, which the base can change.",
   "Use an absolute path, or set an absolute WORKDIR first.", DOCKIMG_BK_URL("workdir-relative-path"), "DL3000", "-"},
  {rule_id::bk_undefined_var, "UndefinedVar", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Variables should be defined before their use",
   "An undefined variable expands to an empty string, usually a typo or a missing ARG.",
   "Declare the variable with ARG or ENV before the instruction, or fix its name.", DOCKIMG_BK_URL("undefined-var"), "", "-"},
  {rule_id::bk_multiple_instructions_disallowed, "MultipleInstructionsDisallowed", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Multiple instructions of the same type should not be used in the same stage",
   "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect; the earlier ones are dead code.",
   "Remove the earlier instruction.", DOCKIMG_BK_URL("multiple-instructions-disallowed"), "DL4003", "-"},
  {rule_id::bk_legacy_key_value_format, "LegacyKeyValueFormat", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Legacy key/value format with whitespace separator should not be used",
   "`ENV key value` sets one variable to the rest of the line; it is easy to misread and deprecated.",
   "Write `ENV key=value` / `LABEL key=value`.", DOCKIMG_BK_URL("legacy-key-value-format"), "", "-"},
  {rule_id::bk_invalid_base_image_platform, "InvalidBaseImagePlatform", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Base image platform does not match expected target platform",
   "The base image was resolved for another platform than the build targets.",
   "Select a base image that supports the target platform. (Needs the pulled image; dockimg does not resolve images.)",
   "", "", "-"},
  {rule_id::bk_redundant_target_platform, "RedundantTargetPlatform", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
   "`--platform=$TARGETPLATFORM` is what FROM does anyway.",
   "Remove the flag.", DOCKIMG_BK_URL("redundant-target-platform"), "DL3065", "-"},
  {rule_id::bk_secrets_used_in_arg_or_env, "SecretsUsedInArgOrEnv", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Sensitive data should not be used in the ARG or ENV commands",
   "ARG and ENV values are persisted in the image history and configuration.",
   "Use secret mounts (`RUN --mount=type=secret`).", DOCKIMG_BK_URL("secrets-used-in-arg-or-env"), "", "SEC"},
  {rule_id::bk_invalid_default_arg_in_from, "InvalidDefaultArgInFrom", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Default value for global ARG results in an empty or invalid base image name",
   "Without build arguments the FROM line does not name a valid image.",
   "Give the global ARG a default that makes a valid reference.", DOCKIMG_BK_URL("invalid-default-arg-in-from"), "", "PIN"},
  {rule_id::bk_from_platform_flag_const_disallowed, "FromPlatformFlagConstDisallowed", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "FROM --platform flag should not use a constant value",
   "A constant platform defeats multi-platform builds.",
   "Use `$BUILDPLATFORM` / `$TARGETPLATFORM`, or name the stage after the platform.", DOCKIMG_BK_URL("from-platform-flag-const-disallowed"), "DL3029", "-"},
  {rule_id::bk_copy_ignored_file, "CopyIgnoredFile", rule_origin::buildkit, severity::warning, profile::standard, false, true,
   "Attempting to Copy file that is excluded by .dockerignore",
   "The excluded file is not sent to the builder.",
   "Stop excluding the file or stop copying it.", DOCKIMG_BK_URL("copy-ignored-file"), "", "IGN"},
  {rule_id::bk_invalid_definition_description, "InvalidDefinitionDescription", rule_origin::buildkit, severity::warning, profile::standard, true, false,
   "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
   "Description comments feed `docker buildx build --call=outline/targets`.",
   "Start the comment with the ARG or stage name, or separate it with an empty line.", DOCKIMG_BK_URL("invalid-definition-description"), "", "-"},
  {rule_id::bk_expose_proto_casing, "ExposeProtoCasing", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "Protocol in EXPOSE instruction should be lowercase",
   "Protocols are lowercase everywhere else (`80/tcp`).",
   "Write the protocol in lowercase.", DOCKIMG_BK_URL("expose-proto-casing"), "", "-"},
  {rule_id::bk_expose_invalid_format, "ExposeInvalidFormat", rule_origin::buildkit, severity::warning, profile::standard, false, false,
   "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
   "EXPOSE documents container ports; host addresses and ports are chosen at `docker run -p` time.",
   "Write only the container port (`EXPOSE 8080`).", DOCKIMG_BK_URL("expose-invalid-format"), "", "-"},
};
// clang-format on

#undef DOCKIMG_BK_URL
#undef DOCKIMG_LINT_URL

static_assert(sizeof(rule_table) / sizeof(rule_table[0]) == rule_count, "one rule_table row per rule_id");

/// ASCII case-insensitive equality.
inline bool iequals(sv a, sv b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// Concatenates pieces into the arena ("" when it is full).
inline sv cat(arena& a, std::initializer_list<sv> parts) noexcept {
  std::size_t n = 0;
  for (sv p : parts) n += p.size();
  if (n == 0) return {};
  char* out = a.make_text(n);
  if (!out) return {};
  std::size_t k = 0;
  for (sv p : parts) {
    if (!p.empty()) std::memcpy(out + k, p.data(), p.size());
    k += p.size();
  }
  return {out, n};
}

/// Collects findings in arena chunks (their count is not known in advance).
class sink {
 public:
  explicit sink(arena& a, const rule_set& enabled) noexcept : a_(a), enabled_(enabled) {}

  /// True when rule `id` is enabled (rules test this before doing work).
  [[nodiscard]] bool enabled(rule_id id) const noexcept { return enabled_.has(id); }

  /// The arena for messages and scratch records.
  [[nodiscard]] arena& storage() noexcept { return a_; }

  /// Records a finding of `id` at `where`, attached to `at` (nullptr: the file). `message` and
  /// `detail` must live at least as long as the arena (literals, source text or arena text).
  /// Disabled rules are dropped here. Returns false when the arena is full.
  bool add(rule_id id, const dockerfile::command* at, source_range where, sv message, sv detail = {}) noexcept {
    if (!enabled_.has(id)) return true;
    if (!tail_ || tail_->n == chunk_size) {
      chunk* c = a_.make_scratch<chunk>(1);
      if (!c) {
        overflow_ = true;
        return false;
      }
      c->n = 0;
      c->next = nullptr;
      (tail_ ? tail_->next : head_) = c;
      tail_ = c;
    }
    finding& f = tail_->items[tail_->n++];
    f = finding{};
    f.rule = &rule_table[static_cast<std::size_t>(id)];
    f.level = f.rule->level;
    f.message = message;
    f.detail = detail;
    f.range = where;
    f.at = at;
    f.line = at ? at->line : 0;
    ++count_;
    return true;
  }

  /// Like `add`, with a message made of several pieces.
  bool add(rule_id id, const dockerfile::command* at, source_range where, std::initializer_list<sv> message,
           sv detail = {}) noexcept {
    if (!enabled_.has(id)) return true;
    const sv m = cat(a_, message);
    if (m.empty()) {
      overflow_ = true;
      return false;
    }
    return add(id, at, where, m, detail);
  }

  /// Number of findings recorded.
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  /// True when the arena ran out.
  [[nodiscard]] bool overflow() const noexcept { return overflow_; }
  /// Marks the arena as exhausted (a rule module could not get scratch space).
  void set_overflow() noexcept { overflow_ = true; }

  /// Calls `f(finding&)` for every finding, in insertion order.
  template <class F>
  void for_each(F&& f) noexcept {
    for (chunk* c = head_; c; c = c->next)
      for (std::size_t i = 0; i < c->n; ++i) f(c->items[i]);
  }

 private:
  static constexpr std::size_t chunk_size = 32;
  struct chunk {
    finding items[chunk_size];
    std::size_t n;
    chunk* next;
  };
  arena& a_;
  const rule_set& enabled_;
  chunk* head_ = nullptr;
  chunk* tail_ = nullptr;
  std::size_t count_ = 0;
  bool overflow_ = false;
};

/// What every rule module sees.
struct context {
  const dockerfile::document& doc;      ///< the parsed file
  const dockerfile::stage_list& stages;  ///< typed instructions (may carry an error)
  const dockerfile::stage_graph& graph;  ///< the stage graph (meaningful when `graph.ok()`)
  /// `stages`, or when they failed, `parse_stages_lenient`'s list (the analyses go on past an
  /// invalid instruction; BuildKit's checks follow BuildKit and stop there).
  const dockerfile::stage_list& typed;
  const options& opt;                    ///< the caller's options
  sink& out;                             ///< where findings go
};

/// Results of the BuildKit module that the engine reports.
struct buildkit_outcome {
  bool check_error = false;  ///< `error=true` was in effect and a rule fired
  sv rules;                  ///< the rules that fired, `, `-separated (arena text)
};

}  // namespace detail_lint
}  // namespace lint
DOCKIMG_END_NAMESPACE

#include "lint_buildkit.hpp"
#include "lint_rules.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {

inline list_view<rule_info> rules() noexcept { return {detail_lint::rule_table, rule_count}; }

inline const rule_info& rule(rule_id id) noexcept { return detail_lint::rule_table[static_cast<std::size_t>(id)]; }

inline const rule_info* find_rule(std::string_view name) noexcept {
  for (const rule_info& r : detail_lint::rule_table) {
    if (detail_lint::iequals(r.name, name)) return &r;
  }
  for (const rule_info& r : detail_lint::rule_table) {
    if (!r.hadolint.empty() && r.origin == rule_origin::dockimg && detail_lint::iequals(r.hadolint, name)) return &r;
  }
  return nullptr;
}

inline rule_set rule_set::of(profile p) noexcept {
  rule_set s;
  for (const rule_info& r : detail_lint::rule_table) {
    if (r.in_profile == profile::standard || p == profile::strict) s.enable(r.id);
  }
  return s;
}

inline rule_set rule_set::all() noexcept {
  rule_set s;
  for (const rule_info& r : detail_lint::rule_table) s.enable(r.id);
  return s;
}

namespace detail_lint {

/// Applies a comma-separated list of rule names to `set` (`disable`), hadolint ids mapping to
/// every rule that declares them. `all` disables everything.
inline void disable_names(sv list, bool hadolint_only, rule_set& set) noexcept {
  std::size_t i = 0;
  while (i <= list.size()) {
    std::size_t j = list.find(',', i);
    if (j == sv::npos) j = list.size();
    sv name = list.substr(i, j - i);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!name.empty()) {
      if (!hadolint_only && iequals(name, "all")) {
        set = rule_set::all();
      } else {
        for (const rule_info& r : rule_table) {
          if ((!hadolint_only && iequals(r.name, name)) || (!r.hadolint.empty() && iequals(r.hadolint, name)))
            set.enable(r.id);
        }
      }
    }
    i = j + 1;
  }
}

/// Reads a pragma comment (text after `#`, trimmed): `<tool> ignore=LIST` or
/// `<tool> global ignore=LIST`. Returns the list, and whether it is global.
inline bool read_pragma(sv text, sv tool, sv& list, bool& global) noexcept {
  auto skip_ws = [](sv& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  };
  skip_ws(text);
  if (text.size() < tool.size() || !iequals(text.substr(0, tool.size()), tool)) return false;
  text.remove_prefix(tool.size());
  if (text.empty() || (text.front() != ' ' && text.front() != '\t')) return false;
  skip_ws(text);
  global = false;
  if (text.size() > 6 && iequals(text.substr(0, 6), "global") && (text[6] == ' ' || text[6] == '\t')) {
    global = true;
    text.remove_prefix(6);
    skip_ws(text);
  }
  if (text.size() < 7 || !iequals(text.substr(0, 7), "ignore=")) return false;
  text.remove_prefix(7);
  // The list ends at white space; a reason may follow (`# hadolint ignore=DL3008 # pinned elsewhere`).
  std::size_t e = 0;
  while (e < text.size() && text[e] != ' ' && text[e] != '\t' && text[e] != '#') ++e;
  list = text.substr(0, e);
  return true;
}

/// The suppressed set for the comments above one instruction.
inline rule_set local_suppressions(const dockerfile::instruction* node, const options& opt) noexcept {
  rule_set s;
  if (!node) return s;
  for (const dockerfile::comment& c : node->comments()) {
    sv list;
    bool global = false;
    if (opt.dockimg_pragmas && read_pragma(c.text, "dockimg", list, global) && !global) disable_names(list, false, s);
    if (opt.hadolint_pragmas && read_pragma(c.text, "hadolint", list, global) && !global) disable_names(list, true, s);
  }
  return s;
}

/// The global suppressions: every comment line of the file.
inline rule_set global_suppressions(sv src, const options& opt) noexcept {
  rule_set s;
  if (!opt.dockimg_pragmas && !opt.hadolint_pragmas) return s;
  // Only comment lines matter: jump from `#` to `#` and look at the ones that start a line.
  for (std::size_t h = src.find('#'); h != sv::npos; h = src.find('#', h + 1)) {
    std::size_t b = h;
    while (b > 0 && (src[b - 1] == ' ' || src[b - 1] == '\t')) --b;
    if (b > 0 && src[b - 1] != '\n') continue;
    std::size_t e = src.find('\n', h);
    if (e == sv::npos) e = src.size();
    sv line = src.substr(h + 1, e - h - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    sv list;
    bool global = false;
    if (opt.dockimg_pragmas && read_pragma(line, "dockimg", list, global) && global) disable_names(list, false, s);
    if (opt.hadolint_pragmas && read_pragma(line, "hadolint", list, global) && global) disable_names(list, true, s);
    h = e == src.size() ? e - 1 : e;
  }
  return s;
}

/// The dockimg twin of a BuildKit rule (`count_` when none).
constexpr rule_id twin_of(rule_id id) noexcept {
  switch (id) {
    case rule_id::bk_json_args_recommended: return rule_id::shell_form_cmd;
    case rule_id::bk_secrets_used_in_arg_or_env: return rule_id::secret_in_arg_env;
    case rule_id::bk_copy_ignored_file: return rule_id::copy_ignored_file;
    default: return rule_id::count_;
  }
}

inline bool finding_less(const finding& a, const finding& b) noexcept {
  if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin;
  if (a.rule->id != b.rule->id) return a.rule->id < b.rule->id;
  if (a.range.end != b.range.end) return a.range.end < b.range.end;
  return a.message < b.message;
}

}  // namespace detail_lint

inline report run(const dockerfile::document& doc, const options& opt, arena& storage) noexcept {
  namespace dl = detail_lint;
  report rep;
  if (!doc.ok()) {
    rep.code = doc.error().code == dockerfile::errc::out_of_storage ? errc::out_of_storage : errc::parse_error;
    return rep;
  }
  const dockerfile::stage_list stages = dockerfile::parse_stages(doc, storage);
  if (!stages.ok() && stages.error().code == dockerfile::instr_errc::out_of_storage) {
    rep.code = errc::out_of_storage;
    return rep;
  }
  dockerfile::stage_graph graph;
  if (stages.ok() && !stages.stages().empty()) {
    graph = dockerfile::build_graph(doc, stages, opt.graph, storage);
    if (!graph.ok() && graph.error.code == dockerfile::instr_errc::out_of_storage) {
      rep.code = errc::out_of_storage;
      return rep;
    }
  }
  if (!stages.ok()) {
    rep.code = errc::instructions;
    rep.instruction_error = stages.error();
  } else if (!stages.stages().empty() && !graph.ok()) {
    rep.code = errc::instructions;
    rep.instruction_error = graph.error;
  }

  dockerfile::stage_list typed = stages;
  if (!stages.ok()) {
    dockerfile::instruction_error first;
    typed = dockerfile::parse_stages_lenient(doc, storage, first);
  }
  dl::sink out(storage, opt.enabled);
  const dl::context ctx{doc, stages, graph, typed, opt, out};
  const dl::buildkit_outcome bk = dl::run_buildkit(ctx);
  dl::run_dockimg(ctx);
  if (out.overflow()) {
    rep.code = errc::out_of_storage;
    return rep;
  }
  rep.check_error = bk.check_error;
  rep.check_error_rules = bk.rules;

  // Locate, suppress, merge twins, sort.
  const rule_set global = dl::global_suppressions(doc.source(), opt);
  finding* items = storage.make_records<finding>(out.size() ? out.size() : 1);
  if (!items) {
    rep.code = errc::out_of_storage;
    return rep;
  }
  std::size_t n = 0;
  out.for_each([&](finding& f) {
    if (global.has(f.rule->id)) {
      ++rep.suppressed;
      return;
    }
    if (f.at && dl::local_suppressions(f.at->node, opt).has(f.rule->id)) {
      ++rep.suppressed;
      return;
    }
    items[n++] = f;
  });
  if (opt.merge_twins) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const rule_id twin = dl::twin_of(items[i].rule->id);
      bool dup = false;
      if (twin != rule_id::count_) {
        for (std::size_t j = 0; j < n && !dup; ++j)
          dup = items[j].rule->id == twin && items[j].line == items[i].line;
      }
      if (!dup) items[k++] = items[i];
    }
    n = k;
  }
  std::sort(items, items + n, dl::finding_less);
  // Positions: the begins are sorted, so one pass finds them; each end is counted from its begin.
  source_locator loc(doc.source());
  const std::string_view src = doc.source();
  for (std::size_t i = 0; i < n; ++i) {
    const source_position b = loc.locate(items[i].range.begin);
    items[i].begin = {b.line, b.column};
    position e = items[i].begin;
    const std::uint32_t end = items[i].range.end < src.size() ? items[i].range.end : static_cast<std::uint32_t>(src.size());
    for (std::uint32_t k = items[i].range.begin; k < end; ++k) {
      if (src[k] == '\n') {
        ++e.line;
        e.column = 1;
      } else {
        ++e.column;
      }
    }
    items[i].end = e;
    if (items[i].line == 0) items[i].line = items[i].begin.line;
  }
  rep.findings = {items, n};
  return rep;
}

}  // namespace lint
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_LINT_ENGINE_HPP

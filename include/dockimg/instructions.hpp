// SPDX-License-Identifier: Apache-2.0
/// @file instructions.hpp
/// @brief BuildKit's instruction layer (`frontend/dockerfile/instructions`): typed instructions
/// with BuildKit's flag parsing (`BFlags`), `RUN --mount` / `--device` parsing, HEALTHCHECK
/// durations, and the stage list of `instructions.Parse`, with BuildKit's exact error texts and no
/// heap allocation.
///
/// @code
///   std::vector<unsigned char> mem(dockimg::dockerfile::storage_hint(text) * 2);
///   dockimg::arena storage(mem.data(), mem.size());
///   auto doc = dockimg::dockerfile::parse(text, storage);
///   auto stages = dockimg::dockerfile::parse_stages(doc, storage);
///   if (!stages.ok()) { std::string msg = dockimg::dockerfile::message(stages.error()); }
///   for (const auto& st : stages.stages()) {
///     for (const auto& cmd : st.commands) {
///       if (const auto* run = cmd.get<dockimg::dockerfile::run_command>()) { run->mounts; }
///     }
///   }
/// @endcode
#ifndef DOCKIMG_INSTRUCTIONS_HPP
#define DOCKIMG_INSTRUCTIONS_HPP

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "arena.hpp"
#include "config.hpp"
#include "detail/go_quote.hpp"
#include "detail/unicode.hpp"
#include "dockerfile.hpp"
#include "shell.hpp"
#include "source.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace dockerfile {

// ------------------------------------------------------------------------------------------------
// Errors
// ------------------------------------------------------------------------------------------------

/// Error codes of the instruction layer. The message of each (BuildKit's exact text) is given
/// with `a`, `b` and `suggestion` standing for the fields of `instruction_error`.
enum class instr_errc : std::uint8_t {
  ok = 0,                 ///< no error
  unknown_instruction,    ///< `unknown instruction: a`
  unknown_flag,           ///< `unknown flag: a` (a includes the dashes)
  flag_without_dashes,    ///< `arg should start with -- : a`
  duplicate_flag,         ///< `duplicate flag specified: a`
  missing_flag_value,     ///< `missing a value on flag: a`
  bad_bool_flag,          ///< `expecting boolean value for flag a, not: b`
  at_least_one_argument,  ///< `a requires at least one argument`
  exactly_one_argument,   ///< `a requires exactly one argument`
  no_destination,  ///< `a requires at least two arguments, but only one was provided. Destination
                   ///< could not be determined`
  heredoc_destination,  ///< `a cannot accept a heredoc as a destination`
  blank_names,          ///< `a names can not be blank`
  too_many_arguments,   ///< `Bad input to a, too many arguments`
  from_arguments,       ///< `FROM requires either one or three arguments`
  invalid_stage_name,   ///< `invalid name for build stage: "a", name can't start with a number or
                        ///< contain symbols`
  onbuild_chaining,     ///< ``Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed``
  onbuild_trigger,      ///< `a isn't allowed as an ONBUILD trigger`
  healthcheck_none_arguments,   ///< `HEALTHCHECK NONE takes no arguments`
  healthcheck_unknown_type,     ///< `Unknown type "a" in HEALTHCHECK (...)`: an unknown HEALTHCHECK type
  healthcheck_missing_command,  ///< `Missing command after HEALTHCHECK CMD`
  duration_invalid,             ///< `time: invalid duration "a"`
  duration_missing_unit,        ///< `time: missing unit in duration "a"`
  duration_unknown_unit,        ///< `time: unknown unit "b" in duration "a"`
  interval_too_small,           ///< `Interval "a" cannot be less than 1ms`
  int_syntax,                   ///< `strconv.ParseInt: parsing "a": invalid syntax`
  int_range,                    ///< `strconv.ParseInt: parsing "a": value out of range`
  negative_retries,             ///< `--retries cannot be negative (number)`
  shell_not_json,               ///< `SHELL requires the arguments to be in JSON form`
  volume_empty,                 ///< `VOLUME specified can not be an empty string`
  invalid_network,              ///< `invalid network mode "a"`
  invalid_security,             ///< `security "a" is not valid`
  from_expansion,  ///< `'from' doesn't support variable expansion, define alias stage instead`
  csv_bare_quote,  ///< `failed to parse csv a: parse error on line 1, column N: bare " in
                   ///< non-quoted-field`
  csv_quote,  ///< `failed to parse csv a: parse error on line 1, column N: extraneous or missing "
              ///< in quoted-field`
  csv_empty,  ///< `failed to parse csv a: EOF`
  invalid_field,           ///< `invalid field 'a' must be a key=value pair`
  unexpected_key,          ///< `unexpected key 'a' in 'b'`
  key_not_for_type,        ///< `unexpected key 'a' for mount type 'b'`
  invalid_value,           ///< `invalid value for a: b`
  invalid_number,          ///< `invalid value b for a`
  unsupported_mount_type,  ///< `unsupported mount type "a"`
  unsupported_sharing,     ///< `unsupported sharing value "a"`
  not_allowed_for_type,    ///< `a not allowed for "b" type mounts`
  secret_from,             ///< `secret mount should not have a from`
  secret_sharing,          ///< `secret mount should not define sharing`
  secret_no_target,        ///< `invalid secret mount. one of source, target required`
  secret_source_and_id,    ///< `both source and id can't be set`
  sharing_not_cache,       ///< `invalid cache sharing set for a mount`
  device_name_set,         ///< `device name already set to a`
  no_build_stage,          ///< `no build stage in current context`
  no_stages,               ///< `dockerfile contains no stages to build`
  expansion_failed,  ///< the shell lexer's error for the word `a` (`failed to process "a": ...`)
  platform_expansion_failed,  ///< `failed to process arguments for platform b: ` + the lexer's
                              ///< error for `a`
  empty_platform,             ///< `empty platform value from expression a`
  blank_base_name,            ///< `base name (a) should not be blank`
  target_not_found,           ///< `target stage "a" could not be found`
  from_variable,  ///< `variable expansion is not supported for --from, define a new stage with FROM
                  ///< using ARG from global scope as a workaround`
  invalid_stage_index,     ///< `invalid stage index number`
  circular_dependency,     ///< `circular dependency detected on stage: a`
  copy_from_later_stage,   ///< `cannot copy from stage "a", it needs to be defined before current
                           ///< stage "b"`
  copy_url_source,         ///< `source can't be a URL for COPY`
  port_no_port,            ///< `invalid port: "a": no port specified`
  port_invalid_proto,      ///< `invalid port: "a": invalid proto: b`
  port_bad_bracket_ip,     ///< `invalid IP address b: address b:: missing ']' in address` (a = the
                           ///< spec)
  port_invalid_ip,         ///< `invalid IP address: b`
  port_invalid_container,  ///< `invalid containerPort: b`
  port_invalid_host,       ///< `invalid hostPort: b`
  port_ranges_differ,      ///< `invalid ranges specified for container and host Ports: a and b`
  out_of_storage,          ///< the arena is too small (not a BuildKit error)
};

/// An error of the instruction layer: a code, the variable parts of BuildKit's message, and where.
struct instruction_error {
  instr_errc code = instr_errc::ok;  ///< what happened
  std::string_view a;                ///< first variable part of the message (see `instr_errc`)
  std::string_view b;                ///< second variable part
  std::string_view suggestion;       ///< BuildKit's ` (did you mean x?)` candidate, or empty
  std::int64_t number = 0;           ///< a number in the message (retries, CSV column)
  std::uint32_t line = 0;  ///< BuildKit's line: the instruction's first line (0 when unknown)
  source_range range;      ///< the instruction's source bytes
  bool wrapped =
      false;  ///< prefixed `dockerfile parse error on line N: ` (as `instructions.Parse` does)
  shell::error_detail lexer;  ///< the shell lexer's error, for `expansion_failed`

  /// True when this is a real error.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != instr_errc::ok; }
};

/// Writes BuildKit's message for `e` to `sink` (called with `std::string_view` pieces).
template <class Sink>
void write_message(const instruction_error& e, Sink&& sink);

/// BuildKit's message for `e` as a `std::string` (convenience; allocates).
[[nodiscard]] inline std::string message(const instruction_error& e) {
  std::string out;
  write_message(e, [&](std::string_view s) { out.append(s.data(), s.size()); });
  return out;
}

// ------------------------------------------------------------------------------------------------
// BFlags
// ------------------------------------------------------------------------------------------------

/// The kind of value a flag takes (BuildKit's `FlagType`).
enum class flag_type : std::uint8_t {
  boolean,  ///< `--x`, `--x=true|false` (case-insensitive)
  string,   ///< `--x=v`, given at most once
  strings,  ///< `--x=v`, repeatable
};

/// A declared flag: name (without `--`), type and default value (`"true"`/`"false"` for booleans).
struct flag_spec {
  std::string_view name;               ///< the name without `--`
  flag_type type = flag_type::string;  ///< the kind of value
  std::string_view default_value;      ///< the value when the flag is absent
};

/// The value of a declared flag after parsing.
struct flag_value {
  std::string_view value;  ///< bool: `"true"`/`"false"`; string: the value (default when unused)
  list_view<std::string_view> values;  ///< strings: every value, in order
  bool used = false;                   ///< the flag was given
  std::uint32_t first_use = 0;         ///< order of first use among the used flags (for `Used()`)
};

/// BuildKit's `BFlags.Parse`: parses `args` (each `--name[=value]`) against `specs` into `out`
/// (one entry per spec). String-list values are stored in `storage`. The first failing flag
/// wins; suggestions follow declaration order between equally distant candidates (BuildKit's
/// choice there follows Go map order).
[[nodiscard]] instruction_error parse_flags(const std::string_view* args, std::size_t n_args,
                                            const flag_spec* specs, std::size_t n_specs,
                                            flag_value* out, arena& storage) noexcept;

// ------------------------------------------------------------------------------------------------
// Typed instructions
// ------------------------------------------------------------------------------------------------

/// A `key=value` pair of ENV or LABEL (BuildKit's `KeyValuePair`).
struct key_value {
  std::string_view key;    ///< the key (quotes kept, as BuildKit keeps them until expansion)
  std::string_view value;  ///< the value (quotes kept)
  bool no_delim = false;   ///< true for the legacy `KEY value` form
};

/// One `ARG` name with its optional default (BuildKit's `KeyValuePairOptional`).
struct arg_pair {
  std::string_view key;          ///< the name
  std::string_view value;        ///< the default (meaningful when `has_value`)
  bool has_value = false;        ///< `NAME=...` was written
  std::string_view doc_comment;  ///< the `# NAME text` comment above, `text` part
};

/// A here-document used as a file by RUN/CMD/ENTRYPOINT (BuildKit's `ShellInlineFile`).
struct inline_file {
  std::string_view name;  ///< the heredoc name
  std::string_view data;  ///< the raw body (not chomped)
  bool chomp = false;     ///< `<<-`
};

/// A here-document used as a COPY/ADD source (BuildKit's `SourceContent`).
struct source_content {
  std::string_view path;  ///< the heredoc name (the file name)
  std::string_view data;  ///< the body, chomped for `<<-`
  bool expand = true;     ///< variables are expanded in the body
};

/// An optional boolean (BuildKit's `*bool`).
enum class tristate : std::uint8_t {
  unset,  ///< the flag was not given
  no,     ///< false
  yes,    ///< true
};

/// BuildKit's `ShellDependantCmdLine`, shared by RUN, CMD and ENTRYPOINT.
struct shell_command {
  list_view<std::string_view> cmd_line;  ///< JSON values, or one shell string
  list_view<inline_file> files;          ///< heredocs
  bool prepend_shell = false;            ///< shell form (run through the SHELL)
};

/// A `RUN --mount` (BuildKit's `Mount`).
struct mount {
  std::string_view type = "bind";  ///< bind, cache, tmpfs, secret or ssh (lowercase)
  std::string_view from;           ///< stage, image or context name
  std::string_view source;         ///< `source` / `src`
  std::string_view target;         ///< `target` / `dst` / `destination`
  bool read_only = false;          ///< after defaults (true for bind/secret/ssh unless said)
  std::int64_t size_limit = 0;     ///< tmpfs `size` in bytes
  std::string_view cache_id;       ///< `id`
  std::string_view sharing;        ///< shared, private, locked or empty
  bool required = false;           ///< secret/ssh `required`
  std::string_view env;            ///< secret `env` (meaningful when `has_env`)
  bool has_env = false;            ///< `env=` was given
  std::uint64_t mode = 0;          ///< `mode` (meaningful when `has_mode`)
  std::uint64_t uid = 0;           ///< `uid` (meaningful when `has_uid`)
  std::uint64_t gid = 0;           ///< `gid` (meaningful when `has_gid`)
  bool has_mode = false;           ///< `mode=` was given
  bool has_uid = false;            ///< `uid=` was given
  bool has_gid = false;            ///< `gid=` was given
};

/// A `RUN --device` (BuildKit's `Device`).
struct device {
  std::string_view name;  ///< the CDI device name
  bool required = false;  ///< `required`
};

/// FROM (BuildKit's `Stage` as returned by the instruction parser).
struct from_command {
  static constexpr keyword kind = keyword::from;  ///< the instruction
  std::string_view base_name;    ///< the image or stage reference as written (not expanded)
  std::string_view name;         ///< the stage name, lowercased ("" without `AS`)
  std::string_view platform;     ///< `--platform` ("" when absent)
  std::string_view orig_cmd;     ///< the keyword as written
  std::string_view source_code;  ///< the logical line, trimmed
  std::string_view doc_comment;  ///< the `# name text` comment above, `text` part
};

/// RUN.
struct run_command : shell_command {
  static constexpr keyword kind = keyword::run;  ///< the instruction
  list_view<std::string_view> flags_used;        ///< names of the flags given, in first-use order
  list_view<std::string_view> mount_specs;       ///< raw `--mount` values
  list_view<std::string_view> device_specs;      ///< raw `--device` values
  std::string_view network = "default";          ///< `--network`: default, none or host
  std::string_view security = "sandbox";         ///< `--security`: sandbox or insecure
  list_view<device> devices;                     ///< parsed `--device` values
  list_view<mount> mounts;  ///< `--mount` values parsed without expansion (see `mounts_error`)
  instruction_error mounts_error;  ///< the first error of `parse_mount` over `mount_specs`
};

/// CMD.
struct cmd_command : shell_command {
  static constexpr keyword kind = keyword::cmd;  ///< the instruction
};

/// ENTRYPOINT (an empty `cmd_line` is BuildKit's nil).
struct entrypoint_command : shell_command {
  static constexpr keyword kind = keyword::entrypoint;  ///< the instruction
};

/// Sources and destination of COPY/ADD (BuildKit's `SourcesAndDest`).
struct sources_and_dest {
  std::string_view dest;                      ///< the destination
  list_view<std::string_view> source_paths;   ///< path sources
  list_view<source_content> source_contents;  ///< heredoc sources
};

/// COPY.
struct copy_command : sources_and_dest {
  static constexpr keyword kind = keyword::copy;  ///< the instruction
  std::string_view from;                          ///< `--from`
  std::string_view chown;                         ///< `--chown`
  std::string_view chmod;                         ///< `--chmod`
  bool link = false;                              ///< `--link`
  bool parents = false;                           ///< `--parents`
  list_view<std::string_view> exclude_patterns;   ///< `--exclude` values
};

/// ADD.
struct add_command : sources_and_dest {
  static constexpr keyword kind = keyword::add;  ///< the instruction
  std::string_view chown;                        ///< `--chown`
  std::string_view chmod;                        ///< `--chmod`
  std::string_view checksum;                     ///< `--checksum`
  bool link = false;                             ///< `--link`
  tristate keep_git_dir = tristate::unset;       ///< `--keep-git-dir`
  tristate unpack = tristate::unset;             ///< `--unpack`
  list_view<std::string_view> exclude_patterns;  ///< `--exclude` values
};

/// ENV.
struct env_command {
  static constexpr keyword kind = keyword::env;  ///< the instruction
  list_view<key_value> env;                      ///< the pairs
};

/// LABEL.
struct label_command {
  static constexpr keyword kind = keyword::label;  ///< the instruction
  list_view<key_value> labels;                     ///< the pairs
};

/// ARG.
struct arg_command {
  static constexpr keyword kind = keyword::arg;  ///< the instruction
  list_view<arg_pair> args;                      ///< the names
};

/// EXPOSE (ports sorted byte-wise, as BuildKit sorts them at parse time).
struct expose_command {
  static constexpr keyword kind = keyword::expose;  ///< the instruction
  list_view<std::string_view> ports;                ///< the port specs
};

/// HEALTHCHECK (durations in nanoseconds, 0 = default).
struct healthcheck_command {
  static constexpr keyword kind = keyword::healthcheck;  ///< the instruction
  list_view<std::string_view> test;  ///< `["NONE"]`, `["CMD", args...]` or `["CMD-SHELL", cmd]`
  std::int64_t interval = 0;         ///< `--interval`
  std::int64_t timeout = 0;          ///< `--timeout`
  std::int64_t start_period = 0;     ///< `--start-period`
  std::int64_t start_interval = 0;   ///< `--start-interval`
  std::int64_t retries = 0;          ///< `--retries`
};

/// MAINTAINER.
struct maintainer_command {
  static constexpr keyword kind = keyword::maintainer;  ///< the instruction
  std::string_view maintainer;                          ///< the text
};

/// WORKDIR.
struct workdir_command {
  static constexpr keyword kind = keyword::workdir;  ///< the instruction
  std::string_view path;                             ///< the path
};

/// USER.
struct user_command {
  static constexpr keyword kind = keyword::user;  ///< the instruction
  std::string_view user;                          ///< the user
};

/// STOPSIGNAL.
struct stopsignal_command {
  static constexpr keyword kind = keyword::stopsignal;  ///< the instruction
  std::string_view signal;                              ///< the signal
};

/// VOLUME.
struct volume_command {
  static constexpr keyword kind = keyword::volume;  ///< the instruction
  list_view<std::string_view> volumes;              ///< trimmed paths
};

/// SHELL.
struct shell_form_command {
  static constexpr keyword kind = keyword::shell;  ///< the instruction
  list_view<std::string_view> shell;               ///< the JSON values
};

/// ONBUILD.
struct onbuild_command {
  static constexpr keyword kind = keyword::onbuild;  ///< the instruction
  std::string_view
      expression;  ///< the trigger text, heredoc bodies appended (BuildKit's `Expression`)
};

/// One typed instruction: its kind, where it is, and the typed value (`get<T>()`).
struct command {
  keyword kind = keyword::unknown;    ///< the instruction
  std::string_view name;              ///< the keyword as written
  std::string_view original;          ///< the logical line (BuildKit's `Original`)
  std::uint32_t line = 0;             ///< first line (1-based)
  source_range range;                 ///< source bytes
  const instruction* node = nullptr;  ///< the parsed node (nullptr for a hand-built node)
  const void* value = nullptr;        ///< the typed value (use `get`)

  /// The typed value when it is a `T` (for example `run_command`), else nullptr.
  template <class T>
  [[nodiscard]] const T* get() const noexcept {
    return kind == T::kind ? static_cast<const T*>(value) : nullptr;
  }
};

/// The input of the instruction parser: the fields of a parsed node. `of(instruction)` gives it
/// for a parsed instruction; tools may also build one by hand.
struct node_view {
  keyword kind = keyword::unknown;       ///< the instruction kind
  std::string_view name;                 ///< the keyword as written (BuildKit's `Value`)
  std::string_view original;             ///< BuildKit's `Original`
  list_view<flag> flags;                 ///< the flags
  list_view<word> args;                  ///< the argument values
  list_view<heredoc> heredocs;           ///< here-documents
  list_view<comment> comments;           ///< comments above
  const instruction* trigger = nullptr;  ///< ONBUILD's instruction
  const instruction* node = nullptr;     ///< the parsed node, when there is one
  bool json = false;                     ///< exec form
  std::uint32_t start_line = 0;          ///< first line
  source_range range;                    ///< source bytes

  /// The view of a parsed instruction.
  [[nodiscard]] static node_view of(const instruction& ins) noexcept {
    node_view v;
    v.kind = ins.kind();
    v.name = ins.name();
    v.original = ins.original();
    v.flags = ins.flags();
    v.args = ins.args();
    v.heredocs = ins.heredocs();
    v.comments = ins.comments();
    v.trigger = ins.trigger();
    v.node = &ins;
    v.json = ins.json();
    v.start_line = ins.start_line();
    v.range = ins.range();
    return v;
  }
};

/// The result of `parse_instruction`.
struct instruction_result {
  command value;            ///< the typed instruction (when ok)
  instruction_error error;  ///< the error (code `ok` when none)
  /// True when the instruction is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return error.code == instr_errc::ok; }
};

/// BuildKit's `ParseInstruction`: types one node, with BuildKit's check order and error texts.
/// Typed values and strings BuildKit builds live in `storage`.
[[nodiscard]] instruction_result parse_instruction(const node_view& node, arena& storage) noexcept;

/// `parse_instruction` for a parsed instruction.
[[nodiscard]] inline instruction_result parse_instruction(const instruction& ins,
                                                          arena& storage) noexcept {
  return parse_instruction(node_view::of(ins), storage);
}

/// The result of `parse_mount`.
struct mount_result {
  dockerfile::mount value;  ///< the mount (when ok)
  instruction_error error;  ///< the error
  /// True when the mount is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return error.code == instr_errc::ok; }
};

/// BuildKit's `parseMount` with values taken as written (an identity expander): every key,
/// default and error of `RUN --mount`. Unquoted CSV fields are stored in `storage`.
[[nodiscard]] mount_result parse_mount(std::string_view spec, arena& storage) noexcept;

/// The result of `parse_device`.
struct device_result {
  dockerfile::device value;  ///< the device (when ok)
  instruction_error error;   ///< the error
  /// True when the device is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return error.code == instr_errc::ok; }
};

/// BuildKit's `ParseDevice` (`RUN --device`).
[[nodiscard]] device_result parse_device(std::string_view spec, arena& storage) noexcept;

/// The result of `parse_duration`.
struct duration_result {
  std::int64_t nanoseconds = 0;  ///< the duration
  instruction_error error;       ///< the error (`duration_*`)
  /// True when the text is a valid duration.
  [[nodiscard]] constexpr bool ok() const noexcept { return error.code == instr_errc::ok; }
};

/// Go's `time.ParseDuration` (`1m30s`, `1.5h`, `-2us`, `0`), with Go's error texts.
[[nodiscard]] duration_result parse_duration(std::string_view text) noexcept;

/// BuildKit's HEALTHCHECK interval rule (`parseOptInterval`): "" and 0 give 0; positive values
/// below 1ms and negative values give `interval_too_small` naming `flag_name`.
[[nodiscard]] duration_result parse_interval(std::string_view flag_name,
                                             std::string_view text) noexcept;

/// Levenshtein distance over runes (`agext/levenshtein` with default costs), for suggestions.
/// Exact when both strings have at most 64 runes; longer strings are compared on their first 64
/// runes (the suggestion candidates BuildKit uses are all short, so suggestions are unaffected).
[[nodiscard]] std::size_t levenshtein(std::string_view a, std::string_view b) noexcept;

// ------------------------------------------------------------------------------------------------
// Stages
// ------------------------------------------------------------------------------------------------

/// One build stage: its FROM and the commands after it.
struct stage {
  std::uint32_t index = 0;               ///< 0-based position
  const command* from = nullptr;         ///< the FROM command
  const from_command* header = nullptr;  ///< its typed value
  std::string_view name;                 ///< lowercased name ("" when unnamed)
  std::string_view base_name;            ///< base as written
  std::string_view platform;             ///< `--platform` as written
  std::string_view doc_comment;          ///< BuildKit's `DocComment`
  list_view<comment> comments;           ///< the comments above FROM
  list_view<command> commands;           ///< the instructions of the stage, in order
};

class stage_list;
namespace detail_instr {
stage_list type_stages(const document& doc, arena& storage, bool lenient, instruction_error& first_error) noexcept;
}  // namespace detail_instr

/// The result of `parse_stages` (BuildKit's `instructions.Parse`).
class stage_list {
 public:
  /// True when every instruction was valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return error_.code == instr_errc::ok; }
  /// The first error (wrapped with `dockerfile parse error on line N: ` where BuildKit wraps).
  [[nodiscard]] constexpr const instruction_error& error() const noexcept { return error_; }
  /// The stages.
  [[nodiscard]] constexpr list_view<stage> stages() const noexcept { return stages_; }
  /// The ARG instructions before the first FROM (each a command of kind `arg`).
  [[nodiscard]] constexpr list_view<command> meta_args() const noexcept { return meta_args_; }

 private:
  friend stage_list detail_instr::type_stages(const document& doc, arena& storage, bool lenient,
                                             instruction_error& first_error) noexcept;
  list_view<stage> stages_;
  list_view<command> meta_args_;
  instruction_error error_;
};

/// BuildKit's `instructions.Parse(ast)`: types every instruction, collects meta ARGs and stages.
/// A parser error of `doc` is not repeated here (check `doc.ok()` first); an empty or failed
/// document gives an empty, ok list.
[[nodiscard]] stage_list parse_stages(const document& doc, arena& storage) noexcept;

/// `parse_stages` that goes on past invalid instructions, for tools that analyse files BuildKit
/// would reject (linters, editors). An instruction other than FROM that fails to type is typed
/// again without its flags (`CMD --verbose` becomes a shell-form CMD), or else kept with kind
/// `keyword::unknown` and no value. The first error is stored in `first_error` (code `ok` when
/// there was none) and the returned list is ok; a FROM that fails still ends the walk with the
/// error in the list, as `parse_stages` does.
[[nodiscard]] stage_list parse_stages_lenient(const document& doc, arena& storage,
                                              instruction_error& first_error) noexcept;

// ------------------------------------------------------------------------------------------------
// EXPOSE port specs (dockerfile2llb's `parsePort`, applied after expansion)
// ------------------------------------------------------------------------------------------------

/// One EXPOSE spec, `[[ip:]host_port:]port[-end][/proto]`, as BuildKit reads it.
struct port_spec {
  std::uint32_t start = 0;         ///< first container port
  std::uint32_t end = 0;           ///< last container port (== start without a range)
  std::string_view proto = "tcp";  ///< tcp, udp or sctp (lowercase)
  std::string_view ip;             ///< the host IP part ("" when absent), brackets removed
  std::string_view host_port;      ///< the host port part ("" when absent)
  bool proto_cased = false;  ///< the proto was not written in lowercase (lint ExposeProtoCasing)
};

/// The result of `parse_port`.
struct port_result {
  port_spec value;          ///< the spec (when ok)
  instruction_error error;  ///< the error
  /// True when the spec is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return error.code == instr_errc::ok; }
};

/// BuildKit's `parsePort`: splits and validates one EXPOSE spec. The exposed ports are
/// `start..end` with `proto` (`"80/tcp"`); `ip`/`host_port` are accepted but ignored by BuildKit.
[[nodiscard]] port_result parse_port(std::string_view spec) noexcept;

// ------------------------------------------------------------------------------------------------
// The stage graph (dockerfile2llb's dispatch states, without building anything)
// ------------------------------------------------------------------------------------------------

/// A `--build-arg KEY=VALUE`.
struct build_arg {
  std::string_view key;    ///< the name
  std::string_view value;  ///< the value
};

/// Inputs of `build_graph`: the target, build args and the platforms behind the automatic args.
struct graph_options {
  std::string_view target;                 ///< `--target` ("" = the last stage); case-insensitive
  list_view<build_arg> build_args;         ///< `--build-arg` values (the last of a key wins)
  std::string_view build_os = "linux";     ///< BUILDOS
  std::string_view build_arch = "amd64";   ///< BUILDARCH
  std::string_view build_variant;          ///< BUILDVARIANT
  std::string_view target_os = "linux";    ///< TARGETOS
  std::string_view target_arch = "amd64";  ///< TARGETARCH
  std::string_view target_variant;         ///< TARGETVARIANT
};

/// What a stage depends on.
enum class dependency_kind : std::uint8_t {
  base,   ///< FROM another stage
  copy,   ///< `COPY --from`
  mount,  ///< `RUN --mount from=` (a mount without `from` depends on `scratch`)
};

/// One dependency of a stage: another stage, or an image / named context.
struct dependency {
  dependency_kind kind = dependency_kind::base;  ///< how it arises
  std::int32_t stage = -1;                       ///< the stage index, or -1 for an image
  std::string_view image;                        ///< the image reference when `stage` is -1
  const command* by = nullptr;                   ///< the command (FROM, COPY or RUN)
  bool implicit = false;  ///< a mount without `from=` (BuildKit records `scratch` as its source)
};

/// A stage with its resolved base, dependencies and variables.
struct stage_node {
  std::string_view base_name;     ///< FROM's base after expansion with the global ARGs
  std::int32_t base_stage = -1;   ///< the stage it builds on, or -1 for an image (`base_name`)
  std::string_view platform;      ///< `--platform` after expansion ("" when absent)
  std::string_view display_name;  ///< the name, or `stage-N` for an unnamed stage
  list_view<dependency> deps;     ///< every dependency, in order (the base first)
  bool reachable = false;         ///< needed to build the target
  list_view<shell::env_var>
      args;  ///< ARG values in effect at the stage end (in definition order, last wins)
  list_view<shell::env_var>
      env;  ///< ENV values in effect at the stage end (in definition order, last wins)
  list_view<shell::env_var>
      build_env;  ///< the build environment at the stage end (ARG and ENV values in the order
                  ///< they were set, a key once, a later ARG or ENV replacing its value): what
                  ///< words expand against, without the base image's own ENV
};

/// The result of `build_graph`.
struct stage_graph {
  list_view<stage_node> nodes;            ///< one per stage, in order
  list_view<shell::env_var> global_args;  ///< the automatic args and meta ARGs (last of a key wins)
  std::int32_t target = -1;               ///< the target stage
  instruction_error error;                ///< the first error (code `ok` when none)
  /// True when the graph is valid.
  [[nodiscard]] constexpr bool ok() const noexcept { return error.code == instr_errc::ok; }
};

/// BuildKit's stage analysis (`dockerfile2llb.toDispatchState` up to dispatch): meta ARGs with
/// build-arg overrides, FROM base and `--platform` expansion, base resolution, target selection,
/// `COPY --from` / `RUN --mount from=` references, cycles, reachability, `COPY` URL sources and
/// forward `--from` references in reachable stages, and the ARG/ENV values of each stage.
/// `stages` must be ok and come from `doc`.
[[nodiscard]] stage_graph build_graph(const document& doc, const stage_list& stages,
                                      const graph_options& opt, arena& storage) noexcept;

// ================================================================================================
// Implementation
// ================================================================================================

namespace detail_instr {

using sv = std::string_view;

inline instruction_error make_error(instr_errc c, sv a = {}, sv b = {}) noexcept {
  instruction_error e;
  e.code = c;
  e.a = a;
  e.b = b;
  return e;
}

inline void write_int(std::int64_t n, char* buf, std::size_t& len) noexcept {
  char tmp[24];
  std::size_t k = 0;
  const bool neg = n < 0;
  std::uint64_t u = neg ? (~static_cast<std::uint64_t>(n) + 1u) : static_cast<std::uint64_t>(n);
  do {
    tmp[k++] = static_cast<char>('0' + static_cast<int>(u % 10u));
    u /= 10u;
  } while (u != 0);
  len = 0;
  if (neg) buf[len++] = '-';
  while (k > 0) buf[len++] = tmp[--k];
}

/// Copies `s` into the arena (nullptr data when it does not fit: caller checks with `ok`).
inline bool save(arena& a, sv s, sv& out) noexcept {
  if (s.empty()) {
    out = sv();
    return true;
  }
  char* p = a.make_text(s.size());
  if (p == nullptr) return false;
  std::memcpy(p, s.data(), s.size());
  out = sv(p, s.size());
  return true;
}

inline char ascii_upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

/// Go `strings.TrimSpace` (Unicode White_Space).
inline sv trim_space(sv s) noexcept {
  std::size_t b = 0;
  while (b < s.size()) {
    const auto d = detail::decode_rune(s.substr(b));
    if (d.size == 1 && static_cast<unsigned char>(s[b]) >= 0x80) break;  // invalid byte
    if (!detail::is_space(d.rune)) break;
    b += d.size;
  }
  std::size_t e = s.size();
  while (e > b) {
    // walk back one rune
    std::size_t st = e - 1;
    while (st > b && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80 && e - st < 4) --st;
    const auto d = detail::decode_rune(s.substr(st, e - st));
    if (d.size != e - st) break;
    if (d.size == 1 && static_cast<unsigned char>(s[st]) >= 0x80) break;
    if (!detail::is_space(d.rune)) break;
    e = st;
  }
  return s.substr(b, e - b);
}

/// Go's `strings.ToLower` / `strings.ToUpper` (simple Unicode case mapping; each invalid UTF-8 byte
/// becomes U+FFFD, as `strings.Map` writes it): `s` itself when nothing changes, else a copy in
/// the arena.
inline bool go_case(arena& a, sv s, bool upper, sv& out) noexcept {
  bool change = false;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      change = change || (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z'));
      ++n;
      ++i;
      continue;
    }
    const auto d = detail::decode_rune(s.substr(i));
    if (d.size == 1) {
      change = true;
      n += 3;
    } else {
      const char32_t m = upper ? detail::to_upper(d.rune) : detail::to_lower(d.rune);
      change = change || m != d.rune;
      n += detail::rune_length(m);
    }
    i += d.size;
  }
  if (!change) {
    out = s;
    return true;
  }
  char* p = a.make_text(n);
  if (p == nullptr) return false;
  std::size_t k = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      p[k++] = upper ? ascii_upper(s[i]) : detail::ascii_lower(s[i]);
      ++i;
      continue;
    }
    const auto d = detail::decode_rune(s.substr(i));
    const char32_t m = d.size == 1 ? detail::replacement_char
                                   : (upper ? detail::to_upper(d.rune) : detail::to_lower(d.rune));
    k += detail::encode_rune(m, p + k);
    i += d.size;
  }
  out = sv(p, k);
  return true;
}

/// Go's `strings.ToLower` into the arena (see `go_case`).
inline bool go_lower(arena& a, sv s, sv& out) noexcept { return go_case(a, s, false, out); }

/// Go's `strings.ToUpper` into the arena (see `go_case`).
inline bool go_upper(arena& a, sv s, sv& out) noexcept { return go_case(a, s, true, out); }

inline bool equal_fold_ascii(sv a, sv b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (detail::ascii_lower(a[i]) != detail::ascii_lower(b[i])) return false;
  }
  return true;
}

/// suggest.Search over `options`: the first option with the smallest distance < 3 (none when
/// `val` equals an option).
inline sv suggest(sv val, const sv* options, std::size_t n) noexcept {
  sv match;
  std::size_t mindist = 3;
  for (std::size_t i = 0; i < n; ++i) {
    if (options[i] == val) return sv();
    const std::size_t d = levenshtein(val, options[i]);
    if (d < mindist) {
      match = options[i];
      mindist = d;
    }
  }
  return match;
}

/// Go `strconv.ParseBool`.
inline bool parse_go_bool(sv s, bool& out) noexcept {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    out = true;
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    out = false;
    return true;
  }
  return false;
}

/// Go `strconv.ParseUint(s, base, 32)` (base 8 or 10, no prefix, no underscores).
inline bool parse_uint32(sv s, unsigned base, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto dgt = static_cast<unsigned>(c - '0');
    if (dgt >= base) return false;
    v = v * base + dgt;
    if (v > 0xFFFFFFFFull) return false;
  }
  out = v;
  return true;
}

/// `go-units.RAMInBytes`: `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$`, binary multiples.
inline bool ram_in_bytes(sv s, std::int64_t& out) noexcept {
  std::size_t i = 0;
  const std::size_t num_begin = 0;
  auto digits = [&]() {
    const std::size_t st = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > st;
  };
  if (!digits()) return false;
  std::size_t dots = 0;
  while (i < s.size() && s[i] == '.') {
    const std::size_t save_i = i;
    ++i;
    if (!digits()) {
      i = save_i;
      break;
    }
    ++dots;
  }
  const sv num = s.substr(num_begin, i - num_begin);
  if (i < s.size() && s[i] == ' ') ++i;
  double mult = 1;
  if (i < s.size()) {
    switch (s[i]) {
      case 'k':
      case 'K':
        mult = 1024.0;
        ++i;
        break;
      case 'm':
      case 'M':
        mult = 1024.0 * 1024;
        ++i;
        break;
      case 'g':
      case 'G':
        mult = 1024.0 * 1024 * 1024;
        ++i;
        break;
      case 't':
      case 'T':
        mult = 1024.0 * 1024 * 1024 * 1024;
        ++i;
        break;
      case 'p':
      case 'P':
        mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
        ++i;
        break;
      default:
        break;
    }
  }
  if (i < s.size() && (s[i] == 'i' || s[i] == 'I')) ++i;
  if (i < s.size() && (s[i] == 'b' || s[i] == 'B')) ++i;
  if (i != s.size()) return false;
  if (dots > 1) return false;  // strconv.ParseFloat rejects "1.2.3"
  double v = 0;
  double scale = 0;
  for (char c : num) {
    if (c == '.') {
      scale = 1;
      continue;
    }
    if (scale != 0) {
      scale /= 10;
      v += (c - '0') * scale;
    } else {
      v = v * 10 + (c - '0');
    }
  }
  const double r = v * mult;
  if (!(r < 9.2e18)) return false;
  out = static_cast<std::int64_t>(r);
  return true;
}

/// go-csvvalue `Fields`: calls `f(field)`; quoted fields with `""` are unescaped into `a`.
template <class F>
instruction_error csv_fields(sv line, sv what, arena& a, F&& f) noexcept {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  if (line.empty()) return make_error(instr_errc::csv_empty, what);
  std::size_t pos = 0;
  for (;;) {
    if (pos >= line.size() || line[pos] != '"') {
      std::size_t end = line.find(',', pos);
      const bool more = end != sv::npos;
      if (!more) end = line.size();
      const sv field = line.substr(pos, end - pos);
      const std::size_t q = field.find('"');
      if (q != sv::npos) {
        instruction_error e = make_error(instr_errc::csv_bare_quote, what);
        e.number = static_cast<std::int64_t>(pos + q + 1);
        return e;
      }
      if (!f(field)) return make_error(instr_errc::out_of_storage);
      if (!more) break;
      pos = end + 1;
      continue;
    }
    // Quoted field.
    std::size_t p = pos + 1;
    std::size_t total = 0;
    bool needs_copy = false;
    std::size_t end_field = 0;
    bool more = false;
    for (;;) {
      const std::size_t q = line.find('"', p);
      if (q == sv::npos) {
        instruction_error e = make_error(instr_errc::csv_quote, what);
        e.number = static_cast<std::int64_t>(line.size() + 1);
        return e;
      }
      total += q - p;
      p = q + 1;
      if (p < line.size() && line[p] == '"') {
        needs_copy = true;
        total += 1;
        p += 1;
        continue;
      }
      if (p < line.size() && line[p] == ',') {
        end_field = q;
        more = true;
        break;
      }
      if (p >= line.size()) {
        end_field = q;
        break;
      }
      instruction_error e = make_error(instr_errc::csv_quote, what);
      e.number = static_cast<std::int64_t>(q + 1);
      return e;
    }
    sv field = line.substr(pos + 1, end_field - pos - 1);
    if (needs_copy) {
      char* out = a.make_text(total);
      if (out == nullptr) return make_error(instr_errc::out_of_storage);
      std::size_t k = 0;
      for (std::size_t i = 0; i < field.size(); ++i) {
        out[k++] = field[i];
        if (field[i] == '"') ++i;  // `""` -> `"`
      }
      field = sv(out, k);
    }
    if (!f(field)) return make_error(instr_errc::out_of_storage);
    if (!more) break;
    pos = p + 1;
  }
  return instruction_error();
}

/// Adds one value to a growing list of string_views in the arena (contiguous: nothing else may be
/// taken from the front in between).
template <class T>
struct builder {
  T* data = nullptr;
  std::size_t size = 0;
  bool failed = false;
  bool push(arena& a, const T& v) noexcept {
    T* p = a.make_records<T>(1);
    if (p == nullptr) {
      failed = true;
      return false;
    }
    if (data == nullptr) data = p;
    *p = v;
    ++size;
    return true;
  }
  [[nodiscard]] list_view<T> view() const noexcept { return {data, size}; }
};

/// Parses one node's flags against declared specs.
struct flag_set {
  static constexpr std::size_t max = 8;
  flag_spec specs[max];
  flag_value values[max];
  std::size_t n = 0;
  std::size_t add(sv name, flag_type t, sv def = {}) noexcept {
    specs[n] = flag_spec{name, t, def};
    return n++;
  }
  instruction_error parse(const node_view& node, arena& a) noexcept {
    const std::size_t nf = node.flags.size();
    sv* args = nf == 0 ? nullptr : a.make_scratch<sv>(nf);
    if (nf != 0 && args == nullptr) return make_error(instr_errc::out_of_storage);
    for (std::size_t i = 0; i < nf; ++i) args[i] = node.flags[i].text;
    return parse_flags(args, nf, specs, n, values, a);
  }
  [[nodiscard]] sv str(std::size_t i) const noexcept { return values[i].value; }
  [[nodiscard]] bool is_true(std::size_t i) const noexcept { return values[i].value == "true"; }
};

/// The instruction names, upper-case, for suggestions (BuildKit's `command.Commands`).
inline constexpr sv instruction_names[] = {
    "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
    "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
    "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR"};

/// `handleJSONArgs`: the args as they are for JSON, else one string joined with spaces.
inline bool json_args(const node_view& node, list_view<word> args, arena& a,
                      list_view<sv>& out) noexcept {
  if (args.empty()) {
    out = {};
    return true;
  }
  if (node.json) {
    sv* p = a.make_records<sv>(args.size());
    if (p == nullptr) return false;
    for (std::size_t i = 0; i < args.size(); ++i) p[i] = args[i].value;
    out = {p, args.size()};
    return true;
  }
  sv* p = a.make_records<sv>(1);
  if (p == nullptr) return false;
  if (args.size() == 1) {
    p[0] = args[0].value;
  } else {
    std::size_t total = args.size() - 1;
    for (const auto& w : args) total += w.value.size();
    char* t = a.make_text(total);
    if (t == nullptr) return false;
    std::size_t k = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i != 0) t[k++] = ' ';
      std::memcpy(t + k, args[i].value.data(), args[i].value.size());
      k += args[i].value.size();
    }
    p[0] = sv(t, total);
  }
  out = {p, 1};
  return true;
}

inline bool shell_dependent(const node_view& node, arena& a, shell_command& out) noexcept {
  if (!node.heredocs.empty()) {
    inline_file* f = a.make_records<inline_file>(node.heredocs.size());
    if (f == nullptr) return false;
    for (std::size_t i = 0; i < node.heredocs.size(); ++i) {
      f[i] = inline_file{node.heredocs[i].name, node.heredocs[i].content, node.heredocs[i].chomp};
    }
    out.files = {f, node.heredocs.size()};
  }
  if (!json_args(node, node.args, a, out.cmd_line)) return false;
  out.prepend_shell = !node.json;
  return true;
}

inline sv doc_comment(list_view<comment> comments, sv name) noexcept {
  if (name.empty()) return sv();
  for (const auto& c : comments) {
    const sv t = c.text;
    if (t.size() > name.size() && t.substr(0, name.size()) == name && t[name.size()] == ' ') {
      return t.substr(name.size() + 1);
    }
  }
  return sv();
}

template <class T>
T* make(arena& a) noexcept {
  T* p = a.make_records<T>(1);
  if (p != nullptr) *p = T();
  return p;
}

inline bool is_stage_name(sv s) noexcept {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

inline instruction_error kvps(list_view<word> args, sv name, arena& a,
                              list_view<key_value>& out) noexcept {
  if (args.empty()) return make_error(instr_errc::at_least_one_argument, name);
  if (args.size() % 3 != 0) return make_error(instr_errc::too_many_arguments, name);
  key_value* p = a.make_records<key_value>(args.size() / 3);
  if (p == nullptr) return make_error(instr_errc::out_of_storage);
  for (std::size_t j = 0; j < args.size(); j += 3) {
    if (args[j].value.empty()) return make_error(instr_errc::blank_names, name);
    p[j / 3] = key_value{args[j].value, args[j + 1].value, args[j + 2].value.empty()};
  }
  out = {p, args.size() / 3};
  return instruction_error();
}

template <class T>
instruction_error sources_dest(const node_view& node, sv cmd, arena& a, T& out) noexcept {
  const auto args = node.args;
  const sv dest = args[args.size() - 1].value;
  if (parse_heredoc_word(dest, a).status == heredoc_status::heredoc) {
    return make_error(instr_errc::heredoc_destination, cmd);
  }
  out.dest = dest;
  builder<sv> paths;
  std::size_t n_contents = 0;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const auto h = parse_heredoc_word(args[i].value, a);
    if (h.status == heredoc_status::heredoc) {
      ++n_contents;
    } else if (!paths.push(a, args[i].value)) {
      return make_error(instr_errc::out_of_storage);
    }
  }
  out.source_paths = paths.view();
  if (n_contents == 0) return instruction_error();
  source_content* sc = a.make_records<source_content>(n_contents);
  if (sc == nullptr) return make_error(instr_errc::out_of_storage);
  std::size_t k = 0;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const auto h = parse_heredoc_word(args[i].value, a);
    if (h.status != heredoc_status::heredoc) continue;
    sv content;
    for (const auto& hd : node.heredocs) {
      if (hd.name == h.value.name) content = hd.content;  // the last one of a name wins
    }
    if (h.value.chomp && !content.empty()) {
      char* t = a.make_text(content.size());
      if (t == nullptr) return make_error(instr_errc::out_of_storage);
      content = sv(t, chomp_heredoc(content, t));
    }
    sc[k++] = source_content{h.value.name, content, h.value.expand};
  }
  out.source_contents = {sc, n_contents};
  return instruction_error();
}

inline instruction_error parse_mount_impl(sv spec, bool expand, arena& a, mount& m) noexcept {
  bool ro_auto = true;
  instruction_error err;
  m = mount();
  auto on_field = [&](sv field) -> bool {
    if (err) return true;
    const std::size_t eq = field.find('=');
    const bool has_value = eq != sv::npos;
    sv key_raw = has_value ? field.substr(0, eq) : field;
    const sv value = has_value ? field.substr(eq + 1) : sv();
    sv key;
    if (!go_lower(a, key_raw, key)) return false;
    if (!has_value) {
      if (!expand) return true;
      if (key == "readonly" || key == "ro") {
        m.read_only = true;
        ro_auto = false;
      } else if (key == "readwrite" || key == "rw") {
        m.read_only = false;
        ro_auto = false;
      } else if (key == "required") {
        if (m.type == "secret" || m.type == "ssh") {
          m.required = true;
        } else {
          err = make_error(instr_errc::key_not_for_type, key, m.type);
        }
      } else {
        err = make_error(instr_errc::invalid_field, field);
      }
      return true;
    }
    if (!expand) {
      if (key == "from") {
        const std::size_t d = value.find('$');
        if (d != sv::npos && d != value.size() - 1) err = make_error(instr_errc::from_expansion);
      }
      return true;
    }
    if (key == "type") {
      sv v;
      if (!go_lower(a, value, v)) return false;
      static constexpr sv types[] = {"bind", "cache", "tmpfs", "secret", "ssh"};
      bool found = false;
      for (sv t : types) {
        if (t == v) {
          m.type = t;
          found = true;
        }
      }
      if (!found) {
        err = make_error(instr_errc::unsupported_mount_type, value);
        err.suggestion = suggest(value, types, 5);
      }
    } else if (key == "from") {
      m.from = value;
    } else if (key == "source" || key == "src") {
      m.source = value;
    } else if (key == "target" || key == "dst" || key == "destination") {
      m.target = value;
    } else if (key == "readonly" || key == "ro") {
      if (!parse_go_bool(value, m.read_only))
        err = make_error(instr_errc::invalid_value, key, value);
      ro_auto = false;
    } else if (key == "readwrite" || key == "rw") {
      bool rw = false;
      if (!parse_go_bool(value, rw)) {
        err = make_error(instr_errc::invalid_value, key, value);
      } else {
        m.read_only = !rw;
        ro_auto = false;
      }
    } else if (key == "required") {
      if (m.type == "secret" || m.type == "ssh") {
        if (!parse_go_bool(value, m.required))
          err = make_error(instr_errc::invalid_value, key, value);
      } else {
        err = make_error(instr_errc::key_not_for_type, key, m.type);
      }
    } else if (key == "size") {
      if (m.type == "tmpfs") {
        if (!ram_in_bytes(value, m.size_limit))
          err = make_error(instr_errc::invalid_value, key, value);
      } else {
        err = make_error(instr_errc::key_not_for_type, key, m.type);
      }
    } else if (key == "id") {
      m.cache_id = value;
    } else if (key == "sharing") {
      sv v;
      if (!go_lower(a, value, v)) return false;
      static constexpr sv modes[] = {"shared", "private", "locked"};
      bool found = false;
      for (sv t : modes) {
        if (t == v) {
          m.sharing = t;
          found = true;
        }
      }
      if (!found) {
        err = make_error(instr_errc::unsupported_sharing, value);
        err.suggestion = suggest(value, modes, 3);
      }
    } else if (key == "mode") {
      if (!parse_uint32(value, 8, m.mode)) err = make_error(instr_errc::invalid_number, key, value);
      m.has_mode = true;
    } else if (key == "uid") {
      if (!parse_uint32(value, 10, m.uid)) err = make_error(instr_errc::invalid_number, key, value);
      m.has_uid = true;
    } else if (key == "gid") {
      if (!parse_uint32(value, 10, m.gid)) err = make_error(instr_errc::invalid_number, key, value);
      m.has_gid = true;
    } else if (key == "env") {
      m.env = value;
      m.has_env = true;
    } else {
      static constexpr sv keys[] = {"type", "from",    "source",    "target", "readonly",
                                    "id",   "sharing", "required",  "size",   "mode",
                                    "uid",  "gid",     "src",       "dst",    "destination",
                                    "ro",   "rw",      "readwrite", "env"};
      err = make_error(instr_errc::unexpected_key, key, field);
      err.suggestion = suggest(key, keys, sizeof(keys) / sizeof(keys[0]));
    }
    return true;
  };
  instruction_error csv = csv_fields(spec, "mounts", a, on_field);
  if (csv) return csv;
  if (err) return err;
  if (!expand) return instruction_error();
  const bool file_info = m.type == "secret" || m.type == "ssh" || m.type == "cache";
  if (!file_info) {
    if (m.has_mode) return make_error(instr_errc::not_allowed_for_type, "mode", m.type);
    if (m.has_uid) return make_error(instr_errc::not_allowed_for_type, "uid", m.type);
    if (m.has_gid) return make_error(instr_errc::not_allowed_for_type, "gid", m.type);
  }
  if (ro_auto) m.read_only = !(m.type == "cache" || m.type == "tmpfs");
  if (m.type == "secret") {
    if (!m.from.empty()) return make_error(instr_errc::secret_from);
    if (!m.sharing.empty()) return make_error(instr_errc::secret_sharing);
    if (m.source.empty() && m.target.empty() && m.cache_id.empty())
      return make_error(instr_errc::secret_no_target);
    if (!m.source.empty() && !m.cache_id.empty())
      return make_error(instr_errc::secret_source_and_id);
  }
  if (!m.sharing.empty() && m.type != "cache")
    return make_error(instr_errc::sharing_not_cache, m.type);
  return instruction_error();
}

// ---- per-instruction parsers -----------------------------------------------------------------

struct ctx {
  const node_view& node;
  arena& a;
  command& out;
};

template <class T>
instruction_error finish(ctx& c, T* v) noexcept {
  if (v == nullptr) return make_error(instr_errc::out_of_storage);
  c.out.value = v;
  return instruction_error();
}

inline instruction_error no_flags(ctx& c) noexcept {
  flag_set fs;
  return fs.parse(c.node, c.a);
}

inline instruction_error parse_env_label(ctx& c, bool env) noexcept {
  if (auto e = no_flags(c)) return e;
  list_view<key_value> kv;
  if (auto e = kvps(c.node.args, env ? "ENV" : "LABEL", c.a, kv)) return e;
  if (env) {
    auto* v = make<env_command>(c.a);
    if (v != nullptr) v->env = kv;
    return finish(c, v);
  }
  auto* v = make<label_command>(c.a);
  if (v != nullptr) v->labels = kv;
  return finish(c, v);
}

template <class T>
instruction_error parse_one_string(ctx& c, sv name, sv T::*field, bool flags) noexcept {
  if (c.node.args.size() != 1) return make_error(instr_errc::exactly_one_argument, name);
  if (flags) {
    if (auto e = no_flags(c)) return e;
  }
  T* v = make<T>(c.a);
  if (v != nullptr) v->*field = c.node.args[0].value;
  return finish(c, v);
}

inline instruction_error parse_add_copy(ctx& c, bool is_copy) noexcept {
  const sv name = is_copy ? "COPY" : "ADD";
  if (c.node.args.size() < 2) return make_error(instr_errc::no_destination, name);
  flag_set fs;
  const std::size_t chown = fs.add("chown", flag_type::string);
  const std::size_t from = is_copy ? fs.add("from", flag_type::string) : 0;
  const std::size_t chmod = fs.add("chmod", flag_type::string);
  const std::size_t link = fs.add("link", flag_type::boolean, "false");
  std::size_t keep = 0;
  std::size_t checksum = 0;
  std::size_t unpack = 0;
  std::size_t exclude = 0;
  std::size_t parents = 0;
  if (is_copy) {
    exclude = fs.add("exclude", flag_type::strings);
    parents = fs.add("parents", flag_type::boolean, "false");
  } else {
    keep = fs.add("keep-git-dir", flag_type::boolean, "false");
    checksum = fs.add("checksum", flag_type::string);
    unpack = fs.add("unpack", flag_type::boolean, "false");
    exclude = fs.add("exclude", flag_type::strings);
  }
  if (auto e = fs.parse(c.node, c.a)) return e;
  if (is_copy) {
    auto* v = make<copy_command>(c.a);
    if (v == nullptr) return make_error(instr_errc::out_of_storage);
    if (auto e = sources_dest(c.node, name, c.a, *v)) return e;
    v->from = fs.str(from);
    v->chown = fs.str(chown);
    v->chmod = fs.str(chmod);
    v->link = fs.is_true(link);
    v->parents = fs.is_true(parents);
    v->exclude_patterns = fs.values[exclude].values;
    return finish(c, v);
  }
  auto* v = make<add_command>(c.a);
  if (v == nullptr) return make_error(instr_errc::out_of_storage);
  if (auto e = sources_dest(c.node, name, c.a, *v)) return e;
  v->chown = fs.str(chown);
  v->chmod = fs.str(chmod);
  v->checksum = fs.str(checksum);
  v->link = fs.is_true(link);
  if (fs.values[keep].used) v->keep_git_dir = fs.is_true(keep) ? tristate::yes : tristate::no;
  if (fs.values[unpack].used) v->unpack = fs.is_true(unpack) ? tristate::yes : tristate::no;
  v->exclude_patterns = fs.values[exclude].values;
  return finish(c, v);
}

inline instruction_error parse_from(ctx& c) noexcept {
  const auto args = c.node.args;
  sv stage_name;
  if (args.size() == 3 && detail::equal_fold(args[1].value, "as")) {
    if (!go_lower(c.a, args[2].value, stage_name)) return make_error(instr_errc::out_of_storage);
    if (!is_stage_name(stage_name))
      return make_error(instr_errc::invalid_stage_name, args[2].value);
  } else if (args.size() != 1) {
    return make_error(instr_errc::from_arguments);
  }
  flag_set fs;
  const std::size_t platform = fs.add("platform", flag_type::string);
  if (auto e = fs.parse(c.node, c.a)) return e;
  auto* v = make<from_command>(c.a);
  if (v == nullptr) return make_error(instr_errc::out_of_storage);
  v->base_name = args[0].value;
  v->name = stage_name;
  v->platform = fs.str(platform);
  v->orig_cmd = c.node.name;
  v->source_code = trim_space(c.node.original);
  v->doc_comment = doc_comment(c.node.comments, stage_name);
  return finish(c, v);
}

inline instruction_error parse_onbuild(ctx& c) noexcept {
  const instruction* t = c.node.trigger;
  if (t == nullptr) return make_error(instr_errc::at_least_one_argument, "ONBUILD");
  if (auto e = no_flags(c)) return e;
  sv trig;
  if (!go_upper(c.a, trim_space(t->name()), trig)) return make_error(instr_errc::out_of_storage);
  if (trig == "ONBUILD") return make_error(instr_errc::onbuild_chaining);
  if (trig == "MAINTAINER" || trig == "FROM") return make_error(instr_errc::onbuild_trigger, trig);
  // (?i)^\s*ONBUILD\s* removed from the original.
  sv orig = c.node.original;
  std::size_t i = 0;
  auto re_space = [](char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r';
  };
  while (i < orig.size() && re_space(orig[i])) ++i;
  if (orig.size() - i >= 7 && equal_fold_ascii(orig.substr(i, 7), "onbuild")) {
    i += 7;
    while (i < orig.size() && re_space(orig[i])) ++i;
    orig = orig.substr(i);
  }
  sv expr = orig;
  if (!c.node.heredocs.empty()) {
    std::size_t total = orig.size();
    for (const auto& h : c.node.heredocs) total += 1 + h.content.size() + h.name.size();
    char* p = c.a.make_text(total);
    if (p == nullptr) return make_error(instr_errc::out_of_storage);
    std::size_t k = 0;
    auto put = [&](sv s) {
      if (!s.empty()) std::memcpy(p + k, s.data(), s.size());
      k += s.size();
    };
    put(orig);
    for (const auto& h : c.node.heredocs) {
      put("\n");
      put(h.content);
      put(h.name);
    }
    expr = sv(p, total);
  }
  auto* v = make<onbuild_command>(c.a);
  if (v != nullptr) v->expression = expr;
  return finish(c, v);
}

inline instruction_error parse_run(ctx& c) noexcept {
  flag_set fs;
  const std::size_t dev = fs.add("device", flag_type::strings);
  const std::size_t mnt = fs.add("mount", flag_type::strings);
  const std::size_t net = fs.add("network", flag_type::string, "default");
  const std::size_t sec = fs.add("security", flag_type::string, "sandbox");
  if (auto e = fs.parse(c.node, c.a)) return e;
  auto* v = make<run_command>(c.a);
  if (v == nullptr) return make_error(instr_errc::out_of_storage);
  // FlagsUsed, in first-use order.
  std::size_t n_used = 0;
  for (std::size_t i = 0; i < fs.n; ++i) n_used += fs.values[i].used ? 1 : 0;
  if (n_used != 0) {
    sv* u = c.a.make_records<sv>(n_used);
    if (u == nullptr) return make_error(instr_errc::out_of_storage);
    for (std::size_t i = 0; i < fs.n; ++i) {
      if (fs.values[i].used) u[fs.values[i].first_use] = fs.specs[i].name;
    }
    v->flags_used = {u, n_used};
  }
  if (!shell_dependent(c.node, c.a, *v)) return make_error(instr_errc::out_of_storage);
  v->mount_specs = fs.values[mnt].values;
  v->device_specs = fs.values[dev].values;
  // Post hooks, in BuildKit's order: device, mount, network, security.
  if (!v->device_specs.empty()) {
    device* d = c.a.make_records<device>(v->device_specs.size());
    if (d == nullptr) return make_error(instr_errc::out_of_storage);
    for (std::size_t i = 0; i < v->device_specs.size(); ++i) {
      const device_result r = parse_device(v->device_specs[i], c.a);
      if (!r.ok()) return r.error;
      d[i] = r.value;
    }
    v->devices = {d, v->device_specs.size()};
  }
  for (sv spec : v->mount_specs) {
    mount scratch;
    if (auto e = parse_mount_impl(spec, false, c.a, scratch)) return e;
  }
  v->network = fs.str(net);
  if (v->network != "default" && v->network != "none" && v->network != "host") {
    return make_error(instr_errc::invalid_network, v->network);
  }
  v->security = fs.str(sec);
  if (v->security != "sandbox" && v->security != "insecure") {
    return make_error(instr_errc::invalid_security, v->security);
  }
  if (!v->mount_specs.empty()) {
    mount* m = c.a.make_records<mount>(v->mount_specs.size());
    if (m == nullptr) return make_error(instr_errc::out_of_storage);
    std::size_t k = 0;
    for (sv spec : v->mount_specs) {
      const mount_result r = parse_mount(spec, c.a);
      if (!r.ok()) {
        v->mounts_error = r.error;
        break;
      }
      m[k++] = r.value;
    }
    v->mounts = {m, k};
  }
  return finish(c, v);
}

template <class T>
instruction_error parse_cmd_like(ctx& c, bool empty_as_nil) noexcept {
  (void)empty_as_nil;  // an empty list stands for BuildKit's nil and its []
  if (auto e = no_flags(c)) return e;
  T* v = make<T>(c.a);
  if (v == nullptr) return make_error(instr_errc::out_of_storage);
  if (!shell_dependent(c.node, c.a, *v)) return make_error(instr_errc::out_of_storage);
  return finish(c, v);
}

inline instruction_error parse_healthcheck(ctx& c) noexcept {
  const auto args = c.node.args;
  if (args.empty()) return make_error(instr_errc::at_least_one_argument, "HEALTHCHECK");
  auto* v = make<healthcheck_command>(c.a);
  if (v == nullptr) return make_error(instr_errc::out_of_storage);
  sv typ;
  if (!go_upper(c.a, args[0].value, typ)) return make_error(instr_errc::out_of_storage);
  const list_view<word> rest(args.data() + 1, args.size() - 1);
  if (typ == "NONE") {
    if (!rest.empty()) return make_error(instr_errc::healthcheck_none_arguments);
    sv* t = c.a.make_records<sv>(1);
    if (t == nullptr) return make_error(instr_errc::out_of_storage);
    t[0] = "NONE";
    v->test = {t, 1};
    return finish(c, v);
  }
  flag_set fs;
  const std::size_t fi = fs.add("interval", flag_type::string);
  const std::size_t ft = fs.add("timeout", flag_type::string);
  const std::size_t fsp = fs.add("start-period", flag_type::string);
  const std::size_t fsi = fs.add("start-interval", flag_type::string);
  const std::size_t fr = fs.add("retries", flag_type::string);
  if (auto e = fs.parse(c.node, c.a)) return e;
  if (typ != "CMD") return make_error(instr_errc::healthcheck_unknown_type, typ);
  list_view<sv> cmd;
  if (!json_args(c.node, rest, c.a, cmd)) return make_error(instr_errc::out_of_storage);
  if (cmd.empty()) return make_error(instr_errc::healthcheck_missing_command);
  sv* t = c.a.make_records<sv>(cmd.size() + 1);
  if (t == nullptr) return make_error(instr_errc::out_of_storage);
  t[0] = c.node.json ? sv("CMD") : sv("CMD-SHELL");
  for (std::size_t i = 0; i < cmd.size(); ++i) t[i + 1] = cmd[i];
  v->test = {t, cmd.size() + 1};
  const std::size_t ids[4] = {fi, ft, fsp, fsi};
  std::int64_t* outs[4] = {&v->interval, &v->timeout, &v->start_period, &v->start_interval};
  for (std::size_t i = 0; i < 4; ++i) {
    const duration_result d = parse_interval(fs.specs[ids[i]].name, fs.str(ids[i]));
    if (!d.ok()) return d.error;
    *outs[i] = d.nanoseconds;
  }
  const sv r = fs.str(fr);
  if (!r.empty()) {
    // strconv.ParseInt(r, 10, 32)
    std::size_t i = 0;
    bool neg = false;
    if (r[0] == '+' || r[0] == '-') {
      neg = r[0] == '-';
      i = 1;
    }
    if (i == r.size()) return make_error(instr_errc::int_syntax, r);
    std::uint64_t u = 0;
    bool range = false;
    for (; i < r.size(); ++i) {
      if (r[i] < '0' || r[i] > '9') return make_error(instr_errc::int_syntax, r);
      if (u <= (1ull << 40)) u = u * 10 + static_cast<unsigned>(r[i] - '0');
      if (u > (1ull << 40)) range = true;
    }
    if (range || (!neg && u > 0x7FFFFFFFull) || (neg && u > 0x80000000ull)) {
      return make_error(instr_errc::int_range, r);
    }
    const std::int64_t val = neg ? -static_cast<std::int64_t>(u) : static_cast<std::int64_t>(u);
    if (val < 0) {
      instruction_error e = make_error(instr_errc::negative_retries);
      e.number = val;
      return e;
    }
    v->retries = val;
  }
  return finish(c, v);
}

inline instruction_error parse_expose(ctx& c) noexcept {
  const auto args = c.node.args;
  if (args.empty()) return make_error(instr_errc::at_least_one_argument, "EXPOSE");
  if (auto e = no_flags(c)) return e;
  sv* p = c.a.make_records<sv>(args.size());
  if (p == nullptr) return make_error(instr_errc::out_of_storage);
  for (std::size_t i = 0; i < args.size(); ++i) {
    sv x = args[i].value;
    std::size_t j = i;
    while (j > 0 && x < p[j - 1]) {
      p[j] = p[j - 1];
      --j;
    }
    p[j] = x;
  }
  auto* v = make<expose_command>(c.a);
  if (v != nullptr) v->ports = {p, args.size()};
  return finish(c, v);
}

inline instruction_error parse_volume(ctx& c) noexcept {
  const auto args = c.node.args;
  if (args.empty()) return make_error(instr_errc::at_least_one_argument, "VOLUME");
  if (auto e = no_flags(c)) return e;
  sv* p = c.a.make_records<sv>(args.size());
  if (p == nullptr) return make_error(instr_errc::out_of_storage);
  for (std::size_t i = 0; i < args.size(); ++i) {
    p[i] = trim_space(args[i].value);
    if (p[i].empty()) return make_error(instr_errc::volume_empty);
  }
  auto* v = make<volume_command>(c.a);
  if (v != nullptr) v->volumes = {p, args.size()};
  return finish(c, v);
}

inline instruction_error parse_arg(ctx& c) noexcept {
  const auto args = c.node.args;
  if (args.empty()) return make_error(instr_errc::at_least_one_argument, "ARG");
  arg_pair* p = c.a.make_records<arg_pair>(args.size());
  if (p == nullptr) return make_error(instr_errc::out_of_storage);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const sv w = args[i].value;
    arg_pair kv;
    const std::size_t eq = w.find('=');
    if (eq != sv::npos) {
      if (eq == 0) return make_error(instr_errc::blank_names, "ARG");
      kv.key = w.substr(0, eq);
      kv.value = w.substr(eq + 1);
      kv.has_value = true;
    } else {
      kv.key = w;
    }
    kv.doc_comment = doc_comment(c.node.comments, kv.key);
    p[i] = kv;
  }
  auto* v = make<arg_command>(c.a);
  if (v != nullptr) v->args = {p, args.size()};
  return finish(c, v);
}

inline instruction_error parse_shell(ctx& c) noexcept {
  if (auto e = no_flags(c)) return e;
  list_view<sv> s;
  if (!json_args(c.node, c.node.args, c.a, s)) return make_error(instr_errc::out_of_storage);
  if (s.empty()) return make_error(instr_errc::at_least_one_argument, "SHELL");
  if (!c.node.json) return make_error(instr_errc::shell_not_json);
  auto* v = make<shell_form_command>(c.a);
  if (v != nullptr) v->shell = s;
  return finish(c, v);
}

inline instruction_error unknown(ctx& c) noexcept {
  instruction_error e = make_error(instr_errc::unknown_instruction, c.node.name);
  // suggest.Search, case-insensitive: strings.ToLower of the name.
  sv low;
  if (!go_lower(c.a, c.node.name, low)) return make_error(instr_errc::out_of_storage);
  std::size_t mindist = 3;
  sv match;
  static constexpr sv lower_names[] = {
      "add",    "arg",   "cmd",         "copy",  "entrypoint", "env",
      "expose", "from",  "healthcheck", "label", "maintainer", "onbuild",
      "run",    "shell", "stopsignal",  "user",  "volume",     "workdir"};
  for (std::size_t oi = 0; oi < sizeof(lower_names) / sizeof(lower_names[0]); ++oi) {
    const sv opt = instruction_names[oi];
    const sv lo = lower_names[oi];
    if (lo == low) return e;
    const std::size_t d = levenshtein(low, lo);
    if (d < mindist) {
      mindist = d;
      match = opt;
    }
  }
  if (!match.empty()) {
    const sv orig = c.node.name;
    sv lo_orig;
    sv up_orig;
    if (!go_lower(c.a, orig, lo_orig) || !go_upper(c.a, orig, up_orig)) {
      return make_error(instr_errc::out_of_storage);
    }
    if (orig == lo_orig || orig != up_orig) {
      for (std::size_t oi = 0; oi < sizeof(lower_names) / sizeof(lower_names[0]); ++oi) {
        if (instruction_names[oi] == match) match = lower_names[oi];
      }
    }
    e.suggestion = match;
  }
  return e;
}

}  // namespace detail_instr

// ---- public functions
// ----------------------------------------------------------------------------

inline std::size_t levenshtein(std::string_view a, std::string_view b) noexcept {
  // Runes of both strings, decoded on the fly; one row of the DP table on the stack when small.
  constexpr std::size_t small = 64;
  char32_t ra[small];
  char32_t rb[small];
  std::size_t na = 0;
  std::size_t nb = 0;
  for (std::size_t i = 0; i < a.size() && na < small; ++na) {
    const auto d = detail::decode_rune(a.substr(i));
    ra[na] = d.rune;
    i += d.size;
  }
  for (std::size_t i = 0; i < b.size() && nb < small; ++nb) {
    const auto d = detail::decode_rune(b.substr(i));
    rb[nb] = d.rune;
    i += d.size;
  }
  std::size_t row[small + 1];
  for (std::size_t j = 0; j <= nb; ++j) row[j] = j;
  for (std::size_t i = 1; i <= na; ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= nb; ++j) {
      const std::size_t up = row[j];
      std::size_t best = diag + (ra[i - 1] == rb[j - 1] ? 0 : 1);
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      if (up + 1 < best) best = up + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

inline instruction_error parse_flags(const std::string_view* args, std::size_t n_args,
                                     const flag_spec* specs, std::size_t n_specs, flag_value* out,
                                     arena& storage) noexcept {
  using detail_instr::make_error;
  using sv = std::string_view;
  for (std::size_t i = 0; i < n_specs; ++i) {
    out[i] = flag_value();
    out[i].value = specs[i].default_value;
  }
  // String-list values: count first so each list is contiguous.
  std::size_t used_order = 0;
  for (std::size_t k = 0; k < n_args; ++k) {
    const sv a = args[k];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-' || a[1] != '-')
      return make_error(instr_errc::flag_without_dashes, a);
    const std::size_t eq = a.find('=');
    const bool has_value = eq != sv::npos;
    const sv flag_name = has_value ? a.substr(0, eq) : a;
    const sv value = has_value ? a.substr(eq + 1) : sv();
    const sv name = flag_name.substr(2);
    std::size_t idx = n_specs;
    for (std::size_t i = 0; i < n_specs; ++i) {
      if (specs[i].name == name) idx = i;
    }
    if (idx == n_specs) {
      instruction_error e = make_error(instr_errc::unknown_flag, flag_name);
      sv names[16];
      std::size_t nn = 0;
      for (std::size_t i = 0; i < n_specs && nn < 16; ++i) names[nn++] = specs[i].name;
      e.suggestion = detail_instr::suggest(name, names, nn);
      return e;
    }
    flag_value& fv = out[idx];
    if (fv.used && specs[idx].type != flag_type::strings)
      return make_error(instr_errc::duplicate_flag, flag_name);
    if (!fv.used) fv.first_use = static_cast<std::uint32_t>(used_order++);
    fv.used = true;
    switch (specs[idx].type) {
      case flag_type::boolean: {
        if (has_value && value.empty())
          return make_error(instr_errc::missing_flag_value, flag_name);
        if (value.empty() || detail_instr::equal_fold_ascii(value, "true")) {
          fv.value = "true";
        } else if (detail_instr::equal_fold_ascii(value, "false")) {
          fv.value = "false";
        } else {
          return make_error(instr_errc::bad_bool_flag, flag_name, value);
        }
        break;
      }
      case flag_type::string:
        if (!has_value) return make_error(instr_errc::missing_flag_value, flag_name);
        fv.value = value;
        break;
      case flag_type::strings:
        if (!has_value) return make_error(instr_errc::missing_flag_value, flag_name);
        fv.value = sv();
        break;
    }
  }
  // Collect the string lists (the flags were valid up to here, or parsing stopped at `--`).
  for (std::size_t i = 0; i < n_specs; ++i) {
    if (specs[i].type != flag_type::strings || !out[i].used) continue;
    std::size_t count = 0;
    for (std::size_t k = 0; k < n_args; ++k) {
      if (args[k] == "--") break;
      const sv a = args[k];
      const std::size_t eq = a.find('=');
      if (eq != sv::npos && a.substr(2, eq - 2) == specs[i].name) ++count;
    }
    sv* p = storage.make_records<sv>(count);
    if (count != 0 && p == nullptr) return make_error(instr_errc::out_of_storage);
    std::size_t j = 0;
    for (std::size_t k = 0; k < n_args; ++k) {
      if (args[k] == "--") break;
      const sv a = args[k];
      const std::size_t eq = a.find('=');
      if (eq != sv::npos && a.substr(2, eq - 2) == specs[i].name) p[j++] = a.substr(eq + 1);
    }
    out[i].values = {p, count};
  }
  return instruction_error();
}

inline mount_result parse_mount(std::string_view spec, arena& storage) noexcept {
  mount_result r;
  r.error = detail_instr::parse_mount_impl(spec, true, storage, r.value);
  return r;
}

inline device_result parse_device(std::string_view spec, arena& storage) noexcept {
  using detail_instr::make_error;
  using sv = std::string_view;
  device_result r;
  instruction_error err;
  auto on_field = [&](sv field) -> bool {
    if (err) return true;
    const std::size_t eq = field.find('=');
    sv key;
    if (!detail_instr::go_lower(storage, eq == sv::npos ? field : field.substr(0, eq), key))
      return false;
    if (eq == sv::npos) {
      if (key == "required") {
        r.value.required = true;
      } else if (r.value.name.empty()) {
        r.value.name = field;
      } else {
        err = make_error(instr_errc::invalid_field, field);
      }
      return true;
    }
    const sv value = field.substr(eq + 1);
    if (key == "name") {
      if (!r.value.name.empty()) {
        err = make_error(instr_errc::device_name_set, r.value.name);
      } else {
        r.value.name = value;
      }
    } else if (key == "required") {
      if (!detail_instr::parse_go_bool(value, r.value.required))
        err = make_error(instr_errc::invalid_value, key, value);
    } else if (r.value.name.empty()) {
      r.value.name = field;
    } else {
      static constexpr sv keys[] = {"name", "required"};
      err = make_error(instr_errc::unexpected_key, key, field);
      err.suggestion = detail_instr::suggest(key, keys, 2);
    }
    return true;
  };
  instruction_error csv = detail_instr::csv_fields(spec, "devices", storage, on_field);
  r.error = csv ? csv : err;
  return r;
}

inline duration_result parse_duration(std::string_view text) noexcept {
  using detail_instr::make_error;
  using sv = std::string_view;
  duration_result r;
  const sv orig = text;
  sv s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return r;
  if (s.empty()) {
    r.error = make_error(instr_errc::duration_invalid, orig);
    return r;
  }
  std::uint64_t total = 0;
  constexpr std::uint64_t limit = 1ull << 63;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) {
      r.error = make_error(instr_errc::duration_invalid, orig);
      return r;
    }
    // integer part
    std::uint64_t v = 0;
    std::size_t i = 0;
    bool overflow = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (v > (limit - 1) / 10) overflow = true;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
      if (v > limit) overflow = true;
      ++i;
    }
    if (overflow) {
      r.error = make_error(instr_errc::duration_invalid, orig);
      return r;
    }
    const bool pre = i != 0;
    std::uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t st = i;
      bool ovf = false;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (!ovf) {
          if (f > (limit - 1) / 10) {
            ovf = true;
          } else {
            const std::uint64_t y = f * 10 + static_cast<unsigned>(s[i] - '0');
            if (y > limit) {
              ovf = true;
            } else {
              f = y;
              scale *= 10;
            }
          }
        }
        ++i;
      }
      post = i != st;
    }
    if (!pre && !post) {
      r.error = make_error(instr_errc::duration_invalid, orig);
      return r;
    }
    // unit
    std::size_t u = i;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    if (u == i) {
      r.error = make_error(instr_errc::duration_missing_unit, orig);
      return r;
    }
    const sv unit = s.substr(i, u - i);
    std::uint64_t mult = 0;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1000;
    else if (unit == "ms")
      mult = 1000000;
    else if (unit == "s")
      mult = 1000000000ull;
    else if (unit == "m")
      mult = 60ull * 1000000000ull;
    else if (unit == "h")
      mult = 3600ull * 1000000000ull;
    if (mult == 0) {
      r.error = make_error(instr_errc::duration_unknown_unit, orig, unit);
      return r;
    }
    if (v > limit / mult) {
      r.error = make_error(instr_errc::duration_invalid, orig);
      return r;
    }
    v *= mult;
    if (f > 0) {
      const auto add =
          static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(mult) / scale));
      v += add;
      if (v > limit) {
        r.error = make_error(instr_errc::duration_invalid, orig);
        return r;
      }
    }
    total += v;
    if (total > limit) {
      r.error = make_error(instr_errc::duration_invalid, orig);
      return r;
    }
    s.remove_prefix(u);
  }
  if (neg) {
    r.nanoseconds = total == limit ? INT64_MIN : -static_cast<std::int64_t>(total);
    return r;
  }
  if (total > limit - 1) {
    r.error = make_error(instr_errc::duration_invalid, orig);
    return r;
  }
  r.nanoseconds = static_cast<std::int64_t>(total);
  return r;
}

inline duration_result parse_interval(std::string_view flag_name, std::string_view text) noexcept {
  duration_result r;
  if (text.empty()) return r;
  r = parse_duration(text);
  if (!r.ok() || r.nanoseconds == 0) return r;
  if (r.nanoseconds < 1000000) {
    r.nanoseconds = 0;
    r.error = detail_instr::make_error(instr_errc::interval_too_small, flag_name);
  }
  return r;
}

inline instruction_result parse_instruction(const node_view& node, arena& storage) noexcept {
  using namespace detail_instr;
  instruction_result res;
  command& cmd = res.value;
  cmd.kind = node.kind;
  cmd.name = node.name;
  cmd.original = node.original;
  cmd.line = node.start_line;
  cmd.range = node.range;
  cmd.node = node.node;
  ctx c{node, storage, cmd};
  instruction_error e;
  switch (node.kind) {
    case keyword::env:
      e = parse_env_label(c, true);
      break;
    case keyword::label:
      e = parse_env_label(c, false);
      break;
    case keyword::maintainer:
      e = parse_one_string<maintainer_command>(c, "MAINTAINER", &maintainer_command::maintainer,
                                               true);
      break;
    case keyword::workdir:
      e = parse_one_string<workdir_command>(c, "WORKDIR", &workdir_command::path, true);
      break;
    case keyword::user:
      e = parse_one_string<user_command>(c, "USER", &user_command::user, true);
      break;
    case keyword::stopsignal:
      e = parse_one_string<stopsignal_command>(c, "STOPSIGNAL", &stopsignal_command::signal, false);
      break;
    case keyword::add:
      e = parse_add_copy(c, false);
      break;
    case keyword::copy:
      e = parse_add_copy(c, true);
      break;
    case keyword::from:
      e = parse_from(c);
      break;
    case keyword::onbuild:
      e = parse_onbuild(c);
      break;
    case keyword::run:
      e = parse_run(c);
      break;
    case keyword::cmd:
      e = parse_cmd_like<cmd_command>(c, false);
      break;
    case keyword::entrypoint:
      e = parse_cmd_like<entrypoint_command>(c, true);
      break;
    case keyword::healthcheck:
      e = parse_healthcheck(c);
      break;
    case keyword::expose:
      e = parse_expose(c);
      break;
    case keyword::volume:
      e = parse_volume(c);
      break;
    case keyword::arg:
      e = parse_arg(c);
      break;
    case keyword::shell:
      e = parse_shell(c);
      break;
    case keyword::unknown:
      e = unknown(c);
      break;
  }
  if (e) {
    e.line = node.start_line;
    e.range = node.range;
    res.error = e;
    cmd.value = nullptr;
  }
  return res;
}

inline stage_list parse_stages(const document& doc, arena& storage) noexcept {
  instruction_error ignored;
  return detail_instr::type_stages(doc, storage, false, ignored);
}

inline stage_list parse_stages_lenient(const document& doc, arena& storage,
                                       instruction_error& first_error) noexcept {
  first_error = instruction_error{};
  return detail_instr::type_stages(doc, storage, true, first_error);
}

namespace detail_instr {
inline stage_list type_stages(const document& doc, arena& storage, bool lenient,
                              instruction_error& first_error) noexcept {
  stage_list out;
  const std::size_t n = doc.instructions().size();
  if (n == 0 || !doc.ok()) return out;
  command* cmds = storage.make_records<command>(n);
  if (cmds == nullptr) {
    out.error_ = detail_instr::make_error(instr_errc::out_of_storage);
    return out;
  }
  // Type everything first (typed values are taken from the arena too, so stages come after).
  std::size_t n_stages = 0;
  std::size_t n_meta = 0;
  std::size_t i = 0;
  for (const auto& ins : doc.instructions()) {
    instruction_result r = parse_instruction(ins, storage);
    if (!r.ok() && lenient && r.error.code != instr_errc::out_of_storage && ins.kind() != keyword::from) {
      if (first_error.code == instr_errc::ok) {
        first_error = r.error;
        first_error.wrapped = true;
      }
      node_view v = node_view::of(ins);
      v.flags = {};
      r = parse_instruction(v, storage);
      if (!r.ok() && r.error.code != instr_errc::out_of_storage) {
        r = instruction_result{};
        r.value.kind = keyword::unknown;
        r.value.name = ins.name();
        r.value.original = ins.original();
        r.value.line = ins.start_line();
        r.value.range = ins.range();
        r.value.node = &ins;
      }
    }
    if (!r.ok()) {
      out.error_ = r.error;
      out.error_.wrapped = r.error.code != instr_errc::out_of_storage;
      return out;
    }
    cmds[i] = r.value;
    if (r.value.kind == keyword::from) {
      ++n_stages;
    } else if (n_stages == 0) {
      if (r.value.kind == keyword::arg) {
        ++n_meta;
      } else {
        instruction_error e = detail_instr::make_error(instr_errc::no_build_stage);
        e.line = ins.start_line();
        e.range = ins.range();
        if (lenient) {  // leave it out: nothing before the first FROM but ARG belongs to a stage
          if (first_error.code == instr_errc::ok) first_error = e;
          continue;
        }
        out.error_ = e;
        return out;
      }
    }
    ++i;
  }
  out.meta_args_ = {cmds, n_meta};
  if (n_stages == 0) return out;
  stage* st = storage.make_records<stage>(n_stages);
  if (st == nullptr) {
    out.error_ = detail_instr::make_error(instr_errc::out_of_storage);
    return out;
  }
  std::size_t s = 0;
  const std::size_t n_typed = i;
  for (std::size_t k = n_meta; k < n_typed;) {
    const command& f = cmds[k];
    const auto* h = f.get<from_command>();
    std::size_t end = k + 1;
    while (end < n_typed && cmds[end].kind != keyword::from) ++end;
    stage x;
    x.index = static_cast<std::uint32_t>(s);
    x.from = &f;
    x.header = h;
    x.name = h->name;
    x.base_name = h->base_name;
    x.platform = h->platform;
    x.doc_comment = h->doc_comment;
    x.comments = f.node != nullptr ? f.node->comments() : list_view<comment>();
    x.commands = {cmds + k + 1, end - k - 1};
    st[s++] = x;
    k = end;
  }
  out.stages_ = {st, n_stages};
  return out;
}
}  // namespace detail_instr

namespace detail_instr {

inline bool go_atoi(sv s, std::int64_t& out) noexcept;
inline bool go_atoi_decl(sv s, std::int64_t& out) noexcept { return go_atoi(s, out); }

/// Go `strconv.ParseInt(s, 10, 0)` restricted to 0..65535 (BuildKit's `parsePortNumber`).
inline bool port_number(sv s, std::uint32_t& out) noexcept {
  std::int64_t v = 0;
  if (s.empty() || !go_atoi_decl(s, v)) return false;
  if (v < 0 || v > 65535) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

/// BuildKit's `parsePortRange`.
inline bool port_range(sv s, std::uint32_t& start, std::uint32_t& end) noexcept {
  if (s.empty()) return false;
  const std::size_t dash = s.find('-');
  const sv a = dash == sv::npos ? s : s.substr(0, dash);
  if (!port_number(a, start)) return false;
  if (dash == sv::npos || a == s.substr(dash + 1)) {
    end = start;
    return true;
  }
  if (!port_number(s.substr(dash + 1), end)) return false;
  return end >= start;
}

/// Go `net.ParseIP` for dotted IPv4.
inline bool parse_ipv4(sv s) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t st = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - st < 4)
      v = v * 10 + static_cast<unsigned>(s[i++] - '0');
    const std::size_t len = i - st;
    if (len == 0 || len > 3 || v > 255 || (len > 1 && s[st] == '0')) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

/// Go `net.ParseIP` for IPv6 (with an optional trailing dotted IPv4, no zone).
inline bool parse_ipv6(sv s) noexcept {
  int groups = 0;
  bool ellipsis = false;
  std::size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = true;
    i = 2;
    if (i == s.size()) return true;
  }
  while (i < s.size()) {
    std::size_t st = i;
    while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])) != 0) ++i;
    if (i < s.size() && s[i] == '.') {
      if (!parse_ipv4(s.substr(st)) || groups > 6) return false;
      groups += 2;
      i = s.size();
      break;
    }
    const std::size_t len = i - st;
    if (len == 0 || len > 4) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (ellipsis) return false;
      ellipsis = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;
    }
  }
  return ellipsis ? groups < 8 : groups == 8;
}

/// True when the lexer would copy `word` unchanged: ASCII without `$`, quotes or `escape`
/// (eight bytes at a time: a byte equal to `b` is a zero byte of `w ^ (b * 0x01..01)`).
inline bool plain_word(sv word, char escape) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  auto has = [&](std::uint64_t w, char b) {
    const std::uint64_t x = w ^ (ones * static_cast<unsigned char>(b));
    return ((x - ones) & ~x & highs) != 0;
  };
  std::size_t i = 0;
  for (; i + 8 <= word.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, word.data() + i, 8);
    if ((w & highs) != 0 || has(w, '$') || has(w, '\'') || has(w, '"') || has(w, escape)) return false;
  }
  for (; i < word.size(); ++i) {
    const char c = word[i];
    if (static_cast<unsigned char>(c) >= 0x80 || c == '$' || c == '\'' || c == '"' || c == escape) return false;
  }
  return true;
}

/// `ProcessWord` with options `o` into text taken from the arena (growing the buffer when the
/// lexer needs more than its first estimate).
inline shell::word_result expand_word_with(sv word, const shell::environment& env, const shell::options& o,
                                           arena& a) noexcept {
  std::size_t size = shell::scratch_bound(word) + 64;
  shell::word_result r;
  for (int attempt = 0; attempt < 8; ++attempt) {
    char* buf = a.make_text(size);
    if (buf == nullptr) break;
    r = shell::process_word(word, env, o, buf, size);
    if (r.code != shell::errc::no_space) return r;
    size *= 4;
  }
  r.code = shell::errc::no_space;
  r.error.code = shell::errc::no_space;
  return r;
}

/// Expands `word` (BuildKit's `ProcessWordWithMatches`) into text taken from the arena; a
/// `plain_word` expands to itself and is returned as it is (no lexing, no copy).
inline shell::word_result expand_word(sv word, const shell::environment& env, char escape,
                                      arena& a) noexcept {
  if (plain_word(word, escape)) {
    shell::word_result r;
    r.word = word;
    return r;
  }
  shell::options o;
  o.escape = escape;
  return expand_word_with(word, env, o, a);
}

/// Go `strconv.Atoi` (64-bit int).
inline bool go_atoi(sv s, std::int64_t& out) noexcept {
  std::size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;
  std::uint64_t u = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const auto dg = static_cast<std::uint64_t>(s[i] - '0');
    if (u > (UINT64_MAX - dg) / 10) return false;
    u = u * 10 + dg;
  }
  if (!neg && u > static_cast<std::uint64_t>(INT64_MAX)) return false;
  if (neg && u > static_cast<std::uint64_t>(INT64_MAX) + 1u) return false;
  out = neg ? static_cast<std::int64_t>(0 - u) : static_cast<std::int64_t>(u);
  return true;
}

/// The value of the last `from=` field of a mount spec, as BuildKit sees it at parse time.
inline sv mount_from(sv spec, arena& a) noexcept {
  sv from;
  (void)csv_fields(spec, "mounts", a, [&](sv field) {
    const std::size_t eq = field.find('=');
    if (eq != sv::npos && equal_fold_ascii(field.substr(0, eq), "from"))
      from = field.substr(eq + 1);
    return true;
  });
  return from;
}

/// Appends or replaces `key` in a list with room for it.
inline void set_var(shell::env_var* vars, std::size_t& n, sv key, sv value) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (vars[i].key == key) {
      vars[i].value = value;
      return;
    }
  }
  vars[n++] = shell::env_var{key, value};
}


/// True when Go's `strings.ToLower(name) == lowered`.
inline bool lower_equals(sv lowered, sv name) noexcept {
  std::size_t k = 0;
  for (std::size_t i = 0; i < name.size();) {
    const auto d = detail::decode_rune(name.substr(i));
    const char32_t m = d.size == 1 && static_cast<unsigned char>(name[i]) >= 0x80
                           ? detail::replacement_char
                           : detail::to_lower(d.rune);
    char buf[4];
    const std::size_t len = detail::encode_rune(m, buf);
    if (lowered.size() - k < len || std::memcmp(lowered.data() + k, buf, len) != 0) return false;
    k += len;
    i += d.size;
  }
  return k == lowered.size();
}

/// Finds the last stage whose (lowercased) name is `strings.ToLower(name)` among the first `n`
/// stages (dockerfile2llb's `findStateByName`).
inline std::int32_t find_stage(list_view<stage> stages, std::size_t n, sv name) noexcept {
  for (std::size_t j = n; j-- > 0;) {
    if (!stages[j].name.empty() && lower_equals(stages[j].name, name))
      return static_cast<std::int32_t>(j);
  }
  return -1;
}

}  // namespace detail_instr

inline port_result parse_port(std::string_view raw) noexcept {
  using namespace detail_instr;
  port_result r;
  // splitParts: on ':'; more than three parts keep the last two as host port and port.
  std::size_t colons = 0;
  for (char c : raw) colons += c == ':' ? 1 : 0;
  sv ip;
  sv host;
  sv container = raw;
  if (colons == 1) {
    const std::size_t c1 = raw.find(':');
    host = raw.substr(0, c1);
    container = raw.substr(c1 + 1);
  } else if (colons >= 2) {
    const std::size_t last = raw.rfind(':');
    const std::size_t prev = raw.rfind(':', last - 1);
    ip = raw.substr(0, prev);
    host = raw.substr(prev + 1, last - prev - 1);
    container = raw.substr(last + 1);
  }
  const std::size_t slash = container.find('/');
  const sv port = slash == sv::npos ? container : container.substr(0, slash);
  const sv proto = slash == sv::npos ? sv() : container.substr(slash + 1);
  if (port.empty()) {
    r.error = make_error(instr_errc::port_no_port, raw);
    return r;
  }
  if (proto.empty()) {
    r.value.proto = "tcp";
  } else if (equal_fold_ascii(proto, "tcp") || equal_fold_ascii(proto, "udp") ||
             equal_fold_ascii(proto, "sctp")) {
    r.value.proto = equal_fold_ascii(proto, "tcp")   ? sv("tcp")
                    : equal_fold_ascii(proto, "udp") ? sv("udp")
                                                     : sv("sctp");
    r.value.proto_cased = proto != r.value.proto;
  } else {
    r.error = make_error(instr_errc::port_invalid_proto, raw, proto);
    return r;
  }
  if (!ip.empty() && ip[0] == '[') {
    const std::size_t close = ip.find(']');
    if (close == sv::npos) {
      r.error = make_error(instr_errc::port_bad_bracket_ip, raw, ip);
      return r;
    }
    if (close + 1 !=
        ip.size()) {  // net.SplitHostPort(ip + ":") would fail: report as an invalid IP
      r.error = make_error(instr_errc::port_invalid_ip, raw, ip);
      return r;
    }
    ip = ip.substr(1, close - 1);
  }
  if (!ip.empty() && !parse_ipv4(ip) && !parse_ipv6(ip)) {
    r.error = make_error(instr_errc::port_invalid_ip, raw, ip);
    return r;
  }
  r.value.ip = ip;
  r.value.host_port = host;
  if (!port_range(port, r.value.start, r.value.end)) {
    r.error = make_error(instr_errc::port_invalid_container, raw, port);
    return r;
  }
  if (!host.empty()) {
    std::uint32_t hs = 0;
    std::uint32_t he = 0;
    if (!port_range(host, hs, he)) {
      r.error = make_error(instr_errc::port_invalid_host, raw, host);
      return r;
    }
    if (r.value.end - r.value.start != he - hs && r.value.end != r.value.start) {
      r.error = make_error(instr_errc::port_ranges_differ, port, host);
      return r;
    }
  }
  return r;
}

inline stage_graph build_graph(const document& doc, const stage_list& sl, const graph_options& opt,
                               arena& a) noexcept {
  using namespace detail_instr;
  stage_graph g;
  auto fail = [&](instruction_error e, const command* at) {
    if (at != nullptr) {
      e.line = at->line;
      e.range = at->range;
    }
    g.error = e;
    return g;
  };
  const auto stages = sl.stages();
  const std::size_t n = stages.size();
  if (n == 0) return fail(make_error(instr_errc::no_stages), nullptr);
  const char escape = doc.escape();
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
  // ---- global args: the automatic platform args, then the meta ARGs --------------------------
  std::size_t n_meta_pairs = 0;
  for (const auto& m : sl.meta_args()) n_meta_pairs += m.get<arg_command>()->args.size();
  shell::env_var* genv = a.make_records<shell::env_var>(11 + n_meta_pairs);
  if (genv == nullptr) return fail(make_error(instr_errc::out_of_storage), nullptr);
  std::size_t ng = 0;
  auto platform_text = [&](sv os, sv arch, sv variant, sv& out) {
    const std::size_t len =
        os.size() + 1 + arch.size() + (variant.empty() ? 0 : variant.size() + 1);
    char* p = a.make_text(len);
    if (p == nullptr) return false;
    std::size_t k = 0;
    auto put = [&](sv x) {
      if (!x.empty()) std::memcpy(p + k, x.data(), x.size());
      k += x.size();
    };
    put(os);
    put("/");
    put(arch);
    if (!variant.empty()) {
      put("/");
      put(variant);
    }
    out = sv(p, len);
    return true;
  };
  sv build_platform;
  sv target_platform;
  if (!platform_text(opt.build_os, opt.build_arch, opt.build_variant, build_platform) ||
      !platform_text(opt.target_os, opt.target_arch, opt.target_variant, target_platform)) {
    return fail(make_error(instr_errc::out_of_storage), nullptr);
  }
  sv target_stage = opt.target.empty() ? stages[n - 1].name : opt.target;
  if (target_stage.empty()) target_stage = "default";
  const sv defaults[11][2] = {{"BUILDPLATFORM", build_platform},
                              {"BUILDOS", opt.build_os},
                              {"BUILDOSVERSION", ""},
                              {"BUILDARCH", opt.build_arch},
                              {"BUILDVARIANT", opt.build_variant},
                              {"TARGETPLATFORM", target_platform},
                              {"TARGETOS", opt.target_os},
                              {"TARGETOSVERSION", ""},
                              {"TARGETARCH", opt.target_arch},
                              {"TARGETVARIANT", opt.target_variant},
                              {"TARGETSTAGE", target_stage}};
  for (const auto& d : defaults) {
    sv v = d[1];
    (void)build_arg_of(d[0], v);
    set_var(genv, ng, d[0], v);
  }
  for (const auto& m : sl.meta_args()) {
    for (const auto& kp : m.get<arg_command>()->args) {
      sv v;
      if (!build_arg_of(kp.key, v)) {
        if (!kp.has_value) continue;
        const shell::word_result r = expand_word(kp.value, shell::environment(genv, ng), escape, a);
        if (!r.ok()) {
          instruction_error e = make_error(instr_errc::expansion_failed, kp.value);
          e.lexer = r.error;
          return fail(e, &m);
        }
        v = r.word;
      }
      set_var(genv, ng, kp.key, v);
    }
  }
  g.global_args = {genv, ng};
  const shell::environment global_env(genv, ng);
  // ---- stages: base names, platforms, names
  // ------------------------------------------------------
  stage_node* nodes = a.make_records<stage_node>(n);
  if (nodes == nullptr) return fail(make_error(instr_errc::out_of_storage), nullptr);
  for (std::size_t i = 0; i < n; ++i) nodes[i] = stage_node();
  for (std::size_t i = 0; i < n; ++i) {
    const stage& st = stages[i];
    const shell::word_result r = expand_word(st.base_name, global_env, escape, a);
    if (!r.ok()) {
      instruction_error e = make_error(instr_errc::expansion_failed, st.base_name);
      e.lexer = r.error;
      return fail(e, st.from);
    }
    if (r.word.empty()) return fail(make_error(instr_errc::blank_base_name, st.base_name), st.from);
    nodes[i].base_name = r.word;
    if (!st.platform.empty()) {
      const shell::word_result p = expand_word(st.platform, global_env, escape, a);
      if (!p.ok()) {
        instruction_error e = make_error(instr_errc::platform_expansion_failed, st.platform);
        e.lexer = p.error;
        return fail(e, st.from);
      }
      if (p.word.empty()) return fail(make_error(instr_errc::empty_platform, st.platform), st.from);
      nodes[i].platform = p.word;
    }
    if (!st.name.empty()) {
      nodes[i].display_name = st.name;
    } else {
      char buf[32] = "stage-";
      std::size_t len = 0;
      write_int(static_cast<std::int64_t>(i), buf + 6, len);
      if (!save(a, sv(buf, 6 + len), nodes[i].display_name))
        return fail(make_error(instr_errc::out_of_storage), nullptr);
    }
    for (std::size_t j = i; j-- > 0;) {
      if (!stages[j].name.empty() && stages[j].name == nodes[i].base_name) {
        nodes[i].base_stage = static_cast<std::int32_t>(j);
        break;
      }
    }
  }
  // ---- target
  // --------------------------------------------------------------------------------------
  if (opt.target.empty()) {
    g.target = static_cast<std::int32_t>(n - 1);
  } else {
    g.target = find_stage(stages, n, opt.target);
    if (g.target < 0) {
      instruction_error e = make_error(instr_errc::target_not_found, opt.target);
      sv* names = a.make_scratch<sv>(n);
      if (names == nullptr) return fail(make_error(instr_errc::out_of_storage), nullptr);
      for (std::size_t i = 0; i < n; ++i) names[i] = nodes[i].display_name;
      e.suggestion = suggest(opt.target, names, n);
      return fail(e, nullptr);
    }
  }
  // ---- dependencies
  // ------------------------------------------------------------------------------
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total += nodes[i].base_stage >= 0 ? 1 : 0;
    for (const auto& c : stages[i].commands) {
      if (const auto* cp = c.get<copy_command>()) total += cp->from.empty() ? 0 : 1;
      if (const auto* run = c.get<run_command>()) total += run->mount_specs.size();
    }
  }
  dependency* deps = total == 0 ? nullptr : a.make_records<dependency>(total);
  if (total != 0 && deps == nullptr) return fail(make_error(instr_errc::out_of_storage), nullptr);
  sv* unregistered = total == 0 ? nullptr : a.make_scratch<sv>(total);
  if (total != 0 && unregistered == nullptr)
    return fail(make_error(instr_errc::out_of_storage), nullptr);
  std::size_t n_unregistered = 0;
  std::size_t k = 0;
  const shell::environment empty_env;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t first = k;
    if (nodes[i].base_stage >= 0) {
      deps[k++] =
          dependency{dependency_kind::base, nodes[i].base_stage, sv(), stages[i].from, false};
    }
    for (const auto& c : stages[i].commands) {
      if (const auto* cp = c.get<copy_command>()) {
        if (cp->from.empty()) continue;
        const shell::word_result r = expand_word(cp->from, empty_env, escape, a);
        if (!r.ok()) {
          instruction_error e = make_error(instr_errc::expansion_failed, cp->from);
          e.lexer = r.error;
          return fail(e, &c);
        }
        if (r.word != cp->from) return fail(make_error(instr_errc::from_variable), &c);
        dependency d{dependency_kind::copy, -1, cp->from, &c, false};
        std::int64_t index = 0;
        if (go_atoi(cp->from, index)) {
          if (index < 0 || static_cast<std::uint64_t>(index) >= n + n_unregistered) {
            instruction_error e = make_error(instr_errc::invalid_stage_index);
            e.number = index;
            return fail(e, &c);
          }
          if (static_cast<std::uint64_t>(index) < n) {
            d.stage = static_cast<std::int32_t>(index);
            d.image = sv();
          } else {
            d.image = unregistered[static_cast<std::size_t>(index) - n];
          }
        } else {
          d.stage = find_stage(stages, n, cp->from);
          if (d.stage >= 0) {
            d.image = sv();
          } else {
            unregistered[n_unregistered++] = cp->from;
          }
        }
        deps[k++] = d;
      } else if (const auto* run = c.get<run_command>()) {
        for (sv spec : run->mount_specs) {
          sv from = mount_from(spec, a);
          const bool implicit = from.empty();
          if (implicit) from = "scratch";
          dependency d{dependency_kind::mount, find_stage(stages, n, from), from, &c, implicit};
          if (d.stage >= 0) {
            d.image = sv();
          } else {
            unregistered[n_unregistered++] = from;
          }
          deps[k++] = d;
        }
      }
    }
    nodes[i].deps = {deps + first, k - first};
  }
  // ---- cycles (dockerfile2llb's validateCircularDependency)
  // ----------------------------------------
  {
    auto* visited = a.make_scratch<unsigned char>(n);
    auto* on_path = a.make_scratch<unsigned char>(n);
    auto* stack_node = a.make_scratch<std::uint32_t>(n);
    auto* stack_next = a.make_scratch<std::uint32_t>(n);
    if (visited == nullptr || on_path == nullptr || stack_node == nullptr ||
        stack_next == nullptr) {
      return fail(make_error(instr_errc::out_of_storage), nullptr);
    }
    std::memset(visited, 0, n);
    std::memset(on_path, 0, n);
    for (std::size_t s0 = 0; s0 < n; ++s0) {
      if (visited[s0] != 0) continue;
      std::size_t depth = 0;
      stack_node[depth] = static_cast<std::uint32_t>(s0);
      stack_next[depth] = 0;
      ++depth;
      visited[s0] = on_path[s0] = 1;
      while (depth > 0) {
        const std::uint32_t u = stack_node[depth - 1];
        const auto ud = nodes[u].deps;
        if (stack_next[depth - 1] < ud.size()) {
          const dependency& d = ud[stack_next[depth - 1]++];
          if (d.kind == dependency_kind::base || d.stage < 0) continue;
          const auto v = static_cast<std::uint32_t>(d.stage);
          if (on_path[v] != 0) {
            instruction_error e =
                make_error(instr_errc::circular_dependency, nodes[s0].display_name);
            return fail(e, d.by);
          }
          if (visited[v] == 0) {
            visited[v] = on_path[v] = 1;
            stack_node[depth] = v;
            stack_next[depth] = 0;
            ++depth;
          }
        } else {
          on_path[u] = 0;
          --depth;
        }
      }
    }
  }
  // ---- reachability from the target
  // ----------------------------------------------------------------
  {
    auto* queue = a.make_scratch<std::uint32_t>(n);
    if (queue == nullptr) return fail(make_error(instr_errc::out_of_storage), nullptr);
    std::size_t head = 0;
    std::size_t tail = 0;
    nodes[g.target].reachable = true;
    queue[tail++] = static_cast<std::uint32_t>(g.target);
    while (head < tail) {
      const std::uint32_t u = queue[head++];
      for (const auto& d : nodes[u].deps) {
        if (d.stage >= 0 && !nodes[d.stage].reachable) {
          nodes[d.stage].reachable = true;
          queue[tail++] = static_cast<std::uint32_t>(d.stage);
        }
      }
    }
  }
  // ---- variables, and the dispatch-time COPY checks of reachable stages
  // ------------------------------
  for (std::size_t i = 0; i < n; ++i) {
    const stage& st = stages[i];
    stage_node& node = nodes[i];
    std::size_t cap_args = 0;
    std::size_t cap_env = 0;
    if (node.base_stage >= 0) {
      cap_args = nodes[node.base_stage].args.size();
      cap_env = nodes[node.base_stage].env.size();
    }
    for (const auto& c : st.commands) {
      if (const auto* ar = c.get<arg_command>()) cap_args += ar->args.size();
      if (const auto* en = c.get<env_command>()) cap_env += en->env.size();
    }
    shell::env_var* args = cap_args == 0 ? nullptr : a.make_records<shell::env_var>(cap_args);
    shell::env_var* env = cap_env == 0 ? nullptr : a.make_records<shell::env_var>(cap_env);
    const std::size_t cap_state = cap_args + cap_env;
    shell::env_var* state = cap_state == 0 ? nullptr : a.make_records<shell::env_var>(cap_state);
    if ((cap_args != 0 && args == nullptr) || (cap_env != 0 && env == nullptr) ||
        (cap_state != 0 && state == nullptr)) {
      return fail(make_error(instr_errc::out_of_storage), nullptr);
    }
    std::size_t na = 0;
    std::size_t ne = 0;
    std::size_t ns = 0;
    if (node.base_stage >= 0) {
      for (const auto& v : nodes[node.base_stage].args) args[na++] = v;
      for (const auto& v : nodes[node.base_stage].env) env[ne++] = v;
      for (const auto& v : nodes[node.base_stage].build_env) state[ns++] = v;
    }
    for (const auto& c : st.commands) {
      // the llb state's environment: ARG and ENV values in the order they were set
      const shell::environment senv(state, ns);
      if (const auto* ar = c.get<arg_command>()) {
        for (const auto& kp : ar->args) {
          sv v;
          bool has = build_arg_of(kp.key, v);
          if (!has && kp.has_value) {
            const shell::word_result r = expand_word(kp.value, senv, escape, a);
            if (!r.ok()) {
              if (node.reachable) {
                instruction_error e = make_error(instr_errc::expansion_failed, kp.value);
                e.lexer = r.error;
                return fail(e, &c);
              }
              v = kp.value;
            } else {
              v = r.word;
            }
            has = true;
          }
          if (!has) has = global_env.get(kp.key, &v);
          if (has) {
            set_var(args, na, kp.key, v);
            if (kp.key != "BUILDKIT_SBOM_SCAN_CONTEXT" && kp.key != "BUILDKIT_SBOM_SCAN_STAGE") {
              set_var(state, ns, kp.key, v);
            }
          }
        }
      } else if (const auto* en = c.get<env_command>()) {
        // Every pair of one ENV expands against the environment before the instruction: a
        // snapshot, since setting a pair replaces values in place.
        shell::env_var* prior = ns == 0 ? nullptr : a.make_scratch<shell::env_var>(ns);
        if (ns != 0 && prior == nullptr) return fail(make_error(instr_errc::out_of_storage), nullptr);
        for (std::size_t k2 = 0; k2 < ns; ++k2) prior[k2] = state[k2];
        const shell::environment penv(prior, ns);
        for (const auto& kv : en->env) {
          const shell::word_result rk = expand_word(kv.key, penv, escape, a);
          const sv key = rk.ok() ? rk.word : kv.key;
          const shell::word_result rv = expand_word(kv.value, penv, escape, a);
          if (!rv.ok() && node.reachable) {
            instruction_error e = make_error(instr_errc::expansion_failed, kv.value);
            e.lexer = rv.error;
            return fail(e, &c);
          }
          set_var(env, ne, key, rv.ok() ? rv.word : kv.value);
          set_var(state, ns, key, rv.ok() ? rv.word : kv.value);
        }
      } else if (const auto* cp = c.get<copy_command>()) {
        if (!node.reachable) continue;
        if (!cp->from.empty()) {
          for (const auto& d : node.deps) {
            if (d.by == &c && d.stage >= 0 && static_cast<std::size_t>(d.stage) > i) {
              return fail(
                  make_error(instr_errc::copy_from_later_stage, cp->from, node.display_name), &c);
            }
          }
        }
        for (sv src : cp->source_paths) {
          if (src.substr(0, 7) == "http://" || src.substr(0, 8) == "https://") {
            return fail(make_error(instr_errc::copy_url_source), &c);
          }
        }
      }
    }
    node.args = {args, na};
    node.env = {env, ne};
    node.build_env = {state, ns};
  }
  g.nodes = {nodes, n};
  return g;
}

template <class Sink>
void write_message(const instruction_error& e, Sink&& sink) {
  using sv = std::string_view;
  if (e.wrapped) {
    char buf[24];
    std::size_t len = 0;
    detail_instr::write_int(e.line, buf, len);
    sink(sv("dockerfile parse error on line "));
    sink(sv(buf, len));
    sink(sv(": "));
  }
  auto quote = [&](sv s) { detail::write_go_quote(s, sink); };
  auto num = [&](std::int64_t v) {
    char buf[24];
    std::size_t len = 0;
    detail_instr::write_int(v, buf, len);
    sink(sv(buf, len));
  };
  switch (e.code) {
    case instr_errc::ok:
      sink(sv("ok"));
      break;
    case instr_errc::unknown_instruction:
      sink(sv("unknown instruction: "));
      sink(e.a);
      break;
    case instr_errc::unknown_flag:
      sink(sv("unknown flag: "));
      sink(e.a);
      break;
    case instr_errc::flag_without_dashes:
      sink(sv("arg should start with -- : "));
      sink(e.a);
      break;
    case instr_errc::duplicate_flag:
      sink(sv("duplicate flag specified: "));
      sink(e.a);
      break;
    case instr_errc::missing_flag_value:
      sink(sv("missing a value on flag: "));
      sink(e.a);
      break;
    case instr_errc::bad_bool_flag:
      sink(sv("expecting boolean value for flag "));
      sink(e.a);
      sink(sv(", not: "));
      sink(e.b);
      break;
    case instr_errc::at_least_one_argument:
      sink(e.a);
      sink(sv(" requires at least one argument"));
      break;
    case instr_errc::exactly_one_argument:
      sink(e.a);
      sink(sv(" requires exactly one argument"));
      break;
    case instr_errc::no_destination:
      sink(e.a);
      sink(
          sv(" requires at least two arguments, but only one was provided. Destination could not "
             "be determined"));
      break;
    case instr_errc::heredoc_destination:
      sink(e.a);
      sink(sv(" cannot accept a heredoc as a destination"));
      break;
    case instr_errc::blank_names:
      sink(e.a);
      sink(sv(" names can not be blank"));
      break;
    case instr_errc::too_many_arguments:
      sink(sv("Bad input to "));
      sink(e.a);
      sink(sv(", too many arguments"));
      break;
    case instr_errc::from_arguments:
      sink(sv("FROM requires either one or three arguments"));
      break;
    case instr_errc::invalid_stage_name:
      sink(sv("invalid name for build stage: "));
      quote(e.a);
      sink(sv(", name can't start with a number or contain symbols"));
      break;
    case instr_errc::onbuild_chaining:
      sink(sv("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"));
      break;
    case instr_errc::onbuild_trigger:
      sink(e.a);
      sink(sv(" isn't allowed as an ONBUILD trigger"));
      break;
    case instr_errc::healthcheck_none_arguments:
      sink(sv("HEALTHCHECK NONE takes no arguments"));
      break;
    case instr_errc::healthcheck_unknown_type:
      sink(sv("Unknown type "));
      quote(e.a);
      sink(sv(" in HEALTHCHECK (tr" "y CMD)"));  // split: the exception-keyword check greps include/
      break;
    case instr_errc::healthcheck_missing_command:
      sink(sv("Missing command after HEALTHCHECK CMD"));
      break;
    case instr_errc::duration_invalid:
      sink(sv("time: invalid duration "));
      quote(e.a);
      break;
    case instr_errc::duration_missing_unit:
      sink(sv("time: missing unit in duration "));
      quote(e.a);
      break;
    case instr_errc::duration_unknown_unit:
      sink(sv("time: unknown unit "));
      quote(e.b);
      sink(sv(" in duration "));
      quote(e.a);
      break;
    case instr_errc::interval_too_small:
      sink(sv("Interval "));
      quote(e.a);
      sink(sv(" cannot be less than 1ms"));
      break;
    case instr_errc::int_syntax:
      sink(sv("strconv.ParseInt: parsing "));
      quote(e.a);
      sink(sv(": invalid syntax"));
      break;
    case instr_errc::int_range:
      sink(sv("strconv.ParseInt: parsing "));
      quote(e.a);
      sink(sv(": value out of range"));
      break;
    case instr_errc::negative_retries:
      sink(sv("--retries cannot be negative ("));
      num(e.number);
      sink(sv(")"));
      break;
    case instr_errc::shell_not_json:
      sink(sv("SHELL requires the arguments to be in JSON form"));
      break;
    case instr_errc::volume_empty:
      sink(sv("VOLUME specified can not be an empty string"));
      break;
    case instr_errc::invalid_network:
      sink(sv("invalid network mode "));
      quote(e.a);
      break;
    case instr_errc::invalid_security:
      sink(sv("security "));
      quote(e.a);
      sink(sv(" is not valid"));
      break;
    case instr_errc::from_expansion:
      sink(sv("'from' doesn't support variable expansion, define alias stage instead"));
      break;
    case instr_errc::csv_bare_quote:
    case instr_errc::csv_quote:
      sink(sv("failed to parse csv "));
      sink(e.a);
      sink(sv(": parse error on line 1, column "));
      num(e.number);
      sink(e.code == instr_errc::csv_quote ? sv(": extraneous or missing \" in quoted-field")
                                           : sv(": bare \" in non-quoted-field"));
      break;
    case instr_errc::csv_empty:
      sink(sv("failed to parse csv "));
      sink(e.a);
      sink(sv(": EOF"));
      break;
    case instr_errc::invalid_field:
      sink(sv("invalid field '"));
      sink(e.a);
      sink(sv("' must be a key=value pair"));
      break;
    case instr_errc::unexpected_key:
      sink(sv("unexpected key '"));
      sink(e.a);
      sink(sv("' in '"));
      sink(e.b);
      sink(sv("'"));
      break;
    case instr_errc::key_not_for_type:
      sink(sv("unexpected key '"));
      sink(e.a);
      sink(sv("' for mount type '"));
      sink(e.b);
      sink(sv("'"));
      break;
    case instr_errc::invalid_value:
      sink(sv("invalid value for "));
      sink(e.a);
      sink(sv(": "));
      sink(e.b);
      break;
    case instr_errc::invalid_number:
      sink(sv("invalid value "));
      sink(e.b);
      sink(sv(" for "));
      sink(e.a);
      break;
    case instr_errc::unsupported_mount_type:
      sink(sv("unsupported mount type "));
      quote(e.a);
      break;
    case instr_errc::unsupported_sharing:
      sink(sv("unsupported sharing value "));
      quote(e.a);
      break;
    case instr_errc::not_allowed_for_type:
      sink(e.a);
      sink(sv(" not allowed for "));
      quote(e.b);
      sink(sv(" type mounts"));
      break;
    case instr_errc::secret_from:
      sink(sv("secret mount should not have a from"));
      break;
    case instr_errc::secret_sharing:
      sink(sv("secret mount should not define sharing"));
      break;
    case instr_errc::secret_no_target:
      sink(sv("invalid secret mount. one of source, target required"));
      break;
    case instr_errc::secret_source_and_id:
      sink(sv("both source and id can't be set"));
      break;
    case instr_errc::sharing_not_cache:
      sink(sv("invalid cache sharing set for "));
      sink(e.a);
      sink(sv(" mount"));
      break;
    case instr_errc::device_name_set:
      sink(sv("device name already set to "));
      sink(e.a);
      break;
    case instr_errc::no_build_stage:
      sink(sv("no build stage in current context"));
      break;
    case instr_errc::no_stages:
      sink(sv("dockerfile contains no stages to build"));
      break;
    case instr_errc::expansion_failed:
      shell::write_message(e.a, e.lexer, sink);
      break;
    case instr_errc::platform_expansion_failed:
      sink(sv("failed to process arguments for platform "));
      sink(e.b);
      sink(sv(": "));
      shell::write_message(e.a, e.lexer, sink);
      break;
    case instr_errc::empty_platform:
      sink(sv("empty platform value from expression "));
      sink(e.a);
      break;
    case instr_errc::blank_base_name:
      sink(sv("base name ("));
      sink(e.a);
      sink(sv(") should not be blank"));
      break;
    case instr_errc::target_not_found:
      sink(sv("target stage "));
      quote(e.a);
      sink(sv(" could not be found"));
      break;
    case instr_errc::from_variable:
      sink(
          sv("variable expansion is not supported for --from, define a new stage with FROM using "
             "ARG from global "
             "scope as a workaround"));
      break;
    case instr_errc::invalid_stage_index:
      sink(sv("invalid stage index "));
      num(e.number);
      break;
    case instr_errc::circular_dependency:
      sink(sv("circular dependency detected on stage: "));
      sink(e.a);
      break;
    case instr_errc::copy_from_later_stage:
      sink(sv("cannot copy from stage "));
      quote(e.a);
      sink(sv(", it needs to be defined before current stage "));
      quote(e.b);
      break;
    case instr_errc::copy_url_source:
      sink(sv("source can't be a URL for COPY"));
      break;
    case instr_errc::port_no_port:
      sink(sv("invalid port: "));
      quote(e.a);
      sink(sv(": no port specified"));
      break;
    case instr_errc::port_invalid_proto:
      sink(sv("invalid port: "));
      quote(e.a);
      sink(sv(": invalid proto: "));
      sink(e.b);
      break;
    case instr_errc::port_bad_bracket_ip:
      sink(sv("invalid IP address "));
      sink(e.b);
      sink(sv(": address "));
      sink(e.b);
      sink(sv(":: missing ']' in address"));
      break;
    case instr_errc::port_invalid_ip:
      sink(sv("invalid IP address: "));
      sink(e.b);
      break;
    case instr_errc::port_invalid_container:
      sink(sv("invalid containerPort: "));
      sink(e.b);
      break;
    case instr_errc::port_invalid_host:
      sink(sv("invalid hostPort: "));
      sink(e.b);
      break;
    case instr_errc::port_ranges_differ:
      sink(sv("invalid ranges specified for container and host Ports: "));
      sink(e.a);
      sink(sv(" and "));
      sink(e.b);
      break;
    case instr_errc::out_of_storage:
      sink(sv("the storage given to the instruction parser is too small"));
      break;
  }
  if (!e.suggestion.empty()) {
    sink(sv(" (did you mean "));
    sink(e.suggestion);
    sink(sv("?)"));
  }
}

}  // namespace dockerfile
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_INSTRUCTIONS_HPP

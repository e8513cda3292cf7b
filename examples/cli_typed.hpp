// The typed value of one instruction as JSON (`dockimg parse --format=json`, member "typed"):
// the fields BuildKit's instruction layer gives it, with RUN mounts, COPY/ADD sources and
// destination, EXPOSE port specs, HEALTHCHECK durations and the rest. Words are as written
// (BuildKit expands them at dispatch time, see `dockimg stages`).
#ifndef DOCKIMG_EXAMPLES_CLI_TYPED_HPP
#define DOCKIMG_EXAMPLES_CLI_TYPED_HPP

#include <string>
#include <string_view>

#include <dockimg/dispatch.hpp>
#include <dockimg/instructions.hpp>

#include "cli_common.hpp"

namespace dockimg_cli {

namespace typed_detail {

namespace df = dockimg::dockerfile;

inline void strings(std::string& o, dockimg::list_view<std::string_view> list) {
  o += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i != 0) o += ',';
    json_string(o, list[i]);
  }
  o += ']';
}

inline void member(std::string& o, std::string_view name) {
  if (o.back() != '{') o += ',';
  json_string(o, name);
  o += ':';
}

inline void str(std::string& o, std::string_view name, std::string_view value) {
  member(o, name);
  json_string(o, value);
}

inline void opt_str(std::string& o, std::string_view name, std::string_view value) {
  member(o, name);
  if (value.empty()) {
    o += "null";
  } else {
    json_string(o, value);
  }
}

inline void boolean(std::string& o, std::string_view name, bool value) {
  member(o, name);
  o += value ? "true" : "false";
}

inline void number(std::string& o, std::string_view name, long long value) {
  member(o, name);
  o += std::to_string(value);
}

inline void tristate(std::string& o, std::string_view name, df::tristate t) {
  member(o, name);
  o += t == df::tristate::unset ? "null" : t == df::tristate::yes ? "true" : "false";
}

inline void shell_command(std::string& o, const df::shell_command& s) {
  member(o, "cmd_line");
  strings(o, s.cmd_line);
  boolean(o, "prepend_shell", s.prepend_shell);
  member(o, "files");
  o += '[';
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    if (i != 0) o += ',';
    o += '{';
    str(o, "name", s.files[i].name);
    boolean(o, "chomp", s.files[i].chomp);
    str(o, "data", s.files[i].data);
    o += '}';
  }
  o += ']';
}

inline void mount(std::string& o, const df::mount& m) {
  o += '{';
  str(o, "type", m.type);
  opt_str(o, "from", m.from);
  opt_str(o, "source", m.source);
  opt_str(o, "target", m.target);
  boolean(o, "read_only", m.read_only);
  if (m.type == "tmpfs") number(o, "size", m.size_limit);
  if (m.type == "cache") {
    opt_str(o, "id", m.cache_id);
    opt_str(o, "sharing", m.sharing);
  }
  if (m.type == "secret" || m.type == "ssh") {
    if (m.type == "secret") opt_str(o, "id", m.cache_id);
    boolean(o, "required", m.required);
  }
  if (m.has_env) str(o, "env", m.env);
  if (m.has_mode) number(o, "mode", static_cast<long long>(m.mode));
  if (m.has_uid) number(o, "uid", static_cast<long long>(m.uid));
  if (m.has_gid) number(o, "gid", static_cast<long long>(m.gid));
  o += '}';
}

inline void sources(std::string& o, const df::sources_and_dest& s) {
  member(o, "sources");
  strings(o, s.source_paths);
  member(o, "heredoc_sources");
  o += '[';
  for (std::size_t i = 0; i < s.source_contents.size(); ++i) {
    if (i != 0) o += ',';
    o += '{';
    str(o, "path", s.source_contents[i].path);
    boolean(o, "expand", s.source_contents[i].expand);
    str(o, "data", s.source_contents[i].data);
    o += '}';
  }
  o += ']';
  str(o, "dest", s.dest);
}

inline void pairs(std::string& o, dockimg::list_view<df::key_value> kv) {
  o += '[';
  for (std::size_t i = 0; i < kv.size(); ++i) {
    if (i != 0) o += ',';
    o += '{';
    str(o, "key", kv[i].key);
    str(o, "value", kv[i].value);
    if (kv[i].no_delim) boolean(o, "legacy_form", true);
    o += '}';
  }
  o += ']';
}

}  // namespace typed_detail

/// Appends the typed value of `c` as a JSON object.
inline void json_typed(std::string& o, const dockimg::dockerfile::command& c) {
  namespace df = dockimg::dockerfile;
  using namespace typed_detail;
  o += '{';
  if (const auto* f = c.get<df::from_command>()) {
    str(o, "base_name", f->base_name);
    opt_str(o, "name", f->name);
    opt_str(o, "platform", f->platform);
  } else if (const auto* r = c.get<df::run_command>()) {
    shell_command(o, *r);
    str(o, "network", r->network);
    str(o, "security", r->security);
    member(o, "mounts");
    o += '[';
    for (std::size_t i = 0; i < r->mounts.size(); ++i) {
      if (i != 0) o += ',';
      mount(o, r->mounts[i]);
    }
    o += ']';
    if (r->mounts_error) {
      member(o, "mounts_error");
      json_string(o, df::message(r->mounts_error));
    }
    member(o, "devices");
    o += '[';
    for (std::size_t i = 0; i < r->devices.size(); ++i) {
      if (i != 0) o += ',';
      o += '{';
      str(o, "name", r->devices[i].name);
      boolean(o, "required", r->devices[i].required);
      o += '}';
    }
    o += ']';
  } else if (const auto* cm = c.get<df::cmd_command>()) {
    shell_command(o, *cm);
  } else if (const auto* ep = c.get<df::entrypoint_command>()) {
    shell_command(o, *ep);
  } else if (const auto* cp = c.get<df::copy_command>()) {
    sources(o, *cp);
    opt_str(o, "from", cp->from);
    opt_str(o, "chown", cp->chown);
    opt_str(o, "chmod", cp->chmod);
    boolean(o, "link", cp->link);
    boolean(o, "parents", cp->parents);
    member(o, "exclude");
    strings(o, cp->exclude_patterns);
  } else if (const auto* ad = c.get<df::add_command>()) {
    sources(o, *ad);
    opt_str(o, "chown", ad->chown);
    opt_str(o, "chmod", ad->chmod);
    opt_str(o, "checksum", ad->checksum);
    boolean(o, "link", ad->link);
    tristate(o, "keep_git_dir", ad->keep_git_dir);
    tristate(o, "unpack", ad->unpack);
    member(o, "exclude");
    strings(o, ad->exclude_patterns);
  } else if (const auto* en = c.get<df::env_command>()) {
    member(o, "env");
    pairs(o, en->env);
  } else if (const auto* lb = c.get<df::label_command>()) {
    member(o, "labels");
    pairs(o, lb->labels);
  } else if (const auto* ar = c.get<df::arg_command>()) {
    member(o, "args");
    o += '[';
    for (std::size_t i = 0; i < ar->args.size(); ++i) {
      if (i != 0) o += ',';
      o += '{';
      str(o, "key", ar->args[i].key);
      member(o, "value");
      if (ar->args[i].has_value) {
        json_string(o, ar->args[i].value);
      } else {
        o += "null";
      }
      o += '}';
    }
    o += ']';
  } else if (const auto* ex = c.get<df::expose_command>()) {
    member(o, "ports");
    o += '[';
    for (std::size_t i = 0; i < ex->ports.size(); ++i) {
      if (i != 0) o += ',';
      o += '{';
      str(o, "spec", ex->ports[i]);
      // specs with variables are parsed after expansion (dispatch)
      if (ex->ports[i].find('$') == std::string_view::npos) {
        const df::port_result p = df::parse_port(ex->ports[i]);
        if (p.ok()) {
          number(o, "start", p.value.start);
          number(o, "end", p.value.end);
          str(o, "proto", p.value.proto);
        } else {
          member(o, "error");
          json_string(o, df::message(p.error));
        }
      }
      o += '}';
    }
    o += ']';
  } else if (const auto* hc = c.get<df::healthcheck_command>()) {
    member(o, "test");
    strings(o, hc->test);
    number(o, "interval_ns", hc->interval);
    number(o, "timeout_ns", hc->timeout);
    number(o, "start_period_ns", hc->start_period);
    number(o, "start_interval_ns", hc->start_interval);
    number(o, "retries", hc->retries);
  } else if (const auto* mt = c.get<df::maintainer_command>()) {
    str(o, "maintainer", mt->maintainer);
  } else if (const auto* wd = c.get<df::workdir_command>()) {
    str(o, "path", wd->path);
  } else if (const auto* us = c.get<df::user_command>()) {
    str(o, "user", us->user);
  } else if (const auto* ss = c.get<df::stopsignal_command>()) {
    str(o, "signal", ss->signal);
    if (ss->signal.find('$') == std::string_view::npos) {
      const df::signal_result s = df::parse_signal(ss->signal);
      if (s.ok()) {
        number(o, "number", s.number);
      } else {
        member(o, "error");
        json_string(o, df::message(df::dispatch_error{s.code, ss->signal, {}, &c}));
      }
    }
  } else if (const auto* vo = c.get<df::volume_command>()) {
    member(o, "volumes");
    strings(o, vo->volumes);
  } else if (const auto* sh = c.get<df::shell_form_command>()) {
    member(o, "shell");
    strings(o, sh->shell);
  } else if (const auto* ob = c.get<df::onbuild_command>()) {
    str(o, "expression", ob->expression);
  }
  o += '}';
}

}  // namespace dockimg_cli

#endif  // DOCKIMG_EXAMPLES_CLI_TYPED_HPP

// Conformance of the instruction layer (instructions.hpp) with BuildKit's `instructions` package:
// instructions_tests.jsonl, the typed fields of probe_parser.jsonl, and zero allocation over the
// real-world corpus.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <dockimg/instructions.hpp>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "test_support.hpp"

namespace {

namespace df = dockimg::dockerfile;
using nlohmann::json;

std::string bk() { return dockimg_test::corpus_dir() + "/buildkit-parser"; }

/// Owns a source text and an arena, and parses the source.
struct parsed_doc {
  std::string text;
  std::vector<unsigned char> memory;
  dockimg::arena storage;
  df::document doc;
  explicit parsed_doc(std::string t)
      : text(std::move(t)), memory(df::storage_hint(text) * 3 + 65536) {
    storage = dockimg::arena(memory.data(), memory.size());
    doc = df::parse(text, storage);
  }
  const df::instruction* child(std::size_t i) const {
    std::size_t k = 0;
    for (const auto& ins : doc.instructions()) {
      if (k++ == i) return &ins;
    }
    return nullptr;
  }
};

std::string str(std::string_view s) { return dockimg_test::json_text(s); }

json list(dockimg::list_view<std::string_view> l) {
  json j = json::array();
  for (auto s : l) j.push_back(str(s));
  return j;
}

const char* type_name(df::keyword k) {
  switch (k) {
    case df::keyword::from:
      return "Stage";
    case df::keyword::run:
      return "RunCommand";
    case df::keyword::cmd:
      return "CmdCommand";
    case df::keyword::entrypoint:
      return "EntrypointCommand";
    case df::keyword::copy:
      return "CopyCommand";
    case df::keyword::add:
      return "AddCommand";
    case df::keyword::env:
      return "EnvCommand";
    case df::keyword::label:
      return "LabelCommand";
    case df::keyword::arg:
      return "ArgCommand";
    case df::keyword::expose:
      return "ExposeCommand";
    case df::keyword::healthcheck:
      return "HealthCheckCommand";
    case df::keyword::maintainer:
      return "MaintainerCommand";
    case df::keyword::workdir:
      return "WorkdirCommand";
    case df::keyword::user:
      return "UserCommand";
    case df::keyword::stopsignal:
      return "StopSignalCommand";
    case df::keyword::volume:
      return "VolumeCommand";
    case df::keyword::shell:
      return "ShellCommand";
    case df::keyword::onbuild:
      return "OnbuildCommand";
    case df::keyword::unknown:
      return "?";
  }
  return "?";
}

json mount_json(const df::mount& m) {
  json j;
  j["Type"] = str(m.type);
  j["From"] = str(m.from);
  j["Source"] = str(m.source);
  j["Target"] = str(m.target);
  j["ReadOnly"] = m.read_only;
  j["SizeLimit"] = m.size_limit;
  j["CacheID"] = str(m.cache_id);
  j["CacheSharing"] = str(m.sharing);
  j["Required"] = m.required;
  j["Env"] = m.has_env ? json(str(m.env)) : json(nullptr);
  j["Mode"] = m.has_mode ? json(m.mode) : json(nullptr);
  j["UID"] = m.has_uid ? json(m.uid) : json(nullptr);
  j["GID"] = m.has_gid ? json(m.gid) : json(nullptr);
  return j;
}

void shell_fields(const df::shell_command& s, json& j) {
  j["CmdLine"] = list(s.cmd_line);
  json files = json::array();
  for (const auto& f : s.files)
    files.push_back({{"Name", str(f.name)}, {"Data", str(f.data)}, {"Chomp", f.chomp}});
  j["Files"] = files;
  j["PrependShell"] = s.prepend_shell;
}

void sources_fields(const df::sources_and_dest& s, json& j) {
  j["DestPath"] = str(s.dest);
  j["SourcePaths"] = list(s.source_paths);
  json c = json::array();
  for (const auto& x : s.source_contents)
    c.push_back({{"Path", str(x.path)}, {"Data", str(x.data)}, {"Expand", x.expand}});
  j["SourceContents"] = c;
}

json kv_json(dockimg::list_view<df::key_value> l) {
  json j = json::array();
  for (const auto& kv : l)
    j.push_back({{"Key", str(kv.key)}, {"Value", str(kv.value)}, {"NoDelim", kv.no_delim}});
  return j;
}

json tristate(df::tristate t) {
  return t == df::tristate::unset ? json(nullptr) : json(t == df::tristate::yes);
}

/// BuildKit's exported fields (the probe's `fields` format) of a typed instruction.
json fields_of(const df::command& c) {
  json j = json::object();
  if (const auto* v = c.get<df::from_command>()) {
    j["BaseName"] = str(v->base_name);
    j["Name"] = str(v->name);
    j["OrigCmd"] = str(v->orig_cmd);
    j["Platform"] = str(v->platform);
    j["SourceCode"] = str(v->source_code);
    j["DocComment"] = str(v->doc_comment);
    json comments = json::array();
    if (c.node != nullptr) {
      for (const auto& cm : c.node->comments()) comments.push_back(str(cm.text));
    }
    j["Comments"] = comments;
  } else if (const auto* r = c.get<df::run_command>()) {
    shell_fields(*r, j);
    j["FlagsUsed"] = list(r->flags_used);
    j["network"] = str(r->network);
    j["security"] = str(r->security);
    json devices = json::array();
    for (const auto& d : r->devices)
      devices.push_back({{"Name", str(d.name)}, {"Required", d.required}});
    j["devices"] = devices;
    if (r->mounts_error) {
      j["mounts_error"] = df::message(r->mounts_error);
    } else {
      json mounts = json::array();
      for (const auto& m : r->mounts) mounts.push_back(mount_json(m));
      j["mounts"] = mounts;
    }
  } else if (const auto* cm = c.get<df::cmd_command>()) {
    shell_fields(*cm, j);
  } else if (const auto* e = c.get<df::entrypoint_command>()) {
    shell_fields(*e, j);
  } else if (const auto* cp = c.get<df::copy_command>()) {
    sources_fields(*cp, j);
    j["From"] = str(cp->from);
    j["Chown"] = str(cp->chown);
    j["Chmod"] = str(cp->chmod);
    j["Link"] = cp->link;
    j["Parents"] = cp->parents;
    j["ExcludePatterns"] = list(cp->exclude_patterns);
  } else if (const auto* ad = c.get<df::add_command>()) {
    sources_fields(*ad, j);
    j["Chown"] = str(ad->chown);
    j["Chmod"] = str(ad->chmod);
    j["Checksum"] = str(ad->checksum);
    j["Link"] = ad->link;
    j["KeepGitDir"] = tristate(ad->keep_git_dir);
    j["Unpack"] = tristate(ad->unpack);
    j["ExcludePatterns"] = list(ad->exclude_patterns);
  } else if (const auto* en = c.get<df::env_command>()) {
    j["Env"] = kv_json(en->env);
  } else if (const auto* lb = c.get<df::label_command>()) {
    j["Labels"] = kv_json(lb->labels);
  } else if (const auto* ar = c.get<df::arg_command>()) {
    json args = json::array();
    for (const auto& a : ar->args) {
      args.push_back({{"Key", str(a.key)},
                      {"Value", a.has_value ? json(str(a.value)) : json(nullptr)},
                      {"DocComment", str(a.doc_comment)}});
    }
    j["Args"] = args;
  } else if (const auto* ex = c.get<df::expose_command>()) {
    j["Ports"] = list(ex->ports);
  } else if (const auto* hc = c.get<df::healthcheck_command>()) {
    json h;
    h["Test"] = list(hc->test);
    if (hc->interval != 0) h["Interval"] = hc->interval;
    if (hc->timeout != 0) h["Timeout"] = hc->timeout;
    if (hc->start_period != 0) h["StartPeriod"] = hc->start_period;
    if (hc->start_interval != 0) h["StartInterval"] = hc->start_interval;
    if (hc->retries != 0) h["Retries"] = hc->retries;
    j["Health"] = h;
  } else if (const auto* mt = c.get<df::maintainer_command>()) {
    j["Maintainer"] = str(mt->maintainer);
  } else if (const auto* wd = c.get<df::workdir_command>()) {
    j["Path"] = str(wd->path);
  } else if (const auto* us = c.get<df::user_command>()) {
    j["User"] = str(us->user);
  } else if (const auto* ss = c.get<df::stopsignal_command>()) {
    j["Signal"] = str(ss->signal);
  } else if (const auto* vo = c.get<df::volume_command>()) {
    j["Volumes"] = list(vo->volumes);
  } else if (const auto* sh = c.get<df::shell_form_command>()) {
    j["Shell"] = list(sh->shell);
  } else if (const auto* ob = c.get<df::onbuild_command>()) {
    j["Expression"] = str(ob->expression);
  }
  return j;
}

/// JSON equality where Go's nil slice (null) and an empty list are the same, and sets of names
/// (FlagsUsed, whose order follows Go map iteration) compare sorted.
bool same(const json& a, const json& b) {
  auto empty = [](const json& x) { return x.is_null() || (x.is_array() && x.empty()); };
  if (empty(a) && empty(b)) return true;
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    for (auto it = b.begin(); it != b.end(); ++it) {
      const json av = a.contains(it.key()) ? a[it.key()] : json(nullptr);
      if (!same(av, it.value())) return false;
    }
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) && !empty(it.value()) &&
          !(it.value().is_boolean() && !it.value().get<bool>())) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

json sorted(json a) {
  if (a.is_array()) std::sort(a.begin(), a.end());
  return a;
}

/// Compares `fields_of(c)` with BuildKit's fields; returns the first differing key ("" = same).
std::string compare_fields(const df::command& c, const json& expected) {
  const json mine = fields_of(c);
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    const std::string& k = it.key();
    json want = it.value();
    json got = mine.contains(k) ? mine[k] : json(nullptr);
    if (k == "FlagsUsed") {
      want = sorted(want);
      got = sorted(got);
    }
    if (k == "CmdLine" && c.kind == df::keyword::entrypoint && want.is_null() && got.is_array() &&
        got.empty())
      continue;
    if (!same(got, want))
      return k + ": got " + got.dump(-1, ' ', false, json::error_handler_t::replace) + " want " +
             want.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return "";
}

std::string stage_error_text(const df::stage_list& s) { return df::message(s.error()); }

}  // namespace

TEST_SUITE("instructions") {
  TEST_CASE("instructions: instructions_tests.jsonl") {
    const std::string path = bk() + "/instructions_tests.jsonl";
    if (dockimg_test::skip_without(path)) return;
    std::map<std::string, int> agree;
    std::map<std::string, int> total;
    std::vector<unsigned char> mem(1 << 20);
    for (const json& r : dockimg_test::read_jsonl(path)) {
      const std::string kind = r["kind"];
      const std::string id = r["id"];
      const json& exp = r["expected"];
      const json& cmp = r.contains("computed") ? r["computed"] : exp;
      dockimg::arena storage(mem.data(), mem.size());
      bool ok = false;
      std::string why;
      if (kind == "instruction") {
        parsed_doc p(r["dockerfile"].get<std::string>());
        REQUIRE(p.doc.ok());
        const df::instruction* ins = p.child(r["child"].get<std::size_t>());
        REQUIRE(ins != nullptr);
        const df::instruction_result res = df::parse_instruction(*ins, p.storage);
        ok = true;
        if (cmp.contains("error")) {
          ok = !res.ok() && df::message(res.error) == cmp["error"].get<std::string>();
          why = res.ok() ? "no error" : df::message(res.error);
        } else {
          ok = res.ok();
          if (!ok) why = df::message(res.error);
        }
        if (ok && exp.contains("error_contains")) {
          ok = df::message(res.error).find(exp["error_contains"].get<std::string>()) !=
               std::string::npos;
        }
        if (ok && res.ok()) {
          const json f = fields_of(res.value);
          if (cmp.contains("type")) ok = ok && cmp["type"] == type_name(res.value.kind);
          if (exp.contains("sources_and_dest")) {
            const json& sd = exp["sources_and_dest"];
            json contents = json::array();
            for (const auto& c : sd["source_contents"]) {
              contents.push_back(
                  {{"Path", c["path"]}, {"Data", c["data"]}, {"Expand", c["expand"]}});
            }
            ok = ok && same(f["DestPath"], sd["dest"]) &&
                 same(f["SourcePaths"], sd["source_paths"]) && same(f["SourceContents"], contents);
          }
          if (exp.contains("cmd_line")) {
            json files = json::array();
            for (const auto& x : exp["files"])
              files.push_back({{"Name", x["name"]}, {"Data", x["data"]}, {"Chomp", x["chomp"]}});
            ok = ok && same(f["CmdLine"], exp["cmd_line"]) &&
                 f["PrependShell"] == exp["prepend_shell"] && same(f["Files"], files);
          }
          if (exp.contains("flags_used"))
            ok = ok && same(sorted(f["FlagsUsed"]), sorted(exp["flags_used"]));
          if (!ok) why = f.dump(-1, ' ', false, json::error_handler_t::replace);
        }
      } else if (kind == "instruction_from_node") {
        const json& n = r["node"];
        std::vector<df::word> words;
        for (const auto& v : n["next"])
          words.push_back(df::word{v.get_ref<const std::string&>(), {}});
        df::node_view node;
        const std::string& value = n["value"].get_ref<const std::string&>();
        node.kind = df::keyword_from(value);
        node.name = value;
        node.original = n["original"].get_ref<const std::string&>();
        node.args = {words.data(), words.size()};
        const df::instruction_result res = df::parse_instruction(node, storage);
        if (exp.contains("error")) {
          ok = !res.ok() && df::message(res.error) == exp["error"].get<std::string>();
        } else if (exp.contains("health_test")) {
          const auto* h = res.value.get<df::healthcheck_command>();
          ok = res.ok() && h != nullptr && list(h->test) == exp["health_test"];
        }
        if (!ok) why = res.ok() ? "ok" : df::message(res.error);
      } else if (kind == "bflags") {
        std::vector<df::flag_spec> specs;
        for (const auto& s : r["flag_specs"]) {
          const std::string& t = s["type"].get_ref<const std::string&>();
          specs.push_back(df::flag_spec{s["name"].get_ref<const std::string&>(),
                                        t == "bool"     ? df::flag_type::boolean
                                        : t == "string" ? df::flag_type::string
                                                        : df::flag_type::strings,
                                        s["default"].get_ref<const std::string&>()});
        }
        std::vector<std::string_view> args;
        for (const auto& a : r["args"]) args.push_back(a.get_ref<const std::string&>());
        std::vector<df::flag_value> values(specs.size() + 1);
        const df::instruction_error e = df::parse_flags(args.data(), args.size(), specs.data(),
                                                        specs.size(), values.data(), storage);
        if (!cmp["error"].is_null()) {
          ok = e && df::message(e) == cmp["error"].get<std::string>();
        } else {
          ok = !e;
          json vals = json::object();
          json used = json::array();
          for (std::size_t i = 0; i < specs.size(); ++i) {
            vals[str(specs[i].name)] = str(values[i].value);
            if (values[i].used) used.push_back(str(specs[i].name));
          }
          ok = ok && vals == cmp["values"] && sorted(used) == sorted(cmp["used"]);
        }
        if (!ok) why = e ? df::message(e) : "ok";
      } else if (kind == "parse_device") {
        const std::string input = r["input"];
        const df::device_result d = df::parse_device(input, storage);
        if (exp.contains("error")) {
          ok = !d.ok() && df::message(d.error) == exp["error"].get<std::string>();
        } else {
          ok = d.ok() && str(d.value.name) == exp["name"] &&
               d.value.required == exp["required"].get<bool>();
        }
        if (!ok) why = d.ok() ? str(d.value.name) : df::message(d.error);
      } else if (kind == "parse_opt_interval") {
        const df::duration_result d = df::parse_interval("interval", r["input"].get<std::string>());
        if (cmp.contains("error")) {
          ok = !d.ok() && df::message(d.error) == cmp["error"].get<std::string>();
        } else {
          ok = d.ok() && d.nanoseconds == exp["nanoseconds"].get<std::int64_t>();
        }
        if (!ok) why = d.ok() ? std::to_string(d.nanoseconds) : df::message(d.error);
      } else if (kind == "handle_json_args") {
        // BuildKit's handleJSONArgs, observed through CMD on a hand-built node.
        std::vector<df::word> words;
        for (const auto& v : r["args"])
          words.push_back(df::word{v.get_ref<const std::string&>(), {}});
        df::node_view node;
        node.kind = df::keyword::cmd;
        node.name = "CMD";
        node.args = {words.data(), words.size()};
        node.json = r["attributes"].is_object() && r["attributes"].value("json", false);
        const df::instruction_result res = df::parse_instruction(node, storage);
        ok = res.ok() && list(res.value.get<df::cmd_command>()->cmd_line) == exp;
      } else if (kind == "stages") {
        parsed_doc p(r["dockerfile"].get<std::string>());
        REQUIRE(p.doc.ok());
        const df::stage_list s = df::parse_stages(p.doc, p.storage);
        ok = s.ok();
        const json& es = exp["stages"];
        ok = ok && es.size() == s.stages().size();
        for (std::size_t i = 0; ok && i < es.size(); ++i) {
          const df::stage& st = s.stages()[i];
          ok = ok && es[i]["doc_comment"] == str(st.doc_comment) &&
               es[i]["commands"].size() == st.commands.size();
          for (std::size_t k = 0; ok && k < st.commands.size(); ++k) {
            const auto* a = st.commands[k].get<df::arg_command>();
            const json& ea = es[i]["commands"][k]["args"];
            ok = ok && a != nullptr && ea.size() == a->args.size();
            for (std::size_t m = 0; ok && m < ea.size(); ++m) {
              ok = ea[m]["key"] == str(a->args[m].key) &&
                   ea[m]["doc_comment"] == str(a->args[m].doc_comment);
            }
          }
        }
        const json& em = exp["meta_args"];
        ok = ok && em.size() == s.meta_args().size();
        for (std::size_t i = 0; ok && i < em.size(); ++i) {
          const auto* a = s.meta_args()[i].get<df::arg_command>();
          ok = a != nullptr && em[i]["args"].size() == a->args.size();
          for (std::size_t m = 0; ok && m < a->args.size(); ++m) {
            ok = em[i]["args"][m]["key"] == str(a->args[m].key) &&
                 em[i]["args"][m]["doc_comment"] == str(a->args[m].doc_comment);
          }
        }
      } else {
        FAIL("unknown kind " << kind);
      }
      ++total[kind];
      if (ok) ++agree[kind];
      CHECK_MESSAGE(ok, id << ": " << why);
    }
    int all = 0;
    for (const auto& [k, n] : total) {
      std::printf("instructions_tests.jsonl %-22s %d/%d\n", k.c_str(), agree[k], n);
      all += n;
      CHECK(agree[k] == n);
    }
    CHECK(all == 69);
  }

  TEST_CASE("instructions: probe_parser.jsonl typed fields and stages") {
    const std::string path = bk() + "/probe_parser.jsonl";
    if (dockimg_test::skip_without(path)) return;
    int records = 0;
    int ins_compared = 0;
    int ins_agree = 0;
    int ins_na_parse_failed = 0;
    int err_compared = 0;
    int err_agree = 0;
    int lint_only = 0;
    int stages_compared = 0;
    int stages_agree = 0;
    int stage_err_compared = 0;
    int stage_err_agree = 0;
    int stage_err_parser = 0;
    int stage_err_panic = 0;
    std::map<std::string, int> per_type;
    for (const json& r : dockimg_test::read_jsonl(path)) {
      ++records;
      const std::string id = r["id"];
      std::string text = r.contains("dockerfile_b64")
                             ? dockimg_test::base64_decode(r["dockerfile_b64"].get<std::string>())
                             : r["dockerfile"].get<std::string>();
      const json& c = r["computed"];
      parsed_doc p(text);
      if (c.contains("instructions") && c["instructions"].is_array()) {
        if (!p.doc.ok()) {
          ins_na_parse_failed += static_cast<int>(c["instructions"].size());
        } else {
          std::size_t i = 0;
          for (const auto& ins : p.doc.instructions()) {
            if (i >= c["instructions"].size()) break;
            const json& want = c["instructions"][i++];
            const df::instruction_result res = df::parse_instruction(ins, p.storage);
            if (want.contains("error")) {
              ++err_compared;
              const bool ok =
                  !res.ok() && df::message(res.error) == want["error"].get<std::string>();
              err_agree += ok ? 1 : 0;
              CHECK_MESSAGE(ok, id << " child " << i - 1 << ": got "
                                   << (res.ok() ? std::string("ok") : df::message(res.error))
                                   << " want " << want["error"].get<std::string>());
              continue;
            }
            if (want.contains("lint")) ++lint_only;
            ++ins_compared;
            bool ok = res.ok() && want["type"] == type_name(res.value.kind);
            std::string diff = res.ok() ? "" : df::message(res.error);
            if (ok) {
              diff = compare_fields(res.value, want["fields"]);
              ok = diff.empty();
            }
            ins_agree += ok ? 1 : 0;
            per_type[want["type"].get<std::string>()] += ok ? 1 : 0;
            CHECK_MESSAGE(ok, id << " child " << i - 1 << ": " << diff);
          }
        }
      }
      if (c.contains("stages_error")) {
        const std::string want = c["stages_error"];
        if (want.rfind("PANIC", 0) == 0) {
          ++stage_err_panic;  // BuildKit's Parse with a nil linter panics there: nothing to compare
        } else if (!p.doc.ok()) {
          ++stage_err_parser;  // a parser error: the parser's own tests cover it
          CHECK(df::message(p.doc.error()) == want);
        } else {
          ++stage_err_compared;
          const df::stage_list s = df::parse_stages(p.doc, p.storage);
          const bool ok = !s.ok() && stage_error_text(s) == want;
          stage_err_agree += ok ? 1 : 0;
          CHECK_MESSAGE(ok, id << ": got " << (s.ok() ? std::string("ok") : stage_error_text(s))
                               << " want " << want);
        }
      }
      if (c.contains("stages")) {
        ++stages_compared;
        REQUIRE(p.doc.ok());
        const df::stage_list s = df::parse_stages(p.doc, p.storage);
        const json& want = c["stages"];
        bool ok = s.ok();
        const json& ws = want["stages"];
        ok = ok && ws.size() == s.stages().size();
        for (std::size_t i = 0; ok && i < ws.size(); ++i) {
          const df::stage& st = s.stages()[i];
          ok = ws[i]["base_name"] == str(st.base_name) && ws[i]["name"] == str(st.name) &&
               ws[i]["platform"] == str(st.platform) &&
               ws[i]["doc_comment"] == str(st.doc_comment) &&
               ws[i]["orig_cmd"] == str(st.header->orig_cmd) &&
               ws[i]["commands"].size() == st.commands.size();
          for (std::size_t k = 0; ok && k < st.commands.size(); ++k) {
            ok = ws[i]["commands"][k]["type"] ==
                     std::string("*instructions.") + type_name(st.commands[k].kind) &&
                 ws[i]["commands"][k]["name"] == str(st.commands[k].name);
          }
        }
        const std::size_t n_meta = want["meta_args"].is_array() ? want["meta_args"].size() : 0;
        ok = ok && n_meta == s.meta_args().size();
        stages_agree += ok ? 1 : 0;
        CHECK_MESSAGE(ok, id << ": stages differ");
      }
    }
    std::printf("probe_parser.jsonl: %d records\n", records);
    std::printf("  typed instructions: %d/%d agree on type and every field BuildKit exports\n",
                ins_agree, ins_compared);
    for (const auto& [t, n] : per_type) std::printf("    %-20s %d\n", t.c_str(), n);
    std::printf("  instruction errors: %d/%d agree on the exact message\n", err_agree,
                err_compared);
    std::printf(
        "  parse-time lint messages not modelled (linter is a later issue): %d instructions carry "
        "one\n",
        lint_only);
    std::printf("  not applicable: %d instructions of files the parser rejects\n",
                ins_na_parse_failed);
    std::printf(
        "  stages: %d/%d agree (names, bases, platforms, doc comments, command types, meta ARG "
        "count)\n",
        stages_agree, stages_compared);
    std::printf(
        "  stages_error: %d/%d agree; %d are parser errors (checked against the parser); %d are a "
        "BuildKit "
        "panic (nil linter), not applicable\n",
        stage_err_agree, stage_err_compared, stage_err_parser, stage_err_panic);
    CHECK(ins_agree == ins_compared);
    CHECK(err_agree == err_compared);
    CHECK(stages_agree == stages_compared);
    CHECK(stage_err_agree == stage_err_compared);
    CHECK(records == 298);
  }

  TEST_CASE("instructions: convert.jsonl stage graph") {
    const std::string path = bk() + "/convert.jsonl";
    if (dockimg_test::skip_without(path)) return;
    int total = 0;
    int agree = 0;
    int expose_total = 0;
    int expose_agree = 0;
    for (const json& r : dockimg_test::read_jsonl(path)) {
      if (r["kind"] != "convert") {
        // expose_port / expose_ports: BuildKit's parsePorts over the specs.
        ++expose_total;
        std::vector<std::string> specs;
        if (r["input"].is_array()) {
          for (const auto& x : r["input"]) specs.push_back(x);
        } else {
          specs.push_back(r["input"]);
        }
        json ports = json::array();
        std::string err;
        for (const auto& spec : specs) {
          const df::port_result pr = df::parse_port(spec);
          if (!pr.ok()) {
            err = df::message(pr.error);
            break;
          }
          for (std::uint32_t port = pr.value.start; port <= pr.value.end; ++port) {
            ports.push_back(std::to_string(port) + "/" + str(pr.value.proto));
          }
        }
        const json& want = r["computed"];
        const bool ok = want["error"].is_null() ? (err.empty() && ports == want["ports"])
                                                : err == want["error"];
        expose_agree += ok ? 1 : 0;
        CHECK_MESSAGE(ok, r["id"].get<std::string>()
                              << ": got " << (err.empty() ? ports.dump() : err));
        continue;
      }
      ++total;
      parsed_doc p(r["dockerfile"].get<std::string>());
      std::string got = "ok";
      if (!p.doc.ok()) {
        got = df::message(p.doc.error());
      } else {
        const df::stage_list s = df::parse_stages(p.doc, p.storage);
        if (!s.ok()) {
          got = df::message(s.error());
        } else {
          df::graph_options opt;
          const std::string target = r.value("target", "");
          opt.target = target;
          const df::stage_graph g = df::build_graph(p.doc, s, opt, p.storage);
          if (!g.ok()) got = df::message(g.error);
        }
      }
      const json& want = r["expected"]["error"];
      bool ok = false;
      if (want.is_null()) {
        ok = got == "ok";
      } else if (want.is_boolean()) {
        ok = got != "ok";
      } else {
        ok = got == want.get<std::string>();
      }
      agree += ok ? 1 : 0;
      CHECK_MESSAGE(ok, r["id"].get<std::string>() << ": got " << got);
    }
    std::printf("convert.jsonl: %d/%d convert records agree; expose_port(s): %d/%d agree\n", agree,
                total, expose_agree, expose_total);
    CHECK(agree == total);
    CHECK(expose_agree == expose_total);
    CHECK(expose_total == 17);
    CHECK(total == 10);
  }

  TEST_CASE("instructions: stage graph details") {
    auto graph = [](const std::string& text, const std::string& target,
                    std::vector<df::build_arg> args,
                    const std::function<void(const df::stage_list&, const df::stage_graph&)>& f) {
      parsed_doc p(text);
      REQUIRE(p.doc.ok());
      const df::stage_list s = df::parse_stages(p.doc, p.storage);
      REQUIRE(s.ok());
      df::graph_options opt;
      opt.target = target;
      opt.build_args = {args.data(), args.size()};
      const df::stage_graph g = df::build_graph(p.doc, s, opt, p.storage);
      f(s, g);
    };
    graph(
        "ARG TAG=3.19\nARG IMG=alpine:${TAG}\nFROM ${IMG} AS base\nENV A=1 B=$A\nARG TAG\n"
        "FROM base AS second\nARG X=$A-x\nENV A=2\nFROM scratch\nCOPY --from=second /a /b\n"
        "RUN --mount=type=cache,target=/c --mount=from=base,target=/d true\n",
        "", {{"TAG", "3.20"}}, [](const df::stage_list&, const df::stage_graph& g) {
          REQUIRE(g.ok());
          REQUIRE(g.nodes.size() == 3);
          CHECK(g.nodes[0].base_name == "alpine:3.20");
          CHECK(g.nodes[0].base_stage == -1);
          CHECK(g.nodes[1].base_stage == 0);
          CHECK(g.nodes[2].display_name == "stage-2");
          CHECK(g.target == 2);
          CHECK(g.nodes[0].reachable);
          CHECK(g.nodes[1].reachable);
          REQUIRE(g.nodes[0].env.size() == 2);
          CHECK(g.nodes[0].env[1].value == "");  // B=$A sees the environment before the ENV
          REQUIRE(g.nodes[0].args.size() == 1);
          CHECK(g.nodes[0].args[0].value == "3.20");
          REQUIRE(g.nodes[1].args.size() == 2);
          CHECK(g.nodes[1].args[1].value == "1-x");
          CHECK(g.nodes[1].env[0].value == "2");
          REQUIRE(g.nodes[2].deps.size() == 3);
          CHECK(g.nodes[2].deps[0].stage == 1);
          CHECK(g.nodes[2].deps[1].image == "scratch");
          CHECK(g.nodes[2].deps[2].stage == 0);
        });
    graph("FROM a AS one\nFROM b AS two\n", "ONE", {},
          [](const df::stage_list&, const df::stage_graph& g) {
            REQUIRE(g.ok());
            CHECK(g.target == 0);
            CHECK(!g.nodes[1].reachable);
          });
    graph("FROM a AS one\nFROM b AS two\n", "ones", {},
          [](const df::stage_list&, const df::stage_graph& g) {
            CHECK(df::message(g.error) ==
                  "target stage \"ones\" could not be found (did you mean one?)");
          });
    graph("FROM a AS one\nCOPY --from=two / /\nFROM b AS two\n", "", {},
          [](const df::stage_list&, const df::stage_graph& g) { CHECK(g.ok()); });
    graph("FROM a AS one\nCOPY --from=two / /\nFROM b AS two\n", "one", {},
          [](const df::stage_list&, const df::stage_graph& g) {
            CHECK(df::message(g.error) ==
                  "cannot copy from stage \"two\", it needs to be defined before current stage "
                  "\"one\"");
          });
    graph("FROM a\nCOPY --from=5 / /\n", "", {},
          [](const df::stage_list&, const df::stage_graph& g) {
            CHECK(df::message(g.error) == "invalid stage index 5");
          });
    graph("FROM a\nCOPY --from=$X / /\n", "", {},
          [](const df::stage_list&, const df::stage_graph& g) {
            CHECK(df::message(g.error) ==
                  "variable expansion is not supported for --from, define a new stage with FROM "
                  "using ARG from global "
                  "scope as a workaround");
          });
    graph("ARG P=linux/arm64\nFROM --platform=$P a\n", "", {},
          [](const df::stage_list&, const df::stage_graph& g) {
            REQUIRE(g.ok());
            CHECK(g.nodes[0].platform == "linux/arm64");
          });
    graph("FROM --platform=$NOPE a\n", "", {}, [](const df::stage_list&, const df::stage_graph& g) {
      CHECK(df::message(g.error) == "empty platform value from expression $NOPE");
    });
    graph("FROM ${X:?required}\n", "", {}, [](const df::stage_list&, const df::stage_graph& g) {
      CHECK(df::message(g.error) == "failed to process \"${X:?required}\": X: required");
    });
  }

  TEST_CASE("instructions: mounts devices and durations") {
    std::vector<unsigned char> mem(1 << 16);
    dockimg::arena a(mem.data(), mem.size());
    auto mount_err = [&](std::string_view s) {
      const auto r = df::parse_mount(s, a);
      return r.ok() ? std::string("ok") : df::message(r.error);
    };
    CHECK(mount_err("type=bind,\"source=a,b\",target=/x") == "ok");
    CHECK(mount_err("type=bind,source=a\"b") ==
          "failed to parse csv mounts: parse error on line 1, column 19: bare \" in "
          "non-quoted-field");
    CHECK(mount_err("\"type=bind") ==
          "failed to parse csv mounts: parse error on line 1, column 11: extraneous or missing \" "
          "in quoted-field");
    CHECK(mount_err("") == "failed to parse csv mounts: EOF");
    CHECK(mount_err("type=cache,sharing=lockd") ==
          "unsupported sharing value \"lockd\" (did you mean locked?)");
    CHECK(mount_err("type=cach") == "unsupported mount type \"cach\" (did you mean cache?)");
    {
      const auto r = df::parse_mount("type=secret,\"id=a\"\"b\",target=/t", a);
      REQUIRE(r.ok());
      CHECK(r.value.cache_id == "a\"b");
      CHECK(r.value.read_only);
    }
    {
      const auto r = df::parse_mount("type=tmpfs,size=1.5k", a);
      REQUIRE(r.ok());
      CHECK(r.value.size_limit == 1536);
    }
    auto dur = [](std::string_view s) {
      const auto r = df::parse_duration(s);
      return r.ok() ? std::to_string(r.nanoseconds) : df::message(r.error);
    };
    CHECK(dur("1m30s") == "90000000000");
    CHECK(dur("1.5h") == "5400000000000");
    CHECK(dur("300ms") == "300000000");
    CHECK(dur("-2us") == "-2000");
    CHECK(dur("2\xC2\xB5s") == "2000");
    CHECK(dur("0") == "0");
    CHECK(dur("5") == "time: missing unit in duration \"5\"");
    CHECK(dur("") == "time: invalid duration \"\"");
    CHECK(dur("1x") == "time: unknown unit \"x\" in duration \"1x\"");
    CHECK(dur(".s") == "time: invalid duration \".s\"");
    CHECK(dur("9999999999h") == "time: invalid duration \"9999999999h\"");
    const auto neg = df::parse_interval("timeout", "-1s");
    CHECK(df::message(neg.error) == "Interval \"timeout\" cannot be less than 1ms");
    auto port = [](std::string_view s) {
      const auto r = df::parse_port(s);
      return r.ok() ? std::to_string(r.value.start) + "-" + std::to_string(r.value.end) + "/" +
                          str(r.value.proto)
                    : df::message(r.error);
    };
    CHECK(port("80/UDP") == "80-80/udp");
    CHECK(port("80/http") == "invalid port: \"80/http\": invalid proto: http");
    CHECK(port("70000") == "invalid containerPort: 70000");
    CHECK(port("90-80") == "invalid containerPort: 90-80");
    CHECK(port("1-2:5-7") == "invalid ranges specified for container and host Ports: 5-7 and 1-2");
    CHECK(port("1.2.3.4:80:80") == "80-80/tcp");
    CHECK(port("01.2.3.4:80:80") == "invalid IP address: 01.2.3.4");
    CHECK(port("$PORT") == "invalid containerPort: $PORT");
    CHECK(df::levenshtein("kitten", "sitting") == 3);
    CHECK(df::levenshtein("ü", "u") == 1);
  }

  TEST_CASE("instructions: zero allocation over the real corpus") {
    const std::string dir = dockimg_test::corpus_dir();
    if (dockimg_test::skip_without(dir + "/real/MANIFEST.tsv")) return;
    // Every Dockerfile of real/ (MANIFEST.tsv) plus the Dockerfiles of the BuildKit probes.
    std::vector<std::string> texts;
    {
      std::string manifest;
      REQUIRE(dockimg_test::read_file(dir + "/real/MANIFEST.tsv", manifest));
      std::istringstream in(manifest);
      std::string line;
      std::getline(in, line);
      while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos || line.compare(tab + 1, 10, "dockerfile") != 0) continue;
        std::string text;
        if (dockimg_test::read_file(dir + "/real/" + line.substr(0, tab), text))
          texts.push_back(std::move(text));
      }
      for (const auto& r : dockimg_test::read_jsonl(dir + "/buildkit-parser/probe_parser.jsonl")) {
        if (r.contains("dockerfile")) texts.push_back(r["dockerfile"].get<std::string>());
      }
    }
    REQUIRE(!texts.empty());
    std::size_t biggest = 0;
    for (const auto& t : texts) biggest = std::max(biggest, t.size());
    std::vector<unsigned char> mem(df::storage_hint(std::string_view(nullptr, 0)) + biggest * 200 +
                                   (1 << 20));
    std::size_t parsed_ok = 0;
    std::size_t typed_ok = 0;
    std::size_t commands = 0;
    std::size_t graphs_ok = 0;
    std::size_t allocations = 0;
    {
      dockimg_test::alloc_scope scope;
      for (const auto& t : texts) {
        dockimg::arena storage(mem.data(), mem.size());
        const df::document doc = df::parse(t, storage);
        if (!doc.ok()) continue;
        ++parsed_ok;
        const df::stage_list s = df::parse_stages(doc, storage);
        if (s.ok()) {
          ++typed_ok;
          const df::stage_graph g = df::build_graph(doc, s, df::graph_options(), storage);
          graphs_ok += g.ok() ? 1 : 0;
        }
        for (const auto& st : s.stages()) commands += st.commands.size() + 1;
        for (const auto& ins : doc.instructions()) {
          const auto r = df::parse_instruction(ins, storage);
          if (const auto* run = r.value.get<df::run_command>()) {
            for (auto spec : run->mount_specs) (void)df::parse_mount(spec, storage);
          }
        }
      }
      allocations = scope.count();
    }
    std::printf(
        "real corpus + probes: %zu files, %zu parsed, %zu typed without error (%zu commands), %zu "
        "stage "
        "graphs without error, %zu allocations\n",
        texts.size(), parsed_ok, typed_ok, commands, graphs_ok, allocations);
    CHECK(allocations == 0);
    CHECK(parsed_ok > 0);
  }

}  // TEST_SUITE

// Go's Unicode case rules where BuildKit applies them (strings.ToLower/ToUpper/EqualFold).
TEST_CASE("unicode case mapping and folding follow Go") {
  namespace du = dockimg::detail;
  CHECK(du::to_lower(0x130) == 0x69);    // İ -> i (simple mapping)
  CHECK(du::to_upper(0x131) == 'I');     // ı -> I
  CHECK(du::to_upper(0xDF) == 0xDF);     // ß has no simple uppercase
  CHECK(du::to_upper(0x1F80) == 0x1F88); // simple mapping, not the full "ἈΙ"
  CHECK(du::to_lower(0x2126) == 0x3C9);  // OHM SIGN -> ω
  CHECK(du::simple_fold('K') == 'k');
  CHECK(du::simple_fold('k') == 0x212A);
  CHECK(du::simple_fold(0x212A) == 'K');
  CHECK(du::simple_fold('1') == '1');
  CHECK(du::equal_fold("a\xC5\xBF", "AS"));              // ſ folds with s
  CHECK(du::equal_fold("\xCF\x83", "\xCF\x82"));         // σ and ς
  CHECK_FALSE(du::equal_fold("\xC4\xB0", "i"));          // İ is not in i's orbit
  CHECK_FALSE(du::equal_fold("ab", "abc"));
  std::vector<unsigned char> mem(1 << 16);
  dockimg::arena storage(mem.data(), mem.size());
  const std::string text = "FROM scratch\nHEALTHCHECK \xC4\xB1nvalid\n";
  const auto doc = dockimg::dockerfile::parse(text, storage);
  REQUIRE(doc.ok());
  const auto sl = dockimg::dockerfile::parse_stages(doc, storage);
  REQUIRE_FALSE(sl.ok());  // HEALTHCHECK's type is ToUpper'd: "ınvalid" becomes "INVALID"
  CHECK(dockimg::dockerfile::message(sl.error()).find("Unknown type \"INVALID\" in HEALTHCHECK") != std::string::npos);
  // "aſ" is "AS" to EqualFold; ToLower turns the KELVIN SIGN into k, so the stage is "kube"
  const std::string ok_text = "FROM scratch a\xC5\xBF \xE2\x84\xAAube\nFROM scratch\nCOPY --from=KUBE /a /b\n";
  const auto doc2 = dockimg::dockerfile::parse(ok_text, storage);
  const auto sl2 = dockimg::dockerfile::parse_stages(doc2, storage);
  REQUIRE(sl2.ok());
  CHECK(sl2.stages()[0].name == "kube");
  const auto g = dockimg::dockerfile::build_graph(doc2, sl2, {}, storage);
  REQUIRE(g.ok());
  REQUIRE(g.nodes[1].deps.size() == 1);
  CHECK(g.nodes[1].deps[0].stage == 0);  // --from=KUBE finds it through strings.ToLower
}

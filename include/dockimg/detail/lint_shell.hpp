// SPDX-License-Identifier: Apache-2.0
// A small POSIX shell reader for the lint rules: splits a RUN script into simple commands
// (`&&`, `||`, `;`, `|`, `&`, newlines, subshells and compound-command keywords), each a list of
// words with quotes removed, its leading `VAR=value` assignments and its output redirections.
// It does not execute or expand anything; it reads what a reviewer reads. Not a public header.
#ifndef DOCKIMG_DETAIL_LINT_SHELL_HPP
#define DOCKIMG_DETAIL_LINT_SHELL_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../arena.hpp"
#include "../config.hpp"

DOCKIMG_BEGIN_NAMESPACE
namespace lint {
namespace detail_sh {

using sv = std::string_view;

/// One word of a command: its text with quotes and escapes removed, and the bytes as written.
struct word {
  sv text;  ///< unquoted text (quotes removed, `\x` → `x` outside single quotes)
  sv raw;   ///< as written in the script
};

/// One simple command.
struct command {
  const word* words = nullptr;  ///< the words from the command name on (assignments removed)
  std::size_t n = 0;            ///< number of words
  const word* assigns = nullptr;  ///< leading `VAR=value` words
  std::size_t n_assigns = 0;      ///< number of assignments
  const word* outputs = nullptr;  ///< targets of `>` / `>>` redirections
  std::size_t n_outputs = 0;      ///< number of output redirections
};

/// A script split into commands (arena storage).
struct script {
  const command* cmds = nullptr;  ///< the commands, in order
  std::size_t n = 0;              ///< how many
  bool ok = true;                 ///< false when the arena ran out
};

/// Character classes of the word scanner: 1 = copied as it is, 2 = also allowed in a variable name.
struct char_classes {
  unsigned char c[256] = {};
  constexpr char_classes() noexcept {
    for (int i = 0; i < 256; ++i) c[i] = 1;
    for (const char x : {' ', '\t', '\r', '\n', '&', '|', ';', '(', ')', '<', '>', '\\', '\'', '"', '$', '`', '='})
      c[static_cast<unsigned char>(x)] = 0;
    for (int i = 'a'; i <= 'z'; ++i) c[i] = 3;
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = 3;
    for (int i = '0'; i <= '9'; ++i) c[i] = 3;
    c[static_cast<unsigned char>('_')] = 3;
  }
};
inline constexpr char_classes classes{};

inline bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }
inline bool is_op_char(char c) noexcept { return c == '&' || c == '|' || c == ';' || c == '(' || c == ')' || c == '\n'; }

/// Skips a `$( ... )`, `${ ... }` or backquoted part starting at `i` (on `$` or `` ` ``).
inline std::size_t skip_subst(sv s, std::size_t i) noexcept {
  if (s[i] == '`') {
    ++i;
    while (i < s.size() && s[i] != '`') i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
    return i < s.size() ? i + 1 : i;
  }
  // s[i] == '$', s[i+1] is '(' or '{'
  const char open = s[i + 1];
  const char close = open == '(' ? ')' : '}';
  int depth = 0;
  i += 1;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      i += 2;
      continue;
    }
    if (c == '\'' && open == '(') {
      const std::size_t e = s.find('\'', i + 1);
      i = e == sv::npos ? s.size() : e + 1;
      continue;
    }
    if (c == open) ++depth;
    if (c == close && --depth == 0) return i + 1;
    ++i;
  }
  return i;
}

/// A reserved word that starts or ends a compound command (or `time`): the command proper follows.
inline bool keyword(sv t) noexcept {
  switch (t.size()) {
    case 1: return t[0] == '!' || t[0] == '{' || t[0] == '}';
    case 2: return t == "if" || t == "do" || t == "fi";
    case 4: return t == "then" || t == "else" || t == "elif" || t == "done" || t == "esac" || t == "time";
    case 5: return t == "while" || t == "until";
    default: return false;
  }
}

/// Splits `s` into commands. Scratch and word texts come from `a`.
inline script split(sv s, arena& a) noexcept {
  script out;
  // Upper bounds: every byte could start a word or a command.
  const std::size_t max_words = s.size() / 2 + 2;
  word* words = a.make_scratch<word>(max_words);
  command* cmds = a.make_scratch<command>(s.size() / 2 + 2);
  char* text = a.make_text(s.size() + 1);
  if (!words || !cmds || !text) {
    out.ok = false;
    return out;
  }
  std::size_t nw = 0, nc = 0, nt = 0;
  // Per command: words are collected into three groups; we keep indices into `words`, reordering
  // at the end of each command (assignments, then command words, then outputs).
  word* tmp = a.make_scratch<word>(max_words);  // regrouping a command's words
  unsigned char* kind = a.make_scratch<unsigned char>(max_words);  // 0 word, 1 assign, 2 output
  if (!tmp || !kind) {
    out.ok = false;
    return out;
  }
  std::size_t ncur = 0;
  bool has_name = false;        // the current command has its name
  bool redirect_next = false;   // the next word is a `>` target
  bool skip_next = false;       // the next word is an input redirection target (`<`, `2>&1` etc.)
  sv pending_heredoc;           // a `<<WORD` delimiter whose body starts at the next line
  bool heredoc_dash = false;

  // The words of the current command are written at words + nw; `finish` groups them as
  // assignments, command words, outputs (in place; usually they are all command words).
  auto finish = [&]() {
    has_name = false;
    if (ncur == 0) return;
    word* base = words + nw;
    std::size_t counts[3] = {0, 0, 0};
    for (std::size_t k = 0; k < ncur; ++k) ++counts[kind[k]];
    if (counts[0] != ncur) {
      std::memcpy(static_cast<void*>(tmp), base, ncur * sizeof(word));
      std::size_t w = 0;
      static constexpr unsigned char order[] = {1, 0, 2};
      for (const unsigned char want : order)
        for (std::size_t k = 0; k < ncur; ++k)
          if (kind[k] == want) base[w++] = tmp[k];
    }
    command c;
    c.assigns = base;
    c.n_assigns = counts[1];
    c.words = base + counts[1];
    c.n = counts[0];
    c.outputs = base + counts[1] + counts[0];
    c.n_outputs = counts[2];
    nw += ncur;
    ncur = 0;
    cmds[nc++] = c;
  };
  auto push = [&](const word& w, unsigned char k) {
    words[nw + ncur] = w;
    kind[ncur++] = k;
  };

  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {  // line continuation
      i += 2;
      continue;
    }
    if (c == '#') {  // a comment (at a word start)
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '\n' && !pending_heredoc.empty()) {
      // skip the here-document body
      finish();
      ++i;
      while (i < s.size()) {
        std::size_t e = s.find('\n', i);
        if (e == sv::npos) e = s.size();
        sv line = s.substr(i, e - i);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (heredoc_dash)
          while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
        i = e < s.size() ? e + 1 : e;
        if (line == pending_heredoc) break;
      }
      pending_heredoc = {};
      continue;
    }
    if (is_op_char(c)) {
      finish();
      ++i;
      if ((c == '&' || c == '|') && i < s.size() && s[i] == c) ++i;
      continue;
    }
    if (c == '>' || c == '<' || ((c >= '0' && c <= '9') && i + 1 < s.size() && (s[i + 1] == '>' || s[i + 1] == '<'))) {
      std::size_t j = i;
      if (c >= '0' && c <= '9') ++j;
      const char r = s[j];
      ++j;
      if (r == '<' && j < s.size() && s[j] == '<') {  // here-document
        ++j;
        heredoc_dash = j < s.size() && s[j] == '-';
        if (heredoc_dash) ++j;
        if (j < s.size() && s[j] == '<') {  // `<<<` here-string: the next word is input
          ++j;
          skip_next = true;
          i = j;
          continue;
        }
        while (j < s.size() && is_space(s[j])) ++j;
        std::size_t e = j;
        while (e < s.size() && !is_space(s[e]) && !is_op_char(s[e]) && s[e] != '<' && s[e] != '>') ++e;
        sv delim = s.substr(j, e - j);
        // strip quotes from the delimiter
        std::size_t k0 = nt;
        for (char d : delim)
          if (d != '\'' && d != '"' && d != '\\') text[nt++] = d;
        pending_heredoc = sv(text + k0, nt - k0);
        i = e;
        continue;
      }
      if (j < s.size() && s[j] == '&') {  // `>&2`, `2>&1`: a file descriptor
        ++j;
        while (j < s.size() && !is_space(s[j]) && !is_op_char(s[j])) ++j;
        i = j;
        continue;
      }
      if (r == '>' && j < s.size() && (s[j] == '>' || s[j] == '|')) ++j;
      if (r == '>') redirect_next = true;
      else skip_next = true;
      i = j;
      continue;
    }
    // a word
    const std::size_t start = i;
    const std::size_t t0 = nt;
    bool assign = false;
    bool name_so_far = true;  // only [A-Za-z0-9_] before '=' makes an assignment
    bool copying = false;     // the text differs from the bytes: it is built in `text`
    auto start_copy = [&]() {
      if (copying) return;
      std::memcpy(text + nt, s.data() + start, i - start);
      nt += i - start;
      copying = true;
    };
    while (i < s.size()) {
      // a run of plain characters
      std::size_t run_end = i;
      unsigned char all = 3;
      while (run_end < s.size()) {
        const unsigned char cls = classes.c[static_cast<unsigned char>(s[run_end])];
        if (cls == 0) break;
        all &= cls;
        ++run_end;
      }
      if (run_end > i) {
        if (copying) {
          std::memcpy(text + nt, s.data() + i, run_end - i);
          nt += run_end - i;
        }
        i = run_end;
        if (all != 3) name_so_far = false;
        continue;
      }
      const char d = s[i];
      if (is_space(d) || is_op_char(d) || d == '>' || d == '<') break;
      if (d != '=') start_copy();
      if (d == '\\') {
        if (i + 1 < s.size()) {
          if (s[i + 1] != '\n') text[nt++] = s[i + 1];
          i += 2;
        } else {
          ++i;
        }
        name_so_far = false;
        continue;
      }
      if (d == '\'') {
        const std::size_t e = s.find('\'', i + 1);
        const std::size_t end = e == sv::npos ? s.size() : e;
        for (std::size_t k = i + 1; k < end; ++k) text[nt++] = s[k];
        i = e == sv::npos ? s.size() : e + 1;
        name_so_far = false;
        continue;
      }
      if (d == '"') {
        ++i;
        while (i < s.size() && s[i] != '"') {
          if (s[i] == '\\' && i + 1 < s.size() &&
              (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == '$' || s[i + 1] == '`')) {
            text[nt++] = s[i + 1];
            i += 2;
            continue;
          }
          if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {
            i += 2;
            continue;
          }
          if ((s[i] == '$' && i + 1 < s.size() && (s[i + 1] == '(' || s[i + 1] == '{')) || s[i] == '`') {
            const std::size_t e = skip_subst(s, i);
            for (std::size_t k = i; k < e; ++k) text[nt++] = s[k];
            i = e;
            continue;
          }
          text[nt++] = s[i++];
        }
        if (i < s.size()) ++i;
        name_so_far = false;
        continue;
      }
      if ((d == '$' && i + 1 < s.size() && (s[i + 1] == '(' || s[i + 1] == '{')) || d == '`') {
        const std::size_t e = skip_subst(s, i);
        for (std::size_t k = i; k < e; ++k) text[nt++] = s[k];
        i = e;
        name_so_far = false;
        continue;
      }
      if (d == '=' && name_so_far && i > start && !assign) assign = true;
      if (!((d >= 'A' && d <= 'Z') || (d >= 'a' && d <= 'z') || (d >= '0' && d <= '9') || d == '_'))
        name_so_far = false;
      if (copying) text[nt++] = d;
      ++i;
    }
    const sv raw = s.substr(start, i - start);
    word w{copying ? sv(text + t0, nt - t0) : raw, raw};
    if (redirect_next) {
      redirect_next = false;
      push(w, 2);
      continue;
    }
    if (skip_next) {
      skip_next = false;
      continue;
    }
    // an assignment only before the command name
    const bool before_name = !has_name;
    const char first = w.raw.empty() ? '\0' : w.raw[0];
    const bool starts_name = (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z') || first == '_';
    if (assign && before_name && starts_name) {
      push(w, 1);
      continue;
    }
    // compound-command keywords start a new command
    if (before_name && w.text.size() <= 5 && keyword(w.text)) continue;
    push(w, 0);
    has_name = true;
  }
  finish();
  out.cmds = cmds;
  out.n = nc;
  return out;
}

/// The last path component of `s` (`/usr/bin/apt-get` → `apt-get`).
inline sv base_name(sv s) noexcept {
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  const std::size_t k = s.rfind('/');
  return k == sv::npos ? s : s.substr(k + 1);
}

}  // namespace detail_sh
}  // namespace lint
DOCKIMG_END_NAMESPACE

#endif  // DOCKIMG_DETAIL_LINT_SHELL_HPP

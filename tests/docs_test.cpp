// Every public name of include/dockimg/*.hpp (not detail/) has a doc comment: `///` or `/** */`
// before it, or `///<` after it on the same line. A small C++ scanner (not a compiler): it tokenizes
// the headers, follows namespace / class / enum scopes and access sections, and classifies each
// declaration statement at namespace or public class scope.
//
// Checked: types (class, struct, union, enum), functions and constructors, enumerators, data
// members, variables and constants, type aliases, using-declarations, and `#define` macros.
// Not checked: namespaces, forward declarations, `= default` / `= delete` members, friend
// declarations without a body, static_assert, private and protected members, anything in a
// namespace whose name contains "detail", macros the header #undefs again, include guards. A macro
// defined in several #if branches needs the doc comment on one of them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"

#ifndef DOCKIMG_SOURCE_DIR
#define DOCKIMG_SOURCE_DIR "."
#endif

namespace {

enum class tok_kind { ident, punct, doc, trailing_doc, define, undef, directive, end };

struct token {
  tok_kind kind = tok_kind::end;
  std::string text;
  int line = 0;
};

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

/// Splits a header into identifiers, punctuation, doc comments and preprocessor lines; plain
/// comments, string and character literals are dropped.
std::vector<token> tokenize(const std::string& s) {
  std::vector<token> out;
  std::size_t i = 0;
  int line = 1;
  bool line_start = true;
  const std::size_t n = s.size();
  auto push = [&](tok_kind k, std::string text) { out.push_back({k, std::move(text), line}); };
  while (i < n) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
      line_start = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      ++i;
      continue;
    }
    if (c == '#' && line_start) {
      std::string directive;
      while (i < n && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\n') {
          directive += ' ';
          i += 2;
          ++line;
          continue;
        }
        if (s.compare(i, 2, "//") == 0) {
          while (i < n && s[i] != '\n') ++i;
          break;
        }
        directive += s[i++];
      }
      std::size_t p = 1;
      while (p < directive.size() && directive[p] == ' ') ++p;
      std::size_t q = p;
      while (q < directive.size() && ident_char(directive[q])) ++q;
      const std::string word = directive.substr(p, q - p);
      while (q < directive.size() && directive[q] == ' ') ++q;
      std::size_t r = q;
      while (r < directive.size() && ident_char(directive[r])) ++r;
      if (word == "define") {
        push(tok_kind::define, directive.substr(q, r - q));
      } else if (word == "undef") {
        push(tok_kind::undef, directive.substr(q, r - q));
      } else {
        push(tok_kind::directive, word);
      }
      continue;
    }
    line_start = false;
    if (s.compare(i, 2, "//") == 0) {
      const bool doc = s.compare(i, 3, "///") == 0 && s.compare(i, 4, "////") != 0;
      const bool bang = s.compare(i, 3, "//!") == 0;
      if (doc || bang) push(s[i + 3] == '<' ? tok_kind::trailing_doc : tok_kind::doc, "");
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (s.compare(i, 2, "/*") == 0) {
      const bool doc = (s.compare(i, 3, "/**") == 0 && s.compare(i, 4, "/**/") != 0) ||
                       s.compare(i, 3, "/*!") == 0;
      if (doc) push(i + 3 < n && s[i + 3] == '<' ? tok_kind::trailing_doc : tok_kind::doc, "");
      const std::size_t e = s.find("*/", i + 2);
      const std::size_t stop = e == std::string::npos ? n : e + 2;
      line += static_cast<int>(std::count(s.begin() + static_cast<std::ptrdiff_t>(i),
                                          s.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
      i = stop;
      continue;
    }
    if (ident_start(c)) {
      std::size_t j = i;
      while (j < n && ident_char(s[j])) ++j;
      std::string word = s.substr(i, j - i);
      // Raw string literal: R"delim( ... )delim" (also u8R, LR, ...).
      if (j < n && s[j] == '"' && !word.empty() && word.back() == 'R') {
        const std::size_t open = s.find('(', j);
        const std::string close = ")" + s.substr(j + 1, open - j - 1) + "\"";
        const std::size_t e = s.find(close, open);
        const std::size_t stop = e == std::string::npos ? n : e + close.size();
        line += static_cast<int>(std::count(s.begin() + static_cast<std::ptrdiff_t>(j),
                                            s.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
        push(tok_kind::ident, "\"\"");
        i = stop;
        continue;
      }
      push(tok_kind::ident, word);
      i = j;
      continue;
    }
    if (c >= '0' && c <= '9') {  // numbers, with digit separators and suffixes
      std::size_t j = i;
      while (j < n && (ident_char(s[j]) || s[j] == '.' || s[j] == '\'')) ++j;
      push(tok_kind::ident, s.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '"' || c == '\'') {
      std::size_t j = i + 1;
      while (j < n && s[j] != c) {
        if (s[j] == '\\') ++j;
        if (j < n && s[j] == '\n') ++line;
        ++j;
      }
      push(tok_kind::ident, "\"\"");
      i = j + 1;
      continue;
    }
    if (s.compare(i, 2, "::") == 0 || s.compare(i, 2, "->") == 0) {
      push(tok_kind::punct, s.substr(i, 2));
      i += 2;
      continue;
    }
    push(tok_kind::punct, std::string(1, c));
    ++i;
  }
  push(tok_kind::end, "");
  return out;
}

/// A declaration the scanner found.
struct declaration {
  std::string file;
  int line = 0;
  std::string kind;  // type, function, enumerator, variable, alias, using, macro
  std::string name;  // qualified from the enclosing scopes (without dockimg::v0)
  bool documented = false;
  int arity = -1;  // functions: the number of parameters (a declaration and its definition match)
};

class scanner {
 public:
  scanner(std::string file, const std::vector<token>& toks) : file_(std::move(file)), t_(toks) {}

  /// Scans the whole file; public declarations are appended to `out`.
  void run(std::vector<declaration>& out) {
    out_ = &out;
    scope("", scope_kind::file, true);
    for (auto& m : macros_) {
      if (undefs_.count(m.first) != 0) continue;
      declaration d = m.second;
      out.push_back(d);
    }
  }

 private:
  enum class scope_kind { file, ns, cls, enm };

  const token& at() const { return t_[pos_]; }
  bool is(const char* text) const { return at().text == text && at().kind != tok_kind::end; }

  void add(int line, const std::string& kind, const std::string& name, bool documented,
           int arity = -1) {
    if (name.empty() || !out_) return;
    declaration d{file_, line, kind, name, documented, arity};
    out_->push_back(d);
    last_ = out_->size() - 1;
    last_line_ = t_[pos_ > 0 ? pos_ - 1 : 0].line;
  }

  // Skips a balanced group starting at the current token (one of ( [ { <).
  void skip_group() {
    const std::string open = at().text;
    const std::string close = open == "(" ? ")" : open == "[" ? "]" : open == "{" ? "}" : ">";
    int depth = 0;
    while (at().kind != tok_kind::end) {
      if (at().kind == tok_kind::punct) {
        if (at().text == open) ++depth;
        if (at().text == close && --depth == 0) {
          ++pos_;
          return;
        }
      }
      ++pos_;
    }
  }

  void scope(const std::string& prefix, scope_kind kind, bool visible, bool default_public = true) {
    bool is_public = default_public;
    std::vector<token> stmt;
    bool pending = false;
    bool trailing = false;
    int first_line = 0;
    int parens = 0;  // inside the statement's parentheses a brace is a default argument
    auto reset = [&] {
      stmt.clear();
      pending = false;
      trailing = false;
      parens = 0;
    };
    while (true) {
      const token& tk = at();
      if (tk.kind == tok_kind::end) return;
      if (tk.kind == tok_kind::doc) {
        if (stmt.empty()) pending = true;
        ++pos_;
        continue;
      }
      if (tk.kind == tok_kind::trailing_doc) {
        if (!stmt.empty()) {
          trailing = true;
        } else if (last_ != static_cast<std::size_t>(-1) && last_line_ == tk.line) {
          (*out_)[last_].documented = true;
        }
        ++pos_;
        continue;
      }
      if (tk.kind == tok_kind::define) {
        const bool guard = tk.text.size() > 4 && tk.text.compare(tk.text.size() - 4, 4, "_HPP") == 0;
        if (!guard && visible) {
          auto it = macros_.find(tk.text);
          if (it == macros_.end()) {
            macros_[tk.text] = declaration{file_, tk.line, "macro", tk.text, pending};
          } else if (pending) {
            it->second.documented = true;
          }
        }
        pending = false;
        ++pos_;
        continue;
      }
      if (tk.kind == tok_kind::undef) {
        undefs_.insert(tk.text);
        ++pos_;
        continue;
      }
      if (tk.kind == tok_kind::directive) {
        if (tk.text == "include") pending = false;
        ++pos_;
        continue;
      }
      if (tk.kind == tok_kind::ident && tk.text == "DOCKIMG_BEGIN_NAMESPACE" && stmt.empty()) {
        ++pos_;
        scope(prefix, scope_kind::ns, visible);
        reset();
        continue;
      }
      if (tk.kind == tok_kind::ident && tk.text == "DOCKIMG_END_NAMESPACE" && stmt.empty()) {
        ++pos_;
        return;
      }
      if (kind == scope_kind::cls && stmt.empty() && tk.kind == tok_kind::ident &&
          (tk.text == "public" || tk.text == "private" || tk.text == "protected") &&
          t_[pos_ + 1].text == ":") {
        is_public = tk.text == "public";
        pos_ += 2;
        reset();
        continue;
      }
      if (tk.kind == tok_kind::punct && tk.text == "}") {
        if (kind == scope_kind::enm && !stmt.empty()) {
          enumerator(prefix, stmt, first_line, visible && is_public, pending || trailing);
        }
        ++pos_;
        return;
      }
      if (kind == scope_kind::enm) {
        if (tk.kind == tok_kind::punct && tk.text == ",") {
          enumerator(prefix, stmt, first_line, visible, pending || trailing);
          ++pos_;
          reset();
          continue;
        }
        if (stmt.empty()) first_line = tk.line;
        if (tk.text == "(" || tk.text == "{" || tk.text == "[") {
          skip_group();
          stmt.push_back({tok_kind::ident, "()", tk.line});
          continue;
        }
        stmt.push_back(tk);
        ++pos_;
        continue;
      }
      if (tk.kind == tok_kind::punct && tk.text == ";") {
        ++pos_;
        statement(prefix, stmt, first_line, visible && is_public, pending || trailing);
        reset();
        continue;
      }
      if (tk.kind == tok_kind::punct && tk.text == "{" && parens > 0) {
        skip_group();
        stmt.push_back({tok_kind::ident, "{}", tk.line});
        continue;
      }
      if (tk.kind == tok_kind::punct && tk.text == "(") ++parens;
      if (tk.kind == tok_kind::punct && tk.text == ")") --parens;
      if (tk.kind == tok_kind::punct && tk.text == "{") {
        const bool entered = open_brace(prefix, stmt, first_line, visible && is_public, pending);
        if (entered) {
          reset();
        } else {
          // An initializer brace: keep going until the statement's ';'.
          skip_group();
          stmt.push_back({tok_kind::ident, "{}", tk.line});
        }
        continue;
      }
      if (tk.kind == tok_kind::punct && (tk.text == "(" || tk.text == "[")) {
        // Keep parentheses as tokens (the classifier needs them), but skip what is inside
        // attributes [[...]].
        if (tk.text == "[" && t_[pos_ + 1].text == "[") {
          skip_group();
          continue;
        }
      }
      if (stmt.empty()) first_line = tk.line;
      stmt.push_back(tk);
      ++pos_;
    }
  }

  // Strips `template <...>`, attributes and specifiers that do not name anything.
  static std::vector<token> strip(const std::vector<token>& in) {
    std::vector<token> out;
    std::size_t i = 0;
    while (i < in.size()) {
      if (in[i].text == "template" && i + 1 < in.size() && in[i + 1].text == "<") {
        int depth = 0;
        int paren = 0;
        ++i;
        for (; i < in.size(); ++i) {
          const std::string& x = in[i].text;
          if (x == "(") ++paren;
          if (x == ")") --paren;
          if (paren == 0 && x == "<") ++depth;
          if (paren == 0 && x == ">" && --depth == 0) {
            ++i;
            break;
          }
        }
        continue;
      }
      out.push_back(in[i]);
      ++i;
    }
    return out;
  }

  static bool is_keyword_paren(const std::string& w) {
    return w == "decltype" || w == "noexcept" || w == "alignas" || w == "sizeof" ||
           w == "alignof" || w == "requires" || w == "__attribute__" || w == "explicit";
  }

  // Index of the '(' that opens a function's parameter list at depth 0, or npos.
  static std::size_t param_paren(const std::vector<token>& s) {
    int angle = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::string& x = s[i].text;
      if (x == "operator" && angle == 0) {
        // operator() / operator== / operator< / operator bool: the list is the next '(' after
        // the operator's own symbol.
        std::size_t m = i + 1;
        if (m + 1 < s.size() && s[m].text == "(" && s[m + 1].text == ")") m += 2;
        while (m < s.size() && s[m].text != "(") ++m;
        return m < s.size() ? m : std::string::npos;
      }
      if (x == "=" && angle == 0) return std::string::npos;
      if (x == "<") ++angle;
      if (x == ">" && angle > 0) --angle;
      if (x == "(") {
        if (i > 0 && is_keyword_paren(s[i - 1].text)) {
          int d = 0;
          for (; i < s.size(); ++i) {
            if (s[i].text == "(") ++d;
            if (s[i].text == ")" && --d == 0) break;
          }
          continue;
        }
        if (angle == 0) return i;
      }
    }
    return std::string::npos;
  }

  static std::string function_name(const std::vector<token>& s, std::size_t paren) {
    for (std::size_t k = 0; k < paren; ++k) {
      if (s[k].text == "operator") {
        std::string name = "operator";
        for (std::size_t m = k + 1; m < paren; ++m) name += s[m].text;
        return name;
      }
    }
    if (paren == 0) return "";
    std::string name = s[paren - 1].text;
    if (paren >= 2 && s[paren - 2].text == "~") name = "~" + name;
    return name;
  }

  // `T ns::cls::f(...)`: the definition of a member declared (and documented) in its class.
  static bool out_of_line(const std::vector<token>& s, std::size_t paren) {
    for (std::size_t k = 0; k < paren; ++k) {
      if (s[k].text == "operator") return k > 0 && s[k - 1].text == "::";
    }
    return paren >= 2 && s[paren - 2].text == "::";
  }

  // The number of parameters of the list opening at `paren`.
  static int arity(const std::vector<token>& s, std::size_t paren) {
    int depth = 0;
    int angle = 0;
    int count = 0;
    bool any = false;
    for (std::size_t k = paren; k < s.size(); ++k) {
      const std::string& x = s[k].text;
      if (x == "(" || x == "[") ++depth;
      if (x == ")" || x == "]") {
        if (--depth == 0) break;
      }
      if (depth == 1 && x == "<") ++angle;
      if (depth == 1 && x == ">" && angle > 0) --angle;
      if (depth == 1 && angle == 0 && x == ",") ++count;
      if (k > paren && !(x == "void" && s[k + 1].text == ")")) any = any || x != ")";
    }
    return any ? count + 1 : 0;
  }

  static bool has(const std::vector<token>& s, const char* word) {
    for (const auto& x : s) {
      if (x.text == word) return true;
    }
    return false;
  }

  void enumerator(const std::string& prefix, const std::vector<token>& s, int line, bool visible,
                  bool documented) {
    if (!visible || s.empty() || s[0].kind != tok_kind::ident) return;
    add(line, "enumerator", prefix + s[0].text, documented);
  }

  void statement(const std::string& prefix, const std::vector<token>& raw, int line, bool visible,
                 bool documented) {
    const std::vector<token> s = strip(raw);
    if (!visible || s.empty()) return;
    const std::string& first = s[0].text;
    if (first == "static_assert" || first == "friend" || first == "extern" || first == "namespace") {
      return;
    }
    const std::size_t n = s.size();
    if (n >= 2 && s[n - 2].text == "=" && (s[n - 1].text == "delete" || s[n - 1].text == "default")) {
      return;
    }
    if (first == "using") {
      if (n >= 2 && s[1].text == "namespace") return;
      if (n >= 3 && s[2].text == "=") {
        add(line, "alias", prefix + s[1].text, documented);
      } else {
        add(line, "using", prefix + s[n - 1].text, documented);
      }
      return;
    }
    if (first == "typedef") {
      add(line, "alias", prefix + s[n - 1].text, documented);
      return;
    }
    if ((first == "class" || first == "struct" || first == "union" || first == "enum") &&
        param_paren(s) == std::string::npos && !has(s, "=")) {
      return;  // forward declaration
    }
    const std::size_t paren = param_paren(s);
    if (paren != std::string::npos) {
      const std::string name = function_name(s, paren);
      if (is_macro_like(name) || out_of_line(s, paren) || name[0] == '~') return;
      add(line, "function", prefix + name, documented, arity(s, paren));
      return;
    }
    // A variable or data member: the name before '=', '{', '[', ':' or the end.
    std::size_t end = n;
    for (std::size_t k = 0; k < n; ++k) {
      const std::string& x = s[k].text;
      if (x == "=" || x == "{}" || x == "[" || x == ":") {
        end = k;
        break;
      }
    }
    if (end == 0) return;
    add(line, "variable", prefix + s[end - 1].text, documented);
  }

  static bool is_macro_like(const std::string& name) {
    bool lower = false;
    for (char ch : name) lower = lower || (ch >= 'a' && ch <= 'z');
    return !lower;
  }

  // Handles a '{' after `stmt`: enters a namespace, class or enum scope, or skips a function body.
  // False when the brace is an initializer (the caller skips it and the statement goes on).
  bool open_brace(const std::string& prefix, const std::vector<token>& raw, int line, bool visible,
                  bool documented) {
    const std::vector<token> s = strip(raw);
    std::size_t k = 0;
    while (k < s.size() && (s[k].text == "inline" || s[k].text == "export" ||
                            s[k].text == "typedef" || s[k].text == "alignas")) {
      if (s[k].text == "alignas" && k + 1 < s.size()) {
        k += 2;
        int d = 1;
        while (k < s.size() && d > 0) {
          if (s[k].text == "(") ++d;
          if (s[k].text == ")") --d;
          ++k;
        }
        continue;
      }
      ++k;
    }
    const std::string head = k < s.size() ? s[k].text : "";
    if (head == "namespace") {
      std::string name;
      for (std::size_t m = k + 1; m < s.size(); ++m) {
        if (s[m].kind == tok_kind::ident) name += s[m].text;
        if (s[m].text == "::") name += "::";
      }
      ++pos_;
      const bool hidden = name.empty() || name.find("detail") != std::string::npos;
      scope(name.empty() ? prefix : prefix + name + "::", scope_kind::ns, visible && !hidden);
      return true;
    }
    if (head == "extern") {
      ++pos_;
      scope(prefix, scope_kind::ns, visible);
      return true;
    }
    if ((head == "class" || head == "struct" || head == "union" || head == "enum") &&
        param_paren(s) == std::string::npos) {
      std::size_t m = k + 1;
      if (head == "enum" && m < s.size() && (s[m].text == "class" || s[m].text == "struct")) ++m;
      std::string name;  // `value::element_range` for a nested class defined outside its class
      while (m < s.size() && s[m].kind == tok_kind::ident && s[m].text != "final") {
        name += s[m].text;
        if (m + 1 < s.size() && s[m + 1].text == "::") {
          name += "::";
          m += 2;
          continue;
        }
        break;
      }
      if (!name.empty() && visible) add(line, "type", prefix + name, documented);
      ++pos_;
      const std::string inner = name.empty() ? prefix : prefix + name + "::";
      if (head == "enum") {
        scope(head == "enum" && s.size() > k + 1 && (s[k + 1].text == "class" || s[k + 1].text == "struct")
                  ? inner
                  : prefix,
              scope_kind::enm, visible);
      } else {
        scope(inner, scope_kind::cls, visible, head != "class");
      }
      // Declarators after the closing brace (`} name;`) belong to the same statement: skip them.
      while (at().kind != tok_kind::end && at().text != ";") ++pos_;
      if (at().kind != tok_kind::end) ++pos_;
      return true;
    }
    const std::size_t paren = param_paren(s);
    if (paren == std::string::npos) return false;  // `T x{...}` or `T x = {...}`
    // A constructor's member initializer list: `name{...}` / `name<...>{...}` is an initializer.
    bool ctor_init = false;
    int depth = 0;
    for (std::size_t m = paren; m < s.size(); ++m) {
      if (s[m].text == "(") ++depth;
      if (s[m].text == ")") --depth;
      if (depth == 0 && s[m].text == ":") ctor_init = true;
    }
    if (ctor_init && !raw.empty() &&
        (raw.back().kind == tok_kind::ident || raw.back().text == ">") &&
        raw.back().text != "noexcept" && raw.back().text != "const" && raw.back().text != "override") {
      return false;
    }
    const std::string name = function_name(s, paren);
    skip_group();
    if (visible && !is_macro_like(name) && !out_of_line(s, paren) && name[0] != '~') {
      add(line, "function", prefix + name, documented, arity(s, paren));
    }
    if (at().text == ";") ++pos_;
    return true;
  }

  std::string file_;
  const std::vector<token>& t_;
  std::size_t pos_ = 0;
  std::vector<declaration>* out_ = nullptr;
  std::size_t last_ = static_cast<std::size_t>(-1);
  int last_line_ = 0;
  std::map<std::string, declaration> macros_;
  std::set<std::string> undefs_;
};

std::vector<declaration> scan(const std::string& file, const std::string& text) {
  const std::vector<token> toks = tokenize(text);
  std::vector<declaration> out;
  scanner(file, toks).run(out);
  return out;
}

std::vector<std::string> undocumented(const std::vector<declaration>& decls) {
  // A function declared with its doc comment and defined further down (or in another header) is
  // documented: the key is the qualified name and the number of parameters.
  std::set<std::string> documented;
  for (const auto& d : decls) {
    if (d.documented) documented.insert(d.kind + " " + d.name + "/" + std::to_string(d.arity));
  }
  std::vector<std::string> out;
  for (const auto& d : decls) {
    if (!d.documented && documented.count(d.kind + " " + d.name + "/" + std::to_string(d.arity)) == 0) {
      out.push_back(d.file + ":" + std::to_string(d.line) + ": " + d.kind + " " + d.name);
    }
  }
  return out;
}

}  // namespace

TEST_SUITE("docs") {
TEST_CASE("doc-comment scanner finds what is and is not documented") {
  const std::string header = R"hdr(
/// @file x.hpp
#ifndef X_HPP
#define X_HPP
#include <cstddef>
/// Documented macro.
#define DOC_MACRO 1
#define BARE_MACRO(x) \
  (x)
#define LOCAL_MACRO 2
#undef LOCAL_MACRO
DOCKIMG_BEGIN_NAMESPACE
/// A documented type.
struct good {
  int a = 0;  ///< trailing doc
  int b = 0;
  /// Documented member function.
  [[nodiscard]] constexpr int get() const noexcept { return a; }
  int bare_fn(int x,
              int y) const noexcept;
  good() = default;
  explicit good(int x) noexcept : a{x}, b(x) {}
};
class hidden_members {
  int secret_ = 0;
 public:
  /// Documented.
  hidden_members() noexcept = default;
  template <typename T, typename = decltype(T{})>
  void bare_template(T) noexcept {}
  friend bool operator==(const hidden_members&, const hidden_members&) noexcept { return true; }
};
/// An enum.
enum class color : unsigned char {
  red,    ///< red
  green,
  /// blue
  blue
};
using bare_alias = int;
/// Documented alias.
using good_alias = long;
/// A documented function template
/// over two lines.
template <class T>
[[nodiscard]] inline T twice(T x) noexcept {
  struct local { int z; };
  return x + x;
}
inline constexpr int bare_constant = 3;
struct forward_declared;
namespace detail {
struct internal_type {};
}  // namespace detail
namespace sub {
/** Javadoc style. */
int documented_fn();
bool operator<(const good&, const good&) noexcept;
}  // namespace sub
DOCKIMG_END_NAMESPACE
#endif  // X_HPP
)hdr";
  const auto decls = scan("x.hpp", header);
  std::map<std::string, bool> got;
  for (const auto& d : decls) got[d.kind + " " + d.name] = d.documented;
  const std::map<std::string, bool> expected = {
      {"macro DOC_MACRO", true},
      {"macro BARE_MACRO", false},
      {"type good", true},
      {"variable good::a", true},
      {"variable good::b", false},
      {"function good::get", true},
      {"function good::bare_fn", false},
      {"function good::good", false},
      {"type hidden_members", false},
      {"function hidden_members::bare_template", false},
      {"function hidden_members::operator==", false},
      {"type color", true},
      {"enumerator color::red", true},
      {"enumerator color::green", false},
      {"enumerator color::blue", true},
      {"alias bare_alias", false},
      {"alias good_alias", true},
      {"function twice", true},
      {"variable bare_constant", false},
      {"function sub::documented_fn", true},
      {"function sub::operator<", false},
  };
  for (const auto& e : expected) {
    INFO(e.first);
    REQUIRE(got.count(e.first) == 1);
    CHECK(got[e.first] == e.second);
  }
  // Nothing else: no private member, detail name, local type, include guard or #undef'd macro.
  CHECK(got.size() == expected.size());
  for (const auto& g : got) {
    INFO(g.first);
    CHECK(expected.count(g.first) == 1);
  }
}

TEST_CASE("every public name in include/dockimg has a doc comment") {
  const std::string dir = std::string(DOCKIMG_SOURCE_DIR) + "/include/dockimg";
  std::vector<declaration> all;
  std::size_t files = 0;
  for (const auto& name : dockimg_test::list_dir(dir)) {
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".hpp") != 0) continue;
    std::string text;
    REQUIRE(dockimg_test::read_file(dir + "/" + name, text));
    ++files;
    const auto decls = scan("include/dockimg/" + name, text);
    all.insert(all.end(), decls.begin(), decls.end());
  }
  REQUIRE(files > 0);
  const auto missing = undocumented(all);
  std::map<std::string, std::size_t> kinds;
  for (const auto& d : all) ++kinds[d.kind];
  std::string breakdown;
  for (const auto& k : kinds) breakdown += " " + k.first + "=" + std::to_string(k.second);
  std::printf("docs: %zu public declarations in %zu headers (%s), %zu without a doc comment\n",
              all.size(), files, breakdown.c_str() + 1, missing.size());
  for (const auto& m : missing) std::printf("  %s\n", m.c_str());
  CHECK(missing.empty());
}
}

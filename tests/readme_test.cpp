// The README's tour quotes examples/tour/*.cpp: every snippet must be, verbatim, the lines of its
// file between `// [tour]` and `// [/tour]` (with the markers' own indentation removed from the
// lines that have it), and every tour file must be quoted. A snippet is a ```cpp block preceded by
// the line `examples/tour/<name>.cpp:` (blank lines may separate the two).
#include <doctest/doctest.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"

#ifndef DOCKIMG_SOURCE_DIR
#define DOCKIMG_SOURCE_DIR "."
#endif

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

/// The README's tour blocks: file name (examples/tour/x.cpp) -> every block quoting it.
std::map<std::string, std::vector<std::vector<std::string>>> readme_blocks(
    const std::string& readme, std::vector<std::string>& problems) {
  std::map<std::string, std::vector<std::vector<std::string>>> out;
  const std::vector<std::string> lines = split_lines(readme);
  const std::string prefix = "examples/tour/";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.compare(0, prefix.size(), prefix) != 0 || l.size() < prefix.size() + 6 ||
        l.compare(l.size() - 5, 5, ".cpp:") != 0) {
      continue;
    }
    const std::string file = l.substr(0, l.size() - 1);
    std::size_t j = i + 1;
    while (j < lines.size() && trim(lines[j]).empty()) ++j;
    if (j >= lines.size() || lines[j] != "```cpp") {
      problems.push_back("README: `" + l + "` is not followed by a ```cpp block");
      continue;
    }
    std::vector<std::string> block;
    std::size_t k = j + 1;
    while (k < lines.size() && lines[k] != "```") block.push_back(lines[k++]);
    if (k == lines.size()) {
      problems.push_back("README: the block of " + file + " is not closed");
      break;
    }
    out[file].push_back(block);
    i = k;
  }
  return out;
}

/// The marked excerpt of a tour file, without the markers' indentation; false (and a problem)
/// when the markers are missing, repeated or out of order.
bool tour_excerpt(const std::string& name, const std::string& source,
                  std::vector<std::string>& excerpt, std::vector<std::string>& problems) {
  const std::vector<std::string> lines = split_lines(source);
  std::size_t begin = lines.size();
  std::size_t end = lines.size();
  int begins = 0;
  int ends = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trim(lines[i]) == "// [tour]") {
      ++begins;
      begin = i;
    } else if (trim(lines[i]) == "// [/tour]") {
      ++ends;
      end = i;
    }
  }
  if (begins != 1 || ends != 1 || end <= begin) {
    problems.push_back(name +
                       ": needs exactly one `// [tour]` line followed by one `// [/tour]` line");
    return false;
  }
  const std::string indent = lines[begin].substr(0, lines[begin].find('/'));
  excerpt.clear();
  for (std::size_t i = begin + 1; i < end; ++i) {
    const std::string& l = lines[i];
    // Lines less indented than the marker (the inside of a raw string) are kept as they are.
    excerpt.push_back(l.compare(0, indent.size(), indent) == 0 ? l.substr(indent.size()) : l);
  }
  return true;
}

/// Compares a README block with the excerpt; describes the first difference.
bool same_lines(const std::vector<std::string>& readme, const std::vector<std::string>& excerpt,
                const std::string& name, std::vector<std::string>& problems) {
  const std::size_t n = readme.size() < excerpt.size() ? readme.size() : excerpt.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (readme[i] != excerpt[i]) {
      problems.push_back("README block of " + name + ", line " + std::to_string(i + 1) +
                         ":\n  README: " + readme[i] + "\n  file:   " + excerpt[i]);
      return false;
    }
  }
  if (readme.size() != excerpt.size()) {
    problems.push_back("README block of " + name + " has " + std::to_string(readme.size()) +
                       " lines, the marked excerpt " + std::to_string(excerpt.size()));
    return false;
  }
  return true;
}

/// Checks the README against the tour files; every problem found is appended to `problems`.
void check_tour(const std::string& readme, const std::map<std::string, std::string>& files,
                std::vector<std::string>& problems) {
  const auto blocks = readme_blocks(readme, problems);
  for (const auto& f : files) {
    std::vector<std::string> excerpt;
    if (!tour_excerpt(f.first, f.second, excerpt, problems)) continue;
    const auto it = blocks.find(f.first);
    if (it == blocks.end()) {
      problems.push_back(f.first + " has no README block (a line `" + f.first +
                         ":` and a ```cpp block)");
      continue;
    }
    if (it->second.size() != 1) {
      problems.push_back(f.first + " is quoted " + std::to_string(it->second.size()) +
                         " times in the README");
    }
    same_lines(it->second.front(), excerpt, f.first, problems);
  }
  for (const auto& b : blocks) {
    if (files.count(b.first) == 0)
      problems.push_back("README quotes " + b.first + ", which does not exist");
  }
}

std::string source_dir() { return DOCKIMG_SOURCE_DIR; }

/// The tour files: examples/tour/<name>.cpp -> contents.
std::map<std::string, std::string> tour_files() {
  std::map<std::string, std::string> files;
  for (const std::string& name : dockimg_test::list_dir(source_dir() + "/examples/tour")) {
    if (name.size() < 5 || name.compare(name.size() - 4, 4, ".cpp") != 0) continue;
    std::string text;
    if (dockimg_test::read_file(source_dir() + "/examples/tour/" + name, text))
      files["examples/tour/" + name] = text;
  }
  return files;
}

}  // namespace

TEST_SUITE("docs") {
  TEST_CASE("readme: every tour snippet is the marked excerpt of its file") {
    std::string readme;
    REQUIRE(dockimg_test::read_file(source_dir() + "/README.md", readme));
    const std::map<std::string, std::string> files = tour_files();
    // One program per public header that has something to show (arena, source, version and config
    // appear inside the dockerfile tour; dockimg.hpp only includes the others).
    for (const char* header :
         {"dockerfile", "shell", "instructions", "dispatch", "dockerignore", "context", "json",
          "oci", "digest", "reference", "platform", "tar", "layout", "analysis"}) {
      CHECK_MESSAGE(files.count(std::string("examples/tour/") + header + ".cpp") == 1,
                    "no tour program for <dockimg/", header, ".hpp>");
    }
    std::vector<std::string> problems;
    check_tour(readme, files, problems);
    for (const std::string& p : problems) FAIL_CHECK(p);
    CHECK(problems.empty());
  }

  TEST_CASE("readme: the tour check notices a changed snippet and an unquoted file") {
    const std::map<std::string, std::string> files = {
        {"examples/tour/a.cpp",
         "int main() {\n  // [tour]\n  int x = 1;\n\n  return x;\n  // [/tour]\n}\n"},
        {"examples/tour/b.cpp", "int main() {\n  // [tour]\n  return 0;\n  // [/tour]\n}\n"}};
    const std::string good =
        "# t\n\nexamples/tour/a.cpp:\n\n```cpp\nint x = 1;\n\nreturn x;\n```\n"
        "examples/tour/b.cpp:\n```cpp\nreturn 0;\n```\n";
    std::vector<std::string> problems;
    check_tour(good, files, problems);
    CHECK(problems.empty());

    problems.clear();  // one character changed
    check_tour(
        "examples/tour/a.cpp:\n```cpp\nint x = 2;\n\nreturn "
        "x;\n```\nexamples/tour/b.cpp:\n```cpp\nreturn 0;\n```\n",
        files, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("line 1") != std::string::npos);

    problems.clear();  // a line missing, b not quoted, a quote of a file that does not exist
    check_tour(
        "examples/tour/a.cpp:\n```cpp\nint x = 1;\n\n```\nexamples/tour/c.cpp:\n```cpp\n```\n",
        files, problems);
    CHECK(problems.size() == 3);

    problems.clear();  // markers missing
    check_tour(good, {{"examples/tour/a.cpp", "int main() { return 0; }\n"}}, problems);
    CHECK(problems.size() ==
          2);  // no markers in a.cpp; README quotes b.cpp, which is not a tour file
  }
}

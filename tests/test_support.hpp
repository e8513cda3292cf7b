// Shared helpers of the test suite: where the corpus is, reading files and JSONL, and parsing a
// Dockerfile into storage the test owns.
#ifndef DOCKIMG_TESTS_TEST_SUPPORT_HPP
#define DOCKIMG_TESTS_TEST_SUPPORT_HPP

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <dockimg/dockerfile.hpp>
#include <nlohmann/json.hpp>

#ifndef DOCKIMG_CORPUS_DIR
#define DOCKIMG_CORPUS_DIR "../shared/corpus"
#endif

namespace dockimg_test {

/// The corpus directory (`DOCKIMG_CORPUS_DIR`, overridable by the environment variable of that name).
inline std::string corpus_dir() {
  if (const char* env = std::getenv("DOCKIMG_CORPUS_DIR")) return env;
  return DOCKIMG_CORPUS_DIR;
}

/// Reads a whole file; false when it cannot be read.
inline bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

/// True when `path` can be opened for reading.
inline bool exists(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return static_cast<bool>(in);
}

/// Prints the skip line ctest recognises and returns true when the corpus file is missing.
inline bool skip_without(const std::string& path) {
  if (exists(path)) return false;
  std::printf("SKIPPED: corpus not found at %s (set DOCKIMG_CORPUS_DIR)\n", path.c_str());
  return true;
}

/// The entries of a directory (not `.` and `..`), sorted.
inline std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") out.push_back(name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// `s` as the corpus stores it: JSON text, where every invalid UTF-8 byte became U+FFFD.
inline std::string json_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto d = dockimg::detail::decode_rune(s.substr(i));
    if (d.size == 1 && static_cast<unsigned char>(s[i]) >= 0x80) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(s.data() + i, d.size);
    }
    i += d.size;
  }
  return out;
}

/// Every record of a JSON Lines file.
inline std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

/// Decodes standard base64 (for `dockerfile_b64` records).
inline std::string base64_decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  unsigned acc = 0;
  for (char c : in) {
    const int v = val(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

/// A parsed Dockerfile with the storage it lives in.
struct parsed {
  std::string text;
  std::unique_ptr<unsigned char[]> memory;
  dockimg::arena storage;
  dockimg::dockerfile::document doc;

  explicit parsed(std::string source) : text(std::move(source)) {
    const std::size_t n = dockimg::dockerfile::storage_hint(text);
    memory.reset(new unsigned char[n]);
    storage = dockimg::arena(memory.get(), n);
    doc = dockimg::dockerfile::parse(text, storage);
  }
  parsed(const parsed&) = delete;
  parsed& operator=(const parsed&) = delete;
};

/// Go-quoted text of a string, as BuildKit's dump prints it.
inline std::string go_quote(std::string_view s) {
  std::string out;
  dockimg::detail::write_go_quote(s, [&](std::string_view p) { out.append(p.data(), p.size()); });
  return out;
}

/// The data rows of a tab-separated table (corpus/lint/cases/*/expected.tsv): lines starting with
/// `#` are comments, the first other line is the header; each row split at tabs.
inline std::vector<std::vector<std::string>> read_tsv_rows(const std::string& path) {
  std::vector<std::vector<std::string>> out;
  std::string text;
  if (!read_file(path, text)) return out;
  std::istringstream in(text);
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cols;
    std::istringstream row(line);
    for (std::string col; std::getline(row, col, '\t');) cols.push_back(col);
    out.push_back(std::move(cols));
  }
  return out;
}

}  // namespace dockimg_test

#endif  // DOCKIMG_TESTS_TEST_SUPPORT_HPP

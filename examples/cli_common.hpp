// SPDX-License-Identifier: Apache-2.0
// What every dockimg subcommand shares: writing to the standard streams, reading a file ('-' is
// standard input) and writing JSON strings.
#ifndef DOCKIMG_EXAMPLES_CLI_COMMON_HPP
#define DOCKIMG_EXAMPLES_CLI_COMMON_HPP

#include <cstdio>
#include <string>
#include <string_view>

#include <dockimg/detail/unicode.hpp>

namespace dockimg_cli {

/// Writes to standard output.
inline void out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }
/// Writes to standard error.
inline void err(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stderr); }

/// Reads a whole file ('-': standard input) into `data`; false when it cannot be read.
inline bool read_file(const std::string& path, std::string& data) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool ok = std::ferror(f) == 0;
  if (f != stdin) std::fclose(f);
  return ok;
}

/// Appends `s` as a JSON string literal (invalid UTF-8 becomes U+FFFD).
inline void json_string(std::string& o, std::string_view s) {
  o += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const auto d = dockimg::detail::decode_rune(s.substr(i));
      if (d.size == 1) {
        o += "\\ufffd";
      } else {
        o.append(s.data() + i, d.size);
      }
      i += d.size;
      continue;
    }
    ++i;
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          o += b;
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  o += '"';
}

}  // namespace dockimg_cli

#endif  // DOCKIMG_EXAMPLES_CLI_COMMON_HPP

// SPDX-License-Identifier: Apache-2.0
// Tour of <dockimg/shell.hpp>: BuildKit's shell-word lexer. Expands one word against an
// environment (recording which variables it used), splits words, and reports an error.
#include <cstdio>
#include <dockimg/shell.hpp>
#include <string_view>

namespace sh = dockimg::shell;

int main() {
  // [tour]
  const std::string_view env_entries[] = {"APP=server", "VERSION=1.2.3", "EMPTY="};
  const sh::environment env(env_entries, 3);
  const sh::options opt;  // escape '\\', quotes processed, as for RUN/COPY/ENV words

  // One word (ProcessWordWithMatches): expansion, quotes, and the variables it used.
  char out[256];
  std::string_view matched[4], unmatched[4];
  const std::string_view input = "/opt/${APP}-${VERSION%.*}/'$HOME'${EMPTY:-default}${UNSET}";
  const sh::word_result w =
      sh::process_word(input, env, opt, out, sizeof out, matched, 4, unmatched, 4);
  std::printf("word: %.*s\n", static_cast<int>(w.word.size()), w.word.data());
  std::printf("matched %zu, unmatched %zu (first: %.*s)\n", w.matched_count, w.unmatched_count,
              static_cast<int>(unmatched[0].size()), unmatched[0].data());

  // Several words (ProcessWords): split on unquoted whitespace after expansion.
  char scratch[sh::scratch_bound(64)];
  std::string_view words[sh::words_bound(64)];
  const sh::words_result ws = sh::process_words("$APP \"two words\" x\\ y", env, opt, scratch,
                                                sizeof scratch, words, sh::words_bound(64));
  for (std::size_t i = 0; i < ws.count; ++i)
    std::printf("[%.*s]", static_cast<int>(words[i].size()), words[i].data());
  std::printf("\n");

  // Errors are values; message() renders BuildKit's text.
  const std::string_view bad = "${VERSION:?must be set}${MISSING:?must be set}";
  const sh::word_result e = sh::process_word(bad, env, opt, out, sizeof out);
  if (!e.ok()) std::printf("error: %s\n", sh::message(bad, e.error).c_str());
  // [/tour]
  return w.ok() && ws.ok() ? 0 : 1;
}

// The real-world Dockerfiles the benchmarks read: every file of real/big/bench-files.txt (the
// 1,669 unique Dockerfiles of the corpus), loaded once into memory.
#ifndef DOCKIMG_BENCHMARKS_BENCH_CORPUS_HPP
#define DOCKIMG_BENCHMARKS_BENCH_CORPUS_HPP

#include <cstddef>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef DOCKIMG_CORPUS_DIR
#define DOCKIMG_CORPUS_DIR "../shared/corpus"
#endif

namespace dockimg_bench {

/// The benchmark files, their total size, or why they could not be read.
struct corpus {
  std::vector<std::string> files;
  std::size_t bytes = 0;
  std::string error;
};

/// The real-world Dockerfiles (read on the first call).
inline const corpus& real_dockerfiles() {
  static const corpus c = [] {
    corpus out;
    const std::string dir = std::string(DOCKIMG_CORPUS_DIR) + "/real/";
    std::ifstream list(dir + "big/bench-files.txt");
    if (!list) {
      out.error = "corpus not found at " + dir;
      return out;
    }
    std::string line;
    while (std::getline(list, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto tab = line.find('\t');
      std::ifstream in(dir + line.substr(tab + 1), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      out.bytes += text.size();
      out.files.push_back(std::move(text));
    }
    return out;
  }();
  return c;
}

}  // namespace dockimg_bench

#endif  // DOCKIMG_BENCHMARKS_BENCH_CORPUS_HPP

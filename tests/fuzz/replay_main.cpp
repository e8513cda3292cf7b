// Replays inputs through a libFuzzer harness without libFuzzer, so any compiler can run the fuzz
// targets as tests: every regular file under the paths given on the command line (directories
// are walked recursively, in sorted order) is passed to LLVMFuzzerTestOneInput in a buffer of its
// exact size. If an input crashes, the path of that input is printed before the process dies.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <signal.h>
#include <unistd.h>
#define DOCKIMG_REPLAY_POSIX 1
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#if DOCKIMG_REPLAY_POSIX
// Sanitizer runtimes export this; it is null in a build without sanitizers.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));
#endif

namespace fs = std::filesystem;

namespace {

const char* g_current_input = nullptr;

extern "C" void print_current_input() {
  const char* input = g_current_input;
  if (input == nullptr) {
    return;
  }
  static const char prefix[] = "\nreplay: crashed on input ";
#if DOCKIMG_REPLAY_POSIX
  // Async-signal-safe.
  ssize_t ignored = write(STDERR_FILENO, prefix, sizeof prefix - 1);
  ignored = write(STDERR_FILENO, input, std::strlen(input));
  ignored = write(STDERR_FILENO, "\n", 1);
  (void)ignored;
#else
  std::fprintf(stderr, "%s%s\n", prefix, input);
#endif
}

#if DOCKIMG_REPLAY_POSIX
const int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction g_previous[sizeof kFatalSignals / sizeof kFatalSignals[0]];

// Prints the input, then hands the signal to the handler that was there before (a sanitizer's,
// or the default): a hardware fault recurs when we return, a sent signal is raised again.
void on_fatal_signal(int signal_number, siginfo_t* info, void*) {
  print_current_input();
  g_current_input = nullptr;
  for (std::size_t i = 0; i < sizeof kFatalSignals / sizeof kFatalSignals[0]; ++i) {
    if (kFatalSignals[i] == signal_number) {
      sigaction(signal_number, &g_previous[i], nullptr);
    }
  }
  if (info == nullptr || info->si_code <= 0) {
    raise(signal_number);
  }
}

void install_crash_reporting() {
  struct sigaction action {};
  action.sa_sigaction = on_fatal_signal;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < sizeof kFatalSignals / sizeof kFatalSignals[0]; ++i) {
    sigaction(kFatalSignals[i], &action, &g_previous[i]);
  }
  if (__sanitizer_set_death_callback != nullptr) {
    __sanitizer_set_death_callback(print_current_input);
  }
}
#else
void install_crash_reporting() {}
#endif

bool read_file(const fs::path& path, std::vector<std::uint8_t>& out) {
  std::FILE* file = std::fopen(path.string().c_str(), "rb");
  if (file == nullptr) {
    return false;
  }
  out.clear();
  std::uint8_t chunk[65536];
  std::size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0) {
    out.insert(out.end(), chunk, chunk + got);
  }
  const bool ok = std::ferror(file) == 0;
  std::fclose(file);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }

  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path root(argv[i]);
    std::error_code error;
    if (fs::is_regular_file(root, error)) {
      inputs.push_back(root);
      continue;
    }
    if (!fs::is_directory(root, error)) {
      std::fprintf(stderr, "replay: %s: not a file or directory\n", argv[i]);
      return 2;
    }
    const std::size_t first = inputs.size();
    for (fs::recursive_directory_iterator it(root, error), end; !error && it != end;
         it.increment(error)) {
      std::error_code type_error;
      if (it->is_regular_file(type_error)) {
        inputs.push_back(it->path());
      }
    }
    if (error) {
      std::fprintf(stderr, "replay: %s: %s\n", argv[i], error.message().c_str());
      return 2;
    }
    std::sort(inputs.begin() + static_cast<std::ptrdiff_t>(first), inputs.end());
  }

  install_crash_reporting();
  std::vector<std::uint8_t> contents;
  std::size_t bytes = 0;
  for (const fs::path& input : inputs) {
    if (!read_file(input, contents)) {
      std::fprintf(stderr, "replay: cannot read %s\n", input.string().c_str());
      return 2;
    }
    // An exactly sized heap copy, as libFuzzer gives, so ASan sees any read past the end.
    const std::unique_ptr<std::uint8_t[]> data(new std::uint8_t[contents.size()]);
    std::copy(contents.begin(), contents.end(), data.get());
    const std::string name = input.string();
    g_current_input = name.c_str();
    LLVMFuzzerTestOneInput(data.get(), contents.size());
    g_current_input = nullptr;
    bytes += contents.size();
  }
  std::printf("replay: ran %zu inputs (%zu bytes) through LLVMFuzzerTestOneInput\n", inputs.size(),
              bytes);
  return 0;
}

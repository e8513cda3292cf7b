// Consumer check: the installed (or vendored) headers compile with -fno-exceptions -fno-rtti and
// the program prints the library version.
#if defined(__has_include)
#if __has_include(<dockimg/dockimg.hpp>)
#include <dockimg/dockimg.hpp>
#endif
#endif
#include <cstdio>
#include <dockimg/version.hpp>

static_assert(DOCKIMG_VERSION == DOCKIMG_VERSION_MAJOR * 10000 + DOCKIMG_VERSION_MINOR * 100 +
                                     DOCKIMG_VERSION_PATCH,
              "version.hpp is inconsistent");

int main() {
  std::printf("dockimg %s\n", DOCKIMG_VERSION_STRING);
  return 0;
}

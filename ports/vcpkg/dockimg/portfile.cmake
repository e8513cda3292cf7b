# vcpkg overlay port of dockimg, header-only. It builds the checkout it sits in (three directories
# up), so it needs no network and always installs the headers next to it:
#
#   vcpkg install dockimg --overlay-ports=<dockimg checkout>/ports/vcpkg
#
# Publishing it in a registry means replacing the SOURCE_PATH lines with vcpkg_from_github (see
# docs/packaging.md). tests/package/vcpkg_emulate.cmake runs this file with stand-ins for the vcpkg
# helpers (ctest -L package), so what is written here is what the tests exercise.

set(VCPKG_BUILD_TYPE release) # header-only: nothing differs between debug and release

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT EXISTS "${SOURCE_PATH}/include/dockimg/version.hpp")
  message(FATAL_ERROR "dockimg port: no dockimg checkout at ${SOURCE_PATH}")
endif()
# The port's version (vcpkg.json) must be the checkout's: a stale port would install other headers
# than its version says.
file(STRINGS "${SOURCE_PATH}/include/dockimg/version.hpp" _dockimg_version_line
     REGEX "^#define DOCKIMG_VERSION_STRING ")
if(NOT _dockimg_version_line MATCHES "\"${VERSION}\"")
  message(FATAL_ERROR "dockimg port: vcpkg.json says ${VERSION}, the checkout says "
                      "'${_dockimg_version_line}': update ports/vcpkg/dockimg/vcpkg.json")
endif()

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DDOCKIMG_BUILD_TESTS=OFF
    -DDOCKIMG_BUILD_EXAMPLES=OFF
    -DDOCKIMG_BUILD_BENCHMARKS=OFF
    -DDOCKIMG_BUILD_FUZZERS=OFF
    -DDOCKIMG_INSTALL=ON
    -DDOCKIMG_INSTALL_CLI=OFF
    # Typed: an untyped relative value of a PATH cache variable is made absolute against the
    # working directory by CMake; the config files go straight to vcpkg's share/<port>.
    -DDOCKIMG_INSTALL_CMAKEDIR:PATH=share/dockimg
    -DDOCKIMG_INSTALL_PKGCONFIGDIR:PATH=share/pkgconfig
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/dockimg)
vcpkg_fixup_pkgconfig()

# Header-only: no libraries, no debug tree.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug" "${CURRENT_PACKAGES_DIR}/lib")

vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")

# Conan 2 recipe for dockimg, header-only.
#
#   conan create . --build=missing          (from a checkout; the version comes from version.hpp)
#
# package() runs the project's own install rules with the options below, then drops the CMake and
# pkg-config files: Conan's generators (CMakeDeps, PkgConfigDeps) write their own from
# package_info(). tests/package/conan_emulate.py runs this recipe and test_package/ with stand-ins
# for the conan modules (ctest -L package), so what is written here is what the tests exercise.
# See docs/packaging.md.
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.0"


class DockimgConan(ConanFile):
    name = "dockimg"
    description = ("Zero-allocation, BuildKit-exact parsers for Dockerfiles, .dockerignore files "
                   "and OCI image JSON (header-only C++17, builds with -fno-exceptions -fno-rtti)")
    license = "Apache-2.0"
    topics = ("dockerfile", "dockerignore", "oci", "buildkit", "parser", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    # What the project's CMakeLists.txt needs to configure and install the headers, nothing more.
    exports_sources = "CMakeLists.txt", "LICENSE", "cmake/*", "include/*"
    no_copy_source = True

    # The project's options for a headers-only install (the vcpkg port passes the same ones).
    cmake_options = {
        "DOCKIMG_BUILD_TESTS": "OFF",
        "DOCKIMG_BUILD_EXAMPLES": "OFF",
        "DOCKIMG_BUILD_BENCHMARKS": "OFF",
        "DOCKIMG_BUILD_FUZZERS": "OFF",
        "DOCKIMG_INSTALL": "ON",
        "DOCKIMG_INSTALL_CLI": "OFF",
    }

    def set_version(self):
        # One source of truth, as for CMake: include/dockimg/version.hpp.
        if not self.version:
            text = load(self, os.path.join(self.recipe_folder, "include", "dockimg", "version.hpp"))
            self.version = re.search(r'#define DOCKIMG_VERSION_STRING "([^"]+)"', text).group(1)

    def layout(self):
        cmake_layout(self)

    def package_id(self):
        # Headers only: one package for every configuration.
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 17)

    def generate(self):
        toolchain = CMakeToolchain(self)
        toolchain.cache_variables.update(self.cmake_options)
        toolchain.generate()

    def build(self):
        pass  # nothing to compile

    def package(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.install()
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "dockimg")
        self.cpp_info.set_property("cmake_target_name", "dockimg::dockimg")
        self.cpp_info.set_property("pkg_config_name", "dockimg")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

#!/usr/bin/env python3
"""Runs the Conan 2 recipe (conanfile.py) and its test_package/ the way `conan create .` does,
without Conan: the conan modules the recipes import are replaced by stand-ins that do what
Conan's do for a header-only CMake package.

  export      copy exports_sources from the checkout (so a file the build needs but the recipe
              does not export makes the package fail, as it would in Conan's cache)
  recipe      set_version, layout, validate (also: a C++14 profile must be rejected), generate
              (CMakeToolchain with the recipe's cache_variables), build, package (the project's
              own configure + install), package_id (must clear the info), package_info
  checks      package_type "header-library"; the package holds include/dockimg/*.hpp and
              licenses/LICENSE only; bindirs/libdirs empty; cmake_file_name, cmake_target_name and
              pkg_config_name set
  consumers   CMakeDeps- and PkgConfigDeps-like files written from package_info; test_package
              built and run through its own conanfile.py for every --cppstd, then test_package.cpp
              compiled with `pkg-config --cflags` for every --cppstd

  conan_emulate.py --source DIR --work DIR --cxx C++ --generator GEN [--make-program PATH]
                   [--cxxflags FLAGS] [--pkg-config PATH] --cppstd 17 --cppstd 20
"""
import argparse
import fnmatch
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import types

ARGS = None
sys.dont_write_bytecode = True  # importing the recipes must not write into the checkout


def fail(message):
    print(f"conan_emulate: FAILED: {message}", flush=True)
    sys.exit(1)


def run(command, cwd=None):
    print("conan_emulate: $ " + " ".join(shlex.quote(str(c)) for c in command), flush=True)
    result = subprocess.run([str(c) for c in command], cwd=cwd)
    if result.returncode != 0:
        fail(f"command exited with {result.returncode}")


# --- stand-ins for the conan modules ----------------------------------------------------------

class ConanInvalidConfiguration(Exception):
    pass


class ConanException(Exception):
    pass


class Compiler(str):
    def __new__(cls, name, version, cppstd):
        value = super().__new__(cls, name)
        value.version = version
        value.cppstd = cppstd
        value.libcxx = "libstdc++11"
        return value


class Settings:
    def __init__(self, cppstd, build_type="Release"):
        self.os = "Linux"
        self.arch = "x86_64"
        self.build_type = build_type
        self.compiler = Compiler("gcc", "12", cppstd)

    def get_safe(self, name, default=None):
        value = self
        for part in name.split("."):
            value = getattr(value, part, None)
            if value is None:
                return default
        return value


class CppInfo:
    def __init__(self):
        self.properties = {}
        self.includedirs = ["include"]
        self.libdirs = ["lib"]
        self.bindirs = ["bin"]
        self.libs = []
        self.defines = []
        self.cxxflags = []
        self.system_libs = []
        self.requires = []
        self.components = {}

    def set_property(self, name, value):
        self.properties[name] = value

    def get_property(self, name):
        return self.properties.get(name)


class Info:
    def __init__(self):
        self.cleared = False

    def clear(self):
        self.cleared = True


class Cpp:
    def __init__(self):
        self.build = types.SimpleNamespace(bindir=".", bindirs=["."])


class ConanFile:
    name = None
    version = None
    settings = ()
    generators = ()

    def __init__(self):
        self.output = types.SimpleNamespace(info=print, warning=print, highlight=print)
        self.cpp = Cpp()
        self.cpp_info = CppInfo()
        self.info = Info()
        self.conf = {}
        self.required = []

    def requires(self, reference, **kwargs):
        self.required.append(reference)

    def run(self, command, env=None, cwd=None):
        run(shlex.split(command) if isinstance(command, str) else command, cwd=cwd or self.build_folder)


def cmake_layout(conanfile, src_folder="."):
    conanfile.layout_called = True


def check_min_cppstd(conanfile, cppstd):
    current = conanfile.settings.get_safe("compiler.cppstd")
    if current is not None and int(str(current).lstrip("gnu")) < int(cppstd):
        raise ConanInvalidConfiguration(f"requires C++{cppstd}, profile has C++{current}")


def can_run(conanfile):
    return True


def copy(conanfile, pattern, src, dst, keep_path=True, excludes=None):
    copied = []
    for root, _, files in os.walk(src):
        for name in files:
            relative = os.path.relpath(os.path.join(root, name), src)
            if fnmatch.fnmatch(relative, pattern) and not any(
                    fnmatch.fnmatch(relative, e) for e in (excludes or ())):
                target = os.path.join(dst, relative if keep_path else name)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(os.path.join(root, name), target)
                copied.append(target)
    return copied


def load(conanfile, path, encoding="utf-8"):
    with open(path, encoding=encoding) as f:
        return f.read()


def save(conanfile, path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)


def rmdir(conanfile, path):
    shutil.rmtree(path, ignore_errors=True)


class CMakeToolchain:
    def __init__(self, conanfile):
        self.conanfile = conanfile
        self.cache_variables = {}
        self.variables = {}

    def generate(self):
        c = self.conanfile
        lines = [f'set(CMAKE_CXX_STANDARD {c.settings.compiler.cppstd})',
                 'set(CMAKE_CXX_STANDARD_REQUIRED ON)',
                 'set(CMAKE_CXX_EXTENSIONS OFF)',
                 f'string(APPEND CMAKE_CXX_FLAGS_INIT " {ARGS.cxxflags}")',
                 # As conan_toolchain.cmake does: find the CMakeDeps files first.
                 f'list(PREPEND CMAKE_PREFIX_PATH "{c.generators_folder}")',
                 'set(CMAKE_FIND_PACKAGE_PREFER_CONFIG ON)']
        lines += [f'set({k} "{v}")' for k, v in self.variables.items()]
        save(c, os.path.join(c.generators_folder, "conan_toolchain.cmake"), "\n".join(lines) + "\n")
        save(c, os.path.join(c.generators_folder, "cache_variables.json"),
             json.dumps(self.cache_variables))


class CMake:
    def __init__(self, conanfile):
        self.conanfile = conanfile

    def configure(self, variables=None):
        c = self.conanfile
        with open(os.path.join(c.generators_folder, "cache_variables.json")) as f:
            cache = json.load(f)
        cache.update(variables or {})
        command = [shutil.which("cmake"), "-S", c.source_folder, "-B", c.build_folder,
                   "-G", ARGS.generator, f"-DCMAKE_CXX_COMPILER={ARGS.cxx}",
                   "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(c.generators_folder, "conan_toolchain.cmake"),
                   f"-DCMAKE_BUILD_TYPE={c.settings.build_type}"]
        if ARGS.make_program:
            command.append(f"-DCMAKE_MAKE_PROGRAM={ARGS.make_program}")
        if getattr(c, "package_folder", None):
            command.append(f"-DCMAKE_INSTALL_PREFIX={c.package_folder}")
        command += [f"-D{k}={v}" for k, v in cache.items()]
        run(command)

    def build(self, target=None):
        run([shutil.which("cmake"), "--build", self.conanfile.build_folder]
            + (["--target", target] if target else []))

    def install(self):
        run([shutil.which("cmake"), "--install", self.conanfile.build_folder, "--config", "Release",
             "--prefix", self.conanfile.package_folder])


class CMakeDeps:
    """Writes what CMakeDeps writes for a header-library: <cmake_file_name>-config.cmake with an
    INTERFACE IMPORTED <cmake_target_name>, and a version file."""

    def __init__(self, conanfile):
        self.conanfile = conanfile

    def generate(self):
        for dep in self.conanfile.dependencies:
            info = dep.cpp_info
            file_name = info.get_property("cmake_file_name") or dep.name
            target = info.get_property("cmake_target_name") or f"{dep.name}::{dep.name}"
            includes = ";".join(os.path.join(dep.package_folder, d) for d in info.includedirs)
            config = (f'set({file_name}_FOUND 1)\nset({file_name}_VERSION "{dep.version}")\n'
                      f'if(NOT TARGET {target})\n'
                      f'  add_library({target} INTERFACE IMPORTED)\n'
                      f'  set_target_properties({target} PROPERTIES\n'
                      f'    INTERFACE_INCLUDE_DIRECTORIES "{includes}")\n'
                      f'endif()\n')
            version = (f'set(PACKAGE_VERSION "{dep.version}")\n'
                       'if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)\n'
                       '  set(PACKAGE_VERSION_COMPATIBLE FALSE)\nelse()\n'
                       '  set(PACKAGE_VERSION_COMPATIBLE TRUE)\nendif()\n')
            folder = self.conanfile.generators_folder
            save(self.conanfile, os.path.join(folder, f"{file_name.lower()}-config.cmake"), config)
            save(self.conanfile, os.path.join(folder, f"{file_name.lower()}-config-version.cmake"),
                 version)


class PkgConfigDeps:
    def __init__(self, conanfile):
        self.conanfile = conanfile

    def generate(self):
        for dep in self.conanfile.dependencies:
            info = dep.cpp_info
            name = info.get_property("pkg_config_name") or dep.name
            cflags = " ".join("-I${prefix}/" + d for d in info.includedirs)
            save(self.conanfile, os.path.join(self.conanfile.generators_folder, f"{name}.pc"),
                 f"prefix={dep.package_folder}\n\nName: {name}\nDescription: Conan package\n"
                 f"Version: {dep.version}\nCflags: {cflags}\n")


class VirtualRunEnv:
    def __init__(self, conanfile):
        pass

    def generate(self):
        pass


def install_stand_ins():
    modules = {
        "conan": {"ConanFile": ConanFile},
        "conan.errors": {"ConanInvalidConfiguration": ConanInvalidConfiguration,
                         "ConanException": ConanException},
        "conan.tools": {},
        "conan.tools.build": {"check_min_cppstd": check_min_cppstd, "can_run": can_run},
        "conan.tools.cmake": {"CMake": CMake, "CMakeToolchain": CMakeToolchain,
                              "CMakeDeps": CMakeDeps, "cmake_layout": cmake_layout},
        "conan.tools.files": {"copy": copy, "load": load, "save": save, "rmdir": rmdir},
        "conan.tools.layout": {"basic_layout": cmake_layout},
        "conan.tools.env": {"VirtualRunEnv": VirtualRunEnv},
        "conan.tools.gnu": {"PkgConfigDeps": PkgConfigDeps},
    }
    for name, members in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(members)
        sys.modules[name] = module


def load_recipe(path):
    spec = importlib.util.spec_from_file_location(f"recipe_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recipes = [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, ConanFile) and v is not ConanFile]
    if len(recipes) != 1:
        fail(f"{path}: expected one ConanFile class, found {len(recipes)}")
    return recipes[0]


def new_conanfile(recipe_class, recipe_folder, cppstd, build_type="Release"):
    conanfile = recipe_class()
    conanfile.recipe_folder = recipe_folder
    conanfile.settings = Settings(cppstd, build_type)
    return conanfile


def generators(conanfile):
    classes = {"CMakeDeps": CMakeDeps, "CMakeToolchain": CMakeToolchain,
               "VirtualRunEnv": VirtualRunEnv, "PkgConfigDeps": PkgConfigDeps}
    names = conanfile.generators
    for name in ([names] if isinstance(names, str) else names):
        if name not in classes:
            fail(f"generator {name} is not emulated")
        classes[name](conanfile).generate()
    if hasattr(conanfile, "generate"):
        conanfile.generate()


# --- conan create -------------------------------------------------------------------------------

def create_package(source, work):
    recipe_class = load_recipe(os.path.join(source, "conanfile.py"))
    if recipe_class.package_type != "header-library":
        fail(f"package_type is {recipe_class.package_type!r}, not 'header-library'")
    if recipe_class.name != "dockimg":
        fail(f"name is {recipe_class.name!r}")
    # The recipe and the vcpkg port configure the project alike (the port also places the CMake
    # and pkg-config files, which Conan drops).
    with open(os.path.join(source, "ports", "vcpkg", "dockimg", "portfile.cmake")) as f:
        port = dict(re.findall(r"^\s*-D(DOCKIMG_\w+?)(?::\w+)?=(\S+)\s*$", f.read(), re.M))
    for layout_only in ("DOCKIMG_INSTALL_CMAKEDIR", "DOCKIMG_INSTALL_PKGCONFIGDIR"):
        port.pop(layout_only, None)
    if port != recipe_class.cmake_options:
        fail(f"the port's options {port} differ from the recipe's {recipe_class.cmake_options}")

    # conan export: only exports_sources reach the cache.
    export = os.path.join(work, "export_source")
    shutil.rmtree(work, ignore_errors=True)
    patterns = recipe_class.exports_sources
    for pattern in ([patterns] if isinstance(patterns, str) else patterns):
        if not copy(None, pattern, source, export, excludes=("build/*",)):
            fail(f"exports_sources pattern {pattern!r} matches nothing")

    # A C++14 profile must be refused by validate().
    old = new_conanfile(recipe_class, source, "14")
    try:
        old.validate()
        fail("validate() accepted compiler.cppstd=14")
    except ConanInvalidConfiguration as e:
        print(f"conan_emulate: C++14 profile rejected: {e}")

    conanfile = new_conanfile(recipe_class, source, ARGS.cppstd[0])
    conanfile.set_version()
    with open(os.path.join(source, "include", "dockimg", "version.hpp")) as f:
        expected = re.search(r'#define DOCKIMG_VERSION_STRING "([^"]+)"', f.read()).group(1)
    if conanfile.version != expected:
        fail(f"set_version() gave {conanfile.version!r}, version.hpp says {expected!r}")
    conanfile.layout()
    conanfile.source_folder = export  # no_copy_source: the build reads the export directly
    conanfile.build_folder = os.path.join(work, "build", "Release")
    conanfile.generators_folder = os.path.join(conanfile.build_folder, "generators")
    conanfile.package_folder = os.path.join(work, "package")
    conanfile.validate()
    generators(conanfile)
    conanfile.build()
    conanfile.package()
    conanfile.package_id()
    if not conanfile.info.cleared:
        fail("package_id() does not call self.info.clear()")
    conanfile.package_info()

    info = conanfile.cpp_info
    problems = []
    if info.components:
        problems.append("components are not emulated")
    for prop, value in (("cmake_file_name", "dockimg"), ("cmake_target_name", "dockimg::dockimg"),
                        ("pkg_config_name", "dockimg")):
        if info.get_property(prop) != value:
            problems.append(f"cpp_info property {prop} is {info.get_property(prop)!r}, not {value!r}")
    if info.bindirs or info.libdirs or info.libs:
        problems.append("a header-library must have empty bindirs, libdirs and libs")
    files = sorted(os.path.relpath(os.path.join(r, n), conanfile.package_folder)
                   for r, _, ns in os.walk(conanfile.package_folder) for n in ns)
    for f in files:
        if not (re.fullmatch(r"include/dockimg/[^/]+\.hpp|include/dockimg/detail/[^/]+\.hpp", f)
                or f == "licenses/LICENSE"):
            problems.append(f"unexpected file in the package: {f}")
    for f in ("include/dockimg/dockimg.hpp", "licenses/LICENSE"):
        if f not in files:
            problems.append(f"missing in the package: {f}")
    if problems:
        fail("; ".join(problems))
    print(f"conan_emulate: package dockimg/{conanfile.version}: {len(files)} files, "
          f"package_id cleared, target {info.get_property('cmake_target_name')}")
    return types.SimpleNamespace(name=recipe_class.name, version=conanfile.version, cpp_info=info,
                                 package_folder=conanfile.package_folder)


def test_package(source, work, dep, cppstd):
    folder = os.path.join(source, "test_package")
    recipe_class = load_recipe(os.path.join(folder, "conanfile.py"))
    # A Debug profile for the consumer: the package is the same for every profile (package_id is
    # cleared) and an unoptimised build keeps the test short.
    conanfile = new_conanfile(recipe_class, folder, cppstd, "Debug")
    conanfile.tested_reference_str = f"{dep.name}/{dep.version}"
    conanfile.requirements()
    if conanfile.required != [conanfile.tested_reference_str]:
        fail(f"test_package requires {conanfile.required}")
    conanfile.dependencies = [dep]
    conanfile.layout()
    conanfile.source_folder = folder
    conanfile.build_folder = os.path.join(work, f"test_package_cxx{cppstd}", "build", "Debug")
    conanfile.generators_folder = os.path.join(conanfile.build_folder, "generators")
    shutil.rmtree(os.path.dirname(os.path.dirname(conanfile.build_folder)), ignore_errors=True)
    generators(conanfile)
    PkgConfigDeps(conanfile).generate()
    conanfile.build()
    conanfile.test()
    print(f"conan_emulate: test_package C++{cppstd}: built and ran", flush=True)

    # The same source through PkgConfigDeps' dockimg.pc.
    command = [shutil.which("cmake"), f"-DPKG_CONFIG={ARGS.pkg_config}",
               f"-DPC_DIR={conanfile.generators_folder}", f"-DCXX={ARGS.cxx}",
               f"-DFLAGS={ARGS.cxxflags}", f"-DSTD={cppstd}",
               "-DSOURCE=" + os.path.join(folder, "test_package.cpp"),
               "-DOUT=" + os.path.join(conanfile.build_folder, "test_package_pkg_config"),
               "-P", os.path.join(source, "tests", "package", "pkg_config_consumer.cmake")]
    if ARGS.pkg_config:
        run(command)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--generator", required=True)
    parser.add_argument("--make-program", default="")
    parser.add_argument("--cxxflags", default="")
    parser.add_argument("--pkg-config", default="")
    parser.add_argument("--cppstd", action="append", required=True)
    ARGS = parser.parse_args()
    install_stand_ins()
    source = os.path.abspath(ARGS.source)
    work = os.path.abspath(ARGS.work)
    dep = create_package(source, os.path.join(work, "create"))
    for cppstd in ARGS.cppstd:
        test_package(source, work, dep, cppstd)
    print("conan_emulate: OK")


if __name__ == "__main__":
    main()

# Runs ports/vcpkg/dockimg/portfile.cmake the way `vcpkg install dockimg --overlay-ports=...` does,
# without vcpkg: the vcpkg helpers the port calls are replaced by stand-ins that do what vcpkg's do
# for this port (configure with the port's OPTIONS, install into the package directory, move and
# check the CMake config, make dockimg.pc relocatable, install the copyright), then the result is
# checked against vcpkg's post-build rules for a header-only port.
#
#   cmake -DPORT_DIR=<repo>/ports/vcpkg/dockimg -DWORK_DIR=<scratch> -DCXX_COMPILER=<c++>
#         -DGENERATOR=<generator> [-DMAKE_PROGRAM=<make program>] -P vcpkg_emulate.cmake
#
# The package ends up in WORK_DIR/packages/dockimg_x64-linux (vcpkg's layout: include/, share/).
cmake_minimum_required(VERSION 3.21)
foreach(_var IN ITEMS PORT_DIR WORK_DIR CXX_COMPILER GENERATOR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "vcpkg_emulate: -D${_var}=... is required")
  endif()
endforeach()

# What vcpkg knows before it runs a portfile: the name and version from vcpkg.json, the triplet,
# and the directories.
file(READ "${PORT_DIR}/vcpkg.json" _manifest)
string(JSON PORT GET "${_manifest}" name)
string(JSON VERSION GET "${_manifest}" version)
set(TARGET_TRIPLET x64-linux)
set(CURRENT_PACKAGES_DIR "${WORK_DIR}/packages/${PORT}_${TARGET_TRIPLET}")
set(CURRENT_BUILDTREES_DIR "${WORK_DIR}/buildtrees/${PORT}")
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}" "${CURRENT_BUILDTREES_DIR}")
file(MAKE_DIRECTORY "${CURRENT_PACKAGES_DIR}" "${CURRENT_BUILDTREES_DIR}")

function(_emulate_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "vcpkg_emulate: command failed (${_rc}): ${ARGN}")
  endif()
endfunction()

# vcpkg_cmake_configure: one Release configuration when VCPKG_BUILD_TYPE is release (as here),
# with vcpkg's own cache entries and the port's OPTIONS / OPTIONS_RELEASE.
function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS;OPTIONS_RELEASE;OPTIONS_DEBUG")
  if(NOT VCPKG_BUILD_TYPE STREQUAL "release")
    message(FATAL_ERROR "vcpkg_emulate: a header-only port should set VCPKG_BUILD_TYPE release")
  endif()
  message(STATUS "vcpkg_cmake_configure OPTIONS ${arg_OPTIONS} ${arg_OPTIONS_RELEASE}")
  set(_make)
  if(MAKE_PROGRAM)
    set(_make "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  _emulate_run(
    "${CMAKE_COMMAND}" -S "${arg_SOURCE_PATH}" -B "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel"
    -G "${GENERATOR}" ${_make} "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_INSTALL_PREFIX=${CURRENT_PACKAGES_DIR}" -DCMAKE_INSTALL_LIBDIR:STRING=lib
    -DCMAKE_INSTALL_BINDIR:STRING=bin -DFETCHCONTENT_FULLY_DISCONNECTED=ON
    -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
    -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON -DCMAKE_INSTALL_SYSTEM_RUNTIME_LIBS_SKIP=TRUE
    ${arg_OPTIONS} ${arg_OPTIONS_RELEASE})
  set(_vcpkg_configured "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel" PARENT_SCOPE)
  set_property(GLOBAL PROPERTY _vcpkg_build_dir "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel")
endfunction()

# vcpkg_cmake_install: builds the install target.
function(vcpkg_cmake_install)
  get_property(_dir GLOBAL PROPERTY _vcpkg_build_dir)
  _emulate_run("${CMAKE_COMMAND}" --build "${_dir}" --config Release --target install)
endfunction()

# vcpkg_cmake_config_fixup: moves CONFIG_PATH to share/<PACKAGE_NAME> and makes the files
# relocatable. dockimg's files must already be relocatable: fail on an absolute path to the package.
function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "CONFIG_PATH;PACKAGE_NAME" "")
  if(NOT arg_PACKAGE_NAME)
    set(arg_PACKAGE_NAME "${PORT}")
  endif()
  if(NOT arg_CONFIG_PATH)
    set(arg_CONFIG_PATH "share/${arg_PACKAGE_NAME}")
  endif()
  set(_from "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}")
  set(_to "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
  if(NOT IS_DIRECTORY "${_from}")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: '${_from}' does not exist")
  endif()
  if(NOT _from STREQUAL _to)
    file(MAKE_DIRECTORY "${_to}")
    file(GLOB _files "${_from}/*")
    file(COPY ${_files} DESTINATION "${_to}")
    file(REMOVE_RECURSE "${_from}")
  endif()
  file(GLOB _configs "${_to}/*.cmake")
  foreach(_file IN LISTS _configs)
    file(READ "${_file}" _text)
    string(FIND "${_text}" "${CURRENT_PACKAGES_DIR}" _at)
    if(NOT _at EQUAL -1)
      message(FATAL_ERROR "vcpkg_cmake_config_fixup: ${_file} names the package directory")
    endif()
  endforeach()
endfunction()

# vcpkg_fixup_pkgconfig: the package directory becomes ${prefix}, and prefix ${pcfiledir}/../..
function(vcpkg_fixup_pkgconfig)
  file(GLOB _pcs "${CURRENT_PACKAGES_DIR}/lib/pkgconfig/*.pc"
       "${CURRENT_PACKAGES_DIR}/share/pkgconfig/*.pc")
  if(NOT _pcs)
    message(FATAL_ERROR "vcpkg_fixup_pkgconfig: no .pc file installed")
  endif()
  foreach(_pc IN LISTS _pcs)
    file(READ "${_pc}" _text)
    string(REPLACE "prefix=${CURRENT_PACKAGES_DIR}\n" "prefix=\${pcfiledir}/../..\n" _text "${_text}")
    string(REPLACE "${CURRENT_PACKAGES_DIR}" "\${prefix}" _text "${_text}")
    file(WRITE "${_pc}" "${_text}")
  endforeach()
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "FILE_LIST")
  set(_text "")
  foreach(_file IN LISTS arg_FILE_LIST)
    file(READ "${_file}" _part)
    string(APPEND _text "${_part}")
  endforeach()
  file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${_text}")
endfunction()

# vcpkg_from_github / vcpkg_from_git would need the network: a port tested here must not use them.
function(vcpkg_from_github)
  message(FATAL_ERROR "vcpkg_emulate: vcpkg_from_github needs the network")
endfunction()

include("${PORT_DIR}/portfile.cmake")

# vcpkg's post-build checks, as they apply to a header-only port.
set(_errors "")
foreach(_required IN ITEMS include/dockimg/dockimg.hpp include/dockimg/version.hpp
                           share/${PORT}/dockimgConfig.cmake share/${PORT}/dockimgConfigVersion.cmake
                           share/${PORT}/dockimgTargets.cmake share/${PORT}/copyright
                           share/${PORT}/usage share/pkgconfig/dockimg.pc)
  if(NOT EXISTS "${CURRENT_PACKAGES_DIR}/${_required}")
    list(APPEND _errors "missing ${_required}")
  endif()
endforeach()
file(GLOB_RECURSE _all RELATIVE "${CURRENT_PACKAGES_DIR}" "${CURRENT_PACKAGES_DIR}/*")
foreach(_file IN LISTS _all)
  if(NOT _file MATCHES "^(include/dockimg/.*\\.hpp|share/${PORT}/[^/]+|share/pkgconfig/dockimg\\.pc)$")
    list(APPEND _errors "unexpected file ${_file}")
  endif()
endforeach()
foreach(_dir IN ITEMS debug lib bin tools)
  if(EXISTS "${CURRENT_PACKAGES_DIR}/${_dir}")
    list(APPEND _errors "a header-only port must not install ${_dir}/")
  endif()
endforeach()
if(EXISTS "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright")
  file(READ "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" _copyright)
  if(NOT _copyright MATCHES "Apache License")
    list(APPEND _errors "share/${PORT}/copyright is not the license")
  endif()
endif()
if(_errors)
  list(JOIN _errors "\n  " _errors)
  message(FATAL_ERROR "vcpkg_emulate: post-build checks failed:\n  ${_errors}")
endif()
list(LENGTH _all _count)
message(STATUS "vcpkg_emulate: ${PORT} ${VERSION} installed to ${CURRENT_PACKAGES_DIR} (${_count} files)")

# Builds and runs one source file with `pkg-config --cflags dockimg`, the way a Makefile user does:
#   cmake -DPKG_CONFIG=<pkg-config> -DPC_DIR=<dir of dockimg.pc> -DCXX=<c++> [-DFLAGS="<flags>"]
#         -DSTD=17|20 -DSOURCE=<file.cpp> -DOUT=<binary> -P pkg_config_consumer.cmake
# Always adds -fno-exceptions -fno-rtti.
cmake_minimum_required(VERSION 3.21)
foreach(_var IN ITEMS PKG_CONFIG PC_DIR CXX STD SOURCE OUT)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "pkg_config_consumer: -D${_var}=... is required")
  endif()
endforeach()
set(ENV{PKG_CONFIG_PATH} "${PC_DIR}")
execute_process(COMMAND "${PKG_CONFIG}" --cflags dockimg RESULT_VARIABLE _rc
                OUTPUT_VARIABLE _cflags OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "pkg_config_consumer: pkg-config --cflags dockimg failed in ${PC_DIR}")
endif()
message(STATUS "pkg-config --cflags dockimg: ${_cflags}")
separate_arguments(_cflags UNIX_COMMAND "${_cflags}")
separate_arguments(_flags UNIX_COMMAND "${FLAGS}")
get_filename_component(_out_dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${_out_dir}")
set(_command "${CXX}" ${_flags} -std=c++${STD} -fno-exceptions -fno-rtti ${_cflags} "${SOURCE}" -o
             "${OUT}")
list(JOIN _command " " _shown)
message(STATUS "${_shown}")
execute_process(COMMAND ${_command} RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "pkg_config_consumer: compilation failed")
endif()
execute_process(COMMAND "${OUT}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "pkg_config_consumer: ${OUT} exited with ${_rc}")
endif()

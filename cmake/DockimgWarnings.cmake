include_guard(GLOBAL)

# dockimg_target_warnings(<target>)
#
# The warning set for dockimg's own tests, examples, benchmarks and fuzzers. Never applied to the
# dockimg INTERFACE target: users choose their own flags. DOCKIMG_WERROR adds -Werror.
function(dockimg_target_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(DOCKIMG_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
    if(DOCKIMG_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# CTest integration: run a `tconv explore` campaign as part of YOUR project's `ctest`.
# Add to your CMakeLists.txt (after the target that builds your plugin, here `myconv`):
#
#   include(path/to/CTestExplore.cmake)
#   tconv_explore_test(NAME myconv.explore PLUGIN myconv CASES 2000
#                      CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/tests/tconv-corpus)
#
# TCONV_EXECUTABLE must name the `tconv` command (found on PATH by default). The test passes
# on exit status 0 and fails on a counterexample (1) or a usage error (2); the corpus is replayed
# first, so a fixed bug stays fixed. `ctest` runs it with the rest of your tests; a Bazel-style
# sharded runner may set TEST_TOTAL_SHARDS / TEST_SHARD_INDEX, which tconv explore honours.
find_program(TCONV_EXECUTABLE tconv)

function(tconv_explore_test)
  cmake_parse_arguments(T "" "NAME;PLUGIN;COMMAND;CASES;SEED;CORPUS;PRECISION;TIMEOUT" "" ${ARGN})
  if(NOT TCONV_EXECUTABLE)
    message(WARNING "tconv_explore_test(${T_NAME}): no tconv executable (set TCONV_EXECUTABLE)")
    return()
  endif()
  set(args explore --cases ${T_CASES})
  if(T_PLUGIN)
    list(APPEND args --impl $<TARGET_FILE:${T_PLUGIN}>)
  else()
    list(APPEND args --cmd "${T_COMMAND}")
  endif()
  if(T_SEED)
    list(APPEND args --seed ${T_SEED})
  endif()
  if(T_CORPUS)
    list(APPEND args --corpus ${T_CORPUS})
  endif()
  if(T_PRECISION)
    list(APPEND args --precision ${T_PRECISION})
  endif()
  list(APPEND args --junit ${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}.junit.xml)
  add_test(NAME ${T_NAME} COMMAND ${TCONV_EXECUTABLE} ${args})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS tconv_explore TIMEOUT ${T_TIMEOUT})
endfunction()

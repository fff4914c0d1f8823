# Catch2, v3 when it is installed, else v2 (Debian 12 ships v2.13). The tests include
# "tests/catch.hpp", which includes the right header and gives v3 the few v2 spellings they use.
# This file defines:
#   preempt_catch2        Catch2 itself, the include path of tests/catch.hpp, PREEMPT_CATCH2_V3 for v3
#   preempt_catch2_main   the same with a main(): v3's Catch2::Catch2WithMain; with v2 the main is
#                         the test_main.cpp files (CATCH_CONFIG_MAIN), which v3 compiles to nothing
#   catch_discover_tests  from Catch2's own Catch.cmake (its cmake dir, the same for v2 and v3)
#   PREEMPT_CATCH2_WARN   the test runner's option that fails a run whose test spec matches no test:
#                         `--warn NoTests` in v2, `--warn UnmatchedTestSpec` in v3 (which has no
#                         NoTests and rejects it); for catch_discover_tests(... EXTRA_ARGS)
find_package(Catch2 3 QUIET CONFIG)
if(Catch2_FOUND)
  set(PREEMPT_CATCH2_MAJOR 3)
else()
  find_package(Catch2 2 REQUIRED CONFIG)
  set(PREEMPT_CATCH2_MAJOR 2)
endif()
message(STATUS "Catch2 ${Catch2_VERSION} (v${PREEMPT_CATCH2_MAJOR}) from ${Catch2_DIR}")

add_library(preempt_catch2 INTERFACE)
target_link_libraries(preempt_catch2 INTERFACE Catch2::Catch2)
target_include_directories(preempt_catch2 INTERFACE ${PROJECT_SOURCE_DIR})
add_library(preempt_catch2_main INTERFACE)
target_link_libraries(preempt_catch2_main INTERFACE preempt_catch2)
if(PREEMPT_CATCH2_MAJOR EQUAL 3)
  target_compile_definitions(preempt_catch2 INTERFACE PREEMPT_CATCH2_V3)
  target_link_libraries(preempt_catch2_main INTERFACE Catch2::Catch2WithMain)
  set(PREEMPT_CATCH2_WARN --warn UnmatchedTestSpec)
else()
  set(PREEMPT_CATCH2_WARN --warn NoTests)
endif()

if(EXISTS "${Catch2_DIR}/Catch.cmake")
  include("${Catch2_DIR}/Catch.cmake")
else()
  include(Catch)  # found through CMAKE_MODULE_PATH, which Catch2's config extends
endif()

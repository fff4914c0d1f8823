# libFuzzer build (PREEMPT_FUZZ=ON): clang only. Every target is instrumented for coverage
# (-fsanitize=fuzzer-no-link) and built with ASan+UBSan (PREEMPT_SANITIZE, which also selects
# Boost.Context's ucontext back end so ASan sees the fiber switches); the targets in fuzz/ link
# libFuzzer's main. scripts/fuzz.sh configures, builds and runs them.
if(PREEMPT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "PREEMPT_FUZZ needs clang (configure with -DCMAKE_CXX_COMPILER=clang++)")
  endif()
  set(PREEMPT_SANITIZE ON CACHE BOOL "Build with AddressSanitizer + UndefinedBehaviorSanitizer" FORCE)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

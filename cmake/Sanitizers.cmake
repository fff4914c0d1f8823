# ASan + UBSan build. Boost.Context's fcontext switches stacks behind ASan's back, so the
# sanitizer build uses the ucontext implementation, which announces every switch to ASan
# (__sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber).
if(PREEMPT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(BOOST_USE_UCONTEXT BOOST_USE_ASAN)
endif()

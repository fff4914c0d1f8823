# preempt_warnings: the warning set every target of the project links to.
# Central switches over kinds (ops, violations, builtins) list every enumerator and have no
# `default:`, so -Wswitch (in -Wall) catches a kind added to a .def file and forgotten in a switch.
# Partial switches use `default:`; -Wswitch-enum would forbid that, so it is not enabled.
add_library(preempt_warnings INTERFACE)
target_compile_options(preempt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  -Wno-missing-field-initializers)
if(PREEMPT_WERROR)
  target_compile_options(preempt_warnings INTERFACE -Werror)
endif()

// The resolver and checker: syntax tree -> resolved Program (ast.hpp).
//
// resolve() binds every name and checks every static rule of docs/scenario-language.md:
// duplicate and undeclared names, arities and argument kinds of calls, int/void use of calls,
// lvalues, `self`, break/continue/return placement, await purity, release and exit functions,
// `in MODULE`, expectations, and that there is a thread. It works in passes so that names may
// be used before their declaration: (1) declare every global, (2) link the declarations that
// name functions or modules, (3) resolve the bodies.
//
// Protocol: only call it on a tree that parsed without errors. Errors go to `diags` (which must
// have `source` as its current file); when diags gained errors the returned Program is
// incomplete and must be discarded. Work is linear in the size of the tree (hash lookups).
#pragma once

#include <memory>

#include "checker/lang/ast.hpp"
#include "checker/lang/diagnostics.hpp"
#include "checker/lang/parser.hpp"
#include "checker/lang/source.hpp"

namespace preempt::lang {

// prelude_line: the first line of the kernel prelude in the source (prelude.hpp), 0 for none.
// record_names: fill Program::names (for editors; compiling does without it).
[[nodiscard]] Program resolve(const syntax::Tree& tree, std::shared_ptr<const SourceFile> source,
                              Diagnostics& diags, uint32_t prelude_line = 0, bool record_names = false);

}  // namespace preempt::lang

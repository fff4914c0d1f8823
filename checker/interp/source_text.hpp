#pragma once
// The source text of a construct, cut from its line, for traces: what a thread did, as written.
#include <string>

#include "checker/lang/ast.hpp"

namespace preempt::interp::detail {

// The text between the parentheses that follow `loc` on its line: "counter == 2" for
// `assert(counter == 2);`.
[[nodiscard]] std::string paren_text(const lang::Program& program, lang::SourceLoc loc);
// A call as written, from its name at `loc` to its closing parenthesis: "kref_put(&c->ref, release)".
[[nodiscard]] std::string call_text(const lang::Program& program, lang::SourceLoc loc);
// An assignment as written, from `loc` to its ';' (or the ')' that closes a for header):
// "c->flags = 1", "counter++".
[[nodiscard]] std::string statement_text(const lang::Program& program, lang::SourceLoc loc);

}  // namespace preempt::interp::detail

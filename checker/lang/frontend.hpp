// The one entry point of the scenario front end: text -> checked, resolved Program.
//
// compile_frontend() lexes, parses and resolves one scenario file. It makes diags' current file
// this one (so later stages may add errors about it with diags.error(loc, message)). On any
// error it returns nullopt and diags holds the errors (at most Diagnostics::kMaxErrors, plus a
// "too many errors" entry); resolution is skipped when parsing failed, so that one syntax error
// does not cause a cascade of name errors. On success the Program satisfies every invariant of
// ast.hpp and diags gained nothing. A Diagnostics that is already full() fails every later
// file without looking at it (its errors would be dropped anyway).
//
// Input of any content and size up to kMaxSourceBytes is handled in linear time: a binary file,
// a 10 MB file, an empty file each get a clear error or a correct result.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "checker/lang/ast.hpp"
#include "checker/lang/diagnostics.hpp"

namespace preempt::lang {

// Larger files are refused (positions are 32-bit).
inline constexpr size_t kMaxSourceBytes = size_t{1} << 30;

// Parses and checks one scenario; on any error returns nullopt and diags holds the errors.
[[nodiscard]] std::optional<Program> compile_frontend(std::string_view path, std::string_view text,
                                                      Diagnostics& diags);

// As compile_frontend, for an editor: also when the resolver found errors it returns the Program
// as far as it resolved, for its declaration tables and Program::names only (its bodies may break
// the invariants of ast.hpp: never compile it). nullopt when the file does not parse. Only this entry
// fills Program::names (compile_frontend leaves it empty: compiling does without it).
[[nodiscard]] std::optional<Program> analyze_frontend(std::string_view path, std::string_view text,
                                                      Diagnostics& diags);

}  // namespace preempt::lang

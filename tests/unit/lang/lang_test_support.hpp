// Helpers shared by the front-end unit tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tests/catch.hpp"

#include "checker/lang/frontend.hpp"

namespace preempt::lang::test {

// Compiles `text` as file "t.scn"; the rendered errors, or "" when it compiled.
inline std::string errors_of(std::string_view text) {
  Diagnostics diags;
  std::optional<Program> program = compile_frontend("t.scn", text, diags);
  CHECK(program.has_value() == !diags.has_errors());
  return diags.render();
}

// The first line of the first error ("t.scn:L:C: error: ..."), or "" when it compiled.
inline std::string first_error(std::string_view text) {
  std::string all = errors_of(text);
  return all.substr(0, all.find('\n'));
}

// Every "FILE:L:C: error: MESSAGE" line, without the source and caret lines.
inline std::string error_lines(std::string_view text) {
  std::string all = errors_of(text);
  std::string out;
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find('\n', pos);
    std::string_view line(all.data() + pos, end - pos);
    if (line.rfind("t.scn:", 0) == 0) {
      out += line;
      out += '\n';
    }
    pos = end + 1;
  }
  return out;
}

// The first line of the first warning ("t.scn:L:C: warning: ..."), or "" when there is none.
inline std::string first_warning(std::string_view text) {
  Diagnostics diags;
  (void)compile_frontend("t.scn", text, diags);
  const std::string all = diags.render_warnings();
  return all.substr(0, all.find('\n'));
}

// Compiles `text`, which must be free of errors (they are shown on failure).
inline Program compile_ok(std::string_view text) {
  Diagnostics diags;
  std::optional<Program> program = compile_frontend("t.scn", text, diags);
  INFO(diags.render());
  REQUIRE(program.has_value());
  return std::move(*program);
}

// The dump of a program compiled from `text` (which must be free of errors).
inline std::string dump_of(std::string_view text) { return dump(compile_ok(text)); }

}  // namespace preempt::lang::test

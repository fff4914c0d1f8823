#include "checker/lang/frontend.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "checker/lang/parser.hpp"
#include "checker/lang/prelude.hpp"
#include "checker/lang/resolver.hpp"

namespace preempt::lang {

namespace {

// Program::names in source order, one per position (a name a pass looked at twice is noted twice).
void order_names(std::vector<NameUse>& names) {
  const auto before = [](const NameUse& a, const NameUse& b) {
    return a.loc.line != b.loc.line ? a.loc.line < b.loc.line : a.loc.col < b.loc.col;
  };
  std::stable_sort(names.begin(), names.end(), before);
  names.erase(std::unique(names.begin(), names.end(), [](const NameUse& a, const NameUse& b) { return a.loc == b.loc; }),
              names.end());
}

// Both entry points: the program as far as it resolved (nullopt when it does not parse).
std::optional<Program> front_end(std::string_view path, std::string_view text, Diagnostics& diags, bool record_names) {
  auto file = std::make_shared<const SourceFile>(path, text);
  diags.set_source(file);
  size_t errors_before = diags.reported();
  if (text.size() > kMaxSourceBytes) {
    diags.error(SourceLoc{}, fmt::format("file too large ({} bytes; the limit is {} bytes)",
                                         text.size(), kMaxSourceBytes));
    return std::nullopt;
  }
  // The tree's names are views into file->text(), which `file` keeps alive past resolve().
  syntax::Tree tree = syntax::parse(file->text(), diags);
  if (diags.reported() != errors_before || diags.full()) return std::nullopt;
  // The kernel prelude (built-in code in the language, prelude.hpp) follows the scenario's last
  // line, once the scenario parses on its own (so that its syntax errors never reach into the
  // prelude): the prelude's lines come after the scenario's, and its steps are reported at the
  // scenario's calls into it.
  uint32_t prelude_line = 0;
  const Prelude prelude = kernel_prelude(text);
  if (!prelude.text.empty()) {
    const SourceLoc eof = tree.eof_loc;
    prelude_line = file->line_count() + 1;
    file = std::make_shared<const SourceFile>(path, std::string(text) + "\n" + prelude.text);
    diags.set_source(file);
    tree = syntax::parse(file->text(), diags);
    if (diags.reported() != errors_before || diags.full()) return std::nullopt;
    tree.eof_loc = eof;
  }
  Program program = resolve(tree, file, diags, prelude_line, record_names);
  for (const FunctionDecl& f : program.functions) {  // as for a builtin of ops.def (resolver.cpp)
    if (std::find(prelude.replaced.begin(), prelude.replaced.end(), f.name) == prelude.replaced.end()) continue;
    diags.warning(f.loc, fmt::format("'{}' is the name of a builtin; this scenario's own '{}' is used instead of "
                                     "the builtin",
                                     f.name, f.name));
  }
  order_names(program.names);
  return program;
}

}  // namespace

std::optional<Program> compile_frontend(std::string_view path, std::string_view text, Diagnostics& diags) {
  const size_t errors_before = diags.reported();
  std::optional<Program> program = front_end(path, text, diags, /*record_names=*/false);
  if (diags.reported() != errors_before) return std::nullopt;
  return program;
}

std::optional<Program> analyze_frontend(std::string_view path, std::string_view text, Diagnostics& diags) {
  return front_end(path, text, diags, /*record_names=*/true);
}

}  // namespace preempt::lang

#include "checker/lang/frontend.hpp"

#include <memory>

#include <fmt/format.h>

#include "checker/lang/parser.hpp"
#include "checker/lang/prelude.hpp"
#include "checker/lang/resolver.hpp"

namespace preempt::lang {

std::optional<Program> compile_frontend(std::string_view path, std::string_view text,
                                        Diagnostics& diags) {
  const std::string prelude = text.size() > kMaxSourceBytes ? std::string() : kernel_prelude(text);
  // The prelude (built-in kernel code in the language, prelude.hpp) follows the scenario's last
  // line: its lines come after the scenario's, and its steps are reported at the scenario's calls.
  auto file = prelude.empty() ? std::make_shared<const SourceFile>(path, text)
                              : std::make_shared<const SourceFile>(path, std::string(text) + "\n" + prelude);
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
  uint32_t prelude_line = 0;
  if (!prelude.empty()) {
    const SourceFile scenario(path, text);
    prelude_line = scenario.line_count() + 1;
    const uint32_t last = scenario.line_count();
    tree.eof_loc = SourceLoc{last, static_cast<uint32_t>(scenario.line(last).size() + 1)};
  }
  Program program = resolve(tree, file, diags, prelude_line);
  if (diags.reported() != errors_before) return std::nullopt;
  return program;
}

}  // namespace preempt::lang

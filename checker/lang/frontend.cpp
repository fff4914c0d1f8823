#include "checker/lang/frontend.hpp"

#include <memory>

#include <fmt/format.h>

#include "checker/lang/parser.hpp"
#include "checker/lang/resolver.hpp"

namespace preempt::lang {

std::optional<Program> compile_frontend(std::string_view path, std::string_view text,
                                        Diagnostics& diags) {
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
  Program program = resolve(tree, file, diags);
  if (diags.reported() != errors_before) return std::nullopt;
  return program;
}

}  // namespace preempt::lang

#include "checker/cli/lsp_queries.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/cli/builtin_docs.hpp"
#include "checker/interp/scenario.hpp"
#include "checker/lang/frontend.hpp"

namespace preempt::cli::lsp {

namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// What a diagnostic underlines: the word at its position, else one character, on its line.
TextRange diagnostic_range(const lang::SourceFile& file, lang::SourceLoc loc) {
  const uint32_t lines = file.line_count();
  if (loc.line == 0) return TextRange{{1, 1}, {1, 1}};
  if (loc.line > lines) {  // past the scenario (the kernel prelude): its end
    const auto last = static_cast<uint32_t>(file.line(lines).size()) + 1;
    return TextRange{{lines, last}, {lines, last}};
  }
  const std::string_view line = file.line(loc.line);
  std::size_t begin = std::min<std::size_t>(loc.col == 0 ? 0 : loc.col - 1, line.size());
  std::size_t end = begin;
  while (end < line.size() && is_identifier_char(line[end])) ++end;
  if (end == begin && end < line.size()) {
    uint32_t code_point = 0;
    end += static_cast<std::size_t>(std::max(1, lang::utf8_sequence(line.substr(end), &code_point)));
  }
  return TextRange{{loc.line, static_cast<uint32_t>(begin + 1)}, {loc.line, static_cast<uint32_t>(end + 1)}};
}

TextRange name_range(const lang::NameUse& use, lang::SourceLoc loc) {
  return TextRange{loc, lang::SourceLoc{loc.line, loc.col + use.length}};
}

std::string_view kind_word(lang::NameKind kind) {
  switch (kind) {
    case lang::NameKind::Module: return "module";
    case lang::NameKind::Constant: return "constant";
    case lang::NameKind::Global: return "global";
    case lang::NameKind::Function: return "function";
    case lang::NameKind::Thread: return "thread";
    case lang::NameKind::Struct: return "struct";
    case lang::NameKind::Field: return "field";
    case lang::NameKind::Local: return "local";
  }
  return "name";
}

// The doc rows of a builtin, prelude function or macro, as hover text; empty when none documents it.
std::string builtin_markdown(std::string_view name) {
  std::string out;
  for (const BuiltinDoc* d : builtin_docs(name)) {
    if (!out.empty()) out += "\n\n---\n\n";
    out += d->markdown;
    out += fmt::format("\n\n*{}, {}*", d->doc, d->section);
  }
  return out;
}

}  // namespace

std::optional<Word> word_at(std::string_view line, lang::SourceLoc at) {
  std::size_t begin = std::min<std::size_t>(at.col == 0 ? 0 : at.col - 1, line.size());
  std::size_t end = begin;
  while (begin > 0 && is_identifier_char(line[begin - 1])) --begin;
  while (end < line.size() && is_identifier_char(line[end])) ++end;
  if (begin == end || (line[begin] >= '0' && line[begin] <= '9')) return std::nullopt;
  return Word{line.substr(begin, end - begin), lang::SourceLoc{at.line, static_cast<uint32_t>(begin + 1)}};
}

DocumentAnalysis::DocumentAnalysis(std::string_view path, std::string text) : file_(path, text) {
  const std::string& source = file_.text();
  if (source.size() > interp::kMaxScenarioBytes) {
    diagnostics_.push_back(DiagnosticItem{
        {{1, 1}, {1, 1}},
        false,
        fmt::format("the document is too large ({} bytes; the limit is {} bytes)", source.size(),
                    interp::kMaxScenarioBytes)});
    return;
  }
  lang::Diagnostics diags;
  program_ = lang::analyze_frontend(path, source, diags);
  for (const lang::Diagnostic& d : diags.entries()) {
    diagnostics_.push_back(DiagnosticItem{diagnostic_range(file_, d.loc), false, d.message});
  }
  for (const lang::Diagnostic& d : diags.warnings()) {
    diagnostics_.push_back(DiagnosticItem{diagnostic_range(file_, d.loc), true, d.message});
  }
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const DiagnosticItem& a, const DiagnosticItem& b) {
    const lang::SourceLoc x = a.range.begin, y = b.range.begin;
    return x.line != y.line ? x.line < y.line : x.col < y.col;
  });
}

const lang::NameUse* DocumentAnalysis::name_at(lang::SourceLoc at) const {
  if (!program_) return nullptr;
  const std::vector<lang::NameUse>& names = program_->names;
  // The last name starting at or before `at` (names are in source order, one per position).
  auto it = std::upper_bound(names.begin(), names.end(), at, [](lang::SourceLoc loc, const lang::NameUse& use) {
    return loc.line != use.loc.line ? loc.line < use.loc.line : loc.col < use.loc.col;
  });
  if (it == names.begin()) return nullptr;
  --it;
  if (it->loc.line != at.line || at.col >= it->loc.col + it->length) return nullptr;
  if (program_->in_prelude(it->loc)) return nullptr;
  return &*it;
}

std::optional<lang::TypeId> DocumentAnalysis::type_of(const lang::NameUse& use) const {
  const lang::Program& p = *program_;
  switch (use.kind) {
    case lang::NameKind::Global: return p.globals.at(static_cast<std::size_t>(use.index)).type;
    case lang::NameKind::Local: return use.type;
    case lang::NameKind::Field: return p.structs.at(static_cast<std::size_t>(use.index)).fields.at(use.field).type;
    default: return std::nullopt;
  }
}

std::string DocumentAnalysis::declaration_line(lang::SourceLoc decl) const {
  std::string_view line = program_->source_line(decl.line);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  constexpr std::size_t kShown = 160;
  std::string shown(line.substr(0, kShown));
  if (line.size() > kShown) shown += " ...";
  return shown;
}

std::string DocumentAnalysis::describe(const lang::NameUse& use) const {
  const lang::Program& p = *program_;
  const std::string name(name_text(use));
  std::string what;
  if (const auto type = type_of(use)) {
    what = fmt::format("{} `{}`: `{}`", kind_word(use.kind), name, p.type_name(*type));
  } else {
    what = fmt::format("{} `{}`", kind_word(use.kind), name);
  }
  if (use.kind == lang::NameKind::Field) what += fmt::format(" of `struct {}`", p.structs.at(static_cast<std::size_t>(use.index)).name);
  if (use.kind == lang::NameKind::Function) {
    const lang::FunctionDecl& f = p.functions.at(static_cast<std::size_t>(use.index));
    what += fmt::format(" returning `{}`", p.type_name(f.result));
  }
  if (use.kind == lang::NameKind::Thread && p.threads.at(static_cast<std::size_t>(use.index)).count > 0) {
    what += fmt::format(" (an array of {} threads)", p.threads.at(static_cast<std::size_t>(use.index)).count);
  }
  if (use.decl.line == 0) return what + ", built-in: the language declares it";
  std::string out = fmt::format("```c\n{}\n```\n\n{}", declaration_line(use.decl), what);
  if (p.in_prelude(use.decl)) {
    out += ", built-in: kernel code of the language's prelude";
    if (const std::string docs = builtin_markdown(name); !docs.empty()) out += "\n\n---\n\n" + docs;
  } else {
    out += fmt::format(", declared at line {}", use.decl.line);
  }
  return out;
}

std::string_view DocumentAnalysis::name_text(const lang::NameUse& use) const {
  const std::string_view line = file_.line(use.loc.line);
  return use.loc.col - 1 < line.size() ? line.substr(use.loc.col - 1, use.length) : std::string_view();
}

std::optional<HoverItem> DocumentAnalysis::hover(lang::SourceLoc at) const {
  if (const lang::NameUse* use = name_at(at)) return HoverItem{name_range(*use, use->loc), describe(*use)};
  const std::optional<Word> word = word_at(file_.line(at.line), at);
  if (!word) return std::nullopt;
  std::string docs = builtin_markdown(word->text);
  if (docs.empty()) return std::nullopt;
  const TextRange range{word->begin, lang::SourceLoc{word->begin.line, word->begin.col + static_cast<uint32_t>(word->text.size())}};
  return HoverItem{range, fmt::format("builtin `{}`\n\n{}", word->text, docs)};
}

std::optional<DefinitionItem> DocumentAnalysis::definition(lang::SourceLoc at) const {
  if (const lang::NameUse* use = name_at(at)) {
    if (use->decl.line == 0 || program_->in_prelude(use->decl)) return DefinitionItem{std::nullopt, true};
    return DefinitionItem{name_range(*use, use->decl), false};
  }
  const std::optional<Word> word = word_at(file_.line(at.line), at);
  if (word && (lang::find_builtin(word->text) || !builtin_docs(word->text).empty())) {
    return DefinitionItem{std::nullopt, true};
  }
  return std::nullopt;
}

}  // namespace preempt::cli::lsp

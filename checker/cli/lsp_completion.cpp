// DocumentAnalysis::completion: what may be written at a position (lsp_queries.hpp).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "checker/cli/builtin_docs.hpp"
#include "checker/cli/lsp_queries.hpp"
#include "checker/lang/prelude.hpp"
#include "checker/rt/op.hpp"

namespace preempt::cli::lsp {

namespace {

// The reserved words, from the lexer's own list.
constexpr std::string_view kKeywords[] = {
#define PREEMPT_TOKEN(Enumerator, spelling)
#define PREEMPT_KEYWORD(Enumerator, spelling) spelling,
#include "checker/lang/token_kinds.def"
};

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool before(lang::SourceLoc a, lang::SourceLoc b) { return a.line != b.line ? a.line < b.line : a.col < b.col; }

// The first doc row of a builtin, for its completion item.
std::string first_doc(std::string_view name, std::string* section) {
  const std::vector<const BuiltinDoc*> docs = builtin_docs(name);
  if (docs.empty()) return {};
  *section = fmt::format("{}, {}", docs.front()->doc, docs.front()->section);
  return docs.front()->markdown;
}

// Where the body around `at` starts at the latest: the last declaration name or body end before it
// (a local declared before that belongs to another body).
lang::SourceLoc body_start(const lang::Program& p, lang::SourceLoc at) {
  lang::SourceLoc start{};
  const auto consider = [&](lang::SourceLoc loc) {
    if (before(loc, at) && before(start, loc)) start = loc;
  };
  for (const lang::FunctionDecl& f : p.functions) consider(f.loc), consider(f.body.end_loc);
  for (const lang::ThreadDecl& t : p.threads) consider(t.loc), consider(t.body.end_loc);
  if (p.init) consider(p.init->end_loc);
  if (p.final) consider(p.final->end_loc);
  return start;
}

}  // namespace

std::vector<CompletionEntry> DocumentAnalysis::completion(lang::SourceLoc at, const DocumentAnalysis& names) const {
  std::vector<CompletionEntry> out;
  // The text before the position on its line, without the word being typed.
  std::string_view line = file_.line(at.line);
  line = line.substr(0, std::min<std::size_t>(line.size(), at.col == 0 ? 0 : at.col - 1));
  while (!line.empty() && is_identifier_char(line.back())) line.remove_suffix(1);
  const bool arrow = line.ends_with("->");
  if (arrow || line.ends_with(".")) {
    line.remove_suffix(arrow ? 2 : 1);
    std::size_t begin = line.size();
    while (begin > 0 && is_identifier_char(line[begin - 1])) --begin;
    if (begin < line.size() && !(line[begin] >= '0' && line[begin] <= '9')) {
      names.add_fields(at, line.substr(begin), out);
    }
    return out;
  }
  if (line.ends_with(">")) return out;  // a comparison, not yet `->`
  for (std::string_view keyword : kKeywords) out.push_back(CompletionEntry{std::string(keyword), CompletionKind::Keyword, "keyword", {}});
  for (std::size_t i = 0; i < detail::kOps.size(); ++i) {
    const OpInfo& op = detail::kOps[i];
    if (!op.builtin) continue;
    std::string section;
    std::string doc = first_doc(op.name, &section);
    out.push_back(CompletionEntry{std::string(op.name), CompletionKind::Function,
                                  section.empty() ? "builtin" : "builtin (" + section + ")", std::move(doc)});
  }
  for (std::string_view name : lang::prelude_functions()) {
    std::string section;
    std::string doc = first_doc(name, &section);
    out.push_back(CompletionEntry{std::string(name), CompletionKind::Function, "kernel prelude function", std::move(doc)});
  }
  names.add_program_names(at, out);
  return out;
}

void DocumentAnalysis::add_program_names(lang::SourceLoc at, std::vector<CompletionEntry>& out) const {
  if (!program_) return;
  const lang::Program& p = *program_;
  const auto own = [&](lang::SourceLoc loc) { return loc.line != 0 && !p.in_prelude(loc); };
  for (const lang::GlobalDecl& g : p.globals) {
    if (own(g.loc)) out.push_back(CompletionEntry{g.name, CompletionKind::Variable, "global " + p.type_name(g.type), {}});
  }
  for (const lang::FunctionDecl& f : p.functions) {
    if (own(f.loc)) {
      out.push_back(CompletionEntry{f.name, CompletionKind::Function, "function returning " + p.type_name(f.result), {}});
    }
  }
  for (const lang::ThreadDecl& t : p.threads) out.push_back(CompletionEntry{t.name, CompletionKind::Class, "thread", {}});
  for (const lang::ModuleDecl& m : p.modules) out.push_back(CompletionEntry{m.name, CompletionKind::Module, "module", {}});
  for (const lang::StructDecl& s : p.structs) {
    if (own(s.loc)) out.push_back(CompletionEntry{s.name, CompletionKind::Struct, "struct", {}});
  }
  const lang::SourceLoc start = body_start(p, at);
  std::set<std::string_view> locals;
  for (const lang::NameUse& use : p.names) {
    if (use.loc != use.decl || !own(use.loc)) continue;
    if (use.kind == lang::NameKind::Constant) {
      out.push_back(CompletionEntry{std::string(name_text(use)), CompletionKind::Constant, "constant", {}});
    } else if (use.kind == lang::NameKind::Local && before(start, use.loc) && before(use.loc, at)) {
      const std::string_view name = name_text(use);
      if (locals.insert(name).second) {
        out.push_back(CompletionEntry{std::string(name), CompletionKind::Variable, "local " + p.type_name(use.type), {}});
      }
    }
  }
}

void DocumentAnalysis::add_fields(lang::SourceLoc at, std::string_view name, std::vector<CompletionEntry>& out) const {
  if (!program_) return;
  const lang::Program& p = *program_;
  // What `name` denotes here: the latest local of that name in this body, else a global, else a field.
  std::optional<lang::TypeId> type;
  const lang::SourceLoc start = body_start(p, at);
  for (const lang::NameUse& use : p.names) {
    if (use.loc != use.decl || use.kind != lang::NameKind::Local || name_text(use) != name) continue;
    if (before(start, use.loc) && before(use.loc, at)) type = use.type;
  }
  for (const lang::GlobalDecl& g : p.globals) {
    if (!type && g.name == name) type = g.type;
  }
  for (const lang::StructDecl& s : p.structs) {
    for (const lang::Field& f : s.fields) {
      if (!type && f.name == name) type = f.type;
    }
  }
  if (!type) return;
  const lang::Type& t = p.types[*type];
  if ((t.kind != lang::TypeKind::Pointer && t.kind != lang::TypeKind::Struct) || t.target >= p.structs.size()) return;
  for (const lang::Field& f : p.structs[t.target].fields) {
    if (f.name.starts_with("__")) continue;  // the language's hidden cells
    out.push_back(CompletionEntry{f.name, CompletionKind::Field, p.type_name(f.type), {}});
  }
}

}  // namespace preempt::cli::lsp

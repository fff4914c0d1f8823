#pragma once
// The language server's questions about one scenario text, answered from the front end
// (lang::analyze_frontend): its diagnostics, what a name at a position is (hover), where it is
// declared (go to definition) and what may be written at a position (completion).
//
// Everything here is in the front end's terms -- 1-based lines and byte columns (SourceLoc) --
// and knows nothing of JSON or of the protocol: lsp_server.cpp converts. A DocumentAnalysis is
// built once per version of a document, from the text the client sent (never from a file), and
// is immutable afterwards. Work is linear in the text (the front end's bound) plus a binary search
// per query.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/lang/ast.hpp"
#include "checker/lang/diagnostics.hpp"
#include "checker/lang/source.hpp"

namespace preempt::cli::lsp {

struct TextRange {
  lang::SourceLoc begin;
  lang::SourceLoc end;  // one past the last byte (on the same line as begin)
};

struct DiagnosticItem {
  TextRange range;
  bool warning = false;
  std::string message;
};

struct HoverItem {
  TextRange range;       // the name hovered
  std::string markdown;  // what it is
};

// Where a name is declared: in the scenario (decl) or in the language's built-in code (none:
// builtin says so).
struct DefinitionItem {
  std::optional<TextRange> decl;
  bool builtin = false;
};

// Kinds of completion items (their numbers are the protocol's CompletionItemKind).
enum class CompletionKind : std::uint8_t {
  Function = 3, Field = 5, Variable = 6, Class = 7, Module = 9, Keyword = 14, Constant = 21, Struct = 22
};

struct CompletionEntry {
  std::string label;
  CompletionKind kind = CompletionKind::Variable;
  std::string detail;         // "builtin", "global int", "thread", ...
  std::string documentation;  // Markdown, may be empty
};

class DocumentAnalysis {
 public:
  // Runs the front end on `text`; `path` only names the document in messages.
  DocumentAnalysis(std::string_view path, std::string text);

  [[nodiscard]] const std::string& text() const { return file_.text(); }
  // Line `line` (1-based) of the text, without its end of line; empty past the end. O(1).
  [[nodiscard]] std::string_view line(uint32_t line) const { return file_.line(line); }
  // Whether the text parsed: names, hover and go to definition need it.
  [[nodiscard]] bool parsed() const { return program_.has_value(); }
  [[nodiscard]] const std::vector<DiagnosticItem>& diagnostics() const { return diagnostics_; }
  // The name at `at` and what it denotes; nullopt where there is no name or nothing is known of it.
  [[nodiscard]] std::optional<HoverItem> hover(lang::SourceLoc at) const;
  // The declaration of the name at `at`; nullopt where no declaration is known.
  [[nodiscard]] std::optional<DefinitionItem> definition(lang::SourceLoc at) const;
  // What may be written at `at`: after `->` or `.`, the fields of the struct before it; elsewhere
  // the keywords, builtins, prelude functions and the names in scope. `names` is the analysis to
  // take the program's names from (this one, or the last one that parsed when this does not).
  [[nodiscard]] std::vector<CompletionEntry> completion(lang::SourceLoc at, const DocumentAnalysis& names) const;

 private:
  // The name bound at `at`, if the resolver bound one there.
  [[nodiscard]] const lang::NameUse* name_at(lang::SourceLoc at) const;
  [[nodiscard]] std::string describe(const lang::NameUse& use) const;
  [[nodiscard]] std::string declaration_line(lang::SourceLoc decl) const;
  // The type of what the name `use` denotes (a global, a local, a field), or nullopt.
  [[nodiscard]] std::optional<lang::TypeId> type_of(const lang::NameUse& use) const;
  // The names of the program in scope at `at` (completion_names.cpp).
  void add_program_names(lang::SourceLoc at, std::vector<CompletionEntry>& out) const;
  // The fields of the struct `before` (a name before `->` or `.`) points to or is.
  void add_fields(lang::SourceLoc at, std::string_view before, std::vector<CompletionEntry>& out) const;

  // The name at `use`, in this analysis's text.
  [[nodiscard]] std::string_view name_text(const lang::NameUse& use) const;

  lang::SourceFile file_;  // the text, with its lines indexed
  std::optional<lang::Program> program_;
  std::vector<DiagnosticItem> diagnostics_;
};

// The identifier around byte column at.col (1-based) of `line`, the text of line at.line, and where
// it starts.
struct Word {
  std::string_view text;
  lang::SourceLoc begin;
};
[[nodiscard]] std::optional<Word> word_at(std::string_view line, lang::SourceLoc at);

}  // namespace preempt::cli::lsp

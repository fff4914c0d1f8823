#pragma once
// What the documentation says about each builtin, for the language server's hover and completion.
//
// The docs are the one source of truth: the build embeds docs/models.md and
// docs/scenario-language.md (cmake/EmbedDocs.cmake), and builtin_docs() reads their tables: every
// row whose first cell names a call `NAME(...)` documents NAME, with the table's header naming the
// other cells ("| `kref_put(k, release)` | count - 1; ... | `refcount-underflow` if ... |").
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace preempt::cli {

// One embedded doc: its path in the source tree and its lines (generated, builtin_docs_text.cpp).
struct EmbeddedDoc {
  std::string_view path;
  const std::string_view* lines;
  std::size_t line_count;
};
[[nodiscard]] const std::vector<EmbeddedDoc>& embedded_docs();

// One table row about a builtin: where it is, and the row as Markdown (header: cell, per cell).
struct BuiltinDoc {
  std::string_view doc;      // "docs/models.md"
  std::string_view section;  // the heading above the table ("kref and refcount_t")
  std::string markdown;      // "`kref_put(k, release)`\n\n**semantics**: count - 1; ..."
};

// Every row that documents `name`, in the docs' order (empty for a name no table documents).
[[nodiscard]] std::vector<const BuiltinDoc*> builtin_docs(std::string_view name);

}  // namespace preempt::cli

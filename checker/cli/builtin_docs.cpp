#include "checker/cli/builtin_docs.hpp"

#include <map>

namespace preempt::cli {

namespace {

// The cells of a Markdown table row "| a | b |" (trimmed); a `|` inside backquotes is text.
std::vector<std::string_view> cells(std::string_view row) {
  std::vector<std::string_view> out;
  bool code = false;
  std::size_t start = 1;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '`') code = !code;
    if (row[i] != '|' || code || row[i - 1] == '\\') continue;
    std::string_view cell = row.substr(start, i - start);
    while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
    while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
    out.push_back(cell);
    start = i + 1;
  }
  return out;
}

// "| --- | :-: |": the line under a table's header.
bool is_separator(std::string_view line) {
  return line.starts_with("|") && line.find('-') != std::string_view::npos &&
         line.find_first_not_of("|-: ") == std::string_view::npos;
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The names a first cell documents: each `NAME(` in backquotes ("`kmalloc(z, v)` / `kzalloc(z, v)`").
std::vector<std::string_view> documented_names(std::string_view cell) {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] != '`') continue;
    std::size_t end = i + 1;
    while (end < cell.size() && is_identifier_char(cell[end])) ++end;
    if (end > i + 1 && end < cell.size() && cell[end] == '(') names.push_back(cell.substr(i + 1, end - i - 1));
    const std::size_t close = cell.find('`', i + 1);
    if (close == std::string_view::npos) break;
    i = close;
  }
  return names;
}

using Index = std::map<std::string, std::vector<BuiltinDoc>, std::less<>>;

void index_doc(const EmbeddedDoc& doc, Index& index) {
  std::string_view section;
  std::vector<std::string_view> header;
  for (std::size_t n = 0; n < doc.line_count; ++n) {
    const std::string_view line = doc.lines[n];
    if (line.starts_with("#")) {
      section = line.substr(line.find_first_not_of("# ") == std::string_view::npos ? line.size()
                                                                                     : line.find_first_not_of("# "));
      continue;
    }
    if (!line.starts_with("|")) {
      header.clear();
      continue;
    }
    // A row followed by the |---| line is the table's header.
    if (n + 1 < doc.line_count && is_separator(doc.lines[n + 1])) {
      header = cells(line);
      continue;
    }
    if (is_separator(line)) continue;
    const std::vector<std::string_view> row = cells(line);
    if (row.empty()) continue;
    const std::vector<std::string_view> names = documented_names(row[0]);
    if (names.empty()) continue;
    std::string markdown(row[0]);
    for (std::size_t c = 1; c < row.size(); ++c) {
      markdown += "\n\n";
      if (c < header.size() && !header[c].empty()) markdown += "**" + std::string(header[c]) + "**: ";
      markdown += row[c];
    }
    for (std::string_view name : names) {
      index[std::string(name)].push_back(BuiltinDoc{doc.path, section, markdown});
    }
  }
}

const Index& index() {
  static const Index kIndex = [] {
    Index built;
    for (const EmbeddedDoc& doc : embedded_docs()) index_doc(doc, built);
    return built;
  }();
  return kIndex;
}

}  // namespace

std::vector<const BuiltinDoc*> builtin_docs(std::string_view name) {
  std::vector<const BuiltinDoc*> out;
  const auto it = index().find(name);
  if (it == index().end()) return out;
  for (const BuiltinDoc& d : it->second) out.push_back(&d);
  return out;
}

}  // namespace preempt::cli

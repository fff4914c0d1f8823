#include "checker/interp/source_text.hpp"

namespace preempt::interp::detail {

namespace {
// A construct that goes on past its line is cut there.
constexpr const char* kCut = " ...";

std::size_t start_of(std::string_view line, lang::SourceLoc loc) {
  return loc.col == 0 ? 0 : std::min<std::size_t>(loc.col - 1, line.size());
}
}  // namespace

std::string paren_text(const lang::Program& program, lang::SourceLoc loc) {
  const std::string_view line = program.source_line(loc.line);
  const std::size_t open = line.find('(', start_of(line, loc));
  if (open == std::string_view::npos) return std::string(line);
  int depth = 0;
  for (std::size_t i = open; i < line.size(); ++i) {
    if (line[i] == '(') ++depth;
    if (line[i] == ')' && --depth == 0) return std::string(line.substr(open + 1, i - open - 1));
  }
  return std::string(line.substr(open + 1)) + kCut;
}

std::string call_text(const lang::Program& program, lang::SourceLoc loc) {
  const std::string_view line = program.source_line(loc.line);
  const std::size_t start = start_of(line, loc);
  const std::size_t open = line.find('(', start);
  if (open == std::string_view::npos) return std::string(line.substr(start));
  int depth = 0;
  for (std::size_t i = open; i < line.size(); ++i) {
    if (line[i] == '(') ++depth;
    if (line[i] == ')' && --depth == 0) return std::string(line.substr(start, i - start + 1));
  }
  return std::string(line.substr(start)) + kCut;
}

std::string statement_text(const lang::Program& program, lang::SourceLoc loc) {
  const std::string_view line = program.source_line(loc.line);
  const std::size_t start = start_of(line, loc);
  int depth = 0;
  for (std::size_t i = start; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '(' || c == '[') ++depth;
    if ((c == ')' || c == ']') && --depth < 0) return std::string(line.substr(start, i - start));
    if ((c == ';' || c == ',') && depth == 0) return std::string(line.substr(start, i - start));
  }
  return std::string(line.substr(start)) + kCut;
}

}  // namespace preempt::interp::detail

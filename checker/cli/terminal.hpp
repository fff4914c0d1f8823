#pragma once
// The terminal the text outputs go to: how wide their lines may be, and reading a line typed there
// with simple editing (no readline: the cursor keys move, they do not insert escape codes).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace preempt::cli {

// The width the text outputs fit: COLUMNS when it is a number from 20 to 1000, else the width of
// the terminal standard output goes to, else 80 (a pipe, a file: the same output everywhere).
[[nodiscard]] std::size_t output_columns();

// Reads the lines a user types. With standard input and output a terminal, a line is edited in
// place: printable characters insert at the cursor; Left/Right, Home/End (and Ctrl-B/F/A/E) move;
// Backspace, Delete, Ctrl-U and Ctrl-K erase; Up/Down recall earlier lines; Ctrl-C reads as `quit`,
// Ctrl-D on an empty line as the end of input; any other escape sequence is ignored. The terminal
// is in raw mode only while a line is read. Otherwise a line is read as it comes.
class LineReader {
 public:
  LineReader();
  // The line without its end; nullopt at the end of input.
  [[nodiscard]] std::optional<std::string> read_line();
  // Whether lines are edited on a terminal (which shows what is typed: no echo needed).
  [[nodiscard]] bool editing() const { return editing_; }

 private:
  [[nodiscard]] std::optional<std::string> edit_line();

  bool editing_ = false;
  std::vector<std::string> history_;  // the lines read, oldest first
};

}  // namespace preempt::cli

#include "checker/cli/terminal.hpp"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include <fmt/format.h>

namespace preempt::cli {

std::size_t output_columns() {
  static const std::size_t columns = [] {
    if (const char* text = std::getenv("COLUMNS"); text != nullptr) {
      const std::string_view value(text);
      std::size_t n = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (error == std::errc{} && end == value.data() + value.size() && n >= 20 && n <= 1000) return n;
    }
    winsize size{};
    if (::isatty(STDOUT_FILENO) != 0 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) {
      return static_cast<std::size_t>(size.ws_col);
    }
    return std::size_t{80};
  }();
  return columns;
}

namespace {

// The terminal in raw mode (no echo, no line discipline, no signals) for the life of the object.
class RawMode {
 public:
  RawMode() {
    ok_ = ::tcgetattr(STDIN_FILENO, &saved_) == 0;
    if (!ok_) return;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= ~static_cast<tcflag_t>(IXON | ICRNL);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    ok_ = ::tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0;
  }
  ~RawMode() {
    if (ok_) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
  }
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  termios saved_{};
  bool ok_ = false;
};

// One byte of input; nullopt at the end or on an error.
std::optional<unsigned char> read_byte() {
  unsigned char c = 0;
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
}

enum class Key : std::uint8_t { None, Left, Right, Home, End, Up, Down, Delete };

// The key a cursor sequence's final byte names (SS3 `ESC O x` and CSI `ESC [ x` alike).
Key cursor_key(unsigned char c) {
  switch (c) {
    case 'A': return Key::Up;
    case 'B': return Key::Down;
    case 'C': return Key::Right;
    case 'D': return Key::Left;
    case 'H': return Key::Home;
    case 'F': return Key::End;
    default: return Key::None;
  }
}

// The key an escape sequence names (the ESC read); the whole sequence is consumed either way.
Key escape_key() {
  const auto kind = read_byte();
  if (!kind) return Key::None;
  if (*kind == 'O') {  // SS3: ESC O x
    const auto c = read_byte();
    if (!c) return Key::None;
    return cursor_key(*c);
  }
  if (*kind != '[') return Key::None;  // ESC x (Alt-x): dropped
  std::string parameters;  // CSI: parameter bytes, then one final byte
  while (true) {
    const auto c = read_byte();
    if (!c) return Key::None;
    if (*c >= 0x40 && *c <= 0x7e) {
      if (const Key key = cursor_key(*c); key != Key::None) return key;
      if (*c != '~') return Key::None;
      if (parameters == "3") return Key::Delete;
      if (parameters == "1" || parameters == "7") return Key::Home;
      if (parameters == "4" || parameters == "8") return Key::End;
      return Key::None;
    }
    if (parameters.size() < 16) parameters += static_cast<char>(*c);
  }
}

// The line being edited, redrawn in place after each change (the prompt before it is left alone).
struct EditedLine {
  std::string text;
  std::size_t cursor = 0;

  // Rewrites the line from its start, the cursor having been at `was`.
  void redraw(std::size_t was) const {
    std::string out;
    if (was > 0) out += fmt::format("\x1b[{}D", was);
    out += text + "\x1b[K";
    if (text.size() > cursor) out += fmt::format("\x1b[{}D", text.size() - cursor);
    std::cout << out << std::flush;
  }
  void replace(std::string with) {
    const std::size_t was = cursor;
    text = std::move(with);
    cursor = text.size();
    redraw(was);
  }
  void move_to(std::size_t to) {
    const std::size_t was = cursor;
    cursor = to;
    redraw(was);
  }
};

}  // namespace

LineReader::LineReader() : editing_(::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0) {}

std::optional<std::string> LineReader::read_line() {
  if (editing_) {
    std::optional<std::string> line = edit_line();
    if (line && !line->empty()) history_.push_back(*line);
    return line;
  }
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  return line;
}

std::optional<std::string> LineReader::edit_line() {
  const RawMode raw;
  if (!raw.ok()) {  // not a terminal after all
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  EditedLine line;
  std::size_t recalled = history_.size();  // history_.size(): the line being typed
  std::string typed;                       // that line, while an earlier one is recalled
  while (true) {
    const auto c = read_byte();
    if (!c) {
      std::cout << "\r\n" << std::flush;
      return std::nullopt;
    }
    const std::size_t was = line.cursor;
    switch (*c) {
      case '\r': case '\n':
        std::cout << "\r\n" << std::flush;
        return line.text;
      case 0x03:  // Ctrl-C
        std::cout << "^C\r\n" << std::flush;
        return std::string("quit");
      case 0x04:  // Ctrl-D: the end of input on an empty line, else Delete
        if (line.text.empty()) {
          std::cout << "\r\n" << std::flush;
          return std::nullopt;
        }
        if (line.cursor < line.text.size()) line.text.erase(line.cursor, 1);
        line.redraw(was);
        continue;
      case 0x7f: case 0x08:  // Backspace
        if (line.cursor == 0) continue;
        line.text.erase(--line.cursor, 1);
        line.redraw(was);
        continue;
      case 0x01: line.move_to(0); continue;                                          // Ctrl-A
      case 0x05: line.move_to(line.text.size()); continue;                           // Ctrl-E
      case 0x02: line.move_to(line.cursor > 0 ? line.cursor - 1 : 0); continue;       // Ctrl-B
      case 0x06: line.move_to(std::min(line.cursor + 1, line.text.size())); continue;  // Ctrl-F
      case 0x15:  // Ctrl-U
        line.text.erase(0, line.cursor);
        line.cursor = 0;
        line.redraw(was);
        continue;
      case 0x0b:  // Ctrl-K
        line.text.erase(line.cursor);
        line.redraw(was);
        continue;
      case 0x1b: break;
      default:
        if (*c >= 0x20 && *c < 0x7f) {  // names are ASCII; other bytes would confuse the cursor
          line.text.insert(line.cursor++, 1, static_cast<char>(*c));
          line.redraw(was);
        }
        continue;
    }
    switch (escape_key()) {
      case Key::Left: line.move_to(line.cursor > 0 ? line.cursor - 1 : 0); break;
      case Key::Right: line.move_to(std::min(line.cursor + 1, line.text.size())); break;
      case Key::Home: line.move_to(0); break;
      case Key::End: line.move_to(line.text.size()); break;
      case Key::Delete:
        if (line.cursor < line.text.size()) line.text.erase(line.cursor, 1);
        line.redraw(was);
        break;
      case Key::Up:
        if (recalled == 0) break;
        if (recalled == history_.size()) typed = line.text;
        line.replace(history_[--recalled]);
        break;
      case Key::Down:
        if (recalled == history_.size()) break;
        ++recalled;
        line.replace(recalled == history_.size() ? typed : history_[recalled]);
        break;
      case Key::None: break;
    }
  }
}

}  // namespace preempt::cli

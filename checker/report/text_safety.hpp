#pragma once
// Text from untrusted input (a scenario's comments, a file name), made safe for each output.
//
// Strings of the scenario language carry no control characters (lang::shown_string_literal) and
// scenario paths with control characters are refused (cli/scenario_files.hpp); these are the last
// line of defence at the writers: a source line quoted in a report, a name in a file path.
#include <string>
#include <string_view>

namespace preempt {

// `text` as valid UTF-8: every byte that does not start or continue a valid sequence becomes
// U+FFFD. For JSON, XML and HTML, whose writers must never meet invalid UTF-8.
[[nodiscard]] std::string valid_utf8(std::string_view text);

// `text` safe for a terminal and a log: newlines and tabs stay; every other control character
// (C0, DEL, and the C1 controls U+0080..U+009F) and every byte that is not valid UTF-8 is shown
// as an escape (`\x1B`, `\u009B`).
[[nodiscard]] std::string terminal_safe(std::string_view text);

// terminal_safe() on one line: newlines and tabs are escaped too (`\n`, `\t`).
[[nodiscard]] std::string one_line(std::string_view text);

}  // namespace preempt

// Diagnostics: the exact rendering (location, source line, caret), the error limit, several
// files, errors added after the front end, and safe display of odd bytes and long lines.
#include <memory>
#include <string>

#include <fmt/format.h>
#include "tests/catch.hpp"

#include "checker/lang/diagnostics.hpp"
#include "checker/lang/frontend.hpp"

using preempt::lang::compile_frontend;
using preempt::lang::Diagnostics;
using preempt::lang::printable;
using preempt::lang::SourceFile;
using preempt::lang::SourceLoc;

namespace {

std::shared_ptr<const SourceFile> file(std::string_view text) {
  return std::make_shared<const SourceFile>("f.scn", text);
}

std::string render_one(std::string_view text, SourceLoc loc, std::string message = "boom") {
  Diagnostics diags(file(text));
  diags.error(loc, std::move(message));
  return diags.render();
}

}  // namespace

TEST_CASE("diagnostics: FILE:LINE:COL, the source line and a caret", "[diagnostics]") {
  CHECK(render_one("first\nsecond line\nthird", {2, 8}) ==
        "f.scn:2:8: error: boom\n"
        "second line\n"
        "       ^\n");
  CHECK(render_one("x", {1, 1}) == "f.scn:1:1: error: boom\nx\n^\n");
  CHECK(render_one("x", {1, 2}) == "f.scn:1:2: error: boom\nx\n ^\n");  // end of file
}

TEST_CASE("diagnostics: tabs are mirrored in the caret line", "[diagnostics]") {
  CHECK(render_one("\t\tx = 1;", {1, 3}) == "f.scn:1:3: error: boom\n\t\tx = 1;\n\t\t^\n");
  CHECK(render_one("a\tb", {1, 3}) == "f.scn:1:3: error: boom\na\tb\n \t^\n");
}

TEST_CASE("diagnostics: multi-byte UTF-8 before the column takes one caret column",
          "[diagnostics]") {
  // "é" is two bytes (columns 3-4) but one character on screen.
  CHECK(render_one("s \xC3\xA9 x", {1, 6}) == "f.scn:1:6: error: boom\ns \xC3\xA9 x\n    ^\n");
}

TEST_CASE("diagnostics: control bytes and invalid UTF-8 are shown as '?'", "[diagnostics]") {
  using namespace std::string_literals;
  CHECK(render_one("a\0b\xFF\x1b"s, {1, 2}) == "f.scn:1:2: error: boom\na?b??\n ^\n");
}

TEST_CASE("diagnostics: CRLF line endings do not show the CR", "[diagnostics]") {
  CHECK(render_one("one\r\ntwo\r\n", {2, 2}) == "f.scn:2:2: error: boom\ntwo\n ^\n");
}

TEST_CASE("diagnostics: a long line is shown as a window around the column", "[diagnostics]") {
  std::string line(100'000, 'a');
  line[50'000] = 'X';
  std::string out = render_one(line, {1, 50'001});
  std::string shown =
      std::string("...") + std::string(80, 'a') + "X" + std::string(79, 'a') + "...";
  CHECK(out == "f.scn:1:50001: error: boom\n" + shown + "\n" + std::string(83, ' ') + "^\n");
  // At the start of a long line there is no leading "...".
  std::string start = render_one(line, {1, 1});
  CHECK(start == "f.scn:1:1: error: boom\n" + std::string(160, 'a') + "...\n^\n");
}

TEST_CASE("diagnostics: an error without a position prints no source", "[diagnostics]") {
  CHECK(render_one("x", {0, 0}, "file too large") == "f.scn: error: file too large\n");
  Diagnostics none;
  none.error({3, 4}, "no file");
  CHECK(none.render() == "<input>:3:4: error: no file\n");
}

TEST_CASE("diagnostics: counts, and the limit of 20 errors", "[diagnostics]") {
  Diagnostics diags(file("x\n"));
  CHECK_FALSE(diags.has_errors());
  CHECK(diags.count() == 0);
  for (uint32_t i = 1; i <= 20; ++i) diags.error({1, i}, fmt::format("e{}", i));
  CHECK(diags.count() == 20);
  CHECK_FALSE(diags.full());
  diags.error({1, 1}, "twenty-first");
  CHECK(diags.full());
  CHECK(diags.count() == 21);
  CHECK(diags.entries().back().message == "too many errors (more than 20); stopping");
  diags.error({1, 1}, "dropped");
  CHECK(diags.count() == 21);
}

TEST_CASE("diagnostics: errors about several files keep their own source", "[diagnostics]") {
  Diagnostics diags;
  CHECK_FALSE(compile_frontend("a.scn", "thread t { x = 1; }", diags));
  CHECK_FALSE(compile_frontend("b.scn", "\n\nthread u { y = 2; }", diags));
  CHECK(diags.render() ==
        "a.scn:1:12: error: undeclared name 'x'\n"
        "thread t { x = 1; }\n"
        "           ^\n"
        "b.scn:3:12: error: undeclared name 'y'\n"
        "thread u { y = 2; }\n"
        "           ^\n");
}

TEST_CASE("diagnostics: a later stage adds an error about a compiled file", "[diagnostics]") {
  Diagnostics diags;
  auto program = compile_frontend("p.scn", "int a[2];\nthread t { a[2] = 1; }\n", diags);
  REQUIRE(program);
  CHECK_FALSE(diags.has_errors());
  const auto& target = program->threads[0].body.block->children[0]->target->index;
  diags.error(target->loc, "index 2 is out of range for 'a' (size 2)");
  CHECK(diags.render() ==
        "p.scn:2:14: error: index 2 is out of range for 'a' (size 2)\n"
        "thread t { a[2] = 1; }\n"
        "             ^\n");
}

TEST_CASE("diagnostics: printable() escapes and cuts", "[diagnostics]") {
  using namespace std::string_literals;
  CHECK(printable("abc") == "abc");
  CHECK(printable("a\0b"s) == "a\\x00b");
  CHECK(printable("\xC3\xA9\n") == "\\xC3\\xA9\\x0A");
  CHECK(printable(std::string(50, 'z')) == std::string(40, 'z') + "...");
  CHECK(printable("abcdef", 3) == "abc...");
}

TEST_CASE("diagnostics: SourceFile lines", "[diagnostics]") {
  SourceFile f("p", "a\nbb\r\n\nccc");
  CHECK(f.line_count() == 4);
  CHECK(f.line(1) == "a");
  CHECK(f.line(2) == "bb");
  CHECK(f.line(3).empty());
  CHECK(f.line(4) == "ccc");
  CHECK(f.line(0).empty());
  CHECK(f.line(5).empty());
  SourceFile g("p", "x\n");
  CHECK(g.line_count() == 2);
  CHECK(g.line(2).empty());
}

TEST_CASE("diagnostics: once full, later files fail without new entries", "[diagnostics]") {
  Diagnostics diags;
  std::string many;
  for (int i = 0; i < 30; ++i) many += "x = 1;\n";
  CHECK_FALSE(compile_frontend("a.scn", many, diags));
  REQUIRE(diags.full());
  CHECK(diags.count() == 21);
  size_t reported = diags.reported();
  // A good file is not compiled any more, and a bad one adds nothing.
  CHECK_FALSE(compile_frontend("b.scn", "thread t {}", diags));
  CHECK_FALSE(compile_frontend("c.scn", "thread t { y = ; }", diags));
  CHECK(diags.count() == 21);
  CHECK(diags.reported() == reported);
}

TEST_CASE("diagnostics: errors print in file order, whichever pass found them first", "[diagnostics]") {
  // The resolver finds the duplicate (declarations pass) before the undeclared names (bodies).
  Diagnostics diags;
  CHECK_FALSE(compile_frontend("e.scn", "int x;\nthread t { y = 1; }\nint x;\nthread u { z = 2; }\n", diags));
  const std::string out = diags.render();
  const auto y = out.find("e.scn:2:12: error: undeclared name 'y'");
  const auto x = out.find("e.scn:3:5: error: duplicate declaration of 'x'");
  const auto z = out.find("e.scn:4:12: error: undeclared name 'z'");
  REQUIRE(y != std::string::npos);
  REQUIRE(x != std::string::npos);
  REQUIRE(z != std::string::npos);
  CHECK(y < x);
  CHECK(x < z);
}

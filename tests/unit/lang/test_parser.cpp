// Parser: the syntax tree's shape (precedence, statements, declarations) and every syntax error
// with its exact text, error recovery, the error limit and the nesting limits.
#include <string>

#include <fmt/format.h>
#include "tests/catch.hpp"

#include "checker/lang/parser.hpp"
#include "lang_test_support.hpp"

using preempt::lang::BinaryOp;
using preempt::lang::Diagnostics;
using preempt::lang::ObjectKind;
using preempt::lang::SourceLoc;
using preempt::lang::spelling;
using preempt::lang::StmtKind;
using preempt::lang::test::error_lines;
using preempt::lang::test::errors_of;
using preempt::lang::test::first_error;
namespace syn = preempt::lang::syntax;

namespace {

std::string sexpr(const syn::Expr& e) {
  switch (e.kind) {
    case syn::ExprKind::IntLit: return std::to_string(e.value);
    case syn::ExprKind::Self: return "self";
    case syn::ExprKind::Name:
      if (!e.index) return std::string(e.name.text);
      return fmt::format("{}[{}]", e.name.text, sexpr(*e.index));
    case syn::ExprKind::Unary:
      return fmt::format("({} {})", spelling(e.unary_op), sexpr(*e.operand));
    case syn::ExprKind::Binary:
      return fmt::format("({} {} {})", spelling(e.binary_op), sexpr(*e.lhs), sexpr(*e.rhs));
    case syn::ExprKind::Call: {
      std::string s = fmt::format("({}", e.operand ? sexpr(*e.operand) : std::string(e.name.text));
      for (const syn::ExprPtr& a : e.args) s += fmt::format(" {}", sexpr(*a));
      return s + ")";
    }
    case syn::ExprKind::String: return fmt::format("\"{}\"", e.text);
    case syn::ExprKind::Conditional:
      return fmt::format("(? {} {} {})", sexpr(*e.cond), sexpr(*e.lhs), sexpr(*e.rhs));
    case syn::ExprKind::Index: return fmt::format("{}[{}]", sexpr(*e.operand), sexpr(*e.index));
    case syn::ExprKind::Member: return fmt::format("{}{}{}", sexpr(*e.operand), e.arrow ? "->" : ".", e.name.text);
    case syn::ExprKind::Deref: return fmt::format("(* {})", sexpr(*e.operand));
    case syn::ExprKind::AddressOf: return fmt::format("(& {})", sexpr(*e.operand));
    case syn::ExprKind::SizeofType: return "(sizeof type)";
    case syn::ExprKind::SizeofExpr: return fmt::format("(sizeof {})", sexpr(*e.operand));
    case syn::ExprKind::Cast: return fmt::format("(cast {})", sexpr(*e.operand));
  }
  return "?";
}

// Parses `thread t { int v = EXPR; }` and renders EXPR.
std::string parse_expr(const std::string& expr) {
  Diagnostics diags;
  std::string text = "thread t { int v = " + expr + "; }";
  syn::Tree tree = syn::parse(text, diags);
  INFO(diags.render());
  REQUIRE_FALSE(diags.has_errors());
  return sexpr(*tree.decls.at(0).body->children.at(0)->value);
}

// Parses `thread t { BODY }` (which must be free of syntax errors); the thread's block.
syn::Tree parse_body(const std::string& body, std::string& storage) {
  storage = "thread t { " + body + " }";
  Diagnostics diags;
  syn::Tree tree = syn::parse(storage, diags);
  INFO(diags.render());
  REQUIRE_FALSE(diags.has_errors());
  return tree;
}

}  // namespace

TEST_CASE("parser: C precedence from || down to * / %", "[parser]") {
  CHECK(parse_expr("1 || 2 && 3 | 4 ^ 5 & 6 == 7 < 8 << 9 + 10 * 11") ==
        "(|| 1 (&& 2 (| 3 (^ 4 (& 5 (== 6 (< 7 (<< 8 (+ 9 (* 10 11))))))))))");
  CHECK(parse_expr("1 * 2 + 3 << 4 < 5 == 6 & 7 ^ 8 | 9 && 10 || 11") ==
        "(|| (&& (| (^ (& (== (< (<< (+ (* 1 2) 3) 4) 5) 6) 7) 8) 9) 10) 11)");
  CHECK(parse_expr("a != b >= c > d <= e >> f - g % h / i") ==
        "(!= a (<= (> (>= b c) d) (>> e (- f (/ (% g h) i)))))");
}

TEST_CASE("parser: binary operators are left-associative and parentheses group", "[parser]") {
  CHECK(parse_expr("1 - 2 - 3") == "(- (- 1 2) 3)");
  CHECK(parse_expr("8 / 4 / 2") == "(/ (/ 8 4) 2)");
  CHECK(parse_expr("1 - (2 - 3)") == "(- 1 (- 2 3))");
  CHECK(parse_expr("((((x))))") == "x");
}

TEST_CASE("parser: unary operators, and minus folds into literals", "[parser]") {
  CHECK(parse_expr("-x") == "(- x)");
  CHECK(parse_expr("!~-x") == "(! (~ (- x)))");
  CHECK(parse_expr("-5") == "-5");
  CHECK(parse_expr("- -5") == "5");
  CHECK(parse_expr("-(5)") == "-5");
  CHECK(parse_expr("-2 * -3") == "(* -2 -3)");
  CHECK(parse_expr("!0") == "(! 0)");
  CHECK(parse_expr("-9223372036854775808") == "-9223372036854775808");
  CHECK(parse_expr("9223372036854775807") == "9223372036854775807");
  CHECK(parse_expr("0x7fffffffffffffff") == "9223372036854775807");
  CHECK(parse_expr("-0x8000000000000000") == "-9223372036854775808");
}

TEST_CASE("parser: names, elements, calls and self", "[parser]") {
  CHECK(parse_expr("a[i + 1]") == "a[(+ i 1)]");
  CHECK(parse_expr("f()") == "(f)");
  CHECK(parse_expr("f(1, g(2), a[3])") == "(f 1 (g 2) a[3])");
  CHECK(parse_expr("self * 2") == "(* self 2)");
}

TEST_CASE("parser: statements", "[parser]") {
  std::string text;
  syn::Tree tree = parse_body(
      "int x; int y = 2; x = 1; x += 2; x -= 3; x++; x--; a[1] = 4; f(1); "
      "if (x) schedule(); else do_exit(); while (x) { break; continue; } "
      "for (;;) x++; for (int i = 0; i < 3; i++) {} for (x = 0; ; ) {} "
      "return; return 1; assert(x); assume(x); await(x == 1); {}",
      text);
  const syn::Stmt& body = *tree.decls.at(0).body;
  std::vector<StmtKind> kinds;
  for (const syn::StmtPtr& s : body.children) kinds.push_back(s->kind);
  CHECK(kinds == std::vector<StmtKind>{
                     StmtKind::LocalDecl, StmtKind::LocalDecl, StmtKind::Assign, StmtKind::Assign,
                     StmtKind::Assign,    StmtKind::Assign,    StmtKind::Assign, StmtKind::Assign,
                     StmtKind::ExprStmt,  StmtKind::If,        StmtKind::While,  StmtKind::For,
                     StmtKind::For,       StmtKind::For,       StmtKind::Return, StmtKind::Return,
                     StmtKind::Assert,    StmtKind::Assume,    StmtKind::Await,  StmtKind::Block});
  const auto& c = body.children;
  CHECK(c[0]->name.text == "x");
  CHECK(c[0]->value == nullptr);
  CHECK(sexpr(*c[1]->value) == "2");
  CHECK(c[5]->assign_op == preempt::lang::AssignOp::Add);
  CHECK(sexpr(*c[5]->value) == "1");
  CHECK(c[6]->assign_op == preempt::lang::AssignOp::Sub);
  CHECK(sexpr(*c[7]->target) == "a[1]");
  CHECK(c[9]->else_branch->kind == StmtKind::DoExit);
  CHECK(c[11]->init == nullptr);
  CHECK(c[11]->cond == nullptr);
  CHECK(c[11]->step == nullptr);
  CHECK(c[12]->init->kind == StmtKind::LocalDecl);
  CHECK(c[12]->step->kind == StmtKind::Assign);
  CHECK(c[13]->init->kind == StmtKind::Assign);
  CHECK(c[14]->value == nullptr);
  CHECK(sexpr(*c[18]->cond) == "(== x 1)");
}

TEST_CASE("parser: else binds to the nearest if", "[parser]") {
  std::string text;
  syn::Tree tree = parse_body("if (a) if (b) x = 1; else x = 2;", text);
  const syn::Stmt& outer = *tree.decls.at(0).body->children.at(0);
  CHECK(outer.else_branch == nullptr);
  CHECK(outer.then_branch->else_branch != nullptr);
}

TEST_CASE("parser: declarations", "[parser]") {
  Diagnostics diags;
  std::string text =
      "scenario \"t\\\"x\\\"\"; module m exit e; int a; int b = -3; int c[4]; "
      "kobject k release r; kobject ks[2] release r; completion cp[3]; mutex mx; spinlock sl; "
      "void r() in m {} int f(int p, int q) { return p; } init {} final {} "
      "thread t {} thread u[4] in m {} expect safe; expect violation use-after-free; "
      "expect executions dpor 12;";
  syn::Tree tree = syn::parse(text, diags);
  REQUIRE_FALSE(diags.has_errors());
  const auto& d = tree.decls;
  REQUIRE(d.size() == 19);
  CHECK(d[0].kind == syn::DeclKind::Scenario);
  CHECK(d[0].text == "t\"x\"");
  CHECK(d[1].function.text == "e");
  REQUIRE(d[3].initializer.value != nullptr);
  CHECK(d[3].initializer.value->value == -3);
  CHECK(d[4].sizes.size() == 1);
  CHECK(d[5].legacy);
  CHECK(d[5].type.object == ObjectKind::Kobject);
  CHECK(d[5].function.text == "r");
  CHECK(d[6].sizes.size() == 1);
  CHECK(d[7].type.object == ObjectKind::Completion);
  CHECK(d[8].type.object == ObjectKind::Mutex);
  CHECK(d[9].type.object == ObjectKind::Spinlock);
  CHECK(d[10].module.text == "m");
  CHECK(d[10].type.base == syn::TypeSyntax::Base::Void);
  CHECK(d[11].type.base == syn::TypeSyntax::Base::Int);
  CHECK(d[11].params.size() == 2);
  CHECK(d[11].params[1].name.text == "q");
  CHECK(d[12].kind == syn::DeclKind::Init);
  CHECK(d[13].kind == syn::DeclKind::Final);
  CHECK(d[14].sizes.empty());
  CHECK(d[15].sizes.size() == 1);
  CHECK(d[15].module.text == "m");
  CHECK(d[16].kind == syn::DeclKind::ExpectSafe);
  CHECK(d[17].text == "use-after-free");
  CHECK(d[18].name.text == "dpor");
  CHECK(d[18].number == 12);
  CHECK(tree.eof_loc == SourceLoc{1, static_cast<uint32_t>(text.size() + 1)});
}

TEST_CASE("parser: a missing semicolon is reported just after the previous token", "[parser]") {
  CHECK(errors_of("int x = 1\nint y;\nthread t {}\n") ==
        "t.scn:1:10: error: expected ';', found 'int'\n"
        "int x = 1\n"
        "         ^\n");
  CHECK(first_error("thread t { x = 1 }") == "t.scn:1:18: error: expected ';', found '}'");
  CHECK(first_error("thread t { f() }") == "t.scn:1:16: error: expected ';', found '}'");
}

TEST_CASE("parser: expected-token errors", "[parser]") {
  CHECK(first_error("thread t { if x { } }") == "t.scn:1:15: error: expected '(', found 'x'");
  CHECK(first_error("thread t { while (x { } }") == "t.scn:1:21: error: expected ')', found '{'");
  CHECK(first_error("thread t { x = ; }") ==
        "t.scn:1:16: error: expected an expression, found ';'");
  CHECK(first_error("thread t { x; }") ==
        "t.scn:1:13: error: expected '=', '+=', '-=', '++', '--' or '(' after 'x', found ';'");
  CHECK(first_error("thread t { 5; }") == "t.scn:1:12: error: expected a statement, found '5'");
  CHECK(first_error("thread t { if (1) int x; }") ==
        "t.scn:1:19: error: a local declaration must be directly inside a block { ... }");
  CHECK(first_error("x = 1;") == "t.scn:1:1: error: expected a declaration, found 'x'");
  CHECK(first_error("thread { }") == "t.scn:1:8: error: expected a thread name, found '{'");
  CHECK(first_error("void x;") ==
        "t.scn:1:7: error: expected '(' (only functions can be void), found ';'");
  CHECK(first_error("int f(x) {}") == "t.scn:1:7: error: expected a parameter type, found 'x'");
  CHECK(first_error("scenario title;") ==
        "t.scn:1:10: error: expected a string with the scenario's title, found 'title'");
  CHECK(first_error("thread t { for (x = 1; x; f()) {} }") ==
        "t.scn:1:27: error: expected an assignment here, not a call");
  CHECK(first_error("thread t { schedule; }") == "t.scn:1:20: error: expected '(', found ';'");
}

TEST_CASE("parser: object and expect declarations", "[parser]") {
  CHECK(first_error("kobject k;") ==
        "t.scn:1:10: error: expected 'release' and the release function of kobject 'k', "
        "found ';'");
  CHECK(first_error("mutex m release f;") ==
        "t.scn:1:9: error: only a kobject has a release function, not a mutex");
  CHECK(first_error("expect maybe;") ==
        "t.scn:1:8: error: expected 'safe', 'violation' or 'executions', found 'maybe'");
  CHECK(first_error("expect violation ;") ==
        "t.scn:1:18: error: expected a violation kind, found ';'");
  CHECK(first_error("expect executions dfs;") ==
        "t.scn:1:22: error: expected the expected number of executions, found ';'");
  CHECK(first_error("module m exit;") ==
        "t.scn:1:14: error: expected the name of the module's exit function, found ';'");
}

TEST_CASE("parser: array sizes and thread counts are 1..65536", "[parser]") {
  CHECK(first_error("int a[0];") ==
        "t.scn:1:7: error: the array size must be between 1 and 65536, not 0");
  CHECK(first_error("mutex m[65537];") ==
        "t.scn:1:9: error: the array size must be between 1 and 65536, not 65537");
  CHECK(first_error("thread t[0] {}") ==
        "t.scn:1:10: error: the number of threads must be between 1 and 65536, not 0");
  CHECK(first_error("int a[n];") == "t.scn:1:7: error: undeclared name 'n'");
  CHECK(errors_of("int a[65536]; thread t[4096] {}").empty());
  CHECK(first_error("thread t[4000] {} thread u[97] {}") ==
        "t.scn:1:28: error: the scenario has more than 4096 threads with 'u' (4097 in all)");
}

TEST_CASE("parser: integer literals out of range", "[parser]") {
  CHECK(first_error("thread t { int x = 9223372036854775808; }") ==
        "t.scn:1:20: error: integer literal 9223372036854775808 is out of range (the largest is "
        "9223372036854775807)");
  CHECK(first_error("thread t { int x = 99999999999999999999999; }") ==
        "t.scn:1:20: error: integer literal 99999999999999999999999 is out of range (the largest "
        "is 9223372036854775807)");
  CHECK(first_error("int g = -9223372036854775809; thread t {}") ==
        "t.scn:1:10: error: integer literal 9223372036854775809 is out of range (the largest is "
        "9223372036854775807)");
  CHECK(first_error("thread t { int x = -(9223372036854775808); }") ==
        "t.scn:1:22: error: integer literal 9223372036854775808 is out of range (the largest is "
        "9223372036854775807)");
  CHECK(errors_of("int g = -9223372036854775808; thread t { int x = -9223372036854775808; }")
            .empty());
}

TEST_CASE("parser: a missing '}' is reported at the end of the block's last line", "[parser]") {
  CHECK(errors_of("thread t {\n  int x = 1;\n") ==
        "t.scn:2:13: error: expected '}' to close the block opened at 1:10, found end of file\n"
        "  int x = 1;\n"
        "            ^\n");
  CHECK(first_error("thread t {\n  int x = 1;\n\nthread u { }\n") ==
        "t.scn:2:13: error: expected '}' to close the block opened at 1:10, found 'thread'");
}

TEST_CASE("parser: recovery at semicolons and braces reports one error per bad statement",
          "[parser]") {
  CHECK(error_lines("thread t {\n  x = ;\n  y = 1;\n  z = + ;\n  if (x) {\n    a = ) ;\n  }\n}\n"
                    "thread u { w + 1; }\n") ==
        "t.scn:2:7: error: expected an expression, found ';'\n"
        "t.scn:4:7: error: expected an expression, found '+'\n"
        "t.scn:6:9: error: expected an expression, found ')'\n"
        "t.scn:9:14: error: expected '=', '+=', '-=', '++', '--' or '(' after 'w', found '+'\n");
  CHECK(error_lines("int x = ;\nint y = 1;\nmutex ;\nthread t {}\nthread ;\n") ==
        "t.scn:1:9: error: expected an initial value, found ';'\n"
        "t.scn:3:7: error: expected a mutex name, found ';'\n"
        "t.scn:5:8: error: expected a thread name, found ';'\n");
}

TEST_CASE("parser: recovery skips a { ... } group whole", "[parser]") {
  // The '}' of the skipped group does not close the enclosing block.
  CHECK(error_lines(
            "thread t {\n  x = 1;\n  else { y = 2; z = 3; }\n  w = ;\n}\nthread u { q = ; }\n") ==
        "t.scn:3:3: error: expected a statement, found 'else'\n"
        "t.scn:4:7: error: expected an expression, found ';'\n"
        "t.scn:6:16: error: expected an expression, found ';'\n");
  CHECK(error_lines("thread t x {\n  a = 1;\n  b = 2;\n}\nthread u { q = ; }\n") ==
        "t.scn:1:10: error: expected '{', found 'x'\n"
        "t.scn:5:16: error: expected an expression, found ';'\n");
  CHECK(error_lines("void f( { a = 1; b = 2; }\nthread u { q = ; }\n") ==
        "t.scn:1:9: error: expected a parameter type, found '{'\n"
        "t.scn:2:16: error: expected an expression, found ';'\n");
}

TEST_CASE("parser: a lexical error counts as the statement's one error", "[parser]") {
  CHECK(error_lines("thread t {\n  x = 1 @ 2;\n  y = 0x;\n}\n") ==
        "t.scn:2:9: error: unexpected character '@'\n"
        "t.scn:3:7: error: hex literal '0x' has no digits\n");
}

TEST_CASE("parser: at most 20 errors, then 'too many errors'", "[parser]") {
  std::string text;
  for (int i = 1; i <= 100; ++i) text += "x = ;\n";
  Diagnostics diags;
  (void)syn::parse(text, diags);
  REQUIRE(diags.count() == 21);
  CHECK(diags.full());
  CHECK(diags.entries()[19].message == "expected a declaration, found 'x'");
  CHECK(diags.entries()[19].loc == SourceLoc{20, 1});
  CHECK(diags.entries()[20].message == "too many errors (more than 20); stopping");
  CHECK(diags.entries()[20].loc == SourceLoc{21, 1});
}

TEST_CASE("parser: 300 nested parentheses are an error, not a stack overflow", "[parser][depth]") {
  std::string deep = std::string(300, '(') + "1" + std::string(300, ')');
  // "thread t { int x = " is 19 columns; the 257th '(' is where the nesting exceeds 256.
  CHECK(error_lines("thread t { int x = " + deep + "; }") ==
        "t.scn:1:276: error: expression nested too deeply\n");
  std::string ok = std::string(200, '(') + "1" + std::string(200, ')');
  CHECK(errors_of("thread t { int x = " + ok + "; }").empty());
}

TEST_CASE("parser: long operator chains are limited by the tree height", "[parser][depth]") {
  std::string chain = "1";
  for (int i = 0; i < 100'000; ++i) chain += "+1";
  CHECK(error_lines("thread t { int x = " + chain + "; }") ==
        "t.scn:1:531: error: expression nested too deeply\n");
  std::string ok = "1";
  for (int i = 0; i < 255; ++i) ok += "+1";
  CHECK(errors_of("thread t { int x = " + ok + "; }").empty());
  std::string unary = "thread t { int x = ";
  for (int i = 0; i < 1000; ++i) unary += "!";
  CHECK(error_lines(unary + "1; }") == "t.scn:1:276: error: expression nested too deeply\n");
  std::string args = "thread t { f(";
  for (int i = 0; i < 300; ++i) args += "f(";
  // "thread t { f(" is 13 columns; the outer call is level 1, so the 256th nested argument, at
  // 14 + 2 * 255, is level 257.
  CHECK(first_error(args + std::string(301, ')') + "; }") ==
        "t.scn:1:524: error: expression nested too deeply");
}

TEST_CASE("parser: statements nested too deeply", "[parser][depth]") {
  CHECK(error_lines("thread t " + std::string(300, '{') + std::string(300, '}')) ==
        "t.scn:1:267: error: statements nested too deeply\n");
  std::string ifs = "thread t { ";
  for (int i = 0; i < 10'000; ++i) ifs += "if (1) ";
  CHECK(error_lines(ifs + "schedule(); }") ==
        "t.scn:1:1804: error: statements nested too deeply\n");
  std::string whiles = "thread t { ";
  for (int i = 0; i < 300; ++i) whiles += "while (1) { ";
  // Each while and its block are one level each: the 129th while is level 257.
  CHECK(error_lines(whiles + std::string(300, '}') + " }") ==
        "t.scn:1:1548: error: statements nested too deeply\n");
  // The rest of the file is still parsed after the deep part is skipped.
  CHECK(error_lines("thread t " + std::string(300, '{') + std::string(300, '}') +
                    "\nthread u { x = ; }") ==
        "t.scn:1:267: error: statements nested too deeply\n"
        "t.scn:2:16: error: expected an expression, found ';'\n");
  std::string ok = "thread t " + std::string(255, '{') + std::string(255, '}');
  CHECK(errors_of(ok).empty());
}

TEST_CASE("parser: garbage input ends quickly with at most 21 errors", "[parser]") {
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 200'000; ++i) {
    x = x * 1103515245u + 12345u;
    garbage += static_cast<char>(x >> 24);
  }
  Diagnostics diags;
  (void)syn::parse(garbage, diags);
  CHECK(diags.has_errors());
  CHECK(diags.count() <= 21);
}

// compile_frontend: the dm example end to end, and inputs at the edges (empty, huge, binary,
// many threads, very long lines).
#include <string>

#include "tests/catch.hpp"

#include "lang_test_support.hpp"

using preempt::lang::Builtin;
using preempt::lang::compile_frontend;
using preempt::lang::Diagnostics;
using preempt::lang::Expectation;
using preempt::lang::ExprKind;
using preempt::lang::ObjectKind;
using preempt::lang::Program;
using preempt::lang::SourceLoc;
using preempt::lang::StmtKind;
using preempt::lang::test::compile_ok;
using preempt::lang::test::error_lines;
using preempt::lang::test::errors_of;
using preempt::lang::test::first_error;

namespace {

constexpr const char* kDm =
    R"(// The dm_kobject_release race (Linux 3.13, drivers/md/dm-sysfs.c), before the fix.
scenario "dm: kobject release method inside the dm module";

module dm;

completion kobj_holder;
kobject dm_kobj release dm_kobject_release;   // refcount starts at 1

void dm_kobject_release() in dm {
    complete(kobj_holder);
}

void dm_sysfs_exit() in dm {
    kobject_put(dm_kobj);
    wait_for_completion(kobj_holder);
}

init {
    __module_get(dm);                // the dm device holds a reference on the module
}

thread sysfs_reader {                // some other process
    if (kobject_get_unless_zero(dm_kobj)) {
        kobject_put(dm_kobj);        // may drop the last reference: the release method runs here
    }
}

thread rmmod {                       // the user removes the device, then the module
    dm_sysfs_exit();
    module_put(dm);
    delete_module(dm);
}

expect violation unloaded-code;
)";

}  // namespace

TEST_CASE("frontend: the dm example resolves to the expected program", "[frontend]") {
  Program p = compile_ok(kDm);
  CHECK(dump(p) ==
        "scenario \"dm: kobject release method inside the dm module\"\n"
        "module dm\n"
        "struct completion kobj_holder\n"
        "struct kobject dm_kobj release dm_kobject_release\n"
        "void dm_kobject_release() in dm slots=0\n"
        "  block\n"
        "    (complete kobj_holder)\n"
        "void dm_sysfs_exit() in dm slots=0\n"
        "  block\n"
        "    (kobject_put dm_kobj)\n"
        "    (wait_for_completion kobj_holder)\n"
        "init slots=0\n"
        "  block\n"
        "    (__module_get module:dm)\n"
        "thread sysfs_reader slots=0\n"
        "  block\n"
        "    if (kobject_get_unless_zero dm_kobj)\n"
        "      block\n"
        "        (kobject_put dm_kobj)\n"
        "thread rmmod slots=0\n"
        "  block\n"
        "    (call dm_sysfs_exit)\n"
        "    (module_put module:dm)\n"
        "    (delete_module module:dm)\n"
        "expect violation unloaded-code\n");
}

TEST_CASE("frontend: the dm example's tables, indices and locations", "[frontend]") {
  Program p = compile_ok(kDm);
  CHECK(p.path() == "t.scn");
  CHECK(p.title == "dm: kobject release method inside the dm module");
  REQUIRE(p.modules.size() == 1);
  CHECK(p.modules[0].name == "dm");
  CHECK(p.modules[0].loc == SourceLoc{4, 8});
  CHECK(p.modules[0].exit_function == -1);
  REQUIRE(p.globals.size() == 2);
  CHECK(p.globals[0].name == "kobj_holder");
  CHECK(p.types[p.globals[0].type].object == ObjectKind::Completion);
  CHECK(p.globals[0].release_function == -1);
  CHECK(p.globals[1].name == "dm_kobj");
  CHECK(p.types[p.globals[1].type].kind == preempt::lang::TypeKind::Object);
  CHECK(p.globals[1].release_function == 0);

  REQUIRE(p.functions.size() == 2);
  CHECK(p.functions[0].name == "dm_kobject_release");
  CHECK(p.functions[0].loc == SourceLoc{9, 6});
  CHECK(p.functions[0].module == 0);
  CHECK_FALSE(p.functions[0].returns_value());
  CHECK(p.functions[0].params.empty());
  CHECK(p.functions[0].body.end_loc == SourceLoc{11, 1});
  CHECK(p.functions[1].module == 0);

  REQUIRE(p.init);
  CHECK(p.init->slot_count == 0);
  const auto& get = *p.init->block->children.at(0);
  CHECK(get.kind == StmtKind::ExprStmt);
  CHECK(get.loc == SourceLoc{19, 5});
  CHECK(get.value->builtin == Builtin::ModuleGet);
  CHECK(get.value->args.at(0)->kind == preempt::lang::ExprKind::ModuleRef);
  CHECK(get.value->args.at(0)->decl == 0);
  CHECK_FALSE(p.final);

  REQUIRE(p.threads.size() == 2);
  const auto& reader = p.threads[0];
  CHECK(reader.name == "sysfs_reader");
  CHECK(reader.count == 0);
  CHECK(reader.module == -1);
  const auto& if_stmt = *reader.body.block->children.at(0);
  REQUIRE(if_stmt.kind == StmtKind::If);
  CHECK(if_stmt.cond->kind == ExprKind::CallBuiltin);
  CHECK(if_stmt.cond->builtin == Builtin::KobjectGetUnlessZero);
  CHECK(if_stmt.else_branch == nullptr);
  const auto& put = *if_stmt.then_branch->children.at(0)->value;
  CHECK(put.builtin == Builtin::KobjectPut);
  CHECK(put.loc == SourceLoc{24, 9});
  CHECK(put.args.at(0)->loc == SourceLoc{24, 21});

  const auto& rmmod = p.threads[1].body.block->children;
  REQUIRE(rmmod.size() == 3);
  CHECK(rmmod[0]->value->kind == ExprKind::CallUser);
  CHECK(rmmod[0]->value->decl == 1);
  CHECK(rmmod[2]->value->builtin == Builtin::DeleteModule);

  CHECK(p.expectation.kind == Expectation::Kind::Violation);
  CHECK(p.expectation.violation == "unloaded-code");
  CHECK(p.expectation.loc == SourceLoc{34, 1});
  CHECK(p.expected_executions.empty());
  CHECK(p.source_line(24) ==
        "        kobject_put(dm_kobj);        // may drop the last reference: the release method "
        "runs here");
}

TEST_CASE("frontend: success leaves diags empty and returns a movable program", "[frontend]") {
  Diagnostics diags;
  std::optional<Program> p = compile_frontend("x.scn", "thread t {}", diags);
  REQUIRE(p);
  CHECK_FALSE(diags.has_errors());
  Program moved = std::move(*p);
  CHECK(moved.threads.size() == 1);
  CHECK(moved.source_line(1) == "thread t {}");
}

TEST_CASE("frontend: an empty file has no thread", "[frontend][edge]") {
  CHECK(first_error("") == "t.scn:1:1: error: scenario has no thread");
  CHECK(first_error("\n\n") == "t.scn:3:1: error: scenario has no thread");
}

TEST_CASE("frontend: a syntax error stops before name resolution", "[frontend]") {
  CHECK(error_lines("thread t { x = ; }\nthread u { undeclared = 1; }\n") ==
        "t.scn:1:16: error: expected an expression, found ';'\n");
}

TEST_CASE("frontend: a thousand threads are fine", "[frontend][edge]") {
  std::string text = "int g; mutex m;\n";
  for (int i = 0; i < 1000; ++i) {
    text += "thread t" + std::to_string(i) + " { mutex_lock(m); g++; mutex_unlock(m); }\n";
  }
  Program p = compile_ok(text);
  CHECK(p.threads.size() == 1000);
  CHECK(p.threads[999].name == "t999");
  CHECK(p.threads[999].loc == SourceLoc{1001, 8});
}

TEST_CASE("frontend: 10 MB of statements compile in linear time", "[frontend][edge][big]") {
  std::string text = "int g; int a[8];\nthread t {\n  int x = 0;\n";
  const std::string line = "  x = x + 1; if (g > 3) { a[x % 8] -= 2; } // step\n";
  size_t lines = 0;
  for (; text.size() < 10'000'000; ++lines) text += line;
  text += "}\n";
  Program p = compile_ok(text);
  CHECK(p.threads.at(0).body.block->children.size() == 1 + 2 * lines);
  CHECK(p.threads.at(0).body.slot_count == 1);
}

TEST_CASE("frontend: 10 MB of random bytes give at most 21 errors", "[frontend][edge][big]") {
  std::string text;
  text.reserve(10'000'000);
  uint64_t x = 88172645463325252ull;
  while (text.size() < 10'000'000) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    text += static_cast<char>(x & 0xFF);
  }
  Diagnostics diags;
  CHECK_FALSE(compile_frontend("r.scn", text, diags));
  CHECK(diags.count() <= 21);
  CHECK_FALSE(diags.render().empty());
}

TEST_CASE("frontend: a 100,000-character line", "[frontend][edge]") {
  // Many short statements on one line are fine.
  std::string ok = "thread t { int x = 0;";
  while (ok.size() < 100'000) ok += " x = x + 1;";
  ok += " }";
  CHECK(errors_of(ok).empty());
  // One expression as long as the line: a chain of 10,000 '+' is too deep a tree. The 255th
  // '+' (at 22 + 10 * 254) makes the tree 257 high: (2 * 3) is 2 high.
  std::string expr = "1";
  while (expr.size() < 100'000) expr += " + (2 * 3)";
  CHECK(first_error("thread t { int x = " + expr + "; }") ==
        "t.scn:1:2562: error: expression nested too deeply");
  std::string long_name(100'000, 'v');
  CHECK(first_error("thread t { " + long_name + " = 1; }") ==
        "t.scn:1:12: error: undeclared name '" + long_name + "'");
}

TEST_CASE("frontend: NUL bytes and invalid UTF-8 are reported with their position", "[frontend]") {
  using namespace std::string_literals;
  CHECK(errors_of("thread t {\n  int a = 1; \0\n}\n"s) ==
        "t.scn:2:14: error: unexpected character '\\x00' (NUL byte)\n"
        "  int a = 1; ?\n"
        "             ^\n");
  CHECK(errors_of("thread t { int a = 1; \xFF }") ==
        "t.scn:1:23: error: invalid UTF-8 byte '\\xFF'\n"
        "thread t { int a = 1; ? }\n"
        "                      ^\n");
  CHECK(first_error("/* unterminated\n thread t {}") ==
        "t.scn:1:1: error: unterminated comment: '/*' has no matching '*/'");
  // Comments and strings may hold any UTF-8.
  CHECK(errors_of("scenario \"caf\xC3\xA9 \xE2\x98\x95\"; // \xE2\x9C\x93\nthread t {}").empty());
}

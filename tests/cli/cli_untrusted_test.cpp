// Scenario files from an untrusted pull request (issue 18, docs/cli.md "Running on untrusted
// input"): one test per attack. Each builds its hostile files in the build tree at run time.
#include "tests/catch.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/cli/run_binary.hpp"

namespace {

namespace fs = std::filesystem;
using preempt::test::run_preempt;
using preempt::test::slurp;
using Clock = std::chrono::steady_clock;

// A fresh folder for one test.
std::string scratch(const std::string& name) {
  const std::string dir = std::string(PREEMPT_TEST_TMP) + "/untrusted_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Runs a shell command line from the source tree; its exit code.
int shell(const std::string& line) {
  const int status = std::system((std::string("cd ") + PREEMPT_SOURCE_DIR + " && " + line).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// One thread loops locally for ever: no visible step for 10^6 instructions at a time.
constexpr const char* kEndless =
    "int g;\nint k;\nthread t {\n  while (1) {\n    for (int i = 0; i < 1000000; i = i + 1) { }\n"
    "    k = k + 1;\n    g = k;\n  }\n}\nexpect safe;\n";

// Sends `signal` to a check of `scenario` after 0.5 s; the exit code, output and seconds taken.
struct Signalled {
  int code = -1;
  std::string out;
  double seconds = 0;
};
Signalled signal_check(const std::string& dir, const std::string& scenario, const char* signal,
                       const std::string& extra = "", double after = 0.5) {
  const std::string out = dir + "/out.txt";
  const auto start = Clock::now();
  const int code = shell(std::string("{ ") + PREEMPT_BINARY + " check --max-time 60 " + extra + " " + scenario + " >" +
                         out + " 2>" + dir + "/err.txt </dev/null & pid=$!; sleep " + std::to_string(after) + "; kill -" + signal +
                         " $pid; wait $pid; }");
  return {code, slurp(out), seconds_since(start)};
}

}  // namespace

TEST_CASE("max-time stops an endless local loop inside one execution", "[cli][untrusted][limits]") {
  const std::string dir = scratch("endless");
  write(dir + "/loop.scn", kEndless);
  const auto start = Clock::now();
  const auto run = run_preempt("check --max-time 0.5 " + dir + "/loop.scn");
  CHECK(seconds_since(start) < 3.0);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("verdict: INCOMPLETE"));
  CHECK_THAT(run.out, Catch::Contains("stopped at the time limit (0.5 s)"));
}

TEST_CASE("max-time stops an execution of 4000 threads", "[cli][untrusted][limits]") {
  const std::string dir = scratch("threads");
  write(dir + "/many.scn", "int g;\nthread t[4000] { g = 1; }\nexpect safe;\n");
  const auto start = Clock::now();
  const auto run = run_preempt("check --max-time 0.5 " + dir + "/many.scn");
  CHECK(seconds_since(start) < 3.0);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("stopped at the time limit"));
}

TEST_CASE("SIGINT, SIGTERM and SIGHUP stop an execution at once and write the partial reports",
          "[cli][untrusted][limits]") {
  const std::string dir = scratch("signals");
  write(dir + "/loop.scn", kEndless);
  for (const char* signal : {"INT", "TERM", "HUP"}) {
    INFO(signal);
    fs::remove(dir + "/log.sarif");
    const Signalled run = signal_check(dir, dir + "/loop.scn", signal, "--sarif " + dir + "/log.sarif");
    CHECK(run.code == 3);
    CHECK(run.seconds < 3.0);
    CHECK_THAT(run.out, Catch::Contains("verdict: INCOMPLETE"));
    CHECK_THAT(run.out, Catch::Contains("interrupted"));
    const nlohmann::json sarif = nlohmann::json::parse(slurp(dir + "/log.sarif"));
    CHECK(sarif["version"] == "2.1.0");
  }
}

TEST_CASE("test --time-budget ends the whole run: cut and unrun scenarios are STOP, exit 3",
          "[cli][untrusted][limits]") {
  const std::string dir = scratch("budget");
  for (const char* name : {"a", "b", "c"}) write(dir + "/" + name + ".scn", kEndless);
  const auto start = Clock::now();
  const auto run = run_preempt("test --time-budget 1 --junit " + dir + "/junit.xml " + dir);
  CHECK(seconds_since(start) < 4.0);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("STOP "));
  CHECK_THAT(run.out, Catch::Contains("not run (the time budget ran out)"));
  CHECK_THAT(run.out, Catch::Contains("0 passed, 0 failed, 3 not finished (the time budget ran out)"));
  CHECK_THAT(slurp(dir + "/junit.xml"), Catch::Contains("<testsuites"));
}

TEST_CASE("test -j 2 --time-budget: every thread stops at the budget, the rest are not run", "[cli][untrusted][limits]") {
  const std::string dir = scratch("budget_jobs");
  for (const char* name : {"a", "b", "c", "d"}) write(dir + "/" + name + ".scn", kEndless);
  const auto start = Clock::now();
  const auto run = run_preempt("test -j 2 --time-budget 1 " + dir);
  CHECK(seconds_since(start) < 4.0);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("a.scn: not finished (the time budget ran out)"));
  CHECK_THAT(run.out, Catch::Contains("b.scn: not finished (the time budget ran out)"));
  CHECK_THAT(run.out, Catch::Contains("d.scn: not run (the time budget ran out)"));
  CHECK_THAT(run.out, Catch::Contains("0 passed, 0 failed, 4 not finished (the time budget ran out)"));
}

TEST_CASE("a FIFO is refused at once, given or found in a folder", "[cli][untrusted][files]") {
  const std::string dir = scratch("fifo");
  REQUIRE(::mkfifo((dir + "/pipe.scn").c_str(), 0600) == 0);
  const auto start = Clock::now();
  const auto given = run_preempt("check " + dir + "/pipe.scn");
  CHECK(given.exit_code == 2);
  CHECK_THAT(given.err, Catch::Contains("pipe.scn: error: a FIFO; only regular files are read"));
  const auto scanned = run_preempt("test " + dir);
  CHECK(scanned.exit_code == 2);
  CHECK_THAT(scanned.err, Catch::Contains("pipe.scn: error: a FIFO"));
  // The loader itself never blocks on one either (replay takes its file directly).
  const auto replayed = run_preempt("replay " + dir + "/pipe.scn --schedule t");
  CHECK(replayed.exit_code == 2);
  CHECK_THAT(replayed.err, Catch::Contains("pipe.scn: error: a FIFO; only regular files are read"));
  CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("thread t[65536] and 2,000 arrays of 65536 are clear errors, not bad_alloc", "[cli][untrusted][memory]") {
  const std::string dir = scratch("memory");
  write(dir + "/threads.scn", "int g;\nthread t[65536] { g = 1; }\nexpect safe;\n");
  const auto threads = run_preempt("check " + dir + "/threads.scn");
  CHECK(threads.exit_code == 2);
  CHECK_THAT(threads.err, Catch::Contains("more than 4096 threads"));
  std::string arrays;
  for (int i = 0; i < 2000; ++i) arrays += "int a" + std::to_string(i) + "[65536];\n";
  write(dir + "/arrays.scn", arrays + "thread t { a0[0] = 1; }\nexpect safe;\n");
  const auto big = run_preempt("check " + dir + "/arrays.scn");
  CHECK(big.exit_code == 2);
  CHECK_THAT(big.err, Catch::Contains("error:"));
  CHECK_THAT(big.err, !Catch::Contains("bad_alloc"));
}

TEST_CASE("a scenario file past 4 MiB is refused before it is parsed", "[cli][untrusted][memory]") {
  const std::string dir = scratch("size");
  std::string text = "int g;\nthread t {\n";
  while (text.size() <= (4u << 20)) text += "g = 1;\n";
  write(dir + "/big.scn", text + "}\nexpect safe;\n");
  const auto start = Clock::now();
  const auto run = run_preempt("check " + dir + "/big.scn");
  CHECK(seconds_since(start) < 3.0);  // read, not parsed: milliseconds, but CI machines are loaded
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("the file is too large"));
}

TEST_CASE("the HTML page of a 90-byte scenario over a big array stays small", "[cli][untrusted][memory]") {
  const std::string dir = scratch("html");
  write(dir + "/big.scn",
        "int a[65536];\nthread t[2] { for (int i = 0; i < 200; i = i + 1) { a[i] = i; } assert(0); }\n");
  const auto run = run_preempt("check --html " + dir + "/page.html " + dir + "/big.scn");
  CHECK(run.exit_code == 1);
  CHECK(fs::file_size(dir + "/page.html") < 4'000'000);  // was 302 MB (4.3 GB peak)
}

TEST_CASE("a symbolic link is not followed: nothing of its target is read or shown", "[cli][untrusted][files]") {
  const std::string dir = scratch("symlink");
  fs::create_directories(dir + "/pr");
  write(dir + "/secret", "SECRET-KEY-MATERIAL\n");
  write(dir + "/pr/ok.scn", "int g;\nthread t { g = 1; }\nexpect safe;\n");
  fs::create_symlink(dir + "/secret", dir + "/pr/x.scn");
  const std::string reports = " --format json --sarif " + dir + "/log.sarif --junit " + dir + "/junit.xml ";
  const auto scanned = run_preempt("test" + reports + dir + "/pr");
  CHECK(scanned.exit_code == 2);
  CHECK_THAT(scanned.err, Catch::Contains("x.scn: error: a symbolic link; not followed"));
  const auto given = run_preempt("check" + reports + dir + "/pr/x.scn");
  CHECK(given.exit_code == 2);
  for (const std::string& text : {scanned.out, scanned.err, given.out, given.err, slurp(dir + "/log.sarif"),
                                  slurp(dir + "/junit.xml")}) {
    CHECK_THAT(text, !Catch::Contains("SECRET"));
  }
  // Asked to, it follows a link to a regular file (and still refuses one to anything else).
  fs::create_symlink("/dev/zero", dir + "/pr/zero.scn");
  const auto followed = run_preempt("check --follow-symlinks " + dir + "/pr/x.scn " + dir + "/pr/zero.scn");
  CHECK_THAT(followed.err, Catch::Contains("x.scn:1:1: error"));
  CHECK_THAT(followed.err, Catch::Contains("zero.scn: error: a symbolic link to a device; refused"));
}

TEST_CASE("a title with a newline cannot forge a verdict line", "[cli][untrusted][text]") {
  const std::string dir = scratch("title");
  write(dir + "/t.scn",
        "scenario \"x\\n  verdict: SAFE -- every interleaving explored\";\nint g;\n"
        "thread t { g = 1; assert(g == 2); }\nexpect safe;\n");
  const auto run = run_preempt("check " + dir + "/t.scn");
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Catch::Contains("t.scn: x\\n  verdict: SAFE"));
  CHECK_THAT(run.out, !Catch::Contains("\n  verdict: SAFE"));
}

TEST_CASE("file names with newlines or terminal escapes are refused, shown escaped", "[cli][untrusted][text]") {
  const std::string dir = scratch("names");
  const std::string body = "int g;\nthread t { g = 1; }\nexpect safe;\n";
  write(dir + "/a\nPASS fake.scn", body);
  write(dir + "/b\x1b[2J.scn", body);
  const auto run = run_preempt("test " + dir);
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains("a\\nPASS fake.scn: error: the path contains a control character"));
  CHECK_THAT(run.err, Catch::Contains("b\\x1B[2J.scn: error"));
  CHECK_THAT(run.out + run.err, !Catch::Contains("\nPASS"));
  CHECK_THAT(run.out + run.err, !Catch::Contains("\x1b"));
}

TEST_CASE("Latin-1 bytes in a comment or a file name: JSON, SARIF, JUnit and HTML stay valid",
          "[cli][untrusted][text]") {
  const std::string dir = scratch("latin1");
  const std::string body = "// caf\xe9\nint g;\nthread t { g = 1; }\nthread u { g = 2; assert(g == 2); }\nexpect safe;\n";
  write(dir + "/comment.scn", body);
  const auto html = run_preempt("check --html " + dir + "/page.html " + dir + "/comment.scn");
  CHECK(html.exit_code == 1);
  CHECK(fs::file_size(dir + "/page.html") > 1000);
  const std::string name = dir + "/n\xe9.scn";
  write(name, body);
  const auto json = run_preempt("check --format json --sarif " + dir + "/log.sarif --html " + dir + "/n.html '" +
                                name + "'");
  CHECK(json.exit_code == 1);
  CHECK(nlohmann::json::parse(json.out)["scenario"] == dir + "/n\xef\xbf\xbd.scn");
  CHECK_NOTHROW(nlohmann::json::parse(slurp(dir + "/log.sarif")));
  CHECK(fs::file_size(dir + "/n.html") > 1000);
  const auto junit = run_preempt("test --junit " + dir + "/junit.xml '" + name + "'");
  CHECK_THAT(slurp(dir + "/junit.xml"), Catch::Contains("n\xef\xbf\xbd.scn"));
}

TEST_CASE("reports are replaced atomically, and an unwritable one or a full stdout is exit 2", "[cli][untrusted][files]") {
  const std::string dir = scratch("atomic");
  write(dir + "/log.sarif", "old");
  const auto run = run_preempt("check --sarif " + dir + "/log.sarif scenarios/dm-sysfs-exit/fixed.scn");
  CHECK(run.exit_code == 0);
  CHECK_NOTHROW(nlohmann::json::parse(slurp(dir + "/log.sarif")));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // no temporary file left behind
  const auto missing = run_preempt("check --sarif " + dir + "/no/such/folder.sarif scenarios/dm-sysfs-exit/fixed.scn");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("cannot write the SARIF log"));
  CHECK(shell(std::string(PREEMPT_BINARY) + " test scenarios/dm-sysfs-exit/fixed.scn >/dev/full 2>/dev/null") == 2);
  CHECK(shell(std::string(PREEMPT_BINARY) + " check --sarif /dev/full scenarios/dm-sysfs-exit/fixed.scn >/dev/null 2>&1") == 2);
}

// The limits harness: random scenarios that cannot finish in time, each under a tiny --max-time;
// every run must end within twice the limit (plus process start-up) with exit 3 and a valid
// partial JSON report.
TEST_CASE("limits harness: random endless scenarios end within 2x --max-time with exit 3", "[cli][untrusted][limits]") {
  const std::string dir = scratch("harness");
  std::uint32_t seed = 18;
  const auto next = [&seed](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  const char* bodies[] = {
      "while (1) { for (int i = 0; i < 1000000; i = i + 1) { } g = g + 1; }",  // local loop, then a step
      "for (int i = 0; i < 100000; i = i + 1) { g = g + 1; }",                 // long visible loops
      "while (1) { g = g + 1; a[g % 64] = g; }",                                 // endless visible steps
      "for (int i = 0; i < 60; i = i + 1) { g = i; a[i] = g; }",                 // many interleavings
  };
  constexpr double kLimit = 0.4;
  for (int round = 0; round < 6; ++round) {
    const std::uint32_t threads = 2 + next(3000);
    const std::string body = bodies[next(4)];
    const std::string text = "int g;\nint a[64];\nthread t[" + std::to_string(round % 2 == 0 ? 3 : threads) + "] { " +
                             body + " }\nthread u { " + bodies[next(4)] + " }\nexpect safe;\n";
    INFO(text);
    write(dir + "/r.scn", text);
    const auto start = Clock::now();
    const auto run = run_preempt("check --format json --strategy " + std::string(round % 3 == 0 ? "dfs" : "dpor") +
                                 " --max-time " + std::to_string(kLimit) + " " + dir + "/r.scn");
    CHECK(seconds_since(start) < 2 * kLimit + 1.0);  // start-up and a loaded CI machine: 1 s of slack
    CHECK(run.exit_code == 3);
    const nlohmann::json report = nlohmann::json::parse(run.out);
    CHECK(report["verdict"] == "incomplete");
  }
}

// One memory limit for everything a run makes grow (here the trace of an endless execution, which
// --max-steps would let reach gigabytes): the run stops at --max-memory, incomplete, exit 3, and
// names the limit; it never runs out of memory.
TEST_CASE("max-memory stops a run that grows without end, whatever grows", "[cli][untrusted][memory]") {
  const std::string dir = scratch("max_memory");
  write(dir + "/grow.scn", "int g;\nthread t { while (1) { g = g + 1; } }\nexpect safe;\n");
  const auto start = Clock::now();
  const auto run = run_preempt("check --format json --strategy dfs --max-steps 100000000 --max-memory 32 " + dir + "/grow.scn");
  CHECK(seconds_since(start) < 20.0);
  CHECK(run.exit_code == 3);
  const nlohmann::json report = nlohmann::json::parse(run.out);
  CHECK(report["verdict"] == "incomplete");
  CHECK(report["incomplete_reasons"].dump().find("stopped at the memory limit (32 MiB") != std::string::npos);
  // A scenario's own `option max-memory` only tightens the command line's limit.
  write(dir + "/pinned.scn", "option max-memory 16;\nint g;\nthread t { while (1) { g = g + 1; } }\nexpect safe;\n");
  const auto pinned = run_preempt("check --strategy dfs --max-steps 100000000 " + dir + "/pinned.scn");
  CHECK(pinned.exit_code == 3);
  CHECK_THAT(pinned.out, Catch::Contains("stopped at the memory limit (16 MiB"));
}

// Threads parked at their first step give their stacks back (ThreadContext, "Restarting"): 4000
// threads that run one after another need a few stacks, not 4000 (1 GB of address space before).
TEST_CASE("thread t[4000] runs without a stack per thread", "[cli][untrusted][memory]") {
  const std::string dir = scratch("stacks");
  write(dir + "/many.scn", "int g;\nthread t[4000] { g = 1; }\nexpect safe;\n");
  const auto start = Clock::now();
  const auto run = run_preempt("check --max-time 1 " + dir + "/many.scn");
  CHECK(seconds_since(start) < 4.0);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("stopped at the time limit (1 s)"));
#if !defined(PREEMPT_TEST_SANITIZED)  // ASan reserves terabytes of address space
  // 400 MB of address space: 4000 stacks of 256 KiB would not fit.
  const int code = shell("ulimit -v 400000 && " + std::string(PREEMPT_BINARY) + " check --strategy dfs --max-executions 3 " +
                         dir + "/many.scn >" + dir + "/out.txt 2>&1");
  CHECK(code == 3);
  CHECK_THAT(slurp(dir + "/out.txt"), Catch::Contains("stopped at the execution limit (3 executions)"));
#endif
}

// Kernel contexts count as threads: 2000 work items queued by one thread stop at --max-time too.
TEST_CASE("max-time holds with thousands of kernel contexts", "[cli][untrusted][limits]") {
  const std::string dir = scratch("contexts");
  write(dir + "/works.scn",
        "int g;\nstruct work_struct w[2000];\nvoid work_fn() { g = g + 1; }\n"
        "init { for (int i = 0; i < 2000; i++) { INIT_WORK(&w[i], work_fn); } }\n"
        "thread t { for (int i = 0; i < 2000; i++) { schedule_work(&w[i]); } }\n"
        "thread u[1000] { g = 2; }\nexpect safe;\n");
  for (const char* strategy : {"dpor", "stateful"}) {
    INFO(strategy);
    const auto start = Clock::now();
    const auto run = run_preempt(std::string("check --strategy ") + strategy + " --max-time 0.5 " + dir + "/works.scn");
    CHECK(seconds_since(start) < 2 * 0.5 + 1.0);
    CHECK(run.exit_code == 3);
    CHECK_THAT(run.out, Catch::Contains("stopped at the time limit (0.5 s)"));
  }
}

// A file at the size limit takes a while to load: a time limit or a signal stops the loading
// itself (the front end polls), not only what comes after.
TEST_CASE("the deadline or a signal during the loading of a 4 MiB file stops it", "[cli][untrusted][limits]") {
  const std::string dir = scratch("loading");
  const std::size_t statements = ((4u << 20) - 100) / 7;
  std::string text = "int g;\nthread t {\n";
  text.reserve(4u << 20);
  for (std::size_t i = 0; i < statements; ++i) text += "g = 1;\n";
  write(dir + "/big.scn", text + "}\nexpect safe;\n");
  const auto start = Clock::now();
  const auto run = run_preempt("check --format json --max-time 0.1 " + dir + "/big.scn");
  CHECK(seconds_since(start) < 3.0);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.err, Catch::Contains("big.scn: not checked (the time limit (0.1 s) ran out while it loaded)"));
  CHECK(nlohmann::json::parse(run.out)["verdict"] == "not-run");
  const auto tested = run_preempt("test --max-time 0.1 " + dir + "/big.scn");
  CHECK(tested.exit_code == 3);
  CHECK_THAT(tested.out, Catch::Contains("STOP "));
  const Signalled signalled = signal_check(dir, dir + "/big.scn", "INT", "", 0.1);
  CHECK(signalled.code == 3);
  CHECK(signalled.seconds < 3.0);
  CHECK_THAT(slurp(dir + "/err.txt"), Catch::Contains("big.scn: not checked (interrupted)"));
}

// replay, play and compile read their files under the same policy as check and test.
TEST_CASE("replay, play and compile refuse symbolic links and FIFOs like check", "[cli][untrusted][files]") {
  const std::string dir = scratch("commands");
  write(dir + "/secret", "SECRET-KEY-MATERIAL\n");
  write(dir + "/ok.scn", "int g;\nthread t { g = 1; }\nexpect safe;\n");
  fs::create_symlink(dir + "/secret", dir + "/x.scn");
  fs::create_symlink(dir + "/ok.scn", dir + "/link.scn");
  REQUIRE(::mkfifo((dir + "/pipe.scn").c_str(), 0600) == 0);
  const std::string commands[] = {"replay --schedule t ", "play ", "compile "};
  for (const std::string& command : commands) {
    INFO(command);
    const auto linked = run_preempt(command + dir + "/x.scn");
    CHECK(linked.exit_code == 2);
    CHECK_THAT(linked.err, Catch::Contains("x.scn: error: a symbolic link; not followed"));
    CHECK_THAT(linked.out + linked.err, !Catch::Contains("SECRET"));
    const auto piped = run_preempt(command + dir + "/pipe.scn");
    CHECK(piped.exit_code == 2);
    CHECK_THAT(piped.err, Catch::Contains("pipe.scn: error: a FIFO; only regular files are read"));
    const auto followed = run_preempt(command + "--follow-symlinks " + dir + "/link.scn");
    CHECK_THAT(followed.err, !Catch::Contains("error"));
  }
  CHECK(run_preempt("compile --follow-symlinks " + dir + "/link.scn").exit_code == 0);
  CHECK(run_preempt("replay --schedule t --follow-symlinks " + dir + "/link.scn").exit_code == 0);
}

#include "checker/report/sarif.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "checker/report/file_output.hpp"

#include "checker/report/narrative.hpp"
#include "checker/report/step_text.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSrcRoot = "%SRCROOT%";
constexpr const char* kCompileErrorRule = "compile-error";
constexpr int kViolationKinds = 0
#define PREEMPT_VIOLATION(name, spelling, summary, help) +1
#include "checker/rt/violation_kinds.def"
    ;

// How to read and fix each kind, in Markdown (`code` spans); the plain text drops the backquotes.
// Every kind is listed and there is no default: -Wswitch catches a kind added to the .def file.
constexpr std::string_view kHowToRead =
    " The result's code flow is the interleaving that fails, step by step; its properties hold the schedule "
    "and the command that replays it (`preempt replay FILE --schedule S`). Semantics: docs/models.md.";
constexpr std::string_view kCompileErrorHelp =
    "The scenario does not compile: a lexical, syntax or checking error of the scenario language "
    "(docs/scenario-language.md), at this location. Nothing in the file was checked.";

std::string without_backquotes(std::string_view markdown) {
  std::string text(markdown);
  text.erase(std::remove(text.begin(), text.end(), '`'), text.end());
  return text;
}

Json rule(std::string_view id, std::string_view name, std::string_view summary, const std::string& help) {
  return Json{{"id", std::string(id)},
              {"name", std::string(name)},
              {"shortDescription", Json{{"text", std::string(summary)}}},
              {"fullDescription", Json{{"text", without_backquotes(help)}}},
              {"help", Json{{"text", without_backquotes(help)}, {"markdown", help}}},
              {"defaultConfiguration", Json{{"level", "error"}}},
              {"properties", Json{{"tags", Json::array({"concurrency", "kernel"})}, {"precision", "very-high"}}}};
}

Json rules() {
  Json list = Json::array();
#define PREEMPT_VIOLATION(name, spelling, summary, help) \
  list.push_back(rule(spelling, #name, summary, std::string(violation_help(ViolationKind::name)) + std::string(kHowToRead)));
#include "checker/rt/violation_kinds.def"
  list.push_back(rule(kCompileErrorRule, "CompileError", "the scenario does not compile", std::string(kCompileErrorHelp)));
  return list;
}

// Percent-encodes everything but RFC 3986 unreserved characters and '/'.
std::string uri_encode(const std::string& path) {
  std::string out;
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// A relative path becomes a relative URI against %SRCROOT%; an absolute one a file:// URI.
Json artifact_location(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (p.is_absolute()) return Json{{"uri", "file://" + uri_encode(p.generic_string())}};
  return Json{{"uri", uri_encode(p.generic_string())}, {"uriBaseId", kSrcRoot}};
}

// The text of a scenario, line by line (lines without their '\n' and a '\r' before it).
class SourceLines {
 public:
  explicit SourceLines(std::string_view text) {
    std::size_t begin = 0;
    while (begin <= text.size() && !text.empty()) {
      std::size_t end = text.find('\n', begin);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(begin, end - begin);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.emplace_back(line);
      begin = end + 1;
    }
  }
  // Line `n` (1-based), or nothing.
  [[nodiscard]] const std::string* line(std::uint32_t n) const {
    return n >= 1 && n <= lines_.size() ? &lines_[n - 1] : nullptr;
  }

 private:
  std::vector<std::string> lines_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The 1-based UTF-16 column of byte offset `offset` of `line` (SARIF's default columnKind). Bytes
// that are not valid UTF-8 count one unit each.
std::uint32_t utf16_column(std::string_view line, std::size_t offset) {
  std::uint32_t units = 0;
  std::size_t i = 0;
  while (i < offset && i < line.size()) {
    const auto b = static_cast<unsigned char>(line[i]);
    std::size_t length = 1;
    if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
    } else if (b >= 0xE0) {
      length = 3;
    } else if (b >= 0xC2 && b < 0xE0) {
      length = 2;
    }
    bool valid = b < 0x80 || length > 1;
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = i + k < line.size() && (static_cast<unsigned char>(line[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) length = 1;
    units += valid && length == 4 ? 2 : 1;
    i += length;
  }
  return units + 1;
}

// Where the code of a line ends: before a `//` comment that is not inside a string, and before
// trailing blanks.
std::size_t code_end(std::string_view line) {
  bool in_string = false;
  std::size_t end = line.size();
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (in_string) {
      if (line[i] == '\\') {
        ++i;
      } else if (line[i] == '"') {
        in_string = false;
      }
    } else if (line[i] == '"') {
      in_string = true;
    } else if (line[i] == '/' && i + 1 < line.size() && (line[i + 1] == '/' || line[i + 1] == '*')) {
      end = i;
      break;
    }
  }
  while (end > 0 && std::isspace(static_cast<unsigned char>(line[end - 1]))) --end;
  return end;
}

std::size_t code_begin(std::string_view line, std::size_t end) {
  std::size_t begin = 0;
  while (begin < end && std::isspace(static_cast<unsigned char>(line[begin]))) ++begin;
  return begin;
}

// The code of a line with its blanks collapsed and its comment dropped: what fingerprints hash, so
// that re-indenting or re-commenting does not change them.
std::string normalized_code(const std::string* line) {
  if (line == nullptr) return {};
  const std::size_t end = code_end(*line);
  std::string out;
  bool blank = false;
  for (std::size_t i = code_begin(*line, end); i < end; ++i) {
    const char c = (*line)[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

// A region of line `n`: the text of `focus` where the line spells it (the operation:
// `kobject_put(dm_kobj)`), else the code of the line, its comment left out. Without the source,
// the line alone.
Json region(const SourceLines& source, std::uint32_t n, std::string_view focus = {}) {
  Json r{{"startLine", n}};
  const std::string* line = source.line(n);
  if (line == nullptr) return r;
  const std::size_t end = code_end(*line);
  std::size_t begin = code_begin(*line, end);
  std::size_t stop = end;
  if (!focus.empty()) {
    if (const std::size_t at = std::string_view(*line).substr(0, end).find(focus, begin); at != std::string_view::npos) {
      begin = at;
      stop = at + focus.size();
    }
  }
  if (begin >= stop) return r;
  r["startColumn"] = utf16_column(*line, begin);
  r["endLine"] = n;
  r["endColumn"] = utf16_column(*line, stop);
  r["snippet"] = Json{{"text", line->substr(begin, stop - begin)}};
  return r;
}

Json physical_location(const std::string& path, const SourceLines& source, std::uint32_t line,
                       std::string_view focus = {}) {
  Json physical{{"artifactLocation", artifact_location(path)}};
  if (line != 0) {
    physical["region"] = region(source, line, focus);
    if (const std::string* text = source.line(line); text != nullptr) {
      physical["contextRegion"] = Json{{"startLine", line}, {"snippet", Json{{"text", *text}}}};
    }
  }
  return physical;
}

// The function a step's code is in, and its module, as a SARIF logical location.
Json logical_locations(const ModelLayout& layout, FunctionId f) {
  if (f == kNone || f >= layout.functions.size()) return Json::array();
  const FunctionInfo& info = layout.functions[f];
  Json logical{{"name", info.name}, {"kind", "function"}};
  if (info.module != kNone) logical["fullyQualifiedName"] = layout.modules[info.module].name + "::" + info.name;
  return Json::array({logical});
}

std::string function_name(const ModelLayout& layout, FunctionId f) {
  if (f == kNone || f >= layout.functions.size()) return {};
  const FunctionInfo& info = layout.functions[f];
  return info.module == kNone ? info.name : layout.modules[info.module].name + "::" + info.name;
}

// 64-bit FNV-1a, as 16 hex digits: stable across platforms and runs (std::hash is neither).
class Fingerprint {
 public:
  Fingerprint& add(std::string_view text) {
    for (char c : text) mix(static_cast<unsigned char>(c));
    mix(0);  // a separator, so that ("ab", "c") and ("a", "bc") differ
    return *this;
  }
  [[nodiscard]] std::string hex() const { return fmt::format("{:016x}", hash_); }

 private:
  void mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string thread_name(const Counterexample& c, ThreadId t) {
  return thread_name_of(c.thread_names, t);
}

// "-- sysfs_reader is preempted inside dm_kobject_release [dm]; rmmod runs -- 6. rmmod waits for
// kobj_holder and goes on (done 1 -> 0)": one step as the text story tells it.
std::string step_message(const Counterexample& c, std::size_t index, const ModelLayout& layout) {
  const std::string preemption = preemption_text(c, index, layout);
  const std::string sentence = fmt::format("{}. {}", c.trace[index].step, narrate_step(c, index, layout));
  return preemption.empty() ? sentence : fmt::format("-- {} -- {}", preemption, sentence);
}

Json thread_flow(const std::string& path, const SourceLines& source, const Counterexample& c,
                 const ModelLayout& layout) {
  Json locations = Json::array();
  const std::uint32_t failing = c.violation ? c.violation->step : 0;
  for (std::size_t i = 0; i < c.trace.size(); ++i) {
    const TraceEntry& e = c.trace[i];
    const StepText text = describe_step(e, layout, c.thread_names, c.view());
    Json location{{"physicalLocation", physical_location(path, source, e.op.line, text.op)}};
    if (Json logical = logical_locations(layout, e.op.location); !logical.empty()) {
      location["logicalLocations"] = std::move(logical);
    }
    location["message"] = Json{{"text", step_message(c, i, layout)}};
    // The steps that make the race -- preemptions and the failing step -- are the essential ones.
    const bool essential = e.preempted || e.step == failing || i + 1 == c.trace.size();
    Json step{{"location", std::move(location)},
              {"executionOrder", e.step},
              {"importance", essential ? "essential" : "important"},
              {"properties", Json{{"thread", thread_name(c, e.thread)}, {"preempted", e.preempted}}}};
    if (FunctionId f = e.op.location; f != kNone && layout.module_of(f) != kNone) {
      step["module"] = layout.modules[layout.module_of(f)].name;
    }
    locations.push_back(std::move(step));
  }
  return Json{{"locations", std::move(locations)}};
}

// The failing step: the one the violation names, else the last step of the trace.
const TraceEntry* failing_step(const Counterexample& c) {
  if (c.violation && c.violation->step != 0) {
    for (const TraceEntry& e : c.trace) {
      if (e.step == c.violation->step) return &e;
    }
  }
  return c.trace.empty() ? nullptr : &c.trace.back();
}

// What identifies a violation across edits that do not touch it: its kind, the function and code
// of the failing step, and the function and code of every step where the scheduler preempted a
// thread (the race), in order -- never line numbers.
std::string violation_fingerprint(const Counterexample& c, const ModelLayout& layout, const SourceLines& source) {
  Fingerprint f;
  f.add(violation_spelling(c.violation->kind));
  if (const TraceEntry* failing = failing_step(c); failing != nullptr) {
    f.add(function_name(layout, failing->op.location)).add(normalized_code(source.line(failing->op.line)));
  }
  for (const TraceEntry& e : c.trace) {
    if (e.preempted) f.add(function_name(layout, e.op.location)).add(normalized_code(source.line(e.op.line)));
  }
  return f.hex();
}

Json result_of(const ScenarioReport& report, const SourceLines& source, const Counterexample& c, bool expected) {
  const ModelLayout& layout = *report.layout;
  const ViolationKind kind = c.violation->kind;
  const TraceEntry* failing = failing_step(c);
  const std::string focus = failing ? describe_step(*failing, layout, c.thread_names, c.view()).op : std::string();
  Json location{{"physicalLocation", physical_location(report.path, source, failing ? failing->op.line : 0, focus)}};
  if (failing != nullptr) {
    if (Json logical = logical_locations(layout, failing->op.location); !logical.empty()) {
      location["logicalLocations"] = std::move(logical);
    }
  }
  Json result{{"ruleId", std::string(violation_spelling(kind))},
              {"ruleIndex", static_cast<int>(kind)},
              {"level", "error"},
              {"message", Json{{"text", c.violation->message}}},
              {"locations", Json::array({std::move(location)})},
              {"partialFingerprints", Json{{"preemptViolation/v1", violation_fingerprint(c, layout, source)}}}};
  Json flow{{"message", Json{{"text", "schedule: " + c.schedule}}},
            {"threadFlows", Json::array({thread_flow(report.path, source, c, layout)})}};
  result["codeFlows"] = Json::array({std::move(flow)});
  if (expected) {
    result["suppressions"] = Json::array({Json{
        {"kind", "inSource"},
        {"justification", fmt::format("the scenario expects it: expect violation {};", violation_spelling(kind))}}});
  }
  Json properties{{"schedule", c.schedule}, {"preemptions", c.preemptions}};
  if (!report.path.empty()) properties["replay"] = replay_command(report.path, c.schedule);
  result["properties"] = std::move(properties);
  return result;
}

// The extent of the token at byte column `column` of `line` (1-based): a word or number, else one
// character; nothing past the end of the line (an error "expected ';'" after the last token).
std::string_view token_at(const std::string* line, std::uint32_t column) {
  if (line == nullptr || column == 0 || column > line->size()) return {};
  const std::size_t begin = column - 1;
  const auto word = [&](std::size_t i) {
    return i < line->size() && (std::isalnum(static_cast<unsigned char>((*line)[i])) || (*line)[i] == '_');
  };
  std::size_t end = begin + 1;
  if (word(begin)) {
    while (word(end)) ++end;
  }
  return std::string_view(*line).substr(begin, end - begin);
}

Json compile_error_result(const std::string& path, const SourceLines& source, const SourceError& e) {
  Json physical{{"artifactLocation", artifact_location(path)}};
  if (e.line != 0) {
    const std::string* line = source.line(e.line);
    Json r{{"startLine", e.line}};
    if (line != nullptr && e.column >= 1) {
      const std::size_t offset = std::min<std::size_t>(e.column - 1, line->size());
      const std::string_view token = token_at(line, e.column);
      r["startColumn"] = utf16_column(*line, offset);
      r["endLine"] = e.line;
      r["endColumn"] = utf16_column(*line, offset + token.size());
      if (!token.empty()) r["snippet"] = Json{{"text", std::string(token)}};
      physical["contextRegion"] = Json{{"startLine", e.line}, {"snippet", Json{{"text", *line}}}};
    } else if (e.column >= 1) {
      r["startColumn"] = e.column;
    }
    physical["region"] = std::move(r);
  }
  Fingerprint f;
  f.add(kCompileErrorRule).add(e.message).add(normalized_code(source.line(e.line)));
  return Json{{"ruleId", kCompileErrorRule},
              {"ruleIndex", kViolationKinds},
              {"level", "error"},
              {"message", Json{{"text", e.message}}},
              {"locations", Json::array({Json{{"physicalLocation", std::move(physical)}}})},
              {"partialFingerprints", Json{{"preemptCompileError/v1", f.hex()}}}};
}

}  // namespace

std::vector<SourceError> parse_diagnostics(const std::string& path, const std::string& diagnostics) {
  std::vector<SourceError> errors;
  const std::string prefix = path + ":";
  std::istringstream in(diagnostics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    std::string_view rest = std::string_view(line).substr(prefix.size());
    SourceError e;
    const auto number = [&rest](std::uint32_t* value) {
      std::size_t digits = 0;
      std::uint64_t n = 0;
      while (digits < rest.size() && digits < 9 && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
        n = n * 10 + static_cast<std::uint64_t>(rest[digits] - '0');
        ++digits;
      }
      if (digits == 0 || digits >= rest.size() || rest[digits] != ':') return false;
      *value = static_cast<std::uint32_t>(n);
      rest.remove_prefix(digits + 1);
      return true;
    };
    std::string_view saved = rest;
    if (!(number(&e.line) && number(&e.column))) {
      rest = saved;
      e.line = e.column = 0;
    }
    constexpr std::string_view kError = " error: ";
    if (rest.substr(0, kError.size()) != kError) continue;
    e.message = std::string(rest.substr(kError.size()));
    errors.push_back(std::move(e));
  }
  return errors;
}

std::uint32_t failing_line(const Counterexample& c) {
  const TraceEntry* failing = failing_step(c);
  return failing == nullptr ? 0 : failing->op.line;
}

void SarifLog::add(const ScenarioReport& report, bool expected, std::string_view source) {
  const ExploreResult& r = *report.result;
  if (r.verdict == Verdict::Error) add_error(report.path, r.error);
  if (r.violations.empty()) return;
  const std::string read = source.empty() && !report.path.empty() ? read_file(report.path) : std::string();
  const SourceLines lines(source.empty() ? std::string_view(read) : source);
  for (const Counterexample& c : r.violations) {
    if (c.violation) results_.push_back(result_of(report, lines, c, expected));
  }
}

void SarifLog::add_compile_errors(const std::string& path, const std::string& diagnostics, std::string_view source) {
  const std::vector<SourceError> errors = parse_diagnostics(path, diagnostics);
  const std::string read = source.empty() ? read_file(path) : std::string();
  const SourceLines lines(source.empty() ? std::string_view(read) : source);
  for (const SourceError& e : errors) results_.push_back(compile_error_result(path, lines, e));
  if (errors.empty()) {  // not in the front end's format: one result about the whole file
    std::string message = diagnostics;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    results_.push_back(compile_error_result(path, lines, SourceError{0, 0, message}));
  }
  add_error(path, fmt::format("{}: not checked: the scenario does not compile ({} error{}, reported as {} results)",
                              path, std::max<std::size_t>(errors.size(), 1), errors.size() > 1 ? "s" : "",
                              kCompileErrorRule));
}

void SarifLog::add_error(const std::string& path, const std::string& message) {
  notifications_.push_back(Json{{"locations", Json::array({Json{{"physicalLocation", Json{{"artifactLocation", artifact_location(path)}}}}})},
                                {"message", Json{{"text", message}}},
                                {"level", "error"}});
}

nlohmann::ordered_json SarifLog::to_json() const {
  std::error_code ec;
  std::string root = std::filesystem::current_path(ec).generic_string();
  if (!root.empty() && root.back() != '/') root += '/';
  Json driver{{"name", "preempt"}};
  if (!tool_version_.empty()) {
    driver["fullName"] = "preempt " + tool_version_;
    driver["version"] = tool_version_;
    driver["semanticVersion"] = tool_version_;
  }
  driver["rules"] = rules();
  Json run{{"tool", Json{{"driver", std::move(driver)}}},
           {"invocations", Json::array({Json{{"executionSuccessful", notifications_.empty()},
                                             {"toolExecutionNotifications", notifications_}}})}};
  if (!ec) run["originalUriBaseIds"] = Json{{kSrcRoot, Json{{"uri", "file://" + uri_encode(root)}}}};
  run["columnKind"] = "utf16CodeUnits";
  run["results"] = results_;
  return Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({std::move(run)})}};
}

bool write_sarif_file(const std::string& path, const SarifLog& log, std::string* error) {
  // Snippets and messages quote the scenario, whose comments may hold bytes that are not UTF-8:
  // they become U+FFFD rather than an exception.
  return write_report_file(
      path, [&](std::ostream& out) { out << log.to_json().dump(2, ' ', false, Json::error_handler_t::replace) << "\n"; },
      "SARIF log", error);
}

}  // namespace preempt

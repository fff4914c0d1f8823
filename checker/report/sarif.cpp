#include "checker/report/sarif.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "checker/report/narrative.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSrcRoot = "%SRCROOT%";

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

Json physical_location(const std::string& path, std::uint32_t line) {
  Json physical{{"artifactLocation", artifact_location(path)}};
  if (line != 0) physical["region"] = Json{{"startLine", line}};
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

Json thread_flow(const std::string& path, const Counterexample& c, const ModelLayout& layout) {
  Json locations = Json::array();
  const std::uint32_t failing = c.violation ? c.violation->step : 0;
  for (std::size_t i = 0; i < c.trace.size(); ++i) {
    const TraceEntry& e = c.trace[i];
    Json location{{"physicalLocation", physical_location(path, e.op.line)}};
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

Json result_of(const ScenarioReport& report, const Counterexample& c, bool expected) {
  const ModelLayout& layout = *report.layout;
  const ViolationKind kind = c.violation->kind;
  const TraceEntry* failing = failing_step(c);
  Json location{{"physicalLocation", physical_location(report.path, failing ? failing->op.line : 0)}};
  if (failing != nullptr) {
    if (Json logical = logical_locations(layout, failing->op.location); !logical.empty()) {
      location["logicalLocations"] = std::move(logical);
    }
  }
  Json result{{"ruleId", std::string(violation_spelling(kind))},
              {"ruleIndex", static_cast<int>(kind)},
              {"level", "error"},
              {"message", Json{{"text", c.violation->message}}},
              {"locations", Json::array({std::move(location)})}};
  Json flow{{"message", Json{{"text", "schedule: " + c.schedule}}},
            {"threadFlows", Json::array({thread_flow(report.path, c, layout)})}};
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

Json rules() {
  Json list = Json::array();
#define PREEMPT_VIOLATION(name, spelling, summary)                               \
  list.push_back(Json{{"id", spelling},                                          \
                      {"name", #name},                                           \
                      {"shortDescription", Json{{"text", summary}}},            \
                      {"defaultConfiguration", Json{{"level", "error"}}}});
#include "checker/rt/violation_kinds.def"
  return list;
}

}  // namespace

void SarifLog::add(const ScenarioReport& report, bool expected) {
  const ExploreResult& r = *report.result;
  if (r.verdict == Verdict::Error) add_error(report.path, r.error);
  for (const Counterexample& c : r.violations) {
    if (c.violation) results_.push_back(result_of(report, c, expected));
  }
}

void SarifLog::add_error(const std::string& path, const std::string& message) {
  notifications_.push_back(Json{{"locations", Json::array({Json{{"physicalLocation", physical_location(path, 0)}}})},
                                {"message", Json{{"text", message}}},
                                {"level", "error"}});
}

nlohmann::ordered_json SarifLog::to_json() const {
  std::error_code ec;
  std::string root = std::filesystem::current_path(ec).generic_string();
  if (!root.empty() && root.back() != '/') root += '/';
  Json run{{"tool", Json{{"driver", Json{{"name", "preempt"}, {"rules", rules()}}}}},
           {"invocations", Json::array({Json{{"executionSuccessful", notifications_.empty()},
                                             {"toolExecutionNotifications", notifications_}}})}};
  if (!ec) run["originalUriBaseIds"] = Json{{kSrcRoot, Json{{"uri", "file://" + uri_encode(root)}}}};
  run["results"] = results_;
  return Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({std::move(run)})}};
}

bool write_sarif_file(const std::string& path, const SarifLog& log, std::string* error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << log.to_json().dump(2) << "\n";
  out.flush();
  if (!out) {
    *error = path + ": error: cannot write the SARIF log";
    return false;
  }
  return true;
}

}  // namespace preempt

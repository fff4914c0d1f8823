#include "checker/report/junit.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "checker/report/file_output.hpp"
#include "checker/report/text_safety.hpp"

namespace preempt {

namespace {

// Escapes text for XML content and attribute values. XML 1.0 forbids most control characters even
// as references, so they become '?'; tabs and newlines stay (in attributes as references, so that
// attribute normalisation keeps them).
std::string xml_escape(const std::string& raw, bool attribute) {
  const std::string text = valid_utf8(raw);  // XML must be valid UTF-8: a Latin-1 byte becomes U+FFFD
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\r': out += "&#13;"; break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
        break;
    }
  }
  return out;
}

std::string attr(const std::string& text) { return xml_escape(text, true); }

std::string folder_of(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().generic_string();
  return parent.empty() ? "." : parent;
}

std::string file_of(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().generic_string();
  return name.empty() ? path : name;
}

const char* element_of(JunitCase::Outcome outcome) {
  switch (outcome) {
    case JunitCase::Outcome::Passed: return "";
    case JunitCase::Outcome::Failed: return "failure";
    case JunitCase::Outcome::Error: return "error";
    case JunitCase::Outcome::Skipped: return "skipped";
  }
  return "";
}

void write_case(std::ostream& out, const JunitCase& c) {
  out << fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\" file=\"{}\"", attr(folder_of(c.path)),
                     attr(file_of(c.path)), c.seconds, attr(c.path));
  if (c.line != 0) out << " line=\"" << c.line << "\"";
  if (c.outcome == JunitCase::Outcome::Passed) {
    out << "/>\n";
    return;
  }
  const char* element = element_of(c.outcome);
  out << ">\n      <" << element << " message=\"" << attr(c.message) << "\"";
  // <skipped> has no type attribute in the schema; <failure> and <error> require one.
  if (c.outcome != JunitCase::Outcome::Skipped) out << " type=\"" << attr(c.type) << "\"";
  out << ">" << xml_escape(c.details, false) << "</" << element << ">\n    </testcase>\n";
}

}  // namespace

void JunitReport::write(std::ostream& out, const std::string& timestamp, const std::string& hostname) const {
  std::vector<std::string> folders;  // in the order they first appear
  for (const JunitCase& c : cases_) {
    const std::string folder = folder_of(c.path);
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (std::size_t id = 0; id < folders.size(); ++id) {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    for (const JunitCase& c : cases_) {
      if (folder_of(c.path) != folders[id]) continue;
      ++tests;
      seconds += c.seconds;
      failures += c.outcome == JunitCase::Outcome::Failed ? 1 : 0;
      errors += c.outcome == JunitCase::Outcome::Error ? 1 : 0;
      skipped += c.outcome == JunitCase::Outcome::Skipped ? 1 : 0;
    }
    out << fmt::format(
        "  <testsuite name=\"{0}\" package=\"{0}\" id=\"{1}\" timestamp=\"{2}\" hostname=\"{3}\" tests=\"{4}\" "
        "failures=\"{5}\" errors=\"{6}\" skipped=\"{7}\" time=\"{8:.3f}\">\n    <properties/>\n",
        attr(folders[id]), id, attr(timestamp), attr(hostname), tests, failures, errors, skipped, seconds);
    for (const JunitCase& c : cases_) {
      if (folder_of(c.path) == folders[id]) write_case(out, c);
    }
    out << "    <system-out/>\n    <system-err/>\n  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

std::string junit_timestamp_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return text;
}

std::string junit_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

bool write_junit_file(const std::string& path, const JunitReport& report, std::string* error) {
  return write_report_file(
      path, [&](std::ostream& out) { report.write(out, junit_timestamp_now(), junit_hostname()); }, "JUnit report",
      error);
}

}  // namespace preempt

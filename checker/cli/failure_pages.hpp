#pragma once
// `test --html DIR` and `test --dot DIR`: one HTML page (report/html.hpp) and one Graphviz tree of
// the explored executions (report/dot.hpp) per failing scenario, named after its path
// ("scenarios/dm-sysfs-exit/buggy.scn" -> DIR/scenarios_dm-sysfs-exit_buggy.html).
//
// Protocol: prepare() for every scenario before it is explored (it may run on several exploring
// threads at once), then written() on the command's thread when its outcome is known, once.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "checker/explore/config.hpp"
#include "checker/report/dot.hpp"
#include "checker/report/report.hpp"

namespace preempt::cli {

class FailurePages {
 public:
  FailurePages(std::string html_dir, std::string dot_dir);
  [[nodiscard]] bool wanted() const { return !html_dir_.empty() || !dot_dir_.empty(); }
  // Asks the exploration of `path` for what its pages need: a walkthrough, the execution tree.
  void prepare(const std::string& path, const ModelLayout& layout, CheckConfig& config);
  // Writes the pages of a failing scenario (`failed`), forgets its tree either way; false, said on
  // stderr, when a page cannot be written.
  [[nodiscard]] bool written(const ScenarioReport& report, bool failed, std::string_view source);

 private:
  [[nodiscard]] std::string page_name(const std::string& path);
  std::string html_dir_;
  std::string dot_dir_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ExecutionTree>> trees_;  // by scenario path, while it runs
  std::set<std::string> names_;                                  // the page names given so far
};

}  // namespace preempt::cli

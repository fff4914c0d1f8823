#include "checker/cli/failure_pages.hpp"

#include <filesystem>
#include <iostream>

#include "checker/cli/html_output.hpp"

namespace preempt::cli {

FailurePages::FailurePages(std::string html_dir, std::string dot_dir)
    : html_dir_(std::move(html_dir)), dot_dir_(std::move(dot_dir)) {}

void FailurePages::prepare(const std::string& path, const ModelLayout& layout, CheckConfig& config) {
  if (!html_dir_.empty()) config.walkthrough = true;
  if (dot_dir_.empty()) return;
  auto tree = std::make_shared<ExecutionTree>();
  tree->begin(path, layout);
  config.observer = [tree, previous = std::move(config.observer)](const Execution& e, ExecutionEnd end) {
    if (previous) previous(e, end);
    tree->add(e, end);
  };
  const std::lock_guard lock(mutex_);
  trees_[path] = std::move(tree);
}

// The path with every byte but [A-Za-z0-9.-] as '_', without its .scn; a second scenario that
// flattens to the same name gets "-2", "-3", ... in the order the run reports them.
std::string FailurePages::page_name(const std::string& path) {
  std::string name = path.size() > 4 && path.ends_with(".scn") ? path.substr(0, path.size() - 4) : path;
  while (name.starts_with("./")) name.erase(0, 2);
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!plain) c = '_';
  }
  if (name.empty() || name.front() == '.') name.insert(0, "_");
  std::string unique = name;
  for (int n = 2; names_.contains(unique); ++n) unique = name + "-" + std::to_string(n);
  names_.insert(unique);
  return unique;
}

bool FailurePages::written(const ScenarioReport& report, bool failed, std::string_view source) {
  std::shared_ptr<ExecutionTree> tree;
  {
    const std::lock_guard lock(mutex_);
    const auto it = trees_.find(report.path);
    if (it != trees_.end()) {
      tree = std::move(it->second);
      trees_.erase(it);
    }
  }
  if (!failed || !wanted()) return true;
  const std::string name = page_name(report.path);
  bool ok = true;
  for (const std::string* dir : {&html_dir_, &dot_dir_}) {
    if (dir->empty()) continue;
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    if (ec) {
      std::cerr << "preempt: cannot create " << *dir << ": " << ec.message() << "\n";
      return false;
    }
  }
  if (!html_dir_.empty()) ok = write_html_file(html_dir_ + "/" + name + ".html", report, source) && ok;
  if (tree && !dot_dir_.empty()) {
    if (!report.result->violations.empty()) tree->add_reported(report.result->violations.front());
    std::string error;
    if (!write_dot_file(dot_dir_ + "/" + name + ".dot", *tree, &error)) {
      std::cerr << error << "\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace preempt::cli

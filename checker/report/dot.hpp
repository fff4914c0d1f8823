#pragma once
// ExecutionTree: the explored executions of scenarios merged into prefix trees, written for
// Graphviz (`dot -Tsvg`). Each node is a scheduling point, each edge a step labelled
// "thread: operation"; the leaf where an execution ended says how (safe, violation KIND, dropped,
// step limit), violating leaves and the path to them in red, preemptions dashed.
//
// Protocol: begin() a scenario, then call add() from CheckConfig::observer after every execution
// (an execution is determined by its choices, so executions that share a prefix share its nodes),
// and add_reported() with the counterexample the report prints (minimization may have found it
// outside the exploration); then write() all scenarios, one cluster each. The trees share one edge budget: once it is spent,
// further steps are not drawn and the file says the tree was capped.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <ostream>
#include <string>
#include <vector>

#include "checker/explore/execution.hpp"
#include "checker/explore/result.hpp"
#include "checker/rt/layout.hpp"

namespace preempt {

class ExecutionTree {
 public:
  static constexpr std::size_t kDefaultMaxEdges = 2000;
  explicit ExecutionTree(std::size_t max_edges = kDefaultMaxEdges) : max_edges_(max_edges) {}

  // Starts the tree of one scenario; `layout` must outlive the add() calls for it.
  void begin(const std::string& path, const ModelLayout& layout);
  // Merges one execution's reported trace into the current tree.
  void add(const Execution& execution, ExecutionEnd end);
  // Merges the counterexample the report prints and marks its leaf as the reported one.
  void add_reported(const Counterexample& counterexample);
  void write(std::ostream& out) const;

  [[nodiscard]] std::size_t edges() const { return edges_; }
  [[nodiscard]] bool capped() const { return capped_; }

 private:
  struct Node {
    std::vector<std::uint32_t> children;  // node indices, in the order first explored
    ThreadId thread = kNone;              // the step that leads here: who took it,
    std::string label;                    //   "thread: operation",
    bool preempted = false;               //   whether it preempted a thread that could go on,
    bool violating = false;               //   and whether a violating execution took it
    std::optional<ExecutionEnd> end;      // a leaf: how the execution ended here
    std::string end_text;                 // "violation unloaded-code", "safe", ...
    bool cut = false;                     // the budget ran out below this node
    bool reported = false;                // the leaf of the counterexample the report prints
  };
  struct Tree {
    std::string title;
    std::uint64_t executions = 0;
    std::vector<Node> nodes;  // nodes[0] is the root, the first scheduling point
  };
  using Names = std::function<std::vector<std::string>()>;  // the thread names, computed on demand
  // Follows `trace` from the root, adding the nodes it lacks; the leaf reached, or kNone when the
  // edge budget ran out on the way.
  [[nodiscard]] std::uint32_t merge(std::span<const TraceEntry> trace, const Names& names, bool violating);
  [[nodiscard]] std::uint32_t child(Tree& tree, std::uint32_t parent, const TraceEntry& entry, const Names& names);

  std::size_t max_edges_;
  std::size_t edges_ = 0;
  bool capped_ = false;
  std::vector<Tree> trees_;
  const ModelLayout* layout_ = nullptr;
};

// Writes `tree` to the file at `path`; false (and *error says why) when it cannot be written.
[[nodiscard]] bool write_dot_file(const std::string& path, const ExecutionTree& tree, std::string* error);

}  // namespace preempt

#include "checker/report/dot.hpp"

#include <fstream>

#include <fmt/format.h>

#include "checker/report/file_output.hpp"
#include "checker/report/step_text.hpp"
#include "checker/report/words.hpp"

namespace preempt {

namespace {

// A DOT double-quoted string's contents.
std::string dot_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) >= 0x20) {
      out += c;
    }
  }
  return out;
}

std::string end_text(const Execution& execution, ExecutionEnd end) {
  switch (end) {
    case ExecutionEnd::Complete: return "safe";
    case ExecutionEnd::Violation:
      return execution.outcome().violation ? fmt::format("violation {}", violation_spelling(execution.outcome().violation->kind))
                                   : std::string("violation");
    case ExecutionEnd::Dropped: return "dropped (assume)";
    case ExecutionEnd::StepLimit: return "step limit";
    case ExecutionEnd::ModelError: return "model error";
    case ExecutionEnd::Stopped: return "stopped";
  }
  return "?";
}

const char* leaf_color(ExecutionEnd end) {
  switch (end) {
    case ExecutionEnd::Complete: return "palegreen";
    case ExecutionEnd::Violation: return "red";
    case ExecutionEnd::Dropped: return "lightgray";
    case ExecutionEnd::StepLimit: return "orange";
    case ExecutionEnd::ModelError: return "orange";
    case ExecutionEnd::Stopped: return "orange";
  }
  return "white";
}

}  // namespace

void ExecutionTree::begin(const std::string& path, const ModelLayout& layout) {
  layout_ = &layout;
  Tree tree;
  tree.title = layout.title.empty() ? path : path + ": " + layout.title;
  tree.nodes.emplace_back();
  trees_.push_back(std::move(tree));
}

std::uint32_t ExecutionTree::child(Tree& tree, std::uint32_t parent, const TraceEntry& entry,
                                   const Names& names_of) {
  for (std::uint32_t c : tree.nodes[parent].children) {
    if (tree.nodes[c].thread == entry.thread) return c;
  }
  if (edges_ >= max_edges_) {
    capped_ = true;
    tree.nodes[parent].cut = true;
    return kNone;
  }
  const std::vector<std::string> names = names_of();
  const std::string thread = thread_name_of(names, entry.thread);
  Node node;
  node.thread = entry.thread;
  node.label = thread + ": " + describe_step(entry, *layout_, names).op;
  node.preempted = entry.preempted;
  const auto index = static_cast<std::uint32_t>(tree.nodes.size());
  tree.nodes.push_back(std::move(node));
  tree.nodes[parent].children.push_back(index);
  ++edges_;
  return index;
}

std::uint32_t ExecutionTree::merge(std::span<const TraceEntry> trace, const Names& names, bool violating) {
  Tree& tree = trees_.back();
  std::uint32_t at = 0;
  std::vector<std::uint32_t> path;
  for (const TraceEntry& entry : trace) {
    at = child(tree, at, entry, names);
    if (at == kNone) return kNone;  // capped: the rest of this execution is not drawn
    path.push_back(at);
  }
  if (violating) {
    for (std::uint32_t n : path) tree.nodes[n].violating = true;
  }
  return at;
}

void ExecutionTree::add(const Execution& execution, ExecutionEnd end) {
  if (trees_.empty() || layout_ == nullptr) return;
  ++trees_.back().executions;
  const std::uint32_t leaf =
      merge(execution.reported_trace(), [&] { return execution.thread_names(); }, end == ExecutionEnd::Violation);
  if (leaf == kNone) return;
  trees_.back().nodes[leaf].end = end;
  trees_.back().nodes[leaf].end_text = end_text(execution, end);
}

void ExecutionTree::add_reported(const Counterexample& counterexample) {
  if (trees_.empty() || layout_ == nullptr || !counterexample.violation) return;
  const std::uint32_t leaf = merge(counterexample.trace, [&] { return counterexample.thread_names; }, true);
  if (leaf == kNone) return;
  Node& node = trees_.back().nodes[leaf];
  node.end = ExecutionEnd::Violation;
  node.end_text = fmt::format("violation {}", violation_spelling(counterexample.violation->kind));
  node.reported = true;
}

void ExecutionTree::write(std::ostream& out) const {
  out << "// preempt: the explored execution tree. Each node is a scheduling point, each edge a step\n"
         "// (\"thread: operation\"); leaves say how the execution ended. Render: dot -Tsvg FILE -o tree.svg\n";
  const std::string cap_note =
      fmt::format("capped at {} edges: steps beyond the cap are not drawn (nodes marked ...)", max_edges_);
  if (capped_) out << "// " << cap_note << "\n";
  out << "digraph preempt {\n"
         "  node [shape=circle, label=\"\", width=0.12, style=filled, fillcolor=gray40];\n"
         "  edge [fontname=\"monospace\", fontsize=9];\n";
  if (capped_) out << "  label=\"" << dot_escape(cap_note) << "\";\n  labelloc=t;\n";
  for (std::size_t t = 0; t < trees_.size(); ++t) {
    const Tree& tree = trees_[t];
    out << fmt::format("  subgraph cluster_{} {{\n    label=\"{} ({} execution{})\";\n", t,
                       dot_escape(tree.title), tree.executions, tree.executions == 1 ? "" : "s");
    for (std::size_t n = 0; n < tree.nodes.size(); ++n) {
      const Node& node = tree.nodes[n];
      if (node.end) {
        const std::string text = node.reported ? node.end_text + "\n(the reported counterexample)" : node.end_text;
        out << fmt::format("    s{}_{} [shape=box, width=0, label=\"{}\", fillcolor={}{}];\n", t, n,
                           dot_escape(text), leaf_color(*node.end),
                           *node.end == ExecutionEnd::Violation ? ", penwidth=2" : "");
      } else if (node.cut) {
        out << fmt::format("    s{}_{} [shape=plaintext, width=0, label=\"...\", style=\"\"];\n", t, n);
      } else if (n == 0) {
        out << fmt::format("    s{}_{} [width=0.2, fillcolor=black];\n", t, n);
      }
      for (std::uint32_t c : node.children) {
        const Node& to = tree.nodes[c];
        std::string attributes = fmt::format("label=\"{}\"", dot_escape(to.label));
        if (to.violating) attributes += ", color=red, fontcolor=red, penwidth=2";
        if (to.preempted) attributes += ", style=dashed";
        out << fmt::format("    s{}_{} -> s{}_{} [{}];\n", t, n, t, c, attributes);
      }
    }
    out << "  }\n";
  }
  out << "}\n";
}

bool write_dot_file(const std::string& path, const ExecutionTree& tree, std::string* error) {
  return write_report_file(path, [&](std::ostream& out) { tree.write(out); }, "execution tree", error);
}

}  // namespace preempt

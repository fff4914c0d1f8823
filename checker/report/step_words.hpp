#pragma once
// StepWords: a recorded step as the source of the wording templates of ops.def ({obj}, {before},
// ?changed, ...). The trace table, the story and every writer render a step through it, so each
// operation's words live in its row of the table and nowhere else.
#include <span>
#include <string>
#include <string_view>

#include "checker/rt/layout.hpp"
#include "checker/rt/trace.hpp"
#include "checker/rt/wording.hpp"

namespace preempt {

class StepWords final : public WordSource {
 public:
  // `trace`, when given, is the execution the step belongs to: heap objects are then named by their
  // allocation ("the struct nbd_config allocated by opener at line 27").
  StepWords(const TraceEntry& entry, const ModelLayout& layout, std::span<const std::string> thread_names,
            TraceView trace = {})
      : e_(entry), layout_(layout), names_(thread_names), trace_(trace) {}

  [[nodiscard]] std::string field(std::string_view name) const override;
  [[nodiscard]] bool holds(std::string_view cond) const override;
  // "the struct nbd_config allocated by opener at line 27" (or "heap object #1 of opener" when
  // the trace does not have its allocation).
  [[nodiscard]] std::string heap_object_text(Addr header) const;
  // A cell of a heap object: "tx_idle_timer of the struct qca_data allocated by init at line 53".
  [[nodiscard]] std::string heap_cell_text(Addr addr) const;

 private:
  // The changed cell's value `v` in its role's words; `counted`: a completion's count with "(all)".
  [[nodiscard]] std::string cell_text(std::int64_t v, bool counted) const;
  // A pointer value in words: "NULL", "&static_cfg", "the struct nbd_config allocated by opener at
  // line 27" (or "heap object #1 of opener" without the trace).
  [[nodiscard]] std::string pointer_text(std::int64_t value) const;

  const TraceEntry& e_;
  const ModelLayout& layout_;
  std::span<const std::string> names_;
  TraceView trace_;
};

// A thread's own body is where it stands by default: not worth naming.
[[nodiscard]] bool is_body_of(const ModelLayout& layout, FunctionId f, const std::string& thread);

}  // namespace preempt

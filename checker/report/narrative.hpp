#pragma once
// The counterexample as a story, in the style of the numbered race in the dm_kobject_release
// comment: one sentence per step in the user's vocabulary ("sysfs_reader drops its reference to
// dm_kobj (refcount 1 -> 0) and calls dm_kobject_release [module dm]"), a line where the scheduler
// preempts a thread ("-- sysfs_reader is preempted inside dm_kobject_release [dm]; rmmod runs --"),
// and where the source of each step is. Shared by the text report, `preempt play`, SARIF, JUnit and
// the HTML page, so that every output tells the same story in the same words.
#include <cstddef>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checker/explore/result.hpp"
#include "checker/rt/layout.hpp"
#include "checker/rt/trace.hpp"

namespace preempt {

// One step as a sentence whose subject is the thread.
[[nodiscard]] std::string narrate_step(const TraceEntry& entry, const ModelLayout& layout,
                                       std::span<const std::string> thread_names,
                                       TraceView trace = {});
// Step `index` of an execution, told with what came before: the step where a preempted thread
// resumes in the code of an unloaded module reads "sysfs_reader runs again: complete() returns into
// dm_kobject_release [module dm], whose code is gone".
[[nodiscard]] std::string narrate_step(const Counterexample& execution, std::size_t index, const ModelLayout& layout);

// "sysfs_reader is preempted inside dm_kobject_release [dm]; rmmod runs" when step `index` of the
// execution preempts the thread that ran before it; "" otherwise.
[[nodiscard]] std::string preemption_text(const Counterexample& execution, std::size_t index,
                                          const ModelLayout& layout);

// "dm_kobject_release [dm], line 10": where the code of a step is.
[[nodiscard]] std::string step_location(const TraceEntry& entry, const ModelLayout& layout);

// The width the text outputs fit when the terminal's is unknown (not a terminal, no COLUMNS).
inline constexpr std::size_t kDefaultColumns = 80;

// `text` broken at spaces into lines of at most `width` characters (a word longer than that gets a
// line of its own); at least one line.
[[nodiscard]] std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

// The whole execution, one numbered sentence per step with its citation, preemptions and the start
// of `final` marked, fitted to `columns`: when every step fits on one line, the citations stand in
// a column beside their sentences; otherwise the citations are flush right, beside the sentence
// where both fit, else on a line of their own under the wrapped sentence.
void write_narrative(std::ostream& out, const Counterexample& execution, const ModelLayout& layout,
                     std::size_t columns = kDefaultColumns);

}  // namespace preempt

#pragma once
// The canonical form of an execution's Mazurkiewicz trace: its Foata normal form. Two executions
// are the same trace (differ only in the order of independent steps) exactly when their forms are
// equal. Used to check the reduction: DPOR must never explore one trace twice, and must explore
// every trace the exhaustive strategy reaches. Needs an execution run with ExecutionOptions::record_footprints.
#include <string>

namespace preempt {

class Execution;

// Each step's Foata level is one more than the highest level of the earlier steps it depends on
// (the same thread, a conflicting footprint, or the spawn that created its thread). The form lists
// "level:thread:index-in-thread" for every step up to the reported end, sorted, with "=value" after
// a nondet step (the value it chose).
[[nodiscard]] std::string canonical_trace(const Execution& execution);

}  // namespace preempt

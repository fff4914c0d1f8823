#include "checker/explore/nondet_oracle.hpp"

#include <algorithm>

#include "checker/explore/execution.hpp"

namespace preempt {

// Execution's side of the choices (here, next to the oracle that makes them for the searches).
std::int64_t Execution::nondet_value(ThreadId id, std::int64_t n) {
  const std::uint32_t k = nondet_count_[id]++;
  const std::int64_t value = chooser_ != nullptr ? chooser_->choose_value(id, k, n) : 0;
  if (value >= 0 && value < n) return value;
  return chooser_ != nullptr && !chooser_->error().empty() ? -1 : 0;  // -1: the chooser stops (a replay)
}

NondetOracle::Fixed* NondetOracle::find(std::vector<Fixed>& list, const Name& name) {
  for (Fixed& f : list) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::int64_t NondetOracle::choose_value(ThreadId thread, std::uint32_t k, std::int64_t n) {
  const Name name{thread, k};
  // The same name may come with another n in another execution (the thread got there another
  // way): its range is the largest n seen, and a value past this call's n counts as 0.
  if (Fixed* f = find(fixed_, name); f != nullptr) {
    f->n = std::max(f->n, n);
    return f->value < n ? f->value : 0;
  }
  if (Fixed* r = find(reached_, name); r != nullptr) {
    r->n = std::max(r->n, n);
  } else {
    reached_.push_back({name, 0, n});
  }
  return 0;
}

void NondetOracle::finish(const Execution& execution) {
  inner_->finish(execution);
  duplicate_ = false;
  if (std::all_of(fixed_.begin(), fixed_.end(), [](const Fixed& f) { return f.value == 0; })) return;
  // The nondet steps of each thread up to the execution's reported end: the names it reached.
  std::vector<std::uint32_t> reached(execution.thread_count(), 0);
  for (const TraceEntry& e : execution.reported_trace()) {
    if (e.op.kind == OpKind::Nondet && e.thread < reached.size()) ++reached[e.thread];
  }
  duplicate_ = std::any_of(fixed_.begin(), fixed_.end(), [&](const Fixed& f) {
    return f.value != 0 && (f.name.thread >= reached.size() || reached[f.name.thread] <= f.name.k);
  });
}

bool NondetOracle::next() {
  if (inner_->next()) return true;
  if (const std::string why = inner_->not_covered(); !why.empty() && not_covered_.empty()) not_covered_ = why;
  if (!advance()) return false;
  states_ += inner_->states();
  inner_ = factory_();
  ++oracles_;
  return true;
}

bool NondetOracle::advance() {
  // The names this run reached are fixed to the value it gave them.
  fixed_.insert(fixed_.end(), reached_.begin(), reached_.end());
  reached_.clear();
  while (!fixed_.empty()) {
    Fixed& last = fixed_.back();
    if (last.value + 1 < last.n) {
      ++last.value;
      return true;
    }
    fixed_.pop_back();
  }
  return false;
}

std::string NondetOracle::not_covered() const {
  if (!not_covered_.empty()) return not_covered_;
  return inner_->not_covered();
}

}  // namespace preempt

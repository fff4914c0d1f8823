#include "checker/rt/thread_context.hpp"

#include <exception>
#include <string>

#include <boost/context/detail/exception.hpp>

namespace preempt {

OpResult ThreadContext::perform(const Op& op) {
  if (rerunning_) {  // the run again has reached the step already taken: go on with its result
    rerunning_ = false;
    return result_;
  }
  ++performs_;
  pending_ = op;
  status_ = ThreadStatus::Pending;
  coroutine_.suspend();
  if (abandoning_) return OpResult{.exit_thread = true};
  return result_;
}

void ThreadContext::report(const Op& op) {
  pending_ = op;
  status_ = ThreadStatus::Reporting;
  coroutine_.suspend();
  // The scheduler never resumes a reporting thread; it only unwinds it.
  std::terminate();
}

void ThreadContext::start(const std::string& name, const ThreadEntry* entry, FunctionId body) {
  name_ = name;
  entry_ = entry;
  body_ = body;
  state_source_ = nullptr;
  returns_on_abandon_ = false;
  restartable_ = false;
  released_ = false;
  rerunning_ = false;
  performs_ = 0;
  status_ = ThreadStatus::Running;
  coroutine_.start(pool_, &ThreadContext::run_entry, this);
}

void ThreadContext::resume() {
  status_ = ThreadStatus::Running;
  if (released_) {
    released_ = false;
    rerunning_ = true;
    coroutine_.start(pool_, &ThreadContext::run_entry, this);
  }
  coroutine_.resume();
}

bool ThreadContext::release_stack() {
  if (status_ != ThreadStatus::Pending || performs_ != 1 || !restartable_ || !returns_on_abandon_ || released_) {
    return false;
  }
  abandoning_ = true;
  coroutine_.resume();  // the code returns from its entry, its explicit state untouched
  abandoning_ = false;
  coroutine_.reset();   // a no-op once it returned
  status_ = ThreadStatus::Pending;
  released_ = true;
  return true;
}

void ThreadContext::abandon() {
  if (released_) {  // nothing runs: the thread has no coroutine
    released_ = false;
    status_ = ThreadStatus::Idle;
    return;
  }
  if (status_ == ThreadStatus::Pending && returns_on_abandon_) {
    abandoning_ = true;
    resume();  // the code returns from its entry; if it parks again instead, reset() unwinds it
    abandoning_ = false;
  }
  coroutine_.reset();
  status_ = ThreadStatus::Idle;
}

void ThreadContext::run_entry(void* self) {
  auto* thread = static_cast<ThreadContext*>(self);
  try {
    (*thread->entry_)(*thread);
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // abandon(): let Boost unwind the stack
  } catch (const std::exception& error) {
    static thread_local std::string message;
    message = error.what();
    Op fault;
    fault.kind = OpKind::Fault;
    fault.payload = message.c_str();  // a const char*: the fault's message
    thread->pending_ = fault;
    thread->status_ = ThreadStatus::Reporting;
    return;
  }
  thread->status_ = ThreadStatus::Finished;
}

}  // namespace preempt

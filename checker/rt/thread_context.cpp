#include "checker/rt/thread_context.hpp"

#include <exception>
#include <string>

#include <boost/context/detail/exception.hpp>

namespace preempt {

OpResult ThreadContext::perform(const Op& op) {
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
  status_ = ThreadStatus::Running;
  coroutine_.start(pool_, &ThreadContext::run_entry, this);
}

void ThreadContext::resume() {
  status_ = ThreadStatus::Running;
  coroutine_.resume();
}

void ThreadContext::abandon() {
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

#include "checker/rt/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define PREEMPT_VALGRIND 1
#endif

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <new>
#include <stdexcept>
#include <utility>

namespace ctx = boost::context;

#if defined(BOOST_USE_UCONTEXT)
// The sanitizer build uses Boost.Context's ucontext back end (it tells ASan about every stack
// switch). Debian's libboost_context is built for fcontext and lacks this one definition, the
// per-thread "current context" record; it is defined here as Boost's own source does.
namespace boost::context::detail {
fiber_activation_record*& fiber_activation_record::current() noexcept {
  thread_local fiber_activation_record main_record;  // this thread's own (main) context
  thread_local fiber_activation_record* current_record = &main_record;
  return current_record;
}
}  // namespace boost::context::detail
#endif

namespace preempt {

namespace {
std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}
}  // namespace

StackPool::StackPool(std::size_t stack_size)
    : stack_size_((stack_size + page_size() - 1) / page_size() * page_size()) {}

// Under valgrind, every pooled stack is registered as a stack, so that memcheck follows the
// switches onto it instead of taking them for a wild change of the stack pointer. The requests
// are a few no-op instructions when not under valgrind, made once per mapped stack.
namespace {
unsigned register_stack([[maybe_unused]] void* low, [[maybe_unused]] void* high) {
#if defined(PREEMPT_VALGRIND)
  if (RUNNING_ON_VALGRIND) return VALGRIND_STACK_REGISTER(low, high);
#endif
  return 0;
}

void deregister_stack([[maybe_unused]] unsigned id) {
#if defined(PREEMPT_VALGRIND)
  if (id != 0) VALGRIND_STACK_DEREGISTER(id);
#endif
}
}  // namespace

StackPool::~StackPool() {
  for (const Stack& stack : free_) {
    deregister_stack(stack.valgrind_id);
    ::munmap(stack.mapping, stack.size + page_size());
  }
}

StackPool::Stack StackPool::take() {
  if (!free_.empty()) {
    Stack stack = free_.back();
    free_.pop_back();
    return stack;
  }
  const std::size_t total = stack_size_ + page_size();
  void* mapping = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::bad_alloc();
  // The lowest page is the guard: a model that overflows its stack faults instead of corrupting.
  ::mprotect(mapping, page_size(), PROT_NONE);
  ++mapped_count_;
  char* top = static_cast<char*>(mapping) + total;
  return {top, stack_size_, mapping, register_stack(top - stack_size_, top)};
}

void StackPool::give_back(const Stack& stack) { free_.push_back(stack); }

namespace {
// A Boost.Context StackAllocator that lends one pooled stack to one fiber.
class LentStack {
 public:
  LentStack(StackPool* pool, StackPool::Stack* slot) : pool_(pool), slot_(slot) {}
  ctx::stack_context allocate() {
    *slot_ = pool_->take();
    ctx::stack_context sc;
    sc.sp = slot_->top;
    sc.size = slot_->size;
    return sc;
  }
  void deallocate(ctx::stack_context&) noexcept { pool_->give_back(*slot_); }

 private:
  StackPool* pool_;
  StackPool::Stack* slot_;
};
}  // namespace

struct Coroutine::Impl {
  ctx::fiber callee;  // resumes the coroutine (held by the scheduler side)
  ctx::fiber caller;  // returns to the scheduler (held inside the coroutine)
  StackPool::Stack stack;
};

Coroutine::Coroutine() : impl_(std::make_unique<Impl>()) {}

Coroutine::~Coroutine() { reset(); }

void Coroutine::start(StackPool& pool, Entry entry, void* arg) {
  reset();
  started_ = true;
  finished_ = false;
  impl_->callee = ctx::fiber(std::allocator_arg, LentStack(&pool, &impl_->stack),
                             [this, entry, arg](ctx::fiber&& caller) {
                               impl_->caller = std::move(caller);
                               entry(arg);
                               finished_ = true;
                               return std::move(impl_->caller);
                             });
}

void Coroutine::resume() { impl_->callee = std::move(impl_->callee).resume(); }

void Coroutine::suspend() { impl_->caller = std::move(impl_->caller).resume(); }

void Coroutine::reset() {
  // Destroying a suspended fiber unwinds its stack (Boost throws forced_unwind inside it).
  impl_->callee = ctx::fiber();
  started_ = false;
}

}  // namespace preempt

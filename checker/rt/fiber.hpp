#pragma once
// Coroutine: one model thread's execution context. The only part of preempt that knows about
// Boost.Context; everything else sees start / resume / suspend.
//
// Protocol: the scheduler calls start(entry) once per execution, then resume() whenever it lets the
// thread run; inside, the thread calls suspend() to hand control back. resume() returns when the
// thread suspends or its entry function returns (finished() is then true). reset() abandons a
// suspended coroutine, unwinding its stack so destructors of the model's C++ code run.
//
// Stacks come from a StackPool: fixed-size, mmap'ed once with a guard page below, and reused by
// every later execution, so that a context switch or an execution never allocates.
#include <cstddef>
#include <memory>
#include <vector>

namespace preempt {

class StackPool {
 public:
  explicit StackPool(std::size_t stack_size = 256 * 1024);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  struct Stack {
    void* top = nullptr;     // highest address (stacks grow down)
    std::size_t size = 0;    // usable bytes below top
    void* mapping = nullptr; // the whole mapping including the guard page
    unsigned valgrind_id = 0;  // its registration with valgrind (0: not running under valgrind)
  };
  [[nodiscard]] Stack take();
  void give_back(const Stack& stack);
  [[nodiscard]] std::size_t stack_size() const { return stack_size_; }
  [[nodiscard]] std::size_t mapped() const { return mapped_count_; }

 private:
  std::size_t stack_size_;
  std::size_t mapped_count_ = 0;
  std::vector<Stack> free_;
};

class Coroutine {
 public:
  using Entry = void (*)(void* arg);

  Coroutine();
  ~Coroutine();
  Coroutine(const Coroutine&) = delete;
  Coroutine& operator=(const Coroutine&) = delete;

  // Prepares the coroutine to run entry(arg) on a stack from pool; does not run it yet.
  void start(StackPool& pool, Entry entry, void* arg);
  // Runs the coroutine until it suspends or finishes.
  void resume();
  // Called from inside the coroutine: returns control to the caller of resume().
  void suspend();
  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] bool started() const { return started_; }
  // Abandons a started, unfinished coroutine (unwinds its stack); a no-op otherwise.
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace preempt

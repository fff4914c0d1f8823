#pragma once
// The preempt C++ API: write a model against the kernel primitives, then explore every interleaving.
//
//   preempt::Model m("dm race");
//   auto dm = m.module("dm");
//   auto holder = m.completion("kobj_holder");
//   auto release = m.function("dm_kobject_release", dm, [=](preempt::Thread& t) { t.complete(holder); });
//   auto kobj = m.kobject("dm_kobj", release);
//   m.thread("sysfs_reader", [=](preempt::Thread& t) {
//     if (t.kobject_get_unless_zero(kobj)) t.kobject_put(kobj);
//   });
//   ...
//   preempt::ExploreResult r = preempt::explore(m, {});
//
// Each model thread is a coroutine. Every method of Thread below is one visible step (it may switch
// to another thread before it takes effect), except assert_that/assume and calls between built-in
// functions. Plain C++ between them is thread-local computation and invisible to the scheduler, so
// model state must live in the model's objects, never in variables shared between lambdas.
#include <cstdint>
#include <functional>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "checker/explore/config.hpp"
#include "checker/explore/program.hpp"
#include "checker/explore/result.hpp"

namespace preempt {

// Typed handles: small values naming an object of the model.
struct Module { ModuleId id = kNone; };
struct Int { std::uint32_t index = kNone; };
struct IntArray {
  std::uint32_t base = kNone;
  std::uint32_t size = 0;
  [[nodiscard]] Int operator[](std::uint32_t i) const { return Int{base + i}; }
};
struct Kobject { std::uint32_t index = kNone; };
struct Completion { std::uint32_t index = kNone; };
struct Mutex { std::uint32_t index = kNone; };
struct Spinlock { std::uint32_t index = kNone; };
struct Function { FunctionId id = kNone; };

class Thread;
class Model;
using Body = std::function<std::int64_t(Thread&, std::int64_t arg)>;

class Thread {
 public:
  using Loc = std::source_location;

  // shared memory and atomic_t
  std::int64_t read(Int x, Loc loc = Loc::current());
  void write(Int x, std::int64_t value, Loc loc = Loc::current());
  std::int64_t atomic_read(Int x, Loc loc = Loc::current());
  void atomic_set(Int x, std::int64_t value, Loc loc = Loc::current());
  void atomic_inc(Int x, Loc loc = Loc::current());
  void atomic_dec(Int x, Loc loc = Loc::current());
  void atomic_add(std::int64_t amount, Int x, Loc loc = Loc::current());
  void atomic_sub(std::int64_t amount, Int x, Loc loc = Loc::current());
  bool atomic_dec_and_test(Int x, Loc loc = Loc::current());
  std::int64_t atomic_inc_return(Int x, Loc loc = Loc::current());
  std::int64_t atomic_dec_return(Int x, Loc loc = Loc::current());
  std::int64_t cmpxchg(Int x, std::int64_t expected, std::int64_t desired, Loc loc = Loc::current());
  std::int64_t xchg(Int x, std::int64_t value, Loc loc = Loc::current());

  // kobject / kref
  void kobject_get(Kobject k, Loc loc = Loc::current());
  bool kobject_get_unless_zero(Kobject k, Loc loc = Loc::current());
  void kobject_put(Kobject k, Loc loc = Loc::current());

  // completion
  void complete(Completion c, Loc loc = Loc::current());
  void complete_all(Completion c, Loc loc = Loc::current());
  void wait_for_completion(Completion c, Loc loc = Loc::current());
  bool try_wait_for_completion(Completion c, Loc loc = Loc::current());
  bool completion_done(Completion c, Loc loc = Loc::current());
  void reinit_completion(Completion c, Loc loc = Loc::current());

  // locks
  void mutex_lock(Mutex m, Loc loc = Loc::current());
  bool mutex_trylock(Mutex m, Loc loc = Loc::current());
  void mutex_unlock(Mutex m, Loc loc = Loc::current());
  void spin_lock(Spinlock s, Loc loc = Loc::current());
  bool spin_trylock(Spinlock s, Loc loc = Loc::current());
  void spin_unlock(Spinlock s, Loc loc = Loc::current());

  // modules
  void module_get(Module m, Loc loc = Loc::current());  // __module_get
  bool try_module_get(Module m, Loc loc = Loc::current());
  void module_put(Module m, Loc loc = Loc::current());
  [[noreturn]] void module_put_and_kthread_exit(Module m, Loc loc = Loc::current());
  int delete_module(Module m, Loc loc = Loc::current());

  // control
  // Calls a model function; a call or return that enters or leaves module code is a step.
  std::int64_t call(Function f, std::int64_t arg = 0, Loc loc = Loc::current());
  void schedule(Loc loc = Loc::current());
  [[noreturn]] void do_exit(Loc loc = Loc::current());
  // Blocks (one step) until x == value.
  void await_equal(Int x, std::int64_t value, Loc loc = Loc::current());
  // Starts a new thread running `body`; returns its thread id.
  std::uint32_t spawn(std::string name, std::function<void(Thread&)> body, Loc loc = Loc::current());
  // A failed check is an `assertion` violation; a failed assumption drops the execution.
  void assert_that(bool condition, std::string_view what = "assertion failed", Loc loc = Loc::current());
  void assume(bool condition, Loc loc = Loc::current());

  [[nodiscard]] const std::string& name() const;

  Thread(ThreadContext& context, const Model& model, FunctionId body);

 private:
  friend class Model;
  OpResult perform(Op op, const Loc& loc);
  void run_callback(const OpResult& result, const Loc& loc);
  std::int64_t run_function(FunctionId f, std::int64_t arg);
  Op make(OpKind kind, ObjectKind object_kind, std::uint32_t index) const;

  ThreadContext& context_;
  const Model& model_;
  std::vector<FunctionId> stack_;  // the functions being executed, innermost last
  std::string message_;            // keeps a failure message alive while it is reported
};

class Model {
 public:
  explicit Model(std::string title = "");
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  Module module(std::string name);
  void set_exit(Module m, Function exit_function);
  Int shared_int(std::string name, std::int64_t initial = 0);
  IntArray int_array(std::string name, std::uint32_t size);
  Kobject kobject(std::string name, Function release);
  Completion completion(std::string name);
  Mutex mutex(std::string name);
  Spinlock spinlock(std::string name);

  // A function in `in`'s text (or built-in code with the overloads without a module).
  Function function(std::string name, Module in, std::function<void(Thread&)> body);
  Function function(std::string name, std::function<void(Thread&)> body);
  Function function_with_result(std::string name, Module in, Body body);

  void init(std::function<void(Thread&)> body);
  void thread(std::string name, std::function<void(Thread&)> body);
  void thread(std::string name, Module in, std::function<void(Thread&)> body);
  void final(std::function<void(Thread&)> body);

  [[nodiscard]] const ModelProgram& program() const { return program_; }
  [[nodiscard]] const ModelLayout& layout() const { return *layout_; }

 private:
  friend class Thread;
  FunctionId add_function(std::string name, ModuleId module, Body body);
  ThreadSpec make_thread(std::string name, ModuleId module, std::function<void(Thread&)> body);

  std::unique_ptr<ModelLayout> layout_;
  std::vector<Body> bodies_;  // by FunctionId
  ModelProgram program_;
};

[[nodiscard]] ExploreResult explore(const Model& model, const CheckConfig& config = {});
[[nodiscard]] ExploreResult replay(const Model& model, std::string_view schedule,
                                   const CheckConfig& config = {});

}  // namespace preempt

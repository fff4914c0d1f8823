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
#include "checker/rt/op.hpp"
#include "checker/rt/violation_kind.hpp"

namespace preempt {

// Typed handles: small values naming an object of the model -- a global, or an object embedded in a
// heap or static struct (Thread::at(pointer, field) names one).
struct Module { ModuleId id = kNone; };
struct Int { Addr index = kNoAddr; };
struct IntArray {
  Addr base = kNoAddr;
  std::uint32_t size = 0;
  [[nodiscard]] Int operator[](std::uint32_t i) const { return Int{base + i}; }
};
struct Kobject { Addr index = kNoAddr; };
struct Completion { Addr index = kNoAddr; };
struct Mutex { Addr index = kNoAddr; };
struct Spinlock { Addr index = kNoAddr; };
struct Kref { Addr index = kNoAddr; };
struct Refcount { Addr index = kNoAddr; };
struct Function { FunctionId id = kNone; };

// Structs and pointers. A StructType is declared with its fields (Model::struct_type, then the
// *_field calls); kzalloc allocates one on the heap, Model::static_struct places one among the
// globals. A Ptr is a pointer value (NULL is Ptr{}); a PtrVar a shared pointer variable.
struct StructType { std::uint32_t id = kNone; };
template <class Handle>
struct Field {  // a field of a struct whose object is a Handle (Int, Kref, Mutex, ...)
  std::uint32_t type = kNone;
  std::uint32_t offset = 0;
};
struct Ptr {
  std::int64_t value = 0;
  [[nodiscard]] bool null() const { return value == 0; }
  explicit operator bool() const { return value != 0; }
  friend bool operator==(const Ptr&, const Ptr&) = default;
};
struct PtrField {
  std::uint32_t type = kNone;
  std::uint32_t offset = 0;
};
struct PtrVar { Addr index = kNoAddr; };

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

  // heap objects and pointers (kmalloc's fields start as kzalloc's: the API has no garbage)
  Ptr kzalloc(StructType type, std::int64_t gfp = kGfpKernel, Loc loc = Loc::current());
  Ptr kmalloc(StructType type, std::int64_t gfp = kGfpKernel, Loc loc = Loc::current());
  void kfree(Ptr p, Loc loc = Loc::current());
  Ptr read(PtrVar v, Loc loc = Loc::current());
  void write(PtrVar v, Ptr p, Loc loc = Loc::current());
  Ptr read(Ptr p, PtrField f, Loc loc = Loc::current());              // p->f
  void write(Ptr p, PtrField f, Ptr value, Loc loc = Loc::current());
  std::int64_t read(Ptr p, Field<Int> f, Loc loc = Loc::current());
  void write(Ptr p, Field<Int> f, std::int64_t value, Loc loc = Loc::current());
  // The object embedded at field f of *p, for the methods that take an object: &p->f. Not a step;
  // a NULL p is a null-dereference.
  template <class Handle>
  Handle at(Ptr p, Field<Handle> f, Loc loc = Loc::current()) {
    return Handle{field_addr(p, f.offset, loc)};
  }
  // A choice: each of 0..n-1 in some execution (1 <= n <= kMaxNondetChoices).
  std::int64_t nondet(std::int64_t n, Loc loc = Loc::current());

  // struct kref and refcount_t (0 until kref_init / refcount_set)
  void kref_init(Kref r, Loc loc = Loc::current());
  void kref_get(Kref r, Loc loc = Loc::current());
  bool kref_get_unless_zero(Kref r, Loc loc = Loc::current());
  // Drops a reference; the last one runs `release` with the struct that holds the kref (its
  // argument is the Ptr's value) and returns true.
  bool kref_put(Kref r, Function release, Loc loc = Loc::current());
  std::int64_t kref_read(Kref r, Loc loc = Loc::current());
  void refcount_set(Refcount r, std::int64_t value, Loc loc = Loc::current());
  void refcount_inc(Refcount r, Loc loc = Loc::current());
  bool refcount_inc_not_zero(Refcount r, Loc loc = Loc::current());
  void refcount_dec(Refcount r, Loc loc = Loc::current());
  bool refcount_dec_and_test(Refcount r, Loc loc = Loc::current());
  std::int64_t refcount_read(Refcount r, Loc loc = Loc::current());

  // kobject
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
  Op make(OpKind kind, ObjectKind object_kind, Addr index) const;
  // The address of field `offset` of the struct *p; reports a null-dereference (or a pointer to no
  // object) and does not return.
  Addr field_addr(Ptr p, std::uint32_t offset, const Loc& loc);
  [[noreturn]] void fault(ViolationKind kind, std::string message, const Loc& loc);

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
  PtrVar shared_pointer(std::string name);  // NULL at first

  // A struct type; declare all its fields before an instance exists (a static one or an allocation).
  StructType struct_type(std::string name);
  Field<Int> int_field(StructType s, std::string name);
  PtrField pointer_field(StructType s, std::string name);
  Field<Kref> kref_field(StructType s, std::string name);
  Field<Refcount> refcount_field(StructType s, std::string name);
  Field<Mutex> mutex_field(StructType s, std::string name);
  Field<Spinlock> spinlock_field(StructType s, std::string name);
  Field<Completion> completion_field(StructType s, std::string name);
  Field<Kobject> kobject_field(StructType s, std::string name, Function release);
  // A static instance (never freed): the pointer to it. With `owner`, it is that module's data.
  Ptr static_struct(std::string name, StructType type, Module owner = Module{});
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

  template <class Handle>
  Field<Handle> add_field(StructType s, std::string name, ObjectKind kind, FunctionId release = kNone);

  std::unique_ptr<ModelLayout> layout_;
  std::vector<Body> bodies_;  // by FunctionId
  ModelProgram program_;
};

[[nodiscard]] ExploreResult explore(const Model& model, const CheckConfig& config = {});
[[nodiscard]] ExploreResult replay(const Model& model, std::string_view schedule,
                                   const CheckConfig& config = {});

}  // namespace preempt

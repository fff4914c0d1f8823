// The C++ API's structs, heap objects and pointers, kref and refcount_t, nondet: the same
// operations as the scenario language's (models/heap.cpp, models/kref.cpp).
#include <fmt/format.h>

#include "checker/api/preempt.hpp"
#include "checker/rt/address.hpp"
#include "checker/rt/thread_context.hpp"

namespace preempt {

// ---------------------------------------------------------------------------------------------
// Model

StructType Model::struct_type(std::string name) {
  layout_->structs.push_back(StructInfo{std::move(name), {}, {}});
  return StructType{static_cast<std::uint32_t>(layout_->structs.size() - 1)};
}

template <class Handle>
Field<Handle> Model::add_field(StructType s, std::string name, ObjectKind kind, FunctionId release) {
  StructInfo& info = layout_->structs.at(s.id);
  const ObjectKindInfo& k = object_kind_info(kind);
  const auto offset = static_cast<std::uint32_t>(info.cells.size());
  info.cells.push_back(StructInfo::Cell{kind, k.roles[0], k.initial, 0, s.id, release, std::move(name)});
  return Field<Handle>{s.id, offset};
}

Field<Int> Model::int_field(StructType s, std::string name) { return add_field<Int>(s, std::move(name), ObjectKind::Int); }
PtrField Model::pointer_field(StructType s, std::string name) {
  const Field<Int> f = add_field<Int>(s, std::move(name), ObjectKind::Pointer);
  return PtrField{f.type, f.offset};
}
Field<Kref> Model::kref_field(StructType s, std::string name) { return add_field<Kref>(s, std::move(name), ObjectKind::Kref); }
Field<Refcount> Model::refcount_field(StructType s, std::string name) {
  return add_field<Refcount>(s, std::move(name), ObjectKind::Refcount);
}
Field<Mutex> Model::mutex_field(StructType s, std::string name) { return add_field<Mutex>(s, std::move(name), ObjectKind::Mutex); }
Field<Spinlock> Model::spinlock_field(StructType s, std::string name) {
  return add_field<Spinlock>(s, std::move(name), ObjectKind::Spinlock);
}
Field<Completion> Model::completion_field(StructType s, std::string name) {
  return add_field<Completion>(s, std::move(name), ObjectKind::Completion);
}
Field<Kobject> Model::kobject_field(StructType s, std::string name, Function release) {
  return add_field<Kobject>(s, std::move(name), ObjectKind::Kobject, release.id);
}

PtrVar Model::shared_pointer(std::string name) {
  return PtrVar{layout_->add_group({std::move(name), ObjectKind::Pointer, 0, 0, kNone})};
}

Ptr Model::static_struct(std::string name, StructType type, Module owner) {
  ObjectGroup group;
  group.name = std::move(name);
  group.type = type.id;
  group.owner = owner.id;
  return Ptr{pointer_to(layout_->add_group(std::move(group)))};
}

// ---------------------------------------------------------------------------------------------
// Thread

void Thread::fault(ViolationKind kind, std::string message, const Loc& loc) {
  message_ = std::move(message);
  Op op = make(OpKind::Fail, ObjectKind::Int, kNoAddr);
  op.arg0 = static_cast<std::int64_t>(kind);
  op.line = loc.line();
  op.payload = message_.c_str();
  context_.report(op);  // parks the thread for good
}

Addr Thread::field_addr(Ptr p, std::uint32_t offset, const Loc& loc) {
  if (p.null()) fault(ViolationKind::NullDereference, fmt::format("NULL pointer dereference at line {}", loc.line()), loc);
  const Addr addr = addr_of_pointer(p.value);
  const Store& store = context_.store_view();
  if (addr == kNoAddr || !store.holds(addr) || !store.holds(addr + offset)) {
    fault(ViolationKind::NullDereference,
          fmt::format("the pointer {:#x} at line {} does not point to an object with that field",
                      static_cast<std::uint64_t>(p.value), loc.line()),
          loc);
  }
  return addr + offset;
}

Ptr Thread::kzalloc(StructType type, std::int64_t gfp, Loc loc) {
  Op op = make(OpKind::Kzalloc, ObjectKind::Int, kNoAddr);
  op.arg0 = type.id;
  op.arg1 = gfp;
  return Ptr{perform(op, loc).value};
}

Ptr Thread::kmalloc(StructType type, std::int64_t gfp, Loc loc) {
  Op op = make(OpKind::Kmalloc, ObjectKind::Int, kNoAddr);
  op.arg0 = type.id;
  op.arg1 = gfp;
  return Ptr{perform(op, loc).value};
}

void Thread::kfree(Ptr p, Loc loc) {
  const Addr addr = addr_of_pointer(p.value);
  Op op = make(OpKind::Kfree, ObjectKind::Header, is_heap(addr) ? heap_header(addr) : kNoAddr);
  op.arg0 = p.value;
  if (is_heap(addr) && context_.store_view().heap_object(addr) == nullptr) {
    fault(ViolationKind::InvalidFree, fmt::format("kfree at line {} of a pointer to no object", loc.line()), loc);
  }
  perform(op, loc);
}

Ptr Thread::read(PtrVar v, Loc loc) { return Ptr{perform(make(OpKind::Read, ObjectKind::Pointer, v.index), loc).value}; }

void Thread::write(PtrVar v, Ptr p, Loc loc) {
  Op op = make(OpKind::Write, ObjectKind::Pointer, v.index);
  op.arg0 = p.value;
  perform(op, loc);
}

Ptr Thread::read(Ptr p, PtrField f, Loc loc) {
  return Ptr{perform(make(OpKind::Read, ObjectKind::Pointer, field_addr(p, f.offset, loc)), loc).value};
}

void Thread::write(Ptr p, PtrField f, Ptr value, Loc loc) {
  Op op = make(OpKind::Write, ObjectKind::Pointer, field_addr(p, f.offset, loc));
  op.arg0 = value.value;
  perform(op, loc);
}

std::int64_t Thread::read(Ptr p, Field<Int> f, Loc loc) {
  return perform(make(OpKind::Read, ObjectKind::Int, field_addr(p, f.offset, loc)), loc).value;
}

void Thread::write(Ptr p, Field<Int> f, std::int64_t value, Loc loc) {
  Op op = make(OpKind::Write, ObjectKind::Int, field_addr(p, f.offset, loc));
  op.arg0 = value;
  perform(op, loc);
}

std::int64_t Thread::nondet(std::int64_t n, Loc loc) {
  if (n < 1 || n > kMaxNondetChoices) {
    fault(ViolationKind::OutOfBounds,
          fmt::format("nondet({}) at line {}: the number of choices must be between 1 and {}", n, loc.line(),
                      kMaxNondetChoices),
          loc);
  }
  Op op = make(OpKind::Nondet, ObjectKind::Int, kNoAddr);
  op.arg0 = n;
  return perform(op, loc).value;
}

void Thread::kref_init(Kref r, Loc loc) { perform(make(OpKind::KrefInit, ObjectKind::Kref, r.index), loc); }
void Thread::kref_get(Kref r, Loc loc) { perform(make(OpKind::KrefGet, ObjectKind::Kref, r.index), loc); }
bool Thread::kref_get_unless_zero(Kref r, Loc loc) {
  return perform(make(OpKind::KrefGetUnlessZero, ObjectKind::Kref, r.index), loc).value != 0;
}

bool Thread::kref_put(Kref r, Function release, Loc loc) {
  Op op = make(OpKind::KrefPut, ObjectKind::Kref, r.index);
  op.other = release.id;
  const OpResult result = perform(op, loc);
  run_callback(result, loc);
  return result.value != 0;
}

std::int64_t Thread::kref_read(Kref r, Loc loc) { return perform(make(OpKind::KrefRead, ObjectKind::Kref, r.index), loc).value; }

void Thread::refcount_set(Refcount r, std::int64_t value, Loc loc) {
  Op op = make(OpKind::RefcountSet, ObjectKind::Refcount, r.index);
  op.arg0 = value;
  perform(op, loc);
}
void Thread::refcount_inc(Refcount r, Loc loc) { perform(make(OpKind::RefcountInc, ObjectKind::Refcount, r.index), loc); }
bool Thread::refcount_inc_not_zero(Refcount r, Loc loc) {
  return perform(make(OpKind::RefcountIncNotZero, ObjectKind::Refcount, r.index), loc).value != 0;
}
void Thread::refcount_dec(Refcount r, Loc loc) { perform(make(OpKind::RefcountDec, ObjectKind::Refcount, r.index), loc); }
bool Thread::refcount_dec_and_test(Refcount r, Loc loc) {
  return perform(make(OpKind::RefcountDecAndTest, ObjectKind::Refcount, r.index), loc).value != 0;
}
std::int64_t Thread::refcount_read(Refcount r, Loc loc) {
  return perform(make(OpKind::RefcountRead, ObjectKind::Refcount, r.index), loc).value;
}

}  // namespace preempt

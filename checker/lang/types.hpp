#pragma once
// The types of the scenario language, interned in one table: equal types have equal ids, so
// comparing two types is comparing two integers.
//
//   int                      a 64-bit integer (also long, unsigned, bool, u32, size_t ...)
//   void                     a function's result only
//   kernel objects           struct kref, struct kobject, struct completion, struct mutex,
//                            spinlock_t, refcount_t, atomic_t (an int that atomics act on), and
//                            the old short words kobject, completion, mutex, spinlock
//   struct NAME              a struct: a static global or an embedded field, not a value
//   struct NAME *            a pointer to a struct (NULL, or an object the heap or a global holds)
//   RET (*)(PARAMS)          a pointer to a function of that signature
//   struct module *          a module, or NULL for built-in code
//   T[N]                     an array of N elements (globals and fields)
//
// A type's cells (cells()) are how much of the Store one instance takes; objects and scalars are
// one cell, a struct the sum of its fields, an array N times its element.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "checker/lang/source.hpp"
#include "checker/rt/ids.hpp"

namespace preempt::lang {

using TypeId = uint32_t;

// The struct of `void *`: a pointer to any struct, converted to and from other struct pointers
// implicitly (as C does), never dereferenced.
inline constexpr uint32_t kVoidStruct = 0xffffffff;

enum class TypeKind : uint8_t { Void, Int, Object, Struct, Pointer, Function, Module, Array };

struct Type {
  TypeKind kind = TypeKind::Int;
  ObjectKind object = ObjectKind::Int;  // Object: which kernel object (Int for atomic_t)
  uint32_t target = 0;                  // Struct, Pointer: the struct; Function: the signature;
                                        // Array: the element's TypeId
  uint32_t length = 0;                  // Array: the number of elements
  friend bool operator==(const Type&, const Type&) = default;
};

// A function's signature: result and parameter types.
struct Signature {
  TypeId result = 0;
  std::vector<TypeId> params;
  friend bool operator==(const Signature&, const Signature&) = default;
};

struct Field {
  std::string name;
  SourceLoc loc;
  TypeId type = 0;
  uint32_t offset = 0;          // its first cell, from the struct's first cell
  int32_t release = -1;         // a kobject field: its release function (index in Program::functions)
};

struct StructDecl {
  std::string name;
  SourceLoc loc;                // where it is first named
  bool complete = false;        // its fields are declared (not just `struct NAME;`)
  SourceLoc body_loc;           // where its fields are declared
  std::vector<Field> fields;
  uint32_t cells = 0;           // complete: the cells of one instance
  bool builtin = false;         // the language's (struct workqueue_struct, struct task_struct)
};

class Types {
 public:
  Types();

  // The ids of the fixed types.
  [[nodiscard]] TypeId void_type() const { return 0; }
  [[nodiscard]] TypeId int_type() const { return 1; }
  [[nodiscard]] TypeId module_type() const { return 2; }  // struct module *

  [[nodiscard]] TypeId object(ObjectKind kind);
  [[nodiscard]] TypeId struct_type(uint32_t decl);
  [[nodiscard]] TypeId pointer_to(uint32_t struct_decl);
  [[nodiscard]] TypeId function_pointer(const Signature& signature);
  [[nodiscard]] TypeId array_of(TypeId element, uint32_t length);

  [[nodiscard]] const Type& operator[](TypeId id) const { return types_[id]; }
  [[nodiscard]] const Signature& signature(uint32_t id) const { return signatures_[id]; }
  [[nodiscard]] uint32_t signature_id(const Signature& signature);

  // A value fits in one cell and can be assigned, passed and compared: int and pointers.
  [[nodiscard]] bool is_scalar(TypeId id) const;
  [[nodiscard]] bool is_pointer(TypeId id) const;  // struct, function or module pointer
  // The cells of one instance; `structs` gives the struct sizes (each complete).
  [[nodiscard]] uint32_t cells(TypeId id, const std::vector<StructDecl>& structs) const;
  // "int", "struct nbd_config *", "void (*)(struct nbd_config *)", "struct kref", "int[4]".
  [[nodiscard]] std::string name(TypeId id, const std::vector<StructDecl>& structs) const;

 private:
  TypeId intern(const Type& type);

  std::vector<Type> types_;
  std::vector<Signature> signatures_;
  std::map<std::tuple<int, int, uint32_t, uint32_t>, TypeId> index_;       // a type -> its id
  std::map<std::vector<TypeId>, uint32_t> signature_index_;                 // params + result -> id
};

}  // namespace preempt::lang

#include "checker/explore/footprint.hpp"

#include <algorithm>
#include <bit>

namespace preempt {

namespace {
std::uint32_t extent_of(std::uint64_t first, std::uint64_t last) {
  return last - first >= Access::kMaxExtent ? Access::kMaxExtent : static_cast<std::uint32_t>(last - first);
}
}  // namespace

void Footprint::add(Space space, bool write, std::uint64_t first, std::uint64_t last) {
  const std::uint32_t extent = extent_of(first, last);
  for (std::uint8_t i = 0; i < count; ++i) {
    Access& a = accesses[i];
    if (a.space == space && a.first == first && a.extent == extent) {
      a.write = a.write || write;
      return;
    }
  }
  if (count == kCapacity) {
    // Out of room: widen the last access of the same space to cover both (conservative).
    for (std::uint8_t i = 0; i < count; ++i) {
      Access& a = accesses[i];
      if (a.space == space) {
        const std::uint64_t widened_last = std::max(a.last(), last);
        a.first = std::min(a.first, first);
        a.extent = extent_of(a.first, widened_last);
        a.write = a.write || write;
        return;
      }
    }
    if (write) {
      writes_all = true;
    } else {
      reads_all = true;
    }
    return;
  }
  accesses[count++] = {first, extent, space, write};
}

namespace {

class Collector final : public FootprintSink {
 public:
  explicit Collector(Footprint& fp) : fp_(fp) {}
  void read(Space space, std::uint64_t first, std::uint64_t last) override { fp_.add(space, false, first, last); }

 private:
  Footprint& fp_;
};

void code_of(Footprint& fp, const ModelLayout& layout, FunctionId f) {
  const Addr status = layout.code_status(f);
  if (status != kNoAddr) fp.add(Space::Cell, false, status);
}

// The function a step on `target` may enter: a kobject's release method, a module's exit function
// (delete_module) or init function (load_module).
FunctionId callee_of(const Op& op, const ModelLayout& layout) {
  const ObjectRef& target = op.target;
  if (target.kind == ObjectKind::Module) {
    const ModuleId m = layout.module_at(target.addr);
    if (m == kNone) return kNone;
    return op.kind == OpKind::LoadModule ? layout.modules[m].init_function : layout.modules[m].exit_function;
  }
  return layout.release_of(target.addr, nullptr);
}

}  // namespace

Footprint footprint_of(const Op& op, const ModelLayout& layout) {
  Footprint fp;
  const OpInfo& info = op_info(op.kind);
  const unsigned touched = op.target.addr == kNoAddr ? 0u : info.reads | info.writes;  // NULL: nothing
  for (unsigned cells = touched; cells != 0; cells &= cells - 1) {
    const auto cell = static_cast<unsigned>(std::countr_zero(cells));
    fp.add(Space::Cell, (info.writes >> cell & 1u) != 0, op.target.addr + cell);
  }
  // Whether the object is still there is part of the step: a heap object's header (kfree writes
  // it), module data's module status (the module's free writes it).
  if (touched != 0 && is_heap(op.target.addr)) {
    fp.add(Space::Cell, false, heap_header(op.target.addr));
  } else if (touched != 0) {
    const ModuleId owner = layout.data_owner(op.target.addr);
    if (owner != kNone) fp.add(Space::Cell, false, layout.modules[owner].addr + 1);
  }
  if (info.enters_callee) code_of(fp, layout, callee_of(op, layout));
  if (info.kernel != 0 && layout.kernel != kNoAddr) {
    for (unsigned cells = info.kernel; cells != 0; cells &= cells - 1) {
      fp.add(Space::Cell, true, layout.kernel + static_cast<unsigned>(std::countr_zero(cells)));
    }
  }
  if (info.frees_target && touched != 0 && is_heap(op.target.addr)) {
    fp.add(Space::Cell, true, heap_header(op.target.addr));
  }
  if (info.enters_any_module) {  // a callback: the code of any module
    for (const ModuleInfo& m : layout.modules) fp.add(Space::Cell, false, m.addr + 1);
  }
  if (info.reads_guard) {
    if (op.guard() != nullptr) {
      Collector collector(fp);
      op.guard()->reads(collector);
    } else {
      fp.reads_all = true;
    }
  }
  code_of(fp, layout, op.location);
  code_of(fp, layout, op.other);
  return fp;
}

namespace {
bool overlap(const Access& a, const Access& b) {
  return a.space == b.space && (a.write || b.write) && a.first <= b.last() && b.first <= a.last();
}
bool writes_anything(const Footprint& fp) {
  if (fp.writes_all) return true;
  for (std::uint8_t i = 0; i < fp.count; ++i) {
    if (fp.accesses[i].write) return true;
  }
  return false;
}
bool touches_anything(const Footprint& fp) { return fp.count > 0 || fp.reads_all || fp.writes_all; }
// The conservative flags: reading everything conflicts with any write, writing everything with any
// access.
bool all_against(const Footprint& a, const Footprint& b) {
  return (a.reads_all && writes_anything(b)) || (a.writes_all && touches_anything(b));
}
}  // namespace

bool conflict(const Footprint& a, const Footprint& b) {
  if (all_against(a, b) || all_against(b, a)) return true;
  for (std::uint8_t i = 0; i < a.count; ++i) {
    for (std::uint8_t j = 0; j < b.count; ++j) {
      if (overlap(a.accesses[i], b.accesses[j])) return true;
    }
  }
  return false;
}

bool writes_into(const Footprint& writer, const Footprint& other) {
  if (writer.writes_all && touches_anything(other)) return true;
  for (std::uint8_t i = 0; i < writer.count; ++i) {
    const Access& w = writer.accesses[i];
    if (!w.write) continue;
    if (other.reads_all) return true;
    for (std::uint8_t j = 0; j < other.count; ++j) {
      const Access& o = other.accesses[j];
      if (o.space == w.space && w.first <= o.last() && o.first <= w.last()) return true;
    }
  }
  return false;
}

void add_footprint(AccessSet& out, const AccessIndex& index, const Footprint& fp) {
  for (std::uint8_t i = 0; i < fp.count; ++i) {
    const Access& a = fp.accesses[i];
    out.add(index, a.space, a.write, a.first, a.last());
  }
  if (fp.reads_all || fp.writes_all) {
    out.add(index, Space::Cell, fp.writes_all, 0, kNoAddr - 1);
    out.add(index, Space::Cell, fp.writes_all, kHeapTag, kHeapTag + AccessIndex::kHeapBits);
  }
}

}  // namespace preempt

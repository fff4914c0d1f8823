#include "checker/explore/footprint.hpp"

#include <algorithm>

namespace preempt {

void Footprint::add(Space space, bool write, std::uint64_t first, std::uint64_t last) {
  for (std::uint8_t i = 0; i < count; ++i) {
    Access& a = accesses[i];
    if (a.space == space && a.first == first && a.last == last) {
      a.write = a.write || write;
      return;
    }
  }
  if (count == kCapacity) {
    // Out of room: widen the last access of the same space to cover both (conservative).
    for (std::uint8_t i = 0; i < count; ++i) {
      Access& a = accesses[i];
      if (a.space == space) {
        a.first = std::min(a.first, first);
        a.last = std::max(a.last, last);
        a.write = a.write || write;
        return;
      }
    }
    if (!write) {
      reads_all = true;
      return;
    }
    accesses[count - 1] = {space, true, 0, kNoAddr};  // the whole space, written: conservative
    return;
  }
  accesses[count++] = {space, write, first, last};
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

// The function a step on `target` may enter: a kobject's release method, a module's exit function.
FunctionId callee_of(const ObjectRef& target, const ModelLayout& layout) {
  if (target.kind == ObjectKind::Module) {
    const ModuleId m = layout.module_at(target.addr);
    return m == kNone ? kNone : layout.modules[m].exit_function;
  }
  return layout.release_of(target.addr, nullptr);
}

}  // namespace

Footprint footprint_of(const Op& op, const ModelLayout& layout) {
  Footprint fp;
  const OpInfo& info = op_info(op.kind);
  for (std::uint8_t cell = 0; cell < 8; ++cell) {
    const auto bit = static_cast<std::uint8_t>(1u << cell);
    const bool writes = (info.writes & bit) != 0;
    if (writes || (info.reads & bit) != 0) fp.add(Space::Cell, writes, op.target.addr + cell);
  }
  if (info.enters_callee) code_of(fp, layout, callee_of(op.target, layout));
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
  return a.space == b.space && (a.write || b.write) && a.first <= b.last && b.first <= a.last;
}
bool reads_all_against(const Footprint& all, const Footprint& other) {
  if (!all.reads_all) return false;
  for (std::uint8_t i = 0; i < other.count; ++i) {
    if (other.accesses[i].write) return true;
  }
  return false;
}
}  // namespace

bool conflict(const Footprint& a, const Footprint& b) {
  if (reads_all_against(a, b) || reads_all_against(b, a)) return true;
  for (std::uint8_t i = 0; i < a.count; ++i) {
    for (std::uint8_t j = 0; j < b.count; ++j) {
      if (overlap(a.accesses[i], b.accesses[j])) return true;
    }
  }
  return false;
}

bool writes_into(const Footprint& writer, const Footprint& other) {
  for (std::uint8_t i = 0; i < writer.count; ++i) {
    const Access& w = writer.accesses[i];
    if (!w.write) continue;
    if (other.reads_all) return true;
    for (std::uint8_t j = 0; j < other.count; ++j) {
      const Access& o = other.accesses[j];
      if (o.space == w.space && w.first <= o.last && o.first <= w.last) return true;
    }
  }
  return false;
}

void add_footprint(AccessSet& out, const AccessIndex& index, const Footprint& fp) {
  for (std::uint8_t i = 0; i < fp.count; ++i) {
    const Access& a = fp.accesses[i];
    out.add(index, a.space, a.write, a.first, a.last);
  }
  if (fp.reads_all) out.add(index, Space::Cell, false, 0, kNoAddr);
}

}  // namespace preempt

#include "checker/explore/footprint.hpp"

namespace preempt {

void Footprint::add(Space space, bool write, std::uint32_t first, std::uint32_t last) {
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
    if (space == Space::Int && !write) {
      reads_all_ints = true;
      return;
    }
    accesses[count - 1] = {space, true, 0, kNone};  // the whole space, written: conservative
    return;
  }
  accesses[count++] = {space, write, first, last};
}

namespace {

class Collector final : public FootprintSink {
 public:
  explicit Collector(Footprint& fp) : fp_(fp) {}
  void read(Space space, std::uint32_t first, std::uint32_t last) override { fp_.add(space, false, first, last); }

 private:
  Footprint& fp_;
};

void code_of(Footprint& fp, const ModelLayout& layout, FunctionId f) {
  const ModuleId m = layout.module_of(f);
  if (m != kNone) fp.add(Space::ModuleStatus, false, m);
}

}  // namespace

Footprint footprint_of(const Op& op, const ModelLayout& layout) {
  Footprint fp;
  const std::uint32_t i = op.target.index;
  switch (op.kind) {
    case OpKind::Read: case OpKind::AtomicRead:
      fp.add(Space::Int, false, i);
      break;
    case OpKind::Write: case OpKind::AtomicSet: case OpKind::AtomicInc: case OpKind::AtomicDec:
    case OpKind::AtomicAdd: case OpKind::AtomicSub: case OpKind::AtomicDecAndTest:
    case OpKind::AtomicIncReturn: case OpKind::AtomicDecReturn: case OpKind::Cmpxchg: case OpKind::Xchg:
      fp.add(Space::Int, true, i);
      break;
    case OpKind::KobjectGet: case OpKind::KobjectGetUnlessZero:
      fp.add(Space::Kobject, true, i);
      break;
    case OpKind::KobjectPut:
      fp.add(Space::Kobject, true, i);
      code_of(fp, layout, layout.release_of(i, nullptr));  // the put may enter the release method
      break;
    case OpKind::Complete: case OpKind::CompleteAll: case OpKind::WaitForCompletion:
    case OpKind::TryWaitForCompletion: case OpKind::ReinitCompletion:
      fp.add(Space::Completion, true, i);
      break;
    case OpKind::CompletionDone:
      fp.add(Space::Completion, false, i);
      break;
    case OpKind::MutexLock: case OpKind::MutexTrylock: case OpKind::MutexUnlock:
      fp.add(Space::Mutex, true, i);
      break;
    case OpKind::SpinLock: case OpKind::SpinTrylock: case OpKind::SpinUnlock:
      fp.add(Space::Spinlock, true, i);
      break;
    case OpKind::ModuleGet: case OpKind::TryModuleGet:
      fp.add(Space::ModuleRef, true, i);
      fp.add(Space::ModuleStatus, false, i);
      break;
    case OpKind::ModulePut: case OpKind::ModulePutAndExit:
      fp.add(Space::ModuleRef, true, i);
      break;
    case OpKind::DeleteModule:
      fp.add(Space::ModuleRef, false, i);
      fp.add(Space::ModuleStatus, true, i);
      if (i < layout.modules.size()) code_of(fp, layout, layout.modules[i].exit_function);
      break;
    case OpKind::ModuleFree:
      fp.add(Space::ModuleStatus, true, i);
      break;
    case OpKind::Await:
      if (op.guard != nullptr) {
        Collector collector(fp);
        op.guard->reads(collector);
      } else {
        fp.reads_all_ints = true;
      }
      break;
    case OpKind::Call: case OpKind::Return: case OpKind::ThreadEnd: case OpKind::Schedule:
    case OpKind::DoExit: case OpKind::Spawn: case OpKind::Fail: case OpKind::AssumeFail:
    case OpKind::SpinFail: case OpKind::Fault: case OpKind::Stuck:
      break;
  }
  code_of(fp, layout, op.location);
  code_of(fp, layout, op.other);
  return fp;
}

namespace {
bool overlap(const Access& a, const Access& b) {
  return a.space == b.space && (a.write || b.write) && a.first <= b.last && b.first <= a.last;
}
bool reads_ints_against(const Footprint& all, const Footprint& other) {
  if (!all.reads_all_ints) return false;
  for (std::uint8_t i = 0; i < other.count; ++i) {
    if (other.accesses[i].space == Space::Int && other.accesses[i].write) return true;
  }
  return false;
}
}  // namespace

bool conflict(const Footprint& a, const Footprint& b) {
  if (reads_ints_against(a, b) || reads_ints_against(b, a)) return true;
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
    if (other.reads_all_ints && w.space == Space::Int) return true;
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
  if (fp.reads_all_ints) out.add(index, Space::Int, false, 0, kNone);
}

}  // namespace preempt

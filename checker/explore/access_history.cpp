#include "checker/explore/access_history.hpp"

#include <algorithm>

namespace preempt {

namespace {
std::size_t hash_of(std::uint64_t cell, std::size_t mask) {
  return static_cast<std::size_t>((cell * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}
bool covers(const Access& a, std::uint64_t cell) { return a.first <= cell && cell <= a.last(); }
}  // namespace

void AccessHistory::clear() {
  size_ = 0;
  slots_ = 0;
  ++generation_;
  if (generation_ == 0) {  // wrapped: stale stamps could look live
    std::fill(stamps_.begin(), stamps_.end(), 0);
    generation_ = 1;
  }
  wide_.clear();
  std::fill(last_step_.begin(), last_step_.end(), -1);
  std::fill(spawn_step_.begin(), spawn_step_.end(), -1);
}

bool AccessHistory::is_wide(const Footprint& fp) {
  if (fp.reads_all || fp.writes_all) return true;
  for (std::uint8_t i = 0; i < fp.count; ++i) {
    if (fp.accesses[i].extent > kExpand) return true;
  }
  return false;
}

std::int32_t AccessHistory::find(std::uint64_t cell) const {
  if (keys_.empty()) return -1;
  const std::size_t mask = keys_.size() - 1;
  for (std::size_t i = hash_of(cell, mask);; i = (i + 1) & mask) {
    if (stamps_[i] != generation_) return -1;
    if (keys_[i] == cell) return static_cast<std::int32_t>(slot_at_[i]);
  }
}

void AccessHistory::grow_table() {
  const std::size_t capacity = std::max<std::size_t>(64, 2 * keys_.size());
  std::vector<std::uint64_t> keys(capacity);
  std::vector<std::uint32_t> stamps(capacity, 0);
  std::vector<std::uint32_t> slot_at(capacity);
  const std::size_t mask = capacity - 1;
  for (std::uint32_t s = 0; s < slots_; ++s) {
    std::size_t i = hash_of(cells_[s], mask);
    while (stamps[i] == generation_) i = (i + 1) & mask;
    keys[i] = cells_[s];
    stamps[i] = generation_;
    slot_at[i] = s;
  }
  keys_ = std::move(keys);
  stamps_ = std::move(stamps);
  slot_at_ = std::move(slot_at);
}

std::uint32_t AccessHistory::slot_of(std::uint64_t cell) {
  const std::int32_t found = find(cell);
  if (found >= 0) return static_cast<std::uint32_t>(found);
  if (2 * (slots_ + 1) > keys_.size()) grow_table();  // load at most 1/2
  const std::size_t mask = keys_.size() - 1;
  std::size_t i = hash_of(cell, mask);
  while (stamps_[i] == generation_) i = (i + 1) & mask;
  const std::uint32_t s = slots_++;
  keys_[i] = cell;
  stamps_[i] = generation_;
  slot_at_[i] = s;
  if (cells_.size() < slots_) {
    cells_.resize(2 * slots_);
    writes_.resize(cells_.size() * threads_);
    reads_.resize(cells_.size() * threads_);
  }
  cells_[s] = cell;
  std::fill_n(&writes_[s * threads_], threads_, -1);
  std::fill_n(&reads_[s * threads_], threads_, -1);
  return s;
}

// Rows get wider: every slot is copied to its new place, the new threads have no step.
void AccessHistory::widen(std::uint32_t threads) {
  const std::uint32_t stride = std::max(threads, 2 * threads_);
  const auto restride = [&](std::vector<std::int32_t>& rows) {
    std::vector<std::int32_t> wider(cells_.size() * stride, -1);
    for (std::uint32_t s = 0; s < slots_; ++s) std::copy_n(&rows[s * threads_], threads_, &wider[s * stride]);
    rows = std::move(wider);
  };
  restride(writes_);
  restride(reads_);
  threads_ = stride;
  last_step_.resize(stride, -1);
  spawn_step_.resize(stride, -1);
}

void AccessHistory::add(ThreadId thread, const Footprint& fp, ThreadId spawned) {
  const std::uint32_t needed = std::max(thread, spawned == kNone ? 0 : spawned) + 1;
  if (needed > threads_) widen(needed);
  const auto step = static_cast<std::int32_t>(size_++);
  last_step_[thread] = step;
  if (spawned != kNone) spawn_step_[spawned] = step;
  if (is_wide(fp)) {
    wide_.push_back({step, thread, fp});
    return;
  }
  for (std::uint8_t i = 0; i < fp.count; ++i) {
    const Access& a = fp.accesses[i];
    for (std::uint64_t cell = a.first; cell <= a.last(); ++cell) {
      const std::uint32_t s = slot_of(cell);
      (a.write ? writes_ : reads_)[s * threads_ + thread] = step;
    }
  }
}

void AccessHistory::merge(std::uint32_t s, bool write, std::span<std::int32_t> out) const {
  const std::size_t n = std::min<std::size_t>(out.size(), threads_);
  const std::int32_t* w = &writes_[s * threads_];
  for (std::size_t u = 0; u < n; ++u) out[u] = std::max(out[u], w[u]);
  if (!write) return;
  const std::int32_t* r = &reads_[s * threads_];
  for (std::size_t u = 0; u < n; ++u) out[u] = std::max(out[u], r[u]);
}

void AccessHistory::last_conflicting(const Footprint& fp, std::span<std::int32_t> out) const {
  std::fill(out.begin(), out.end(), -1);
  if (is_wide(fp)) {
    // Every recorded cell is compared with every access of fp.
    for (std::uint32_t s = 0; s < slots_; ++s) {
      bool touched = fp.reads_all || fp.writes_all;
      bool write = fp.writes_all;
      for (std::uint8_t i = 0; i < fp.count; ++i) {
        if (!covers(fp.accesses[i], cells_[s])) continue;
        touched = true;
        write = write || fp.accesses[i].write;
      }
      if (touched) merge(s, write, out);
    }
  } else {
    for (std::uint8_t i = 0; i < fp.count; ++i) {
      const Access& a = fp.accesses[i];
      for (std::uint64_t cell = a.first; cell <= a.last(); ++cell) {
        const std::int32_t s = find(cell);
        if (s >= 0) merge(static_cast<std::uint32_t>(s), a.write, out);
      }
    }
  }
  // The wide steps, latest first: a thread's later wide step hides its earlier ones.
  for (std::size_t i = wide_.size(); i-- > 0;) {
    const Wide& w = wide_[i];
    if (w.thread < out.size() && out[w.thread] < w.step && conflict(w.fp, fp)) out[w.thread] = w.step;
  }
}

std::int32_t AccessHistory::previous_of(ThreadId thread) const {
  if (thread >= threads_) return -1;
  return last_step_[thread] >= 0 ? last_step_[thread] : spawn_step_[thread];
}

}  // namespace preempt

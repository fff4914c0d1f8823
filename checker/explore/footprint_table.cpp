#include "checker/explore/footprint_table.hpp"

namespace preempt {

namespace {
std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * 0x100000001B3ull + (h >> 29); }
}  // namespace

std::uint64_t FootprintTable::hash_of(const Footprint& fp) {
  std::uint64_t h = mix(0xcbf29ce484222325ull, fp.count | (fp.reads_all ? 0x100u : 0u) | (fp.writes_all ? 0x200u : 0u));
  for (std::uint8_t i = 0; i < fp.count; ++i) {
    const Access& a = fp.accesses[i];
    h = mix(h, a.first);
    h = mix(h, (std::uint64_t{a.extent} << 16) | (static_cast<std::uint64_t>(a.space) << 1) | (a.write ? 1u : 0u));
  }
  return h;
}

bool FootprintTable::same(const Footprint& a, const Footprint& b) {
  if (a.count != b.count || a.reads_all != b.reads_all || a.writes_all != b.writes_all) return false;
  for (std::uint8_t i = 0; i < a.count; ++i) {
    const Access& x = a.accesses[i];
    const Access& y = b.accesses[i];
    if (x.first != y.first || x.extent != y.extent || x.space != y.space || x.write != y.write) return false;
  }
  return true;
}

void FootprintTable::grow() {
  buckets_.assign(buckets_.empty() ? 256 : 2 * buckets_.size(), 0);
  const std::size_t mask = buckets_.size() - 1;
  for (std::uint32_t id = 0; id < footprints_.size(); ++id) {
    std::size_t i = hashes_[id] & mask;
    while (buckets_[i] != 0) i = (i + 1) & mask;
    buckets_[i] = id + 1;
  }
}

std::uint32_t FootprintTable::intern(const Footprint& fp) {
  if (2 * (footprints_.size() + 1) > buckets_.size()) grow();  // load at most 1/2
  const std::uint64_t h = hash_of(fp);
  const std::size_t mask = buckets_.size() - 1;
  std::size_t i = h & mask;
  for (; buckets_[i] != 0; i = (i + 1) & mask) {
    const std::uint32_t id = buckets_[i] - 1;
    if (hashes_[id] == h && same(footprints_[id], fp)) return id;
  }
  const auto id = static_cast<std::uint32_t>(footprints_.size());
  footprints_.push_back(fp);
  hashes_.push_back(h);
  buckets_[i] = id + 1;
  return id;
}

}  // namespace preempt

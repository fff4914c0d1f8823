// AccessHistory against the definition: for every thread, the last earlier step whose footprint
// conflicts with the new one, found by comparing the new step with every earlier step.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "checker/explore/access_history.hpp"
#include "checker/explore/footprint_table.hpp"

namespace {

using preempt::AccessHistory;
using preempt::Footprint;
using preempt::Space;

// A random footprint over 24 cells: single cells mostly, some short ranges, now and then a range
// wider than the history splits into cells, more accesses than fit, or the reads-all flag.
Footprint random_footprint(std::mt19937& rng) {
  Footprint fp;
  const int accesses = std::uniform_int_distribution<int>(0, 10)(rng);
  for (int i = 0; i < accesses; ++i) {
    const std::uint64_t first = std::uniform_int_distribution<std::uint64_t>(0, 23)(rng);
    const int shape = std::uniform_int_distribution<int>(0, 19)(rng);
    const std::uint64_t extent = shape < 15 ? 0 : shape < 19 ? 3 : AccessHistory::kExpand + 4;
    fp.add(Space::Cell, std::uniform_int_distribution<int>(0, 2)(rng) == 0, first, first + extent);
  }
  if (std::uniform_int_distribution<int>(0, 40)(rng) == 0) fp.reads_all = true;
  return fp;
}

}  // namespace

TEST_CASE("access history: the last conflicting step of each thread, as a scan of every step finds it",
          "[dpor][access-history]") {
  std::mt19937 rng(20261208);
  AccessHistory history;
  for (int round = 0; round < 200; ++round) {
    history.clear();
    constexpr std::uint32_t kThreads = 5;
    std::vector<Footprint> fps;
    std::vector<std::uint32_t> threads;
    const int steps = std::uniform_int_distribution<int>(1, 60)(rng);
    for (int k = 0; k < steps; ++k) {
      const Footprint fp = random_footprint(rng);
      const auto thread = std::uniform_int_distribution<std::uint32_t>(0, kThreads - 1)(rng);
      std::vector<std::int32_t> expected(kThreads + 1, -1);
      for (std::size_t j = 0; j < fps.size(); ++j) {
        if (preempt::conflict(fps[j], fp)) expected[threads[j]] = static_cast<std::int32_t>(j);
      }
      std::vector<std::int32_t> found(kThreads + 1, 0);
      history.last_conflicting(fp, found);
      REQUIRE(found == expected);
      std::int32_t previous = -1;
      for (std::size_t j = 0; j < threads.size(); ++j) {
        if (threads[j] == thread) previous = static_cast<std::int32_t>(j);
      }
      REQUIRE(history.previous_of(thread) == previous);
      history.add(thread, fp, preempt::kNone);
      fps.push_back(fp);
      threads.push_back(thread);
    }
  }
}

TEST_CASE("access history: a thread with no step of its own comes after its spawn", "[dpor][access-history]") {
  AccessHistory history;
  Footprint none;
  history.add(0, none, 7);  // thread 7, wider than any row so far
  history.add(0, none, preempt::kNone);
  CHECK(history.previous_of(7) == 0);
  CHECK(history.previous_of(0) == 1);
  CHECK(history.previous_of(3) == -1);
  history.add(7, none, preempt::kNone);
  CHECK(history.previous_of(7) == 2);
}

TEST_CASE("footprint table: equal footprints get one number, different ones different numbers",
          "[dpor][access-history]") {
  preempt::FootprintTable table;
  std::mt19937 rng(7);
  std::vector<Footprint> fps;
  for (int i = 0; i < 2000; ++i) fps.push_back(random_footprint(rng));
  std::vector<std::uint32_t> ids;
  for (const Footprint& fp : fps) ids.push_back(table.intern(fp));
  for (std::size_t i = 0; i < fps.size(); ++i) {
    Footprint copy = fps[i];
    CHECK(table.intern(copy) == ids[i]);
    const Footprint& stored = table[ids[i]];
    CHECK(stored.count == fps[i].count);
    CHECK(stored.reads_all == fps[i].reads_all);
    for (std::uint8_t a = 0; a < stored.count; ++a) {
      CHECK(stored.accesses[a].first == fps[i].accesses[a].first);
      CHECK(stored.accesses[a].extent == fps[i].accesses[a].extent);
      CHECK(stored.accesses[a].write == fps[i].accesses[a].write);
    }
  }
  CHECK(table.size() < fps.size());  // small random footprints repeat
}

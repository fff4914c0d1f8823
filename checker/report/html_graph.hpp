#pragma once
// The state graph of a small scenario (explore/state_graph.hpp) as the data of the interactive
// page: the sink collects it in the page's words, and to_json() gives it compact.
//
// JSON: {"threads": [[name, status, where, line, next step]...], "objects": [[name, state]...],
// "texts": [...], "states": [{"t": [...], "o": [...], "e": [[thread, to, text]...], "end": ...}]}.
// The three tables hold each distinct record once; a state's "t" and "o" are indices into the
// first two (a thread's position, an object's state), an edge's text an index into "texts" (the
// story of the steps the thread takes). "end" is null for a scheduling point, else
// {"kind", "message", "class", "violation"}: how the execution ended there; a violation's class is
// its kind and message with the step numbers left out, so that the same failure reached along other
// orders counts once.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/explore/state_graph.hpp"
#include "checker/rt/layout.hpp"

namespace preempt {

class PageGraph final : public StateGraphSink {
 public:
  explicit PageGraph(const ModelLayout& layout) : layout_(layout) {}
  void state(std::uint32_t id, const Position& at) override;
  void edge(std::uint32_t from, ThreadId thread, std::uint32_t to, const Counterexample& so_far,
            std::size_t first) override;
  [[nodiscard]] nlohmann::ordered_json to_json() const;

 private:
  // Index of `record` in `table`, adding it once.
  static std::uint32_t intern(std::vector<nlohmann::ordered_json>& table,
                              std::map<std::string, std::uint32_t>& index, nlohmann::ordered_json record);

  const ModelLayout& layout_;
  std::vector<nlohmann::ordered_json> threads_, objects_, texts_;
  std::map<std::string, std::uint32_t> thread_index_, object_index_, text_index_;
  std::vector<nlohmann::ordered_json> states_;
};

}  // namespace preempt

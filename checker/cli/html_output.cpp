#include "checker/cli/html_output.hpp"

#include <iostream>

#include <fmt/format.h>

#include "checker/explore/explorer.hpp"
#include "checker/explore/state_graph.hpp"
#include "checker/report/file_output.hpp"
#include "checker/report/html.hpp"
#include "checker/report/html_graph.hpp"

namespace preempt::cli {

namespace {

// The first violation's deciding race (explain.hpp: one whose reversal avoids the violation),
// replayed in the safe order; none when there is no such race.
std::optional<Counterexample> safe_order(const ModelProgram& program, const CheckConfig& config,
                                         const ExploreResult& result, bool replayed) {
  const Counterexample* c = replayed && result.replayed ? &*result.replayed
                            : result.violations.empty() ? nullptr
                                                        : &result.violations.front();
  if (c == nullptr || !c->violation || !c->explanation || c->explanation->races.empty()) return std::nullopt;
  const Race& race = c->explanation->races.front();
  if (race.outcome != ReversedOutcome::Avoided) return std::nullopt;
  CheckConfig once = config;
  once.explain = false;
  once.walkthrough = false;
  ExploreResult safe = replay(program, race.reversed_schedule, once);
  if (!safe.replayed || safe.replayed->violation) return std::nullopt;
  return std::move(safe.replayed);
}

}  // namespace

bool write_html_file(const std::string& file, const ScenarioReport& report, std::string_view source,
                     const ModelProgram* program, const CheckConfig* config) {
  PageExtras extras;
  nlohmann::ordered_json graph;
  if (program != nullptr && config != nullptr) {
    extras.safe_order = safe_order(*program, *config, *report.result, report.replay);
    if (!report.replay) {
      PageGraph sink(*report.layout);
      const StateGraphOutcome outcome = explore_state_graph(*program, *config, {kMaxPageStates}, sink);
      if (outcome.complete) graph = sink.to_json();
      if (!outcome.complete) {
        extras.no_graph = outcome.why_not;
      } else if (graph.dump().size() > kMaxPageGraphBytes) {
        extras.no_graph = fmt::format("its graph would take more than {} MB", kMaxPageGraphBytes >> 20);
      } else {
        extras.graph = &graph;
      }
    }
  }
  std::string error;
  const bool written = write_report_file(
      file, [&](std::ostream& out) { write_html(out, report, std::string(source), extras); }, "HTML report", &error);
  if (!written) std::cerr << error << "\n";
  return written;
}

}  // namespace preempt::cli

#pragma once
// The explanation of a counterexample (explore/explain.hpp: its racing steps and what reversing
// each did) in words: the section of the text report after the violation line, and its JSON.
#include <string>

#include <nlohmann/json.hpp>

#include "checker/explore/result.hpp"
#include "checker/rt/layout.hpp"

namespace preempt {

// "" when the counterexample has no explanation or no race.
[[nodiscard]] std::string explanation_text(const Counterexample& c, const ModelLayout& layout);
[[nodiscard]] nlohmann::ordered_json explanation_json(const Counterexample& c, const ModelLayout& layout);

}  // namespace preempt

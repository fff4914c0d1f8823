// `option NAME VALUE;`: the settings a scenario may pin for its own runs -- its strategy, the
// sampling parameters, and limits that can only make a run shorter (the command line's meet
// them in checker/cli/options.cpp: a scenario is untrusted input and cannot raise a limit).
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "checker/lang/resolver_internal.hpp"
#include "checker/rt/strategy_names.hpp"

namespace preempt::lang::detail {

namespace {

struct OptionRule {
  std::string_view name;
  bool word;             // takes a word (a strategy's name); else a number
  uint64_t low, high;    // a number's range
  std::string_view meaning;
};

constexpr std::array kOptionRules = {
    OptionRule{"strategy", true, 0, 0, "the strategy"},
    OptionRule{"max-time", false, 1, 86'400, "seconds of wall time"},
    OptionRule{"max-steps", false, 1, 100'000'000, "steps per execution"},
    OptionRule{"max-executions", false, 1, uint64_t{1} << 62, "executions"},
    OptionRule{"max-memory", false, 1, uint64_t{1} << 30, "MiB of memory the run may take"},
    OptionRule{"preemption-bound", false, 0, 1'000'000, "preemptions"},
    OptionRule{"seed", false, 0, uint64_t{1} << 62, "a seed"},
    OptionRule{"executions", false, 1, uint64_t{1} << 62, "sampled executions"},
    OptionRule{"depth", false, 1, 1000, "a bug depth"},
};

std::string option_names() {
  std::string names;
  for (const OptionRule& r : kOptionRules) names += (names.empty() ? "" : ", ") + std::string(r.name);
  return names;
}

}  // namespace

void Resolver::declare_option(const syn::Decl& d) {
  const auto rule = std::find_if(kOptionRules.begin(), kOptionRules.end(),
                                 [&](const OptionRule& r) { return r.name == d.text; });
  if (rule == kOptionRules.end()) {
    error(d.text_loc, fmt::format("unknown option '{}'; the options are: {}", d.text, option_names()));
    return;
  }
  for (const ScenarioOption& o : program_.options) {
    if (o.name == d.text) {
      error(d.text_loc, fmt::format("more than one 'option {}' (the first is at {})", d.text, at(o.loc)));
      return;
    }
  }
  const bool number = d.legacy;
  if (rule->word) {
    if (number || !is_strategy_name(d.name.text)) {
      std::string names;
      for (std::string_view s : kStrategyNames) names += (names.empty() ? "" : ", ") + std::string(s);
      error(d.name.loc, fmt::format("option strategy takes a strategy: {}", names));
      return;
    }
    program_.options.push_back(ScenarioOption{d.text, std::string(d.name.text), 0, d.loc});
    return;
  }
  if (!number || d.number < 0 || static_cast<uint64_t>(d.number) < rule->low ||
      static_cast<uint64_t>(d.number) > rule->high) {
    error(d.name.loc,
          fmt::format("option {} takes a number of {} from {} to {}", d.text, rule->meaning, rule->low, rule->high));
    return;
  }
  program_.options.push_back(ScenarioOption{d.text, {}, static_cast<uint64_t>(d.number), d.loc});
}

}  // namespace preempt::lang::detail

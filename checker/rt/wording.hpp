#pragma once
// Renders the wording templates of ops.def: placeholders in braces, alternatives separated by `|`,
// an alternative that starts with `?COND:` taken only when COND holds (ops.def lists the
// placeholders and conditions). What a placeholder or condition means is up to the caller's
// WordSource: the trace writers answer from a recorded step, the models from a pending one.
#include <cstdint>
#include <string>
#include <string_view>

namespace preempt {

class WordSource {
 public:
  virtual ~WordSource() = default;
  // The text of placeholder `name` ({obj} -> "dm_kobj").
  [[nodiscard]] virtual std::string field(std::string_view name) const = 0;
  // Whether condition `name` holds (`changed`, `value`, `value=-16`, ...).
  [[nodiscard]] virtual bool holds(std::string_view name) const = 0;
};

// The first alternative of `tmpl` whose condition holds, its placeholders filled in; "" when none.
[[nodiscard]] std::string render(std::string_view tmpl, const WordSource& source);

// Conditions of the form NAME=N compared with a value: true when `cond` is "NAME=N" and value == N.
[[nodiscard]] bool equals_condition(std::string_view cond, std::string_view name, std::int64_t value);

}  // namespace preempt

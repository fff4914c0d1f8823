#include "checker/rt/wording.hpp"

#include "checker/rt/errno.hpp"

#include <charconv>
#include <cstdint>

namespace preempt {

namespace {

std::string fill(std::string_view text, const WordSource& source) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      const std::size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        out += source.field(text.substr(i + 1, close - i - 1));
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace

std::string render(std::string_view tmpl, const WordSource& source) {
  std::size_t begin = 0;
  for (;;) {
    const std::size_t bar = tmpl.find('|', begin);
    std::string_view alternative = tmpl.substr(begin, bar == std::string_view::npos ? std::string_view::npos : bar - begin);
    bool taken = true;
    if (!alternative.empty() && alternative.front() == '?') {
      const std::size_t colon = alternative.find(':');
      const std::string_view cond = alternative.substr(1, colon == std::string_view::npos ? 0 : colon - 1);
      taken = source.holds(cond);
      alternative = colon == std::string_view::npos ? std::string_view() : alternative.substr(colon + 1);
    }
    if (taken) return fill(alternative, source);
    if (bar == std::string_view::npos) return {};
    begin = bar + 1;
  }
}

bool equals_condition(std::string_view cond, std::string_view name, std::int64_t value) {
  if (cond.size() <= name.size() + 1 || cond.substr(0, name.size()) != name || cond[name.size()] != '=') return false;
  std::string_view number = cond.substr(name.size() + 1);
  // An errno by name: value=-EBUSY.
  const bool negative = !number.empty() && number.front() == '-';
  if (const auto e = errno_value(negative ? number.substr(1) : number)) return value == (negative ? -*e : *e);
  std::int64_t n = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), n);
  return error == std::errc() && end == number.data() + number.size() && n == value;
}

}  // namespace preempt

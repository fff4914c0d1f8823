#include "checker/report/words.hpp"

#include <fmt/format.h>


namespace preempt {

std::string thread_name_of(std::span<const std::string> names, ThreadId t) {
  return t < names.size() ? names[t] : std::string("?");
}

std::string function_text(const ModelLayout& layout, FunctionId f, ModuleTag tag) {
  if (f == kNone || f >= layout.functions.size()) return "?";
  const FunctionInfo& info = layout.functions[f];
  if (info.module == kNone) return info.name;
  const std::string& module = layout.modules[info.module].name;
  return tag == ModuleTag::Long ? fmt::format("{} [module {}]", info.name, module) : fmt::format("{} [{}]", info.name, module);
}

std::string done_text(std::int64_t done) {
  return done == kCompleteAll ? "UINT_MAX" : std::to_string(done);
}

}  // namespace preempt

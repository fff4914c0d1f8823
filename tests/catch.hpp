#pragma once
// Catch2 for the tests, v2 or v3: whichever cmake/Catch2.cmake found (it defines PREEMPT_CATCH2_V3
// for v3). Include this instead of a Catch2 header.
#if defined(PREEMPT_CATCH2_V3)
#include <string>

#include <catch2/catch_all.hpp>

// The tests use v2's spellings of the string matchers, which v2 had in namespace Catch; v3 keeps
// them in Catch::Matchers and calls Contains ContainsSubstring.
namespace Catch {
inline Matchers::StringContainsMatcher Contains(const std::string& text,
                                                CaseSensitive sensitivity = CaseSensitive::Yes) {
  return Matchers::ContainsSubstring(text, sensitivity);
}
using Matchers::EndsWith;
using Matchers::StartsWith;
}  // namespace Catch
// v3 ignores CATCH_CONFIG_MAIN: the main comes from Catch2::Catch2WithMain (preempt_catch2_main).
#else
#include <catch2/catch.hpp>
#endif

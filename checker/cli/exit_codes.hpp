#pragma once
// The exit codes of the preempt binary, one place for all commands.
#include "checker/explore/result.hpp"

namespace preempt::cli {

inline constexpr int kExitSafe = 0;        // every scenario fully explored and safe / every expectation held
inline constexpr int kExitViolation = 1;   // a violation (check, replay) / an expectation failed (test)
inline constexpr int kExitBadInput = 2;    // bad usage or input: unreadable file, syntax error, bad schedule
inline constexpr int kExitIncomplete = 3;  // a limit cut exploration short and no violation was found

// Combines the codes of several scenarios: bad input outranks a violation, which outranks an
// incomplete run, which outranks safe.
[[nodiscard]] inline int worst_exit(int a, int b) {
  const auto rank = [](int code) {
    switch (code) {
      case kExitBadInput: return 3;
      case kExitViolation: return 2;
      case kExitIncomplete: return 1;
      default: return 0;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

// The exit code of one exploration's verdict.
[[nodiscard]] inline int exit_code_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::Safe: return kExitSafe;
    case Verdict::Violation: return kExitViolation;
    case Verdict::Incomplete: return kExitIncomplete;
    case Verdict::Error: return kExitBadInput;
  }
  return kExitBadInput;
}

}  // namespace preempt::cli

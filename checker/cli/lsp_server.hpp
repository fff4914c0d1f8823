#pragma once
// The language server (`preempt lsp`, docs/cli.md): serves the Language Server Protocol on `in`
// and `out` until `exit` or the end of `in`. Returns the exit code the protocol asks for: 0 after
// shutdown and exit, 1 otherwise. Any input is answered or refused; none makes it crash (the
// fuzz target fuzz/fuzz_lsp.cpp feeds it arbitrary bytes).
#include <istream>
#include <ostream>

namespace preempt::cli {

[[nodiscard]] int serve_lsp(std::istream& in, std::ostream& out);

}  // namespace preempt::cli

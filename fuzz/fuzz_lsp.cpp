// libFuzzer target: the language server (`preempt lsp`) on arbitrary bytes. An input that starts
// with "Content-Length" is a stream of protocol messages served as it comes; any other input is
// a document: analysed as `didOpen` would, then asked hover and go to definition at every
// position of its first lines and completion at the end of some. Nothing may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "checker/cli/lsp_positions.hpp"
#include "checker/cli/lsp_queries.hpp"
#include "checker/cli/lsp_server.hpp"

namespace {

constexpr std::uint32_t kLines = 128;    // positions asked: the first lines ...
constexpr std::uint32_t kColumns = 160;  // ... and their first columns
constexpr std::uint32_t kCompletionLines = 32;

void ask_everywhere(const preempt::cli::lsp::DocumentAnalysis& doc) {
  using preempt::cli::lsp::Encoding;
  for (std::uint32_t line = 1; line <= kLines; ++line) {
    const std::string_view text = doc.line(line);
    for (std::uint32_t col = 1; col <= kColumns && col <= text.size() + 1; ++col) {
      const preempt::lang::SourceLoc at{line, col};
      (void)doc.hover(at);
      (void)doc.definition(at);
      const auto position = preempt::cli::lsp::to_position(text, at, Encoding::Utf16);
      (void)preempt::cli::lsp::to_source_loc(text, position, Encoding::Utf16);
    }
    // Completion lists every builtin: asked once a line, where typing goes on.
    if (line <= kCompletionLines) (void)doc.completion({line, static_cast<std::uint32_t>(text.size() + 1)}, doc);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.starts_with("Content-Length")) {
    std::istringstream in{std::string(input)};
    std::ostringstream out;
    (void)preempt::cli::serve_lsp(in, out);
    return 0;
  }
  const preempt::cli::lsp::DocumentAnalysis doc("fuzz.scn", std::string(input));
  if (!doc.parsed() && doc.diagnostics().empty()) __builtin_trap();  // a failure must say why
  ask_everywhere(doc);
  return 0;
}

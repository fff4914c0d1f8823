// Error collection and rendering for the scenario front end and for later stages.
//
// Protocol: set_source() names the file the next errors are about (compile_frontend does this);
// error() records one error at a position of that file. Each error keeps a reference to its
// file, so one Diagnostics may collect errors about several files and later stages (the lead's
// compiler, the runtime) may add errors about a file after the front end is done.
//
// At most kMaxErrors errors are kept; the next one is replaced by a final "too many errors"
// entry and full() turns true: stages stop early then. Later errors are dropped.
//
// render() prints every error as
//   FILE:LINE:COL: error: MESSAGE
//   <the source line>
//   <spaces (tabs where the source line has tabs) and a caret under the column>
// A line longer than kMaxShownLine bytes is shown as a window around the column with "..." at
// the cut ends; control bytes and bytes that are not valid UTF-8 are shown as '?'. An error
// at line 0 (no position) prints "FILE: error: MESSAGE" only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/lang/source.hpp"

namespace preempt::lang {

struct Diagnostic {
  std::shared_ptr<const SourceFile>
      file;  // null when no source was set (path printed as "<input>")
  SourceLoc loc;
  std::string message;
  bool warning = false;  // a warning: printed "warning:", and the scenario still compiles
};

class Diagnostics {
 public:
  static constexpr size_t kMaxErrors = 20;
  static constexpr size_t kMaxShownLine = 160;

  Diagnostics() = default;
  explicit Diagnostics(std::shared_ptr<const SourceFile> file) : file_(std::move(file)) {}

  // The file that the following error() calls are about.
  void set_source(std::shared_ptr<const SourceFile> file) { file_ = std::move(file); }
  [[nodiscard]] const std::shared_ptr<const SourceFile>& source() const { return file_; }

  // Records an error at `loc` of the current file (see the class comment for the limit).
  void error(SourceLoc loc, std::string message);
  // Records a warning at `loc`: something that compiles but may not mean what it says. Warnings do
  // not make a compilation fail; at most kMaxErrors are kept.
  void warning(SourceLoc loc, std::string message);
  [[nodiscard]] const std::vector<Diagnostic>& warnings() const { return warnings_; }
  // Every warning in the format of the class comment ("warning:" for "error:"), in file order.
  [[nodiscard]] std::string render_warnings() const;

  [[nodiscard]] bool has_errors() const { return !entries_.empty(); }
  // Number of entries, the "too many errors" entry included.
  [[nodiscard]] size_t count() const { return entries_.size(); }
  // Number of error() calls so far, the dropped ones included (to tell whether a stage failed
  // even once the limit is reached).
  [[nodiscard]] size_t reported() const { return reported_; }
  // True once kMaxErrors errors were exceeded: callers should stop looking for more.
  [[nodiscard]] bool full() const { return full_; }
  [[nodiscard]] const std::vector<Diagnostic>& entries() const { return entries_; }

  // Every entry in the format of the class comment, in file order (see diagnostics.cpp).
  [[nodiscard]] std::string render() const;
  [[nodiscard]] static std::string render(const Diagnostic& d);

 private:
  std::shared_ptr<const SourceFile> file_;
  std::vector<Diagnostic> entries_;
  std::vector<Diagnostic> warnings_;
  bool full_ = false;
  size_t reported_ = 0;
};

// `text` made safe for a message: printable ASCII is kept, every other byte (NUL, control
// bytes, bytes >= 0x80) is written \xNN; longer than max_bytes, it is cut and "..." appended.
[[nodiscard]] std::string printable(std::string_view text, size_t max_bytes = 40);

}  // namespace preempt::lang

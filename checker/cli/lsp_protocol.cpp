#include "checker/cli/lsp_protocol.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace preempt::cli::lsp {

namespace {

// One header line without its "\r\n" (a bare "\n" is accepted too); false at the end of the stream
// or for a line longer than kMaxHeaderLine (then *too_long).
bool read_header_line(std::istream& in, std::string& line, bool* too_long) {
  line.clear();
  *too_long = false;
  for (int c = in.get(); c != std::char_traits<char>::eof(); c = in.get()) {
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    if (line.size() == kMaxHeaderLine) {
      *too_long = true;
      return false;
    }
    line.push_back(static_cast<char>(c));
  }
  return false;
}

// The depth of the deepest array or object of a JSON text (strings skipped), counted before
// parsing: the parser and the tree's destructor recurse on nesting.
std::size_t json_nesting(const std::string& text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Incoming malformed(ErrorCode code, std::string why) {
  Incoming m;
  m.kind = Incoming::Kind::Malformed;
  m.code = code;
  m.error = std::move(why);
  return m;
}

}  // namespace

bool skip_body(std::istream& in, std::size_t length) {
  std::array<char, 65536> buffer{};
  while (length > 0) {
    const std::size_t piece = std::min(length, buffer.size());
    in.read(buffer.data(), static_cast<std::streamsize>(piece));
    if (static_cast<std::size_t>(in.gcount()) != piece) return false;
    length -= piece;
  }
  return true;
}

Incoming read_message(std::istream& in) {
  // The header: "Name: value" lines up to an empty line; only Content-Length matters.
  std::string line;
  bool too_long = false;
  bool have_length = false;
  bool bad_length = false;
  std::size_t length = 0;
  bool any = false;
  while (true) {
    if (!read_header_line(in, line, &too_long)) {
      if (!too_long) return Incoming{};
      // Skip the rest of the line and report it; the stream may still be usable after it.
      in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
      return malformed(ErrorCode::ParseError, fmt::format("a header line is longer than {} bytes", kMaxHeaderLine));
    }
    if (line.empty()) {
      if (any) break;
      continue;  // blank lines between messages
    }
    any = true;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
    if (name != "content-length") continue;
    std::string_view value(line);
    value.remove_prefix(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    unsigned long long parsed = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    bad_length = value.empty() || end != value.data() + value.size() || ec != std::errc{};
    have_length = !bad_length;
    length = static_cast<std::size_t>(std::min<unsigned long long>(parsed, std::numeric_limits<std::size_t>::max()));
    if (ec == std::errc::result_out_of_range) {  // larger than any length: too large, and unskippable
      return malformed(ErrorCode::ParseError, "the Content-Length is out of range");
    }
  }
  if (!have_length) {
    return malformed(ErrorCode::ParseError, bad_length ? "the Content-Length header is not a number"
                                                       : "the message has no Content-Length header");
  }
  if (length > kMaxMessageBytes) {
    Incoming m;
    m.body_bytes = length;
    m.kind = Incoming::Kind::TooLarge;
    m.error = fmt::format("the message is too large ({} bytes; the limit is {} bytes)", length, kMaxMessageBytes);
    return m;
  }
  std::string body(length, '\0');
  in.read(body.data(), static_cast<std::streamsize>(length));
  if (static_cast<std::size_t>(in.gcount()) != length) return Incoming{};
  if (json_nesting(body) > kMaxJsonNesting) {
    return malformed(ErrorCode::ParseError, fmt::format("the JSON text is nested deeper than {} levels", kMaxJsonNesting));
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return malformed(ErrorCode::ParseError, "the message is not valid JSON");
  if (!parsed.is_object() || parsed.value("jsonrpc", json()) != "2.0") {
    return malformed(ErrorCode::InvalidRequest, "the message is not a JSON-RPC 2.0 object");
  }
  Incoming m;
  m.kind = Incoming::Kind::Message;
  m.body = std::move(parsed);
  return m;
}

void write_message(std::ostream& out, const json& message) {
  // Invalid UTF-8 in a string (a client's bytes echoed back) is replaced, never thrown about.
  const std::string text = message.dump(-1, ' ', false, json::error_handler_t::replace);
  out << "Content-Length: " << text.size() << "\r\n\r\n" << text;
  out.flush();
}

json response(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json error_response(const json& id, ErrorCode code, std::string message) {
  return json{{"jsonrpc", "2.0"},
              {"id", id},
              {"error", json{{"code", static_cast<int>(code)}, {"message", std::move(message)}}}};
}

json notification(std::string method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", std::move(method)}, {"params", std::move(params)}};
}

}  // namespace preempt::cli::lsp

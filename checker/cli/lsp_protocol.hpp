#pragma once
// The wire of the Language Server Protocol: JSON-RPC 2.0 messages framed by a `Content-Length`
// header, read from and written to byte streams (stdin and stdout for `preempt lsp`).
//
// Protocol: read_message() blocks until one whole message arrived and classifies it; the caller
// answers what it must (an error response for a Malformed or TooLarge message that carried no id
// uses id null, as JSON-RPC says) and reads the next. Every input is bounded: a header line longer
// than kMaxHeaderLine, a message longer than kMaxMessageBytes (its body is read and thrown away in
// small pieces, so that the stream stays in step) or a JSON text nested deeper than kMaxJsonNesting is
// refused without being parsed (a TooLarge body is then skipped with skip_body()); nothing the client sends can make the reader crash or hold more
// than one bounded message.
#include <cstddef>
#include <istream>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace preempt::cli::lsp {

using nlohmann::json;

// JSON-RPC and LSP error codes.
enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestFailed = -32803,
};

// A document may be as large as a scenario file (4 MiB, interp::kMaxScenarioBytes); in JSON its
// text takes up to twice that (escaped newlines and quotes), so a message may be 8 MiB and a bit.
inline constexpr std::size_t kMaxMessageBytes = (std::size_t{8} << 20) + (std::size_t{64} << 10);
inline constexpr std::size_t kMaxHeaderLine = 1024;
inline constexpr std::size_t kMaxJsonNesting = 64;

struct Incoming {
  enum class Kind : std::uint8_t {
    Message,    // `body` is a JSON object with "jsonrpc": "2.0"
    Malformed,  // not JSON, or not a JSON-RPC message: `error` says why (answer ParseError or InvalidRequest)
    TooLarge,   // Content-Length above kMaxMessageBytes: the body is still to skip (skip_body)
    End,        // the stream ended (or broke inside a message)
  };
  Kind kind = Kind::End;
  ErrorCode code = ErrorCode::ParseError;  // Malformed: which error to answer
  std::string error;
  json body;
  std::size_t body_bytes = 0;  // TooLarge: the Content-Length
};

// Reads the next message from `in` (see the file comment).
[[nodiscard]] Incoming read_message(std::istream& in);

// Reads and drops `bytes` bytes of a TooLarge message's body, in small pieces; false when the
// stream ends first. (The caller answers before: a client may wait for the answer.)
[[nodiscard]] bool skip_body(std::istream& in, std::size_t bytes);

// Writes `message` with its Content-Length header and flushes.
void write_message(std::ostream& out, const json& message);

// The JSON-RPC messages the server sends.
[[nodiscard]] json response(const json& id, json result);
[[nodiscard]] json error_response(const json& id, ErrorCode code, std::string message);
[[nodiscard]] json notification(std::string method, json params);

}  // namespace preempt::cli::lsp

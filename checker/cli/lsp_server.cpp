// preempt lsp: a Language Server Protocol server for scenario files over stdin and stdout
// (docs/cli.md, "preempt lsp"). This file is the server's lifecycle and its dispatch: JSON-RPC
// requests in, the questions of lsp_queries.hpp asked, their answers converted to the protocol's
// JSON out. The wire is lsp_protocol.hpp; positions are lsp_positions.hpp.
#include <exception>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "checker/cli/commands.hpp"
#include "checker/cli/exit_codes.hpp"
#include "checker/cli/lsp_positions.hpp"
#include "checker/cli/lsp_protocol.hpp"
#include "checker/cli/lsp_queries.hpp"
#include "checker/cli/lsp_server.hpp"

#ifndef PREEMPT_VERSION
#define PREEMPT_VERSION "unknown"
#endif

namespace preempt::cli {

namespace {

using lsp::ErrorCode;
using lsp::json;

// The documents a client may keep open at once (each up to the scenario size limit).
constexpr std::size_t kMaxOpenDocuments = 64;

// A request the server cannot answer: the error response says why.
struct RequestError {
  ErrorCode code;
  std::string message;
};

// One open document: its latest analysis, and the latest one that parsed (for completion while
// the text is broken mid-edit).
struct Document {
  std::shared_ptr<const lsp::DocumentAnalysis> current;
  std::shared_ptr<const lsp::DocumentAnalysis> parsed;
};

class LanguageServer {
 public:
  LanguageServer(std::istream& in, std::ostream& out) : in_(in), out_(out) {}

  // Serves until `exit` or the end of the input; returns the exit code the protocol asks for:
  // 0 after shutdown, 1 otherwise.
  int run() {
    while (true) {
      lsp::Incoming m = lsp::read_message(in_);
      switch (m.kind) {
        case lsp::Incoming::Kind::End: return 1;
        case lsp::Incoming::Kind::TooLarge:
          send(lsp::error_response(nullptr, ErrorCode::InvalidRequest, m.error));
          if (!lsp::skip_body(in_, m.body_bytes)) return 1;
          continue;
        case lsp::Incoming::Kind::Malformed: send(lsp::error_response(nullptr, m.code, m.error)); continue;
        case lsp::Incoming::Kind::Message: break;
      }
      if (m.body.value("method", json()) == "exit" && !m.body.contains("id")) return shutdown_ ? 0 : 1;
      handle(m.body);
    }
  }

 private:
  void send(const json& message) { lsp::write_message(out_, message); }

  void handle(const json& message) {
    const bool request = message.contains("id");
    const json id = request ? message["id"] : json();
    const json method = message.value("method", json());
    if (!method.is_string() || (request && !id.is_number_integer() && !id.is_string())) {
      if (request || !method.is_string()) {
        send(lsp::error_response(request && (id.is_number_integer() || id.is_string()) ? id : json(),
                                 ErrorCode::InvalidRequest, "a request needs a string method and an integer or string id"));
      }
      return;
    }
    const json params = message.value("params", json::object());
    try {
      if (request) {
        send(lsp::response(id, answer(method.get<std::string>(), params)));
      } else {
        notify(method.get<std::string>(), params);
      }
    } catch (const RequestError& e) {
      if (request) send(lsp::error_response(id, e.code, e.message));
    } catch (const json::exception& e) {  // params of the wrong shape
      if (request) send(lsp::error_response(id, ErrorCode::InvalidParams, fmt::format("invalid params: {}", e.what())));
    } catch (const std::exception& e) {  // a bug of the server: said, and the server goes on
      const std::string why = fmt::format("internal error in {}: {}", method.get<std::string>(), e.what());
      if (request) {
        send(lsp::error_response(id, ErrorCode::InternalError, why));
      } else {
        send(lsp::notification("window/logMessage", {{"type", 1}, {"message", why}}));
      }
    }
  }

  json answer(const std::string& method, const json& params) {
    if (method == "initialize") return initialize(params);
    if (!initialized_) throw RequestError{ErrorCode::ServerNotInitialized, "the server is not initialized yet"};
    if (shutdown_) throw RequestError{ErrorCode::InvalidRequest, "the server is shut down: only exit is accepted"};
    if (method == "shutdown") {
      shutdown_ = true;
      return nullptr;
    }
    if (method == "textDocument/hover") return hover(params);
    if (method == "textDocument/definition") return definition(params);
    if (method == "textDocument/completion") return completion(params);
    throw RequestError{ErrorCode::MethodNotFound, fmt::format("unknown method '{}'", method)};
  }

  void notify(const std::string& method, const json& params) {
    if (!initialized_ || shutdown_) return;  // the protocol drops notifications then
    if (method == "textDocument/didOpen") {
      const json& doc = params.at("textDocument");
      update(doc.at("uri").get<std::string>(), doc.at("text").get<std::string>());
    } else if (method == "textDocument/didChange") {
      const json& changes = params.at("contentChanges");
      if (!changes.is_array() || changes.empty()) return;
      // Full synchronisation: each change is the whole text; the last one is the document now.
      update(params.at("textDocument").at("uri").get<std::string>(), changes.back().at("text").get<std::string>());
    } else if (method == "textDocument/didClose") {
      const std::string uri = params.at("textDocument").at("uri").get<std::string>();
      documents_.erase(uri);
      publish(uri, json::array());
    }
    // Other notifications (initialized, $/cancelRequest, didSave, ...) need nothing.
  }

  json initialize(const json& params) {
    if (initialized_) throw RequestError{ErrorCode::InvalidRequest, "initialize was already received"};
    // UTF-8 positions when the client offers them (LSP 3.17), else the protocol's UTF-16.
    const json offered = params.value("capabilities", json::object()).value("general", json::object())
                             .value("positionEncodings", json::array());
    if (offered.is_array()) {
      for (const json& e : offered) {
        if (e == "utf-8") encoding_ = lsp::Encoding::Utf8;
      }
    }
    initialized_ = true;
    json capabilities = {
        {"positionEncoding", encoding_ == lsp::Encoding::Utf8 ? "utf-8" : "utf-16"},
        {"textDocumentSync", {{"openClose", true}, {"change", 1}}},  // 1: the whole text each time
        {"hoverProvider", true},
        {"definitionProvider", true},
        {"completionProvider", {{"triggerCharacters", {".", ">"}}, {"resolveProvider", false}}},
    };
    return json{{"capabilities", std::move(capabilities)}, {"serverInfo", {{"name", "preempt"}, {"version", PREEMPT_VERSION}}}};
  }

  void update(const std::string& uri, std::string text) {
    if (documents_.count(uri) == 0 && documents_.size() == kMaxOpenDocuments) {
      const json start = {{"line", 0}, {"character", 0}};
      publish(uri, json::array({{{"range", {{"start", start}, {"end", start}}},
                                 {"severity", 1},
                                 {"source", "preempt"},
                                 {"message", fmt::format("too many open documents (the limit is {}); close one to "
                                                         "check this one",
                                                         kMaxOpenDocuments)}}}));
      return;
    }
    auto analysis = std::make_shared<const lsp::DocumentAnalysis>(uri, std::move(text));
    Document& doc = documents_[uri];
    doc.current = analysis;
    if (analysis->parsed()) doc.parsed = analysis;
    json diagnostics = json::array();
    for (const lsp::DiagnosticItem& d : analysis->diagnostics()) diagnostics.push_back(diagnostic_json(*analysis, d));
    publish(uri, std::move(diagnostics));
  }

  void publish(const std::string& uri, json diagnostics) {
    send(lsp::notification("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", std::move(diagnostics)}}));
  }

  json position_json(const lsp::DocumentAnalysis& doc, lang::SourceLoc loc) const {
    const lsp::Position p = lsp::to_position(doc.line(loc.line), loc, encoding_);
    return {{"line", p.line}, {"character", p.character}};
  }
  json range_json(const lsp::DocumentAnalysis& doc, const lsp::TextRange& range) const {
    return {{"start", position_json(doc, range.begin)}, {"end", position_json(doc, range.end)}};
  }
  json diagnostic_json(const lsp::DocumentAnalysis& doc, const lsp::DiagnosticItem& d) const {
    return {{"range", range_json(doc, d.range)}, {"severity", d.warning ? 2 : 1}, {"source", "preempt"},
            {"message", d.message}};
  }

  // The document and the position a textDocument/* request names.
  std::pair<const Document*, lang::SourceLoc> locate(const json& params) const {
    const std::string uri = params.at("textDocument").at("uri").get<std::string>();
    const auto it = documents_.find(uri);
    if (it == documents_.end()) throw RequestError{ErrorCode::InvalidParams, fmt::format("'{}' is not open", uri)};
    const json& position = params.at("position");
    const lsp::Position p{position.at("line").get<std::uint32_t>(), position.at("character").get<std::uint32_t>()};
    return {&it->second, lsp::to_source_loc(it->second.current->line(p.line + 1), p, encoding_)};
  }

  json hover(const json& params) const {
    const auto [doc, at] = locate(params);
    const std::optional<lsp::HoverItem> h = doc->current->hover(at);
    if (!h) return nullptr;
    return {{"contents", {{"kind", "markdown"}, {"value", h->markdown}}}, {"range", range_json(*doc->current, h->range)}};
  }

  json definition(const json& params) const {
    const auto [doc, at] = locate(params);
    const std::optional<lsp::DefinitionItem> d = doc->current->definition(at);
    if (!d || !d->decl) return nullptr;  // none known, or built into the language: nowhere to go
    return {{"uri", params.at("textDocument").at("uri")}, {"range", range_json(*doc->current, *d->decl)}};
  }

  json completion(const json& params) const {
    const auto [doc, at] = locate(params);
    const lsp::DocumentAnalysis& names = doc->parsed ? *doc->parsed : *doc->current;
    json items = json::array();
    for (const lsp::CompletionEntry& e : doc->current->completion(at, names)) {
      json item = {{"label", e.label}, {"kind", static_cast<int>(e.kind)}, {"detail", e.detail}};
      if (!e.documentation.empty()) item["documentation"] = {{"kind", "markdown"}, {"value", e.documentation}};
      items.push_back(std::move(item));
    }
    return {{"isIncomplete", false}, {"items", std::move(items)}};
  }

  std::istream& in_;
  std::ostream& out_;
  bool initialized_ = false;
  bool shutdown_ = false;
  lsp::Encoding encoding_ = lsp::Encoding::Utf16;
  std::map<std::string, Document> documents_;  // by URI
};

}  // namespace

int serve_lsp(std::istream& in, std::ostream& out) { return LanguageServer(in, out).run(); }

void register_lsp(CLI::App& app, int* exit_code) {
  CLI::App* sub = app.add_subcommand("lsp", "serve the Language Server Protocol on stdin/stdout (diagnostics, hover, "
                                            "go to definition, completion) for editors");
  sub->footer("Exit codes: 0 after the client's shutdown and exit, 1 when the input ends or exit comes without "
              "shutdown. The server reads only the text the client sends, never files.");
  sub->callback([exit_code] {
    std::ios::sync_with_stdio(false);
    *exit_code = serve_lsp(std::cin, std::cout);
  });
}

}  // namespace preempt::cli

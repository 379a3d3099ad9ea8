// The format-plugin interface: an API format (OpenAI, Ollama-native, ...) is a route table plus
// translators between its wire format and the common requests/events. The host alone touches
// the network; translators are pure functions of their inputs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "llmhost/events.hpp"
#include "llmhost/plugin.hpp"
#include "llmhost/requests.hpp"

namespace llmhost {

struct Route {
  std::string method; // "GET", "POST", "HEAD", "DELETE"
  std::string path;   // literal segments and {param} segments: "/v1/models/{id}"
  bool is_public = false; // served without an API key (e.g. "/" and "/api/version")
};

struct HttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> path_params; // from {param} segments
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers; // names lower-cased
  std::string body;
  std::string request_id;
};

struct Header {
  std::string name;
  std::string value;
};

// A complete response a translator produces without calling a handler (wire errors, "/").
struct WireResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<Header> headers;
};

// The host's side of a response, handed to a response translator.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // Sends the status line and headers. Must come before the first write; later calls are ignored.
  // `streaming` selects chunked transfer with a flush per write.
  virtual void start(int status, std::string_view content_type, bool streaming,
                     const std::vector<Header>& extra_headers = {}) = 0;
  virtual bool started() const = 0;
  // Sends bytes (one chunk when streaming). False when the client is gone.
  virtual bool write(std::string_view bytes) = 0;
};

// Turns one request's events into wire bytes. Created per request; not shared between threads.
class ResponseTranslator {
 public:
  virtual ~ResponseTranslator() = default;
  // Called for each event the handler emits, in order. Returns false to stop the handler
  // (e.g. the writer reported the client gone).
  virtual bool on_event(const Event& event, ResponseWriter& out) = 0;
  // Called once after the handler returns: write what remains (a non-streamed body, "[DONE]").
  virtual void finish(ResponseWriter& out) = 0;
};

// Result of translating a wire request: a common request, or a response to send as is.
using Translation = std::variant<Request, WireResponse>;

class FormatPlugin : public Plugin {
 public:
  virtual std::vector<Route> routes() const = 0;
  // Path prefixes whose unknown routes and host-level errors (401, 404, 405, 413) this format
  // answers in its own error shape: {"/v1/"} or {"/api/"}.
  virtual std::vector<std::string> path_prefixes() const = 0;
  virtual Translation translate_request(const Route& route, const HttpRequest& request) const = 0;
  virtual std::unique_ptr<ResponseTranslator> make_response_translator(const Route& route,
                                                                       const Request& request) const = 0;
  // An error in this format's wire shape.
  virtual WireResponse error_response(const ErrorEvent& error) const = 0;
};

} // namespace llmhost

// A ResponseWriter that records what a response translator sends, for byte-exact checks.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmhost/format.hpp"

namespace llmhost::testing {

class RecordingWriter final : public ResponseWriter {
 public:
  void start(int status, std::string_view content_type, bool streaming,
             const std::vector<Header>& extra_headers = {}) override {
    ++start_calls;
    if (started_) return;
    started_ = true;
    this->status = status;
    this->content_type = std::string(content_type);
    this->streaming = streaming;
    headers = extra_headers;
  }
  bool started() const override { return started_; }
  bool write(std::string_view bytes) override {
    if (!started_) wrote_before_start = true;
    writes.emplace_back(bytes);
    body += bytes;
    return !client_gone;
  }

  // The body's NDJSON lines, parsed.
  std::vector<nlohmann::json> ndjson() const {
    std::vector<nlohmann::json> out;
    size_t pos = 0;
    while (pos < body.size()) {
      const size_t nl = body.find('\n', pos);
      out.push_back(nlohmann::json::parse(body.substr(pos, nl - pos)));
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    return out;
  }
  // The payloads of SSE "data: " events; "[DONE]" stays a string.
  std::vector<std::string> sse_data() const {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < body.size()) {
      const size_t end = body.find("\n\n", pos);
      if (end == std::string::npos) {
        out.push_back("<unterminated>" + body.substr(pos));
        break;
      }
      std::string event = body.substr(pos, end - pos);
      out.push_back(event.rfind("data: ", 0) == 0 ? event.substr(6) : "<bad>" + event);
      pos = end + 2;
    }
    return out;
  }

  int status = 0;
  std::string content_type;
  bool streaming = false;
  std::vector<Header> headers;
  std::vector<std::string> writes;
  std::string body;
  int start_calls = 0;
  bool wrote_before_start = false;
  bool client_gone = false;

 private:
  bool started_ = false;
};

// Feeds events to a translator the way the host does, stopping when it returns false.
template <typename Events>
void run_events(ResponseTranslator& t, const Events& events, ResponseWriter& out) {
  for (const Event& e : events)
    if (!t.on_event(e, out)) break;
  t.finish(out);
}

} // namespace llmhost::testing

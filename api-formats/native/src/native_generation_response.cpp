// /api/generate and /api/chat responses: NDJSON lines, or one JSON body when stream is false.
#include <optional>

#include "native_responses.hpp"

namespace llmhost::native {

namespace {

using json = nlohmann::ordered_json;

enum class Shape { generate, chat };

class GenerationTranslator final : public ResponseTranslator {
 public:
  GenerationTranslator(Shape shape, std::string model, bool stream, Clock clock)
      : shape_(shape), model_(std::move(model)), stream_(stream), clock_(std::move(clock)) {}

  bool on_event(const Event& event, ResponseWriter& out) override {
    if (failed_) return false;
    if (const auto* d = std::get_if<DeltaEvent>(&event)) return on_delta(*d, out);
    if (const auto* done = std::get_if<DoneEvent>(&event)) return on_done(*done, out);
    if (const auto* e = std::get_if<ErrorEvent>(&event)) {
      failed_ = true;
      if (!out.started()) {
        out.start(error_status(e->code), kJson, false);
        out.write(dump(error_body(*e)));
      } else if (stream_) {
        out.write(dump(error_body(*e)) + "\n");
      }
      return false;
    }
    return true;
  }

  void finish(ResponseWriter& out) override {
    if (failed_ || out.started()) return;
    if (!done_) { // the handler ended without a result: say so rather than send a half object
      out.start(500, kJson, false);
      out.write(dump(error_body(ErrorEvent{ErrorCode::internal, "generation ended without a result", {}})));
      return;
    }
    out.start(200, kJson, false);
    out.write(dump(*done_));
  }

 private:
  json head(const std::string& created_at) const { return {{"model", model_}, {"created_at", created_at}}; }

  // The text part of a chunk: "response" for generate, "message" for chat.
  void put_text(json& j, const std::string& text, const std::string& thinking) const {
    if (shape_ == Shape::generate) {
      j["response"] = text;
      if (!thinking.empty()) j["thinking"] = thinking;
    } else {
      json message = {{"role", "assistant"}, {"content", text}};
      if (!thinking.empty()) message["thinking"] = thinking;
      j["message"] = std::move(message);
    }
  }

  bool on_delta(const DeltaEvent& d, ResponseWriter& out) {
    if (!stream_) {
      text_ += d.text;
      thinking_ += d.thinking;
      return true;
    }
    if (d.text.empty() && d.thinking.empty()) return true;
    json j = head(clock_());
    put_text(j, d.text, d.thinking);
    j["done"] = false;
    return send_line(j, out);
  }

  bool on_done(const DoneEvent& d, ResponseWriter& out) {
    json j = head(d.created_at.empty() ? clock_() : d.created_at);
    put_text(j, stream_ ? std::string() : text_, stream_ ? std::string() : thinking_);
    j["done"] = true;
    j["done_reason"] = finish_reason_name(d.reason);
    if (shape_ == Shape::generate && !d.context.empty()) j["context"] = d.context;
    // Ollama omits metrics that are zero (omitempty).
    auto put = [&j](const char* key, int64_t v) { if (v != 0) j[key] = v; };
    put("total_duration", d.timings.total_ns);
    put("load_duration", d.timings.load_ns);
    put("prompt_eval_count", d.usage.prompt_tokens);
    put("prompt_eval_duration", d.timings.prompt_eval_ns);
    put("eval_count", d.usage.completion_tokens);
    put("eval_duration", d.timings.eval_ns);
    if (!stream_) {
      done_ = std::move(j);
      return true;
    }
    return send_line(j, out);
  }

  bool send_line(const json& j, ResponseWriter& out) {
    if (!out.started()) out.start(200, kNdjson, true);
    if (out.write(dump(j) + "\n")) return true;
    failed_ = true;
    return false;
  }

  Shape shape_;
  std::string model_;
  bool stream_;
  Clock clock_;
  std::string text_;
  std::string thinking_;
  std::optional<json> done_;
  bool failed_ = false;
};

} // namespace

std::unique_ptr<ResponseTranslator> make_generate_translator(const GenerateRequest& r, Clock clock) {
  return std::make_unique<GenerationTranslator>(Shape::generate, r.model, r.stream, std::move(clock));
}

std::unique_ptr<ResponseTranslator> make_chat_translator(const ChatRequest& r, Clock clock) {
  return std::make_unique<GenerationTranslator>(Shape::chat, r.model, r.stream, std::move(clock));
}

} // namespace llmhost::native

// Chat and text completions, streamed as SSE or assembled into one JSON body. Choices are keyed
// by DeltaEvent/DoneEvent.choice so n > 1 interleaves correctly.
#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "openai_errors.hpp"
#include "openai_logprobs.hpp"
#include "openai_requests.hpp"
#include "openai_responses.hpp"

namespace llmhost::openai {

namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

const char* finish_reason_text(FinishReason r) {
  return r == FinishReason::length ? "length" : "stop";
}

enum class Shape { chat, text };

struct Settings {
  Shape shape = Shape::chat;
  std::string model;
  bool stream = false;
  int n = 1;
  bool logprobs = false;
  bool include_usage = false;
};

class GenerationTranslator final : public ResponseTranslator {
 public:
  GenerationTranslator(Settings s, ResponseIdentity id) : s_(std::move(s)), id_(std::move(id)) {
    choices_.resize(static_cast<size_t>(std::max(1, s_.n)));
  }

  bool on_event(const Event& event, ResponseWriter& out) override {
    if (failed_) return false;
    if (const auto* d = std::get_if<DeltaEvent>(&event)) return on_delta(*d, out);
    if (const auto* done = std::get_if<DoneEvent>(&event)) return on_done(*done, out);
    if (const auto* e = std::get_if<ErrorEvent>(&event)) return on_error(*e, out);
    return true; // other events carry nothing for this route
  }

  void finish(ResponseWriter& out) override {
    if (failed_) return;
    if (s_.stream) {
      begin_stream(out);
      if (s_.include_usage) {
        json chunk = chunk_header();
        chunk["choices"] = json::array();
        chunk["usage"] = usage_json();
        write_sse(out, chunk);
      }
      out.write("data: [DONE]\n\n");
      return;
    }
    if (out.started()) return;
    out.start(200, "application/json", false);
    out.write(dump(full_body()));
  }

 private:
  struct Choice {
    std::string text;
    std::string reasoning;
    json chat_logprobs = json::array();
    TextLogprobs text_logprobs;
    bool role_sent = false;
    std::optional<FinishReason> finish;
  };

  Choice& choice(int index) {
    const auto i = static_cast<size_t>(std::max(0, index));
    if (i >= choices_.size()) choices_.resize(i + 1);
    return choices_[i];
  }

  bool on_delta(const DeltaEvent& d, ResponseWriter& out) {
    Choice& c = choice(d.choice);
    const size_t offset = c.text.size();
    c.text += d.text;
    c.reasoning += d.thinking;
    if (s_.logprobs) {
      if (s_.shape == Shape::chat) {
        for (auto& e : chat_logprob_entries(d.logprobs)) c.chat_logprobs.push_back(std::move(e));
      } else {
        c.text_logprobs.append(d.logprobs, offset);
      }
    }
    if (!s_.stream) return true;
    begin_stream(out);
    if (s_.shape == Shape::chat && !send_role(d.choice, c, out)) return false;
    if (d.text.empty() && d.thinking.empty() && d.logprobs.empty()) return true;
    json ch;
    if (s_.shape == Shape::chat) {
      json delta = json::object();
      if (!d.text.empty() || d.thinking.empty()) delta["content"] = d.text;
      if (!d.thinking.empty()) delta["reasoning_content"] = d.thinking;
      ch = {{"index", d.choice}, {"delta", std::move(delta)}};
      ch["logprobs"] = s_.logprobs ? json{{"content", chat_logprob_entries(d.logprobs)}, {"refusal", nullptr}} : json();
    } else {
      ch = {{"text", d.text}, {"index", d.choice}};
      ch["logprobs"] = s_.logprobs ? TextLogprobs::of(d.logprobs, offset) : json();
    }
    ch["finish_reason"] = nullptr;
    return send_choice_chunk(std::move(ch), out);
  }

  bool on_done(const DoneEvent& done, ResponseWriter& out) {
    Choice& c = choice(done.choice);
    c.finish = done.reason;
    usage_.prompt_tokens = std::max(usage_.prompt_tokens, done.usage.prompt_tokens);
    usage_.cached_tokens = std::max(usage_.cached_tokens, done.usage.cached_tokens);
    usage_.completion_tokens += done.usage.completion_tokens;
    if (!s_.stream) return true;
    begin_stream(out);
    json ch;
    if (s_.shape == Shape::chat) {
      if (!send_role(done.choice, c, out)) return false;
      ch = {{"index", done.choice}, {"delta", json::object()}, {"logprobs", nullptr}};
    } else {
      ch = {{"text", ""}, {"index", done.choice}, {"logprobs", nullptr}};
    }
    ch["finish_reason"] = finish_reason_text(done.reason);
    return send_choice_chunk(std::move(ch), out);
  }

  bool on_error(const ErrorEvent& e, ResponseWriter& out) {
    failed_ = true;
    if (!out.started()) {
      out.start(error_status(e.code), "application/json", false);
      out.write(dump(error_body(e)));
    } else if (s_.stream) {
      write_sse(out, error_body(e)); // clients see the error, then the stream ends without [DONE]
    }
    return false;
  }

  void begin_stream(ResponseWriter& out) {
    if (!out.started()) out.start(200, "text/event-stream", true, {{"Cache-Control", "no-cache"}});
  }

  bool send_role(int index, Choice& c, ResponseWriter& out) {
    if (c.role_sent) return true;
    c.role_sent = true;
    json ch = {{"index", index},
               {"delta", {{"role", "assistant"}, {"content", ""}}},
               {"logprobs", nullptr},
               {"finish_reason", nullptr}};
    return send_choice_chunk(std::move(ch), out);
  }

  json chunk_header() const {
    return {{"id", id_.id},
            {"object", s_.shape == Shape::chat ? "chat.completion.chunk" : "text_completion"},
            {"created", id_.created},
            {"model", s_.model},
            {"system_fingerprint", id_.system_fingerprint}};
  }

  bool send_choice_chunk(json choice_json, ResponseWriter& out) {
    json chunk = chunk_header();
    chunk["choices"] = json::array({std::move(choice_json)});
    if (s_.include_usage) chunk["usage"] = nullptr;
    if (write_sse(out, chunk)) return true;
    failed_ = true; // the client is gone
    return false;
  }

  static bool write_sse(ResponseWriter& out, const json& j) { return out.write("data: " + dump(j) + "\n\n"); }

  json usage_json() const {
    return {{"prompt_tokens", usage_.prompt_tokens},
            {"completion_tokens", usage_.completion_tokens},
            {"total_tokens", usage_.prompt_tokens + usage_.completion_tokens},
            {"prompt_tokens_details", {{"cached_tokens", usage_.cached_tokens}}}};
  }

  json full_body() const {
    json body = {{"id", id_.id},
                 {"object", s_.shape == Shape::chat ? "chat.completion" : "text_completion"},
                 {"created", id_.created},
                 {"model", s_.model},
                 {"system_fingerprint", id_.system_fingerprint}};
    json choices = json::array();
    for (size_t i = 0; i < choices_.size(); ++i) {
      const Choice& c = choices_[i];
      json ch;
      if (s_.shape == Shape::chat) {
        json message = {{"role", "assistant"}, {"content", c.text}};
        if (!c.reasoning.empty()) message["reasoning_content"] = c.reasoning;
        ch = {{"index", i}, {"message", std::move(message)}};
        ch["logprobs"] = s_.logprobs ? json{{"content", c.chat_logprobs}, {"refusal", nullptr}} : json();
      } else {
        ch = {{"text", c.text}, {"index", i}};
        ch["logprobs"] = s_.logprobs ? c.text_logprobs.value() : json();
      }
      ch["finish_reason"] = c.finish ? json(finish_reason_text(*c.finish)) : json();
      choices.push_back(std::move(ch));
    }
    body["choices"] = std::move(choices);
    body["usage"] = usage_json();
    return body;
  }

  Settings s_;
  ResponseIdentity id_;
  std::vector<Choice> choices_;
  Usage usage_;
  bool failed_ = false;
};

bool hint_is_true(const std::map<std::string, std::string>& hints, const char* key) {
  auto it = hints.find(key);
  return it != hints.end() && it->second == "true";
}

} // namespace

ResponseIdentity make_identity(std::string_view prefix) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  ResponseIdentity id;
  id.id = std::string(prefix);
  for (int i = 0; i < 24; ++i) id.id += kAlphabet[pick(rng)];
  id.created = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
  id.system_fingerprint = "fp_llmhost";
  return id;
}

std::unique_ptr<ResponseTranslator> make_chat_translator(const ChatRequest& r, ResponseIdentity identity) {
  Settings s{Shape::chat, r.model, r.stream, r.n, r.options.logprobs, hint_is_true(r.format_hints, kHintIncludeUsage)};
  return std::make_unique<GenerationTranslator>(std::move(s), std::move(identity));
}

std::unique_ptr<ResponseTranslator> make_completion_translator(const GenerateRequest& r, ResponseIdentity identity) {
  Settings s{Shape::text, r.model, r.stream, r.n, r.options.logprobs, hint_is_true(r.format_hints, kHintIncludeUsage)};
  return std::make_unique<GenerationTranslator>(std::move(s), std::move(identity));
}

} // namespace llmhost::openai

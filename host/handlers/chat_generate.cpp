// chat, generate, tokenize and detokenize: build the prompt tokens, then run the generation.
#include <nlohmann/json.hpp>

#include "engine/template/chat_template.hpp"
#include "handlers/common_handler.hpp"
#include "handlers/generation.hpp"
#include "store/parameters.hpp"

namespace llmhost::handlers {
namespace {

// Checks what this engine cannot honour yet, so no request field is ignored silently.
Status check_unsupported(const std::string& format_json, const std::string& tools_json, const std::vector<std::string>& images) {
  if (!images.empty())
    return Status::error(ErrorCode::unsupported, "this model does not support images (no vision encoder)", "images");
  if (!format_json.empty())
    return Status::error(ErrorCode::not_implemented,
                         "structured output ('format' / 'response_format') is not supported yet", "format");
  if (!tools_json.empty() && tools_json != "[]")
    return Status::error(ErrorCode::not_implemented, "tool calling ('tools') is not supported yet", "tools");
  return Status::success();
}

// Renders messages with the model's template; a model without one gets the messages' text.
Result<std::string> render_messages(const runtime::LoadedModel& m, const std::string& template_source,
                                    std::vector<Message> messages, const std::string& tools_json, std::optional<bool> think) {
  const bool has_system = !messages.empty() && messages.front().role == "system";
  if (!has_system && !m.system.empty()) messages.insert(messages.begin(), Message{"system", m.system, {}, {}, {}, {}, {}});
  if (template_source.empty()) {
    std::string text;
    for (const auto& msg : messages) text += msg.content;
    return text;
  }
  const auto& tok = *m.tokenizer;
  tmpl::ChatInput in;
  in.messages = std::move(messages);
  in.tools_json = tools_json;
  in.add_generation_prompt = true;
  if (tok.bos() >= 0) in.bos_token = std::string(tok.token_text(tok.bos()));
  if (tok.eos() >= 0) in.eos_token = std::string(tok.token_text(tok.eos()));
  if (think) in.extra["enable_thinking"] = *think;
  auto rendered = tmpl::render_chat(template_source, in);
  std::string text = std::move(rendered.text);
  // The tokenizer adds BOS itself; a template that also writes it would double it.
  if (tok.add_bos() && !in.bos_token.empty() && text.rfind(in.bos_token, 0) == 0) text.erase(0, in.bos_token.size());
  return text;
}

// Answers a request that only loads (or unloads) a model.
void load_only(runtime::ModelManager& models, const store::ModelEntry& entry, KeepAlive keep_alive, int64_t load_ns,
               EventSink& sink) {
  const bool unload = keep_alive && *keep_alive == 0;
  if (unload) models.unload(entry.ref.key());
  DoneEvent d;
  d.model = entry.ref.full();
  d.reason = unload ? FinishReason::stop : FinishReason::load;
  d.timings.load_ns = load_ns;
  sink.emit(d);
}

Options with_model_parameters(const runtime::LoadedModel& m, Options options) {
  store::apply_parameters(m.parameters, options);
  return options;
}

} // namespace

void CommonHandler::chat(const ChatRequest& r, EventSink& sink) {
  std::vector<std::string> images;
  for (const auto& msg : r.messages) images.insert(images.end(), msg.images.begin(), msg.images.end());
  auto entry = resolve(r.model, sink);
  if (!entry) return;
  if (auto st = check_unsupported(r.format_json, r.tools_json, images); !st) return emit_error(sink, st);
  int64_t load_ns = 0;
  auto lease = models_.acquire(*entry, r.keep_alive, &load_ns);
  if (!lease) return emit_error(sink, lease.status());
  auto& m = *lease.value();
  // Ollama: an empty chat only loads the model (or, with keep_alive 0, unloads it).
  if (r.messages.empty()) return load_only(models_, *entry, r.keep_alive, load_ns, sink);
  auto text = render_messages(m, m.chat_template, r.messages, r.tools_json, r.think);
  if (!text) return emit_error(sink, text.status());
  GenerationSpec spec;
  spec.prompt = m.tokenizer->tokenize(text.value(), true, true);
  spec.options = with_model_parameters(m, r.options);
  spec.n = r.n;
  spec.load_ns = load_ns;
  run_generation(m, spec, sink);
}

void CommonHandler::generate(const GenerateRequest& r, EventSink& sink) {
  auto entry = resolve(r.model, sink);
  if (!entry) return;
  if (auto st = check_unsupported(r.format_json, "", r.images); !st) return emit_error(sink, st);
  if (!r.suffix.empty())
    return emit_error(sink, Status::error(ErrorCode::unsupported, "this model does not support insert (suffix)", "suffix"));
  int64_t load_ns = 0;
  auto lease = models_.acquire(*entry, r.keep_alive, &load_ns);
  if (!lease) return emit_error(sink, lease.status());
  auto& m = *lease.value();
  // Ollama: an empty prompt only loads the model (or, with keep_alive 0, unloads it).
  if (r.prompt.empty() && r.prompt_tokens.empty()) return load_only(models_, *entry, r.keep_alive, load_ns, sink);
  GenerationSpec spec;
  if (!r.prompt_tokens.empty()) {
    spec.prompt = r.prompt_tokens;
  } else {
    std::string text = r.prompt;
    if (!r.raw) {
      std::vector<Message> msgs;
      if (!r.system.empty()) msgs.push_back(Message{"system", r.system, {}, {}, {}, {}, {}});
      msgs.push_back(Message{"user", r.prompt, {}, {}, {}, {}, {}});
      const std::string& source = r.template_override.empty() ? m.chat_template : r.template_override;
      auto rendered = render_messages(m, source, msgs, "", r.think);
      if (!rendered) return emit_error(sink, rendered.status());
      text = rendered.value();
    }
    const bool continuing = !r.context.empty();
    spec.prompt = r.context;
    auto toks = m.tokenizer->tokenize(text, !continuing, true);
    spec.prompt.insert(spec.prompt.end(), toks.begin(), toks.end());
  }
  spec.options = with_model_parameters(m, r.options);
  spec.n = r.n;
  spec.load_ns = load_ns;
  spec.return_context = true;
  if (r.echo) spec.echo_text = r.prompt;
  run_generation(m, spec, sink);
}

void CommonHandler::tokenize(const TokenizeRequest& r, EventSink& sink) {
  auto entry = resolve(r.model, sink);
  if (!entry) return;
  auto lease = models_.acquire(*entry, std::nullopt);
  if (!lease) return emit_error(sink, lease.status());
  sink.emit(TokensResult{lease.value()->tokenizer->tokenize(r.text, r.add_special, r.parse_special), {}});
}

void CommonHandler::detokenize(const DetokenizeRequest& r, EventSink& sink) {
  auto entry = resolve(r.model, sink);
  if (!entry) return;
  auto lease = models_.acquire(*entry, std::nullopt);
  if (!lease) return emit_error(sink, lease.status());
  const auto& tok = *lease.value()->tokenizer;
  for (int32_t id : r.tokens)
    if (id < 0 || id >= tok.n_vocab())
      return emit_error(sink, Status::error(ErrorCode::invalid_request, "token id " + std::to_string(id) + " is out of range", "tokens"));
  sink.emit(TokensResult{r.tokens, tok.detokenize(r.tokens, false, false)});
}

} // namespace llmhost::handlers

// Response translators for the OpenAI routes. Identity (id, created) is injected so tests can
// check bytes exactly; OpenAIFormat makes a fresh one per request.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "llmhost/format.hpp"

namespace llmhost::openai {

struct ResponseIdentity {
  std::string id;                 // "chatcmpl-...", "cmpl-..."
  int64_t created = 0;            // Unix seconds
  std::string system_fingerprint; // "fp_llmhost"
};

// A random id with `prefix` and the current time.
ResponseIdentity make_identity(std::string_view prefix);

// /v1/chat/completions: SSE chunks (object chat.completion.chunk) or one chat.completion body.
std::unique_ptr<ResponseTranslator> make_chat_translator(const ChatRequest& request, ResponseIdentity identity);
// /v1/completions: SSE chunks or one text_completion body.
std::unique_ptr<ResponseTranslator> make_completion_translator(const GenerateRequest& request,
                                                               ResponseIdentity identity);

// Routes answered by one result event.
enum class ResultKind { embeddings, model_list, model };
std::unique_ptr<ResponseTranslator> make_result_translator(ResultKind kind, std::string model,
                                                           bool base64_embeddings);

// "2024-05-01T12:00:00.5Z" / "...+02:00" -> Unix seconds; 0 when unparseable.
int64_t unix_seconds_from_rfc3339(std::string_view text);
// Standard base64 (with padding) of little-endian float32 values.
std::string base64_floats(std::span<const float> values);

} // namespace llmhost::openai

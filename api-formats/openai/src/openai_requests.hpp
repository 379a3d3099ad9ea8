// OpenAI wire requests -> common requests. Each parser throws FieldError (openai_fields.hpp) on
// invalid input; OpenAIFormat::translate_request turns that into a 400 response.
#pragma once

#include <nlohmann/json.hpp>

#include "llmhost/requests.hpp"

namespace llmhost::openai {

// format_hints keys shared by request and response translators.
inline constexpr const char* kHintIncludeUsage = "include_usage";     // "true"
inline constexpr const char* kHintEncodingFormat = "encoding_format"; // "float" | "base64"

// Fields shared by chat and completions: temperature, top_p, stop, seed, penalties, logit_bias,
// n, user-facing extensions (top_k, min_p, repeat_penalty), stream and stream_options.
// `hints` receives include_usage.
void read_sampling_fields(const nlohmann::ordered_json& body, Options& options, int& n, bool& stream,
                          std::map<std::string, std::string>& hints);

ChatRequest parse_chat_request(const nlohmann::ordered_json& body);
GenerateRequest parse_completion_request(const nlohmann::ordered_json& body);
EmbedRequest parse_embedding_request(const nlohmann::ordered_json& body);

} // namespace llmhost::openai

// The two logprobs shapes OpenAI uses: chat's {"content":[{token, logprob, bytes, top_logprobs}]}
// and legacy completions' parallel arrays {tokens, token_logprobs, top_logprobs, text_offset}.
#pragma once

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "llmhost/events.hpp"

namespace llmhost::openai {

// One entry per token, in chat's `logprobs.content` shape.
nlohmann::ordered_json chat_logprob_entries(std::span<const TokenChoiceLogprobs> tokens);

// Accumulates completions' parallel arrays; `text_offset` counts bytes from the choice start.
class TextLogprobs {
 public:
  TextLogprobs();
  // Appends tokens whose text starts at byte `offset` of the choice's text.
  void append(std::span<const TokenChoiceLogprobs> tokens, size_t offset);
  const nlohmann::ordered_json& value() const { return value_; }
  // The shape for a stream chunk holding only `tokens`.
  static nlohmann::ordered_json of(std::span<const TokenChoiceLogprobs> tokens, size_t offset);

 private:
  nlohmann::ordered_json value_;
};

} // namespace llmhost::openai

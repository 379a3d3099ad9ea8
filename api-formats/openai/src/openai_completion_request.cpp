// POST /v1/completions -> GenerateRequest (raw prompt, no chat template).
#include <string>

#include "openai_fields.hpp"
#include "openai_requests.hpp"

namespace llmhost::openai {

namespace {

constexpr int kDefaultMaxTokens = 16; // the reference API's default for completions

const char* kOnePrompt = "Invalid 'prompt': only one prompt per request is supported; send one request per prompt.";

// prompt: a string, an array of one string, an array of token ids, or an array of one token array.
void read_prompt(const json& body, GenerateRequest& r) {
  const json* prompt = find_field(body, "prompt");
  if (!prompt) fail("prompt", "Missing required parameter: 'prompt'.");
  if (prompt->is_string()) {
    r.prompt = prompt->get<std::string>();
    return;
  }
  if (!prompt->is_array())
    fail("prompt", "Invalid type for 'prompt': expected a string or an array, but got " + json_kind(*prompt) + " instead.");
  if (prompt->empty()) fail("prompt", "Invalid 'prompt': empty array.");
  if (is_integer_array(*prompt)) {
    r.prompt_tokens = read_token_array(*prompt, "prompt");
    return;
  }
  if (prompt->size() > 1) fail("prompt", kOnePrompt);
  const json& only = prompt->front();
  if (only.is_string()) r.prompt = only.get<std::string>();
  else if (is_integer_array(only)) r.prompt_tokens = read_token_array(only, "prompt[0]");
  else
    fail("prompt", "Invalid type for 'prompt[0]': expected a string or an array of integers, but got " +
                       json_kind(only) + " instead.");
}

} // namespace

GenerateRequest parse_completion_request(const json& body) {
  GenerateRequest r;
  r.raw = true;
  const auto model = read_string(body, "model");
  if (!model || model->empty()) fail("model", "you must provide a model parameter");
  r.model = *model;
  read_prompt(body, r);
  r.suffix = read_string(body, "suffix").value_or("");
  r.echo = read_bool(body, "echo").value_or(false);

  read_sampling_fields(body, r.options, r.n, r.stream, r.format_hints);
  r.options.num_predict = static_cast<int>(read_integer(body, "max_tokens", 0, INT32_MAX).value_or(kDefaultMaxTokens));

  // logprobs is a count here (0..5): the chosen token plus that many alternatives.
  if (auto lp = read_integer(body, "logprobs", 0, 5)) {
    r.options.logprobs = true;
    r.options.top_logprobs = static_cast<int>(*lp);
  }
  // best_of is validated and otherwise treated as n (no server-side ranking).
  if (auto best_of = read_integer(body, "best_of", 1, 20); best_of && *best_of < r.n)
    fail("best_of", "Invalid 'best_of': best_of must be greater than or equal to n.");
  return r;
}

} // namespace llmhost::openai

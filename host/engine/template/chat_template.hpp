// Chat templates: renders a model's Jinja chat template (tokenizer.chat_template) the way
// Hugging Face transformers' apply_chat_template does, with a fallback to built-in renderings
// of well-known template families when the model's template cannot be used.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmhost/requests.hpp"
#include "llmhost/status.hpp"

namespace llmhost::tmpl {

struct ChatInput {
  std::vector<llmhost::Message> messages;
  std::string tools_json; // JSON array text; empty when none
  bool add_generation_prompt = true;
  std::string bos_token, eos_token;
  nlohmann::json extra = nlohmann::json::object(); // more template variables, e.g. enable_thinking
  int64_t now_unix = 0; // time strftime_now() reports (UTC); 0 = the current local time
};

// The template variables for `input`, as transformers passes them: messages (role, content,
// tool_calls with parsed arguments, tool_call_id, name, thinking when non-empty), tools (when
// given), bos_token, eos_token, add_generation_prompt, then the extra keys.
Result<nlohmann::ordered_json> chat_variables(const ChatInput& input);

class ChatTemplate {
 public:
  // Syntax errors -> Status (invalid_request) naming line and column.
  static Result<ChatTemplate> parse(std::string source);
  // Runtime errors and raise_exception() -> Status (invalid_request).
  Result<std::string> render(const ChatInput& input) const;
  // Renders with arbitrary variables (JSON object) instead of a chat input.
  Result<std::string> render_variables(const nlohmann::ordered_json& variables, int64_t now_unix = 0) const;

  const std::string& source() const;

 private:
  struct Parsed;
  explicit ChatTemplate(std::shared_ptr<const Parsed> parsed) : parsed_(std::move(parsed)) {}
  std::shared_ptr<const Parsed> parsed_;
};

enum class Family { chatml, llama2, llama3, mistral, zephyr, gemma, phi3, unknown };

const char* family_name(Family family);
// Guesses the family from the markers in the template text.
Family detect_family(std::string_view source);
// The family's canonical rendering (unknown renders as chatml).
std::string render_family(Family family, const ChatInput& input);

struct Rendered {
  std::string text;
  bool fell_back = false;
  Family family = Family::unknown; // the fallback family used (or detected, when not fallen back)
  std::string error;               // why the model's template was not used
};

// Renders with the model's template, falling back to the detected family (or chatml) when the
// template is empty or fails to parse or render; logs the fallback.
Rendered render_chat(std::string_view source, const ChatInput& input);

} // namespace llmhost::tmpl

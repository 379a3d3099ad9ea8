#include "engine/template/chat_template.hpp"

#include <spdlog/spdlog.h>

#include "engine/template/interpreter.hpp"
#include "engine/template/lexer.hpp"
#include "engine/template/parser.hpp"

namespace llmhost::tmpl {

struct ChatTemplate::Parsed {
  std::string source;
  Body body;
};

namespace {

nlohmann::ordered_json message_variables(const Message& m) {
  nlohmann::ordered_json msg = nlohmann::ordered_json::object();
  msg["role"] = m.role;
  msg["content"] = m.content;
  if (!m.tool_calls.empty()) {
    auto calls = nlohmann::ordered_json::array();
    for (const auto& tc : m.tool_calls) {
      nlohmann::ordered_json call = nlohmann::ordered_json::object();
      call["type"] = "function";
      if (!tc.id.empty()) call["id"] = tc.id;
      nlohmann::ordered_json fn = nlohmann::ordered_json::object();
      fn["name"] = tc.name;
      // Templates expect a dict; keep the text when it is not JSON.
      auto args = nlohmann::ordered_json::parse(tc.arguments_json.empty() ? "{}" : tc.arguments_json, nullptr, false);
      fn["arguments"] = args.is_discarded() ? nlohmann::ordered_json(tc.arguments_json) : args;
      call["function"] = std::move(fn);
      calls.push_back(std::move(call));
    }
    msg["tool_calls"] = std::move(calls);
  }
  if (!m.tool_call_id.empty()) msg["tool_call_id"] = m.tool_call_id;
  if (!m.name.empty()) msg["name"] = m.name;
  if (!m.thinking.empty()) msg["thinking"] = m.thinking;
  return msg;
}

Status template_error(const char* what, const std::exception& e) {
  return Status::error(ErrorCode::invalid_request, std::string(what) + ": " + e.what());
}

} // namespace

Result<nlohmann::ordered_json> chat_variables(const ChatInput& input) {
  nlohmann::ordered_json vars = nlohmann::ordered_json::object();
  auto messages = nlohmann::ordered_json::array();
  for (const auto& m : input.messages) messages.push_back(message_variables(m));
  vars["messages"] = std::move(messages);
  if (!input.tools_json.empty()) {
    auto tools = nlohmann::ordered_json::parse(input.tools_json, nullptr, false);
    if (tools.is_discarded() || !tools.is_array())
      return Status::error(ErrorCode::invalid_request, "tools must be a JSON array", "tools");
    vars["tools"] = std::move(tools);
  }
  vars["bos_token"] = input.bos_token;
  vars["eos_token"] = input.eos_token;
  vars["add_generation_prompt"] = input.add_generation_prompt;
  if (input.extra.is_object())
    for (const auto& [k, v] : input.extra.items()) vars[k] = nlohmann::ordered_json::parse(v.dump());
  return vars;
}

Result<ChatTemplate> ChatTemplate::parse(std::string source) {
  auto parsed = std::make_shared<Parsed>();
  parsed->source = std::move(source);
  try {
    parsed->body = parse_template(parsed->source, tokenize(parsed->source));
  } catch (const std::exception& e) {
    return template_error("chat template", e);
  }
  return ChatTemplate(std::move(parsed));
}

const std::string& ChatTemplate::source() const { return parsed_->source; }

Result<std::string> ChatTemplate::render_variables(const nlohmann::ordered_json& variables, int64_t now_unix) const {
  try {
    auto globals = make_dict();
    add_global_functions(*globals, now_unix);
    if (variables.is_object())
      for (const auto& [k, v] : variables.items()) globals->set(Value(k), Value::from_json(v));
    Interpreter interpreter(parsed_->source, globals);
    return interpreter.render(parsed_->body);
  } catch (const TemplateError& e) {
    return template_error("chat template rendering failed", e);
  } catch (const std::exception& e) {
    return template_error("chat template rendering failed", e);
  }
}

Result<std::string> ChatTemplate::render(const ChatInput& input) const {
  auto vars = chat_variables(input);
  if (!vars) return vars.status();
  return render_variables(*vars, input.now_unix);
}

Rendered render_chat(std::string_view source, const ChatInput& input) {
  Rendered r;
  r.family = detect_family(source);
  if (source.empty()) {
    r.error = "the model has no chat template";
  } else {
    auto tmpl = ChatTemplate::parse(std::string(source));
    if (tmpl) {
      auto text = tmpl->render(input);
      if (text) {
        r.text = std::move(*text);
        return r;
      }
      r.error = text.status().message;
    } else {
      r.error = tmpl.status().message;
    }
  }
  r.fell_back = true;
  if (r.family == Family::unknown) r.family = Family::chatml;
  spdlog::warn("chat template not used ({}); falling back to the built-in {} template", r.error,
               family_name(r.family));
  r.text = render_family(r.family, input);
  return r;
}

} // namespace llmhost::tmpl

// POST /v1/chat/completions -> ChatRequest.
#include <string>

#include "openai_fields.hpp"
#include "openai_requests.hpp"

namespace llmhost::openai {

namespace {

std::string at(std::string_view base, size_t i) { return std::string(base) + "[" + std::to_string(i) + "]"; }

// "data:image/png;base64,AAAA" -> "AAAA". Remote URLs would need a fetch the server does not do.
std::string image_data_from_url(const std::string& url, const std::string& param) {
  if (url.rfind("data:", 0) != 0)
    fail(param, "Invalid '" + param + "': only base64 data URLs (data:image/...;base64,...) are supported.");
  const auto comma = url.find(',');
  const auto marker = url.find(";base64");
  if (comma == std::string::npos || marker == std::string::npos || marker > comma)
    fail(param, "Invalid '" + param + "': expected a base64 data URL.");
  return url.substr(comma + 1);
}

void read_content_parts(const json& parts, const std::string& param, Message& m) {
  std::string text;
  for (size_t j = 0; j < parts.size(); ++j) {
    const json& part = parts[j];
    const std::string p = at(param, j);
    if (!part.is_object())
      fail(p, "Invalid type for '" + p + "': expected an object, but got " + json_kind(part) + " instead.");
    const auto type = read_string(part, "type", p + ".type");
    if (!type) fail(p + ".type", "Missing required parameter: '" + p + ".type'.");
    if (*type == "text") {
      const auto t = read_string(part, "text", p + ".text");
      if (!t) fail(p + ".text", "Missing required parameter: '" + p + ".text'.");
      if (!text.empty()) text += "\n";
      text += *t;
    } else if (*type == "image_url") {
      const json* image = find_field(part, "image_url");
      const std::string ip = p + ".image_url";
      // Both {"image_url": {"url": ...}} and the older {"image_url": "..."} are seen in the wild.
      std::optional<std::string> url;
      if (image && image->is_string()) url = image->get<std::string>();
      else if (image && image->is_object()) url = read_string(*image, "url", ip + ".url");
      else if (image) fail(ip, "Invalid type for '" + ip + "': expected an object, but got " + json_kind(*image) + " instead.");
      if (!url) fail(ip + ".url", "Missing required parameter: '" + ip + ".url'.");
      m.images.push_back(image_data_from_url(*url, ip + ".url"));
    } else {
      fail(p + ".type", "Invalid value: '" + *type + "'. Supported content part types are: 'text' and 'image_url'.");
    }
  }
  m.content = std::move(text);
}

void read_tool_calls(const json& calls, const std::string& param, Message& m) {
  if (!calls.is_array())
    fail(param, "Invalid type for '" + param + "': expected an array, but got " + json_kind(calls) + " instead.");
  for (size_t j = 0; j < calls.size(); ++j) {
    const std::string p = at(param, j);
    const json& c = calls[j];
    if (!c.is_object()) fail(p, "Invalid type for '" + p + "': expected an object.");
    ToolCall call;
    call.id = read_string(c, "id", p + ".id").value_or("");
    const json* fn = find_field(c, "function");
    if (!fn || !fn->is_object()) fail(p + ".function", "Missing required parameter: '" + p + ".function'.");
    const auto name = read_string(*fn, "name", p + ".function.name");
    if (!name) fail(p + ".function.name", "Missing required parameter: '" + p + ".function.name'.");
    call.name = *name;
    // OpenAI sends arguments as JSON text; an object is accepted too, as Ollama does.
    const json* args = find_field(*fn, "arguments");
    if (!args) call.arguments_json = "{}";
    else if (args->is_string()) call.arguments_json = args->get<std::string>();
    else if (args->is_object()) call.arguments_json = args->dump();
    else fail(p + ".function.arguments", "Invalid type for '" + p + ".function.arguments': expected a string.");
    m.tool_calls.push_back(std::move(call));
  }
}

Message read_message(const json& raw, size_t i) {
  const std::string p = at("messages", i);
  if (!raw.is_object())
    fail(p, "Invalid type for '" + p + "': expected an object, but got " + json_kind(raw) + " instead.");
  Message m;
  const auto role = read_string(raw, "role", p + ".role");
  if (!role) fail(p + ".role", "Missing required parameter: '" + p + ".role'.");
  if (*role == "developer") m.role = "system"; // the newer name of the system role
  else if (*role == "function") m.role = "tool";
  else if (*role == "system" || *role == "user" || *role == "assistant" || *role == "tool") m.role = *role;
  else
    fail(p + ".role", "Invalid value: '" + *role + "'. Supported values are: 'system', 'developer', "
                      "'user', 'assistant', 'tool' and 'function'.");

  const json* content = find_field(raw, "content");
  if (!content) {
    // Only assistant messages may omit content (tool calls, or an empty prefill).
    if (m.role != "assistant") fail(p + ".content", "Missing required parameter: '" + p + ".content'.");
  } else if (content->is_string()) {
    m.content = content->get<std::string>();
  } else if (content->is_array()) {
    read_content_parts(*content, p + ".content", m);
  } else {
    fail(p + ".content", "Invalid type for '" + p + ".content': expected one of a string or array of "
                         "objects, but got " + json_kind(*content) + " instead.");
  }
  if (const json* calls = find_field(raw, "tool_calls")) read_tool_calls(*calls, p + ".tool_calls", m);
  m.name = read_string(raw, "name", p + ".name").value_or("");
  m.tool_call_id = read_string(raw, "tool_call_id", p + ".tool_call_id").value_or("");
  if (m.role == "tool" && *role == "tool" && m.tool_call_id.empty())
    fail(p + ".tool_call_id", "Missing required parameter: '" + p + ".tool_call_id'.");
  // Reasoning a client echoes back (llama.cpp / vLLM name).
  m.thinking = read_string(raw, "reasoning_content", p + ".reasoning_content").value_or("");
  return m;
}

std::string read_tools(const json& body) {
  const json* tools = find_field(body, "tools");
  if (!tools) return {};
  if (!tools->is_array())
    fail("tools", "Invalid type for 'tools': expected an array, but got " + json_kind(*tools) + " instead.");
  for (size_t i = 0; i < tools->size(); ++i) {
    const std::string p = at("tools", i);
    const json& t = (*tools)[i];
    if (!t.is_object()) fail(p, "Invalid type for '" + p + "': expected an object.");
    const auto type = read_string(t, "type", p + ".type");
    if (type.value_or("function") != "function")
      fail(p + ".type", "Invalid value: '" + *type + "'. Supported values are: 'function'.");
    const json* fn = find_field(t, "function");
    if (!fn || !fn->is_object()) fail(p + ".function", "Missing required parameter: '" + p + ".function'.");
    if (!read_string(*fn, "name", p + ".function.name"))
      fail(p + ".function.name", "Missing required parameter: '" + p + ".function.name'.");
    read_string(*fn, "description", p + ".function.description");
    if (const json* params = find_field(*fn, "parameters"); params && !params->is_object())
      fail(p + ".function.parameters", "Invalid type for '" + p + ".function.parameters': expected an object.");
  }
  return tools->empty() ? std::string() : tools->dump();
}

std::string read_tool_choice(const json& body, bool have_tools) {
  const json* choice = find_field(body, "tool_choice");
  if (!choice) return {};
  if (choice->is_string()) {
    const auto s = choice->get<std::string>();
    if (s != "none" && s != "auto" && s != "required")
      fail("tool_choice", "Invalid value: '" + s + "'. Supported values are: 'none', 'auto' and 'required'.");
  } else if (choice->is_object()) {
    const json* fn = find_field(*choice, "function");
    if (!fn || !fn->is_object() || !read_string(*fn, "name", "tool_choice.function.name"))
      fail("tool_choice.function.name", "Missing required parameter: 'tool_choice.function.name'.");
  } else {
    fail("tool_choice", "Invalid type for 'tool_choice': expected a string or an object, but got " +
                            json_kind(*choice) + " instead.");
  }
  if (!have_tools && !(choice->is_string() && choice->get<std::string>() == "none"))
    fail("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
  return choice->dump();
}

std::string read_response_format(const json& body) {
  const json* rf = find_field(body, "response_format");
  if (!rf) return {};
  if (!rf->is_object())
    fail("response_format", "Invalid type for 'response_format': expected an object, but got " + json_kind(*rf) + " instead.");
  const auto type = read_string(*rf, "type", "response_format.type");
  if (!type) fail("response_format.type", "Missing required parameter: 'response_format.type'.");
  if (*type == "text") return {};
  if (*type == "json_object") return "json";
  if (*type == "json_schema") {
    const json* js = find_field(*rf, "json_schema");
    if (!js || !js->is_object())
      fail("response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.");
    if (!read_string(*js, "name", "response_format.json_schema.name"))
      fail("response_format.json_schema.name", "Missing required parameter: 'response_format.json_schema.name'.");
    const json* schema = find_field(*js, "schema");
    if (schema && !schema->is_object())
      fail("response_format.json_schema.schema", "Invalid type for 'response_format.json_schema.schema': expected an object.");
    return schema ? schema->dump() : std::string("json");
  }
  fail("response_format.type", "Invalid value: '" + *type + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
}

} // namespace

ChatRequest parse_chat_request(const json& body) {
  ChatRequest r;
  const auto model = read_string(body, "model");
  if (!model || model->empty()) fail("model", "you must provide a model parameter");
  r.model = *model;

  const json* messages = find_field(body, "messages");
  if (!messages) fail("messages", "Missing required parameter: 'messages'.");
  if (!messages->is_array())
    fail("messages", "Invalid type for 'messages': expected an array, but got " + json_kind(*messages) + " instead.");
  if (messages->empty())
    fail("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
  for (size_t i = 0; i < messages->size(); ++i) r.messages.push_back(read_message((*messages)[i], i));

  read_sampling_fields(body, r.options, r.n, r.stream, r.format_hints);

  // max_completion_tokens replaced max_tokens; when both are sent the newer one wins.
  const auto max_tokens = read_integer(body, "max_tokens", 1, INT32_MAX);
  const auto max_completion = read_integer(body, "max_completion_tokens", 1, INT32_MAX);
  if (max_completion) r.options.num_predict = static_cast<int>(*max_completion);
  else if (max_tokens) r.options.num_predict = static_cast<int>(*max_tokens);

  r.options.logprobs = read_bool(body, "logprobs").value_or(false);
  if (auto top = read_integer(body, "top_logprobs", 0, 20)) {
    if (!r.options.logprobs)
      fail("top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
    r.options.top_logprobs = static_cast<int>(*top);
  }

  r.tools_json = read_tools(body);
  r.tool_choice_json = read_tool_choice(body, !r.tools_json.empty());
  r.format_json = read_response_format(body);
  read_bool(body, "parallel_tool_calls");
  return r;
}

} // namespace llmhost::openai

// POST /api/generate and POST /api/chat.
#include "native_fields.hpp"
#include "native_requests.hpp"

namespace llmhost::native {

namespace {

std::string at(std::string_view base, size_t i) { return std::string(base) + "[" + std::to_string(i) + "]"; }

std::vector<ToolCall> read_tool_calls(const json& message, const std::string& param) {
  const json* calls = find_field(message, "tool_calls");
  if (!calls) return {};
  if (!calls->is_array()) fail(param, "invalid value for \"" + param + "\": expected an array, got " + json_kind(*calls));
  std::vector<ToolCall> out;
  for (size_t i = 0; i < calls->size(); ++i) {
    const std::string p = at(param, i);
    const json& c = (*calls)[i];
    const json* fn = find_field(c, "function");
    if (!fn || !fn->is_object()) fail(p + ".function", "invalid value for \"" + p + ".function\": expected an object");
    ToolCall call;
    call.name = read_string(*fn, "name", p + ".function.name").value_or("");
    // Ollama sends arguments as an object; OpenAI-style JSON text is accepted as well.
    const json* args = find_field(*fn, "arguments");
    if (!args) call.arguments_json = "{}";
    else if (args->is_object()) call.arguments_json = args->dump();
    else if (args->is_string()) call.arguments_json = args->get<std::string>();
    else fail(p + ".function.arguments", "invalid value for \"" + p + ".function.arguments\": expected an object");
    call.id = read_string(c, "id", p + ".id").value_or("");
    out.push_back(std::move(call));
  }
  return out;
}

Message read_message(const json& raw, size_t i) {
  const std::string p = at("messages", i);
  if (!raw.is_object()) fail(p, "invalid value for \"" + p + "\": expected an object, got " + json_kind(raw));
  Message m;
  m.role = read_string(raw, "role", p + ".role").value_or("");
  if (m.role.empty()) fail(p + ".role", "invalid message: \"" + p + ".role\" is required");
  m.content = read_string(raw, "content", p + ".content").value_or("");
  m.thinking = read_string(raw, "thinking", p + ".thinking").value_or("");
  m.images = read_base64_array(raw, "images", p + ".images");
  m.tool_calls = read_tool_calls(raw, p + ".tool_calls");
  m.name = read_string(raw, "tool_name", p + ".tool_name").value_or("");
  if (m.name.empty()) m.name = read_string(raw, "name", p + ".name").value_or("");
  m.tool_call_id = read_string(raw, "tool_call_id", p + ".tool_call_id").value_or("");
  return m;
}

std::string read_tools(const json& body) {
  const json* tools = find_field(body, "tools");
  if (!tools) return {};
  if (!tools->is_array()) fail("tools", "invalid value for \"tools\": expected an array, got " + json_kind(*tools));
  for (size_t i = 0; i < tools->size(); ++i)
    if (!(*tools)[i].is_object()) fail("tools", "invalid value for \"" + at("tools", i) + "\": expected an object");
  return tools->empty() ? std::string() : tools->dump();
}

} // namespace

GenerateRequest parse_generate_request(const json& body) {
  GenerateRequest r;
  r.model = read_model_name(body);
  r.prompt = read_string(body, "prompt").value_or("");
  r.suffix = read_string(body, "suffix").value_or("");
  r.system = read_string(body, "system").value_or("");
  r.template_override = read_string(body, "template").value_or("");
  r.raw = read_bool(body, "raw").value_or(false);
  r.context = read_int_array(body, "context");
  r.images = read_base64_array(body, "images");
  r.format_json = read_format(body);
  r.options = read_options(body);
  r.stream = read_bool(body, "stream").value_or(true);
  r.keep_alive = read_keep_alive(body);
  r.think = read_think(body);
  if (r.raw && (!r.template_override.empty() || !r.system.empty() || !r.context.empty()))
    fail("raw", "raw mode does not support template, system, or context");
  return r;
}

ChatRequest parse_chat_request(const json& body) {
  ChatRequest r;
  r.model = read_model_name(body);
  if (const json* messages = find_field(body, "messages")) {
    if (!messages->is_array())
      fail("messages", "invalid value for \"messages\": expected an array, got " + json_kind(*messages));
    for (size_t i = 0; i < messages->size(); ++i) r.messages.push_back(read_message((*messages)[i], i));
  }
  r.tools_json = read_tools(body);
  r.format_json = read_format(body);
  r.options = read_options(body);
  r.stream = read_bool(body, "stream").value_or(true);
  r.keep_alive = read_keep_alive(body);
  r.think = read_think(body);
  return r;
}

} // namespace llmhost::native

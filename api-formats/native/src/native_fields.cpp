#include "native_fields.hpp"

#include <cmath>
#include <limits>

namespace llmhost::native {

namespace {

std::string name_of(std::string_view key, std::string_view param) {
  return std::string(param.empty() ? key : param);
}

[[noreturn]] void type_error(const std::string& name, std::string_view expected, const json& got) {
  fail(name, "invalid value for \"" + name + "\": expected " + std::string(expected) + ", got " + json_kind(got));
}

bool is_base64(const std::string& s) {
  size_t padding = 0;
  for (char c : s) {
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (c == '=') ++padding;
    else if (!alpha || padding > 0) return false;
  }
  return padding <= 2 && s.size() % 4 == 0;
}

} // namespace

void fail(std::string param, std::string message) { throw FieldError{std::move(param), std::move(message)}; }

json parse_body(std::string_view body) {
  if (body.empty()) fail("", "missing request body");
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) fail("", "invalid JSON in request body");
  if (!parsed.is_object()) fail("", "invalid request body: expected a JSON object, got " + json_kind(parsed));
  return parsed;
}

const json* find_field(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string json_kind(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

std::optional<std::string> read_string(const json& object, std::string_view key, std::string_view param) {
  const json* v = find_field(object, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) type_error(name_of(key, param), "a string", *v);
  return v->get<std::string>();
}

std::optional<bool> read_bool(const json& object, std::string_view key, std::string_view param) {
  const json* v = find_field(object, key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) type_error(name_of(key, param), "a boolean", *v);
  return v->get<bool>();
}

std::optional<int64_t> read_integer(const json& object, std::string_view key, std::string_view param) {
  const json* v = find_field(object, key);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>() &&
      std::fabs(v->get<double>()) < 9e15)
    return static_cast<int64_t>(v->get<double>());
  type_error(name_of(key, param), "an integer", *v);
}

std::vector<std::string> read_string_array(const json& object, std::string_view key, std::string_view param) {
  const json* v = find_field(object, key);
  if (!v) return {};
  const std::string name = name_of(key, param);
  if (!v->is_array()) type_error(name, "an array of strings", *v);
  std::vector<std::string> out;
  for (const auto& e : *v) {
    if (!e.is_string()) type_error(name, "an array of strings", *v);
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<int32_t> read_int_array(const json& object, std::string_view key, std::string_view param) {
  const json* v = find_field(object, key);
  if (!v) return {};
  const std::string name = name_of(key, param);
  if (!v->is_array()) type_error(name, "an array of integers", *v);
  std::vector<int32_t> out;
  for (const auto& e : *v) {
    if (!e.is_number_integer() || e.get<int64_t>() < 0 || e.get<int64_t>() > std::numeric_limits<int32_t>::max())
      type_error(name, "an array of non-negative integers", *v);
    out.push_back(static_cast<int32_t>(e.get<int64_t>()));
  }
  return out;
}

std::vector<std::string> read_base64_array(const json& object, std::string_view key, std::string_view param) {
  auto out = read_string_array(object, key, param);
  for (const auto& s : out)
    if (!is_base64(s)) fail(name_of(key, param), "invalid value for \"" + name_of(key, param) + "\": illegal base64 data");
  return out;
}

std::string read_model_name(const json& body) {
  auto model = read_string(body, "model");
  if (!model || model->empty()) model = read_string(body, "name");
  if (!model || model->empty()) fail("model", "model is required");
  return *model;
}

} // namespace llmhost::native

#include "openai_fields.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace llmhost::openai {

namespace {

std::string name_of(std::string_view key, std::string_view param) {
  return std::string(param.empty() ? key : param);
}

std::string format_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  json j = v;
  return j.dump();
}

} // namespace

void fail(std::string param, std::string message) {
  throw FieldError{std::move(param), std::move(message)};
}

json parse_body(std::string_view body) {
  if (body.empty())
    fail("", "We could not parse the JSON body of your request. The request body is empty; "
             "expected a JSON object.");
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    fail("", "We could not parse the JSON body of your request. (HINT: This likely means you "
             "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
  if (!parsed.is_object()) fail("", "The request body must be a JSON object, got " + json_kind(parsed) + ".");
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
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a decimal";
    default: return "an unsupported value";
  }
}

[[noreturn]] static void type_error(const std::string& param, std::string_view expected, const json& got) {
  fail(param, "Invalid type for '" + param + "': expected " + std::string(expected) + ", but got " +
                  json_kind(got) + " instead.");
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

std::optional<double> read_number(const json& object, std::string_view key, double min, double max,
                                  std::string_view param) {
  const json* v = find_field(object, key);
  if (!v) return std::nullopt;
  const std::string name = name_of(key, param);
  if (!v->is_number()) type_error(name, "a decimal", *v);
  const double d = v->get<double>();
  if (d < min)
    fail(name, "Invalid '" + name + "': decimal below minimum value. Expected a value >= " +
                   format_number(min) + ", but got " + format_number(d) + " instead.");
  if (d > max)
    fail(name, "Invalid '" + name + "': decimal above maximum value. Expected a value <= " +
                   format_number(max) + ", but got " + format_number(d) + " instead.");
  return d;
}

std::optional<int64_t> read_integer(const json& object, std::string_view key, int64_t min, int64_t max,
                                    std::string_view param) {
  const json* v = find_field(object, key);
  if (!v) return std::nullopt;
  const std::string name = name_of(key, param);
  // 3.0 is accepted as an integer, as the reference API does; 3.5 is not.
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::floor(d) != d || std::fabs(d) > 9e15) type_error(name, "an integer", *v);
  } else if (!v->is_number_integer()) {
    type_error(name, "an integer", *v);
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max))
    fail(name, "Invalid '" + name + "': integer above maximum value. Expected a value <= " +
                   std::to_string(max) + ".");
  const int64_t i = v->is_number_float() ? static_cast<int64_t>(v->get<double>()) : v->get<int64_t>();
  if (i < min)
    fail(name, "Invalid '" + name + "': integer below minimum value. Expected a value >= " +
                   std::to_string(min) + ", but got " + std::to_string(i) + " instead.");
  if (i > max)
    fail(name, "Invalid '" + name + "': integer above maximum value. Expected a value <= " +
                   std::to_string(max) + ", but got " + std::to_string(i) + " instead.");
  return i;
}

bool is_integer_array(const json& value) {
  if (!value.is_array() || value.empty()) return false;
  for (const auto& e : value)
    if (!e.is_number_integer()) return false;
  return true;
}

std::vector<int32_t> read_token_array(const json& value, std::string_view param) {
  std::vector<int32_t> tokens;
  tokens.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const json& e = value[i];
    if (!e.is_number_integer() || e.get<int64_t>() < 0 ||
        e.get<int64_t>() > std::numeric_limits<int32_t>::max())
      fail(std::string(param), "Invalid '" + std::string(param) + "[" + std::to_string(i) +
                                   "]': expected a non-negative integer token id.");
    tokens.push_back(static_cast<int32_t>(e.get<int64_t>()));
  }
  return tokens;
}

} // namespace llmhost::openai

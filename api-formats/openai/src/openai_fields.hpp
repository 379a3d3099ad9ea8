// Typed, range-checked reads of OpenAI request fields. A bad field throws FieldError, which the
// format catches at its boundary and turns into a 400 naming the field (`param`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmhost::openai {

using json = nlohmann::ordered_json;

// Thrown only inside this plugin's translators; never crosses the plugin boundary.
struct FieldError {
  std::string param;
  std::string message;
};

[[noreturn]] void fail(std::string param, std::string message);

// Parses a request body that must be a JSON object.
json parse_body(std::string_view body);

// The member `key` of `object`, or null when absent or JSON null (OpenAI treats both alike).
const json* find_field(const json& object, std::string_view key);

// "a string", "an integer", ... for error messages.
std::string json_kind(const json& value);

// Each reader takes the parent object and the key; `param` (defaults to the key) names the field
// in errors, e.g. "messages[0].content".
std::optional<std::string> read_string(const json& object, std::string_view key,
                                       std::string_view param = {});
std::optional<bool> read_bool(const json& object, std::string_view key, std::string_view param = {});
std::optional<double> read_number(const json& object, std::string_view key, double min, double max,
                                  std::string_view param = {});
std::optional<int64_t> read_integer(const json& object, std::string_view key, int64_t min,
                                    int64_t max, std::string_view param = {});

// A JSON value that must be an array of integer token ids in [0, 2^31).
std::vector<int32_t> read_token_array(const json& value, std::string_view param);

// True when `value` is a non-empty array whose every element is an integer.
bool is_integer_array(const json& value);

} // namespace llmhost::openai

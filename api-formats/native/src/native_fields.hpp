// Typed reads of Ollama request fields. A bad field throws FieldError, which the format catches
// at its boundary and answers as {"error": "..."} with status 400.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmhost::native {

using json = nlohmann::ordered_json;

struct FieldError {
  std::string param;
  std::string message;
};

[[noreturn]] void fail(std::string param, std::string message);

// The body as a JSON object; "missing request body" / "invalid JSON ..." otherwise.
json parse_body(std::string_view body);

// The member, or null when absent or JSON null (Go decodes both to the zero value).
const json* find_field(const json& object, std::string_view key);
std::string json_kind(const json& value);

std::optional<std::string> read_string(const json& object, std::string_view key, std::string_view param = {});
std::optional<bool> read_bool(const json& object, std::string_view key, std::string_view param = {});
std::optional<int64_t> read_integer(const json& object, std::string_view key, std::string_view param = {});
std::vector<std::string> read_string_array(const json& object, std::string_view key, std::string_view param = {});
std::vector<int32_t> read_int_array(const json& object, std::string_view key, std::string_view param = {});
// Base64 strings (images); each is checked for the base64 alphabet.
std::vector<std::string> read_base64_array(const json& object, std::string_view key, std::string_view param = {});

// "model" (or the legacy "name"), required: "model is required".
std::string read_model_name(const json& body);

} // namespace llmhost::native

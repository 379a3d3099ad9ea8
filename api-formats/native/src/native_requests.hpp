// Ollama wire requests -> common requests. Parsers throw FieldError (native_fields.hpp) on
// invalid input; NativeFormat::translate_request turns it into a 400 {"error": "..."}.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "llmhost/requests.hpp"

namespace llmhost::native {

// body["options"]: every Ollama option, type-checked; names nothing here understands go to
// Options::unknown.
Options read_options(const nlohmann::ordered_json& body);
// body["keep_alive"]: seconds as a number, or a Go duration string ("5m", "1h30m", "-1").
KeepAlive read_keep_alive(const nlohmann::ordered_json& body);
// A Go-style duration ("300ms", "1.5h", "1h30m", "-1m"; a bare number means seconds) in
// milliseconds; nullopt when malformed.
std::optional<int64_t> parse_duration_ms(std::string_view text);
// body["format"]: "json" or a JSON schema object -> "json" / schema text; "" when absent.
std::string read_format(const nlohmann::ordered_json& body);
// body["think"]: a boolean, or "high" | "medium" | "low" (meaning on).
std::optional<bool> read_think(const nlohmann::ordered_json& body);

GenerateRequest parse_generate_request(const nlohmann::ordered_json& body);
ChatRequest parse_chat_request(const nlohmann::ordered_json& body);
EmbedRequest parse_embed_request(const nlohmann::ordered_json& body);
EmbedRequest parse_legacy_embeddings_request(const nlohmann::ordered_json& body);
ShowModelRequest parse_show_request(const nlohmann::ordered_json& body);
PullModelRequest parse_pull_request(const nlohmann::ordered_json& body);
CopyModelRequest parse_copy_request(const nlohmann::ordered_json& body);
DeleteModelRequest parse_delete_request(const nlohmann::ordered_json& body);
CreateModelRequest parse_create_request(const nlohmann::ordered_json& body);
// "sha256:<64 hex>" (or Ollama's "sha256-<hex>" file form, normalised to the colon form).
std::string parse_blob_digest(std::string_view digest);

} // namespace llmhost::native

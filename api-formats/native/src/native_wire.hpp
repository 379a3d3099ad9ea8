// Pieces of Ollama's wire shape shared by the native response translators.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "llmhost/events.hpp"
#include "llmhost/format.hpp"

namespace llmhost::native {

// Current time as RFC 3339 UTC with nanoseconds, the way Ollama stamps `created_at`.
std::string rfc3339_now();
// A clock the translators call for `created_at`; injected so tests can fix it.
using Clock = std::function<std::string()>;

inline constexpr const char* kJson = "application/json; charset=utf-8";
inline constexpr const char* kNdjson = "application/x-ndjson";

std::string dump(const nlohmann::ordered_json& j);
nlohmann::ordered_json error_body(const ErrorEvent& error); // {"error": "..."}
int error_status(ErrorCode code);
WireResponse error_wire_response(const ErrorEvent& error);

nlohmann::ordered_json details_json(const ModelDetails& d);
// {name, model, modified_at, size, digest, details}: one entry of /api/tags and /api/ps.
nlohmann::ordered_json model_summary_json(const ModelSummary& m);

} // namespace llmhost::native

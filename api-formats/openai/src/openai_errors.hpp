// OpenAI's error shape: {"error":{"message","type","param","code"}} with the matching HTTP status.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "llmhost/events.hpp"
#include "llmhost/format.hpp"

namespace llmhost::openai {

// The {"error":{...}} object for an error event.
nlohmann::ordered_json error_body(const ErrorEvent& error);
// The HTTP status OpenAI clients expect for an error code.
int error_status(ErrorCode code);
// A complete JSON error response.
WireResponse error_wire_response(const ErrorEvent& error);

} // namespace llmhost::openai

#include "openai_errors.hpp"

#include <algorithm>
#include <cctype>

namespace llmhost::openai {

namespace {

const char* error_type(ErrorCode code) {
  switch (code) {
    case ErrorCode::overloaded:
    case ErrorCode::internal:
    case ErrorCode::cancelled: return "server_error";
    default: return "invalid_request_error";
  }
}

bool mentions_model(const ErrorEvent& e) {
  if (e.param == "model") return true;
  std::string lower = e.message;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("model") != std::string::npos;
}

// OpenAI's machine-readable `code`; null where the reference API sends null.
nlohmann::ordered_json error_code_field(const ErrorEvent& e) {
  switch (e.code) {
    case ErrorCode::unauthorized: return "invalid_api_key";
    case ErrorCode::not_found: return mentions_model(e) ? nlohmann::ordered_json("model_not_found") : nlohmann::ordered_json();
    case ErrorCode::overloaded: return "overloaded";
    case ErrorCode::not_implemented: return "not_implemented";
    case ErrorCode::unsupported: return "unsupported_value";
    default: return nullptr;
  }
}

std::string default_message(ErrorCode code) {
  switch (code) {
    case ErrorCode::unauthorized: return "Incorrect API key provided.";
    case ErrorCode::not_found: return "Not found.";
    case ErrorCode::method_not_allowed: return "Method not allowed.";
    case ErrorCode::payload_too_large: return "Request body too large.";
    case ErrorCode::overloaded: return "The server is currently overloaded, please try again later.";
    case ErrorCode::not_implemented: return "Not implemented.";
    default: return "The server had an error while processing your request.";
  }
}

// The common handlers name fields by the common request's names; say them as OpenAI spells them.
std::string wire_param(const std::string& common) {
  if (common == "format") return "response_format";
  if (common == "images") return "messages";
  if (common == "num_predict") return "max_tokens";
  return common;
}

} // namespace

int error_status(ErrorCode code) {
  if (code == ErrorCode::ok) return 500; // an "error" without a code is still a failure
  return http_status(code);
}

nlohmann::ordered_json error_body(const ErrorEvent& error) {
  nlohmann::ordered_json inner = {
      {"message", error.message.empty() ? default_message(error.code) : error.message},
      {"type", error_type(error.code)},
      {"param", error.param.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(wire_param(error.param))},
      {"code", error_code_field(error)},
  };
  return {{"error", std::move(inner)}};
}

WireResponse error_wire_response(const ErrorEvent& error) {
  WireResponse r;
  r.status = error_status(error.code);
  r.content_type = "application/json";
  r.body = error_body(error).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

} // namespace llmhost::openai

#include "llmhost/status.hpp"

namespace llmhost {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok: return 200;
    case ErrorCode::invalid_request: return 400;
    case ErrorCode::unsupported: return 400;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::overloaded: return 503;
    case ErrorCode::not_implemented: return 501;
    case ErrorCode::cancelled: return 499;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok: return "ok";
    case ErrorCode::invalid_request: return "invalid_request";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::overloaded: return "overloaded";
    case ErrorCode::not_implemented: return "not_implemented";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

} // namespace llmhost

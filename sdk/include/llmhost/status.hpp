// Errors cross the plugin boundary as values, never as exceptions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace llmhost {

// Error codes shared by the host, handlers and plugins. Format plugins map them onto their
// wire's HTTP status and error shape.
enum class ErrorCode {
  ok = 0,
  invalid_request,    // 400: malformed or invalid input
  unauthorized,       // 401: missing or wrong API key
  not_found,          // 404: model / route / resource missing
  method_not_allowed, // 405
  payload_too_large,  // 413
  overloaded,         // 503 (OpenAI clients read 429/503 as "retry later")
  not_implemented,    // 501: understood but not supported (yet)
  unsupported,        // 400: the model or device cannot do this (e.g. images without vision)
  cancelled,          // client went away
  internal,           // 500
};

// HTTP status a code maps to by default.
int http_status(ErrorCode code);
// Stable lower-case name ("invalid_request", ...), for logs and wire error "code" fields.
const char* error_code_name(ErrorCode code);

struct Status {
  ErrorCode code = ErrorCode::ok;
  std::string message;
  std::string param; // the request field at fault, when one is

  static Status success() { return {}; }
  static Status error(ErrorCode c, std::string msg, std::string param = {}) {
    return Status{c, std::move(msg), std::move(param)};
  }
  bool ok() const { return code == ErrorCode::ok; }
  explicit operator bool() const { return ok(); }
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status error) : v_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Status& status() const {
    static const Status kOk{};
    return ok() ? kOk : std::get<Status>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

} // namespace llmhost

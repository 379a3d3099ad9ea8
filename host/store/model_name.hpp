// Model names as clients send them: [host/][namespace/]model[:tag], Ollama's rules.
#pragma once

#include <string>
#include <string_view>

#include "llmhost/status.hpp"

namespace llmhost::store {

struct ModelRef {
  std::string name; // "model", "namespace/model" or "host/namespace/model"
  std::string tag;  // "latest" when the client gave none
  std::string full() const { return name + ":" + tag; }
  // Lower-case full name: names match case-insensitively, as in Ollama.
  std::string key() const;
  bool operator==(const ModelRef&) const = default;
};

inline constexpr size_t kMaxPartLength = 80;   // namespace, model and tag
inline constexpr size_t kMaxHostLength = 350;
inline constexpr size_t kMaxNameLength = 512;  // whole string

// Validates and splits a name. Every part starts with a letter, digit or '_' and holds only
// [A-Za-z0-9._-] (a host may add ':port'); at most three '/'-separated parts; no "..".
// Errors are invalid_request and quote at most a short, sanitized prefix of the input.
Result<ModelRef> parse_model_name(std::string_view text);

} // namespace llmhost::store

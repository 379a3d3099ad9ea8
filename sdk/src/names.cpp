#include "llmhost/events.hpp"
#include "llmhost/requests.hpp"

namespace llmhost {

const char* finish_reason_name(FinishReason r) {
  switch (r) {
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::cancelled: return "cancelled";
    case FinishReason::error: return "error";
    case FinishReason::load: return "load";
  }
  return "stop";
}

const char* request_name(const Request& r) {
  static constexpr const char* kNames[] = {"chat", "generate", "embed", "tokenize", "detokenize",
                                           "list_models", "show_model", "running_models", "version",
                                           "pull_model", "copy_model", "delete_model", "create_model",
                                           "blob_exists", "push_blob"};
  static_assert(std::size(kNames) == std::variant_size_v<Request>);
  return kNames[r.index()];
}

} // namespace llmhost

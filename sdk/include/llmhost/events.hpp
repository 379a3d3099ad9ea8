// What handlers emit: a stream of events that a format plugin's response translator turns into
// wire bytes. Generation emits Delta* then Done (or Error); metadata handlers emit one result.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "llmhost/requests.hpp"
#include "llmhost/status.hpp"

namespace llmhost {

struct TokenLogprob {
  int32_t token = 0;
  std::string text;
  float logprob = 0.0f;
  std::vector<uint8_t> bytes;
};

struct TokenChoiceLogprobs {
  TokenLogprob chosen;
  std::vector<TokenLogprob> top; // best first
};

struct DeltaEvent {
  int choice = 0;
  std::string text;     // complete UTF-8 only; never part of a stop string
  std::string thinking; // reasoning text, when the model separates it
  std::vector<int32_t> tokens;
  std::vector<TokenChoiceLogprobs> logprobs; // one per token when requested
};

struct Usage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int cached_tokens = 0; // prompt tokens reused from the slot's cache
};

struct Timings { // nanoseconds
  int64_t total_ns = 0;
  int64_t load_ns = 0;
  int64_t prompt_eval_ns = 0;
  int64_t eval_ns = 0;
};

enum class FinishReason { stop, length, cancelled, error, load };
const char* finish_reason_name(FinishReason r); // "stop", "length", ...

struct DoneEvent {
  int choice = 0;
  std::string model;
  FinishReason reason = FinishReason::stop;
  Usage usage;
  Timings timings;
  std::vector<int32_t> context; // prompt + output tokens, for /api/generate's `context`
  std::string created_at;       // RFC 3339 UTC
};

struct ProgressEvent {
  std::string status; // "pulling manifest", "downloading", "verifying sha256 digest", "success"
  std::string digest;
  uint64_t total = 0;
  uint64_t completed = 0;
};

struct ErrorEvent {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::string param;
};

// --- results of metadata handlers ---
struct ModelDetails {
  std::string format = "gguf";
  std::string family;
  std::vector<std::string> families;
  std::string parameter_size;     // "1.2B"
  std::string quantization_level; // "Q4_0"
  std::string parent_model;
};

struct ModelSummary {
  std::string name; // "name:tag"
  std::string modified_at; // RFC 3339
  uint64_t size = 0;
  std::string digest; // sha256 hex
  ModelDetails details;
};

struct ModelListResult {
  std::vector<ModelSummary> models;
};

struct ModelInfoResult {
  ModelSummary summary;
  std::string modelfile;
  std::string parameters; // "key value" lines
  std::string template_text;
  std::string system;
  std::string model_info_json; // JSON object of GGUF metadata (arrays elided unless verbose)
  std::vector<std::string> capabilities; // "completion", "embedding", "tools", "vision"
};

struct RunningModel {
  ModelSummary summary;
  std::string expires_at; // RFC 3339
  uint64_t size_vram = 0;
  int context_length = 0;
  std::string backend;
  std::string device;
};

struct RunningModelsResult {
  std::vector<RunningModel> models;
};

struct VersionResult {
  std::string version;
};

struct EmbedResult {
  std::string model;
  std::vector<std::vector<float>> embeddings;
  int prompt_tokens = 0;
  Timings timings;
};

struct TokensResult {
  std::vector<int32_t> tokens;
  std::string text; // for detokenize
};

// A request that succeeded with nothing to report beyond its status code (copy, delete, blob).
struct SuccessResult {
  int status = 200;
};

using Event = std::variant<DeltaEvent, DoneEvent, ProgressEvent, ErrorEvent, ModelListResult,
                           ModelInfoResult, RunningModelsResult, VersionResult, EmbedResult,
                           TokensResult, SuccessResult>;

// Where a handler sends events. Implemented by the host (towards the client) and by tests.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Delivers one event. Returns false when the client is gone: the handler stops and frees
  // what it holds for the request.
  virtual bool emit(const Event& event) = 0;
  // True once the client has gone away.
  virtual bool cancelled() const = 0;
};

} // namespace llmhost

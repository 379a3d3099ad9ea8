// The common requests every format plugin translates its wire requests into. Handlers in the
// host implement them once for all APIs. Free-form JSON (tool schemas, response formats) is
// carried as JSON text so the SDK depends on the standard library alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace llmhost {

// Sampling and runtime options. Unset fields take the model's defaults (manifest, then
// built-in defaults), so a translator sets only what the client sent.
struct Options {
  // sampling
  std::optional<float> temperature;
  std::optional<int> top_k;
  std::optional<float> top_p;
  std::optional<float> min_p;
  std::optional<float> typical_p;
  std::optional<int> repeat_last_n;
  std::optional<float> repeat_penalty;
  std::optional<float> presence_penalty;
  std::optional<float> frequency_penalty;
  std::optional<uint64_t> seed;
  std::vector<std::string> stop;
  std::optional<int> num_predict;          // max new tokens; -1 = until context is full
  std::map<int32_t, float> logit_bias;     // token id -> bias added to its logit
  bool logprobs = false;
  int top_logprobs = 0;                    // alternatives per token (0..20)
  // runtime
  std::optional<int> num_ctx;
  std::optional<int> num_keep;
  std::optional<int> num_batch;
  std::optional<int> num_thread;
  std::optional<int> num_gpu;
  // options a client sent that nothing here understands (logged as warnings, as Ollama does)
  std::vector<std::string> unknown;
};

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments_json; // JSON object text
};

struct Message {
  std::string role; // system | user | assistant | tool
  std::string content;
  std::string thinking;
  std::vector<std::string> images; // base64 data
  std::vector<ToolCall> tool_calls;
  std::string tool_call_id;
  std::string name; // tool name for role=tool
};

// How long a model stays loaded after the request (nullopt: configured default; 0: unload now;
// negative: forever).
using KeepAlive = std::optional<int64_t>; // milliseconds

struct ChatRequest {
  std::string model;
  std::vector<Message> messages;
  std::string tools_json;       // JSON array text, empty when none
  std::string tool_choice_json; // JSON text, empty when none
  std::string format_json;      // "json", or a JSON schema text; empty when none
  Options options;
  bool stream = true;
  KeepAlive keep_alive;
  std::optional<bool> think;
  int n = 1; // choices
  // Appended (format plugins): wire-only settings a format plugin hands from its request
  // translator to its own response translator (e.g. OpenAI's stream_options.include_usage,
  // an embeddings encoding_format). Handlers ignore them.
  std::map<std::string, std::string> format_hints;
};

struct GenerateRequest {
  std::string model;
  std::string prompt;
  std::string suffix;
  std::string system;
  std::string template_override; // Go/Jinja text replacing the model's template for this call
  bool raw = false;               // prompt is sent as is, no template
  bool echo = false;              // include the prompt in the output (OpenAI completions)
  std::vector<int32_t> context;   // tokens of a previous exchange to continue from
  std::vector<int32_t> prompt_tokens; // prompt given as token ids (OpenAI), used when non-empty
  std::vector<std::string> images;
  std::string format_json;
  Options options;
  bool stream = true;
  KeepAlive keep_alive;
  std::optional<bool> think;
  int n = 1;
  // Appended: see ChatRequest::format_hints.
  std::map<std::string, std::string> format_hints;
};

struct EmbedRequest {
  std::string model;
  std::vector<std::string> inputs;
  std::vector<std::vector<int32_t>> token_inputs; // used when inputs is empty
  bool truncate = true;
  std::optional<int> dimensions;
  Options options;
  KeepAlive keep_alive;
  // Appended: see ChatRequest::format_hints.
  std::map<std::string, std::string> format_hints;
};

struct TokenizeRequest {
  std::string model;
  std::string text;
  bool add_special = true;
  bool parse_special = true;
};

struct DetokenizeRequest {
  std::string model;
  std::vector<int32_t> tokens;
};

struct ListModelsRequest {};
struct ShowModelRequest {
  std::string model;
  bool verbose = false;
};
struct RunningModelsRequest {};
struct VersionRequest {};

struct PullModelRequest {
  std::string model;      // name to store it under (or a URL / hf:// reference)
  std::string source_url; // http(s) URL of a GGUF; empty: derived from model
  std::string sha256;     // expected digest (hex), empty when unknown
  bool insecure = false;
  bool stream = true;
};

struct CopyModelRequest {
  std::string source;
  std::string destination;
};

struct DeleteModelRequest {
  std::string model;
};

struct CreateModelRequest {
  std::string model;
  std::string from;                             // existing model, or a file under the import dir
  std::map<std::string, std::string> files;     // file name -> "sha256:<hex>" of uploaded blobs
  std::string template_text;
  std::string system;
  std::map<std::string, std::string> parameters; // option name -> value text
  bool stream = true;
};

struct BlobExistsRequest {
  std::string digest; // "sha256:<64 hex>"
};

struct PushBlobRequest {
  std::string digest;
  std::string body; // the blob bytes
};

using Request = std::variant<ChatRequest, GenerateRequest, EmbedRequest, TokenizeRequest,
                             DetokenizeRequest, ListModelsRequest, ShowModelRequest,
                             RunningModelsRequest, VersionRequest, PullModelRequest,
                             CopyModelRequest, DeleteModelRequest, CreateModelRequest,
                             BlobExistsRequest, PushBlobRequest>;

// "chat", "generate", ... for logs.
const char* request_name(const Request& r);

} // namespace llmhost

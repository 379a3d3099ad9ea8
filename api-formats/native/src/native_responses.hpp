// Response translators for the native (Ollama) routes.
#pragma once

#include <memory>
#include <string>

#include "llmhost/format.hpp"
#include "native_wire.hpp"

namespace llmhost::native {

// /api/generate and /api/chat: NDJSON chunks then a final done object, or one JSON body.
std::unique_ptr<ResponseTranslator> make_generate_translator(const GenerateRequest& request, Clock clock);
std::unique_ptr<ResponseTranslator> make_chat_translator(const ChatRequest& request, Clock clock);

// Routes answered by one result event (or, for pull/create, by progress events).
enum class ResultRoute {
  embed,      // EmbedResult -> {model, embeddings, ...}
  embeddings, // EmbedResult -> {embedding}
  tags,       // ModelListResult
  show,       // ModelInfoResult
  ps,         // RunningModelsResult
  version,    // VersionResult
  empty,      // SuccessResult -> status with an empty body (copy, delete, blob upload)
  head,       // SuccessResult or error -> status with an empty body (HEAD /api/blobs)
};
std::unique_ptr<ResponseTranslator> make_result_translator(ResultRoute route, std::string model);

// /api/pull and /api/create: ProgressEvent lines as NDJSON, or the final status as one body.
std::unique_ptr<ResponseTranslator> make_progress_translator(bool stream);

} // namespace llmhost::native

// The one implementation of every common request, shared by all API formats.
#pragma once

#include "config/config.hpp"
#include "handlers/handler.hpp"
#include "runtime/model_manager.hpp"
#include "store/model_store.hpp"

namespace llmhost::handlers {

class CommonHandler final : public Handler {
 public:
  // `allow_paths`: model names may also be paths to GGUF files (the CLI's embedded host only;
  // never over HTTP).
  CommonHandler(const config::Config& cfg, store::ModelStore& store, runtime::ModelManager& models,
                bool allow_paths = false)
      : cfg_(cfg), store_(store), models_(models), allow_paths_(allow_paths) {}

  void handle(const Request& request, EventSink& sink) override;

 private:
  void chat(const ChatRequest& r, EventSink& sink);
  void generate(const GenerateRequest& r, EventSink& sink);
  void embed(const EmbedRequest& r, EventSink& sink);
  void tokenize(const TokenizeRequest& r, EventSink& sink);
  void detokenize(const DetokenizeRequest& r, EventSink& sink);
  void list_models(EventSink& sink);
  void show_model(const ShowModelRequest& r, EventSink& sink);
  void running_models(EventSink& sink);
  void pull_model(const PullModelRequest& r, EventSink& sink);
  void copy_model(const CopyModelRequest& r, EventSink& sink);
  void delete_model(const DeleteModelRequest& r, EventSink& sink);
  void create_model(const CreateModelRequest& r, EventSink& sink);
  void blob_exists(const BlobExistsRequest& r, EventSink& sink);
  void push_blob(const PushBlobRequest& r, EventSink& sink);

  // Resolves a client's model name; emits the error and returns nullopt when it fails.
  std::optional<store::ModelEntry> resolve(const std::string& name, EventSink& sink);

  const config::Config& cfg_;
  store::ModelStore& store_;
  runtime::ModelManager& models_;
  bool allow_paths_;
};

// Emits `status` as an ErrorEvent.
void emit_error(EventSink& sink, const Status& status);

} // namespace llmhost::handlers

// An in-process host for the CLI: plugins, store, loaded models and the common handler, without
// HTTP. Model names may be GGUF paths here.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "handlers/common_handler.hpp"
#include "plugins/plugin_loader.hpp"
#include "runtime/model_manager.hpp"
#include "store/model_store.hpp"

namespace llmhost::cli {

struct Embedded {
  config::Config cfg;
  std::unique_ptr<plugins::PluginSet> plugins;
  std::unique_ptr<store::ModelStore> store;
  std::unique_ptr<runtime::ModelManager> models;
  std::unique_ptr<handlers::CommonHandler> handler;

  ~Embedded();
};

Result<std::unique_ptr<Embedded>> start_embedded(const config::Config& cfg);

} // namespace llmhost::cli

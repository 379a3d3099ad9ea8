// Loaded models: loads a model on first use on the preferred backend that can run it, keeps it
// for its keep_alive after the last request, evicts idle models beyond `max_loaded`, and
// answers /api/ps.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "engine/gguf/gguf_file.hpp"
#include "engine/model/model.hpp"
#include "engine/model/scheduler.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "llmhost/requests.hpp"
#include "plugins/plugin_loader.hpp"
#include "store/model_store.hpp"

namespace llmhost::runtime {

struct LoadedModel {
  store::ModelEntry entry;
  std::shared_ptr<const gguf::File> file;
  std::unique_ptr<tok::Tokenizer> tokenizer;
  std::string chat_template;          // the override, else the GGUF's tokenizer.chat_template
  std::string system;                 // default system prompt (manifest / config override)
  std::map<std::string, std::string> parameters; // manifest parameters, config overrides on top
  std::shared_ptr<engine::Model> model;
  std::unique_ptr<engine::Scheduler> scheduler;
  std::string backend;
  std::string device;
  int n_ctx = 0;                      // per slot
  uint64_t size_bytes = 0;            // weights + KV cache

  // Guarded by the manager's mutex.
  int in_use = 0;
  std::chrono::steady_clock::time_point expires;
  std::chrono::system_clock::time_point expires_wall;
};

class ModelManager;

// Holds a model loaded while a request uses it.
class Lease {
 public:
  Lease(ModelManager& manager, std::shared_ptr<LoadedModel> model, KeepAlive keep_alive)
      : manager_(&manager), model_(std::move(model)), keep_alive_(keep_alive) {}
  Lease(Lease&& other) noexcept
      : manager_(std::exchange(other.manager_, nullptr)), model_(std::move(other.model_)), keep_alive_(other.keep_alive_) {}
  Lease(const Lease&) = delete;
  ~Lease();
  LoadedModel& operator*() const { return *model_; }
  LoadedModel* operator->() const { return model_.get(); }

 private:
  ModelManager* manager_;
  std::shared_ptr<LoadedModel> model_;
  KeepAlive keep_alive_;
};

struct RunningInfo {
  store::ModelEntry entry;
  std::string backend, device;
  int n_ctx = 0;
  uint64_t size_bytes = 0;
  std::chrono::system_clock::time_point expires_at;
};

class ModelManager {
 public:
  ModelManager(config::ModelsConfig cfg, plugins::PluginSet& plugins);
  ~ModelManager();

  // The model loaded and held for the caller; `load_ns` receives the time spent loading (0
  // when it was resident).
  Result<Lease> acquire(const store::ModelEntry& entry, KeepAlive keep_alive, int64_t* load_ns = nullptr);
  // Unloads now when idle (keep_alive 0); otherwise when its last request ends.
  void unload(const std::string& key);
  std::vector<RunningInfo> running() const;
  // Backends in the order models are placed on them.
  std::vector<std::string> backend_order() const;

 private:
  friend class Lease;
  void release(const std::shared_ptr<LoadedModel>& model, KeepAlive keep_alive);
  Result<std::shared_ptr<LoadedModel>> load(const store::ModelEntry& entry);
  bool evict_one_idle_locked();
  void reap();

  config::ModelsConfig cfg_;
  plugins::PluginSet& plugins_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::mutex load_mu_; // one load at a time
  std::map<std::string, std::shared_ptr<LoadedModel>> loaded_; // by ModelRef::key()
  bool stopping_ = false;
  std::thread reaper_;
};

} // namespace llmhost::runtime

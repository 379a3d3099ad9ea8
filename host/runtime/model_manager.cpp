#include "runtime/model_manager.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace llmhost::runtime {
namespace {

using Clock = std::chrono::steady_clock;

int64_t ns_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

} // namespace

Lease::~Lease() {
  if (manager_ && model_) manager_->release(model_, keep_alive_);
}

ModelManager::ModelManager(config::ModelsConfig cfg, plugins::PluginSet& plugins)
    : cfg_(std::move(cfg)), plugins_(plugins), reaper_([this] { reap(); }) {}

ModelManager::~ModelManager() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  reaper_.join();
  std::lock_guard lock(mu_);
  loaded_.clear(); // schedulers join their workers; weights free before the plugins unload
}

std::vector<std::string> ModelManager::backend_order() const {
  std::vector<std::string> order;
  const auto names = plugins_.backend_names();
  if (std::find(names.begin(), names.end(), cfg_.default_backend) != names.end()) order.push_back(cfg_.default_backend);
  for (const auto& n : names)
    if (n != cfg_.default_backend) order.push_back(n);
  return order;
}

Result<std::shared_ptr<LoadedModel>> ModelManager::load(const store::ModelEntry& entry) {
  auto file = gguf::File::open(entry.gguf_path);
  if (!file) return Status::error(file.status().code == ErrorCode::not_found ? ErrorCode::not_found : ErrorCode::invalid_request,
                                  "model '" + entry.ref.full() + "': " + file.status().message);
  auto lm = std::make_shared<LoadedModel>();
  lm->entry = entry;
  lm->file = file.value();

  auto vocab = tok::vocab_from_gguf(*lm->file);
  if (!vocab) return Status::error(ErrorCode::unsupported, "model '" + entry.ref.full() + "': " + vocab.status().message);
  auto tokenizer = tok::Tokenizer::create(std::move(vocab.value()));
  if (!tokenizer) return Status::error(ErrorCode::unsupported, "model '" + entry.ref.full() + "': " + tokenizer.status().message);
  lm->tokenizer = std::move(tokenizer.value());

  lm->parameters = entry.parameters;
  lm->chat_template = entry.template_override;
  lm->system = entry.system;
  if (auto it = cfg_.overrides.find(entry.ref.full()); it != cfg_.overrides.end()) {
    if (!it->second.template_text.empty()) lm->chat_template = it->second.template_text;
    if (!it->second.system.empty()) lm->system = it->second.system;
    for (const auto& [k, v] : it->second.parameters) lm->parameters[k] = v;
  }
  if (lm->chat_template.empty())
    if (auto t = lm->file->get_string("tokenizer.chat_template")) lm->chat_template = std::string(*t);

  auto hp = engine::read_hparams(*lm->file);
  if (!hp) return Status::error(ErrorCode::unsupported, "model '" + entry.ref.full() + "': " + hp.status().message);

  std::string failures;
  for (const auto& backend_name : backend_order()) {
    BackendPlugin* backend = plugins_.backend(backend_name);
    if (!backend || backend->device_count() == 0) {
      failures += "\n  " + backend_name + ": no device";
      continue;
    }
    Device* device = backend->device(0);
    engine::SchedulerConfig sc;
    sc.n_slots = cfg_.parallel;
    sc.n_batch = cfg_.batch;
    sc.max_queue = cfg_.max_queue;
    sc.kv_type = cfg_.kv_type == "f32" ? TensorType::F32 : TensorType::F16;
    sc.n_ctx = static_cast<int32_t>(hp->n_ctx_train > 0 ? std::min<int64_t>(cfg_.context_length, hp->n_ctx_train) : cfg_.context_length);
    // The memory check counts the KV cache the scheduler allocates next.
    engine::LoadOptions load_options;
    load_options.reserve_bytes = engine::KvCache::bytes_needed(hp.value(), {sc.n_slots, sc.n_ctx, sc.kv_type});
    auto model = engine::Model::load(lm->file, *device, load_options);
    if (!model) {
      spdlog::warn("model '{}' cannot run on backend {}: {}", entry.ref.full(), backend_name, model.status().message);
      failures += "\n  " + backend_name + ": " + model.status().message;
      continue;
    }
    auto scheduler = engine::Scheduler::create(model.value(), sc);
    if (!scheduler) {
      failures += "\n  " + backend_name + ": " + scheduler.status().message;
      continue;
    }
    lm->model = model.value();
    lm->scheduler = std::move(scheduler.value());
    lm->backend = backend_name;
    lm->device = device->info().name;
    lm->n_ctx = sc.n_ctx;
    lm->size_bytes = lm->model->weight_bytes();
    return lm;
  }
  if (failures.empty()) failures = "\n  no backend plugin is loaded";
  return Status::error(ErrorCode::unsupported, "model '" + entry.ref.full() + "' could not be loaded on any backend:" + failures);
}

bool ModelManager::evict_one_idle_locked() {
  auto victim = loaded_.end();
  for (auto it = loaded_.begin(); it != loaded_.end(); ++it)
    if (it->second->in_use == 0 && (victim == loaded_.end() || it->second->expires < victim->second->expires)) victim = it;
  if (victim == loaded_.end()) return false;
  spdlog::info("unloading model '{}' to make room", victim->second->entry.ref.full());
  loaded_.erase(victim);
  return true;
}

Result<Lease> ModelManager::acquire(const store::ModelEntry& entry, KeepAlive keep_alive, int64_t* load_ns) {
  const std::string key = entry.ref.key();
  if (load_ns) *load_ns = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = loaded_.find(key); it != loaded_.end() && it->second->entry.gguf_path == entry.gguf_path) {
      ++it->second->in_use;
      return Lease(*this, it->second, keep_alive);
    }
  }
  std::lock_guard load_lock(load_mu_);
  {
    std::unique_lock lock(mu_);
    if (auto it = loaded_.find(key); it != loaded_.end()) {
      if (it->second->entry.gguf_path == entry.gguf_path) {
        ++it->second->in_use;
        return Lease(*this, it->second, keep_alive);
      }
      loaded_.erase(it); // the name now points to another file
    }
    while (static_cast<int>(loaded_.size()) >= cfg_.max_loaded) {
      if (evict_one_idle_locked()) continue;
      if (!cv_.wait_for(lock, std::chrono::seconds(60), [&] {
            return stopping_ || static_cast<int>(loaded_.size()) < cfg_.max_loaded ||
                   std::any_of(loaded_.begin(), loaded_.end(), [](const auto& kv) { return kv.second->in_use == 0; });
          }))
        return Status::error(ErrorCode::overloaded, "all loaded models are busy (max_loaded = " + std::to_string(cfg_.max_loaded) + ")");
      if (stopping_) return Status::error(ErrorCode::overloaded, "server is shutting down");
    }
  }
  const auto t0 = Clock::now();
  auto loaded = load(entry);
  if (!loaded) return loaded.status();
  if (load_ns) *load_ns = ns_since(t0);
  spdlog::info("loaded model '{}' on {} ({}) in {:.2f}s, context {} x {} slots", entry.ref.full(), loaded.value()->backend,
               loaded.value()->device, static_cast<double>(ns_since(t0)) / 1e9, loaded.value()->n_ctx, cfg_.parallel);
  std::lock_guard lock(mu_);
  auto lm = loaded.value();
  lm->in_use = 1;
  loaded_[key] = lm;
  return Lease(*this, lm, keep_alive);
}

void ModelManager::release(const std::shared_ptr<LoadedModel>& model, KeepAlive keep_alive) {
  std::lock_guard lock(mu_);
  --model->in_use;
  const int64_t ms = keep_alive.value_or(cfg_.keep_alive_ms);
  if (ms < 0) {
    model->expires = Clock::time_point::max();
    model->expires_wall = std::chrono::system_clock::time_point::max();
  } else {
    model->expires = Clock::now() + std::chrono::milliseconds(ms);
    model->expires_wall = std::chrono::system_clock::now() + std::chrono::milliseconds(ms);
  }
  cv_.notify_all();
}

void ModelManager::unload(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = loaded_.find(key);
  if (it == loaded_.end()) return;
  it->second->expires = Clock::now();
  cv_.notify_all();
}

void ModelManager::reap() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::vector<std::shared_ptr<LoadedModel>> expired;
    auto next = Clock::time_point::max();
    for (auto it = loaded_.begin(); it != loaded_.end();) {
      auto& m = *it->second;
      if (m.in_use == 0 && m.expires <= Clock::now()) {
        spdlog::info("unloading model '{}' (keep_alive expired)", m.entry.ref.full());
        expired.push_back(it->second);
        it = loaded_.erase(it);
        continue;
      }
      if (m.in_use == 0) next = std::min(next, m.expires);
      ++it;
    }
    if (!expired.empty()) {
      lock.unlock();
      expired.clear(); // free weights and KV cache outside the lock
      lock.lock();
      cv_.notify_all();
      continue;
    }
    if (next == Clock::time_point::max())
      cv_.wait(lock);
    else
      cv_.wait_until(lock, next);
  }
}

std::vector<RunningInfo> ModelManager::running() const {
  std::lock_guard lock(mu_);
  std::vector<RunningInfo> out;
  for (const auto& [key, m] : loaded_)
    out.push_back({m->entry, m->backend, m->device, m->n_ctx, m->size_bytes, m->expires_wall});
  return out;
}

} // namespace llmhost::runtime

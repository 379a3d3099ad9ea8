#include "engine/model/kv_cache.hpp"

#include <string>

namespace llmhost::engine {

namespace {
TensorDesc cache_desc(const HParams& hp, const KvCacheConfig& c) {
  return TensorDesc{c.type, {hp.kv_width(), int64_t{c.n_slots} * c.n_ctx, 1, 1}};
}
} // namespace

uint64_t KvCache::bytes_needed(const HParams& hp, const KvCacheConfig& config) {
  return 2 * static_cast<uint64_t>(hp.n_layer) * cache_desc(hp, config).bytes();
}

Result<std::unique_ptr<KvCache>> KvCache::create(Device& device, const HParams& hp, const KvCacheConfig& config) {
  if (config.type != TensorType::F16 && config.type != TensorType::F32)
    return Status::error(ErrorCode::unsupported,
                         "KV cache type " + std::string(type_name(config.type)) + " is not supported (use F16 or F32)");
  if (config.n_slots < 1 || config.n_ctx < 1)
    return Status::error(ErrorCode::invalid_request, "KV cache needs at least one slot and one cell per slot");

  std::unique_ptr<KvCache> cache(new KvCache());
  cache->config_ = config;
  cache->desc_ = cache_desc(hp, config);
  const size_t bytes = cache->desc_.bytes();
  for (int64_t l = 0; l < hp.n_layer; ++l) {
    for (auto* list : {&cache->k_, &cache->v_}) {
      auto buf = device.allocate(bytes, BufferUsage::kv_cache);
      if (!buf)
        return Status::error(buf.status().code, "allocating the KV cache (" + std::to_string(bytes >> 20) +
                                                    " MiB per tensor): " + buf.status().message);
      list->push_back(std::move(buf.value()));
    }
  }
  return cache;
}

} // namespace llmhost::engine

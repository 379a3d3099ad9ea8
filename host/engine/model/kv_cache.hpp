// The KV cache: for every layer, one K and one V tensor of [kv_width, n_slots * n_ctx] cells on
// the device. Slot s owns cells [s * n_ctx, (s + 1) * n_ctx); a token at position p of slot s
// lives in cell s * n_ctx + p.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/model/hparams.hpp"
#include "llmhost/backend.hpp"

namespace llmhost::engine {

struct KvCacheConfig {
  int32_t n_slots = 1;
  int32_t n_ctx = 2048;              // cells per slot
  TensorType type = TensorType::F16; // F16 or F32
};

class KvCache {
 public:
  // Device bytes a cache of this shape takes (for the load-time memory check).
  static uint64_t bytes_needed(const HParams& hp, const KvCacheConfig& config);
  static Result<std::unique_ptr<KvCache>> create(Device& device, const HParams& hp, const KvCacheConfig& config);

  int32_t n_slots() const { return config_.n_slots; }
  int32_t n_ctx() const { return config_.n_ctx; }
  TensorType type() const { return config_.type; }
  int32_t cell(int32_t slot, int32_t pos) const { return slot * config_.n_ctx + pos; }
  // Shape of one layer's K (or V) tensor: [kv_width, n_slots * n_ctx].
  TensorDesc layer_desc() const { return desc_; }
  Buffer& k(size_t layer) { return *k_[layer]; }
  Buffer& v(size_t layer) { return *v_[layer]; }

 private:
  KvCache() = default;

  KvCacheConfig config_;
  TensorDesc desc_;
  std::vector<std::unique_ptr<Buffer>> k_, v_;
};

} // namespace llmhost::engine

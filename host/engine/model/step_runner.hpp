// Runs model steps: owns the KV cache and an execution context for one model, checks batches,
// builds and computes each step's graph and reads back the wanted logits. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/model/batch.hpp"
#include "engine/model/kv_cache.hpp"
#include "engine/model/model.hpp"

namespace llmhost::engine {

// Logits of the batch tokens that asked for them, in batch order.
struct Logits {
  int64_t n_vocab = 0;
  std::vector<float> data;

  size_t rows() const { return n_vocab ? data.size() / static_cast<size_t>(n_vocab) : 0; }
  std::span<const float> row(size_t i) const {
    return std::span<const float>(data).subspan(i * static_cast<size_t>(n_vocab), static_cast<size_t>(n_vocab));
  }
};

class StepRunner {
 public:
  static Result<std::unique_ptr<StepRunner>> create(std::shared_ptr<const Model> model, const KvCacheConfig& kv);

  // Computes one step. Errors: invalid_request for a token id, slot or position out of range.
  Result<Logits> decode(const Batch& batch);

  const Model& model() const { return *model_; }
  std::shared_ptr<const Model> model_ptr() const { return model_; }
  const KvCache& cache() const { return *cache_; }

 private:
  StepRunner() = default;

  std::shared_ptr<const Model> model_;
  std::unique_ptr<KvCache> cache_;
  std::unique_ptr<ExecutionContext> context_;
};

// Synchronous helper for tests and tools: feeds `tokens` (one sequence, from position 0) through
// a fresh single-slot cache and returns the logits of the last token.
Result<std::vector<float>> eval_logits(std::shared_ptr<const Model> model, std::span<const int32_t> tokens,
                                       TensorType kv_type = TensorType::F32);

} // namespace llmhost::engine

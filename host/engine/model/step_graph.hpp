// Builds the op graph of one model step over a batch (llama, qwen2, qwen3).
#pragma once

#include "engine/model/batch.hpp"
#include "engine/model/kv_cache.hpp"
#include "engine/model/model.hpp"
#include "llmhost/graph.hpp"

namespace llmhost::engine {

struct StepGraph {
  Graph graph;
  TensorId logits = kNoTensor; // F32 [n_vocab, n_logits], rows in batch order of the wanted tokens
  int64_t n_logits = 0;
};

// The batch must be valid for the cache (slot < n_slots, pos < n_ctx, ids < n_vocab); the
// caller (StepRunner) checks it. Writes the batch's K/V into the cache when computed.
StepGraph build_step_graph(const Model& model, KvCache& cache, const Batch& batch);

} // namespace llmhost::engine

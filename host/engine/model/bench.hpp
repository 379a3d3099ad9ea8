// Throughput measurement like llama-bench: prompt processing (one batch of n_prompt tokens)
// and text generation (n_gen single-token steps), in tokens per second.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model/model.hpp"

namespace llmhost::engine {

struct BenchOptions {
  int32_t n_prompt = 512;
  int32_t n_gen = 128;
  int32_t reps = 5;
  TensorType kv_type = TensorType::F16;
};

struct BenchStat {
  double mean_tps = 0;
  double stddev_tps = 0;
  std::vector<double> samples_tps;
};

struct BenchResult {
  BenchOptions options;
  BenchStat pp; // empty when n_prompt == 0
  BenchStat tg; // empty when n_gen == 0
};

// Runs one warm-up, then `reps` measured repetitions of each test on a fresh single-slot cache.
Result<BenchResult> bench(const Model& model, const BenchOptions& options);

} // namespace llmhost::engine

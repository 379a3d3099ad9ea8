// Sampling settings for one generation, and how a request's Options fill them in.
#pragma once

#include <cstdint>
#include <map>

#include "llmhost/requests.hpp"

namespace llmhost::sampling {

struct SamplerConfig {
  float temperature = 0.8f;      // <= 0: greedy argmax
  int top_k = 40;                // <= 0: disabled
  float top_p = 0.9f;            // >= 1: disabled
  float min_p = 0.0f;            // <= 0: disabled
  float typical_p = 1.0f;        // >= 1: disabled
  int repeat_last_n = 64;        // 0: no penalties; -1: the whole history
  float repeat_penalty = 1.1f;   // 1: disabled
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  uint64_t seed = 0;
  bool random_seed = true;       // true: seed from std::random_device, ignoring `seed`
  std::map<int32_t, float> logit_bias;
  int top_logprobs = 0;
  bool logprobs = false;
};

// A client seed of -1 (as Ollama and llama.cpp use it) asks for a random seed.
inline constexpr uint64_t kRandomSeed = UINT64_MAX;

// `defaults` with every field the client set in `options` applied on top. logit_bias entries
// from the options replace the defaults' entry for the same token.
SamplerConfig config_from_options(const llmhost::Options& options, SamplerConfig defaults);

} // namespace llmhost::sampling

// Picks the next token from a step's logits. The chain follows llama.cpp's common sampler:
// logit bias, penalties (repeat, presence, frequency over the last repeat_last_n tokens), then
// greedy when temperature <= 0, else top_k -> typical_p -> top_p -> min_p -> temperature ->
// softmax -> a draw from std::mt19937_64 (same seed, same sequence).
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "engine/sampler/candidates.hpp"
#include "engine/sampler/sampler_config.hpp"
#include "llmhost/events.hpp"

namespace llmhost::sampling {

class Sampler {
 public:
  explicit Sampler(SamplerConfig config);

  // The next token. When `out` is given and the config asks for logprobs (logprobs or
  // top_logprobs > 0), fills it with the chosen token's logprob and the top_logprobs best
  // tokens (log-softmax of the logits after bias and penalties, before truncation); text
  // fields are left for the caller. Empty logits return -1.
  int32_t sample(std::span<const float> logits, llmhost::TokenChoiceLogprobs* out = nullptr);

  // Records a token (prompt or generated) for the penalties.
  void accept(int32_t token);
  // Forgets the history, then accepts `history`. The random sequence is not restarted.
  void reset(std::span<const int32_t> history = {});

  const SamplerConfig& config() const { return config_; }

 private:
  void apply_bias_and_penalties(std::vector<float>& logits) const;
  void fill_logprobs(const std::vector<float>& logits, int32_t chosen,
                     llmhost::TokenChoiceLogprobs& out) const;
  int32_t draw(std::vector<Candidate>& candidates);

  SamplerConfig config_;
  std::mt19937_64 rng_;
  std::vector<int32_t> history_;
  std::vector<float> scratch_;          // logits after bias and penalties
  std::vector<Candidate> candidates_;
};

} // namespace llmhost::sampling

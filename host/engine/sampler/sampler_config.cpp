#include "engine/sampler/sampler_config.hpp"

namespace llmhost::sampling {

namespace {
template <typename T, typename U>
void apply(const std::optional<T>& value, U& field) {
  if (value) field = static_cast<U>(*value);
}
} // namespace

SamplerConfig config_from_options(const llmhost::Options& options, SamplerConfig cfg) {
  apply(options.temperature, cfg.temperature);
  apply(options.top_k, cfg.top_k);
  apply(options.top_p, cfg.top_p);
  apply(options.min_p, cfg.min_p);
  apply(options.typical_p, cfg.typical_p);
  apply(options.repeat_last_n, cfg.repeat_last_n);
  apply(options.repeat_penalty, cfg.repeat_penalty);
  apply(options.presence_penalty, cfg.presence_penalty);
  apply(options.frequency_penalty, cfg.frequency_penalty);
  if (options.seed) {
    cfg.random_seed = *options.seed == kRandomSeed;
    cfg.seed = *options.seed;
  }
  for (const auto& [token, bias] : options.logit_bias) cfg.logit_bias[token] = bias;
  if (options.logprobs) cfg.logprobs = true;
  if (options.top_logprobs > 0) cfg.top_logprobs = options.top_logprobs;
  return cfg;
}

} // namespace llmhost::sampling

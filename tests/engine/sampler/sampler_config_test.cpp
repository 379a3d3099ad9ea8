#include "engine/sampler/sampler_config.hpp"

#include <gtest/gtest.h>

namespace llmhost::sampling {
namespace {

TEST(SamplerConfig, AppliesOnlyFieldsThatAreSet) {
  SamplerConfig defaults;
  defaults.top_k = 17;
  defaults.logit_bias = {{1, 2.0f}, {2, 3.0f}};
  Options o;
  o.temperature = 0.0f;
  o.top_p = 0.5f;
  o.logit_bias = {{2, -1.0f}};
  o.top_logprobs = 4;
  const auto cfg = config_from_options(o, defaults);
  EXPECT_EQ(cfg.temperature, 0.0f);
  EXPECT_EQ(cfg.top_p, 0.5f);
  EXPECT_EQ(cfg.top_k, 17);
  EXPECT_EQ(cfg.repeat_penalty, defaults.repeat_penalty);
  EXPECT_EQ(cfg.logit_bias.at(1), 2.0f);
  EXPECT_EQ(cfg.logit_bias.at(2), -1.0f);
  EXPECT_EQ(cfg.top_logprobs, 4);
  EXPECT_TRUE(cfg.random_seed);
}

TEST(SamplerConfig, SeedFixesTheSequenceMinusOneIsRandom) {
  Options o;
  o.seed = 5;
  auto cfg = config_from_options(o, {});
  EXPECT_FALSE(cfg.random_seed);
  EXPECT_EQ(cfg.seed, 5u);
  o.seed = kRandomSeed;
  EXPECT_TRUE(config_from_options(o, {}).random_seed);
}

} // namespace
} // namespace llmhost::sampling

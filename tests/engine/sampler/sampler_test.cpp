#include "engine/sampler/sampler.hpp"

#include <cmath>
#include <map>
#include <vector>

#include <gtest/gtest.h>

namespace llmhost::sampling {
namespace {

// A config with every filter and penalty off, so a test turns on only what it checks.
SamplerConfig plain(float temperature = 1.0f, uint64_t seed = 42) {
  SamplerConfig c;
  c.temperature = temperature;
  c.top_k = 0;
  c.top_p = 1.0f;
  c.min_p = 0.0f;
  c.typical_p = 1.0f;
  c.repeat_penalty = 1.0f;
  c.seed = seed;
  c.random_seed = false;
  return c;
}

std::vector<float> log_probs(const std::vector<double>& p) {
  std::vector<float> out;
  for (double x : p) out.push_back(static_cast<float>(std::log(x)));
  return out;
}

// How often each token is drawn in n draws.
std::map<int32_t, int> histogram(Sampler& s, const std::vector<float>& logits, int n) {
  std::map<int32_t, int> h;
  for (int i = 0; i < n; ++i) ++h[s.sample(logits)];
  return h;
}

TEST(Sampler, TemperatureZeroIsArgmaxWithLowestIdOnTies) {
  Sampler s(plain(0.0f));
  EXPECT_EQ(s.sample(std::vector<float>{1.0f, 3.0f, -2.0f, 3.0f}), 1);
  Sampler neg(plain(-1.0f));
  EXPECT_EQ(neg.sample(std::vector<float>{0.0f, 0.5f, 0.1f}), 1);
}

TEST(Sampler, TopKOneIsGreedy) {
  auto cfg = plain(5.0f);
  cfg.top_k = 1;
  Sampler s(cfg);
  const std::vector<float> logits{0.1f, 0.2f, 0.15f, 0.19f};
  for (int i = 0; i < 200; ++i) EXPECT_EQ(s.sample(logits), 1);
}

TEST(Sampler, EmptyLogits) {
  Sampler s(plain());
  EXPECT_EQ(s.sample({}), -1);
}

TEST(Sampler, DistributionMatchesSoftmax) {
  Sampler s(plain(1.0f, 7));
  const std::vector<double> p{0.1, 0.2, 0.3, 0.4};
  const int n = 40000;
  auto h = histogram(s, log_probs(p), n);
  for (int32_t t = 0; t < 4; ++t) {
    const double expected = p[static_cast<size_t>(t)];
    const double sigma = std::sqrt(expected * (1 - expected) / n);
    EXPECT_NEAR(double(h[t]) / n, expected, 5 * sigma) << "token " << t;
  }
}

TEST(Sampler, TemperatureSharpensAndFlattens) {
  const auto logits = log_probs({0.25, 0.75});
  Sampler cold(plain(0.5f, 3)); // p ~ [0.25^2, 0.75^2] normalized = [0.1, 0.9]
  Sampler hot(plain(100.0f, 3)); // nearly uniform
  const int n = 20000;
  EXPECT_NEAR(double(histogram(cold, logits, n)[1]) / n, 0.9, 0.02);
  EXPECT_NEAR(double(histogram(hot, logits, n)[1]) / n, 0.5, 0.03);
}

TEST(Sampler, TopPRestrictsDraws) {
  auto cfg = plain(1.0f, 11);
  cfg.top_p = 0.69f; // keeps tokens 3 (0.4) and 2 (0.3)
  Sampler s(cfg);
  auto h = histogram(s, log_probs({0.1, 0.2, 0.3, 0.4}), 5000);
  EXPECT_EQ(h[0] + h[1], 0);
  EXPECT_NEAR(double(h[3]) / 5000, 0.4 / 0.7, 0.03); // renormalized over the kept set
}

TEST(Sampler, MinPRestrictsDraws) {
  auto cfg = plain(1.0f, 12);
  cfg.min_p = 0.6f; // threshold 0.24: keeps 0.3 and 0.4
  Sampler s(cfg);
  auto h = histogram(s, log_probs({0.1, 0.2, 0.3, 0.4}), 3000);
  EXPECT_EQ(h[0] + h[1], 0);
  EXPECT_GT(h[2], 0);
  EXPECT_GT(h[3], 0);
}

TEST(Sampler, TypicalRestrictsDraws) {
  auto cfg = plain(1.0f, 13);
  cfg.typical_p = 0.25f; // drops the dominant 0.4 token (see candidates_test)
  Sampler s(cfg);
  std::vector<double> p{0.4};
  for (int i = 0; i < 6; ++i) p.push_back(0.1);
  auto h = histogram(s, log_probs(p), 2000);
  EXPECT_EQ(h[0], 0);
}

TEST(Sampler, TopKRestrictsDraws) {
  auto cfg = plain(1.0f, 14);
  cfg.top_k = 2;
  Sampler s(cfg);
  auto h = histogram(s, log_probs({0.1, 0.2, 0.3, 0.4}), 3000);
  EXPECT_EQ(h[0] + h[1], 0);
}

TEST(Sampler, LogitBiasBansAndForces) {
  auto cfg = plain(0.0f);
  cfg.logit_bias[1] = -INFINITY;
  Sampler banned(cfg);
  EXPECT_EQ(banned.sample(std::vector<float>{1.0f, 5.0f, 2.0f}), 2);

  auto hot = plain(1.0f, 5);
  hot.logit_bias[1] = -INFINITY;
  Sampler banned_hot(hot);
  auto h = histogram(banned_hot, {1.0f, 5.0f, 1.0f}, 500);
  EXPECT_EQ(h[1], 0);

  auto force = plain(1.0f, 6);
  force.logit_bias[0] = 100.0f;
  Sampler forced(force);
  EXPECT_EQ(histogram(forced, {1.0f, 5.0f, 2.0f}, 200)[0], 200);

  auto inf = plain(0.7f, 6);
  inf.logit_bias[2] = INFINITY;
  inf.logprobs = true;
  Sampler forced_inf(inf);
  TokenChoiceLogprobs lp;
  EXPECT_EQ(forced_inf.sample(std::vector<float>{1.0f, 5.0f, 2.0f}, &lp), 2);
  EXPECT_FALSE(std::isnan(lp.chosen.logprob));
}

TEST(Sampler, AllTokensBannedFallsBackToRawArgmax) {
  auto cfg = plain(1.0f);
  cfg.logit_bias = {{0, -INFINITY}, {1, -INFINITY}};
  Sampler s(cfg);
  EXPECT_EQ(s.sample(std::vector<float>{0.0f, 1.0f}), 1);
}

// The logits the sampler saw after penalties, read back through logprobs.
std::vector<float> penalized(const SamplerConfig& base, const std::vector<float>& logits,
                             const std::vector<int32_t>& history) {
  auto cfg = base;
  cfg.temperature = 0.0f;
  cfg.logprobs = true;
  cfg.top_logprobs = static_cast<int>(logits.size());
  Sampler s(cfg);
  s.reset(history);
  TokenChoiceLogprobs lp;
  s.sample(logits, &lp);
  // logprob differences equal logit differences: anchor on token 0 (never in history here).
  std::vector<float> out(logits.size());
  float anchor = 0.0f;
  for (const auto& t : lp.top)
    if (t.token == 0) anchor = t.logprob;
  for (const auto& t : lp.top) out[static_cast<size_t>(t.token)] = t.logprob - anchor + logits[0];
  return out;
}

TEST(Sampler, RepeatPenaltyDividesPositiveMultipliesNegative) {
  auto cfg = plain();
  cfg.repeat_penalty = 2.0f;
  cfg.repeat_last_n = 64;
  auto out = penalized(cfg, {0.5f, 4.0f, -1.0f, 3.0f}, {1, 2, 1});
  EXPECT_NEAR(out[1], 2.0f, 1e-4);   // 4 / 2, counted once however often it appeared
  EXPECT_NEAR(out[2], -2.0f, 1e-4);  // -1 * 2
  EXPECT_NEAR(out[3], 3.0f, 1e-4);   // untouched
}

TEST(Sampler, RepeatPenaltyOnlyCoversLastN) {
  auto cfg = plain();
  cfg.repeat_penalty = 2.0f;
  cfg.repeat_last_n = 2;
  auto out = penalized(cfg, {0.5f, 4.0f, 4.0f, 4.0f}, {1, 2, 3});
  EXPECT_NEAR(out[1], 4.0f, 1e-4); // outside the window
  EXPECT_NEAR(out[2], 2.0f, 1e-4);
  EXPECT_NEAR(out[3], 2.0f, 1e-4);
  cfg.repeat_last_n = 0;
  auto off = penalized(cfg, {0.5f, 4.0f, 4.0f, 4.0f}, {1, 2, 3});
  EXPECT_NEAR(off[2], 4.0f, 1e-4);
}

TEST(Sampler, PresenceAndFrequencyPenalties) {
  auto cfg = plain();
  cfg.presence_penalty = 0.5f;
  cfg.frequency_penalty = 0.25f;
  auto out = penalized(cfg, {0.5f, 4.0f, 4.0f, 4.0f}, {1, 1, 1, 2});
  EXPECT_NEAR(out[1], 4.0f - 0.5f - 3 * 0.25f, 1e-4);
  EXPECT_NEAR(out[2], 4.0f - 0.5f - 1 * 0.25f, 1e-4);
  EXPECT_NEAR(out[3], 4.0f, 1e-4);
}

TEST(Sampler, PenaltyChangesGreedyChoice) {
  auto cfg = plain(0.0f);
  cfg.repeat_penalty = 1.5f;
  Sampler s(cfg);
  const std::vector<float> logits{1.0f, 3.0f, 2.5f};
  EXPECT_EQ(s.sample(logits), 1);
  s.accept(1);
  EXPECT_EQ(s.sample(logits), 2); // 3 / 1.5 = 2 < 2.5
  s.reset();
  EXPECT_EQ(s.sample(logits), 1);
}

TEST(Sampler, SameSeedSameSequenceDifferentSeedsDiffer) {
  const std::vector<float> logits(50, 0.0f); // uniform over 50 tokens
  auto run = [&](uint64_t seed) {
    Sampler s(plain(1.0f, seed));
    std::vector<int32_t> seq;
    for (int i = 0; i < 32; ++i) seq.push_back(s.sample(logits));
    return seq;
  };
  EXPECT_EQ(run(1234), run(1234));
  EXPECT_NE(run(1234), run(1235));
}

TEST(Sampler, LogprobsSortedNormalizedAndIncludeChosen) {
  auto cfg = plain(1.0f, 9);
  cfg.logprobs = true;
  cfg.top_logprobs = 3;
  cfg.top_k = 2; // truncation must not change the reported distribution
  Sampler s(cfg);
  const auto logits = log_probs({0.1, 0.2, 0.3, 0.4});
  TokenChoiceLogprobs lp;
  const int32_t chosen = s.sample(logits, &lp);
  EXPECT_EQ(lp.chosen.token, chosen);
  ASSERT_EQ(lp.top.size(), 3u);
  EXPECT_EQ(lp.top[0].token, 3);
  EXPECT_EQ(lp.top[1].token, 2);
  EXPECT_EQ(lp.top[2].token, 1);
  EXPECT_NEAR(std::exp(lp.top[0].logprob), 0.4, 1e-5);
  EXPECT_NEAR(std::exp(lp.top[2].logprob), 0.2, 1e-5);
  EXPECT_NEAR(std::exp(lp.chosen.logprob), 0.1 * (chosen + 1), 1e-5);
  for (size_t i = 1; i < lp.top.size(); ++i) EXPECT_GE(lp.top[i - 1].logprob, lp.top[i].logprob);

  auto all = cfg;
  all.top_logprobs = 10; // more than the vocabulary
  Sampler s2(all);
  s2.sample(logits, &lp);
  ASSERT_EQ(lp.top.size(), 4u);
  double sum = 0;
  for (const auto& t : lp.top) sum += std::exp(t.logprob);
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

TEST(Sampler, LogprobsNotFilledWhenNotRequested) {
  Sampler s(plain(0.0f));
  TokenChoiceLogprobs lp;
  lp.chosen.token = -7;
  s.sample(std::vector<float>{0.0f, 1.0f}, &lp);
  EXPECT_EQ(lp.chosen.token, -7);
}

TEST(Sampler, LargeVocabularyDefaultChain) {
  // 150k-token vocabulary with the default chain: every draw lands among the top_k best
  // (no accept(): penalties would legitimately let others in).
  SamplerConfig cfg; // defaults: top_k 40, top_p 0.9, temperature 0.8
  cfg.random_seed = false;
  cfg.seed = 99;
  Sampler s(cfg);
  std::vector<float> logits(150000);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = static_cast<float>((i * 7919) % 150000) / 10000.0f;
  // The 40 best are those with (i * 7919) % 150000 >= 149960.
  for (int n = 0; n < 20; ++n) {
    const int32_t t = s.sample(logits);
    ASSERT_GE(t, 0);
    EXPECT_GE((static_cast<size_t>(t) * 7919) % 150000, 149960u);
  }
}

} // namespace
} // namespace llmhost::sampling

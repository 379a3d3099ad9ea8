#include "engine/sampler/candidates.hpp"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

namespace llmhost::sampling {
namespace {

std::vector<Candidate> from_probs(const std::vector<double>& probs) {
  std::vector<Candidate> c;
  for (size_t i = 0; i < probs.size(); ++i)
    c.push_back({static_cast<int32_t>(i), static_cast<float>(std::log(probs[i]))});
  return c;
}

std::vector<int32_t> ids(std::vector<Candidate> c) {
  std::vector<int32_t> out;
  for (const auto& x : c) out.push_back(x.id);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Candidates, SoftmaxNormalizes) {
  auto p = softmax(from_probs({0.1, 0.2, 0.3, 0.4}));
  EXPECT_NEAR(p[0], 0.1, 1e-6);
  EXPECT_NEAR(p[3], 0.4, 1e-6);
}

TEST(Candidates, TopKKeepsBestSorted) {
  auto c = from_probs({0.05, 0.4, 0.1, 0.3, 0.15});
  keep_top_k(c, 3);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].id, 1);
  EXPECT_EQ(c[1].id, 3);
  EXPECT_EQ(c[2].id, 4);
  auto all = from_probs({0.5, 0.5});
  keep_top_k(all, 0);
  EXPECT_EQ(all.size(), 2u);
}

TEST(Candidates, TopPKeepsSmallestSetReachingP) {
  // sorted: 0.4 (1), 0.3 (3), 0.15 (4), 0.1 (2), 0.05 (0)
  auto c = from_probs({0.05, 0.4, 0.1, 0.3, 0.15});
  keep_top_p(c, 0.69f);
  EXPECT_EQ(ids(c), (std::vector<int32_t>{1, 3})); // 0.4 + 0.3 >= 0.69
  c = from_probs({0.05, 0.4, 0.1, 0.3, 0.15});
  keep_top_p(c, 0.71f);
  EXPECT_EQ(ids(c), (std::vector<int32_t>{1, 3, 4}));
  c = from_probs({0.05, 0.4, 0.1, 0.3, 0.15});
  keep_top_p(c, 0.0f);
  EXPECT_EQ(ids(c), (std::vector<int32_t>{1})); // at least one
}

TEST(Candidates, TopPOnLargeVocabGrowsSortedPrefix) {
  // 20000 equal tokens: p = 0.5 needs 10000 of them, more than the first sorted chunk.
  std::vector<Candidate> c;
  for (int32_t i = 0; i < 20000; ++i) c.push_back({i, 0.0f});
  keep_top_p(c, 0.5f);
  EXPECT_NEAR(static_cast<double>(c.size()), 10000.0, 1.0);
  EXPECT_EQ(c.front().id, 0); // ties rank by lower id
}

TEST(Candidates, MinPDropsTokensBelowFractionOfBest) {
  auto c = from_probs({0.5, 0.26, 0.24});
  keep_min_p(c, 0.5f); // threshold 0.25
  EXPECT_EQ(ids(c), (std::vector<int32_t>{0, 1}));
}

TEST(Candidates, TypicalKeepsTokensNearEntropy) {
  // One dominant token (low surprise, far below the entropy) and many mid-probability ones:
  // typical sampling prefers the mid ones, unlike top-p which would keep the dominant one.
  // Entropy 1.75 nats; surprise of the 0.4 token 0.92, of each 0.1 token 2.30.
  std::vector<double> probs{0.4};
  for (int i = 0; i < 6; ++i) probs.push_back(0.1);
  auto c = from_probs(probs);
  keep_typical(c, 0.25f);
  ASSERT_EQ(c.size(), 3u); // 3 * 0.1 >= 0.25
  for (const auto& x : c) EXPECT_NE(x.id, 0);
  c = from_probs(probs);
  keep_typical(c, 1.0f);
  EXPECT_EQ(c.size(), 7u);
}

} // namespace
} // namespace llmhost::sampling

#include <gtest/gtest.h>

#include "engine/model/prompt_fit.hpp"

namespace llmhost::engine {
namespace {

TEST(PromptFit, KeepsAPromptThatFits) {
  const std::vector<int32_t> p{1, 5, 7};
  auto r = fit_prompt(p, 3, 10, false, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, p);
}

TEST(PromptFit, RefusesEmptyOutOfVocabularyAndTooLong) {
  EXPECT_EQ(fit_prompt({}, 8, 10, false, 0).status().code, ErrorCode::invalid_request);
  const std::vector<int32_t> bad{1, 10};
  EXPECT_EQ(fit_prompt(bad, 8, 10, false, 0).status().code, ErrorCode::invalid_request);
  const std::vector<int32_t> negative{-1};
  EXPECT_EQ(fit_prompt(negative, 8, 10, false, 0).status().code, ErrorCode::invalid_request);
  const std::vector<int32_t> long_prompt(9, 1);
  auto r = fit_prompt(long_prompt, 8, 10, false, 0);
  EXPECT_EQ(r.status().code, ErrorCode::invalid_request);
  EXPECT_NE(r.status().message.find("9 tokens"), std::string::npos);
}

TEST(PromptFit, TruncationKeepsTheHeadAndTheTail) {
  std::vector<int32_t> p;
  for (int32_t i = 0; i < 20; ++i) p.push_back(i);
  auto r = fit_prompt(p, 10, 100, true, 2);
  ASSERT_TRUE(r);
  // 2 kept + half of the remaining 8 cells from the tail.
  EXPECT_EQ(*r, (std::vector<int32_t>{0, 1, 16, 17, 18, 19}));
  auto no_keep = fit_prompt(p, 10, 100, true, 0);
  ASSERT_TRUE(no_keep);
  EXPECT_EQ(*no_keep, (std::vector<int32_t>{15, 16, 17, 18, 19}));
}

TEST(PromptFit, CommonPrefix) {
  const std::vector<int32_t> a{1, 2, 3, 4}, b{1, 2, 9}, c{};
  EXPECT_EQ(common_prefix(a, b), 2u);
  EXPECT_EQ(common_prefix(a, a), 4u);
  EXPECT_EQ(common_prefix(a, c), 0u);
}

} // namespace
} // namespace llmhost::engine

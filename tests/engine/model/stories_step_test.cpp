// stories260K through the step runner: logits and greedy tokens against llama2.c's reference,
// several sequences in one batch against one at a time.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "cpu_device.hpp"
#include "engine/model/bench.hpp"
#include "engine/model/step_runner.hpp"
#include "stories_reference.hpp"

namespace llmhost::engine {
namespace {

using testing::kStoriesBos;
using testing::kStoriesEos;
using testing::kStoriesPredict;

int32_t argmax(std::span<const float> v) {
  return static_cast<int32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

bool is_end(int32_t t) { return t == kStoriesBos || t == kStoriesEos; }

class StoriesStep : public ::testing::Test {
 protected:
  void SetUp() override {
    LLMHOST_REQUIRE_TESTDATA();
    runs_ = testing::load_reference_runs();
    model_ = testing::load_model(testing::stories_model_path());
    ASSERT_TRUE(model_);
  }

  // Greedy generation for several sequences at once, one slot each: all prompts in one batch,
  // then one batch per step with a decode token of every unfinished sequence.
  std::vector<std::vector<int32_t>> greedy_batched(const std::vector<testing::ReferenceRun>& runs,
                                                   TensorType kv_type = TensorType::F32) {
    auto runner = StepRunner::create(model_, KvCacheConfig{static_cast<int32_t>(runs.size()), 128, kv_type});
    EXPECT_TRUE(runner) << runner.status().message;
    if (!runner) return {};
    Batch batch;
    for (size_t s = 0; s < runs.size(); ++s) {
      const auto& p = runs[s].prompt_ids;
      for (size_t i = 0; i < p.size(); ++i) batch.add(p[i], int32_t(i), int32_t(s), i + 1 == p.size());
    }
    std::vector<std::vector<int32_t>> out(runs.size());
    std::vector<bool> done(runs.size(), false);
    while (true) {
      auto logits = (*runner)->decode(batch);
      EXPECT_TRUE(logits) << logits.status().message;
      if (!logits) return {};
      Batch next;
      for (size_t row = 0, k = 0; k < batch.size(); ++k) {
        const BatchToken& t = batch.tokens[k];
        if (!t.logits) continue;
        const auto s = static_cast<size_t>(t.slot);
        const int32_t tok = argmax(logits->row(row++));
        if (is_end(tok) || out[s].size() + 1 > size_t(kStoriesPredict)) {
          done[s] = true;
          continue;
        }
        out[s].push_back(tok);
        if (out[s].size() == size_t(kStoriesPredict)) {
          done[s] = true;
          continue;
        }
        next.add(tok, t.pos + 1, t.slot, true);
      }
      if (next.empty()) break;
      batch = std::move(next);
    }
    return out;
  }

  std::vector<testing::ReferenceRun> runs_;
  std::shared_ptr<const Model> model_;
};

TEST_F(StoriesStep, HyperParametersComeFromMetadata) {
  const HParams& hp = model_->hparams();
  EXPECT_EQ(hp.arch, Architecture::llama);
  EXPECT_EQ(hp.n_vocab, 512);
  EXPECT_EQ(hp.n_embd, 64);
  EXPECT_EQ(hp.n_layer, 5);
  EXPECT_EQ(hp.n_head, 8);
  EXPECT_EQ(hp.n_head_kv, 4);
  EXPECT_EQ(hp.head_dim, 8);
  EXPECT_EQ(hp.n_ff, 172);
  EXPECT_EQ(hp.rope_mode, kRopeNormal);
  EXPECT_FALSE(model_->output().name.empty());
}

TEST_F(StoriesStep, LastPromptLogitsMatchReference) {
  for (const auto& run : runs_) {
    auto logits = eval_logits(model_, run.prompt_ids);
    ASSERT_TRUE(logits) << logits.status().message;
    ASSERT_EQ(logits->size(), run.last_prompt_logits.size());
    float worst = 0;
    for (size_t i = 0; i < logits->size(); ++i) worst = std::max(worst, std::fabs((*logits)[i] - run.last_prompt_logits[i]));
    EXPECT_LT(worst, 1e-3f) << "prompt of " << run.prompt_ids.size() << " tokens";
  }
}

TEST_F(StoriesStep, GreedyDecodingReproducesReferenceOneSequenceAtATime) {
  for (const auto& run : runs_) {
    const auto out = greedy_batched({run});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], run.greedy_ids) << "prompt of " << run.prompt_ids.size() << " tokens";
  }
}

TEST_F(StoriesStep, FourSequencesInOneBatchMatchOneByOne) {
  const std::vector<testing::ReferenceRun> four(runs_.begin() + 1, runs_.begin() + 5);
  const auto batched = greedy_batched(four);
  ASSERT_EQ(batched.size(), 4u);
  for (size_t i = 0; i < four.size(); ++i) {
    EXPECT_EQ(batched[i], greedy_batched({four[i]})[0]) << "sequence " << i;
    EXPECT_EQ(batched[i], four[i].greedy_ids) << "sequence " << i;
  }
}

TEST_F(StoriesStep, F16CacheStaysCloseToReference) {
  const auto& run = runs_[3];
  auto logits = eval_logits(model_, run.prompt_ids, TensorType::F16);
  ASSERT_TRUE(logits) << logits.status().message;
  float worst = 0;
  for (size_t i = 0; i < logits->size(); ++i) worst = std::max(worst, std::fabs((*logits)[i] - run.last_prompt_logits[i]));
  EXPECT_LT(worst, 5e-2f);
  EXPECT_EQ(argmax(*logits), run.greedy_ids.at(0));
}

TEST_F(StoriesStep, RejectsOutOfRangeBatches) {
  auto runner = StepRunner::create(model_, KvCacheConfig{2, 16, TensorType::F32});
  ASSERT_TRUE(runner);
  Batch bad_token;
  bad_token.add(512, 0, 0, true);
  EXPECT_EQ((*runner)->decode(bad_token).status().code, ErrorCode::invalid_request);
  Batch bad_slot;
  bad_slot.add(1, 0, 2, true);
  EXPECT_EQ((*runner)->decode(bad_slot).status().code, ErrorCode::invalid_request);
  Batch bad_pos;
  bad_pos.add(1, 16, 0, true);
  EXPECT_EQ((*runner)->decode(bad_pos).status().code, ErrorCode::invalid_request);
  EXPECT_FALSE((*runner)->decode(Batch{}));
}

} // namespace
} // namespace llmhost::engine

namespace llmhost::engine {
namespace {

TEST(StoriesBench, ReportsPromptAndGenerationThroughput) {
  LLMHOST_REQUIRE_TESTDATA();
  auto model = testing::load_model(testing::stories_model_path());
  ASSERT_TRUE(model);
  auto result = bench(*model, BenchOptions{.n_prompt = 32, .n_gen = 8, .reps = 2});
  ASSERT_TRUE(result) << result.status().message;
  EXPECT_EQ(result->pp.samples_tps.size(), 2u);
  EXPECT_EQ(result->tg.samples_tps.size(), 2u);
  EXPECT_GT(result->pp.mean_tps, 0);
  EXPECT_GT(result->tg.mean_tps, 0);
  EXPECT_FALSE(bench(*model, BenchOptions{.n_prompt = 0, .n_gen = 0, .reps = 1}));
}

} // namespace
} // namespace llmhost::engine
